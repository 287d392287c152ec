"""Staff sign-in records: the per-account throttle and the account audit log.

Neither holds an IP address. The throttle is keyed by a keyed hash of the typed user
name (so that what people mistype, sometimes their password, is never stored), and the
audit log names the account, the action and the time.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager, LogEntryQuerySet


class SignInThrottle(models.Model):
    """Consecutive failed sign-ins for one typed user name, existing or not.

    A row exists only after a failure and is deleted by a completed sign-in; the same
    rules apply to unknown names, so the answers never tell whether an account exists.
    """

    account_key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    holds = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(db_index=True)
    # No attempt is checked before this moment: a short delay or a hold.
    locked_until = models.DateTimeField(null=True, blank=True)
    held = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Приостановка входа")
        verbose_name_plural = _("Приостановки входа")

    def __str__(self) -> str:
        return f"SignInThrottle {self.pk}: {self.failures} failures"


class AccountLogQuerySet(LogEntryQuerySet):
    def with_instances(self):
        """Entries about an unknown account have no object: yield them without one."""
        entries = list(self)
        known = [entry.pk for entry in entries if entry.object_id]
        known_entries = super(AccountLogQuerySet, self.filter(pk__in=known)).with_instances()
        instances = {entry.pk: instance for entry, instance in known_entries}
        for entry in entries:
            yield entry, instances.get(entry.pk)


class AccountLogEntryManager(BaseLogEntryManager):
    def get_queryset(self) -> AccountLogQuerySet:
        return AccountLogQuerySet(self.model, using=self._db)

    def log_action(self, instance, action: str, **kwargs) -> AccountLogEntry:
        kwargs.update(object_id=str(instance.pk))
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user) -> models.QuerySet:
        """Coordinators (the log's view permission), user managers and superusers read it all;
        everyone else reads the entries about their own account."""
        if user.is_superuser or user.has_perm("core.view_accountlogentry"):
            return self.all()
        if user.has_perm("auth.change_user"):
            return self.all()
        return self.filter(object_id=str(user.pk))

    def for_instance(self, instance) -> models.QuerySet:
        return self.filter(object_id=str(instance.pk))


class AccountLogEntry(BaseLogEntry):
    """Wagtail's audit log for staff accounts: sign-ins, holds, second-factor changes.

    Wagtail writes its own entries about users (created, edited, deleted) here too, so
    a change of someone's groups sits next to their sign-ins.
    """

    object_id = models.CharField(max_length=255, blank=True, db_index=True)

    objects = AccountLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        verbose_name = _("Запись журнала входов")
        verbose_name_plural = _("Журнал входов сотрудников")
        permissions = [
            (
                "reset_second_factor",
                _("Сбрасывает второй фактор сотрудников и снимает приостановку входа"),
            ),
        ]

    def __str__(self) -> str:
        return f"AccountLogEntry {self.pk}: {self.action} on user {self.object_id or '?'}"


class UserKeyPair(models.Model):
    """A staff user's X25519 key pair: what reports are sealed to (see `core.keys`).

    The private half is stored only wrapped under a key derived from the user's password
    (Argon2id, this row's salt and cost): the database alone does not open it. A password
    reset by someone else deletes the row (the old private key is then lost); the next
    sign-in makes a new pair.
    """

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="key_pair", verbose_name=_("Сотрудник")
    )
    public_key = models.CharField(max_length=64)
    wrapped_private_key = models.TextField()
    salt = models.CharField(max_length=32)
    kdf_cost = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Ключи сотрудника")
        verbose_name_plural = _("Ключи сотрудников")

    def __str__(self) -> str:
        return f"UserKeyPair {self.pk} (user {self.user_id})"
