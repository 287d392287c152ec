"""Mount the permission-checked wagtail-localize views in front of the originals.

Registered with ``order=-1`` so that these patterns come before wagtail-localize's
at the same addresses inside the admin (and get the admin's own login check).
"""

from __future__ import annotations

from django.urls import include, path, reverse
from wagtail import hooks

from . import admin_access


@hooks.register("register_admin_urls", order=-1)
def guarded_localize_urls():
    urls = [
        path(
            "submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            admin_access.SubmitSnippetTranslationView.as_view(),
        ),
        path(
            "update/<int:translation_source_id>/",
            admin_access.UpdateTranslationsView.as_view(),
        ),
        path(
            "reports/translations/",
            admin_access.TranslationsReportView.as_view(),
        ),
        path(
            "reports/translations/results/",
            admin_access.TranslationsReportView.as_view(results_only=True),
        ),
        path(
            "api/snippets/<slug:app_label>/<slug:model_name>/",
            admin_access.SnippetAPIViewSet.as_view({"get": "list"}),
        ),
        path(
            "api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
            admin_access.SnippetAPIViewSet.as_view({"get": "retrieve"}),
        ),
    ]
    return [path("localize/", include((urls, "core_localize")))]


@hooks.register("construct_reports_menu")
def hide_translations_report(request, menu_items) -> None:
    """The «Translations» report is for people who translate."""
    if not admin_access.may_translate(request.user):
        url = reverse("wagtail_localize:translations_report")
        menu_items[:] = [item for item in menu_items if item.url != url]
