"""Search statistics for editors: which queries visitors type, and which find nothing.

Wagtail's ``Query``/``QueryDailyHits`` (search promotions) count every search by
day; this adds how many of them found nothing, by the same query and day, so the
editors see what the site is missing. No row says who searched: only the
normalised words and a count per day, kept ``WAGTAILSEARCH_HITS_MAX_AGE`` days.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DatabaseError, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.search_promotions.models import Query

from .highlight import WORD

logger = logging.getLogger(__name__)


class NoResultsDailyHits(models.Model):
    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="no_results_daily_hits")
    date = models.DateField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("query", "date")]
        verbose_name = _("Поиски без результатов за день")
        verbose_name_plural = _("Поиски без результатов по дням")

    def __str__(self) -> str:
        return f"{self.query} {self.date}: {self.hits}"


def record_search(query_string: str, found: bool, date: dt.date | None = None) -> None:
    """Count one search (and whether it found nothing) for the editors' report.

    Statistics never cost a visitor their results: a database error here is logged
    and forgotten. (Two first searches of the same words at once are already safe:
    ``get_or_create`` retries the read when its insert collides. Requests run in
    autocommit, so a failed write leaves no broken transaction behind.)
    """
    if not WORD.search(query_string):  # only punctuation: nothing to report
        return
    try:
        query = Query.get(query_string)
        date = date or timezone.localdate()
        query.add_hit(date)
        if not found:
            hits, _created = NoResultsDailyHits.objects.get_or_create(query=query, date=date)
            hits.hits = models.F("hits") + 1
            hits.save(update_fields=["hits"])
    except DatabaseError:
        logger.warning("Could not count a search for the statistics", exc_info=True)


def garbage_collect(days: int) -> int:
    """Forget daily counts older than `days` days; returns how many rows went."""
    cutoff = timezone.localdate() - dt.timedelta(days=days)
    deleted, _detail = NoResultsDailyHits.objects.filter(date__lt=cutoff).delete()
    return deleted
