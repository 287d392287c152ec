"""The versioned cache behind the news and registry filter options."""

import pytest
from django.core.cache import cache

from safechildhood.core.versioned_cache import VersionedCache


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def counting(values):
    calls = []

    def compute():
        calls.append(1)
        return values[len(calls) - 1]

    return compute, calls


def test_a_value_is_computed_once_per_part_until_forgotten():
    options = VersionedCache("test:options")
    compute, calls = counting(["a", "b", "c"])
    assert options.get("ru", compute) == "a"
    assert options.get("ru", compute) == "a"
    assert len(calls) == 1
    assert options.get("en", compute) == "b"  # another part, its own value
    options.forget()
    assert options.get("ru", compute) == "c"


def test_kinds_do_not_share_versions():
    news, registry = VersionedCache("test:news"), VersionedCache("test:registry")
    news.get("1", lambda: "news")
    registry.get("1", lambda: "registry")
    news.forget()
    assert registry.get("1", lambda: "recomputed") == "registry"
    assert news.get("1", lambda: "recomputed") == "recomputed"


def test_a_change_forgets_now_and_again_after_commit(db, django_capture_on_commit_callbacks):
    options = VersionedCache("test:options")
    options.get("ru", lambda: "old")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        options.changed(sender=None)
        assert options.get("ru", lambda: "read meanwhile") == "read meanwhile"
    callbacks[0]()
    assert options.get("ru", lambda: "after commit") == "after commit"
