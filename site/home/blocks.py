"""StreamField blocks of the home page and information pages.

The blocks news uses too live in :mod:`safechildhood.core.blocks`; the accordion is
the information pages' own.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from safechildhood.core.blocks import (
    CallToActionBlock,
    CaptionedImageBlock,
    ContactsBlock,
    HeadingBlock,
    paragraph_block,
)


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Вопрос"), max_length=250)
    answer = blocks.RichTextBlock(label=_("Ответ"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "help"
        label = _("Вопрос и ответ")


class AccordionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Заголовок"), required=False, max_length=200)
    items = blocks.ListBlock(QuestionBlock(), label=_("Вопросы"))

    class Meta:
        icon = "list-ul"
        label = _("Вопросы и ответы (аккордеон)")
        template = "home/blocks/accordion.html"
        preview_value = {
            "title": "Частые вопросы",
            "items": [
                {"question": "Нужно ли называть своё имя?", "answer": "<p>Нет.</p>"},
            ],
        }
        description = _("Раскрывающиеся вопросы и ответы; работает без JavaScript")


class BodyBlock(blocks.StreamBlock):
    """The body of information pages and the home page."""

    heading = HeadingBlock()
    paragraph = paragraph_block()
    image = CaptionedImageBlock()
    call_to_action = CallToActionBlock()
    accordion = AccordionBlock()
    contacts = ContactsBlock()
