from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class CoreConfig(AppConfig):
    """Shared machinery every app may use (staff sign-in, resilient cache, outage pages, page
    cache, logging privacy, production checks, protected public forms, background-task
    helpers, scheduled publishing, shared blocks and template tags).

    It imports no other app of the project, so any app can depend on it.
    """

    name = "safechildhood.core"
    label = "core"
    verbose_name = "Общие механизмы сайта"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are ready.
        from wagtail.models import Revision
        from wagtail.signals import published

        from . import (
            admin_sidebar,
            production_checks,  # noqa: F401 (registers the system checks)
            publishing,
        )
        from .pagecache import invalidate
        from .signin import receivers  # noqa: F401 (connects the sign-in signal receivers)

        # A deployment migrates on start: pages rendered by the previous release go.
        post_migrate.connect(invalidate, dispatch_uid="core.pagecache.post_migrate")
        # Scheduled publishing of every draftable model (see publishing.py).
        post_save.connect(publishing.on_revision_saved, sender=Revision)
        published.connect(publishing.on_published)
        post_migrate.connect(publishing.on_post_migrate, sender=self)
        # The admin sidebar, cached per user (see admin_sidebar.py).
        admin_sidebar.install()
