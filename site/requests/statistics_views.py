"""The statistics page in the admin and its CSV and XLSX exports (issue 13, point 7).

Coordinators and the «Руководители» group see it (``may_see_statistics``); the second
sees nothing else of the inbox. Every export is an entry in Wagtail's log on the account
of the person who exported (core's staff accounts' log, which coordinators read), with the
format, the period and the district: never any report.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from openpyxl import Workbook
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from safechildhood.core.charts import bar_chart
from safechildhood.core.signin import audit

from . import statistics as stats

EXPORT_ACTION = "requests.statistics_export"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _allowed(request: HttpRequest) -> None:
    if not stats.may_see_statistics(request.user):
        raise PermissionDenied


def _read_filter(request: HttpRequest) -> tuple[stats.StatisticsFilter, list]:
    districts = stats.all_districts()
    return stats.StatisticsFilter(request.GET, districts), districts


def tenths(value: float) -> Decimal:
    """Hours to one decimal, halves rounded up as people expect (1.25 h → 1.3 h)."""
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def hours_text(value: float | None) -> str:
    return "—" if value is None else formats.number_format(tenths(value), 1)


def cell_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return hours_text(value)
    return str(value)


def _chart(table: stats.Table, period_text: str):
    """Counts, or the median hours of each group for the tables of times."""
    if table.key in ("first_action", "closing"):
        column = 4 if table.key == "first_action" else 3
        rows = [(row[0], row[column] or 0) for row in table.rows]
        shown = [hours_text(row[column]) for row in table.rows]
        title = _("%(table)s: медиана в часах") % {"table": table.title}
    else:
        rows, shown, title = [(row[0], row[1]) for row in table.rows], (), table.title
    desc = _("Столбчатая диаграмма, %(period)s. Те же числа — в таблице рядом.") % {
        "period": period_text
    }
    return bar_chart(rows, title=title, desc=desc, shown=shown)


def period_text(period: stats.Period) -> str:
    return _("%(start)s – %(end)s, %(district)s") % {
        "start": period.start.strftime("%d.%m.%Y"),
        "end": period.end.strftime("%d.%m.%Y"),
        "district": period.district_label,
    }


class StatisticsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "requests/admin/statistics.html"
    page_title = gettext_lazy("Статистика обращений")
    header_icon = "table"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        _allowed(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, districts = _read_filter(self.request)
        context["form"] = form
        if form.is_valid():
            period = form.period()
            figures = stats.figures(period, districts)
            text = period_text(period)
            context.update(
                figures=figures,
                period_text=text,
                sections=[
                    {
                        "table": table,
                        "chart": _chart(table, text),
                        "rows": [[cell_text(cell) for cell in row] for row in table.rows],
                    }
                    for table in figures.tables
                ],
                query=self.request.GET.urlencode(),
            )
        return context


# --- Exports ------------------------------------------------------------------------------------


def _export_cell(value):
    if isinstance(value, float):
        return float(tenths(value))
    return "" if value is None else value


def _summary(figures: stats.Figures) -> list[list]:
    total = figures.total
    return [
        [_("Статистика обращений «Безопасное детство»")],
        [_("Период"), period_text(figures.period)],
        [_("Всего обращений"), str(stats.SMALL_COUNT) if 0 < total < 5 else total],
        [_("Числа от 1 до 4 показаны как «< 5», чтобы никого нельзя было узнать.")],
        [str(stats.HIDDEN_NOTE)],
    ]


def _table_rows(table: stats.Table) -> list[list]:
    rows = [[table.title], table.columns]
    rows += [[_export_cell(cell) for cell in row] for row in stats.suppressed_rows(table)]
    if table.note:
        rows.append([table.note])
    return rows


def write_csv(figures: stats.Figures) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_summary(figures))
    for table in figures.tables:
        writer.writerow([])
        writer.writerows(_table_rows(table))
    return out.getvalue().encode("utf-8-sig")  # the mark lets Excel read the Cyrillic


def write_xlsx(figures: stats.Figures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Сводка")[:31]
    for row in _summary(figures):
        sheet.append(row)
    for table in figures.tables:
        sheet = book.create_sheet(_sheet_title(table.title))
        for row in _table_rows(table):
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]


def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The page's tables as a file, small counts hidden; each export is logged."""
    _allowed(request)
    if fmt not in FORMATS:
        raise Http404
    form, districts = _read_filter(request)
    if not form.is_valid():  # the page says what is wrong with the filter
        return redirect(f"{reverse('inbox_statistics:index')}?{request.GET.urlencode()}")
    period = form.period()
    figures = stats.figures(period, districts)
    body = write_csv(figures) if fmt == "csv" else write_xlsx(figures)
    audit.log_account(
        request.user,
        EXPORT_ACTION,
        request.user,
        format=fmt,
        **{"from": period.start.isoformat(), "to": period.end.isoformat()},
        district=period.district_label,
    )
    name = f"statistics-{period.start:%Y%m%d}-{period.end:%Y%m%d}-{timezone.localdate():%Y%m%d}"
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
