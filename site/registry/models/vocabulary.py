"""How people say it: the everyday words editors map to kinds of help and target groups."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from search.api import query_stems

from .common import default_locale_filter
from .taxonomy import ServiceKind, TargetGroup


def phrase_stems(phrase: str) -> str:
    """The phrase's word stems as stored (sorted, space-separated): «Муж бьёт» → «бьет муж»."""
    return " ".join(sorted(set(query_stems(phrase))))


class EverydayPhrase(index.Indexed, models.Model):
    """Words or a phrase a visitor types («травят», «муж бьёт», «помирить»), and the
    kinds of help and target groups they mean.

    A phrase names its kinds when the query holds every word of it, in any order and
    form (compared as Snowball stems, «ё» as «е»: ``stems``, kept by :meth:`save`).
    The registry's search and the site search put the services of those kinds first
    and find them even when their text holds none of the words; the groups order
    what is found (``registry.vocabulary``).
    """

    phrase = models.CharField(
        _("Слова или фраза"),
        max_length=200,
        unique=True,
        help_text=_(
            "Как пишут посетители: «травят», «муж бьёт», «помирить». Подходит запрос, в "
            "котором есть все слова фразы, в любом порядке; окончания и «ё» не важны, "
            "но разные основы («бьёт» и «избил») нужно добавить отдельно."
        ),
    )
    kinds = models.ManyToManyField(
        ServiceKind,
        blank=True,
        related_name="everyday_phrases",
        limit_choices_to=default_locale_filter,
        verbose_name=_("Виды помощи"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        blank=True,
        related_name="everyday_phrases",
        limit_choices_to=default_locale_filter,
        verbose_name=_("Целевые группы"),
    )
    stems = models.CharField(_("Основы слов"), max_length=400, editable=False, default="")
    is_demo = models.BooleanField(_("Демонстрационные данные"), default=False)

    panels = [
        FieldPanel("phrase"),
        FieldPanel("kinds", widget=forms.CheckboxSelectMultiple),
        FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
        FieldPanel("is_demo"),
    ]

    search_fields = [index.SearchField("phrase"), index.AutocompleteField("phrase")]

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("Слова посетителей")
        verbose_name_plural = _("Слова посетителей")

    def __str__(self) -> str:
        return self.phrase

    def save(self, *args, **kwargs) -> None:
        self.phrase = " ".join((self.phrase or "").split())
        self.stems = phrase_stems(self.phrase)
        super().save(*args, **kwargs)

    @property
    def kinds_text(self) -> str:
        """The kinds' names, for the admin's list."""
        return ", ".join(kind.name for kind in self.kinds.all())

    @property
    def groups_text(self) -> str:
        return ", ".join(group.name for group in self.target_groups.all())

    def clean(self) -> None:
        if not query_stems(self.phrase or ""):
            raise ValidationError({"phrase": _("Напишите хотя бы одно слово.")})
