"""Public URLs of the requests app (mounted in safechildhood.urls inside i18n_patterns)."""

app_name = "requests"

urlpatterns: list = []
