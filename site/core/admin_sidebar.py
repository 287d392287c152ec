"""The admin sidebar, built once per user and minute rather than on every admin page.

Wagtail builds the sidebar's JSON on each admin request: every menu item and search area
asks whether this user may see it (page, collection and site permissions: three queries
and, on a slow machine, about 15 ms of a report page). What it shows changes when the
user's permissions change, or their language, or a live figure such as the count of new
reports; so the built JSON is cached under the user, their language and those figures,
and every change to groups, permissions or users forgets all of it at once
(:class:`~safechildhood.core.versioned_cache.VersionedCache`). Anything else a menu item
depends on is at most `TIMEOUT` seconds old.

The sidebar only links: every view still checks the permissions itself.

An app adds a live figure with the ``sidebar_live_parts`` hook: a function of the request
returning a short string that changes whenever its menu item's label would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from wagtail import hooks
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.models import GroupCollectionPermission, GroupPagePermission, GroupSitePermission
from wagtail.users.models import UserProfile

from .versioned_cache import VersionedCache

TIMEOUT = 60
SIDEBARS = VersionedCache("admin-sidebar", timeout=TIMEOUT)
build = wagtailadmin_tags.sidebar_props  # Wagtail's own tag function


def sidebar_props(context: dict[str, Any]) -> SafeString:
    """Wagtail's ``{% sidebar_props %}``, cached (see the module's docstring)."""
    request = context["request"]
    live = [str(part(request)) for part in hooks.get_hooks("sidebar_live_parts")]
    part = ":".join([str(request.user.pk), get_language() or "", *live])
    return SIDEBARS.get(part, lambda: build(context))


def live_count(request, permission: str, count: Callable[[], int]) -> int:
    """A menu item's count for this request's user, 0 without `permission`: read once per
    request, for a ``sidebar_live_parts`` hook and the item's label alike."""
    counts = request.__dict__.setdefault("_sidebar_counts", {})
    if permission not in counts:
        counts[permission] = count() if request.user.has_perm(permission) else 0
    return counts[permission]


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    """A sign-in saves last_login only: the sidebar stays."""
    if update_fields is None or not set(update_fields) <= {"last_login"}:
        SIDEBARS.changed()


def install() -> None:
    """Replace Wagtail's tag (before any template is compiled: ``CoreConfig.ready``) and
    forget every cached sidebar whenever permissions or users change."""
    wagtailadmin_tags.register.simple_tag(takes_context=True, name="sidebar_props")(sidebar_props)
    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(SIDEBARS.changed, sender=through, dispatch_uid=f"sidebar.{through}")
    post_save.connect(_user_saved, sender=User, dispatch_uid="sidebar.user_saved")
    models = (User, Group, UserProfile)
    models += (GroupPagePermission, GroupCollectionPermission, GroupSitePermission)
    for model in models:
        post_delete.connect(SIDEBARS.changed, sender=model, dispatch_uid=f"sidebar.del.{model}")
        if model is not User:
            post_save.connect(SIDEBARS.changed, sender=model, dispatch_uid=f"sidebar.{model}")
