"""Demo registry: the services the seed materials describe, with invented details.

Real: the programmes, the kinds and counts of services (Vologda oblast: 27 SOS
services, 4 bullying/suicide emergency services, 7 family mediation and 9
reconciliation services, 3 crisis-support services for women, 3 green rooms, 2
play-therapy rooms; «Шафкатъ» in Sarmanovo; Togliatti's hotlines and mobile
brigade; «Семейная диспетчерская» in Cheboksary, Bodaibo and Tula), district
names and approximate centres. Invented and marked «(демо)»: organisation names,
addresses, opening hours; phone numbers use the non-existent code (000). The
only real number is the children's helpline 8-800-2000-122.

The registry is data: ``demo_data/registry.hsds.json`` is Open Referral HSDS (the
tabular JSON the HSDS import reads), loaded by the editors' own import (the HSDS
reader, then the import engine), create only (``safechildhood.core.demo``): services
and organisations that already exist (by ``external_id`` "demo:…") are left as they
are; ``load_demo --reset`` imports them over the edits. Districts are
never created by an import (see ``importing.hsds_format``), so they are
``demo_data/districts.json``, created here when missing. The gazetteer's demo
settlements (every Vologda-oblast district's centre, larger towns and villages, the
seeds' other places) are ``demo_data/settlements.csv``, read by the editors' settlement
import, create only, marked as demo data. The everyday vocabulary
(what visitors type → kinds and groups) is ``demo_data/everyday_words.json``, also
created only where missing. The official calendar of holidays and transferred days
(``demo_data/calendar.json``: the Russian production calendar for 2026, and the Labour
Code's fixed holidays for 2027; the file says what each date rests on) is created the same
way, day by day: it closes every service on holidays, so no service carries the New Year
holidays as its own special days any more.

What HSDS cannot say is added in ``_complete`` before the import plans the records:
the demo flag, our page slugs, the verifier's name and the alert's end date (HSDS has
only the verifier's e-mail and no end date), the address kept on file for a
confidential place (HSDS publishes such a place without one, and our import reads
a place without an address as confidential), and the dates, which follow today.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from safechildhood.core import demo

from . import demo_english
from .importing import engine, hsds_format, settlements
from .importing.records import ServiceRecord
from .models import CalendarDay, District, EverydayPhrase, ServiceKind, TargetGroup, make_slug

DATA = Path(__file__).with_name("demo_data")
# The file's dates are written as of this day; `load` moves them to today's equivalents.
REFERENCE_DATE = dt.date(2026, 6, 1)


def ensure_taxonomy() -> None:
    """Re-seed kinds and target groups if the database was flushed since migrating.

    The data migration seeds them; `manage.py flush` and transactional tests remove them.
    """
    from django.apps import apps

    seeding = importlib.import_module("safechildhood.registry.migrations.0003_seed_taxonomy")
    seeding.seed(apps, None)


def _holidays(today: dt.date) -> tuple[dt.date, dt.date]:
    """The coming (or current) New Year holidays: 1–8 January."""
    year = today.year if today <= dt.date(today.year, 1, 8) else today.year + 1
    return dt.date(year, 1, 1), dt.date(year, 1, 8)


def _districts() -> dict[str, District]:
    """The demo's districts by slug, created when missing (existing ones are left alone)."""
    districts = {}
    for row in json.loads((DATA / "districts.json").read_text(encoding="utf-8")):
        slug = row.pop("slug")
        # The English names came later: an existing district gets them where it has none.
        districts[slug] = demo.ensure(
            District, {"slug": slug}, row, fill_blank=("name_en", "region_en")
        )[0]
    return districts


def _settlements() -> int:
    """The demo gazetteer (``demo_data/settlements.csv``), create only (written over
    edits under ``--reset``); returns how many were added. Its coordinates are
    approximate (README)."""
    data = (DATA / "settlements.csv").read_bytes()
    result = settlements.plan(data, create_only=not demo.resetting())
    if result.errors:
        problems = "; ".join(f"{p.record} {p.field}: {p.message}" for p in result.errors[:5])
        raise RuntimeError(f"The demo gazetteer does not import: {problems}")
    settlements.apply(result, is_demo=True)
    return result.created


def _years_later(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years)  # the holidays: never 29 February


def _complete(records: list[ServiceRecord], districts: dict[str, District], today: dt.date) -> None:
    """Add to the records what HSDS cannot carry (see the module docstring)."""
    shift = today - REFERENCE_DATE
    years = _holidays(today)[0].year - _holidays(REFERENCE_DATE)[0].year
    holidays_start, holidays_end = _holidays(today)
    for index, record in enumerate(records):
        record.fields["slug"] = make_slug(record.external_id.removeprefix("demo:"))
        record.fields["is_demo"] = True
        if record.organization is not None:
            record.organization.fields["is_demo"] = True
        if record.fields.get("assured_date"):
            record.fields["assured_date"] += shift
            record.fields["assurer_name"] = "Демо-редактор"
        if f"{holidays_start:%d.%m}–{holidays_end:%d.%m}" in record.fields.get("alert", ""):
            record.fields["alert_until"] = holidays_end
        for exception in record.exceptions or []:
            exception.start_date = _years_later(exception.start_date, years)
            exception.end_date = exception.end_date and _years_later(exception.end_date, years)
        for place in record.locations or []:
            if place.is_confidential:
                district = districts[place.districts[0]]
                offset = (index % 7 - 3) * 0.004
                place.name = "Кризисное отделение"
                place.address = f"{district.name}, ул. Конфиденциальная, д. {index + 1} (демо)"
                place.postal_code = "000000"
                place.latitude = district.latitude + offset
                place.longitude = district.longitude - offset


def everyday_words() -> int:
    """The demo's everyday vocabulary (``demo_data/everyday_words.json``), create only:
    a phrase that exists, whatever an editor made of it, is left alone (given the
    demo's kinds and groups again under ``--reset``). Returns how many were added."""
    rows = json.loads((DATA / "everyday_words.json").read_text(encoding="utf-8"))
    kinds = {kind.code: kind for kind in ServiceKind.objects.filter(locale__language_code="ru")}
    groups = {group.code: group for group in TargetGroup.objects.filter(locale__language_code="ru")}
    added = 0
    for row in rows:
        phrase, created = EverydayPhrase.objects.get_or_create(
            phrase=row["phrase"], defaults={"is_demo": True}
        )
        if not demo.may_fill(created):
            continue
        phrase.kinds.set([kinds[code] for code in row["kinds"]])
        phrase.target_groups.set([groups[code] for code in row["groups"]])
        added += created
    return added


def official_calendar() -> int:
    """The demo's official calendar (``demo_data/calendar.json``), create only: a date
    that exists, whatever an editor made of it, is left alone (given the file's values
    again under ``--reset``). Returns how many days were added."""
    data = json.loads((DATA / "calendar.json").read_text(encoding="utf-8"))
    added = 0
    for row in data["days"]:
        values = {key: value for key, value in row.items() if key != "date"}
        lookup = {"date": dt.date.fromisoformat(row["date"])}
        added += demo.ensure(CalendarDay, lookup, {**values, "is_demo": True})[1]
    return added


@transaction.atomic
def load(home=None, stdout: TextIO | None = None) -> None:
    """Create the demo registry where it is missing (create only: edits are kept)."""
    districts = _districts()
    places = _settlements()
    ensure_taxonomy()
    parsed = hsds_format.read_path(DATA / "registry.hsds.json")
    _complete(parsed.records, districts, timezone.localdate())
    result = engine.plan(parsed, create_only=not demo.resetting())
    if result.errors:
        problems = "; ".join(f"{p.record} {p.field}: {p.message}" for p in result.errors[:5])
        raise RuntimeError(f"The demo registry does not import: {problems}")
    if result.services:
        engine.apply(result)
    words = everyday_words()
    calendar_days = official_calendar()
    english = demo_english.translate()
    if stdout is not None:
        stdout.write(
            f"Registry: {len(parsed.records)} demo services ({result.created} new, "
            f"{english} new English translations), {len(districts)} districts, "
            f"{places} new settlements, {words} new everyday words, "
            f"{calendar_days} new days of the official calendar."
        )
