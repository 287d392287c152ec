"""StreamField blocks that more than one kind of page uses (information pages, news).

Each block names its template, icon and a preview value, so that editors see real
examples in the block picker. Migrations do not name these classes (Wagtail records
a StructBlock by its children), so moving them needs no migration.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"]
PARAGRAPH_TEMPLATE = "core/blocks/paragraph.html"


def paragraph_block() -> blocks.RichTextBlock:
    """The text block of a page body (a new instance for each StreamBlock)."""
    return blocks.RichTextBlock(
        label=_("Текст"),
        features=RICH_TEXT_FEATURES,
        template=PARAGRAPH_TEMPLATE,
        icon="pilcrow",
    )


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Текст заголовка"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Уровень"),
        choices=[("h2", _("Заголовок раздела (h2)")), ("h3", _("Подзаголовок (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Заголовок")
        template = "core/blocks/heading.html"
        preview_value = {"text": "Куда обратиться", "level": "h2"}
        description = _("Заголовок раздела страницы")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Изображение"))
    caption = blocks.CharBlock(label=_("Подпись"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Изображение")
        template = "core/blocks/image.html"
        description = _("Изображение с текстом для незрячих и подписью")


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Заголовок"), max_length=120)
    text = blocks.TextBlock(label=_("Текст"), required=False)
    link_text = blocks.CharBlock(label=_("Текст кнопки"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Страница сайта"), required=False)
    url = blocks.CharBlock(
        label=_("Или адрес"),
        required=False,
        help_text=_("Адрес на этом сайте (/…) или номер телефона (tel:…)"),
    )

    class Meta:
        icon = "pick"
        label = _("Призыв к действию")
        template = "core/blocks/call_to_action.html"
        preview_value = {
            "title": "Нужна помощь?",
            "text": "Позвоните на детский телефон доверия — это бесплатно и анонимно.",
            "link_text": "Позвонить 8-800-2000-122",
            "url": "tel:88002000122",
        }
        description = _("Заметный блок с одной кнопкой")


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Название"), max_length=200)
    phone = blocks.CharBlock(label=_("Телефон"), required=False, max_length=40)
    email = blocks.EmailBlock(label=_("Электронная почта"), required=False)
    address = blocks.CharBlock(label=_("Адрес"), required=False, max_length=250)
    hours = blocks.CharBlock(label=_("Часы работы"), required=False, max_length=120)

    class Meta:
        icon = "mail"
        label = _("Контакт")


class ContactsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Заголовок"), required=False, max_length=200)
    contacts = blocks.ListBlock(ContactBlock(), label=_("Контакты"))

    class Meta:
        icon = "group"
        label = _("Контакты")
        template = "core/blocks/contacts.html"
        preview_value = {
            "title": "Телефоны помощи",
            "contacts": [
                {
                    "name": "Детский телефон доверия",
                    "phone": "8-800-2000-122",
                    "hours": "круглосуточно",
                },
            ],
        }
        description = _("Список телефонов и адресов")
