"""Admin wiring of core: the staff sign-in (screens, menus, audit-log actions) and the
permission-checked wagtail-localize views mounted in front of the originals.

The localize views are registered with ``order=-1`` so that their patterns come before
wagtail-localize's at the same addresses inside the admin (and get the admin's own login
check).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import include, path, reverse
from django.utils import dateparse, formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter

from . import admin_access
from .menu import PermissionMenuItem
from .models import AccountLogEntry
from .signin import account, audit, enrol, passkeys, policy, staff, views


@hooks.register("register_admin_urls", order=-1)
def guarded_localize_urls():
    urls = [
        path(
            "submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            admin_access.SubmitSnippetTranslationView.as_view(),
        ),
        path(
            "update/<int:translation_source_id>/",
            admin_access.UpdateTranslationsView.as_view(),
        ),
        path(
            "reports/translations/",
            admin_access.TranslationsReportView.as_view(),
        ),
        path(
            "reports/translations/results/",
            admin_access.TranslationsReportView.as_view(results_only=True),
        ),
        path(
            "api/snippets/<slug:app_label>/<slug:model_name>/",
            admin_access.SnippetAPIViewSet.as_view({"get": "list"}),
        ),
        path(
            "api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
            admin_access.SnippetAPIViewSet.as_view({"get": "retrieve"}),
        ),
    ]
    return [path("localize/", include((urls, "core_localize")))]


@hooks.register("construct_reports_menu")
def hide_translations_report(request, menu_items) -> None:
    """The «Translations» report is for people who translate."""
    if not admin_access.may_translate(request.user):
        url = reverse("wagtail_localize:translations_report")
        menu_items[:] = [item for item in menu_items if item.url != url]


# --- Staff sign-in ---------------------------------------------------------------------------

signin_urlpatterns = [
    path("sign-in/verify/", views.VerifyView.as_view(), name="verify"),
    path("sign-in/recovery/", views.RecoveryView.as_view(), name="recovery"),
    path("sign-in/setup/", enrol.SetupView.as_view(), name="setup"),
    path("sign-in/recovery-codes/", enrol.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("account/two-factor/", account.AccountView.as_view(), name="account"),
    path("staff-sign-in/", staff.StaffView.as_view(), name="staff"),
    path("staff-sign-in/<int:pk>/reset/", staff.ResetView.as_view(), name="reset"),
    path("staff-sign-in/<int:pk>/lift-hold/", staff.lift_hold_view, name="lift_hold"),
    path("reports/staff-sign-ins/", staff.AccountLogView.as_view(), name="account_log"),
    path(
        "reports/staff-sign-ins/results/",
        staff.AccountLogView.as_view(results_only=True),
        name="account_log_results",
    ),
]


@hooks.register("register_admin_urls")
def register_signin_urls():
    return [
        path("", include((signin_urlpatterns, "core_signin"))),
        path("sign-in/passkeys/", include((passkeys.urlpatterns, "otp_webauthn"))),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("core_signin:account"),
        "label": _("Двухфакторная аутентификация"),
        "help_text": _("Приложение-аутентификатор, коды восстановления и ключи доступа."),
    }


@hooks.register("register_settings_menu_item")
def staff_signin_menu_item():
    return PermissionMenuItem(
        _("Вход сотрудников"),
        reverse("core_signin:staff"),
        icon_name="key",
        order=900,
        check=staff.can_manage,
    )


@hooks.register("register_reports_menu_item")
def account_log_menu_item():
    return PermissionMenuItem(
        _("Журнал входов"),
        reverse("core_signin:account_log"),
        icon_name="key",
        order=1100,
        check=staff.can_read_log,
    )


@hooks.register("register_user_listing_buttons")
def reset_button(user, request_user):
    if policy.may_reset(request_user, user):
        yield Button(
            _("Сбросить второй фактор"),
            reverse("core_signin:reset", args=[user.pk]),
            icon_name="key",
            priority=60,
        )


# --- Audit log ------------------------------------------------------------------------------

METHODS = {
    audit.PASSWORD: _("пароль"),
    audit.TOTP: _("код из приложения"),
    audit.RECOVERY_CODE: _("код восстановления"),
    audit.PASSKEY: _("ключ доступа"),
}


@hooks.register("register_log_actions")
def register_account_log_actions(actions) -> None:
    actions.register_model(get_user_model(), AccountLogEntry)
    for action, label, message in [
        (
            audit.TOTP_ENROLLED,
            _("Подключено приложение"),
            _("Подключено приложение-аутентификатор"),
        ),
        (audit.TOTP_REPLACED, _("Заменено приложение"), _("Приложение-аутентификатор заменено")),
        (audit.RECOVERY_CODES, _("Коды восстановления"), _("Созданы новые коды восстановления")),
        (
            audit.TURNED_OFF,
            _("Второй фактор отключён"),
            _("Двухфакторная аутентификация отключена"),
        ),
        (audit.RESET, _("Сброс второго фактора"), _("Второй фактор сброшен координатором")),
        (audit.HOLD_LIFTED, _("Вход открыт"), _("Приостановка входа снята координатором")),
    ]:
        actions.register_action(action, label, message)

    @actions.register_action(audit.SIGNED_IN)
    class SignedIn(LogFormatter):
        label = _("Вход")

        def format_message(self, log_entry):
            method = METHODS.get((log_entry.data or {}).get("method"), "")
            return _("Вход выполнен (%(method)s)") % {"method": method}

    @actions.register_action(audit.FAILED)
    class Failed(LogFormatter):
        label = _("Неудачная попытка входа")

        def format_message(self, log_entry):
            step = METHODS.get((log_entry.data or {}).get("step"), "")
            if not log_entry.object_id:
                return _("Неверный пароль для несуществующего имени пользователя")
            return _("Неудачная попытка входа: неверный %(step)s") % {"step": step}

    @actions.register_action(audit.HELD)
    class Held(LogFormatter):
        label = _("Вход приостановлен")

        def format_message(self, log_entry):
            until = dateparse.parse_datetime((log_entry.data or {}).get("until") or "")
            if until is None:
                return _("Вход приостановлен после неудачных попыток")
            when = formats.date_format(timezone.localtime(until), "SHORT_DATETIME_FORMAT")
            return _("Вход приостановлен до %(time)s после неудачных попыток") % {"time": when}

    @actions.register_action(audit.PASSKEY_ADDED)
    class PasskeyAdded(LogFormatter):
        label = _("Добавлен ключ доступа")

        def format_message(self, log_entry):
            return _("Добавлен ключ доступа «%(name)s»") % {
                "name": (log_entry.data or {}).get("name", "")
            }

    @actions.register_action(audit.PASSKEY_REMOVED)
    class PasskeyRemoved(LogFormatter):
        label = _("Удалён ключ доступа")

        def format_message(self, log_entry):
            return _("Удалён ключ доступа «%(name)s»") % {
                "name": (log_entry.data or {}).get("name", "")
            }
