"""Provider accounts: which admin users speak for which organisation.

A member of «Поставщики услуг» edits only the services of the organisations listed
here for them (``registry.providers``), and gets the reminders to confirm those
entries (``registry.reminders``). Registry editors keep this list in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from .organizations import Organization


class OrganizationMember(models.Model):
    """One admin user who keeps one organisation's services current."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Пользователь"),
        on_delete=models.CASCADE,
        related_name="registry_memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("Организация"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    reminded_at = models.DateTimeField(
        _("Последнее напоминание"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Когда этому человеку последний раз писали о непроверенных записях"),
    )

    panels = [FieldPanel("user"), FieldPanel("organization")]

    class Meta:
        verbose_name = _("Сотрудник организации")
        verbose_name_plural = _("Сотрудники организаций")
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="registry_member_unique_user_organization"
            )
        ]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} — {self.organization}"
