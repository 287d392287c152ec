"""The inbox in the Wagtail admin: «Обращения» with a count of new reports, a dashboard
panel, the report pages, bulk actions, the audit-log actions of the timeline, and the
«Районы специалистов» list for coordinators."""

from __future__ import annotations

from django import forms
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.views.account import BaseSettingsPanel, notifications_tab
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter

from safechildhood.core.admin_sidebar import live_count
from safechildhood.registry.corrections import InboxProblem

from . import admin_views, record_views, statistics, statistics_views
from .admin_views import with_page
from .alert_models import AlertPreference, StaffAlert
from .models import (
    Agency,
    CallBack,
    InboxScope,
    Outcome,
    Report,
    ReportLogEntry,
    RiskLevel,
    Status,
    user_sees_all_districts,
)
from .transfer import Reason


@hooks.register("sidebar_live_parts")
def new_reports(request) -> int:
    """The count in «Обращения (3)»: the cached sidebar is looked up by it."""
    user = request.user
    return live_count(request, "requests.view_report", lambda: admin_views.new_report_count(user))


class InboxMenuItem(MenuItem):
    """«Обращения (3)»: the count of new reports in the user's districts."""

    def is_shown(self, request) -> bool:
        return request.user.has_perm("requests.view_report")

    def render_component(self, request):
        count = new_reports(request)
        label = f"{self.label} ({count})" if count else str(self.label)
        attrs = dict(self.attrs)
        if count:
            attrs["aria-label"] = str(_("Обращения: новых %(count)s") % {"count": count})
        return LinkMenuItemComponent(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=attrs,
        )


class ReportURLFinder(ModelAdminURLFinder):
    """A report's admin URL is its inbox page (reports have no edit view), for those in scope.

    Wagtail asks for it wherever it links an object, e.g. the site history. The user's
    districts are read once per finder, so a page of history entries costs one query.
    """

    def construct_edit_url(self, instance: Report) -> str:
        return reverse("inbox:detail", args=[instance.pk])

    def get_edit_url(self, instance: Report) -> str | None:
        if self.user is not None and not self._may_view(instance):
            return None
        return self.construct_edit_url(instance)

    def _may_view(self, instance: Report) -> bool:
        user = self.user
        if not user.is_active or not user.has_perm("requests.view_report"):
            return False
        if user_sees_all_districts(user):
            return True
        if not hasattr(self, "_districts"):
            self._districts = set(
                InboxScope.districts.through.objects.filter(inboxscope__user=user).values_list(
                    "district_id", flat=True
                )
            )
        return instance.district_id in self._districts


class ReportViewSet(ModelViewSet):
    """List and report pages only: reports are never created, edited or deleted by hand."""

    model = Report
    name = "inbox"
    icon = "mail"
    menu_label = _("Обращения")
    menu_name = "inbox"
    menu_order = 150
    add_to_admin_menu = True
    index_view_class = admin_views.InboxIndexView
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False
    url_finder_class = ReportURLFinder
    history_view_class = admin_views.ReportHistoryView

    @property
    def menu_item_class(self):
        return InboxMenuItem

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, **kwargs
        )

    def get_history_view_kwargs(self, **kwargs):
        return super().get_history_view_kwargs(edit_url_name=self.get_url_name("detail"), **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/history/", self.history_view, name="history"),
            path("<int:pk>/history/results/", self.history_results_view, name="history_results"),
            path("<int:pk>/", admin_views.ReportDetailView.as_view(), name="detail"),
            path("<int:pk>/status/", admin_views.change_status_view, name="status"),
            path("<int:pk>/assign/", admin_views.assign_view, name="assign"),
            path(
                "<int:pk>/service/", with_page("service", admin_views.service_view), name="service"
            ),
            path("<int:pk>/note/", admin_views.note_view, name="note"),
            path("<int:pk>/message/", admin_views.message_view, name="message"),
            path("<int:pk>/grant/", admin_views.grant_view, name="grant"),
            path(
                "<int:pk>/call-back/",
                with_page("call_back", admin_views.call_back_view),
                name="call_back",
            ),
            path(
                "<int:pk>/transfer/",
                with_page("transfer", admin_views.transfer_view),
                name="transfer",
            ),
            path("<int:pk>/visit/", with_page("visit", record_views.visit_view), name="visit"),
            path("<int:pk>/risk/", with_page("risk", record_views.risk_view), name="risk"),
            path("<int:pk>/agency/", with_page("agency", record_views.agency_view), name="agency"),
            path("<int:pk>/plan/", with_page("plan", record_views.plan_view), name="plan"),
            path(
                "<int:pk>/record/<slug:kind>/<int:entry_id>/remove/",
                record_views.remove_view,
                name="record_remove",
            ),
            path("<int:pk>/summary/", record_views.CaseSummaryView.as_view(), name="case_summary"),
            path(
                "<int:pk>/registry-flag/",
                with_page("registry_flag", record_views.registry_flag_view),
                name="registry_flag",
            ),
        ]

    def get_permissions_to_register(self):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(Report)
        return Permission.objects.filter(
            content_type=content_type,
            codename__in=[
                "view_report",
                "change_report",
                "view_all_districts",
                "view_statistics",
            ],
        )


class InboxScopeViewSet(ModelViewSet):
    """Which districts each specialist sees (coordinators and superusers edit it)."""

    model = InboxScope
    icon = "group"
    menu_label = _("Районы специалистов")
    menu_name = "inbox-scopes"
    add_to_settings_menu = True
    form_fields = ["user", "districts"]
    list_display = ["user", "district_list"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [ReportViewSet(), InboxScopeViewSet()]


hooks.register("register_bulk_action", admin_views.TakeBulkAction)
hooks.register("register_bulk_action", admin_views.CloseBulkAction)


# --- Dashboard -------------------------------------------------------------------------------


class InboxPanel(Component):
    name = "report_inbox"
    template_name = "requests/admin/dashboard_panel.html"
    order = 50

    def __init__(self, user) -> None:
        self.user = user

    def get_context_data(self, parent_context=None):
        return {
            **admin_views.dashboard_counts(self.user),
            "index_url": reverse("inbox:index"),
        }


@hooks.register("construct_homepage_panels")
def add_inbox_panel(request, panels) -> None:
    if request.user.has_perm("requests.view_report"):
        panels.insert(0, InboxPanel(request.user))


# --- Timeline (audit log) -----------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_report_log_actions(actions) -> None:
    actions.register_model(Report, ReportLogEntry)
    actions.register_action("requests.create", _("Получено"), _("Обращение получено с сайта"))
    actions.register_action(
        "requests.view_content", _("Просмотр содержания"), _("Просмотрено содержание обращения")
    )
    actions.register_action("requests.note", _("Заметка"), _("Добавлена внутренняя заметка"))
    actions.register_action(
        "requests.message_to_reporter",
        _("Сообщение заявителю"),
        _("Отправлено сообщение заявителю"),
    )
    actions.register_action(
        "requests.message_from_reporter",
        _("Сообщение заявителя"),
        _("Заявитель дополнил обращение"),
    )
    actions.register_action(
        "requests.notified", _("Уведомление"), _("Дежурный адрес района уведомлён по почте")
    )
    actions.register_action(
        "requests.notification_failed",
        _("Уведомление не доставлено"),
        _("Уведомление по почте не удалось отправить после всех попыток"),
    )
    actions.register_action(
        "requests.purge", _("Удаление содержания"), _("Содержание удалено по сроку хранения")
    )
    # Sealed reports (sealing.py): a page opened without the key, keys given to readers.
    actions.register_action(
        "requests.view_locked",
        _("Просмотр без ключа"),
        _("Открыта карточка обращения без доступа к его тексту"),
    )
    actions.register_action(
        "requests.grant", _("Выдача доступа"), _("Ключ обращения выдан сотрудникам")
    )


@hooks.register("register_log_actions")
def register_report_change_formatters(actions) -> None:
    """Timeline entries whose message says what changed (from the entry's data)."""

    @actions.register_action("requests.status")
    class StatusFormatter(LogFormatter):
        label = _("Смена статуса")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            labels = dict(Status.choices)
            message = _("Статус: %(old)s → %(new)s") % {
                "old": labels.get(data.get("from"), data.get("from")),
                "new": labels.get(data.get("to"), data.get("to")),
            }
            if data.get("outcome"):
                outcome = dict(Outcome.choices).get(data["outcome"], data["outcome"])
                message = f"{message} ({outcome})"
            return message

    @actions.register_action("requests.call_back")
    class CallBackFormatter(LogFormatter):
        label = _("Звонок семье")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = _("Звонок семье: %(result)s") % {
                "result": dict(CallBack.Result.choices).get(data.get("result"), data.get("result"))
            }
            if data.get("agreed"):
                agreed = dict(CallBack.Agreed.choices).get(data["agreed"], data["agreed"])
                message = f"{message} ({agreed})"
            return message

    @actions.register_action("requests.assign")
    class AssignFormatter(LogFormatter):
        label = _("Назначение")

        def format_message(self, log_entry):
            who = (log_entry.data or {}).get("assignee")
            return _("Исполнитель: %(user)s") % {"user": who} if who else _("Исполнитель снят")

    @actions.register_action("requests.urgency")
    class UrgencyFormatter(LogFormatter):
        label = _("Срочность")

        def format_message(self, log_entry):
            urgent = (log_entry.data or {}).get("urgent")
            return _("Отмечено срочным") if urgent else _("Отметка «срочно» снята")

    @actions.register_action("requests.service")
    class ServiceFormatter(LogFormatter):
        label = _("Служба")

        def format_message(self, log_entry):
            name = (log_entry.data or {}).get("service")
            return _("Служба: %(name)s") % {"name": name} if name else _("Служба снята")


@hooks.register("register_log_actions")
def register_alert_log_actions(actions) -> None:
    """Alerts to staff (alerts.py); transfers between districts (transfer.py) below."""

    @actions.register_action("requests.alert")
    class AlertFormatter(LogFormatter):
        label = _("Оповещение")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            kind = dict(StaffAlert.Kind.choices).get(data.get("kind"), data.get("kind"))
            title = str(_("Оповещение «%(kind)s»") % {"kind": kind})
            if data.get("urgent"):
                title += " " + str(_("(срочно)"))
            at_once, digest = data.get("to") or [], data.get("digest") or []
            if not at_once and not digest:
                return title + ": " + str(_("некому (нет сотрудников с адресом почты)"))
            message = title + ": " + (", ".join(at_once) or "—")
            if digest:
                message += "; " + _("в ежедневной сводке: %(people)s") % {
                    "people": ", ".join(digest)
                }
            return message

    @actions.register_action("requests.alert_failed")
    class AlertFailedFormatter(LogFormatter):
        label = _("Оповещение не доставлено")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            kind = dict(StaffAlert.Kind.choices).get(data.get("kind"), data.get("kind"))
            return _("Оповещение «%(kind)s» для %(user)s не удалось отправить") % {
                "kind": kind,
                "user": data.get("to", ""),
            }


@hooks.register("register_log_actions")
def register_transfer_log_action(actions) -> None:
    @actions.register_action("requests.transfer")
    class TransferFormatter(LogFormatter):
        label = _("Передача в район")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            reason = dict(Reason.choices).get(data.get("reason"), data.get("reason"))
            message = _("Район: %(old)s → %(new)s (%(reason)s)") % {
                "old": data.get("from") or _("не указан"),
                "new": data.get("to"),
                "reason": reason,
            }
            if data.get("assignee_removed"):
                message += "; " + _("исполнитель снят")
            if data.get("service_removed"):
                message += "; " + _("служба снята")
            return message


def _date(value: str | None) -> str:
    """An ISO date of the timeline's data as people read it (dd.mm.yyyy)."""
    try:
        year, month, day = str(value).split("-")
    except ValueError:
        return str(value or "—")
    return f"{day}.{month}.{year}"


@hooks.register("register_log_actions")
def register_record_log_actions(actions) -> None:
    """The interagency record's entries (record.py)."""

    @actions.register_action("requests.visit")
    class VisitFormatter(LogFormatter):
        label = _("Выезд команды")

        def format_message(self, log_entry):
            return _("Записан выезд команды %(date)s") % {
                "date": _date((log_entry.data or {}).get("date"))
            }

    @actions.register_action("requests.risk")
    class RiskFormatter(LogFormatter):
        label = _("Оценка рисков")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Оценка рисков %(date)s: %(level)s") % {
                "date": _date(data.get("date")),
                "level": dict(RiskLevel.choices).get(data.get("level"), data.get("level")),
            }

    @actions.register_action("requests.agency")
    class AgencyFormatter(LogFormatter):
        label = _("Информирование ведомства")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Проинформировано %(date)s: %(agency)s") % {
                "date": _date(data.get("date")),
                "agency": dict(Agency.choices).get(data.get("agency"), data.get("agency")),
            }

    @actions.register_action("requests.plan")
    class PlanFormatter(LogFormatter):
        label = _("План сопровождения")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = (
                _("План сопровождения составлен")
                if data.get("created")
                else _("План сопровождения изменён")
            )
            if data.get("next_review"):
                message = (
                    str(message)
                    + "; "
                    + str(_("следующий пересмотр %(date)s") % {"date": _date(data["next_review"])})
                )
            return message


@hooks.register("register_log_actions")
def register_record_review_log_actions(actions) -> None:
    """Removed record entries, openings of the case summary, flags to the registry."""

    @actions.register_action("requests.record_removed")
    class RecordRemovedFormatter(LogFormatter):
        label = _("Запись удалена")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            what = {
                "visit": _("выезд команды"),
                "risk": _("оценка рисков"),
                "agency": _("информирование ведомства"),
            }.get(data.get("kind"), data.get("kind"))
            message = _("Удалена ошибочная запись: %(what)s от %(date)s") % {
                "what": what,
                "date": _date(data.get("date")),
            }
            detail = dict(RiskLevel.choices).get(data.get("level")) or dict(Agency.choices).get(
                data.get("agency")
            )
            return f"{message} ({detail})" if detail else message

    actions.register_action(
        "requests.print",
        _("Справка для комиссии"),
        _("Открыта справка для межведомственной комиссии (для печати)"),
    )

    @actions.register_action("requests.registry_flag")
    class RegistryFlagFormatter(LogFormatter):
        label = _("Отметка для реестра")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            problem = dict(InboxProblem.choices).get(data.get("problem"), data.get("problem"))
            message = _("Редакторам реестра: %(service)s — %(problem)s") % {
                "service": data.get("service"),
                "problem": problem,
            }
            if data.get("new") is False:
                message = str(message) + " " + str(_("(такая отметка уже ждала проверки)"))
            return message


# --- Account settings: when non-urgent alerts come ----------------------------------------------


class AlertPreferenceForm(forms.ModelForm):
    class Meta:
        model = AlertPreference
        fields = ["non_urgent"]
        widgets = {"non_urgent": forms.RadioSelect}


class AlertPreferencePanel(BaseSettingsPanel):
    """«Оповещения об обращениях» on the account page's notifications tab."""

    name = "report_alerts"
    title = _("Оповещения об обращениях")
    tab = notifications_tab
    order = 150
    form_class = AlertPreferenceForm

    def is_active(self) -> bool:
        return self.user.has_perm("requests.view_report")

    def get_form(self):
        instance = AlertPreference.objects.filter(user=self.user).first()
        instance = instance or AlertPreference(user=self.user)
        if self.request.method == "POST":
            return self.form_class(self.request.POST, instance=instance, prefix=self.name)
        return self.form_class(instance=instance, prefix=self.name)


@hooks.register("register_account_settings_panel")
def alert_preference_panel(request, user, profile):
    return AlertPreferencePanel(request, user, profile)


# --- Statistics for managers (statistics.py) ----------------------------------------------------


@hooks.register("register_admin_urls")
def register_statistics_urls():
    urls = [
        path("", statistics_views.StatisticsView.as_view(), name="index"),
        path("export/<str:fmt>/", statistics_views.export_view, name="export"),
    ]
    return [path("inbox-statistics/", include((urls, "inbox_statistics")))]


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return statistics.may_see_statistics(request.user)


@hooks.register("register_reports_menu_item")
def statistics_menu_item():
    return StatisticsMenuItem(
        _("Статистика обращений"), reverse("inbox_statistics:index"), icon_name="table", order=150
    )


@hooks.register("register_log_actions")
def register_statistics_log_action(actions) -> None:
    @actions.register_action(statistics_views.EXPORT_ACTION)
    class StatisticsExportFormatter(LogFormatter):
        label = _("Выгрузка статистики")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _(
                "Выгружена статистика обращений (%(format)s): %(start)s – %(end)s, %(district)s"
            ) % {
                "format": str(data.get("format", "")).upper(),
                "start": data.get("from", ""),
                "end": data.get("to", ""),
                "district": data.get("district", ""),
            }
