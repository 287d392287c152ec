"""Reports without JavaScript (issue 9, defect 7): bots are held back, honest people never refused.

The defect: one person sending from 15 addresses used up the site-wide hourly
allowance for reports without proof of work, and for the rest of the hour nobody
without JavaScript could report. Now a network (/24, /48) has its own allowance,
and above the usual site-wide volume reports are stored, flagged for staff.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from safechildhood.core.protection import network_key
from safechildhood.requests import protection
from safechildhood.requests.models import Report, ReportNotification

from .conftest import check_page, soup, state_of
from .factories import ReportFactory

pytestmark = pytest.mark.django_db


def send_unverified(address: str, district):
    """A whole no-JS report from `address`; returns the send response."""
    visitor = Client(REMOTE_ADDR=address)
    check = check_page(visitor, district)
    assert check.status_code == 200
    return visitor.post("/report/send/", {"state": state_of(check)})


def has_receipt(response) -> bool:
    return response.status_code == 200 and bool(soup(response).select_one("[data-receipt]"))


def test_fifteen_addresses_in_one_network_cannot_lock_everyone_out(district):
    """The issue's attack: 15 addresses × 2 reports; an honest reporter elsewhere still gets in."""
    network_allowance = protection.LIMITS["report_unverified_network"].count
    addresses = [f"198.51.100.{host}" for host in range(1, 16)]
    answers = [send_unverified(address, district) for address in addresses for _ in (1, 2)]
    accepted = [response for response in answers if has_receipt(response)]
    assert len(accepted) == network_allowance
    refused = [response for response in answers if not has_receipt(response)]
    assert {response.status_code for response in refused} == {429}
    assert Report.objects.count() == network_allowance

    honest = send_unverified("203.0.113.9", district)
    assert has_receipt(honest)
    report = Report.objects.latest("pk")
    assert report.verified_by == "none" and not report.over_volume


def test_the_network_allowance_spans_ipv6_48(district):
    allowance = protection.LIMITS["report_unverified_network"].count
    for host in range(allowance):
        assert has_receipt(send_unverified(f"2001:db8:5:{host}::1", district))
    assert send_unverified("2001:db8:5:ffff::77", district).status_code == 429
    assert has_receipt(send_unverified("2001:db8:6::1", district))


def test_network_key_groups_by_prefix(rf):
    def key(address: str) -> str:
        return network_key(rf.get("/", REMOTE_ADDR=address))

    assert key("198.51.100.1") == key("198.51.100.254") != key("198.51.101.1")
    assert key("::ffff:198.51.100.7") == key("198.51.100.1")
    assert key("2001:db8:1:2::1") == key("2001:db8:1:ffff::9") != key("2001:db8:2::1")
    assert key("not an address") != key("198.51.100.1")
    assert "198.51.100" not in key("198.51.100.1") and len(key("198.51.100.1")) == 32


@pytest.fixture
def usual_volume(monkeypatch):
    """A small site-wide hourly volume of reports without proof of work."""
    monkeypatch.setitem(protection.LIMITS, "report_unverified_global", protection.Limit(3, 3600))


def test_above_the_usual_volume_reports_are_kept_and_flagged(
    district, usual_volume, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_FALLBACK_EMAIL = "duty@example.org"
    for address in ("198.51.100.1", "192.0.2.1", "203.0.113.1"):
        assert has_receipt(send_unverified(address, district))
    assert not Report.objects.filter(over_volume=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        late = [send_unverified(address, district) for address in ("100.64.0.1", "100.65.0.1")]
    assert all(has_receipt(response) for response in late)  # nobody is refused
    flagged = list(Report.objects.filter(over_volume=True).order_by("pk"))
    assert len(flagged) == 2

    # Staff hear about the first one at once; the next ones in the hour wait in the inbox
    # instead of each sending an e-mail (a flood must not bury the duty mailbox).
    assert ReportNotification.objects.filter(report=flagged[0]).exists()
    assert not ReportNotification.objects.filter(report=flagged[1]).exists()
    flagged_mail = [m for m in mail.outbox if f"№{flagged[0].pk}" in m.subject]
    assert "без проверки" in flagged_mail[0].subject
    assert "сверх обычного" in flagged_mail[0].body


def test_a_flagged_report_works_like_any_other_for_the_reporter(district, usual_volume):
    for address in ("198.51.100.1", "192.0.2.1", "203.0.113.1"):
        send_unverified(address, district)
    visitor = Client(REMOTE_ADDR="100.64.0.1")
    done = visitor.post("/report/send/", {"state": state_of(check_page(visitor, district))})
    page = soup(done)
    assert page.select_one("[data-receipt]")
    assert "проверк" not in page.select_one("main").get_text().lower()  # bots learn nothing


# --- staff: see, filter, dismiss ------------------------------------------------------------


def test_staff_filter_and_close_flagged_reports_in_bulk(client, district, specialist):
    normal = ReportFactory(district=district)
    flagged = ReportFactory.create_batch(2, district=district, over_volume=True, verified_by="none")
    client.force_login(specialist)
    listing = client.get("/admin/inbox/?attention=over_volume")
    rows = soup(listing).select("table.listing tbody tr")
    assert len(rows) == 2
    assert all("сверх обычного объёма" in row.get_text() for row in rows)
    assert str(normal) not in listing.content.decode()

    detail = client.get(f"/admin/inbox/{flagged[0].pk}/")
    assert "сверх обычного объёма" in detail.content.decode()

    ids = "&".join(f"id={report.pk}" for report in flagged)
    client.post(f"/admin/bulk/requests/report/close/?{ids}", {"outcome": "false_report"})
    assert set(Report.objects.filter(over_volume=True).values_list("status", flat=True)) == {
        "closed"
    }
    normal.refresh_from_db()
    assert normal.status == "new"


# --- Redis down: the limits still protect, per process ------------------------------------------


def test_with_redis_down_limits_still_hold_and_others_get_through(district, redis_down):
    allowance = protection.LIMITS["report_unverified"].count
    for _ in range(allowance):
        assert has_receipt(send_unverified("198.51.100.20", district))
    assert send_unverified("198.51.100.20", district).status_code == 429
    assert has_receipt(send_unverified("203.0.113.20", district))
