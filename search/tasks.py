"""Daily clean-up of the search statistics: nothing is kept longer than needed.

Queries are not linked to visitors, but a visitor may type a name or an address
into a search box: Wagtail's daily hits and our no-result counts are deleted after
``WAGTAILSEARCH_HITS_MAX_AGE`` days, and the queries left with no count and no
pinned result go with them. The task runs at 03:30 and plans its next run;
every ``migrate`` (each start) makes sure one is planned.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from safechildhood.core.tasks import can_plan, is_queued, next_daily_time

logger = logging.getLogger(__name__)


def forget_old_statistics() -> dict[str, int]:
    from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

    from .models import garbage_collect

    days = settings.WAGTAILSEARCH_HITS_MAX_AGE
    no_results = garbage_collect(days)
    QueryDailyHits.garbage_collect(days)
    before = Query.objects.count()
    Query.garbage_collect()
    return {"no_results_rows": no_results, "queries": before - Query.objects.count()}


@task()
def search_maintenance() -> dict[str, int]:
    result = forget_old_statistics()
    plan_maintenance()
    return result


def plan_maintenance() -> bool:
    if not can_plan() or is_queued(search_maintenance):
        return False
    search_maintenance.using(run_after=next_daily_time(3, 30)).enqueue()
    return True


def on_post_migrate(sender, **kwargs) -> None:
    try:
        plan_maintenance()
    except Exception:  # a half-migrated database, a missing tasks table
        logger.exception("Could not plan the search statistics clean-up")
