"""Wagtail's admin messages agree with every model («Служба … обновлен» before)."""

import pytest
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.translation import gettext

from safechildhood.core.wagtail_wording import WAGTAIL_MESSAGES
from tests.registry.factories import DistrictFactory

RUSSIAN = {
    "%(model_name)s '%(object)s' updated.": "%(model_name)s «%(object)s»: изменения сохранены.",
    "%(model_name)s '%(object)s' updated and published.": (
        "%(model_name)s «%(object)s»: изменения сохранены и опубликованы."
    ),
    "%(model_name)s '%(object)s' created.": "%(model_name)s «%(object)s»: запись создана.",
    "%(model_name)s '%(object)s' deleted.": "%(model_name)s «%(object)s»: запись удалена.",
}


def test_reworded_messages_name_the_model_then_what_happened():
    with translation.override("ru"):
        for english, russian in RUSSIAN.items():
            assert gettext(english) == russian


def test_every_listed_message_is_reworded_in_russian_and_plain_in_english():
    for message in WAGTAIL_MESSAGES:
        with translation.override("ru"):
            assert "'" not in gettext(message) and "«" in gettext(message)
        with translation.override("en"):
            assert gettext(message) == message


@pytest.mark.django_db
def test_saving_a_district_says_so_in_agreeing_russian(admin_client):
    district = DistrictFactory(name="Сокольский округ")
    url = f"/admin/snippets/registry/district/edit/{district.pk}/"
    form = admin_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"name": "Сокольский округ", "slug": district.slug})
    response = admin_client.post(url, data)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("«Сокольский округ»: изменения сохранены" in text for text in texts), texts
