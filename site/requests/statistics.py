"""Figures for managers (issue 13, point 7): how many signals came, of what, and how fast
staff acted, against the times the site promises.

Only what is stored in plain is counted (kind, category, district, urgency, who reported,
status, outcome, dates, and the timeline's action names and times): nothing anyone wrote is
read, so nothing is decrypted. Demonstration reports are left out.

The cost is fixed whatever the number of reports: the districts (one query), every
choice-based count in one conditional aggregate, the months and the districts in one
grouped query each, and the times in one ``values_list`` whose percentiles are worked
out here. Exports (:mod:`.statistics_export`) write the same tables.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics as pystats
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.registry.models import District

from .alerts import STAFF_ACTIONS
from .models import (
    Category,
    Kind,
    Outcome,
    Report,
    ReporterRole,
    ReportLogEntry,
    Status,
    user_sees_all_districts,
)

# What counts as staff acting on a signal: the same entries that stop the reminders.
FIRST_ACTIONS = STAFF_ACTIONS
NO_DISTRICT = "none"
MAX_YEARS = 10
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def may_see_statistics(user) -> bool:
    """Coordinators (who see every district) and the «Руководители» group."""
    return bool(
        user.is_active
        and (user_sees_all_districts(user) or user.has_perm("requests.view_statistics"))
    )


# --- The filter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    district: str = ""  # "", NO_DISTRICT or a district's pk
    district_label: str = ""


def default_start(today: dt.date) -> dt.date:
    """The first day of the month eleven months back: the last twelve months, this one included."""
    month = today.year * 12 + today.month - 1 - 11
    return dt.date(month // 12, month % 12 + 1, 1)


class StatisticsFilter(forms.Form):
    date_from = forms.DateField(
        label=_("С"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("По"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    district = forms.ChoiceField(label=_("Район"), required=False)

    def __init__(self, data, districts: Iterable[District]) -> None:
        today = timezone.localdate()
        data = data.copy()  # the default period shows in the fields, so the page says it
        for name, value in [("date_from", default_start(today)), ("date_to", today)]:
            if not data.get(name):
                data[name] = value.isoformat()
        super().__init__(data)
        self.district_names = {str(d.pk): d.local_name for d in districts}
        self.fields["district"].choices = [
            ("", _("Все районы")),
            (NO_DISTRICT, _("Район не указан")),
            *self.district_names.items(),
        ]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start is None or end is None:  # the field says what is wrong
            return data
        if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
            raise forms.ValidationError(
                _("Выберите даты с %(earliest)s по %(latest)s.")
                % {"earliest": f"{EARLIEST:%d.%m.%Y}", "latest": f"{LATEST:%d.%m.%Y}"}
            )
        if start > end:
            raise forms.ValidationError(_("Начало периода позже его конца."))
        if (end - start).days > MAX_YEARS * 366:
            raise forms.ValidationError(
                _("Выберите период не длиннее %(years)s лет.") % {"years": MAX_YEARS}
            )
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        district = data.get("district") or ""
        label = {"": _("все районы"), NO_DISTRICT: _("район не указан")}.get(district)
        return Period(
            data["date_from"],
            data["date_to"],
            district,
            str(label or self.district_names.get(district, "")),
        )


def reports_in(period: Period) -> QuerySet:
    """Real reports received in the period (site time), of the chosen district."""
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    reports = Report.objects.filter(is_demo=False, created_at__gte=start, created_at__lt=end)
    if period.district == NO_DISTRICT:
        return reports.filter(district__isnull=True)
    if period.district:
        return reports.filter(district_id=int(period.district))
    return reports


# --- The tables ---------------------------------------------------------------------------------


@dataclass
class Table:
    """Rows of (label, count, …): what the page shows beside a chart and what the exports write.

    ``basis`` is the column whose count says how many reports a row stands for: in exports a
    row of 1 to 4 reports shows «< 5» there and hides its times.
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    count_columns: tuple[int, ...] = (1,)
    basis: int = 1
    note: str = ""
    total_row: bool = False  # the last row is the sum of the others («Все»)
    row_parts: tuple[int, ...] = ()  # columns that add up to the row's first count


# (key, title, field, rows as (value, label), label of a blank value)
DIMENSIONS = [
    ("kind", _("По виду обращения"), "kind", Kind.choices, None),
    ("category", _("По категориям"), "category", Category.choices, _("Не указано (просьбы семей)")),
    (
        "urgency",
        _("По срочности"),
        "urgent",
        [(True, _("Срочные")), (False, _("Несрочные"))],
        None,
    ),
    ("reporter", _("Кто сообщил"), "reporter_role", ReporterRole.choices, _("Не указано")),
    ("outcome", _("По итогам"), "outcome", Outcome.choices, _("Ещё не закрыто")),
]


def _dimension_rows(spec) -> list[tuple]:
    _key, _title, _field, choices, blank = spec
    return [*choices, ("", blank)] if blank else list(choices)


def _choice_counts(reports: QuerySet) -> dict[str, int]:
    """Every choice-based count in one query (conditional aggregation)."""
    aggregates = {"total": Count("pk")}
    for spec in DIMENSIONS:
        for i, (value, _label) in enumerate(_dimension_rows(spec)):
            aggregates[f"{spec[0]}_{i}"] = Count("pk", filter=Q(**{spec[2]: value}))
    return reports.aggregate(**aggregates)


def choice_tables(reports: QuerySet) -> tuple[int, list[Table]]:
    counts = _choice_counts(reports)
    tables = []
    for spec in DIMENSIONS:
        key, title = spec[0], spec[1]
        table = Table(key, str(title), [str(title), str(_("Обращений"))])
        for i, (value, label) in enumerate(_dimension_rows(spec)):
            count = counts[f"{key}_{i}"]
            if value != "" or count:  # a blank row only when something is blank
                table.rows.append([str(label), count])
        tables.append(table)
    return counts["total"], tables


def month_table(reports: QuerySet, period: Period) -> Table:
    grouped = (
        reports.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month: dict[tuple[int, int], int] = {}
    for row in grouped:
        month = row["month"]
        if timezone.is_aware(month):
            month = timezone.localtime(month)
        by_month[(month.year, month.month)] = by_month.get((month.year, month.month), 0) + row["n"]
    table = Table("month", str(_("По месяцам")), [str(_("Месяц")), str(_("Обращений"))])
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        label = dateformat.format(dt.date(year, month, 1), "F Y")
        table.rows.append([label, by_month.get((year, month), 0)])
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return table


def district_table(reports: QuerySet, districts: list[District], period: Period) -> Table:
    counts = dict(reports.values_list("district_id").annotate(n=Count("pk")).order_by())
    rows = [[d.local_name, counts.get(d.pk, 0)] for d in districts]
    if not period.district:
        rows.append([str(_("Район не указан")), counts.get(None, 0)])
    rows = [row for row in rows if row[1] or not period.district]
    rows.sort(key=lambda row: -row[1])  # stable: names stay in order among equals
    return Table("district", str(_("По районам")), [str(_("Район")), str(_("Обращений"))], rows)


# --- Times --------------------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    return pystats.median(values) if values else None


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value with at least ``share`` of all at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def _hours(delta: dt.timedelta) -> float:
    return max(delta.total_seconds(), 0) / 3600


def promised_hours(urgent: bool) -> int:
    """The reaction time the report start page promises (and escalation keeps)."""
    return settings.REPORTS_URGENT_SLA_HOURS if urgent else settings.REPORTS_SLA_HOURS


def _timings(reports: QuerySet) -> list[tuple]:
    first = (
        ReportLogEntry.objects.filter(
            report=OuterRef("pk"), user__isnull=False, action__in=FIRST_ACTIONS
        )
        .order_by("timestamp")
        .values("timestamp")[:1]
    )
    return list(
        reports.annotate(first_action_at=Subquery(first))
        .order_by()
        .values_list("urgent", "created_at", "first_action_at", "status", "closed_at")
    )


def _reaction_row(label: str, rows: list[tuple], promise: int | None, now: dt.datetime) -> list:
    hours, on_time, late, waiting = [], 0, 0, 0
    for urgent, created, first, _status, _closed in rows:
        limit = dt.timedelta(hours=promise or promised_hours(urgent))
        if first is None:
            if now - created > limit:
                late += 1
            else:
                waiting += 1
            continue
        hours.append(_hours(first - created))
        if first - created <= limit:
            on_time += 1
        else:
            late += 1
    answered = len(hours)
    p90 = percentile(hours, 0.9)
    return [label, len(rows), answered, promise, median(hours), p90, on_time, late, waiting]


def _closing_row(label: str, rows: list[tuple]) -> list:
    hours = [
        _hours(closed - created)
        for _urgent, created, _first, status, closed in rows
        if status == Status.CLOSED and closed
    ]
    return [label, len(rows), len(hours), median(hours), percentile(hours, 0.9)]


def _groups(rows: list[tuple]) -> list[tuple[str, list[tuple], int | None]]:
    return [
        (str(_("Срочные")), [row for row in rows if row[0]], settings.REPORTS_URGENT_SLA_HOURS),
        (str(_("Несрочные")), [row for row in rows if not row[0]], settings.REPORTS_SLA_HOURS),
        (str(_("Все")), rows, None),
    ]


def reaction_table(groups: list[tuple], now: dt.datetime) -> Table:
    """Time to the first staff action, against the reaction time the site promises."""
    columns = [_("Обращения"), _("Всего"), _("С действием"), _("Обещано, ч"), _("Медиана, ч")]
    columns += [_("90-й процентиль, ч"), _("В срок"), _("Позже срока"), _("Ждут, срок не истёк")]
    note = _(
        "Первое действие — смена статуса, назначение, отметка срочности, выбор службы, "
        "заметка, сообщение заявителю, передача в другой район, звонок семье или запись "
        "о выезде, оценке риска, информировании ведомства или плане сопровождения. "
        "Просмотр действием не считается. Обещанное время — то, что сайт называет "
        "заявителям: срочные сообщения рассматривают в течение %(urgent)s ч, "
        "остальные — в течение %(other)s ч. «Позже срока» включает обращения, "
        "которые ещё ждут дольше обещанного."
    ) % {"urgent": settings.REPORTS_URGENT_SLA_HOURS, "other": settings.REPORTS_SLA_HOURS}
    return Table(
        "first_action",
        str(_("Время до первого действия")),
        [str(column) for column in columns],
        [_reaction_row(label, group, promise, now) for label, group, promise in groups],
        count_columns=(1, 2, 6, 7, 8),
        basis=2,
        total_row=True,
        row_parts=(6, 7, 8),
        note=str(note),
    )


def closing_table(groups: list[tuple]) -> Table:
    """Time to closing: the site promises none, so there is nothing to compare it with."""
    columns = [_("Обращения"), _("Всего"), _("Закрыто"), _("Медиана, ч"), _("90-й процентиль, ч")]
    note = _(
        "Срок закрытия сайт заявителям не обещает: закрытие зависит от работы с семьёй. "
        "Считаются обращения, закрытые сейчас; открытые снова — нет."
    )
    return Table(
        "closing",
        str(_("Время до закрытия")),
        [str(column) for column in columns],
        [_closing_row(label, group) for label, group, _promise in groups],
        count_columns=(1, 2),
        basis=2,
        total_row=True,
        note=str(note),
    )


def time_tables(reports: QuerySet, now: dt.datetime | None = None) -> list[Table]:
    groups = _groups(_timings(reports))
    return [reaction_table(groups, now or timezone.now()), closing_table(groups)]


# --- Everything together ------------------------------------------------------------------------


@dataclass
class Figures:
    period: Period
    total: int
    count_tables: list[Table]
    time_tables: list[Table]

    @property
    def tables(self) -> list[Table]:
        return [*self.count_tables, *self.time_tables]


def figures(period: Period, districts: list[District], now: dt.datetime | None = None) -> Figures:
    """All the tables for a period: four queries (the districts are read by the caller)."""
    reports = reports_in(period)
    total, by_choice = choice_tables(reports)
    count_tables = [month_table(reports, period), district_table(reports, districts, period)]
    count_tables += by_choice
    return Figures(period, total, count_tables, time_tables(reports, now))


def all_districts() -> list[District]:
    return list(District.objects.order_by("name").only("pk", "name", "name_en"))


SMALL_COUNT = _("< 5")
HIDDEN = _("скрыто")
HIDDEN_NOTE = _(
    "«скрыто» — число, скрытое, чтобы единственное «< 5» нельзя было вычислить из итога."
)


def _small(cell) -> bool:
    return isinstance(cell, int) and not isinstance(cell, bool) and 0 < cell < 5


def _sums(table: Table) -> list[list[tuple[int, int]]]:
    """Groups of cells whose sum the export also shows.

    Each count column adds up to the number of reports (or to the last row, «Все», of a
    table of times); in the table of reactions, on time + late + waiting is the row's total.
    """
    rows = range(len(table.rows) - 1 if table.total_row else len(table.rows))
    groups = [[(r, column) for r in rows] for column in table.count_columns]
    if table.row_parts:
        groups += [[(r, c) for c in table.row_parts] for r in range(len(table.rows))]
    return groups


def _also_hidden(table: Table) -> set[tuple[int, int]]:
    """Cells hidden so that no lone «< 5» can be worked out by subtraction from a total.

    Where a group of cells that add up to a shown total has exactly one hidden cell, the
    smallest other count of the group is hidden too; repeated until nothing changes.
    """
    value = {(r, c): row[c] for r, row in enumerate(table.rows) for c in table.count_columns}
    hidden = {cell for cell, count in value.items() if _small(count)}
    extra: set[tuple[int, int]] = set()
    changed = True
    while changed:
        changed = False
        for group in _sums(table):
            if sum(cell in hidden for cell in group) != 1:
                continue
            others = [(value[cell], cell) for cell in group if cell not in hidden and value[cell]]
            if others:
                cell = min(others)[1]
                hidden.add(cell)
                extra.add(cell)
                changed = True
    return extra


def suppressed_rows(table: Table) -> list[list]:
    """The rows as exports write them: counts of 1 to 4 as «< 5», and no times for such rows."""
    hidden = _also_hidden(table)
    rows = []
    for r, row in enumerate(table.rows):
        small = _small(row[table.basis])
        cells = []
        for i, cell in enumerate(row):
            if i in table.count_columns and _small(cell):
                cells.append(str(SMALL_COUNT))
            elif (r, i) in hidden:
                cells.append(str(HIDDEN))
            elif small and i not in table.count_columns and i > 0 and isinstance(cell, float):
                cells.append(None)
            else:
                cells.append(cell)
        rows.append(cells)
    return rows
