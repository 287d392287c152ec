from django.apps import AppConfig


class RequestsConfig(AppConfig):
    """Concern reports and the staff inbox (label `requests`, not the HTTP library)."""

    name = "safechildhood.requests"
    label = "requests"
    verbose_name = "Обращения"
