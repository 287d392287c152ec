"""Database down (issue 9, defect 2): 503 + Retry-After, the numbers, the quick exit; no database.

In-process, the connection is made to fail as a refused one does (every cursor
raises OperationalError); ``test_dead_postgresql_in_a_real_process`` runs the WSGI
application in another process with ``DATABASE_URL`` at a closed port.
"""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client

from safechildhood.core import outage
from tests.requests.conftest import ANSWERS, soup

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/services/",
    "/services/mediatsiya/",
    "/services/district/",
    "/search/?q=медиация",
    "/novosti/",
    "/report/",
    "/report/form/",
    "/report/status/",
    "/kak-skryt-poseshchenie-sayta/",
]


@pytest.fixture(autouse=True)
def fresh_breaker():
    outage.breaker.recovered()
    yield
    outage.breaker.recovered()


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


@pytest.fixture
def db_down():
    """Every query fails as a refused connection does; counts the attempts."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(1)
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with (
        mock.patch.object(connection, "cursor", side_effect=refuse),
        mock.patch.object(connection, "chunked_cursor", side_effect=refuse),
        mock.patch.object(connection, "ensure_connection", side_effect=refuse),
        mock.patch.object(outage, "connection_lost", return_value=True),
    ):
        yield attempts


def assert_outage_page(response, language: str = "ru") -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Language"] == language
    page = soup(response)
    assert page.html["lang"] == language
    assert page.select("a[href='tel:112']")
    assert page.select("a[href='tel:88002000122']")
    assert page.select_one("a[data-quick-exit]")["href"] == "https://yandex.ru/pogoda/"
    assert page.select_one("a.quick-exit__help")["href"] == "/kak-skryt-poseshchenie-sayta/"
    assert page.select_one("script[src$='quick-exit.js']")


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_answers_503_with_the_numbers(visitor, home, db_down, path):
    response = visitor.get(path)
    assert_outage_page(response)
    assert "Сайт временно не работает" in soup(response).h1.get_text()
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_english_site_gets_the_english_page(visitor, home, db_down):
    response = visitor.get("/en/report/")
    assert_outage_page(response, "en")
    assert "temporarily" in soup(response).h1.get_text()
    assert soup(response).select_one("a.header__logo")["href"] == "/en/"


def test_a_report_being_written_is_not_lost(visitor, home, db_down):
    """The questions posted while the database is down come back, ready to send again."""
    data = {**ANSWERS, "district": "unknown", "form_token": "token-from-the-page"}
    response = visitor.post("/report/form/", data)
    assert_outage_page(response)
    form = soup(response).select_one("main form[method=post]")
    assert form["action"] == "/report/form/"
    kept = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    assert kept["description"] == ANSWERS["description"]
    assert kept["form_token"] == "token-from-the-page"
    assert "Отправить ещё раз" in form.get_text()
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_report_posted_during_the_pause_is_not_lost_either(visitor, home, db_down):
    """The breaker answers before any view is chosen: the URL alone says it is a report form."""
    outage.breaker.trip(OperationalError("connection refused"))
    response = visitor.post("/en/report/send/", {"state": "sealed-answers", "consent": "on"})
    assert_outage_page(response, "en")
    form = soup(response).select_one("main form[method=post]")
    assert form["action"] == "/en/report/send/"
    kept = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    assert kept == {"state": "sealed-answers", "consent": "on"}
    assert db_down == []  # answered without a connection attempt


def test_nothing_typed_elsewhere_is_echoed(visitor, home, db_down):
    """Only forms marked resubmit_on_outage come back: never an admin password."""
    response = visitor.post("/admin/login/", {"username": "editor", "password": "s3cret-pass"})
    assert response.status_code == 503
    assert b"s3cret-pass" not in response.content
    assert not soup(response).select("main form")


# --- the breaker: one attempt per process and pause ----------------------------------------


def test_after_a_lost_connection_the_database_is_left_alone_for_a_while(
    visitor, home, db_down, monkeypatch
):
    now = [500.0]
    monkeypatch.setattr(outage.time, "monotonic", lambda: now[0])
    assert visitor.get("/").status_code == 503
    first = len(db_down)
    assert first >= 1
    for path in PAGES:
        assert visitor.get(path).status_code == 503
    assert len(db_down) == first  # no attempt at all during the pause

    now[0] += 5.5  # the pause is over: a single probe, which fails again
    assert visitor.get("/").status_code == 503
    assert visitor.get("/services/").status_code == 503
    assert len(db_down) == first + 1


def test_pages_come_back_when_the_database_does(visitor, home, monkeypatch, caplog):
    now = [500.0]
    monkeypatch.setattr(outage.time, "monotonic", lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="safechildhood.core.outage"):
        outage.breaker.trip(OperationalError("connection refused"))
        assert visitor.get("/").status_code == 503
        now[0] += 5.5
        assert visitor.get("/").status_code == 200
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0].startswith("Database unavailable")
    assert messages[-1] == "Database answers again"


def test_one_warning_per_outage_and_no_visitor_address(visitor, home, db_down, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            visitor.get("/", REMOTE_ADDR="203.0.113.77")
            outage.breaker.down_until = 0  # pause over, the probe fails again
    outage_lines = [r for r in caplog.records if r.name == "safechildhood.core.outage"]
    assert len(outage_lines) == 1
    assert "203.0.113.77" not in caplog.text


def test_healthz_still_asks_the_database_during_the_pause(client, home, db_down):
    outage.breaker.trip(OperationalError("connection refused"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["db"] == "error"


def test_static_files_are_served_during_the_pause(home, settings):
    """The outage page's own stylesheet and script must load."""
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source tree, as in development
    settings.WHITENOISE_AUTOREFRESH = True
    outage.breaker.trip(OperationalError("connection refused"))
    visitor = Client()  # a new client: middleware built with these settings
    assert visitor.get("/").status_code == 503
    for path in ("/static/css/site.css", "/static/js/quick-exit.js"):
        assert visitor.get(path).status_code == 200, path


def test_a_locked_database_is_a_503_for_that_request_only(visitor, home):
    """SQLite's "database is locked" leaves a usable connection: no pause for others."""
    with mock.patch(
        "safechildhood.registry.views.FilterOptions.load",
        side_effect=OperationalError("database is locked"),
    ):
        assert visitor.get("/services/").status_code == 503
    assert not outage.breaker.is_open()
    assert visitor.get("/services/").status_code == 200


# --- failures outside a view: handler500 ---------------------------------------------------


class FailingMiddleware:
    """Stands for a middleware that reads the database (sessions, redirects)."""

    error: Exception = OperationalError("server closed the connection unexpectedly")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise type(self).error


@pytest.fixture
def failing_middleware(settings):
    index = settings.MIDDLEWARE.index("safechildhood.core.outage.DatabaseOutageMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: index + 1],
        "tests.core.test_database_down.FailingMiddleware",
        *settings.MIDDLEWARE[index + 1 :],
    ]
    yield FailingMiddleware
    FailingMiddleware.error = OperationalError("server closed the connection unexpectedly")


def test_a_connection_failure_in_a_middleware_is_the_outage_page(visitor, failing_middleware):
    with mock.patch.object(outage, "connection_lost", return_value=True):
        response = visitor.get("/en/services/")
    assert_outage_page(response, "en")


def test_any_other_error_is_a_calm_500_without_the_database(
    visitor, failing_middleware, django_assert_num_queries
):
    failing_middleware.error = ProgrammingError("column does not exist")  # a bug, not an outage
    with django_assert_num_queries(0):
        response = visitor.get("/report/")
    assert response.status_code == 500
    page = soup(response)
    assert "Произошла ошибка на сайте" in page.h1.get_text()
    assert page.select("a[href='tel:112']") and page.select("a[href='tel:88002000122']")
    assert page.select_one("a[data-quick-exit]")
    assert not outage.breaker.is_open()
