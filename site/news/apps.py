from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class NewsConfig(AppConfig):
    name = "safechildhood.news"
    label = "news"
    verbose_name = "Новости"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are ready.
        from taggit.models import Tag
        from wagtail.models import PageViewRestriction
        from wagtail.signals import post_page_move

        from safechildhood.core import pagecache
        from safechildhood.registry.models import District

        from . import signals
        from .listing import FILTER_OPTIONS
        from .models import NewsIndexPage, NewsPage

        # Every news index is moderated.
        post_save.connect(signals.attach_news_workflow, sender=NewsIndexPage)
        # Cached filter options of the news index (listing.filter_options).
        for model in (NewsPage, Tag, District, PageViewRestriction):
            post_save.connect(FILTER_OPTIONS.changed, sender=model)
            post_delete.connect(FILTER_OPTIONS.changed, sender=model)
        post_page_move.connect(FILTER_OPTIONS.changed)
        # Cached pages (safechildhood.core.pagecache): news pages like every page, and
        # topics, which the index, the feeds and the articles name.
        pagecache.watch_pages((NewsIndexPage, NewsPage))
        pagecache.watch_models((Tag,))
