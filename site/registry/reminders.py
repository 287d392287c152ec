"""Reminders to providers, and the signed «всё верно» link that answers them.

Once a day (``tasks.provider_reminders``) each organisation member gets one e-mail
listing their organisations' published services not verified for
``REGISTRY_STALE_AFTER_DAYS`` — at most once per ``REGISTRY_REMINDER_EVERY_DAYS``.
Each service in it has its own link, signed for that member and that service and
valid ``REGISTRY_CONFIRM_LINK_DAYS``. Opening the link changes nothing (mail scanners
open links); pressing «Да, всё верно» on the page marks the entry verified today by
that member, without signing in, and the audit log says it came by link. A link
also carries the verification date it was sent against: once the entry has been
verified since, the link says so instead of verifying again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.models import Locale

from .models import OrganizationMember, Service
from .providers import organizations_of
from .services_actions import CONFIRMED_BY_LINK_ACTION, mark_verified

SALT = "safechildhood.registry.confirm-link"


class LinkError(Exception):
    """A link that cannot be used; `reason` is "expired", "invalid" or "missing"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Confirmation:
    """What a valid link stands for."""

    service: Service
    member: object
    already_confirmed: bool


def make_token(service: Service, user) -> str:
    """A signed, dated token: this member may confirm this service's current data."""
    sent_against = service.assured_date.isoformat() if service.assured_date else ""
    payload = {"s": service.pk, "u": user.pk, "a": sent_against}
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def read_token(token: str) -> Confirmation:
    """The service and member of a link; LinkError when expired, tampered or gone."""
    max_age = dt.timedelta(days=settings.REGISTRY_CONFIRM_LINK_DAYS)
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkError("expired") from exc
    except (signing.BadSignature, ValueError) as exc:
        raise LinkError("invalid") from exc
    service = Service.objects.filter(pk=payload.get("s")).with_public_related().first()
    member = get_user_model().objects.filter(pk=payload.get("u"), is_active=True).first()
    if service is None or member is None:
        raise LinkError("missing")
    current = service.assured_date.isoformat() if service.assured_date else ""
    return Confirmation(service, member, already_confirmed=current != payload.get("a"))


def confirm(confirmation: Confirmation) -> None:
    """«Да, всё верно»: verified today by the member (and translations), audit-logged."""
    mark_verified([confirmation.service], confirmation.member, action=CONFIRMED_BY_LINK_ACTION)


# --- The daily e-mail ----------------------------------------------------------------------


def stale_services_of(user) -> QuerySet[Service]:
    """The member's organisations' published entries (in the site's main language, as
    verification covers the translations) that need re-checking."""
    return (
        Service.objects.filter(live=True, organization__in=organizations_of(user))
        .exclude(status=Service.Status.CLOSED)
        .filter(locale=Locale.get_default())
        .stale()
        .order_by("name", "pk")
    )


def members_due(now: dt.datetime | None = None) -> QuerySet:
    """Active members with an address who were not reminded in the last period."""
    now = now or timezone.now()
    recent = now - dt.timedelta(days=settings.REGISTRY_REMINDER_EVERY_DAYS)
    reminded = OrganizationMember.objects.filter(reminded_at__gt=recent).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, registry_memberships__isnull=False)
        .exclude(email="")
        .exclude(pk__in=reminded)
        .distinct()
        .order_by("pk")
    )


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def reminder_body(user, services: list[Service]) -> str:
    """The text of one member's e-mail: each entry with its own «всё верно» link."""
    rows = [
        {
            "service": service,
            "confirm_url": _absolute(
                reverse("registry:confirm", kwargs={"token": make_token(service, user)})
            ),
        }
        for service in services
    ]
    return render_to_string(
        "registry/emails/provider_reminder.txt",
        {
            "user": user,
            "rows": rows,
            "days": settings.REGISTRY_STALE_AFTER_DAYS,
            "link_days": settings.REGISTRY_CONFIRM_LINK_DAYS,
            "admin_url": _absolute(reverse("wagtailadmin_home")),
        },
    )


def send_reminder(user, now: dt.datetime | None = None) -> bool:
    """E-mail the member about their stale entries (if any) and note when; True if sent."""
    services = list(stale_services_of(user))
    if not services:
        return False
    with override(settings.LANGUAGE_CODE):
        subject = _("Проверьте записи вашей организации в реестре помощи")
        body = reminder_body(user, services)
    send_mail(subject, body, None, [user.email])
    OrganizationMember.objects.filter(user=user).update(reminded_at=now or timezone.now())
    return True
