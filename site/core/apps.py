from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery every app may use; it imports no other app of the project."""

    name = "safechildhood.core"
    label = "core"
    verbose_name = "Core"
