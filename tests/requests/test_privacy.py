"""What is stored, and what never is: plaintext in the database, addresses anywhere."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from safechildhood.requests import crypto, receipts, services
from safechildhood.requests.models import Report

from .conftest import check_page, file_report, soup, state_of
from .factories import for_bulk_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Секретное описание: мама Пети бьёт его ремнём"
ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"


def raw_rows(table: str, columns: list[str]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608 - test helper
        return cursor.fetchall()


def test_raw_database_rows_hold_no_plaintext(client, district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        file_report(
            client,
            district,
            consent=True,
            description=SECRET,
            place="Улица Тайная, 13",
            children_ages="семь лет",
            contact_preference="contact",
            contact_name="Мария Иванова",
            contact_phone="8 900 555-44-33",
            contact_email="maria@example.ru",
        )
    report = Report.objects.get()
    services.add_note(report, "Заметка: отец на учёте", None)
    services.message_reporter(report, "Вопрос заявителю: какой подъезд?", None)

    columns = [
        "description",
        "place",
        "children_ages",
        "contact_name",
        "contact_phone",
        "contact_email",
    ]
    (row,) = raw_rows("requests_report", columns)
    plaintexts = [
        SECRET,
        "Улица Тайная, 13",
        "семь лет",
        "Мария Иванова",
        "8 900 555-44-33",
        "maria@example.ru",
    ]
    for stored, plain in zip(row, plaintexts, strict=True):
        assert stored and plain not in stored
        assert stored.startswith("s1.")  # sealed under the report's own key
    assert Report.objects.get().description == SECRET  # (test code reads as the escrow)
    for table in ["requests_reportnote", "requests_reportmessage"]:
        ((body,),) = raw_rows(table, ["body"])
        assert body.startswith("s1.") and "?" not in body and ":" not in body
    # Filtering columns stay plain.
    ((category, urgent, status),) = raw_rows("requests_report", ["category", "urgent", "status"])
    assert (category, status) == ("neglect", "new")


def test_the_servers_fernet_keys_open_no_sealed_row(client, district, settings):
    file_report(client, district, description=SECRET)
    ((token,),) = raw_rows("requests_report", ["description"])
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def all_logs():
    """Every logger at DEBUG into one list (works with `-p no:logging`, unlike caplog)."""
    handler = ListHandler()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        logger.addHandler(handler)
    yield handler
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled
        logger.removeHandler(handler)


def test_no_ip_address_in_any_table_or_log(district, all_logs, django_capture_on_commit_callbacks):
    visitor = Client(REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=FORWARDED)
    with django_capture_on_commit_callbacks(execute=True):
        code = file_report(visitor, district, description=SECRET)
    page = soup(visitor.get("/report/status/"))
    token = page.select_one("input[name=form_token]")["value"]
    visitor.post("/report/status/", {"code": code, "form_token": token})
    visitor.post("/report/status/", {"code": "1" * 16, "form_token": token})

    for record in all_logs.records:
        text = f"{record.getMessage()} {record.__dict__}"
        assert ADDRESS not in text and FORWARDED not in text, text
        assert SECRET not in text
    assert all_logs.records  # the flow did log (task runs), just nothing identifying

    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in connection.introspection.table_names():
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                dump = repr(row)
                assert ADDRESS not in dump and FORWARDED not in dump, table
                assert code not in dump, table


def test_report_pages_send_no_referrer_and_are_never_cached(client, district):
    state = state_of(check_page(client, district))
    responses = {
        "start": client.get("/report/"),
        "form": client.get("/report/form/"),
        "check": check_page(client, district),
        "errors": client.post("/report/form/", {"form_token": "x"}),
        "send": client.post("/report/send/", {"state": state}),
        "status": client.get("/report/status/"),
        "challenge": client.get("/report/altcha/"),
    }
    for name, response in responses.items():
        assert "no-store" in response["Cache-Control"], name
        assert response["Referrer-Policy"] == "no-referrer", name
        assert not response.cookies, name
    for name in ["start", "form", "check", "send", "status"]:
        page = soup(responses[name])
        assert page.select_one("meta[name=referrer]")["content"] == "no-referrer", name
        # Nothing from elsewhere: every script and stylesheet is our own.
        for tag in page.select("script[src], link[href]"):
            url = tag.get("src") or tag.get("href")
            assert url.startswith("/"), (name, url)
        assert "default-src 'self'" in responses[name]["Content-Security-Policy"]


def test_receipt_is_stored_only_as_a_slow_hash_and_a_short_prefix(client, district):
    code = file_report(client, district)
    report = Report.objects.get()
    assert code not in repr(Report.objects.values().get())
    assert report.receipt_hash.startswith("$argon2id$")
    assert len(report.receipt_lookup) == receipts.LOOKUP_LENGTH == 8
    assert report.receipt_lookup == receipts.lookup_prefix(code)


def test_receipt_lookup_uses_the_prefix_not_a_scan(client, district, django_assert_num_queries):
    code = file_report(client, district)
    Report.objects.bulk_create(
        [
            for_bulk_create(
                category="other", description="x", danger_now="no", receipt_lookup=f"{i:08x}"
            )
            for i in range(50)
        ]
    )
    with django_assert_num_queries(1) as queries:
        assert Report.find_by_receipt(code) is not None
    assert "receipt_lookup" in queries.captured_queries[0]["sql"]
    assert Report.find_by_receipt("0" * 16) is None
    assert Report.find_by_receipt("123") is None
    assert Report.find_by_receipt("абвгд" * 4) is None


def test_invalid_keys_fail_the_system_check(settings):
    settings.REPORTS_ENCRYPTION_KEYS = ["not-a-key"]
    errors = crypto.check_encryption_keys()
    assert [e.id for e in errors] == ["requests.E001"]


def test_production_refuses_to_start_without_the_escrow_key():
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REPORTS_ESCROW_PUBLIC_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="safechildhood.settings.base",
        SECRET_KEY="a-long-production-secret-key-for-this-test-only-0123456789",
        ALLOWED_HOSTS="deti.example.org",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode != 0
    assert "REPORTS_ESCROW_PUBLIC_KEY is not set" in result.stderr
