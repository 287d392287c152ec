"""Form fields shared by the apps."""

from django import forms
from django.forms.models import ModelChoiceIterator

from .widgets import Select


class _ListedChoiceIterator(ModelChoiceIterator):
    """Choices from the queryset's own results, read once and kept.

    Django's iterator calls ``queryset.iterator()`` every time the choices are rendered,
    which on PostgreSQL opens a server-side cursor (three round trips) per list. A staff
    page that renders several lists pays that on every view; these lists are short.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A model choice for a short list: one plain query, and a queryset handed in
    already read (``list(queryset)`` beforehand) costs none."""

    iterator = _ListedChoiceIterator
    widget = Select

    def _set_queryset(self, queryset) -> None:
        # Kept as given (Django clones it), so that forms handed the same read queryset
        # share its results.
        self._queryset = queryset
        self.widget.choices = self.choices

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)
