"""The staff inbox in the Wagtail admin: list, report page, actions, bulk actions.

District scope is enforced in one place, ``Report.objects.for_user(user)``: every
list, page, action and bulk action starts from it, so a report outside a user's
districts is a 404 for them, whatever the URL.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property, classproperty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView

from safechildhood.core.forms import ListedModelChoiceField
from safechildhood.core.widgets import Select
from safechildhood.registry.models import District, Service

from . import conflicts, record, sealing, services, transfer
from .crypto import encrypted_fields
from .family import CallBackForm, record_call_back
from .forms import AssignForm, SeenField, StaffTextForm, StatusChangeForm
from .models import (
    Category,
    Kind,
    Outcome,
    Report,
    ReportLogEntry,
    ReportNotification,
    Status,
    user_sees_all_districts,
    users_for_district,
)
from .notifications import suggested_service
from .report_actions import back, form_errors, report_action, require_change
from .retention import WARNING_DAYS

ENCRYPTED_FIELDS = encrypted_fields(Report)
TIMELINE_SHOWN = 20  # the report page's latest entries; the history page has them all


def inbox_queryset(user) -> Any:
    """What a user may see, without decrypting anything (list views never need content)."""
    return Report.objects.for_user(user).defer(*ENCRYPTED_FIELDS)


# --- List --------------------------------------------------------------------------------------


def _user_districts(request: HttpRequest):
    if request is None:
        return District.objects.none()
    user = request.user
    if user_sees_all_districts(user):
        return District.objects.order_by("name")
    return District.objects.filter(inbox_scopes__user=user).order_by("name")


class ReportFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Статус"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    urgent = django_filters.ChoiceFilter(
        label=_("Срочность"),
        choices=[("1", _("Срочные")), ("0", _("Несрочные"))],
        method="filter_urgent",
        empty_label=_("Все"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Вид обращения"), choices=Kind.choices, empty_label=_("Все")
    )
    category = django_filters.MultipleChoiceFilter(
        label=_("Что беспокоит"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    district = django_filters.ModelChoiceFilter(
        label=_("Район"), queryset=_user_districts, empty_label=_("Все")
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Исполнитель"),
        choices=[("mine", _("Мои")), ("none", _("Не назначены"))],
        method="filter_assignee",
        empty_label=_("Все"),
    )
    attention = django_filters.ChoiceFilter(
        label=_("Требует внимания"),
        choices=[
            ("overdue", _("Просрочены")),
            ("reply", _("Новый ответ заявителя")),
            ("notification", _("Уведомление не доставлено")),
            ("purge", _("Содержание будет удалено в течение недели")),
            ("over_volume", _("Без проверки, сверх обычного объёма")),
        ],
        method="filter_attention",
        empty_label=_("Все"),
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Дата получения"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Report
        fields = ["status", "urgent", "kind", "category", "district", "assignee", "created_at"]

    def filter_urgent(self, queryset, name, value):
        return queryset.filter(urgent=value == "1")

    def filter_assignee(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(assignee=self.request.user)
        return queryset.filter(assignee__isnull=True)

    def filter_attention(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            from django.conf import settings

            urgent_deadline = now - timezone.timedelta(hours=settings.REPORTS_URGENT_SLA_HOURS)
            deadline = now - timezone.timedelta(hours=settings.REPORTS_SLA_HOURS)
            return queryset.filter(
                Q(urgent=True, created_at__lt=urgent_deadline)
                | Q(urgent=False, created_at__lt=deadline),
                status=Status.NEW,
            )
        if value == "reply":
            return queryset.filter(unread_reporter_message=True)
        if value == "notification":
            return queryset.filter(
                notifications__state__in=[
                    ReportNotification.State.RETRYING,
                    ReportNotification.State.FAILED,
                ]
            ).distinct()
        if value == "over_volume":
            return queryset.filter(over_volume=True)
        if value == "purge":
            return queryset.filter(
                pk__in=Report.objects.purge_due(now, within_days=WARNING_DAYS).values("pk")
            )
        return queryset


class ReportPaginator(WagtailPaginator):
    """The count under a paged inbox in the right form: Wagtail writes the number before
    the plural name («55 Обращения»); Russian needs «51 обращение», «52 обращения»,
    «55 обращений»."""

    @cached_property
    def items_count_label(self) -> str:
        return ngettext("%(count)d обращение", "%(count)d обращений", self.count) % {
            "count": self.count
        }


class InboxIndexView(IndexView):
    """Urgent first, then open, newest first; 50 a page; nothing decrypted."""

    filterset_class = ReportFilterSet
    paginator_class = ReportPaginator
    default_ordering = None
    page_title = _("Обращения")
    any_permission_required = ["view"]
    template_name = "requests/admin/index.html"

    def get_base_queryset(self):
        return (
            inbox_queryset(self.request.user)
            .select_related("district", "assignee")
            .ordered_for_inbox()
        )

    def order_queryset(self, queryset):
        ordering = self.ordering
        if ordering in {"created_at", "-created_at"}:
            return queryset.order_by(ordering, "-pk")
        return queryset.ordered_for_inbox()

    def get_valid_orderings(self):
        return ["created_at", "-created_at"]

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_add_url(self):
        return None

    def get_inspect_url(self, instance):
        return reverse("inbox:detail", args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        columns = [
            self._get_title_column("__str__"),
            Column(
                "urgent",
                label=_("Срочность"),
                accessor=lambda r: str(_("Срочное")) if r.urgent else "",
            ),
            Column("status", label=_("Статус"), accessor="get_status_display"),
            Column("kind", label=_("Вид"), accessor="get_kind_display"),
            Column("category", label=_("Что беспокоит"), accessor=topic_display),
            Column(
                "district",
                label=_("Район"),
                accessor=lambda r: r.district.name if r.district else str(_("Не указан")),
            ),
            Column(
                "assignee",
                label=_("Исполнитель"),
                accessor=lambda r: r.assignee.get_username() if r.assignee else "—",
            ),
            Column("flags", label=_("Отметки"), accessor=report_flags),
            DateColumn("created_at", label=_("Получено"), sort_key="created_at"),
        ]
        if self.request.user.has_perm("requests.change_report"):
            columns.insert(0, BulkActionsCheckboxColumn("bulk_actions", obj_type="report"))
        return columns


def topic_display(report: Report) -> str:
    """A report's category, or what a family asking for help said is happening."""
    return report.get_family_topic_display() if report.is_family else report.get_category_display()


def report_flags(report: Report) -> str:
    flags = []
    if report.is_overdue:
        flags.append(str(_("просрочено")))
    if report.unread_reporter_message:
        flags.append(str(_("новый ответ заявителя")))
    if report.over_volume:
        flags.append(str(_("без проверки, сверх обычного объёма")))
    if report.purged_at:
        flags.append(str(_("содержание удалено")))
    elif report.purge_after and report.purge_after - timezone.now() <= timezone.timedelta(
        days=WARNING_DAYS
    ):
        flags.append(
            str(_("удаление содержания %(date)s")) % {"date": f"{report.purge_after:%d.%m.%Y}"}
        )
    if report.is_demo:
        flags.append(str(_("демо")))
    return ", ".join(flags)


# --- Report page -------------------------------------------------------------------------------


class ReportPageView(WagtailAdminTemplateMixin, TemplateView):
    """What the report page and its action pages share: the report in the user's scope,
    the titles, and answers that no browser or proxy keeps."""

    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self._load(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def _load(self, request: HttpRequest, pk: int) -> None:
        if not request.user.has_perm("requests.view_report"):
            raise PermissionDenied
        self.report = get_object_or_404(
            Report.objects.for_user(request.user).select_related("district", "assignee", "service"),
            pk=pk,
        )

    def get_page_title(self) -> str:
        return str(self.report)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("inbox:index"), "label": _("Обращения")},
            {"url": "", "label": str(self.report)},
        ]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Sealed reports: the text shows only if this user's key opens the report's key.
        self.content_open = not self.report.purged_at and sealing.open_for_request(
            request, self.report
        )
        response = super().get(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


class ReportDetailView(ReportPageView):
    """Decrypted content (logged as a view), status, assignment, notes, messages, timeline.

    Opened far more often than its rarer actions are taken: those (a service, a flag to the
    registry, a transfer, the record's entries, a call) have their own pages
    (:class:`ReportActionView`), so opening a report renders only the everyday forms."""

    template_name = "requests/admin/detail.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if self.content_open:
            services.log_content_view(self.report, request.user, self.shown_reply)
        elif not self.report.purged_at:
            services.log_locked_view(self.report, request.user)
        return response

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.report
        can_change = self.request.user.has_perm("requests.change_report") and not report.purged_at
        timeline = list(
            report.log_entries.select_related("user").order_by("-timestamp", "-id")[
                : TIMELINE_SHOWN + 1
            ]
        )
        messages_list = list(report.messages.select_related("author"))
        # What this page shows: every form carries it (see forms.SeenField).
        self.shown_reply = max((m.pk for m in messages_list if m.from_reporter), default=0)
        seen_log = {"seen_log": max((entry.pk for entry in timeline), default=0)}
        context.update(
            report=report,
            content_open=self.content_open,
            waiting_readers=sealing.waiting(report) if not report.purged_at else [],
            can_change=can_change,
            status_form=StatusChangeForm(
                report=report,
                initial={"seen_status": report.status, "seen_reply": self.shown_reply},
            ),
            assign_form=AssignForm(
                users=users_for_district(report.district_id),
                initial={
                    "assignee": report.assignee_id,
                    "urgent": report.urgent,
                    "seen_assignee": report.assignee_id or "none",
                    "seen_urgent": "1" if report.urgent else "0",
                },
            ),
            suggested_service=suggested_service(report, record.suggestions(report)),
            note_form=StaffTextForm(prefix="note", initial=seen_log),
            message_form=StaffTextForm(prefix="message", initial=seen_log),
            notes=list(report.notes.select_related("author")),
            messages_list=messages_list,
            notifications=list(report.notifications.all()),
            alerts=list(report.alerts.select_related("user")[:50]),
            timeline=timeline[:TIMELINE_SHOWN],
            timeline_more=len(timeline) > TIMELINE_SHOWN,
            call_backs=list(report.call_backs.select_related("author")) if report.is_family else [],
            **record.record_of(report),
        )
        return context


class ReportHistoryView(HistoryView):
    """A report's whole timeline, paged and filterable by action, person and date: Wagtail's
    history view, scoped like every report page. The report page shows the latest entries
    only, since every opening adds one and a long-running case gathers hundreds."""

    any_permission_required = ["view"]
    header_buttons = []

    def get_base_object_queryset(self) -> QuerySet[Report]:
        return Report.objects.for_user(self.request.user)

    def get_base_queryset(self) -> QuerySet[ReportLogEntry]:
        """Every entry. Wagtail's view keeps only the latest entry per request and action
        across all objects (for revisions saved over and over), which hid a report's entry
        whenever one request acted on several reports, as the bulk actions do."""
        return self._annotate_queryset(self.object.log_entries.all())

    def get_page_subtitle(self) -> str:
        return str(self.object)


Words = Callable[[Report], str]


def fixed(text: str) -> Words:
    return lambda report: text


@dataclass(frozen=True)
class ActionPage:
    """One of a report's rarer actions on its own page: GET shows the form, POST does it."""

    title: Words
    submit: Words  # the button
    form: Callable[[ReportActionView], forms.Form]
    help: str = ""  # above the form
    intro: str = ""  # a template above the form, for what the page shows besides it
    writes_text: bool = False  # sealed text: without the report's key, the page says why
    shows_text: bool = False  # the form holds the report's text: an audited view
    family_only: bool = False
    context: Callable[[ReportActionView], dict[str, Any]] = lambda view: {}  # for `intro`


def _service_form(view: ReportActionView) -> forms.Form:
    report = view.report
    suggestion = suggested_service(report, view.service_choices)
    return ServiceForm(
        report=report,
        services=view.service_choices,
        initial={
            "service": report.service_id or (suggestion.pk if suggestion else None),
            "seen_service": report.service_id or "none",
        },
    )


def _flag_form(view: ReportActionView) -> forms.Form:
    flagged = view.report.service or suggested_service(view.report, view.service_choices)
    return record.RegistryFlagForm(
        report=view.report,
        services=view.service_choices,
        initial={"service": flagged.pk if flagged else None},
    )


def _call_back_form(view: ReportActionView) -> forms.Form:
    return CallBackForm(
        initial={"called_at": timezone.localtime().replace(second=0, microsecond=0)}
    )


def _record_page(prefix: str, title: str, submit: str, **options) -> ActionPage:
    return ActionPage(
        title=fixed(title),
        submit=fixed(submit),
        form=lambda view: record.record_form(prefix, view.report),
        writes_text=True,
        **options,
    )


def _by_district(with_district: str, without: str) -> Words:
    return lambda report: with_district if report.district_id else without


ACTION_PAGES: dict[str, ActionPage] = {
    "service": ActionPage(
        title=fixed(_("Назначить службу")),
        submit=fixed(_("Назначить службу")),
        form=_service_form,
        intro="requests/admin/includes/service_now.html",
        context=lambda view: {
            "suggested_service": suggested_service(view.report, view.service_choices)
        },
    ),
    "registry_flag": ActionPage(
        title=fixed(_("Сообщить редакторам реестра о службе")),
        submit=fixed(_("Сообщить редакторам")),
        form=_flag_form,
        help=_(
            "Если телефон службы не отвечает или служба закрылась, отметьте это: редакторы "
            "реестра получат сообщение. Ничего из обращения в него не попадёт: только "
            "служба, что с ней не так, и ваш адрес почты (или имя пользователя) для связи."
        ),
    ),
    "transfer": ActionPage(
        title=_by_district(_("Передать в другой район"), _("Указать район")),
        submit=_by_district(_("Передать"), _("Указать район")),
        form=lambda view: TransferForm(report=view.report),
        help=_(
            "Специалисты нового района получат доступ к обращению и оповещение; специалисты "
            "прежнего района доступ потеряют. Подробности, если нужны, запишите во "
            "внутреннюю заметку."
        ),
    ),
    "call_back": ActionPage(
        title=fixed(_("Записать звонок семье")),
        submit=fixed(_("Записать звонок")),
        form=_call_back_form,
        help=_(
            "Что обсудили, запишите во внутренней заметке: она зашифрована. Итог работы по "
            "просьбе указывается при закрытии."
        ),
        family_only=True,
    ),
    "visit": _record_page("visit", _("Записать выезд команды"), _("Записать выезд")),
    "risk": _record_page("risk", _("Записать оценку рисков"), _("Записать оценку")),
    "agency": _record_page(
        "agency", _("Записать, какие ведомства проинформированы"), _("Записать")
    ),
    "plan": _record_page(
        "plan", _("План сопровождения семьи"), _("Сохранить план"), shows_text=True
    ),
}


class ReportActionView(ReportPageView):
    """A rarer action's own page: the report's plain facts and the action's form.

    Its POST is the action itself (see :func:`with_page`); a refused form comes back here
    with what was typed and the reasons (:meth:`refused`)."""

    template_name = "requests/admin/action.html"
    action = ""  # a key of ACTION_PAGES, given to as_view()
    form: forms.Form | None = None  # a refused form, shown again

    def _load(self, request: HttpRequest, pk: int) -> None:
        require_change(request)
        super()._load(request, pk)
        self.page = ACTION_PAGES[self.action]
        if self.report.purged_at or (self.page.family_only and not self.report.is_family):
            raise Http404

    @classmethod
    def refused(cls, request: HttpRequest, report: Report, action: str, form: forms.Form):
        """The action's page again (400) with the refused form: what was typed stays."""
        view = cls(action=action, form=form)
        view.setup(request, pk=report.pk)
        view._load(request, report.pk)
        response = view.get(request, pk=report.pk)
        response.status_code = 400
        return response

    @cached_property
    def service_choices(self) -> QuerySet[Service]:
        rows = record.service_choices(self.report)
        list(rows)  # read once: the form's choices and the suggestion
        return rows

    def get_page_title(self) -> str:
        return str(self.page.title(self.report))

    def get_breadcrumbs_items(self):
        *items, current = super().get_breadcrumbs_items()
        back_to_report = {**current, "url": reverse("inbox:detail", args=[self.report.pk])}
        return [*items, back_to_report, {"url": "", "label": self.get_page_title()}]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if self.page.shows_text and self.content_open:
            services.log_content_view(self.report, request.user)
        return response

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        can_write = self.content_open or not self.page.writes_text
        context.update(
            report=self.report,
            action_url=reverse(f"inbox:{self.action}", args=[self.report.pk]),
            action_page=self.page,
            submit=self.page.submit(self.report),
            marker=self.action.replace("_", "-"),
            form=(self.form or self.page.form(self)) if can_write else None,
            **self.page.context(self),
        )
        return context


def with_page(action: str, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The action's URL: GET (or HEAD) shows its page, anything else goes to the action."""
    page = ReportActionView.as_view(action=action)

    @functools.wraps(view)
    def dispatch(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            return page(request, pk=pk)
        return view(request, pk, *args, **kwargs)

    return dispatch


class ServiceForm(record.ServicesForm):
    service = ListedModelChoiceField(
        label=_("Служба из реестра"),
        queryset=Service.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Выберите службу из списка")},
    )
    seen_service = SeenField()  # service id, or "none"


class TransferForm(forms.Form):
    district = ListedModelChoiceField(
        label=_("Новый район"),
        queryset=District.objects.none(),
        error_messages={
            "required": _("Выберите район"),
            "invalid_choice": _("Выберите район из списка"),
        },
    )
    reason = forms.ChoiceField(
        label=_("Причина"),
        choices=transfer.Reason.choices,
        widget=Select,
        error_messages={
            "required": _("Выберите причину передачи"),
            "invalid_choice": _("Выберите причину передачи из списка"),
        },
    )

    def __init__(self, *args, report: Report, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = (
            District.objects.exclude(pk=report.district_id or 0).only("pk", "name").order_by("name")
        )
        if not report.district_id:
            self.fields["district"].label = _("Район")
            self.fields["reason"].initial = transfer.Reason.UNKNOWN


@report_action()
def transfer_view(request: HttpRequest, report: Report) -> HttpResponse:
    """Move the report to another district (or give it one); the new district's people
    get the key (when this user holds it) and an alert."""
    form = TransferForm(request.POST, report=report)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return ReportActionView.refused(request, report, "transfer", form)
    district = form.cleaned_data["district"]
    try:
        transfer.transfer(report, district, form.cleaned_data["reason"], request.user)
    except transfer.NotMoved:
        messages.warning(request, _("Обращение уже в этом районе"))
        return back(report)
    messages.success(
        request,
        _("Обращение передано: %(district)s. Специалисты района оповещены.")
        % {"district": district.name},
    )
    if not Report.objects.for_user(request.user).filter(pk=report.pk).exists():
        return redirect("inbox:index")  # the former district's specialist: not theirs now
    return back(report)


@report_action(writes_text=True)
def grant_view(request: HttpRequest, report: Report) -> HttpResponse:
    """«Выдать доступ»: seal this report's key to every reader still waiting for it."""
    granted = sealing.grant_all(report)
    services.log_grant(report, request.user, granted)
    messages.success(
        request,
        ngettext(
            "Доступ выдан %(count)d сотруднику", "Доступ выдан сотрудникам: %(count)d", granted
        )
        % {"count": granted},
    )
    return back(report)


def _seen(value: str | None, *, flag: bool = False) -> Any:
    """A SeenField's value for the services; ``UNKNOWN`` when the page sent none."""
    if not value:
        return services.UNKNOWN
    if value == "none":
        return None
    if flag:
        return {"1": True, "0": False}.get(value, services.UNKNOWN)
    return int(value) if value.isdigit() else services.UNKNOWN


@report_action()
def change_status_view(request: HttpRequest, report: Report) -> HttpResponse:
    form = StatusChangeForm(request.POST, report=report)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return back(report)
    seen_reply = _seen(form.cleaned_data["seen_reply"])
    try:
        current = services.change_status(
            report,
            form.cleaned_data["status"],
            request.user,
            form.cleaned_data["outcome"],
            seen_status=form.cleaned_data["seen_status"] or None,
            seen_reply=seen_reply if isinstance(seen_reply, int) else None,
        )
    except services.Conflict as conflict:
        messages.warning(request, conflicts.explain(conflict.report, conflict.field))
    else:
        messages.success(
            request, _("Статус изменён: %(status)s") % {"status": current.get_status_display()}
        )
    return back(report)


@report_action()
def assign_view(request: HttpRequest, report: Report) -> HttpResponse:
    form = AssignForm(request.POST, users=users_for_district(report.district_id))
    if not form.is_valid():
        messages.error(request, _("Выберите сотрудника из списка"))
        return back(report)
    refused = services.assign(
        report,
        form.cleaned_data["assignee"],
        form.cleaned_data["urgent"],
        request.user,
        seen_assignee=_seen(form.cleaned_data["seen_assignee"]),
        seen_urgent=_seen(form.cleaned_data["seen_urgent"], flag=True),
    )
    for field in refused:
        messages.warning(request, conflicts.explain(report, field))
    if not refused:
        messages.success(request, _("Сохранено"))
    return back(report)


@report_action()
def service_view(request: HttpRequest, report: Report) -> HttpResponse:
    form = ServiceForm(request.POST, report=report)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return ReportActionView.refused(request, report, "service", form)
    refused = services.set_service(
        report,
        form.cleaned_data["service"],
        request.user,
        seen_service=_seen(form.cleaned_data["seen_service"]),
    )
    if refused:
        messages.warning(request, conflicts.explain(report, "service"))
    else:
        messages.success(request, _("Служба сохранена"))
    return back(report)


@report_action()
def call_back_view(request: HttpRequest, report: Report) -> HttpResponse:
    """Record a call back to a family that asked for help (a family request only)."""
    if not report.is_family:
        raise Http404
    form = CallBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return ReportActionView.refused(request, report, "call_back", form)
    data = form.cleaned_data
    record_call_back(report, request.user, data["called_at"], data["result"], data["agreed"])
    messages.success(request, _("Звонок записан"))
    return back(report)


def _write_text(
    request: HttpRequest, report: Report, prefix: str, save: Callable[..., object], empty: str
) -> str | None:
    """Save the text of a note or a message; returns what colleagues changed while it was
    typed (the page it was typed on is stale), or None when there was nothing to save."""
    form = StaffTextForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, empty)
        return None
    save(report, form.cleaned_data["body"], request.user)
    return conflicts.changes_since(report, request.user, form.cleaned_data["seen_log"])


@report_action(writes_text=True)
def note_view(request: HttpRequest, report: Report) -> HttpResponse:
    meanwhile = _write_text(request, report, "note", services.add_note, _("Напишите текст заметки"))
    if meanwhile:
        messages.warning(
            request,
            _("Заметка сохранена. Пока вы писали, обращение изменили: %(changes)s.")
            % {"changes": meanwhile},
        )
    elif meanwhile is not None:
        messages.success(request, _("Заметка добавлена"))
    return back(report)


@report_action(writes_text=True)
def message_view(request: HttpRequest, report: Report) -> HttpResponse:
    meanwhile = _write_text(
        request, report, "message", services.message_reporter, _("Напишите текст сообщения")
    )
    if meanwhile is not None:
        messages.success(request, _("Сообщение заявителю отправлено: он увидит его по своему коду"))
    if meanwhile:
        messages.warning(
            request, _("Пока вы писали, обращение изменили: %(changes)s.") % {"changes": meanwhile}
        )
    return back(report)


# --- Bulk actions ------------------------------------------------------------------------------


class InboxBulkAction(BulkAction):
    """Scoped like everything else: out-of-scope ids are simply not found."""

    @classproperty
    def models(cls):
        return [Report]

    def dispatch(self, request, *args, **kwargs):
        require_change(request)
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        return Report.objects.for_user(self.request.user).values_list("pk", flat=True)

    def get_actionable_objects(self):
        ids = self.request.GET.getlist("id")
        if "all" in ids:
            ids = list(self.get_all_objects_in_listing_query(None))
        ids = [i for i in ids if str(i).isdigit()]
        objects = list(inbox_queryset(self.request.user).filter(pk__in=ids, purged_at__isnull=True))
        if not objects:
            raise Http404
        return objects, {"items_with_no_access": []}

    def object_context(self, obj):
        return {"item": obj, "url": reverse("inbox:detail", args=[obj.pk])}


class TakeBulkAction(InboxBulkAction):
    display_name = _("Взять в работу")
    action_type = "take"
    aria_label = _("Назначить выбранные обращения мне и начать разбор")
    template_name = "requests/admin/bulk_take.html"
    action_priority = 10

    def get_execution_context(self):
        self.skipped = []
        return {"user": self.request.user, "skipped": self.skipped}

    @classmethod
    def execute_action(cls, objects, user=None, skipped=None, **kwargs):
        taken = 0
        for report in objects:
            if services.take(report, user):
                taken += 1
            elif skipped is not None:
                skipped.append(report)
        return taken, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        if self.skipped:
            names = ", ".join(
                f"{report} ({report.assignee.get_username()})"
                for report in self.skipped
                if report.assignee_id
            )
            messages.warning(
                self.request,
                _("Их уже взяли в работу другие, вам они не назначены: %(reports)s")
                % {"reports": names or "—"},
            )
        return ngettext(
            "%(count)d обращение назначено вам",
            "%(count)d обращений назначено вам",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Итог"),
        choices=[
            (Outcome.DUPLICATE, Outcome.DUPLICATE.label),
            (Outcome.FALSE_REPORT, Outcome.FALSE_REPORT.label),
            (Outcome.UNFOUNDED, Outcome.UNFOUNDED.label),
        ],
    )


class CloseBulkAction(InboxBulkAction):
    """For floods of duplicates or spam: close many at once with one outcome."""

    display_name = _("Закрыть")
    action_type = "close"
    aria_label = _("Закрыть выбранные обращения с итогом")
    template_name = "requests/admin/bulk_close.html"
    action_priority = 20
    form_class = CloseForm

    def get_execution_context(self):
        self.skipped = []
        return {
            "user": self.request.user,
            "outcome": self.cleaned_form.cleaned_data["outcome"],
            "skipped": self.skipped,
        }

    @classmethod
    def execute_action(cls, objects, user=None, outcome="", skipped=None, **kwargs):
        count = 0
        for report in objects:
            try:
                services.change_status(report, Status.CLOSED, user, outcome)
                count += 1
            except services.Conflict:  # closed meanwhile, or purged
                if skipped is not None:
                    skipped.append(report)
        return count, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        if self.skipped:
            messages.warning(
                self.request,
                _("Не закрыты, потому что их уже закрыли: %(reports)s")
                % {"reports": ", ".join(str(report) for report in self.skipped)},
            )
        return ngettext(
            "%(count)d обращение закрыто",
            "%(count)d обращений закрыто",
            num_parent_objects,
        ) % {"count": num_parent_objects}


# --- Dashboard ---------------------------------------------------------------------------------


def dashboard_counts(user) -> dict[str, Any]:
    """New, overdue urgent and soon-purged reports in the user's scope (a few queries)."""
    scoped = Report.objects.for_user(user)
    now = timezone.now()
    overdue = list(
        scoped.overdue_urgent(now).select_related("district").defer(*ENCRYPTED_FIELDS)[:10]
    )
    return {
        "new_count": scoped.new().count(),
        "overdue": overdue,
        "purge_soon_count": scoped.purge_due(now, within_days=WARNING_DAYS).count(),
        "problem_notifications": ReportNotification.objects.filter(
            report__in=scoped.values("pk"),
            state__in=[ReportNotification.State.RETRYING, ReportNotification.State.FAILED],
        ).count(),
    }


def new_report_count(user) -> int:
    return Report.objects.for_user(user).new().count()
