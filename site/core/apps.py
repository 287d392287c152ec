from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery every app may use (staff sign-in, resilient cache, outage pages, page
    cache, logging privacy, production checks).

    It imports no other app of the project, so any app can depend on it.
    """

    name = "safechildhood.core"
    label = "core"
    verbose_name = "Общие механизмы сайта"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import production_checks  # noqa: F401 (registers the system checks)
        from .pagecache import invalidate
        from .signin import receivers  # noqa: F401 (connects the sign-in signal receivers)

        # A deployment migrates on start: pages rendered by the previous release go.
        post_migrate.connect(invalidate, dispatch_uid="core.pagecache.post_migrate")
