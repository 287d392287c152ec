"""Factories for news. Articles are created published (live) under a news index."""

import datetime as dt

import factory
import wagtail_factories
from wagtail.images import get_image_model

from safechildhood.news.models import NewsIndexPage, NewsPage


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "Новости"
    slug = "novosti"
    introduction = "Новости комплекса мер «Безопасное детство»."

    class Meta:
        model = NewsIndexPage


class CoverImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Обложка {n}")
    description = "Специалисты службы на выезде"
    file = factory.django.ImageField(width=1600, height=900, color="teal")

    class Meta:
        model = get_image_model()


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Новость {n}")
    slug = factory.Sequence(lambda n: f"novost-{n}")
    date = factory.Sequence(lambda n: dt.date(2022, 1, 1) + dt.timedelta(days=n))
    lead = "В области открылась новая служба помощи семьям."
    body = wagtail_factories.StreamFieldFactory({})

    class Meta:
        model = NewsPage
        skip_postgeneration_save = True

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.set(extracted)
            self.save()

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if extracted:
            self.districts.set(extracted)
            self.save()
