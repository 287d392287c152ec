"""The admin form of a service: for a provider account, only its own organisations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

# Fields a provider does not set: the verification record and the import's bookkeeping.
EDITORS_ONLY_FIELDS = (
    "assured_date",
    "assurer",
    "assurer_name",
    "assurer_email",
    "external_id",
    "is_demo",
)


class ServiceAdminForm(WagtailAdminModelForm):
    """Wagtail's form; a provider picks the organisation from their own ones only
    (required); the editors-only fields are left out (their values stay as they are, and
    the list of admin users behind «Кто проверил» is not shown)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from .providers import is_provider, organizations_of  # models are loaded by now

        if self.for_user is None or not is_provider(self.for_user):
            return
        self.fields["organization"] = forms.ModelChoiceField(
            queryset=organizations_of(self.for_user),
            label=_("Организация"),
            help_text=_("Можно выбрать только свою организацию"),
        )
        for name in EDITORS_ONLY_FIELDS:
            self.fields.pop(name, None)
