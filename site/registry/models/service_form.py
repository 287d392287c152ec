"""The service's edit form: the place of each hours row is one of this service's places."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..admin_forms import ServiceAdminForm
from .locations import Location


def place_label(place: Location) -> str:
    """What editors recognise a place by (editors may see a confidential address)."""
    return place.name or place.address or str(place.district or _("Место без адреса"))


class ServiceForm(ServiceAdminForm):
    """Limits the «Место» choice of each hours row to the places of the service edited
    (and, through ``ServiceAdminForm``, a provider to their own organisations)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("schedules")
        if formset is None:
            return
        places = Location.objects.filter(service_id=self.instance.pk).order_by("sort_order", "pk")
        if self.instance.pk is None:
            places = Location.objects.none()

        class HoursForm(formset.form):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                if "location" in self.fields:
                    self.fields["location"].queryset = places
                    self.fields["location"].label_from_instance = place_label

        formset.form = HoursForm
        for form in formset.__dict__.get("forms", []):
            if "location" in form.fields:
                form.fields["location"].queryset = places
                form.fields["location"].label_from_instance = place_label

    def clean(self) -> dict:
        """A place being removed must not keep hours rows: they would go with it."""
        cleaned = super().clean()
        places, schedules = self.formsets.get("locations"), self.formsets.get("schedules")
        if places is None or schedules is None or not places.is_valid():
            return cleaned
        removed = {form.instance.pk for form in places.deleted_forms if form.instance.pk}
        if removed and schedules.is_valid():
            kept = [form for form in schedules.forms if form not in schedules.deleted_forms]
            if any(
                getattr(form.cleaned_data.get("location"), "pk", None) in removed for form in kept
            ):
                raise ValidationError(
                    _(
                        "Удаляемое место указано в часах работы: удалите и эти часы или "
                        "выберите для них другое место"
                    )
                )
        return cleaned
