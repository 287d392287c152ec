"""The home page, information pages and the site-wide emergency contacts."""

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from safechildhood.core.localization import active_locale, in_active_locale
from safechildhood.core.pagecache import VisitorCachedPage
from safechildhood.core.phones import tel_href
from safechildhood.news.listing import latest_news

from .blocks import BodyBlock


@register_setting(icon="warning")
class EmergencyContacts(BaseSiteSetting):
    """Numbers shown in the header, the home page hero and the footer of every page.

    They are settings rather than page content so that every page shows the same
    help in the same place (WCAG 3.2.6, consistent help), and an editor changes
    them once.
    """

    emergency_number = models.CharField(
        _("Экстренный номер"),
        max_length=20,
        default="112",
        help_text=_("Звонок, если ребёнок в опасности прямо сейчас"),
    )
    helpline_number = models.CharField(
        _("Детский телефон доверия"),
        max_length=30,
        default="8-800-2000-122",
        help_text=_("Бесплатно и круглосуточно"),
    )
    quick_exit_url = models.URLField(
        _("Адрес для кнопки «Быстро покинуть сайт»"),
        blank=True,
        help_text=_("Нейтральный сайт, например прогноз погоды. Пусто — значение по умолчанию."),
    )
    safety_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Страница «Как скрыть посещение сайта»"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(
        _("Демонстрационный сайт"),
        default=False,
        help_text=_("Показывать на каждой странице, что данные демонстрационные"),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("emergency_number"), FieldPanel("helpline_number")],
            heading=_("Телефоны помощи"),
        ),
        MultiFieldPanel(
            [FieldPanel("quick_exit_url"), FieldPanel("safety_page")],
            heading=_("Безопасность посетителя"),
        ),
        FieldPanel("is_demo"),
    ]

    class Meta:
        verbose_name = _("Экстренные контакты")

    @property
    def emergency_href(self) -> str:
        return tel_href(self.emergency_number)

    @property
    def helpline_href(self) -> str:
        return tel_href(self.helpline_number)

    @property
    def exit_url(self) -> str:
        return self.quick_exit_url or settings.QUICK_EXIT_DEFAULT_URL


class HomePage(VisitorCachedPage, Page):
    """The front door: "I need help now" first, then everything else."""

    hero_title = models.CharField(
        _("Заголовок"), max_length=120, default="Ребёнок в опасности — звоните 112"
    )
    hero_text = models.TextField(
        _("Текст под заголовком"),
        blank=True,
        default="Если вы беспокоитесь о ребёнке или вашей семье нужна помощь, "
        "вы не одни. Здесь можно найти службы помощи рядом с вами или "
        "анонимно сообщить о проблеме.",
    )
    find_help_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Кнопка «Найти помощь рядом» ведёт на"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    report_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Кнопка «Сообщить о проблеме анонимно» ведёт на"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Содержание"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("find_help_page"),
                FieldPanel("report_page"),
            ],
            heading=_("Первый экран"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    # The two calls to action lead to these views once their apps provide them;
    # until then (or if an editor prefers) to the chosen pages.
    FIND_HELP_URL_NAME = "registry:index"
    REPORT_URL_NAME = "requests:start"

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["find_help_url"] = self._action_url(self.FIND_HELP_URL_NAME, self.find_help_page)
        context["report_url"] = self._action_url(self.REPORT_URL_NAME, self.report_page)
        context["latest_news"] = latest_news(self)
        return context

    @staticmethod
    def _action_url(url_name: str, page: Page | None) -> str:
        try:
            return reverse(url_name)
        except NoReverseMatch:
            if page is None:
                return ""
            return in_active_locale(page, active_locale()).url or ""

    class Meta:
        verbose_name = _("Главная страница")


class StandardPage(VisitorCachedPage, Page):
    """An information page: «Как получить помощь», «О программе», safety advice."""

    introduction = models.TextField(_("Вступление"), blank=True, max_length=600)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Содержание"))

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        # The summary editors write for search («мета-описание»), as the
        # Elasticsearch document holds it.
        index.SearchField("search_description"),
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]

    class Meta:
        verbose_name = _("Информационная страница")
