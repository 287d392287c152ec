"""Server time of the registry's list page with 10,000 services in 100 districts.

The registry comes from `manage.py generate_registry --services 10000 --districts
100 --seed 1` (bulk inserts, search index filled), written once per module and
removed afterwards. The headline figure is the issue's URL
`/services/?q=<word>&district=<d>&kind=<k>&near=<lat,lon>` (goal: p95 ≤ 50 ms on
PostgreSQL); the others show where the time goes. Each benchmark records its p95
and number of SQL queries in `extra_info`.
"""

from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db.models import Count

from safechildhood.registry.models import District, Service
from tests.factories import build_site

from .conftest import measure, settle_database

CARD = b"service-card"

SERVICES = 10_000
DISTRICTS = 100


@pytest.fixture(scope="module")
def registry_10k(django_db_setup, django_db_blocker):
    """The generated registry, committed for the module; cleared at the end."""
    from safechildhood.registry.management.commands.generate_registry import Command

    with django_db_blocker.unblock():
        build_site()
        call_command(
            "generate_registry",
            services=SERVICES,
            districts=DISTRICTS,
            seed=1,
            verbosity=0,
        )
        settle_database()
        district = (
            District.objects.filter(slug__startswith="gen-")
            .annotate(n=Count("locations"))
            .order_by("-n", "pk")
            .first()
        )
        kind = (
            Service.kinds.through.objects.filter(service__locations__district=district)
            .values("servicekind__code")
            .annotate(n=Count("service_id"))
            .order_by("-n")
            .first()["servicekind__code"]
        )
        yield {"district": district, "kind": kind}
        Command.clear()


def near(district: District) -> str:
    return f"{district.latitude + 0.05:.4f},{district.longitude - 0.05:.4f}"


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["медиация", "помощь"])
def test_word_district_kind_near(benchmark, client, registry_10k, word):
    """The issue's URL: words, a district, a kind and a point."""
    district = registry_10k["district"]
    params = {"q": word, "district": district.slug, "kind": registry_10k["kind"]}
    params["near"] = near(district)
    measure(benchmark, client, "/services/?" + urlencode(params), CARD, services=SERVICES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "помощь"},
        {"q": "медиация", "near": "55.75,37.62"},
        {"open_now": "1", "free": "1"},
        {"page": "400"},
    ],
    ids=["all", "word", "word-near", "open-free", "page-400"],
)
def test_other_list_pages(benchmark, client, registry_10k, params):
    """Without a district: how the page behaves over the whole registry."""
    measure(benchmark, client, "/services/?" + urlencode(params), CARD, services=SERVICES)


@pytest.mark.django_db
def test_service_page(benchmark, client, registry_10k):
    service = Service.objects.filter(external_id__startswith="gen:").order_by("pk")[500]
    measure(benchmark, client, f"/services/{service.slug}/", b"service__contacts")
