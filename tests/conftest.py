import pytest
from wagtail.models import Locale

from tests.factories import StandardPageFactory, build_site

pytest_plugins = ["tests.outages"]  # redis_down and other dead dependencies


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached filter options and rate-limit counters belong to one test: the database is
    rolled back after each test, the cache is not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request under /en/ leaves English
    active in the thread (Django's LocaleMiddleware activates, never deactivates), and
    `reverse()` in the next test would give /en/ addresses."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def read_as_escrow(request, monkeypatch):
    """Test code outside a request reads report text with the test escrow key (see
    tests/sealing.py); tests marked `sealed_only` read nothing without a reader's key.
    Report keys a test opened outside a request are forgotten after it."""
    from safechildhood.requests import sealed_fields

    if request.node.get_closest_marker("sealed_only") is None:
        from tests.sealing import install_escrow_reading

        install_escrow_reading(monkeypatch)
    token = sealed_fields._open.set(None)
    yield
    sealed_fields._open.reset(token)


@pytest.fixture(autouse=True)
def force_login_passes_second_factor(monkeypatch):
    """In tests `client.force_login(user)` means fully signed in: for a user who must use a
    second factor, the session has also passed it (tests/signin.py). Tests of the sign-in
    itself use `force_login_password_only` or the real login pages."""
    from django.test import Client

    from tests.signin import force_login_verified

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture
def page_cache(settings):
    """The page cache on. The test settings turn it off: most tests build content with
    factories, without the publish signals that make the cache forget a page."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_MAX_VARIANTS = 100
    settings.PAGE_CACHE_LOCAL_SECONDS = 600  # one test process: as if shared (Redis)
    return settings


@pytest.fixture
def home(db):
    """A minimal site: the Russian home page as the default site's root."""
    return build_site()


@pytest.fixture
def english_home(home):
    """The home page's English translation, published."""
    en = Locale.objects.get_or_create(language_code="en")[0]
    english = home.copy_for_translation(en)
    english.title = "Safe Childhood"
    english.hero_title = "A child in danger? Call 112"
    english.save_revision().publish()
    return english


@pytest.fixture
def standard_page(home):
    return StandardPageFactory(
        parent=home, title="Как получить помощь", slug="kak-poluchit-pomoshch"
    )


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo content, loaded once per session (see tests/demo_snapshot.py)."""
    from tests.demo_snapshot import DemoSnapshot

    with django_db_blocker.unblock():
        return DemoSnapshot()


@pytest.fixture
def demo_site(demo_snapshot, db):
    """The full demo content, as `make run` loads it."""
    from safechildhood.home.models import HomePage

    demo_snapshot.restore()
    return HomePage.objects.get(locale__language_code="ru")
