"""Fixtures for the report flow and the inbox."""

from __future__ import annotations

import re
import threading
import time

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from tests.registry.factories import DistrictFactory

from .factories import COORDINATORS, SPECIALISTS, ReportFactory, make_staff

ANSWERS = {
    "category": "neglect",
    "description": "Соседские дети третий день одни, плачут по ночам.",
    "place": "ул. Ленина, 5",
    "children_ages": "3 и 7 лет",
    "danger_now": "no",
    "reporter_role": "neighbour",
    "contact_preference": "anonymous",
    "contact_name": "",
    "contact_phone": "",
    "contact_email": "",
}


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    """Every test starts with empty rate-limit counters and no minimum fill time."""
    cache.clear()
    settings.REPORTS_MIN_FILL_SECONDS = 0
    settings.REPORTS_ALTCHA_COST = 50
    yield
    cache.clear()


@pytest.fixture
def migration_data(transactional_db):
    """What migrations create (the locale, the inbox groups, the root page) and a site,
    written again: pytest-django runs tests on real transactions last, after others
    whose database flush removed it."""
    from wagtail.models import Locale, Page

    from tests.demo_snapshot import reseed_migration_data
    from tests.factories import build_site

    reseed_migration_data()
    russian = Locale.objects.get_or_create(language_code="ru")[0]
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=russian))
    build_site()


@pytest.fixture
def slow_first_audit_entry(monkeypatch):
    """The first audit entry written (inside the first writer's transaction) takes 0.3 s.

    Tests of simultaneous requests use it so that the others reach the row lock or the
    unique key while that transaction is open: a real wait, on every run.
    """
    from safechildhood.requests import services

    real_log, guard, done = services.log, threading.Lock(), []

    def slow_log(*args, **kwargs):
        with guard:
            first = not done
            done.append(True)
        if first:
            time.sleep(0.3)
        return real_log(*args, **kwargs)

    monkeypatch.setattr(services, "log", slow_log)


@pytest.fixture
def district(db):
    return DistrictFactory(name="Вологодский район", slug="vologodsky")


@pytest.fixture
def other_district(db):
    return DistrictFactory(name="Сокольский район", slug="sokolsky")


@pytest.fixture
def specialist(district):
    return make_staff("spec", SPECIALISTS, [district])


@pytest.fixture
def other_specialist(other_district):
    return make_staff("other", SPECIALISTS, [other_district])


@pytest.fixture
def coordinator(db):
    return make_staff("coord", COORDINATORS)


@pytest.fixture
def report(district):
    """A report of `district`, with a description (files that need another kind of report
    define their own `report`)."""
    return ReportFactory(district=district, description="Дети одни третий день")


@pytest.fixture
def staff(client, specialist):
    """The test client, signed in as the district's specialist."""
    client.force_login(specialist)
    return client


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def form_token(client) -> str:
    page = soup(client.get("/report/form/"))
    return page.select_one("input[name=form_token]")["value"]


def check_page(client, district, /, **overrides):
    """Post the questions; returns the check page response."""
    data = {**ANSWERS, "district": str(district.pk) if district else "unknown", **overrides}
    data.setdefault("form_token", form_token(client))
    return client.post("/report/form/", data)


def state_of(response) -> str:
    return soup(response).select_one("form[action='/report/send/'] input[name=state]")["value"]


def file_report(client, district, /, consent: bool = False, **overrides) -> str:
    """The whole visitor flow; returns the receipt code (digits only)."""
    check = check_page(client, district, **overrides)
    assert check.status_code == 200, check.content.decode()[:3000]
    data = {"state": state_of(check)}
    if consent:
        data["consent"] = "on"
    done = client.post("/report/send/", data)
    assert done.status_code == 200, done.content.decode()[:3000]
    receipt = soup(done).select_one("[data-receipt]")
    assert receipt is not None, done.content.decode()[:3000]
    return re.sub(r"\D", "", receipt.get_text())
