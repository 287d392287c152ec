"""Managed, translatable taxonomies: kinds of help and target groups."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
)
from wagtail.models import (
    Locale,
    TranslatableMixin,
)
from wagtail.search import index

from .common import HSDSIdentifiedMixin


class TaxonomyQuerySet(models.QuerySet):
    def localized_map(self, locale: Locale | None = None) -> dict[str, models.Model]:
        """``{code: term}`` in the active locale, falling back to the default locale.

        One query for the whole (small) taxonomy: use it to show the names of the
        terms a service links to (always the source-locale rows) without a query
        per term.
        """
        locale = locale or Locale.get_active()
        default = Locale.get_default()
        terms: dict[str, models.Model] = {}
        for term in self.filter(locale__in=[locale, default]).order_by("sort_order", "pk"):
            if term.code not in terms or term.locale_id == locale.pk:
                terms[term.code] = term
        return terms


class TaxonomyTerm(HSDSIdentifiedMixin, TranslatableMixin, index.Indexed, models.Model):
    """A managed, translatable term with a stable ``code`` and search synonyms."""

    code = models.SlugField(
        _("Код"),
        max_length=64,
        help_text=_("Постоянный латинский код для ссылок и импорта, например «mediation»"),
    )
    name = models.CharField(_("Название"), max_length=255)
    description = models.TextField(_("Описание"), blank=True)
    keywords = models.TextField(
        _("Ключевые слова для поиска"),
        blank=True,
        help_text=_("Синонимы и формы слов через пробел: по ним посетитель найдёт службу"),
    )
    sort_order = models.PositiveSmallIntegerField(_("Порядок"), default=100)

    objects = TaxonomyQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldPanel("description"),
        FieldPanel("keywords"),
        FieldPanel("sort_order"),
    ]

    search_fields = [
        index.SearchField("name", boost=2),
        index.AutocompleteField("name"),
        index.SearchField("keywords"),
        index.FilterField("code"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceKind(TaxonomyTerm):
    """What kind of help: SOS service, family mediation, green room..."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("Вид помощи")
        verbose_name_plural = _("Виды помощи")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "locale"], name="registry_servicekind_unique_code"
            )
        ]


class TargetGroup(TaxonomyTerm):
    """Who the help is for: families with children, teenagers, women affected by violence..."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("Целевая группа")
        verbose_name_plural = _("Целевые группы")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "locale"], name="registry_targetgroup_unique_code"
            )
        ]
