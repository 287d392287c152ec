"""«Сообщить об ошибке в записи»: a visitor tells the registry editors an entry is wrong.

The note is saved first (so that nothing is lost if mail is down), then a
background task e-mails it to ``REGISTRY_CORRECTIONS_EMAIL`` or, when that is
not set, to the active members of the «Редакторы реестра» group. Abuse
protection is the public forms' own (:mod:`safechildhood.core.protection`): a signed
form token, a honeypot, and rate limits counted in the cache under a keyed hash of
the client's address (the address itself is never stored or logged).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from safechildhood.core.protection import Limit, RateLimits, issue_token

EDITORS_GROUP = "Редакторы реестра"
FORM_NAME = "registry_correction"
# The page cache's name for the form's token (registered in apps.py).
FRESH_FORM_VALUE = "registry.correction_form"


def new_form_token() -> str:
    return issue_token(FORM_NAME)


class Source(models.TextChoices):
    """Who sent the note: the e-mail and the list say it truly."""

    VISITOR = "visitor", _("Посетитель сайта")
    INBOX = "inbox", _("Специалист по обращениям")


class ServiceCorrection(models.Model):
    """A note that a registry entry is wrong or out of date, from a visitor or a specialist."""

    service = models.ForeignKey(
        "registry.Service",
        verbose_name=_("Служба"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    description = models.TextField(_("Что не так"), max_length=2000)
    contact = models.CharField(
        _("Как связаться с автором"),
        max_length=255,
        blank=True,
        help_text=_("Необязательно: телефон или почта, если автор хочет ответа"),
    )
    source = models.CharField(
        _("Кто сообщил"), max_length=16, choices=Source.choices, default=Source.VISITOR
    )
    created_at = models.DateTimeField(_("Получено"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("Отправлено редакторам"), null=True, blank=True)
    is_resolved = models.BooleanField(_("Исправлено"), default=False)

    class Meta:
        app_label = "registry"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Сообщение об ошибке в реестре")
        verbose_name_plural = _("Сообщения об ошибках в реестре")

    def __str__(self) -> str:
        return (
            f"{self.service} — {self.created_at:%d.%m.%Y}" if self.created_at else str(self.service)
        )

    @property
    def short_description(self) -> str:
        return Truncator(self.description).chars(120)


def recipients() -> list[str]:
    """``REGISTRY_CORRECTIONS_EMAIL`` if set, else the registry editors' addresses."""
    configured = [address for address in settings.REGISTRY_CORRECTIONS_EMAIL if address]
    if configured:
        return configured
    users = get_user_model().objects.filter(groups__name=EDITORS_GROUP, is_active=True)
    return sorted({user.email for user in users if user.email})


# --- Rate limits (per client and for everybody) ------------------------------------------

CLIENT_LIMIT = Limit(5, 60 * 60)
GLOBAL_LIMIT = Limit(200, 60 * 60)
LIMITS = RateLimits("registry", {"corrections": CLIENT_LIMIT, "corrections_global": GLOBAL_LIMIT})


def allow(request: HttpRequest) -> bool:
    """Count one submission; False when this client or everybody sent too many."""
    client = LIMITS.hit(request, "corrections")
    everybody = LIMITS.hit(request, "corrections_global")
    return client and everybody


def submit(
    service, description: str, contact: str = "", source: str = Source.VISITOR
) -> ServiceCorrection:
    """Store the note, then (after commit) queue the e-mail to the editors."""
    # Not at the top: tasks imports this module (registry.models imports it first).
    from .tasks import queue_correction_email

    with transaction.atomic():
        correction = ServiceCorrection.objects.create(
            service=service,
            description=description.strip(),
            contact=contact.strip(),
            source=source,
        )
        transaction.on_commit(lambda: queue_correction_email(correction.pk))
    return correction


class InboxProblem(models.TextChoices):
    """What a specialist who handles reports found wrong with a service (issue 13, point 8)."""

    NO_ANSWER = "no_answer", _("Телефон службы не отвечает")
    CLOSED = "closed", _("Служба закрылась")


def flag_from_inbox(service, problem: str, contact: str) -> tuple[ServiceCorrection, bool]:
    """A specialist's flag as a note for the editors: the problem's words only, never anything
    from the report it was seen on. The same flag still waiting for an editor is not repeated:
    returns it and False."""
    with override(settings.LANGUAGE_CODE):  # the editors' language, as the e-mail
        description = str(InboxProblem(problem).label)
    waiting = ServiceCorrection.objects.filter(
        service=service, source=Source.INBOX, description=description, is_resolved=False
    ).first()
    if waiting is not None:
        return waiting, False
    return submit(service, description, contact, source=Source.INBOX), True
