"""Reminders to providers about entries not verified for long, and the signed
«всё верно» link that confirms an entry without signing in."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from safechildhood.registry import reminders
from safechildhood.registry.models import OrganizationMember, Service
from safechildhood.registry.services_actions import CONFIRMED_BY_LINK_ACTION
from safechildhood.registry.tasks import provider_reminders

from .factories import OrganizationFactory, PhoneFactory, ServiceFactory

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(days=400)


@pytest.fixture
def org():
    return OrganizationFactory(name="КЦСОН «Своя» (демо)")


@pytest.fixture
def member(django_user_model, org):
    user = django_user_model.objects.create_user(
        "postavshchik", password="x", email="staff@example.org", first_name="Анна"
    )
    user.groups.add(Group.objects.get(name="Поставщики услуг"))
    OrganizationMember.objects.create(user=user, organization=org)
    return user


@pytest.fixture
def stale(org):
    service = ServiceFactory(
        name="Старая запись", organization=org, assured_date=timezone.localdate() - LONG_AGO
    )
    PhoneFactory(service=service, number="8 (000) 000-00-77")
    return service


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+/services/confirm/\S+/", body)


def test_one_email_per_member_lists_stale_entries_only(member, org, stale, settings):
    ServiceFactory(name="Свежая запись", organization=org, assured_date=timezone.localdate())
    ServiceFactory(name="Ни разу", organization=org)
    ServiceFactory(name="Чужая старая", assured_date=timezone.localdate() - LONG_AGO)
    ServiceFactory(name="Закрытая", organization=org, status=Service.Status.CLOSED)

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


def test_not_resent_within_the_period(member, stale, settings):
    settings.REGISTRY_REMINDER_EVERY_DAYS = 30
    provider_reminders.call()
    provider_reminders.call()
    assert len(mail.outbox) == 1

    OrganizationMember.objects.update(reminded_at=timezone.now() - dt.timedelta(days=31))
    provider_reminders.call()
    assert len(mail.outbox) == 2


def test_no_email_when_nothing_is_stale(member, org):
    ServiceFactory(organization=org, assured_date=timezone.localdate())
    assert provider_reminders.call()["sent"] == 0
    assert mail.outbox == []
    assert OrganizationMember.objects.get(user=member).reminded_at is None


def confirm_path(service, user) -> str:
    return reverse("registry:confirm", kwargs={"token": reminders.make_token(service, user)})


def test_opening_the_link_changes_nothing(client, member, stale):
    response = client.get(confirm_path(stale, member))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Старая запись" in page and "8 (000) 000-00-77" in page
    assert "Да, всё верно" in page
    stale.refresh_from_db()
    assert stale.assured_date == timezone.localdate() - LONG_AGO
    assert not ModelLogEntry.objects.filter(action=CONFIRMED_BY_LINK_ACTION).exists()


def test_pressing_the_button_verifies_and_is_audited(client, member, stale):
    response = client.post(confirm_path(stale, member))
    assert response.status_code == 200
    assert "Спасибо" in response.content.decode()
    stale.refresh_from_db()
    assert stale.assured_date == timezone.localdate()
    assert stale.assurer == member
    entry = ModelLogEntry.objects.get(object_id=str(stale.pk), action=CONFIRMED_BY_LINK_ACTION)
    assert entry.user == member


def test_a_used_link_says_it_was_already_confirmed(client, member, stale):
    path = confirm_path(stale, member)
    client.post(path)
    for response in (client.get(path), client.post(path)):
        page = response.content.decode()
        assert "уже подтверждена" in page
        assert "Да, всё верно" not in page
    assert ModelLogEntry.objects.filter(action=CONFIRMED_BY_LINK_ACTION).count() == 1


def test_an_expired_link_is_refused_plainly(client, member, stale, settings):
    path = confirm_path(stale, member)
    settings.REGISTRY_CONFIRM_LINK_DAYS = 14
    later = timezone.now() + dt.timedelta(days=15)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: later.timestamp())
        response = client.post(path)
    assert response.status_code == 410
    assert "Срок действия ссылки истёк" in response.content.decode()
    stale.refresh_from_db()
    assert stale.assured_date != timezone.localdate()


def test_a_tampered_link_is_refused_plainly(client, member, stale):
    token = reminders.make_token(stale, member)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "nonsense"):
        response = client.post(reverse("registry:confirm", kwargs={"token": bad}))
        assert response.status_code == 400
        assert "Ссылка повреждена" in response.content.decode()
    stale.refresh_from_db()
    assert stale.assured_date != timezone.localdate()


def test_a_link_for_a_deleted_entry_is_refused_plainly(client, member, stale):
    path = confirm_path(stale, member)
    stale.delete()
    response = client.get(path)
    assert response.status_code == 404
    assert "больше не существует" in response.content.decode()
