"""Redis down (issue 9, defect 1): every public page is served and a report can be sent.

The cache is configured exactly as production configures it from ``REDIS_URL``
(see ``conftest.production_settings``), pointing at a port where nothing listens.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safechildhood.requests.models import Report
from tests.registry.public_data import districts, make_service
from tests.requests.conftest import ANSWERS, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(home):
    return make_service(districts()["vologda"], name="Служба медиации (демо)", slug="mediatsiya")


@pytest.fixture
def visitor():
    # A 500 must show as a 500 here, not as an exception in the test.
    return Client(raise_request_exception=False)


PAGES = [
    "/",
    "/services/",
    "/services/mediatsiya/",
    "/search/?q=медиация",
    "/report/",
    "/report/form/",
    "/report/status/",
    "/en/report/",
]


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_are_served_with_redis_down(visitor, service, redis_down, path):
    response = visitor.get(path)
    assert response.status_code == 200, path
    assert b'href="tel:112"' in response.content


def test_a_report_goes_through_end_to_end_with_redis_down(visitor, service, redis_down, settings):
    """Form → check → send → receipt → status, all while Redis refuses connections."""
    settings.REPORTS_MIN_FILL_SECONDS = 0
    district = service.locations.first().district
    form = soup(visitor.get("/report/form/"))
    data = {
        **ANSWERS,
        "district": str(district.pk),
        "form_token": form.select_one("input[name=form_token]")["value"],
    }
    check = visitor.post("/report/form/", data)
    assert check.status_code == 200
    state = soup(check).select_one("form[action='/report/send/'] input[name=state]")["value"]

    done = visitor.post("/report/send/", {"state": state})
    assert done.status_code == 200
    code = re.sub(r"\D", "", soup(done).select_one("[data-receipt]").get_text())
    assert len(code) == 16
    assert Report.objects.count() == 1

    lookup = soup(visitor.get("/report/status/"))
    status = visitor.post(
        "/report/status/",
        {"code": code, "form_token": lookup.select_one("input[name=form_token]")["value"]},
    )
    assert status.status_code == 200
    assert "Сообщение получено" in soup(status).get_text()


def test_pages_stored_during_an_outage_live_only_briefly(
    visitor, service, redis_down, page_cache, settings
):
    """While Redis is down each worker answers from its own memory, which another worker's
    invalidation cannot reach: the page cache must treat it as a local cache (short life)."""
    from django.core.cache import caches

    from safechildhood.core.pagecache.store import shared_between_processes

    settings.PAGE_CACHE_LOCAL_SECONDS = 30
    assert visitor.get("/services/").status_code == 200  # trips the breaker
    assert caches["default"].shared_between_processes() is False
    assert shared_between_processes() is False
