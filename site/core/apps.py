from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery every app may use (logging privacy).

    It imports no other app of the project, so any app can depend on it.
    """

    name = "safechildhood.core"
    label = "core"
    verbose_name = "Общие механизмы"
