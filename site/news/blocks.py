"""StreamField blocks of a news article.

The blocks information pages use (heading, text, image with caption, call to
action, contacts) come from ``safechildhood.core.blocks`` so that both look and
behave the same; the blocks below exist only because news needs them: a quote,
a downloadable document, services chosen from the registry, and key figures.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from safechildhood.core.blocks import (
    CallToActionBlock,
    CaptionedImageBlock,
    ContactsBlock,
    HeadingBlock,
    paragraph_block,
)
from safechildhood.registry.models import Service


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Цитата"))
    attribution = blocks.CharBlock(
        label=_("Кто сказал"),
        required=False,
        max_length=250,
        help_text=_("Например, «Многодетная мама Елена» или должность специалиста"),
    )

    class Meta:
        icon = "openquote"
        label = _("Цитата")
        template = "news/blocks/quote.html"
        preview_value = {
            "text": "Уже через месяц занятий ситуация стала улучшаться.",
            "attribution": "Мама, обратившаяся в «Семейную диспетчерскую»",
        }
        description = _("Слова человека, выделенные из текста")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Документ"))
    title = blocks.CharBlock(
        label=_("Название для посетителя"),
        required=False,
        max_length=250,
        help_text=_("Пусто — название документа из библиотеки"),
    )

    class Meta:
        icon = "doc-full"
        label = _("Документ")
        template = "news/blocks/document.html"
        description = _("Ссылка на файл для скачивания с его типом и размером")


class RelatedServicesBlock(blocks.StructBlock):
    """Services from the registry, shown in the reader's language when translated."""

    title = blocks.CharBlock(
        label=_("Заголовок"), required=False, max_length=200, default="Куда обратиться"
    )
    services = blocks.ListBlock(
        SnippetChooserBlock("registry.Service", label=_("Служба")),
        label=_("Службы из реестра"),
        min_num=1,
    )

    class Meta:
        icon = "group"
        label = _("Службы из реестра")
        template = "news/blocks/related_services.html"
        description = _("Службы помощи, о которых рассказывает новость")

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context=parent_context)
        context["services"] = localized_public_services(value["services"])
        return context


def localized_public_services(chosen: list) -> list:
    """Public chosen services in the active language (one query), in the editor's order.

    Editors choose the Russian entry; a visitor of the English page gets its
    English translation where one exists. Closed or unpublished services are left out.
    """
    keys = [service.translation_key for service in chosen if service is not None]
    if not keys:
        return []
    rows = Service.objects.public().filter(translation_key__in=keys).select_related("locale")
    language = get_language() or ""
    best: dict = {}
    for row in rows:
        current = best.get(row.translation_key)
        if current is None or row.locale.language_code == language:
            best[row.translation_key] = row
    return [best[key] for key in keys if key in best]


class FigureBlock(blocks.StructBlock):
    number = blocks.CharBlock(
        label=_("Число"), max_length=20, help_text=_("Например, «55», «100%», «более 800»")
    )
    label = blocks.CharBlock(label=_("Что это"), max_length=200)

    class Meta:
        icon = "plus"
        label = _("Цифра")


class NumbersBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Заголовок"), required=False, max_length=200)
    items = blocks.ListBlock(FigureBlock(), label=_("Цифры"), min_num=1)

    class Meta:
        icon = "table"
        label = _("Цифры и факты")
        template = "news/blocks/numbers.html"
        preview_value = {
            "title": "Итоги комплекса мер",
            "items": [
                {"number": "55", "label": "новых служб помощи семьям"},
                {"number": "27", "label": "служб «SOS — служба особого сопровождения»"},
            ],
        }
        description = _("Крупные числа с подписями, например «55 новых служб»")


class NewsBodyBlock(blocks.StreamBlock):
    """The body of a news article."""

    heading = HeadingBlock()
    paragraph = paragraph_block()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    document = DocumentBlock()
    numbers = NumbersBlock()
    related_services = RelatedServicesBlock()
    call_to_action = CallToActionBlock()
    contacts = ContactsBlock()
