"""Concern reports: what a visitor sends, and what staff do with it.

Privacy rules the models keep:

* Everything a person wrote (description, place, ages, contact details, messages,
  internal notes) is a :class:`~safechildhood.requests.sealed_fields.SealedTextField`,
  sealed under the report's own key, which only its readers and the reporter can open
  (:mod:`safechildhood.requests.sealing`).
  What staff filter on (status, urgency, category, district, dates) stays plain.
* No IP address, user agent or other trace of the reporter is a field anywhere.
* The receipt code is never stored: only a slow hash and a short keyed lookup prefix
  (see :mod:`safechildhood.requests.receipts`).
* ``str(report)`` is a number only: it ends up in the audit log's label.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager, LogEntryQuerySet

from safechildhood.registry.models import District

from . import receipts
from .delivery import Delivery
from .sealed_fields import SealedTextField

# --- Choices -------------------------------------------------------------------------


class Category(models.TextChoices):
    VIOLENCE = "violence", _("Насилие в отношении ребёнка")
    NEGLECT = "neglect", _("Ребёнок без присмотра и заботы")
    BULLYING = "bullying", _("Травля (буллинг)")
    SELF_HARM = "self_harm", _("Самоповреждение или мысли о суициде")
    FAMILY_CRISIS = "family_crisis", _("Семья в кризисной ситуации")
    VIOLENCE_AGAINST_WOMAN = "violence_woman", _("Насилие в отношении женщины с детьми")
    OTHER = "other", _("Другое")


class DangerNow(models.TextChoices):
    YES = "yes", _("Да, прямо сейчас")
    NO = "no", _("Нет")
    UNSURE = "unsure", _("Не знаю")


class ReporterRole(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Сосед или соседка")
    RELATIVE = "relative", _("Родственник")
    TEACHER = "teacher", _("Педагог или специалист")
    CHILD = "child", _("Я и есть этот ребёнок")
    OTHER = "other", _("Другое")


class Status(models.TextChoices):
    NEW = "new", _("Новое")
    TRIAGE = "triage", _("Разбор")
    TEAM_SENT = "team_sent", _("Команда направлена")
    FAMILY_SUPPORTED = "family_supported", _("Семья получает помощь")
    REFERRED = "referred", _("Передано в другое ведомство")
    CLOSED = "closed", _("Закрыто")


# The process the seeds describe: signal → team and urgency decided → a team visits →
# the family is supported or referred → closed. A closed report can be reopened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.TRIAGE, Status.CLOSED),
    Status.TRIAGE: (Status.TEAM_SENT, Status.REFERRED, Status.CLOSED),
    Status.TEAM_SENT: (Status.FAMILY_SUPPORTED, Status.REFERRED, Status.CLOSED),
    Status.FAMILY_SUPPORTED: (Status.REFERRED, Status.CLOSED),
    Status.REFERRED: (Status.CLOSED,),
    Status.CLOSED: (Status.TRIAGE,),
}

# What the reporter reads on the status page: plain words, nothing about the family.
PUBLIC_STATUS_TEXT = {
    Status.NEW: _("Сообщение получено. Специалисты скоро его рассмотрят."),
    Status.TRIAGE: _("Специалисты изучают сообщение и решают, как помочь."),
    Status.TEAM_SENT: _("Специалисты работают по вашему сообщению."),
    Status.FAMILY_SUPPORTED: _("Семья получает поддержку."),
    Status.REFERRED: _("Сообщение передано службе, которая может помочь."),
    Status.CLOSED: _("Работа по сообщению завершена."),
}


class Outcome(models.TextChoices):
    SUPPORTED = "supported", _("Семье оказана помощь")
    REFERRED = "referred", _("Передано в другое ведомство")
    UNFOUNDED = "unfounded", _("Опасения не подтвердились")
    NO_CONTACT = "no_contact", _("Семью не удалось найти")
    DUPLICATE = "duplicate", _("Повтор другого обращения")
    FALSE_REPORT = "false_report", _("Ложное сообщение или спам")


class Kind(models.TextChoices):
    """What came in: a concern about a child, or a family asking help for itself."""

    REPORT = "report", _("Сообщение о ребёнке")
    FAMILY = "family", _("Просьба семьи о помощи")


class FamilyTopic(models.TextChoices):
    """What a family asking for help says is happening (the «Семейная диспетчерская» themes)."""

    RELATIONS = "relations", _("Отношения с детьми")
    UPBRINGING = "upbringing", _("Развитие и воспитание ребёнка")
    MONEY = "money", _("Деньги, трудное материальное положение")
    LEGAL = "legal", _("Юридические вопросы")
    VIOLENCE = "violence", _("Насилие дома")
    OTHER = "other", _("Другое")


# What the family reads on the status page of its own request.
FAMILY_STATUS_TEXT = {
    Status.NEW: _("Просьба получена. Специалист позвонит вам в то время, которое вы указали."),
    Status.TRIAGE: _("Специалист разбирается, чем помочь вашей семье."),
    Status.TEAM_SENT: _("Специалисты работают с вашей семьёй."),
    Status.FAMILY_SUPPORTED: _("Ваша семья получает поддержку."),
    Status.REFERRED: _("Просьба передана службе, которая может помочь."),
    Status.CLOSED: _("Работа по просьбе завершена."),
}


class Verification(models.TextChoices):
    """How the sender proved to be a person: staff may weigh unverified reports as spam."""

    PROOF_OF_WORK = "pow", _("Проверка в браузере (ALTCHA)")
    RECAPTCHA = "recaptcha", _("reCAPTCHA")
    NONE = "none", _("Без проверки (JavaScript выключен)")


# --- Reports ------------------------------------------------------------------------

# What the sender's pages read to say who acts (routing.who_acts), loaded with the report.
WHO_FIELDS = ("kind", "urgent", "status", "district", "service")


def user_sees_all_districts(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(
        user.is_active and (user.is_superuser or user.has_perm("requests.view_all_districts"))
    )


class ReportQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> ReportQuerySet:
        """The district scope: everything for coordinators, their districts for specialists.

        Reports without a district ("не знаю") are seen by coordinators only.
        """
        if not user.is_authenticated or not user.has_perm("requests.view_report"):
            return self.none()
        if user_sees_all_districts(user):
            return self
        return self.filter(
            district__in=InboxScope.districts.through.objects.filter(inboxscope__user=user).values(
                "district_id"
            )
        )

    def open(self) -> ReportQuerySet:
        return self.exclude(status=Status.CLOSED)

    def new(self) -> ReportQuerySet:
        return self.filter(status=Status.NEW)

    def overdue_urgent(self, now: dt.datetime | None = None) -> ReportQuerySet:
        """Urgent and still untouched after the promised reaction time."""
        now = now or timezone.now()
        deadline = now - dt.timedelta(hours=settings.REPORTS_URGENT_SLA_HOURS)
        return self.filter(urgent=True, status=Status.NEW, created_at__lt=deadline)

    def purge_due(self, now: dt.datetime | None = None, within_days: int = 0) -> ReportQuerySet:
        """Closed, not yet purged, and past (or within `within_days` of) the retention period."""
        now = now or timezone.now()
        cutoff = now - dt.timedelta(days=settings.REPORTS_RETENTION_DAYS - within_days)
        return self.filter(status=Status.CLOSED, purged_at__isnull=True, closed_at__lte=cutoff)

    def ordered_for_inbox(self) -> ReportQuerySet:
        """Urgent first, then open before closed, newest first."""
        return self.order_by("-urgent", "status_rank", "-created_at", "-pk")


class Report(models.Model):
    """One concern sent through the site."""

    created_at = models.DateTimeField(_("Получено"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("Изменено"), auto_now=True)
    is_demo = models.BooleanField(_("Демонстрационное"), default=False)
    # A family's own request (family.py) leaves category and danger_now empty: it was not
    # asked about them; its topic is family_topic.
    kind = models.CharField(
        _("Вид обращения"), max_length=16, choices=Kind.choices, default=Kind.REPORT, db_index=True
    )
    family_topic = models.CharField(
        _("Что происходит в семье"), max_length=16, choices=FamilyTopic.choices, blank=True
    )

    # What staff sort and filter on: plain.
    category = models.CharField(_("Что беспокоит"), max_length=32, choices=Category.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("Район"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    danger_now = models.CharField(
        _("Опасность прямо сейчас"), max_length=8, choices=DangerNow.choices
    )
    urgent = models.BooleanField(_("Срочное"), default=False, db_index=True)
    reporter_role = models.CharField(
        _("Кто сообщил"), max_length=16, choices=ReporterRole.choices, blank=True
    )
    wants_contact = models.BooleanField(_("Просит связаться"), default=False)
    verified_by = models.CharField(
        _("Проверка отправителя"),
        max_length=16,
        choices=Verification.choices,
        default=Verification.NONE,
    )
    over_volume = models.BooleanField(
        _("Без проверки, сверх обычного объёма"),
        default=False,
        help_text=_(
            "Отправлено без проверки в браузере, когда таких обращений за час было больше "
            "обычного: возможно, спам. Такие обращения не отклоняются, чтобы не потерять "
            "настоящие."
        ),
    )

    # What the person wrote: encrypted.
    description = SealedTextField(_("Описание"))
    place = SealedTextField(_("Место"), blank=True)
    children_ages = SealedTextField(_("Возраст детей"), blank=True)
    contact_name = SealedTextField(_("Имя"), blank=True)
    contact_phone = SealedTextField(_("Телефон"), blank=True)
    contact_email = SealedTextField(_("Электронная почта"), blank=True)
    callback_time = SealedTextField(_("Когда можно позвонить"), blank=True)

    # Handling.
    status = models.CharField(
        _("Статус"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    status_rank = models.PositiveSmallIntegerField(default=0, editable=False)
    status_changed_at = models.DateTimeField(_("Статус изменён"), default=timezone.now)
    outcome = models.CharField(_("Итог"), max_length=20, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("Закрыто"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Исполнитель"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
    )
    service = models.ForeignKey(
        "registry.Service",
        verbose_name=_("Служба"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text=_("Служба из реестра, которая ведёт обращение"),
    )
    unread_reporter_message = models.BooleanField(_("Новый ответ заявителя"), default=False)

    # The receipt: never the code itself.
    receipt_lookup = models.CharField(max_length=receipts.LOOKUP_LENGTH, db_index=True)
    receipt_hash = models.CharField(max_length=200, blank=True)
    # Keyed hash of a random token the check page carries, so that a double click or
    # a reload of the confirmation never files the same report twice.
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    purged_at = models.DateTimeField(_("Содержание удалено"), null=True, blank=True)

    # Sealing (see sealing.py): when the report moved to its own key (None: a Fernet
    # report of old), and the report key wrapped under a key from the receipt code.
    sealed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reporter_salt = models.CharField(max_length=32, blank=True, editable=False)
    reporter_kdf_cost = models.CharField(max_length=32, blank=True, editable=False)
    reporter_wrapped_key = models.TextField(blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Обращение")
        verbose_name_plural = _("Обращения")
        ordering = ["-urgent", "status_rank", "-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-urgent", "status_rank", "-created_at"], name="requests_report_inbox"
            ),
            models.Index(fields=["status", "closed_at"], name="requests_report_retention"),
        ]
        permissions = [
            ("view_all_districts", _("Видит обращения всех районов (координатор)")),
            ("view_statistics", _("Видит статистику обращений (без содержания)")),
        ]

    def __str__(self) -> str:
        return str(_("Обращение №%(number)s") % {"number": self.pk})

    def save(self, *args, **kwargs) -> None:
        # Closed reports sort after open ones; everything else by recency.
        self.status_rank = 1 if self.status == Status.CLOSED else 0
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "status_rank"}
        super().save(*args, **kwargs)

    # --- receipt ---

    def set_receipt(self, code: str) -> None:
        self.receipt_lookup = receipts.lookup_prefix(code)
        self.receipt_hash = receipts.hash_code(code)

    @classmethod
    def find_by_receipt(cls, raw_code: str) -> Report | None:
        """The report a receipt code opens, or None (purged reports have no receipt)."""
        code = receipts.normalise(raw_code)
        if code is None:
            return None
        candidates = cls.objects.filter(
            receipt_lookup=receipts.lookup_prefix(code), purged_at__isnull=True
        ).exclude(receipt_hash="")
        for report in candidates.only(
            "pk", "receipt_hash", "receipt_lookup", "created_at", *WHO_FIELDS
        )[:20]:
            if receipts.verify_code(report.receipt_hash, code):
                return report
        return None

    # --- status ---

    @property
    def public_status_text(self) -> str:
        texts = FAMILY_STATUS_TEXT if self.is_family else PUBLIC_STATUS_TEXT
        return str(texts[Status(self.status)])

    @property
    def is_family(self) -> bool:
        return self.kind == Kind.FAMILY

    def allowed_transitions(self) -> list[tuple[str, str]]:
        if self.purged_at:
            return []
        return [(s, Status(s).label) for s in TRANSITIONS[Status(self.status)]]

    def can_move_to(self, status: str) -> bool:
        return not self.purged_at and status in TRANSITIONS[Status(self.status)]

    @property
    def is_overdue(self) -> bool:
        if self.status != Status.NEW:
            return False
        hours = settings.REPORTS_URGENT_SLA_HOURS if self.urgent else settings.REPORTS_SLA_HOURS
        return timezone.now() - self.created_at > dt.timedelta(hours=hours)

    @property
    def purge_after(self) -> dt.datetime | None:
        if self.status != Status.CLOSED or not self.closed_at or self.purged_at:
            return None
        return self.closed_at + dt.timedelta(days=settings.REPORTS_RETENTION_DAYS)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_phone or self.contact_email)


class ReportMessage(models.Model):
    """A message between staff and the reporter, read on the reporter's status page."""

    class Direction(models.TextChoices):
        TO_REPORTER = "to_reporter", _("Заявителю")
        FROM_REPORTER = "from_reporter", _("От заявителя")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = SealedTextField(_("Сообщение"), report_attr="report_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Сообщение по обращению")
        verbose_name_plural = _("Сообщения по обращениям")

    def __str__(self) -> str:
        return f"{self.get_direction_display()} ({self.created_at:%d.%m.%Y %H:%M})"

    @property
    def from_reporter(self) -> bool:
        return self.direction == self.Direction.FROM_REPORTER


class ReportNote(models.Model):
    """An internal note: staff only, never shown to the reporter."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = SealedTextField(_("Заметка"), report_attr="report_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Внутренняя заметка")
        verbose_name_plural = _("Внутренние заметки")

    def __str__(self) -> str:
        return f"{self.report} ({self.created_at:%d.%m.%Y %H:%M})"


class CallBack(models.Model):
    """A call back to a family that asked for help: when, whether it got through, what next.

    Metadata only (what was said goes in a sealed note), so it stays after retention.
    """

    class Result(models.TextChoices):
        REACHED = "reached", _("Поговорили")
        NO_ANSWER = "no_answer", _("Не ответили")
        NOT_SAFE = "not_safe", _("Говорить было неудобно или небезопасно")
        WRONG_NUMBER = "wrong_number", _("Номер не тот или не работает")

    class Agreed(models.TextChoices):
        CONSULTED = "consulted", _("Проконсультировали по телефону")
        VISIT = "visit", _("Договорились о встрече или выезде")
        SUPPORT = "support", _("Семью взяли на сопровождение")
        REFERRED = "referred", _("Направили в другую службу")
        CALL_AGAIN = "call_again", _("Договорились созвониться ещё раз")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="call_backs")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    called_at = models.DateTimeField(_("Когда звонили"), default=timezone.now)
    result = models.CharField(_("Результат звонка"), max_length=16, choices=Result.choices)
    agreed = models.CharField(
        _("О чём договорились"), max_length=16, choices=Agreed.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["called_at", "pk"]
        verbose_name = _("Звонок семье")
        verbose_name_plural = _("Звонки семьям")

    def __str__(self) -> str:
        return f"{self.report}: {self.get_result_display()} ({self.called_at:%d.%m.%Y %H:%M})"


class ReportNotification(Delivery):
    """The e-mail that tells a district's duty address about a new report.

    A row per notification makes the delivery durable and visible: the task that sends
    it retries with back-off and records each failure here, and staff see in the inbox
    a notification that is late or gave up.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notifications")
    recipients = models.CharField(_("Кому"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Уведомление о новом обращении")
        verbose_name_plural = _("Уведомления о новых обращениях")

    def __str__(self) -> str:
        return f"{self.report}: {self.get_state_display()}"

    @property
    def is_problem(self) -> bool:
        return self.state in (self.State.RETRYING, self.State.FAILED)


# --- Who sees which district -----------------------------------------------------------


class InboxScope(models.Model):
    """Membership of a staff user in districts: a specialist sees those districts' reports."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Сотрудник"),
        on_delete=models.CASCADE,
        related_name="inbox_scope",
    )
    districts = models.ManyToManyField(
        District, verbose_name=_("Районы"), related_name="inbox_scopes", blank=True
    )

    class Meta:
        verbose_name = _("Районы специалиста")
        verbose_name_plural = _("Районы специалистов")

    def __str__(self) -> str:
        return str(self.user)

    @admin.display(description=_("Районы"))
    def district_list(self) -> str:
        return ", ".join(district.name for district in self.districts.all())


def users_for_district(district_id: int | None) -> models.QuerySet:
    """Active staff who may handle a report of this district (for the assignee list).

    Each condition is its own ``IN`` subquery: joining groups, permissions and districts in
    one query multiplied the rows (a DISTINCT over thousands, a third of a second), and
    ``EXISTS`` subqueries under ``OR`` took PostgreSQL longer to plan (about 2.5 ms, on
    every opening of a report) than to run."""
    from django.contrib.auth import get_user_model

    User = get_user_model()

    def holds(codename: str) -> Q:
        through_group = User.groups.through.objects.filter(group__permissions__codename=codename)
        direct = User.user_permissions.through.objects.filter(permission__codename=codename)
        return Q(pk__in=through_group.values("user_id")) | Q(pk__in=direct.values("user_id"))

    can_view = Q(is_superuser=True) | holds("view_all_districts")
    if district_id:
        in_district = InboxScope.objects.filter(districts=district_id).values("user_id")
        can_view |= Q(pk__in=in_district) & holds("view_report")
    return User.objects.filter(can_view, is_active=True).order_by("username")


# --- Sealed copies of report keys ----------------------------------------------------------


class ReportKeyGrant(models.Model):
    """The report key sealed to one reader's public key, or (no user) to the escrow key."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="key_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    public_key = models.CharField(max_length=64)
    sealed_key = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "user"],
                condition=Q(user__isnull=False),
                name="requests_grant_one_per_reader",
            ),
            models.UniqueConstraint(
                fields=["report"], condition=Q(user__isnull=True), name="requests_grant_one_escrow"
            ),
        ]

    def __str__(self) -> str:
        return f"ReportKeyGrant {self.pk}: report {self.report_id} to {self.user_id or 'escrow'}"


class PendingGrant(models.Model):
    """A reader who may read a report but has no sealed copy of its key yet.

    Someone who holds the key seals it for them: on their next admin request
    (a few per request) or with «Выдать доступ» on the report page.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="pending_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="requests_pending_grant_once")
        ]

    def __str__(self) -> str:
        return f"PendingGrant {self.pk}: report {self.report_id} for user {self.user_id}"


# --- Audit log ----------------------------------------------------------------------------


class ReportLogEntryManager(BaseLogEntryManager):
    def get_queryset(self) -> LogEntryQuerySet:
        return LogEntryQuerySet(self.model, using=self._db)

    def log_action(self, instance: Report, action: str, **kwargs) -> ReportLogEntry:
        kwargs.update(report=instance)
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user) -> models.QuerySet:
        """Wagtail's site history shows a report's entries only to staff in its scope."""
        return self.filter(report__in=Report.objects.for_user(user).values("pk"))

    def for_instance(self, instance: Report) -> models.QuerySet:
        return self.filter(report=instance)


class ReportLogEntry(BaseLogEntry):
    """The timeline of a report: Wagtail's audit log, scoped like the reports themselves.

    Entries carry only metadata (who, when, which status): never report content.
    """

    report = models.ForeignKey(
        Report,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="log_entries",
    )

    objects = ReportLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("Запись журнала обращения")
        verbose_name_plural = _("Журнал обращений")

    def __str__(self) -> str:
        return f"ReportLogEntry {self.pk}: {self.action} on report {self.report_id}"

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True) -> None:
        """Wagtail validates each entry before saving it. Its foreign keys point to rows the
        caller has just read (the report, the signed-in user, the report's content type), so
        they are not looked up again: every report opening writes an entry, and those lookups
        were three of its 31 queries. The action and the other fields are still checked."""
        exclude = {*(exclude or ()), "report", "user", "content_type", "revision"}
        super().full_clean(exclude, validate_unique, validate_constraints)

    @property
    def object_id(self) -> int:
        return self.report_id


# Alerts to staff live in their own module (issue 13); imported here so Django finds them.
from .alert_models import AlertPreference, StaffAlert  # noqa: E402, F401
from .record_models import (  # noqa: E402, F401
    Agency,
    AgencyNotice,
    RiskAssessment,
    RiskLevel,
    SupportPlan,
    Visit,
)
