"""Factories for pages and settings used across the suite."""

import factory
import wagtail_factories
from wagtail.models import Locale, Page, Site

from safechildhood.home.models import HomePage, StandardPage


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Безопасное детство"
    slug = "home"
    hero_title = "Ребёнок в опасности — звоните 112"
    hero_text = "Вы не одни."

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Информационная страница {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    introduction = "Коротко о главном."
    body = wagtail_factories.StreamFieldFactory({})

    class Meta:
        model = StandardPage


def build_site() -> HomePage:
    """Root → Russian home page as the default site; Wagtail's welcome page removed."""
    root = Page.get_first_root_node()
    Page.objects.filter(depth=2).delete()
    root.refresh_from_db()
    Locale.objects.get_or_create(language_code="ru")
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "БД"},
    )
    return home
