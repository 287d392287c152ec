"""StreamField blocks shared by the home page and information pages.

Each block names its template, icon and a preview value, so that editors see
real examples in the block picker.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


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
        template = "home/blocks/heading.html"
        preview_value = {"text": "Куда обратиться", "level": "h2"}
        description = _("Заголовок раздела страницы")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Изображение"))
    caption = blocks.CharBlock(label=_("Подпись"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Изображение")
        template = "home/blocks/image.html"
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
        template = "home/blocks/call_to_action.html"
        preview_value = {
            "title": "Нужна помощь?",
            "text": "Позвоните на детский телефон доверия — это бесплатно и анонимно.",
            "link_text": "Позвонить 8-800-2000-122",
            "url": "tel:88002000122",
        }
        description = _("Заметный блок с одной кнопкой")


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
        template = "home/blocks/contacts.html"
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


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"]


class BodyBlock(blocks.StreamBlock):
    """The body of information pages and the home page."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Текст"),
        features=RICH_TEXT_FEATURES,
        template="home/blocks/paragraph.html",
        icon="pilcrow",
    )
    image = CaptionedImageBlock()
    call_to_action = CallToActionBlock()
    accordion = AccordionBlock()
    contacts = ContactsBlock()
