"""«Двухфакторная аутентификация» in the account menu: one's own factors.

See the app, the number of recovery codes left and the passkeys; replace the app, make
new recovery codes, add or remove a passkey; turn the second factor off only when one's
role does not require it. Every change is an audit-log entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_otp_webauthn.models import WebAuthnCredential
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import audit, devices, policy, session


@method_decorator(never_cache, name="dispatch")
class AccountView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "core/signin/account.html"
    page_title = gettext_lazy("Двухфакторная аутентификация")
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailadmin_account"), "label": _("Учётная запись")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "factors": devices.factors(user),
            "required": policy.requires_second_factor(user),
            "verified": user.is_verified(),
        }

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        handler = {
            "new_codes": self.new_codes,
            "remove_passkey": self.remove_passkey,
            "turn_off": self.turn_off,
        }.get(action)
        if handler is None:
            messages.error(
                request, _("Неизвестное действие. Обновите страницу и попробуйте снова.")
            )
            return redirect(reverse("core_signin:account"))
        return handler(request)

    def new_codes(self, request: HttpRequest) -> HttpResponse:
        if not devices.factors(request.user).app:
            messages.error(request, _("Сначала подключите приложение-аутентификатор."))
            return redirect(reverse("core_signin:account"))
        request.session[session.NEW_RECOVERY_CODES] = devices.new_recovery_codes(request.user)
        request.session[session.NEXT_URL] = reverse("core_signin:account")
        audit.log_account(request.user, audit.RECOVERY_CODES, request.user)
        return redirect(reverse("core_signin:recovery_codes"))

    def remove_passkey(self, request: HttpRequest) -> HttpResponse:
        pk = request.POST.get("passkey", "")
        passkey = get_object_or_404(
            WebAuthnCredential, pk=int(pk) if pk.isdigit() else 0, user=request.user
        )
        name = passkey.name
        passkey.delete()
        audit.log_account(request.user, audit.PASSKEY_REMOVED, request.user, name=name)
        messages.success(request, _("Ключ доступа «%(name)s» удалён.") % {"name": name})
        return redirect(reverse("core_signin:account"))

    def turn_off(self, request: HttpRequest) -> HttpResponse:
        if policy.requires_second_factor(request.user):
            messages.error(
                request, _("Для вашей роли второй фактор обязателен: его нельзя отключить.")
            )
            return redirect(reverse("core_signin:account"))
        if devices.remove_all(request.user):
            audit.log_account(request.user, audit.TURNED_OFF, request.user)
            messages.success(request, _("Двухфакторная аутентификация отключена."))
        return redirect(reverse("core_signin:account"))
