"""Admin: the «Поисковые запросы» report (queries and the ones that found nothing)."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import QueryStatsReportView, can_view


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("reports/search-queries/", QueryStatsReportView.as_view(), name="search_query_stats"),
        path(
            "reports/search-queries/results/",
            QueryStatsReportView.as_view(results_only=True),
            name="search_query_stats_results",
        ),
    ]


class QueryStatsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view(request.user)


@hooks.register("register_reports_menu_item")
def register_query_stats_menu_item():
    return QueryStatsMenuItem(
        _("Поисковые запросы"),
        reverse("search_query_stats"),
        name="search-queries",
        icon_name="search",
        order=1310,
    )
