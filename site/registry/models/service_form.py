"""The service's edit form: the place of each hours row is one of this service's places."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..admin_forms import ServiceAdminForm
from .locations import Location
from .schedules import Schedule


def place_label(place: Location) -> str:
    """What editors recognise a place by (editors may see a confidential address)."""
    return place.name or place.address or str(place.district or _("Место без адреса"))


def place_value(place: Location) -> str:
    """A saved place by its id; a place a draft adds (no row yet) by its translation key."""
    return str(place.pk) if place.pk else f"new-{place.translation_key}"


class PlaceField(forms.ChoiceField):
    """«Место» of an hours row: one of the places of the service as edited, a place its
    draft adds included; cleans to that place (the very object the form saves)."""

    def __init__(self, places: list[Location], **kwargs) -> None:
        self.places = {place_value(place): place for place in places}
        choices = [("", "---------"), *((key, place_label(p)) for key, p in self.places.items())]
        super().__init__(choices=choices, required=False, **kwargs)

    def clean(self, value) -> Location | None:
        return self.places.get(super().clean(value))


def place_field(places: list[Location]) -> PlaceField:
    field = Schedule._meta.get_field("location")
    return PlaceField(
        places,
        label=field.verbose_name,
        help_text=format_lazy(
            "{} {}",
            field.help_text,
            _("Только что добавленное место можно выбрать после сохранения."),
        ),
    )


def use_place_field(form: forms.BaseForm, places: list[Location]) -> None:
    """Give an hours row's form the «Место» choice of this service's places."""
    if "location" not in form.fields:
        return
    form.fields["location"] = place_field(places)
    row = form.instance
    if row.location_id is None and Schedule.location.is_cached(row) and row.location:
        form.initial["location"] = place_value(row.location)  # a draft's new place


def keep_draft_places(formset) -> None:
    """A place the draft adds has no id yet: modelcluster would read its posted row into a
    fresh object with a new key, and the hours naming it would lose it. Its row (the
    n-th, as the form showed them) is read into the draft's own object instead."""
    if formset is None or not formset.is_bound:
        return
    shown = list(formset.get_queryset())
    for number, form in enumerate(formset.initial_forms):
        if form.instance.pk is None and number < len(shown) and shown[number].pk is None:
            form.instance = shown[number]


class ServiceForm(ServiceAdminForm):
    """Limits the «Место» choice of each hours row to the places of the service edited,
    as its latest revision holds them (and, through ``ServiceAdminForm``, a provider to
    their own organisations)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("schedules")
        if formset is None:
            return
        places = list(self.instance.locations.all()) if self.instance.pk else []
        keep_draft_places(self.formsets.get("locations"))

        class HoursForm(formset.form):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                use_place_field(self, places)

        formset.form = HoursForm
        for form in formset.__dict__.get("forms", []):
            use_place_field(form, places)

    def clean(self) -> dict:
        """A place being removed must not keep hours rows: they would go with it."""
        cleaned = super().clean()
        places, schedules = self.formsets.get("locations"), self.formsets.get("schedules")
        if places is None or schedules is None or not places.is_valid():
            return cleaned
        removed = {form.instance.translation_key for form in places.deleted_forms}
        if removed and schedules.is_valid():
            kept = [form for form in schedules.forms if form not in schedules.deleted_forms]
            if any(
                getattr(form.cleaned_data.get("location"), "translation_key", None) in removed
                for form in kept
            ):
                raise ValidationError(
                    _(
                        "Удаляемое место указано в часах работы: удалите и эти часы или "
                        "выберите для них другое место"
                    )
                )
        return cleaned
