from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery of the project; imports no other app of ours."""

    name = "safechildhood.core"
    label = "core"
    verbose_name = "Общие механизмы"
