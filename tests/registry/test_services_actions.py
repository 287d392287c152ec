"""The registry's domain actions, called without the admin around them."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry

from safechildhood.registry.models import Service
from safechildhood.registry.services_actions import MARK_VERIFIED_ACTION, mark_verified

from .factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_mark_verified_dates_the_service_and_its_translations(django_user_model):
    editor = django_user_model.objects.create_user("redaktor", password="x")
    old = timezone.localdate() - dt.timedelta(days=400)
    service = ServiceFactory(assured_date=old, assurer_name="Кто-то", assurer_email="a@example.org")
    english = service.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.save()
    other = ServiceFactory(assured_date=old)
    modified = Service.objects.get(pk=service.pk).modified

    assert mark_verified([service], editor) == 1

    for pk in (service.pk, english.pk):
        row = Service.objects.get(pk=pk)
        assert (row.assured_date, row.assurer, row.assurer_name, row.assurer_email) == (
            timezone.localdate(),
            editor,
            "",
            "",
        )
        assert ModelLogEntry.objects.filter(
            object_id=str(pk), action=MARK_VERIFIED_ACTION, user=editor
        ).exists()
    assert Service.objects.get(pk=service.pk).modified == modified  # verifying is not editing
    assert Service.objects.get(pk=other.pk).assured_date == old  # only the chosen ones
