"""Two people on one report: no 500, no lost update, nothing typed lost.

A staff member's forms carry what their page showed (the status, the assignee, the
urgency, the service, the reporter's last message). A change is applied to the row
locked in the database and merged three ways: what the page showed, what the person
chose, what is stored now. A field someone else changed meanwhile is not overwritten:
the person is told who changed it, when, and to what, and sees the current state.
Notes and messages are always kept. Each case is played as a fixed interleaving (two
clients, one after the other) and, at the end, with real simultaneous requests.
"""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client

from safechildhood.requests.crypto import seal_box
from safechildhood.requests.models import (
    Report,
    ReportLogEntry,
    ReportMessage,
    ReportNote,
    Status,
)

from .conftest import soup
from .factories import SPECIALISTS, ReportFactory, make_staff

pytestmark = pytest.mark.django_db


def reporter_token(report) -> str:
    """The status page's token, carrying the report key the receipt code opened."""
    from safechildhood.core import keys
    from tests.sealing import escrow_key_of

    state = {"f": "followup", "r": report.pk, "l": report.receipt_lookup}
    return seal_box({**state, "k": keys.b64(escrow_key_of(report.pk))})


@pytest.fixture
def report(district):
    return ReportFactory(district=district, receipt_lookup="0badc0de")


@pytest.fixture
def anna(district):
    return make_staff("anna", SPECIALISTS, [district])


@pytest.fixture
def boris(district):
    return make_staff("boris", SPECIALISTS, [district])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_forms(client, report, action: str = "") -> dict[str, dict[str, str]]:
    """Each action form of the report page (or of an action's own page) as the browser
    would post it (by action)."""
    page = soup(client.get(f"/admin/inbox/{report.pk}/{action + '/' if action else ''}"))
    forms = {}
    for form in page.select("form[action^='/admin/inbox/']"):
        data = {}
        for field in form.select("input[name], select[name], textarea[name]"):
            name = field["name"]
            if name == "csrfmiddlewaretoken":
                continue
            if field.name == "select":
                chosen = field.select_one("option[selected]") or field.select_one("option")
                data[name] = chosen["value"] if chosen else ""
            elif field.get("type") == "checkbox":
                if field.has_attr("checked"):
                    data[name] = field.get("value", "on")
            else:
                data[name] = field.get("value", "") or field.get_text()
        forms[form["action"].rstrip("/").rsplit("/", 1)[-1]] = data
    return forms


def post(client, report, action: str, data: dict) -> list[str]:
    response = client.post(f"/admin/inbox/{report.pk}/{action}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return [str(m) for m in get_messages(response.wsgi_request)]


def status_entries(report) -> list[tuple[str, str]]:
    return [
        (entry.data["from"], entry.data["to"])
        for entry in ReportLogEntry.objects.filter(
            report=report, action="requests.status"
        ).order_by("timestamp", "id")
    ]


# --- Fixed interleavings ---------------------------------------------------------------------


def test_a_status_changed_meanwhile_is_not_overwritten(report, anna, boris):
    a, b = logged_in(anna), logged_in(boris)
    anna_page, boris_page = page_forms(a, report), page_forms(b, report)
    post(b, report, "status", {**boris_page["status"], "status": Status.TRIAGE})
    said = post(
        a,
        report,
        "status",
        {**anna_page["status"], "status": Status.CLOSED, "outcome": "duplicate"},
    )
    report.refresh_from_db()
    assert report.status == Status.TRIAGE  # Boris's change stands
    assert status_entries(report) == [(Status.NEW, Status.TRIAGE)]
    assert any("boris" in m and "Разбор" in m and "не сохранено" in m for m in said), said


def test_the_same_change_twice_is_one_change(report, anna, boris):
    a, b = logged_in(anna), logged_in(boris)
    anna_page, boris_page = page_forms(a, report), page_forms(b, report)
    post(b, report, "status", {**boris_page["status"], "status": Status.TRIAGE})
    post(a, report, "status", {**anna_page["status"], "status": Status.TRIAGE})
    report.refresh_from_db()
    assert report.status == Status.TRIAGE
    assert status_entries(report) == [(Status.NEW, Status.TRIAGE)]


def test_assignee_and_urgency_changed_by_two_people_are_both_kept(report, anna, boris):
    a, b = logged_in(anna), logged_in(boris)
    anna_page, boris_page = page_forms(a, report), page_forms(b, report)
    post(b, report, "assign", {**boris_page["assign"], "urgent": "on"})  # only urgency
    post(a, report, "assign", {**anna_page["assign"], "assignee": str(anna.pk)})  # only assignee
    report.refresh_from_db()
    assert report.urgent, "Anna's page still showed «not urgent»: that must not undo Boris's mark"
    assert report.assignee == anna


def test_an_assignee_changed_meanwhile_is_not_overwritten(report, anna, boris):
    a, b = logged_in(anna), logged_in(boris)
    anna_page, boris_page = page_forms(a, report), page_forms(b, report)
    post(b, report, "assign", {**boris_page["assign"], "assignee": str(boris.pk)})
    said = post(a, report, "assign", {**anna_page["assign"], "assignee": str(anna.pk)})
    report.refresh_from_db()
    assert report.assignee == boris
    assert any("boris" in m and "не сохранено" in m for m in said), said


def test_a_service_changed_meanwhile_is_not_overwritten(report, anna, boris, district):
    from tests.registry.factories import LocationFactory, ServiceFactory

    first, second = ServiceFactory(name="Служба А"), ServiceFactory(name="Служба Б")
    for service in (first, second):
        LocationFactory(service=service, district=district)
    a, b = logged_in(anna), logged_in(boris)
    anna_page, boris_page = page_forms(a, report, "service"), page_forms(b, report, "service")
    post(b, report, "service", {**boris_page["service"], "service": str(first.pk)})
    said = post(a, report, "service", {**anna_page["service"], "service": str(second.pk)})
    report.refresh_from_db()
    assert report.service == first
    assert any("Служба А" in m for m in said), said


def test_notes_and_messages_are_kept_whatever_changed_meanwhile(report, anna, boris):
    a, b = logged_in(anna), logged_in(boris)
    anna_page, boris_page = page_forms(a, report), page_forms(b, report)
    post(
        b,
        report,
        "status",
        {**boris_page["status"], "status": Status.CLOSED, "outcome": "duplicate"},
    )
    said = post(a, report, "note", {**anna_page["note"], "note-body": "Соседка перезвонила"})
    assert ReportNote.objects.get().body == "Соседка перезвонила"
    assert any("сохранена" in m and "boris" in m for m in said), said
    said = post(a, report, "message", {**anna_page["message"], "message-body": "Спасибо"})
    assert ReportMessage.objects.get().body == "Спасибо"
    assert any("boris" in m for m in said), said


def test_a_reply_that_arrives_while_staff_close_stops_the_close(client, report, anna):
    a = logged_in(anna)
    anna_page = page_forms(a, report)
    token = reporter_token(report)
    reply = client.post(
        "/report/status/message/", {"status_token": token, "body": "Сегодня снова кричали"}
    )
    assert reply.status_code == 200
    said = post(
        a,
        report,
        "status",
        {**anna_page["status"], "status": Status.CLOSED, "outcome": "unfounded"},
    )
    report.refresh_from_db()
    assert report.status == Status.NEW and report.unread_reporter_message
    assert any("заявитель" in m.lower() and "не изменён" in m for m in said), said
    # Having read it, Anna may close.
    post(
        a,
        report,
        "status",
        {**page_forms(a, report)["status"], "status": Status.CLOSED, "outcome": "unfounded"},
    )
    report.refresh_from_db()
    assert report.status == Status.CLOSED


def test_a_reply_after_the_page_was_read_stays_unread(report, anna, monkeypatch):
    """The page is built, then the reporter's message commits, then the view marks the
    report read: only what the page showed may be marked read."""
    from safechildhood.requests import admin_views, services

    built = admin_views.ReportDetailView.get_context_data

    def reply_arrives_meanwhile(self, **kwargs):
        context = built(self, **kwargs)
        services.reporter_follow_up(report, "Ещё одно")
        return context

    monkeypatch.setattr(admin_views.ReportDetailView, "get_context_data", reply_arrives_meanwhile)
    Report.objects.filter(pk=report.pk).update(unread_reporter_message=True)
    assert logged_in(anna).get(f"/admin/inbox/{report.pk}/").status_code == 200
    report.refresh_from_db()
    assert report.unread_reporter_message


def test_bulk_take_does_not_take_a_report_someone_else_took(report, anna, boris, district):
    free = ReportFactory(district=district)
    a, b = logged_in(anna), logged_in(boris)
    url = f"/admin/bulk/requests/report/take/?id={report.pk}&id={free.pk}"
    assert a.get(url).status_code == 200  # Anna's confirmation page
    post(b, report, "assign", {**page_forms(b, report)["assign"], "assignee": str(boris.pk)})
    response = a.post(url)
    assert response.status_code == 302
    report.refresh_from_db()
    free.refresh_from_db()
    assert report.assignee == boris and free.assignee == anna
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("boris" in m for m in said), said


def test_bulk_close_skips_what_was_closed_meanwhile(report, anna, boris):
    a, b = logged_in(anna), logged_in(boris)
    url = f"/admin/bulk/requests/report/close/?id={report.pk}"
    assert a.get(url).status_code == 200
    post(
        b,
        report,
        "status",
        {**page_forms(b, report)["status"], "status": Status.CLOSED, "outcome": "unfounded"},
    )
    assert a.post(url, {"outcome": "duplicate"}).status_code == 302
    report.refresh_from_db()
    assert report.outcome == "unfounded"
    assert status_entries(report) == [(Status.NEW, Status.CLOSED)]


# --- Real simultaneous requests ----------------------------------------------------------------


def at_once(*calls):
    """Run each call in its own thread and connection, released together."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _poster(client, report, action, data):
    return lambda: client.post(f"/admin/inbox/{report.pk}/{action}/", data)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_status_changes_apply_one(
    migration_data, report, anna, boris, slow_first_audit_entry
):
    a, b = logged_in(anna), logged_in(boris)
    a.raise_request_exception = b.raise_request_exception = False
    anna_page, boris_page = page_forms(a, report), page_forms(b, report)
    responses = at_once(
        _poster(a, report, "status", {**anna_page["status"], "status": Status.TRIAGE}),
        _poster(
            b,
            report,
            "status",
            {**boris_page["status"], "status": Status.CLOSED, "outcome": "duplicate"},
        ),
    )
    assert [r.status_code for r in responses] == [302, 302]
    report.refresh_from_db()
    entries = status_entries(report)
    assert len(entries) == 1 and entries[0] == (Status.NEW, report.status)
    said = [str(m) for r in responses for m in get_messages(r.wsgi_request)]
    assert sum("не сохранено" in m for m in said) == 1, said


@pytest.mark.django_db(transaction=True)
def test_simultaneous_assignee_and_urgency_are_both_kept(
    migration_data, report, anna, boris, slow_first_audit_entry
):
    a, b = logged_in(anna), logged_in(boris)
    a.raise_request_exception = b.raise_request_exception = False
    anna_page, boris_page = page_forms(a, report), page_forms(b, report)
    responses = at_once(
        _poster(a, report, "assign", {**anna_page["assign"], "assignee": str(anna.pk)}),
        _poster(b, report, "assign", {**boris_page["assign"], "urgent": "on"}),
    )
    assert [r.status_code for r in responses] == [302, 302]
    report.refresh_from_db()
    assert report.assignee == anna and report.urgent


@pytest.mark.django_db(transaction=True)
def test_a_reporter_replies_while_staff_close(migration_data, report, anna, slow_first_audit_entry):
    a = logged_in(anna)
    a.raise_request_exception = False
    anna_page = page_forms(a, report)
    token = reporter_token(report)
    reporter = Client(raise_request_exception=False)
    closing, replying = at_once(
        _poster(
            a,
            report,
            "status",
            {**anna_page["status"], "status": Status.CLOSED, "outcome": "unfounded"},
        ),
        lambda: reporter.post(
            "/report/status/message/", {"status_token": token, "body": "Сегодня снова кричали"}
        ),
    )
    assert closing.status_code == 302 and replying.status_code == 200
    report.refresh_from_db()
    assert ReportMessage.objects.get(report=report).body == "Сегодня снова кричали"
    assert report.unread_reporter_message
    said = [str(m) for m in get_messages(closing.wsgi_request)]
    if report.status == Status.CLOSED:  # the close committed first; the reply arrived after
        assert status_entries(report) == [(Status.NEW, Status.CLOSED)]
    else:  # the reply committed first: the close waits until it has been read
        assert report.status == Status.NEW and any("не изменён" in m for m in said), said
