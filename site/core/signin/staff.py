"""For coordinators: colleagues' second factors and sign-in holds, and the sign-in log.

«Вход сотрудников» (Settings) lists everyone who can enter the admin with their second
factor and any hold; a coordinator (`core.reset_second_factor`) resets a colleague's
second factor (they enrol again at their next sign-in) or lifts a hold. A superuser's
factor only another superuser resets; nobody resets their own here. Both are audited.
«Журнал входов» (Reports) is the audit log of staff accounts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from ..models import AccountLogEntry, SignInThrottle
from . import audit, devices, policy, throttle


def can_manage(user) -> bool:
    return user.is_superuser or user.has_perm(policy.RESET_PERMISSION)


def can_read_log(user) -> bool:
    return user.is_superuser or user.has_perm(policy.LOG_PERMISSION)


def staff_queryset():
    """Active users who can enter the admin, with what second factor they have."""
    User = get_user_model()
    access = Q(codename="access_admin", content_type__app_label="wagtailadmin")
    recovery_left = (
        StaticToken.objects.filter(device__user=OuterRef("pk"))
        .order_by()
        .values("device__user")
        .annotate(left=Count("pk"))
        .values("left")
    )
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=_permissions(access))
            | Q(user_permissions__in=_permissions(access))
        )
        .distinct()
        .annotate(
            has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_passkey=Exists(
                WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
            recovery_left=Subquery(recovery_left, output_field=IntegerField()),
        )
        .order_by(User.USERNAME_FIELD)
    )


def _permissions(condition: Q):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(condition)


@method_decorator(never_cache, name="dispatch")
class StaffView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "core/signin/staff.html"
    page_title = gettext_lazy("Вход сотрудников")
    header_icon = "key"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        people = list(staff_queryset())
        keys = {throttle.account_key(person.get_username()): person for person in people}
        holds = SignInThrottle.objects.filter(
            account_key__in=keys, held=True, locked_until__gt=timezone.now()
        )
        for row in holds:
            keys[row.account_key].held_until = row.locked_until
        for person in people:
            person.second_factor_required = policy.requires_second_factor(person)
            person.may_reset = policy.may_reset(self.request.user, person)
        return {**super().get_context_data(**kwargs), "people": people}


@method_decorator(never_cache, name="dispatch")
class ResetView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then remove every second factor of a colleague (GET asks, POST does)."""

    template_name = "core/signin/reset.html"
    page_title = gettext_lazy("Сбросить второй фактор")
    header_icon = "key"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.person = get_object_or_404(get_user_model(), pk=kwargs["pk"])
        if not policy.may_reset(request.user, self.person):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("core_signin:staff"), "label": _("Вход сотрудников")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "person": self.person,
            "factors": devices.factors(self.person),
        }

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if devices.remove_all(self.person):
            audit.log_account(self.person, audit.RESET, request.user)
            messages.success(
                request,
                _(
                    "Второй фактор сотрудника %(name)s сброшен. При следующем входе он(а) "
                    "подключит приложение заново."
                )
                % {"name": self.person.get_username()},
            )
        else:
            messages.info(request, _("У этого сотрудника нет второго фактора."))
        return redirect(reverse("core_signin:staff"))


@never_cache
def lift_hold_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a colleague's sign-in hold (POST only)."""
    person = get_object_or_404(get_user_model(), pk=pk)
    if request.method != "POST":
        return redirect(reverse("core_signin:staff"))
    if not policy.may_reset(request.user, person):
        raise PermissionDenied
    if throttle.lift(person.get_username()):
        audit.log_account(person, audit.HOLD_LIFTED, request.user)
        messages.success(
            request,
            _("Вход для %(name)s снова открыт.") % {"name": person.get_username()},
        )
    return redirect(reverse("core_signin:staff"))


class AccountLogView(LogEntriesView):
    """Wagtail's site history narrowed to staff accounts, for coordinators."""

    page_title = gettext_lazy("Журнал входов сотрудников")
    header_icon = "key"
    index_url_name = "core_signin:account_log"
    index_results_url_name = "core_signin:account_log_results"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_read_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self) -> str:
        return "staff-sign-ins-{}".format(timezone.localdate().strftime("%Y-%m-%d"))

    def get_filtered_queryset(self):
        self.log_models = [AccountLogEntry]
        queryset = (
            AccountLogEntry.objects.viewable_by_user(self.request.user)
            .values("pk", "timestamp")
            .annotate(log_model_index=Value(0, output_field=IntegerField()))
        )
        return self.filter_queryset(queryset).order_by("-timestamp")
