"""Properties every response and every database state must have after any input."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.http import HttpResponse

from safechildhood.core.clean_input import CONTROL_CHARACTERS

EMERGENCY_NUMBER = "112"


def assert_answer(response: HttpResponse, allowed: set[int], what: str) -> None:
    """Never a 5xx; only the documented statuses; an HTML page always shows how to get
    help at once (the emergency number), whatever went wrong."""
    status = response.status_code
    assert status < 500, f"{what}: {status}"
    assert status in allowed, f"{what}: {status} not in {sorted(allowed)}"
    if response.request["REQUEST_METHOD"] == "HEAD":  # the GET answer without its body
        assert response.content == b"", f"{what}: a body"
        return
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html") and status not in (301, 302, 304, 405):
        assert EMERGENCY_NUMBER in response.content.decode(), f"{what}: no emergency number"


@dataclass(frozen=True)
class Counts:
    reports: int
    messages: int
    notifications: int
    report_log: int
    corrections: int
    services: int
    pages: int


def counts() -> Counts:
    from wagtail.models import Page

    from safechildhood.registry.corrections import ServiceCorrection
    from safechildhood.registry.models import Service
    from safechildhood.requests.models import (
        Report,
        ReportLogEntry,
        ReportMessage,
        ReportNotification,
    )

    return Counts(
        reports=Report.objects.count(),
        messages=ReportMessage.objects.count(),
        notifications=ReportNotification.objects.count(),
        report_log=ReportLogEntry.objects.count(),
        corrections=ServiceCorrection.objects.count(),
        services=Service.objects.count(),
        pages=Page.objects.count(),
    )


def _raw(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def assert_consistent() -> None:
    """Nothing half-written, whatever the example did:

    * every report holds its description as ciphertext that decrypts to text, and a
      receipt (hash and lookup prefix) unless purged;
    * every report a visitor filed (not demo) has its notification row and its
      «create» audit entry, written in the same transaction;
    * no audit entry names a missing report (the log has no database constraint);
    * every message to or from a reporter is ciphertext that decrypts to text;
    * every correction note is non-empty, at most 2000 characters, without control
      characters.
    """
    from safechildhood.core import keys
    from safechildhood.registry.corrections import ServiceCorrection
    from safechildhood.requests.models import Report, ReportLogEntry, ReportMessage
    from tests.sealing import escrow_key_of

    def opened(report_id: int, token: str, context: bytes) -> str:
        """Sealed text read with the test escrow key (the server itself holds no key)."""
        assert token.startswith("s1."), f"report {report_id}: text not sealed"
        return keys.decrypt_text(escrow_key_of(report_id), token[3:], context)

    table = Report._meta.db_table
    rows = _raw(f"SELECT id, description, receipt_hash, receipt_lookup, purged_at FROM {table}")  # noqa: S608
    for pk, description, receipt_hash, lookup, purged_at in rows:
        if purged_at is None:
            text = opened(pk, description, b"requests.report.description")
            assert text.strip(), f"report {pk}: empty description"
            assert receipt_hash and len(lookup) == 8, f"report {pk}: no receipt"
    filed = Report.objects.filter(is_demo=False)
    assert not filed.filter(notifications__isnull=True).exists(), "report without notification"
    created = ReportLogEntry.objects.filter(action="requests.create").values("report_id")
    assert not filed.exclude(pk__in=created).exists(), "report without its create entry"
    known = Report.objects.values("pk")
    assert not ReportLogEntry.objects.exclude(report_id__in=known).exists(), "orphan log entry"
    message_table = ReportMessage._meta.db_table
    for pk, report_id, body in _raw(f"SELECT id, report_id, body FROM {message_table}"):  # noqa: S608
        assert opened(report_id, body, b"requests.reportmessage.body").strip(), f"message {pk}"
    for note in ServiceCorrection.objects.all():
        assert note.description.strip() and len(note.description) <= 2000
        assert not CONTROL_CHARACTERS.search(note.description + note.contact)


def assert_read_only(before: Counts, what: str) -> None:
    """A GET (or a refused POST) leaves the content as it was."""
    assert counts() == before, what
