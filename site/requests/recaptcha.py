"""reCAPTCHA instead of the proof of work, only when the operator configures keys.

It sends the visitor's address to Google (the README says so): we do not add it
ourselves (``remoteip`` is left empty) and never log it.
"""

from __future__ import annotations

from django_recaptcha.fields import ReCaptchaField
from django_recaptcha.widgets import ReCaptchaV2Checkbox

# Google's script and frame on the form pages only, and only in this mode.
CSP_UPDATE = {
    "script-src": ["https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/"],
    "frame-src": ["https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/"],
}


class CspFriendlyCheckbox(ReCaptchaV2Checkbox):
    """django-recaptcha's widget without its inline script (blocked by our CSP)."""

    template_name = "requests/includes/recaptcha_widget.html"


class OptionalReCaptchaField(ReCaptchaField):
    """Checked when answered; an empty answer (JavaScript off) takes the stricter limits."""

    widget = CspFriendlyCheckbox

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.required = False

    def get_remote_ip(self) -> str:
        return ""

    def validate(self, value: str) -> None:
        if value:
            super().validate(value)
