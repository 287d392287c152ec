"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn.

A passkey never replaces the password here (passwordless sign-in is off): it stands in
for the app's code. It is added from the account page in a verified session. The
relying party is this site's host (checked against ALLOWED_HOSTS by Django), unless
`WEBAUTHN_RP_ID` and `WEBAUTHN_ORIGINS` name it. The endpoints live under the admin,
so the second-factor middleware guards them like any admin page.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.i18n import JavaScriptCatalog
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from . import audit, session
from .views import next_url, pending_ok


def relying_party_id(request: HttpRequest) -> str:
    """`WEBAUTHN_RP_ID`, else the request's host without its port (OTP_WEBAUTHN_RP_ID_CALLABLE)."""
    return settings.OTP_WEBAUTHN_RP_ID or split_domain_port(request.get_host())[0]


class PasskeyHelper(WebAuthnHelper):
    """Expected origins from `WEBAUTHN_ORIGINS`, else this site's own (validated) origin.

    A relayed assertion from a look-alike site carries that site's origin, which never
    equals ours: Django refuses hosts outside ALLOWED_HOSTS before this runs.
    """

    def get_allowed_origins(self) -> list[str]:
        if settings.OTP_WEBAUTHN_ALLOWED_ORIGINS:
            return list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
        return [f"{self.request.scheme}://{self.request.get_host()}"]


class AppRequired(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "app_required"

    def __init__(self) -> None:
        super().__init__(detail=_("Сначала подключите приложение-аутентификатор."))


class AppFirstMixin:
    """A passkey is added next to the app, never as the first factor: the app and its
    recovery codes are what a lost passkey falls back on."""

    def check_can_register(self) -> None:
        super().check_can_register()
        if not TOTPDevice.objects.filter(user=self.request.user, confirmed=True).exists():
            raise AppRequired()


class RegistrationBeginView(AppFirstMixin, BeginCredentialRegistrationView):
    pass


class RegistrationCompleteView(AppFirstMixin, CompleteCredentialRegistrationView):
    """Names the new passkey by its date and logs it."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            pk = json.loads(response.content)["id"]
            credential = WebAuthnCredential.objects.get(pk=pk, user=self.request.user)
            when = formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
            credential.name = _("Ключ доступа от %(date)s") % {"date": when}
            credential.save(update_fields=["name"])
            audit.log_account(
                self.request.user, audit.PASSKEY_ADDED, self.request.user, name=credential.name
            )
        return response


class SecondFactorOnlyMixin:
    """Only for a signed-in user with a password behind them: a second factor, not a login.
    Both steps of the ceremony (begin, complete) check it."""

    def check_can_authenticate(self) -> None:
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()


@pending_ok
class AuthenticationBeginView(SecondFactorOnlyMixin, BeginCredentialAuthenticationView):
    pass


@pending_ok
class AuthenticationCompleteView(SecondFactorOnlyMixin, CompleteCredentialAuthenticationView):
    def get_success_url(self) -> str:
        return next_url(self.request)

    def complete_auth(self, device) -> None:
        session.complete(self.request, device, audit.PASSKEY)
        self.request.session.pop(session.NEXT_URL, None)


urlpatterns = [
    path(
        "registration/begin/",
        RegistrationBeginView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        RegistrationCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        AuthenticationBeginView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        AuthenticationCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        pending_ok(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
        name="js-i18n-catalog",
    ),
]
