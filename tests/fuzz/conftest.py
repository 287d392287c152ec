"""The fuzz suite: every public endpoint under hostile and structurally valid input.

Profiles (hypothesis settings, chosen by ``FUZZ_PROFILE``):

* ``quick`` (default, part of ``make test``): 25 examples per endpoint, derandomised, so
  CI runs the same examples every time.
* ``fuzz`` (``make fuzz``): 1,000 examples per endpoint, random, failures remembered in
  ``.hypothesis/`` and replayed first next time.
* ``replay``: only the failures remembered in ``.hypothesis/`` (quick, after a ``make fuzz``).

Speed: the demo content is loaded once for the whole package (a package-scoped fixture
inside a transaction rolled back at the end), and every example runs in a savepoint of
its own (:func:`example`), rolled back after its invariants are checked, so examples
never see each other's rows.

Rate limits: the cache is cleared at the start of every example, so every example
starts with empty counters and a 429 is never expected (limits themselves are tested in
tests/requests/test_protection.py). The minimum fill time is 0 unless an example asks
for it, and the proof-of-work cost is tiny, so that deep validation paths are reached.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "quick",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    # Examples build hostile strings of thousands of characters on purpose.
    suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=1000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow],
)
# Only the failures `make fuzz` remembered in .hypothesis/, replayed (and shrunk).
settings.register_profile(
    "replay",
    parent=settings.get_profile("fuzz"),
    phases=[Phase.explicit, Phase.reuse, Phase.shrink],
)
settings.load_profile(os.environ.get("FUZZ_PROFILE", "quick"))


def pytest_collection_modifyitems(items):
    """Everything in tests/fuzz carries the ``fuzz`` marker (``make fuzz`` selects it)."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.fuzz)


@dataclass
class Demo:
    """What the demo content holds that a valid request can name."""

    district_slugs: list[str] = field(default_factory=list)
    district_pks: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    service_slugs: list[str] = field(default_factory=list)
    news_indexes: list[str] = field(default_factory=list)
    news_tags: list[str] = field(default_factory=list)
    news_districts: list[str] = field(default_factory=list)
    news_years: list[str] = field(default_factory=list)
    page_paths: list[str] = field(default_factory=list)
    hsds: dict[str, list[str]] = field(default_factory=dict)
    report_pk: int = 0
    receipt: str = ""


def _collect() -> Demo:
    from taggit.models import Tag
    from wagtail.models import Page

    from safechildhood.news.models import NewsIndexPage, NewsPage
    from safechildhood.registry.models import District, Service, ServiceKind, TargetGroup

    demo = Demo()
    districts = District.objects.order_by("pk")
    demo.district_slugs = list(districts.values_list("slug", flat=True))
    demo.district_pks = [str(pk) for pk in districts.values_list("pk", flat=True)]
    demo.kinds = sorted(set(ServiceKind.objects.values_list("code", flat=True)))
    demo.groups = sorted(set(TargetGroup.objects.values_list("code", flat=True)))
    demo.service_slugs = sorted(set(Service.objects.public().values_list("slug", flat=True)))
    demo.news_indexes = [page.url for page in NewsIndexPage.objects.live()]
    news = NewsPage.objects.live()
    demo.news_tags = sorted(set(Tag.objects.values_list("slug", flat=True)))
    demo.news_districts = sorted(set(news.values_list("districts__slug", flat=True)) - {None})
    demo.news_years = sorted({str(day.year) for day in news.dates("date", "year")})
    demo.page_paths = [page.url for page in Page.objects.live().filter(depth__gt=1)][:40]
    return demo


def _collect_hsds(client: Client, demo: Demo) -> None:
    for kind in ("services", "organizations", "taxonomies", "taxonomy_terms"):
        ids: list[str] = []
        page = 1
        while True:
            body = client.get(f"/api/hsds/{kind}", {"per_page": 100, "page": page}).json()
            ids += [item["id"] for item in body["contents"]]
            if body["last_page"]:
                break
            page += 1
        demo.hsds[kind] = ids


def _file_report(demo: Demo) -> None:
    """One report with a known receipt, for the status and follow-up endpoints."""
    from safechildhood.requests import services

    answers = {
        "category": "neglect",
        "description": "Дети одни третий день (фаззинг).",
        "district": demo.district_pks[0],
        "place": "",
        "children_ages": "",
        "danger_now": "no",
        "reporter_role": "",
        "contact_preference": "anonymous",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
    }
    report, code = services.create_report(answers, token="fuzz-fixture", verified_by="none")
    demo.report_pk, demo.receipt = report.pk, code


@pytest.fixture(scope="package")
def demo(demo_snapshot, django_db_blocker) -> Demo:
    """The demo content, loaded once for every fuzz test, rolled back at the end."""
    fuzz_settings = override_settings(REPORTS_MIN_FILL_SECONDS=0, REPORTS_ALTCHA_COST=50)
    with fuzz_settings, django_db_blocker.unblock(), transaction.atomic():
        demo_snapshot.restore()
        data = _collect()
        _collect_hsds(Client(), data)
        _file_report(data)
        yield data
        transaction.set_rollback(True)


@contextmanager
def example():
    """One example: empty rate-limit counters, and its rows rolled back afterwards."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
