"""Enrolment: connect an authenticator app, then keep the recovery codes.

The first time someone who must use a second factor signs in, nothing of the admin opens
until they have connected an app and entered a code from it. The same page replaces the
app later (from the account page, in a verified session).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import audit, devices, policy, session
from .forms import AppCodeForm
from .views import device_wait_message, next_url, pending_ok, second_factor_url, sign_out_with


@pending_ok
@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class SetupView(View):
    """Show the key (QR code and text) of a pending app device; a correct code confirms it."""

    template_name = "core/signin/setup.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not policy.has_admin_access(user):
            return sign_out_with(request, _("Войдите, чтобы продолжить."), request.get_full_path())
        self.verified = user.is_verified()
        if not self.verified and policy.has_second_factor(user):
            return redirect(second_factor_url(user, next_url(request)))
        if not self.verified and not session.password_is_fresh(request):
            return sign_out_with(
                request,
                _("Чтобы подключить приложение, войдите снова: так мы убедимся, что это вы."),
                request.get_full_path(),
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(AppCodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AppCodeForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        device = devices.pending_app(request.user)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            form.add_error(None, device_wait_message(info))
            return self.render(form)
        if not device.verify_token(form.cleaned_data["code"]):
            form.add_error(
                "code",
                _(
                    "Код не подошёл. Проверьте, что в приложении добавлен ключ с этой страницы, "
                    "и введите код, который оно показывает сейчас"
                ),
            )
            return self.render(form)
        return self.confirmed(request, device)

    def confirmed(self, request: HttpRequest, device) -> HttpResponse:
        user = request.user
        target = next_url(request)
        replaced = devices.confirm_app(user, device)
        audit.log_account(user, audit.TOTP_REPLACED if replaced else audit.TOTP_ENROLLED, user)
        if not self.verified:
            session.complete(request, device, audit.TOTP)
            request.session[session.NEXT_URL] = target  # after the recovery codes
        if not self.verified or devices.recovery_device(user) is None:
            request.session[session.NEW_RECOVERY_CODES] = devices.new_recovery_codes(user)
            audit.log_account(user, audit.RECOVERY_CODES, user)
            return redirect(reverse("core_signin:recovery_codes"))
        messages.success(request, _("Приложение-аутентификатор заменено."))
        return redirect(reverse("core_signin:account"))

    def render(self, form) -> HttpResponse:
        return render(self.request, self.template_name, self.get_context_data(form))

    def get_context_data(self, form) -> dict[str, Any]:
        device = devices.pending_app(self.request.user)
        return {
            "form": form,
            "qr_svg": devices.qr_svg(device),
            "secret": devices.secret_for_display(device),
            "replacing": self.verified,
            "next": next_url(self.request),
        }


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(View):
    """New recovery codes, shown until the person says they have kept them."""

    template_name = "core/signin/recovery_codes.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        codes = request.session.get(session.NEW_RECOVERY_CODES)
        if not codes:
            return redirect(reverse("core_signin:account"))
        response = render(request, self.template_name, {"codes": codes})
        response["Cache-Control"] = "no-store"
        return response

    def post(self, request: HttpRequest) -> HttpResponse:
        request.session.pop(session.NEW_RECOVERY_CODES, None)
        target = next_url(request)
        request.session.pop(session.NEXT_URL, None)
        return redirect(target)
