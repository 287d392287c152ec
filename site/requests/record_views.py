"""The report page's interagency record, the case summary for the commission, and flags
from the inbox to the registry (issue 13, points 4 and 8).

Every view starts from the inbox's scope (``Report.objects.for_user``): a report outside a
user's districts is a 404 here as everywhere. Recording needs ``change_report`` like any
other action on a report; the summary needs what the report page needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from safechildhood.registry.corrections import flag_from_inbox

from . import record, sealing
from .admin_views import ReportActionView, topic_display
from .models import Report
from .report_actions import LOCKED_EXPLANATION, back, form_errors, report_action
from .sealed_fields import ReportLocked

# --- Recording --------------------------------------------------------------------------------


@report_action()
def _record(
    request: HttpRequest,
    report: Report,
    form_class: type[forms.Form],
    save: Callable[[Report, Any, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate one record form and save it; a bad form shows the page again with what was
    typed and the reasons (400), a locked report says why nothing was saved."""
    prefix = record.RECORD_FORMS[form_class]
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return ReportActionView.refused(request, report, prefix, form)
    try:
        save(report, request.user, form.cleaned_data)
    except ReportLocked:
        messages.error(request, LOCKED_EXPLANATION)
        return back(report)
    messages.success(request, done)
    return back(report)


def visit_view(request: HttpRequest, pk: int) -> HttpResponse:
    def save(report, user, data):
        return record.record_visit(report, user, data["visited_on"], data["team"])

    return _record(request, pk, record.VisitForm, save, _("Выезд записан"))


def risk_view(request: HttpRequest, pk: int) -> HttpResponse:
    def save(report, user, data):
        return record.record_risk(report, user, data["assessed_on"], data["level"], data["note"])

    return _record(request, pk, record.RiskForm, save, _("Оценка рисков записана"))


def agency_view(request: HttpRequest, pk: int) -> HttpResponse:
    def save(report, user, data):
        return record.record_agency(
            report, user, data["agency"], data["other_name"], data["informed_on"]
        )

    return _record(request, pk, record.AgencyForm, save, _("Информирование ведомства записано"))


def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    def save(report, user, data):
        return record.save_plan(report, user, data["plan_text"], data["next_review"])

    return _record(request, pk, record.PlanForm, save, _("План сопровождения сохранён"))


def remove_view(request: HttpRequest, pk: int, kind: str, entry_id: int) -> HttpResponse:
    """Remove a visit, a risk assessment or an agency notice recorded by mistake."""
    if kind not in record.REMOVABLE:
        raise Http404  # before the guard: an unknown kind is no page, whoever asks
    return _remove(request, pk, kind=kind, entry_id=entry_id)


@report_action()
def _remove(request: HttpRequest, report: Report, kind: str, entry_id: int) -> HttpResponse:
    if record.remove_entry(report, request.user, kind, entry_id):
        messages.success(request, _("Запись удалена; в истории обращения это отмечено"))
    else:
        messages.warning(request, _("Этой записи уже нет: возможно, её удалил коллега"))
    return back(report)


# --- The case summary for the interagency commission -----------------------------------------


class CaseSummaryView(WagtailAdminTemplateMixin, TemplateView):
    """A printable summary: what the commission needs, never the reporter or their words.

    Each opening is an audit entry («Справка для комиссии»), and nothing is cached."""

    template_name = "requests/admin/case_summary.html"
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("requests.view_report"):
            raise PermissionDenied
        self.report = get_object_or_404(
            Report.objects.for_user(request.user).select_related("district", "service"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(_("Справка для межведомственной комиссии: %(report)s") % {"report": self.report})

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("inbox:index"), "label": _("Обращения")},
            {"url": reverse("inbox:detail", args=[self.report.pk]), "label": str(self.report)},
            {"url": "", "label": _("Справка для межведомственной комиссии")},
        ]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        report = self.report
        self.content_open = not report.purged_at and sealing.open_for_request(request, report)
        response = super().get(request, *args, **kwargs)
        response.render()
        log(
            instance=report,
            action="requests.print",
            user=request.user,
            data={"content": bool(self.content_open)},
        )
        response["Cache-Control"] = "no-store"
        return response

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            report=self.report,
            topic=topic_display(self.report),
            content_open=self.content_open,
            **record.record_of(self.report),
        )
        return context


# --- From the inbox to the registry ------------------------------------------------------------


@report_action()
def registry_flag_view(request: HttpRequest, report: Report) -> HttpResponse:
    """«Телефон не отвечает» / «служба закрылась» → a note for the registry editors."""
    form = record.RegistryFlagForm(request.POST, report=report)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return ReportActionView.refused(request, report, "registry_flag", form)
    service, problem = form.cleaned_data["service"], form.cleaned_data["problem"]
    user = request.user
    correction, created = flag_from_inbox(service, problem, user.email or user.get_username())
    log(
        instance=report,
        action="requests.registry_flag",
        user=user,
        data={"service": service.name, "problem": problem, "new": created},
    )
    if created:
        messages.success(request, _("Отметка передана редакторам реестра"))
    else:
        messages.info(
            request,
            _("Редакторы реестра уже получили такую отметку %(date)s, она ждёт проверки")
            % {"date": f"{correction.created_at:%d.%m.%Y}"},
        )
    return back(report)
