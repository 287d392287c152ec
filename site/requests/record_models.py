"""The interagency record of a report (issue 13, point 4): the seeds' steps 3–7.

A team visits the family, assesses the risks, the interagency team decides, the
agencies of the prevention system are informed, and the family is supported under a
plan reviewed on a date. What staff choose or date (risk level, agency, dates) stays
plain, like a report's status; what they write (who went, the risk note, another
agency's name, the plan) is sealed under the report's key like an internal note
(:class:`~safechildhood.requests.sealed_fields.SealedTextField`) and is removed when
the report's content is purged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sealed_fields import SealedTextField


class RiskLevel(models.TextChoices):
    NOT_CONFIRMED = "not_confirmed", _("Риск не подтвердился")
    LOW = "low", _("Низкий риск")
    MEDIUM = "medium", _("Средний риск")
    HIGH = "high", _("Высокий риск: непосредственная угроза ребёнку")


class Agency(models.TextChoices):
    """The bodies of the prevention system the seeds name (step 6)."""

    POLICE = "police", _("Полиция (подразделение по делам несовершеннолетних)")
    GUARDIANSHIP = "guardianship", _("Органы опеки и попечительства")
    HEALTH = "health", _("Здравоохранение")
    EDUCATION = "education", _("Образование")
    KDN = "kdn", _("Комиссия по делам несовершеннолетних и защите их прав (КДНиЗП)")
    OTHER = "other", _("Другое ведомство")


class _Entry(models.Model):
    """Who recorded it and when: the common part of every record entry."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Visit(_Entry):
    """A visit of the team to the family (step 3)."""

    report = models.ForeignKey("requests.Report", on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("Дата выезда"))
    team = SealedTextField(_("Кто выезжал"), report_attr="report_id")

    class Meta:
        ordering = ["visited_on", "pk"]
        verbose_name = _("Выезд команды")
        verbose_name_plural = _("Выезды команды")

    def __str__(self) -> str:
        return f"Visit {self.pk}: report {self.report_id}, {self.visited_on:%d.%m.%Y}"


class RiskAssessment(_Entry):
    """The outcome of a risk assessment (step 4); the newest one is the current one."""

    report = models.ForeignKey(
        "requests.Report", on_delete=models.CASCADE, related_name="risk_assessments"
    )
    assessed_on = models.DateField(_("Дата оценки"))
    level = models.CharField(_("Итог оценки рисков"), max_length=16, choices=RiskLevel.choices)
    note = SealedTextField(_("Пояснение"), report_attr="report_id", blank=True)

    class Meta:
        ordering = ["assessed_on", "pk"]
        verbose_name = _("Оценка рисков")
        verbose_name_plural = _("Оценки рисков")

    def __str__(self) -> str:
        return f"RiskAssessment {self.pk}: report {self.report_id}, {self.level}"


class AgencyNotice(_Entry):
    """An agency of the prevention system informed about the case (step 6)."""

    report = models.ForeignKey(
        "requests.Report", on_delete=models.CASCADE, related_name="agency_notices"
    )
    agency = models.CharField(_("Ведомство"), max_length=16, choices=Agency.choices)
    other_name = SealedTextField(_("Название ведомства"), report_attr="report_id", blank=True)
    informed_on = models.DateField(_("Дата информирования"))

    class Meta:
        ordering = ["informed_on", "pk"]
        verbose_name = _("Информирование ведомства")
        verbose_name_plural = _("Информирование ведомств")

    def __str__(self) -> str:
        return f"AgencyNotice {self.pk}: report {self.report_id}, {self.agency}"


class SupportPlan(models.Model):
    """The family's support plan (step 7) and when it is reviewed next: one per report."""

    report = models.OneToOneField(
        "requests.Report", on_delete=models.CASCADE, related_name="support_plan"
    )
    text = SealedTextField(_("План сопровождения"), report_attr="report_id")
    next_review = models.DateField(_("Следующий пересмотр плана"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("План сопровождения семьи")
        verbose_name_plural = _("Планы сопровождения семей")

    def __str__(self) -> str:
        return f"SupportPlan {self.pk}: report {self.report_id}"


# What a purge empties (services.purge): every sealed field of the record.
SEALED_RECORD_FIELDS = (
    (Visit, "team"),
    (RiskAssessment, "note"),
    (AgencyNotice, "other_name"),
    (SupportPlan, "text"),
)
