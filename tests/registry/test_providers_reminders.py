"""Reminders to providers about entries not verified for long, and the signed
«всё верно» link that confirms an entry without signing in."""

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from safechildhood.registry import reminders
from safechildhood.registry.models import OrganizationMember, Service
from safechildhood.registry.services_actions import CONFIRMED_BY_LINK_ACTION
from safechildhood.registry.tasks import provider_reminders

from .factories import PhoneFactory, ServiceFactory

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(days=400)


@pytest.fixture
def stale(own_org):
    service = ServiceFactory(
        name="Старая запись", organization=own_org, assured_date=timezone.localdate() - LONG_AGO
    )
    PhoneFactory(service=service, number="8 (000) 000-00-77")
    return service


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+/services/confirm/\S+/", body)


def test_one_email_per_member_lists_stale_entries_only(provider, own_org, stale, settings):
    ServiceFactory(name="Свежая запись", organization=own_org, assured_date=timezone.localdate())
    ServiceFactory(name="Ни разу", organization=own_org)
    ServiceFactory(name="Чужая старая", assured_date=timezone.localdate() - LONG_AGO)
    ServiceFactory(name="Закрытая", organization=own_org, status=Service.Status.CLOSED)

    assert provider_reminders.call() == {"sent": 1, "failed": 0}

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["staff@example.org"]
    assert "Старая запись" in message.body and "Ни разу" in message.body
    for absent in ("Свежая запись", "Чужая старая", "Закрытая"):
        assert absent not in message.body
    assert len(links(message.body)) == 2
    assert "войдите в админку" in message.body
    assert settings.WAGTAILADMIN_BASE_URL in message.body


def test_not_resent_within_the_period(provider, stale, settings):
    settings.REGISTRY_REMINDER_EVERY_DAYS = 30
    provider_reminders.call()
    provider_reminders.call()
    assert len(mail.outbox) == 1

    OrganizationMember.objects.update(reminded_at=timezone.now() - dt.timedelta(days=31))
    provider_reminders.call()
    assert len(mail.outbox) == 2


def test_no_email_when_nothing_is_stale(provider, own_org):
    ServiceFactory(organization=own_org, assured_date=timezone.localdate())
    assert provider_reminders.call()["sent"] == 0
    assert mail.outbox == []
    assert OrganizationMember.objects.get(user=provider).reminded_at is None


def confirm_path(service, user) -> str:
    return reverse("registry:confirm", kwargs={"token": reminders.make_token(service, user)})


def test_opening_the_link_changes_nothing(client, provider, stale):
    response = client.get(confirm_path(stale, provider))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Старая запись" in page and "8 (000) 000-00-77" in page
    assert "Да, всё верно" in page
    stale.refresh_from_db()
    assert stale.assured_date == timezone.localdate() - LONG_AGO
    assert not ModelLogEntry.objects.filter(action=CONFIRMED_BY_LINK_ACTION).exists()


def test_pressing_the_button_verifies_and_is_audited(client, provider, stale):
    response = client.post(confirm_path(stale, provider))
    assert response.status_code == 200
    assert "Спасибо" in response.content.decode()
    stale.refresh_from_db()
    assert stale.assured_date == timezone.localdate()
    assert stale.assurer == provider
    entry = ModelLogEntry.objects.get(object_id=str(stale.pk), action=CONFIRMED_BY_LINK_ACTION)
    assert entry.user == provider


def test_a_used_link_says_it_was_already_confirmed(client, provider, stale):
    path = confirm_path(stale, provider)
    client.post(path)
    for response in (client.get(path), client.post(path)):
        page = response.content.decode()
        assert "уже подтверждена" in page
        assert "Да, всё верно" not in page
    assert ModelLogEntry.objects.filter(action=CONFIRMED_BY_LINK_ACTION).count() == 1


def test_an_expired_link_is_refused_plainly(client, provider, stale, settings):
    path = confirm_path(stale, provider)
    settings.REGISTRY_CONFIRM_LINK_DAYS = 14
    later = timezone.now() + dt.timedelta(days=15)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: later.timestamp())
        response = client.post(path)
    assert response.status_code == 410
    assert "Срок действия ссылки истёк" in response.content.decode()
    stale.refresh_from_db()
    assert stale.assured_date != timezone.localdate()


def test_a_tampered_link_is_refused_plainly(client, provider, stale):
    token = reminders.make_token(stale, provider)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "nonsense"):
        response = client.post(reverse("registry:confirm", kwargs={"token": bad}))
        assert response.status_code == 400
        assert "Ссылка повреждена" in response.content.decode()
    stale.refresh_from_db()
    assert stale.assured_date != timezone.localdate()


def test_a_link_for_a_deleted_entry_is_refused_plainly(client, provider, stale):
    path = confirm_path(stale, provider)
    stale.delete()
    response = client.get(path)
    assert response.status_code == 404
    assert "больше не существует" in response.content.decode()


@pytest.mark.parametrize(
    ("days", "link_days", "stale_words", "link_words"),
    [
        (1, 1, "больше 1 дня:", "действуют 1 день"),
        (2, 2, "больше 2 дней:", "действуют 2 дня"),
        (5, 5, "больше 5 дней:", "действуют 5 дней"),
        (21, 21, "больше 21 дня:", "действуют 21 день"),
        (180, 3, "больше 180 дней:", "действуют 3 дня"),
        (111, 14, "больше 111 дней:", "действуют 14 дней"),
    ],
)
def test_the_letter_says_the_days_in_russian_forms(
    provider, stale, settings, days, link_days, stale_words, link_words
):
    settings.REGISTRY_STALE_AFTER_DAYS = days
    settings.REGISTRY_CONFIRM_LINK_DAYS = link_days
    with translation.override("ru"):
        body = reminders.reminder_body(provider, [stale])
    assert f"не проверялись {stale_words}" in body
    assert f"Ссылки {link_words} и подходят только вам." in body


def test_the_english_letter_says_day_or_days(provider, stale, settings):
    settings.REGISTRY_STALE_AFTER_DAYS = 21
    settings.REGISTRY_CONFIRM_LINK_DAYS = 1
    with translation.override("en"):
        body = reminders.reminder_body(provider, [stale])
    assert "for more than 21 days:" in body
    assert "The links work for 1 day and only for you." in body
