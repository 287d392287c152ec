"""SQL queries for the pages every visitor sees first stay few and do not grow with content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safechildhood.home.models import HomePage
from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_site):
    return demo_site


@pytest.mark.parametrize(
    ("url", "limit"), [("/", 16), ("/en/", 20), ("/kak-poluchit-pomoshch/", 14)]
)
def test_page_query_budget(client, demo, django_assert_max_num_queries, url, limit):
    client.get(url)  # warm per-process caches (site root paths)
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_information_page_queries_do_not_grow_with_siblings(
    client, demo, django_assert_num_queries
):
    home = HomePage.objects.get(locale__language_code="ru")
    client.get("/kak-poluchit-pomoshch/")
    with CaptureQueriesContext(connection) as before:
        client.get("/kak-poluchit-pomoshch/")
    for _ in range(20):
        StandardPageFactory(parent=home)
    with django_assert_num_queries(len(before)):
        client.get("/kak-poluchit-pomoshch/")
