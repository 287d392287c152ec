"""Scheduled publishing and unpublishing (``go_live_at`` / ``expire_at``) that actually happens.

For every draftable model (pages, and snippets with Wagtail's ``DraftStateMixin``
such as registry services), found through Django's app registry: core names no app.

Wagtail stores the schedule and leaves the work to its ``publish_scheduled``
management command. Here the background worker (``manage.py db_worker``, which
``make run`` and the production image already run) does it at the right moment,
with no cron and no extra process:

* when an editor (or the workflow's final approval) schedules a revision, or
  publishes something with an expiry date, :func:`plan_publishing` queues the
  task :func:`publish_scheduled_content` to run at that moment;
* the task runs ``publish_scheduled`` and queues itself again for the next
  scheduled moment, if there is one;
* after every ``migrate`` (``make run``, the container's start) the plan is
  checked, so schedules made while no worker ran are not lost.

The receivers are connected in :class:`safechildhood.core.apps.CoreConfig`.

Only one run is kept queued for the earliest moment: planning a later moment
when an earlier run is already queued does nothing, because that run plans the
next one. Backends that cannot defer (the immediate backend of the tests) skip
planning; the command can always be run by hand or from cron.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from wagtail.models import DraftStateMixin, Revision

from .tasks import can_plan, plan_once

logger = logging.getLogger(__name__)

# A run that found a moment already past (a failed publish) tries again this much later.
RETRY_AFTER = dt.timedelta(minutes=1)


@task()
def publish_scheduled_content() -> str:
    """Publish what is due, unpublish what expired, then plan the next run."""
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    now = timezone.now()
    moment = next_scheduled_moment()
    if moment is not None and moment <= now:
        moment = now + RETRY_AFTER  # still due after this run: it failed, do not spin
    plan_publishing(moment)
    return out.getvalue()[-2000:]


def next_scheduled_moment() -> dt.datetime | None:
    """The earliest pending go-live or expiry over pages and snippets, if any."""
    moments = []
    go_live = (
        Revision.objects.filter(approved_go_live_at__isnull=False)
        .order_by("approved_go_live_at")
        .values_list("approved_go_live_at", flat=True)
        .first()
    )
    if go_live:
        moments.append(go_live)
    for model in apps.get_models():
        if not issubclass(model, DraftStateMixin) or model._meta.proxy:
            continue
        if getattr(model._meta, "parents", None) and any(
            issubclass(parent, DraftStateMixin) for parent in model._meta.parents
        ):
            continue  # a page type: covered by wagtailcore.Page
        expiry = (
            model._default_manager.filter(live=True, expire_at__isnull=False)
            .order_by("expire_at")
            .values_list("expire_at", flat=True)
            .first()
        )
        if expiry:
            moments.append(expiry)
    if not moments:
        return None
    return min(moments)


def plan_publishing(moment: dt.datetime | None) -> bool:
    """Queue a run at `moment` unless one is already queued for then or earlier."""
    if moment is None:
        return False
    return plan_once(publish_scheduled_content, moment, earlier_only=True)


def plan_after_commit(moment: dt.datetime | None) -> None:
    """Plan once the schedule is committed; a broken queue never breaks publishing."""

    def plan() -> None:
        try:
            plan_publishing(moment)
        except Exception:
            logger.exception("Could not plan scheduled publishing for %s", moment)

    if moment is not None and can_plan():
        transaction.on_commit(plan)


# --- signal receivers (connected in apps.CoreConfig.ready) ----------------------------


def on_revision_saved(sender, instance: Revision, **kwargs) -> None:
    """A revision approved to go live later (Wagtail's scheduled publishing)."""
    if instance.approved_go_live_at and instance.approved_go_live_at > timezone.now():
        plan_after_commit(instance.approved_go_live_at)


def on_published(sender, instance, **kwargs) -> None:
    """Something published with an expiry date."""
    expire_at = getattr(instance, "expire_at", None)
    if getattr(instance, "live", False) and expire_at and expire_at > timezone.now():
        plan_after_commit(expire_at)


def on_post_migrate(sender, **kwargs) -> None:
    """Catch up after a deploy: plan the next run if something is scheduled."""
    if not can_plan():
        return
    try:
        plan_publishing(next_scheduled_moment())
    except Exception:  # a half-migrated database, a missing tasks table
        logger.exception("Could not plan scheduled publishing after migrate")
