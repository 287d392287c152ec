"""Sign-in screens: the password, the second factor, enrolment, recovery codes.

They look like Wagtail's login page (no menu: nothing of the admin is open yet) and are
in Russian with an English translation. Every step that checks a secret is throttled.
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticToken
from wagtail.admin.views.account import LoginView as WagtailLoginView

from . import audit, devices, policy, session, signals, throttle
from .forms import AppCodeForm, RecoveryCodeForm

PENDING_OK = "second_factor_pending_ok"


def pending_ok(view):
    """Mark a view (function or class) as open to a signed-in user who has not passed the
    second factor yet; `middleware.SecondFactorMiddleware` lets only such views through."""
    setattr(view, PENDING_OK, True)
    return view


def is_pending_ok(view_func) -> bool:
    view_class = getattr(view_func, "view_class", None)
    return bool(getattr(view_func, PENDING_OK, False) or getattr(view_class, PENDING_OK, False))


def next_url(request: HttpRequest) -> str:
    """A safe `next` from the query, the form or the session, else the dashboard."""
    for candidate in (
        request.POST.get("next"),
        request.GET.get("next"),
        request.session.get(session.NEXT_URL),
    ):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("wagtailadmin_home")


def second_factor_url(user, target: str) -> str:
    """Where a signed-in user goes next: the app's code (or a passkey), the recovery codes
    when nothing else is left, or enrolment when there is nothing at all."""
    factors = devices.factors(user)
    if factors.app or factors.passkeys:
        name = "core_signin:verify"
    elif factors.recovery_left:
        name = "core_signin:recovery"
    else:
        name = "core_signin:setup"
    return redirect_to_login(target, login_url=reverse(name))["Location"]


def sign_out_with(request: HttpRequest, message: str, target: str | None = None) -> HttpResponse:
    """End the session and land on the login page with a message."""
    logout(request)
    messages.error(request, message)
    return redirect_to_login(target or reverse("wagtailadmin_home"), reverse("wagtailadmin_login"))


@pending_ok
class LoginView(WagtailLoginView):
    """Wagtail's login view; after the password, the second factor or the dashboard.

    The plaintext password of a successful sign-in is handed to the receivers of
    `signals.password_verified` here, once, with the new session.
    """

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        self.request.session[session.PASSWORD_AT] = time.time()
        signals.password_verified.send(
            sender=type(self),
            request=self.request,
            user=user,
            password=form.cleaned_data["password"],
        )
        if policy.must_verify(user):
            self.request.session[session.NEXT_URL] = self.get_success_url()
            return HttpResponseRedirect(second_factor_url(user, self.get_success_url()))
        throttle.record_success(user.get_username())
        audit.log_account(user, audit.SIGNED_IN, user, method=audit.PASSWORD)
        return response


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class CodeView(View):
    """Checks one code against one of the user's devices (the app, or recovery codes)."""

    template_name = "core/signin/verify.html"
    form_class = AppCodeForm
    method = audit.TOTP

    def get_device(self, user):
        return devices.factors(user).app

    def usable_without_device(self, user) -> bool:
        """The app's page still offers a passkey when there is no app."""
        return bool(devices.factors(user).passkeys)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if user.is_verified():
            return redirect(next_url(request))
        self.device = self.get_device(user)
        if self.device is None and not self.usable_without_device(user):
            return HttpResponseRedirect(second_factor_url(user, next_url(request)))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class()
        form.fields["code"].widget.attrs["autofocus"] = ""
        return self.render(form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render(form)
        username = request.user.get_username()
        refusal = throttle.refusal(request, username)
        if refusal is not None and refusal.reason == "hold":
            return sign_out_with(request, refusal.message(), next_url(request))
        if refusal is not None:
            form.add_error(None, refusal.message())
            return self.render(form)
        if self.device is None:
            form.add_error(None, _("Приложение не подключено: подтвердите вход ключом доступа."))
            return self.render(form)
        allowed, info = self.device.verify_is_allowed()
        if not allowed:
            form.add_error(None, device_wait_message(info))
            return self.render(form)
        if django_otp.verify_token(
            request.user, self.device.persistent_id, form.cleaned_data["code"]
        ):
            target = next_url(request)
            session.complete(request, self.device, self.method)
            request.session.pop(session.NEXT_URL, None)
            self.after_success(request)
            return redirect(target)
        return self.failed(request, form)

    def failed(self, request: HttpRequest, form) -> HttpResponse:
        user = request.user
        failure = throttle.record_failure(request, user.get_username())
        audit.log_failure(user, self.method, failure.refusal.until if failure.hold_began else None)
        if failure.hold_began:
            return sign_out_with(request, failure.refusal.message(), next_url(request))
        form.add_error("code", self.wrong_code_message())
        if failure.refusal is not None:
            form.add_error(None, failure.refusal.message())
        return self.render(form)

    def wrong_code_message(self) -> str:
        return _(
            "Код не подошёл. Введите код, который приложение показывает сейчас; если коды "
            "не подходят, проверьте, что время на телефоне установлено автоматически"
        )

    def after_success(self, request: HttpRequest) -> None:
        pass

    def render(self, form) -> HttpResponse:
        return render(self.request, self.template_name, self.get_context_data(form))

    def get_context_data(self, form) -> dict[str, Any]:
        user = self.request.user
        return {
            "form": form,
            "next": next_url(self.request),
            "has_passkeys": bool(devices.factors(user).passkeys),
            "has_app": self.device is not None,
            "has_recovery_codes": devices.recovery_device(user) is not None,
        }


def device_wait_message(info: dict | None) -> str:
    """django-otp's own back-off after wrong codes (1, 2, 4… seconds), said plainly."""
    info = info or {}
    if info.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS and info.get("locked_until"):
        seconds = max(1, int((info["locked_until"] - timezone.now()).total_seconds() + 0.999))
        return ngettext(
            "Подождите %(count)s секунду и введите новый код.",
            "Подождите %(count)s секунд и введите новый код.",
            seconds,
        ) % {"count": seconds}
    return _("Подождите несколько секунд и введите новый код.")


@pending_ok
class VerifyView(CodeView):
    """The authenticator app's code (or a passkey, through its own endpoints)."""


@pending_ok
class RecoveryView(CodeView):
    """A one-time recovery code instead of the app."""

    template_name = "core/signin/recovery.html"
    form_class = RecoveryCodeForm
    method = audit.RECOVERY_CODE

    def get_device(self, user):
        return devices.recovery_device(user)

    def usable_without_device(self, user) -> bool:
        return False

    def wrong_code_message(self) -> str:
        return _("Такого кода восстановления нет или он уже использован")

    def after_success(self, request: HttpRequest) -> None:
        left = StaticToken.objects.filter(device__user=request.user).count()
        if left <= 3:
            messages.warning(
                request,
                ngettext(
                    "Остался %(count)s код восстановления. Создайте новые коды в разделе "
                    "«Двухфакторная аутентификация».",
                    "Осталось кодов восстановления: %(count)s. Создайте новые коды в разделе "
                    "«Двухфакторная аутентификация».",
                    left,
                )
                % {"count": left},
            )
