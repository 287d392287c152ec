"""«Поисковые запросы»: what visitors search for, and what finds nothing (Reports menu).

Wagtail's own «Search terms» report is for superusers and shows totals only; the
editors who keep the site need to see the queries that found nothing, to write
the missing page, add a keyword to a kind of help or pin a result.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from .models import NoResultsDailyHits

PERIODS = [("7", _("7 дней")), ("30", _("30 дней")), ("90", _("90 дней"))]
DEFAULT_PERIOD = 30
VIEW_PERMISSION = "search.view_noresultsdailyhits"


def _sum_since(model, since: dt.date) -> Coalesce:
    rows = (
        model.objects.filter(query=OuterRef("pk"), date__gte=since)
        .order_by()
        .values("query")
        .annotate(total=Sum("hits"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def query_stats(days: int):
    """Queries searched in the last `days` days with ``searches`` and ``no_results``."""
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    return Query.objects.annotate(
        searches=_sum_since(QueryDailyHits, since),
        no_results=_sum_since(NoResultsDailyHits, since),
    ).filter(searches__gt=0)


class QueryStatsFilterSet(WagtailFilterSet):
    # The period is read by the view (it changes the sums, not the rows); the
    # filter is here so that the form shows it.
    period = django_filters.ChoiceFilter(
        label=_("За"), choices=PERIODS, empty_label=_("30 дней"), method="keep"
    )
    no_results = django_filters.BooleanFilter(
        label=_("Только без результатов"), method="filter_no_results"
    )

    class Meta:
        model = Query
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset

    def filter_no_results(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(no_results__gt=0) if value else queryset.filter(no_results=0)


class QueryStatsReportView(ReportView):
    page_title = _("Поисковые запросы")
    header_icon = "search"
    is_searchable = True
    search_fields = ["query_string"]
    filterset_class = QueryStatsFilterSet
    default_ordering = "-searches"
    index_url_name = "search_query_stats"
    index_results_url_name = "search_query_stats_results"
    columns = [
        Column("query_string", label=_("Запрос"), sort_key="query_string"),
        NumberColumn("searches", label=_("Поисков"), sort_key="searches"),
        NumberColumn("no_results", label=_("Из них без результатов"), sort_key="no_results"),
    ]
    list_export = ["query_string", "searches", "no_results"]
    export_headings = {
        "query_string": _("Запрос"),
        "searches": _("Поисков"),
        "no_results": _("Из них без результатов"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        kwargs["queryset"] = self.get_base_queryset()
        return kwargs

    def get_base_queryset(self):
        period = self.request.GET.get("period", "")
        days = int(period) if period in dict(PERIODS) else DEFAULT_PERIOD
        return query_stats(days)


def can_view(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(VIEW_PERMISSION))
