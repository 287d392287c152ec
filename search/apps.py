from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "Поиск по сайту"

    def ready(self) -> None:
        # Imported here: the modules read models, which exist only once apps are ready.
        from . import sources, tasks

        sources.autodiscover()  # every app's `search_source` module registers its source
        post_migrate.connect(tasks.on_post_migrate, sender=self)
        if settings.ELASTICSEARCH_URL:
            from .elastic.indexing import connect_signals

            connect_signals()
