"""The page cache's mechanism (safechildhood.core.pagecache), on small views.

What the site's own pages do with it, and which edits make it forget them, is tested
per app (tests/home, tests/news, tests/registry: test_page_cache.py).
"""

import io
import itertools
import re

import pytest
from django.core.cache import cache

from safechildhood.core import pagecache
from safechildhood.core.pagecache import store
from tests.core import urls

pytestmark = [pytest.mark.urls("tests.core.urls"), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def cached(page_cache):
    urls.RENDERS.clear()
    counter = itertools.count()
    pagecache.register_fresh_value("tests.token", lambda: f"token-{next(counter)}-x")
    return page_cache


def renders(name: str) -> int:
    return urls.RENDERS.count(name)


def test_a_second_visitor_gets_the_stored_page_without_rendering(client):
    first = client.get("/plain/")
    second = client.get("/plain/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert renders("plain") == 1
    assert second["Content-Type"] == first["Content-Type"]
    assert not second.cookies


def test_a_hit_touches_no_database(client, django_assert_num_queries):
    client.get("/plain/")
    with django_assert_num_queries(0):
        assert client.get("/plain/")["X-Page-Cache"] == "hit"


def test_browsers_revalidate_and_get_304_for_an_unchanged_page(client):
    first = client.get("/plain/")
    assert first["Cache-Control"] == "max-age=0, must-revalidate"
    assert "Cookie" in first["Vary"]
    again = client.get("/plain/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert renders("plain") == 1


def test_head_is_served_from_the_cache(client):
    client.get("/plain/")
    assert client.head("/plain/")["X-Page-Cache"] == "hit"
    assert renders("plain") == 1


def test_languages_are_stored_apart(client):
    client.get("/plain/")
    assert client.get("/en/plain/")["X-Page-Cache"] == "miss"
    assert client.get("/en/plain/")["X-Page-Cache"] == "hit"
    assert renders("plain") == 2


def test_query_strings_are_normalised(client):
    client.get("/plain/?q=мама&page=2")
    # Same parameters in another order, another encoding, or with tracking tags: one page.
    for variant in ("/plain/?page=2&q=мама", "/plain/?q=%D0%BC%D0%B0%D0%BC%D0%B0&page=2"):
        assert client.get(variant)["X-Page-Cache"] == "hit", variant
    assert client.get("/plain/?page=2&utm_source=vk&q=мама&fbclid=1")["X-Page-Cache"] == "hit"
    assert client.get("/plain/?q=папа&page=2")["X-Page-Cache"] == "miss"
    assert renders("plain") == 2


def test_a_parameter_the_view_does_not_read_is_never_stored(client):
    for _ in range(2):
        assert client.get("/plain/?junk=1")["X-Page-Cache"] == "miss"
    assert renders("plain") == 2
    assert client.get("/plain/?q=1")["X-Page-Cache"] == "miss"
    assert client.get("/plain/?q=1")["X-Page-Cache"] == "hit"


def test_the_variants_of_one_address_are_capped(client, settings):
    settings.PAGE_CACHE_MAX_VARIANTS = 3
    for page in range(1, 6):
        client.get(f"/plain/?page={page}")
    hits = [client.get(f"/plain/?page={page}")["X-Page-Cache"] for page in range(1, 6)]
    assert hits == ["hit", "hit", "hit", "miss", "miss"]
    # an over-long query string is not even looked up
    assert "X-Page-Cache" not in client.get("/plain/?q=" + "%D1%8F" * 200)


def test_only_views_that_allow_it_are_stored(client):
    for _ in range(2):
        assert client.get("/not_allowed/")["X-Page-Cache"] == "miss"
    assert renders("not_allowed") == 2


@pytest.mark.parametrize(
    "name", ["sets_cookie", "csrf", "message", "private", "missing", "streaming"]
)
def test_per_visitor_or_failed_responses_are_never_stored(client, name):
    for _ in range(2):
        client.get(f"/{name}/")
    assert renders(name) == 2


def test_logged_in_users_posts_and_session_cookies_bypass_the_cache(client, django_user_model):
    client.get("/plain/")
    assert "X-Page-Cache" not in client.post("/plain/")
    client.cookies["messages"] = "x"
    assert "X-Page-Cache" not in client.get("/plain/")
    del client.cookies["messages"]
    client.force_login(django_user_model.objects.create_user("editor", password="x" * 12))
    response = client.get("/plain/")
    assert "X-Page-Cache" not in response
    assert renders("plain") == 4


def test_skipped_paths_are_not_even_looked_up(client, settings):
    settings.PAGE_CACHE_SKIP_PATHS = [r"/(?:en/)?plain/"]
    assert "X-Page-Cache" not in client.get("/plain/")
    assert "X-Page-Cache" not in client.get("/en/plain/")


def test_zero_seconds_turns_the_cache_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert "X-Page-Cache" not in client.get("/plain/")
    assert renders("plain") == 2


def test_a_volatile_page_lasts_until_the_next_full_minute(client, monkeypatch):
    now = [60 * 16_666_666 + 30.0]  # half a minute past a full minute

    class Clock:
        time = staticmethod(lambda: now[0])
        monotonic = staticmethod(lambda: now[0])

    from safechildhood.core.pagecache import policy

    monkeypatch.setattr(store, "time", Clock)
    monkeypatch.setattr(policy, "time", Clock)
    client.get("/volatile/")
    now[0] += 29
    assert client.get("/volatile/")["X-Page-Cache"] == "hit"
    now[0] += 1  # the minute is over: "open now" may have changed
    assert client.get("/volatile/")["X-Page-Cache"] == "miss"
    client.get("/plain/")
    now[0] += 599
    assert client.get("/plain/")["X-Page-Cache"] == "hit"
    now[0] += 1
    assert client.get("/plain/")["X-Page-Cache"] == "miss"


def test_invalidate_forgets_every_page_at_once(client):
    client.get("/plain/")
    client.get("/en/plain/")
    pagecache.invalidate()
    assert client.get("/plain/")["X-Page-Cache"] == "miss"
    assert client.get("/en/plain/")["X-Page-Cache"] == "miss"


def test_a_lost_generation_never_revives_old_pages(client):
    client.get("/plain/")
    cache.delete(store.GENERATION_KEY)  # evicted, or the cache restarted
    assert client.get("/plain/")["X-Page-Cache"] == "miss"
    assert client.get("/plain/")["X-Page-Cache"] == "hit"


def test_a_per_request_value_is_new_in_every_copy(client):
    tokens = set()
    for _ in range(3):
        response = client.get("/with_token/")
        tokens.add(re.search(rb'value="([^"]+)"', response.content).group(1))
    assert renders("with_token") == 1  # rendered once, then served with new values
    assert len(tokens) == 3
    assert response["X-Page-Cache"] == "hit"
    assert response["Cache-Control"] == "no-cache"  # never revalidated with an old token
    assert "ETag" not in response


@pytest.mark.parametrize("alias_location", ["redis://127.0.0.1:1/0"])
def test_a_dead_cache_is_a_miss_never_an_error(client, settings, alias_location, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "dead": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": alias_location,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.PAGE_CACHE_ALIAS = "dead"
    for _ in range(2):
        response = client.get("/plain/")
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "miss"
    pagecache.invalidate()  # an editor's publish goes through too
    assert "Page cache unavailable" in caplog.text
    assert "127.0.0.1" not in caplog.text


def test_clear_page_cache_command_and_every_migrate_forget_the_pages(client):
    from django.core.management import call_command
    from django.core.management.sql import emit_post_migrate_signal

    client.get("/plain/")
    output = io.StringIO()
    call_command("clear_page_cache", stdout=output)
    assert "forgotten" in output.getvalue()
    assert client.get("/plain/")["X-Page-Cache"] == "miss"
    assert client.get("/plain/")["X-Page-Cache"] == "hit"
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # a deployment
    assert client.get("/plain/")["X-Page-Cache"] == "miss"


def test_a_per_process_memory_cache_keeps_pages_briefly(client, settings, monkeypatch):
    """Another worker (or the task worker publishing on schedule) cannot reach this
    process's memory: without Redis a page lives PAGE_CACHE_LOCAL_SECONDS at most."""
    del settings.PAGE_CACHE_LOCAL_SECONDS  # the default, 30 s
    now = [60 * 16_666_666 + 0.0]

    class Clock:
        time = staticmethod(lambda: now[0])
        monotonic = staticmethod(lambda: now[0])

    monkeypatch.setattr(store, "time", Clock)
    assert not store.shared_between_processes()
    client.get("/plain/")
    now[0] += 29
    assert client.get("/plain/")["X-Page-Cache"] == "hit"
    now[0] += 1
    assert client.get("/plain/")["X-Page-Cache"] == "miss"


def test_a_backend_may_say_whether_it_is_shared(settings):
    from django.core.cache import caches

    backend = caches["default"]
    backend.shared_between_processes = lambda: True  # e.g. a Redis backend, while up
    try:
        assert store.shared_between_processes()
        backend.shared_between_processes = False  # the same, fallen back to memory
        assert not store.shared_between_processes()
    finally:
        del backend.shared_between_processes
