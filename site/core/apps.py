from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery every app may use (resilient cache, outage pages, logging privacy,
    production checks).

    It imports no other app of the project, so any app can depend on it.
    """

    name = "safechildhood.core"
    label = "core"
    verbose_name = "Общие механизмы"

    def ready(self) -> None:
        from . import production_checks  # noqa: F401 (registers the system checks)
