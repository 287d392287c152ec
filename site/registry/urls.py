"""Public URLs of the registry app (mounted in safechildhood.urls inside i18n_patterns)."""

app_name = "registry"

urlpatterns: list = []
