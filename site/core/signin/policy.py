"""Who must use a second factor, and who may reset a colleague's.

The rule is a setting, not an import: core knows no app. ``TWO_FACTOR_REQUIRED_PERMISSIONS``
names the permissions whose holders must use a second factor (by default anyone who can
read reports, and anyone who can reset colleagues' factors); superusers always must.
Every other admin user may turn it on, and once they have, it is asked every time.
"""

from __future__ import annotations

import django_otp
from django.conf import settings

RESET_PERMISSION = "core.reset_second_factor"
LOG_PERMISSION = "core.view_accountlogentry"


def has_admin_access(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def requires_second_factor(user) -> bool:
    """True for superusers, holders of a listed permission, or everyone when the operator says."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or settings.TWO_FACTOR_REQUIRED_FOR_ALL_STAFF:
        return True
    return any(user.has_perm(permission) for permission in settings.TWO_FACTOR_REQUIRED_PERMISSIONS)


def has_second_factor(user) -> bool:
    """A confirmed authenticator app, passkey or recovery code set."""
    return user.is_authenticated and django_otp.user_has_device(user, confirmed=True)


def must_verify(user) -> bool:
    """Must pass a second factor in this session before the admin opens."""
    if not has_admin_access(user):
        return False
    if getattr(user, "is_verified", None) and user.is_verified():
        return False
    return requires_second_factor(user) or has_second_factor(user)


def may_reset(actor, target) -> bool:
    """A coordinator resets a colleague's factor; a superuser's only another superuser."""
    if actor.pk == target.pk or not actor.is_active:
        return False
    if target.is_superuser and not actor.is_superuser:
        return False
    return actor.is_superuser or actor.has_perm(RESET_PERMISSION)
