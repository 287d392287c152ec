from django.apps import AppConfig


class RequestsConfig(AppConfig):
    """Concern reports and the staff inbox (label `requests`, not the HTTP library)."""

    name = "safechildhood.requests"
    label = "requests"
    verbose_name = "Обращения"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import sealing_receivers  # noqa: F401 (connects who-may-read receivers)
        from .record import SUGGESTIONS

        # The report page's suggested SOS service: any change of a registry record forgets it.
        for model in apps.get_app_config("registry").get_models(include_auto_created=True):
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(SUGGESTIONS.changed, sender=model, dispatch_uid=f"sos.{model}")
