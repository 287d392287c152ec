"""Server time to file a report: decrypt the check page's state, encrypt the content, Argon2
the receipt, write the report, its notification row and its audit entry in one transaction.

The e-mail is not included: it is queued after the commit (and inside the test transaction
the commit never comes). Target (issue 4): p95 ≤ 150 ms. p95 is in `extra_info`.
"""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from safechildhood.core import protection as forms_protection
from safechildhood.requests import protection
from tests.registry.factories import DistrictFactory

ANSWERS = {
    "category": "neglect",
    "description": "Соседские дети третий день одни, плачут по ночам. " * 40,
    "place": "ул. Ленина, 5",
    "children_ages": "3 и 7 лет",
    "danger_now": "no",
    "reporter_role": "neighbour",
    "contact_preference": "contact",
    "contact_name": "Анна",
    "contact_phone": "8 900 123-45-67",
    "contact_email": "anna@example.ru",
}


@pytest.fixture
def district(db, settings, monkeypatch):
    settings.REPORTS_MIN_FILL_SECONDS = 0
    for name in list(protection.LIMITS):  # one address sends all 200: no limit applies
        monkeypatch.setitem(protection.LIMITS, name, protection.Limit(10**9, 60))
    cache.clear()
    return DistrictFactory(name="Вологодский район", slug="vologodsky")


def fresh_state(client, district) -> str:
    token = forms_protection.issue_token("report")
    response = client.post(
        "/report/form/", {**ANSWERS, "district": str(district.pk), "form_token": token}
    )
    page = BeautifulSoup(response.content, "html.parser")
    return page.select_one("form[action='/report/send/'] input[name=state]")["value"]


def test_submit_report(benchmark, client, district):
    def setup():
        return (), {"data": {"state": fresh_state(client, district), "consent": "on"}}

    def send(data):
        response = client.post("/report/send/", data)
        assert b"data-receipt" in response.content
        return response

    benchmark.pedantic(send, setup=setup, rounds=200, warmup_rounds=5, iterations=1)
    timings = sorted(benchmark.stats.stats.data)
    p95 = timings[int(len(timings) * 0.95) - 1]
    benchmark.extra_info["p95_ms"] = round(p95 * 1000, 1)
    assert p95 < 0.150, f"p95 {p95 * 1000:.1f} ms"
