from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery (resilient cache, outage pages); imports no other app of the project."""

    name = "safechildhood.core"
    label = "core"
    verbose_name = "Core"
