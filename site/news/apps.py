from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class NewsConfig(AppConfig):
    name = "safechildhood.news"
    label = "news"
    verbose_name = "Новости"

    def ready(self) -> None:
        from taggit.models import Tag
        from wagtail.models import PageViewRestriction, Revision
        from wagtail.signals import post_page_move, published

        from safechildhood.core import pagecache
        from safechildhood.registry.models import District

        from . import signals, tasks
        from .models import NewsIndexPage, NewsPage

        # Scheduled publishing (see tasks.py).
        post_save.connect(tasks.on_revision_saved, sender=Revision)
        published.connect(tasks.on_published)
        post_migrate.connect(tasks.on_post_migrate, sender=self)
        # Every news index is moderated.
        post_save.connect(signals.attach_news_workflow, sender=NewsIndexPage)
        # Cached filter options of the news index (listing.filter_options).
        for model in (NewsPage, Tag, District, PageViewRestriction):
            post_save.connect(signals.news_changed, sender=model)
            post_delete.connect(signals.news_changed, sender=model)
        post_page_move.connect(signals.news_changed)
        # Cached pages (safechildhood.core.pagecache): news pages like every page, and
        # topics, which the index, the feeds and the articles name.
        pagecache.watch_pages((NewsIndexPage, NewsPage))
        pagecache.watch_models((Tag,))
