from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safechildhood.core"
    label = "core"
    verbose_name = "Общие механизмы сайта"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .pagecache import invalidate

        # A deployment migrates on start: pages rendered by the previous release go.
        post_migrate.connect(invalidate, dispatch_uid="core.pagecache.post_migrate")
