from django.apps import AppConfig


class RequestsConfig(AppConfig):
    """Concern reports and the staff inbox (label `requests`, not the HTTP library)."""

    name = "safechildhood.requests"
    label = "requests"
    verbose_name = "Обращения"

    def ready(self) -> None:
        from . import sealing_receivers  # noqa: F401 (connects who-may-read receivers)
