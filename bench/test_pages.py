"""Server time and SQL queries for the pages every visitor sees first."""

import pytest
from django.core.management import call_command

from .conftest import measure


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("url", ["/", "/en/", "/kak-poluchit-pomoshch/", "/healthz"])
def test_page_render(benchmark, client, demo, url):
    measure(benchmark, client, url)
