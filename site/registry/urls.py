"""Public URLs of the registry app (mounted in safechildhood.urls inside i18n_patterns)."""

from django.urls import path  # noqa: F401

app_name = "registry"

urlpatterns: list = []
