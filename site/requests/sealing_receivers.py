"""Who may read a report changes: queue or drop sealed copies of report keys.

Connected in `RequestsConfig.ready`. See :mod:`safechildhood.requests.sealing`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from safechildhood.core.models import UserKeyPair
from safechildhood.core.signin import keyring

from . import sealing
from .models import InboxScope, Report

User = get_user_model()
CHANGES = {"post_add", "post_remove", "post_clear"}


@receiver(keyring.keypair_created, sender=UserKeyPair, dispatch_uid="requests.sealing.created")
def new_key_pair(sender, user, **kwargs) -> None:
    sealing.sync_user(user)


@receiver(keyring.keypair_lost, sender=UserKeyPair, dispatch_uid="requests.sealing.lost")
def lost_key_pair(sender, user, **kwargs) -> None:
    sealing.forget_user(user)


@receiver(keyring.keyring_available, dispatch_uid="requests.sealing.pending")
def grant_while_signed_in(sender, request, user, private_key, **kwargs) -> None:
    sealing.process_pending(user, private_key)


def _users_of(instance, model, pk_set) -> list:
    if isinstance(instance, User):
        return [instance]
    if isinstance(instance, InboxScope):
        return [instance.user]
    if isinstance(instance, Group):
        return list(instance.user_set.all())
    if model is InboxScope:  # district.inbox_scopes changed
        return [scope.user for scope in InboxScope.objects.filter(pk__in=pk_set or [])]
    if model is User:
        return list(User.objects.filter(pk__in=pk_set or []))
    return []


def access_changed(sender, instance, action, model, pk_set, **kwargs) -> None:
    if action not in CHANGES:
        return
    for user in _users_of(instance, model, pk_set):
        sealing.sync_user(user)


for through in (
    InboxScope.districts.through,
    User.groups.through,
    User.user_permissions.through,
    Group.permissions.through,
):
    m2m_changed.connect(access_changed, sender=through, dispatch_uid=f"requests.sealing.{through}")


@receiver(post_save, sender=User, dispatch_uid="requests.sealing.user_saved")
def user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    """Active or superuser status may have changed (a sign-in's last_login is not that)."""
    if created or (update_fields and set(update_fields) <= {"last_login", "password"}):
        return
    sealing.sync_user(instance)


@receiver(pre_save, sender=Report, dispatch_uid="requests.sealing.district_before")
def remember_district(sender, instance, update_fields=None, **kwargs) -> None:
    instance._district_moved = False
    if instance.pk is None or (update_fields is not None and "district" not in update_fields):
        return
    old = Report.objects.filter(pk=instance.pk).values_list("district_id", flat=True).first()
    instance._district_moved = old != instance.district_id


@receiver(post_save, sender=Report, dispatch_uid="requests.sealing.district_after")
def district_moved(sender, instance, **kwargs) -> None:
    if getattr(instance, "_district_moved", False):
        sealing.sync_report(instance)
