"""Transfer between districts (issue 13, point 3): a report moves to another district with a
reason, or gets one it never had; the new district's specialists get its key (the same
sealing path as «Выдать доступ») and an alert; the former district's lose it; audited."""

from __future__ import annotations

import pytest
from django.test import Client

from safechildhood.requests.models import (
    PendingGrant,
    Report,
    ReportKeyGrant,
    StaffAlert,
)
from tests.sealing import sign_in_keys
from tests.signin import force_login_password_only, mark_verified

from .conftest import soup
from .factories import COORDINATORS, SPECIALISTS, ReportFactory, make_staff

pytestmark = pytest.mark.django_db

SECRET = "Девочка из дома 9 третий день не ходит в школу"


def with_email(user):
    user.email = f"{user.get_username()}@duty.example"
    user.save()
    return user


def reader(user) -> Client:
    """Signed in with the password and the app, holding only the keys sealed to them."""
    client = Client()
    force_login_password_only(client, user)
    mark_verified(client, user)
    sign_in_keys(client, user, recover=False)
    return client


@pytest.fixture
def spec_a(district):
    return with_email(make_staff("spec_a", SPECIALISTS, [district]))


@pytest.fixture
def spec_b(other_district):
    user = with_email(make_staff("spec_b", SPECIALISTS, [other_district]))
    sign_in_keys(Client(), user, recover=False)  # signed in once before: has a key pair
    return user


def test_a_specialist_moves_a_report_and_the_new_district_reads_it(
    district, other_district, spec_a, spec_b, mailoutbox, django_capture_on_commit_callbacks
):
    holder = Client()
    holder.force_login(spec_a)  # holds the report's key
    report = ReportFactory(district=district, description=SECRET)
    holder.force_login(spec_a)
    assert not ReportKeyGrant.objects.filter(report=report, user=spec_b).exists()
    assert holder.get(f"/admin/inbox/{report.pk}/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = holder.post(
            f"/admin/inbox/{report.pk}/transfer/",
            {"district": other_district.pk, "reason": "moved"},
        )
    assert response.status_code == 302 and response["Location"] == "/admin/inbox/"
    report.refresh_from_db()
    assert report.district == other_district
    # Sealed to B at once with the key A's request held; A's copy is gone with A's access.
    assert ReportKeyGrant.objects.filter(report=report, user=spec_b).exists()
    assert not ReportKeyGrant.objects.filter(report=report, user=spec_a).exists()
    assert holder.get(f"/admin/inbox/{report.pk}/").status_code == 404

    (message,) = [m for m in mailoutbox if m.to == [spec_b.email]]
    assert message.subject == f"Обращение №{report.pk} передано в ваш район"
    assert SECRET not in message.body and other_district.name not in message.body
    link = next(line for line in message.body.splitlines() if "/admin/inbox/" in line)
    path = link.split("127.0.0.1:8000", 1)[1]

    b = reader(spec_b)
    page = b.get(path)
    assert SECRET in page.content.decode()
    timeline = soup(page).select_one("tr[data-log-action='requests.transfer']").get_text()
    assert f"Район: {district.name} → {other_district.name}" in timeline
    assert "Семья живёт или находится в другом районе" in timeline
    assert "spec_a" in timeline  # who did it
    assert report.log_entries.get(action="requests.transfer").user == spec_a


def test_a_coordinator_gives_a_district_to_a_report_that_had_none(
    other_district, spec_b, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = make_staff("coord", COORDINATORS)
    boss = Client()
    boss.force_login(coordinator)
    report = ReportFactory(district=None, description=SECRET)
    boss.force_login(coordinator)
    page = soup(boss.get(f"/admin/inbox/{report.pk}/transfer/"))
    form = page.select_one("form[data-transfer-form]")
    selected = form.select_one("select[name=reason] option[selected]").get_text()
    assert selected == "Заявитель не знал района, он установлен"
    assert "Указать район" in form.get_text()

    with django_capture_on_commit_callbacks(execute=True):
        response = boss.post(
            f"/admin/inbox/{report.pk}/transfer/",
            {"district": other_district.pk, "reason": "unknown"},
        )
    assert response["Location"] == f"/admin/inbox/{report.pk}/"  # coordinators still see it
    assert [m.to for m in mailoutbox] == [[spec_b.email]]
    assert SECRET in reader(spec_b).get(f"/admin/inbox/{report.pk}/").content.decode()
    entry = report.log_entries.get(action="requests.transfer")
    assert entry.data["from"] == "" and entry.data["to"] == other_district.name


def test_moved_without_the_key_the_new_readers_wait_for_a_colleague(
    district, other_district, spec_a, spec_b, mailoutbox, django_capture_on_commit_callbacks
):
    report = ReportFactory(district=district, description=SECRET)
    coordinator = make_staff("coord", COORDINATORS)
    boss = reader(coordinator)  # a key pair, but no copy of this report's key
    with django_capture_on_commit_callbacks(execute=True):
        boss.post(
            f"/admin/inbox/{report.pk}/transfer/",
            {"district": other_district.pk, "reason": "wrong"},
        )
    report.refresh_from_db()
    assert report.district == other_district
    assert PendingGrant.objects.filter(report=report, user=spec_b).exists()
    assert [m.to for m in mailoutbox] == [[spec_b.email]]  # alerted all the same
    assert (
        "ключом, которого у вас пока нет"
        in soup(reader(spec_b).get(f"/admin/inbox/{report.pk}/")).get_text()
    )


def test_the_assignee_of_the_former_district_is_taken_off(district, other_district, spec_a, spec_b):
    from safechildhood.requests import services

    report = ReportFactory(district=district)
    services.assign(report, spec_a, False, spec_a)
    holder = Client()
    holder.force_login(spec_a)
    holder.post(
        f"/admin/inbox/{report.pk}/transfer/", {"district": other_district.pk, "reason": "moved"}
    )
    report.refresh_from_db()
    assert report.assignee is None
    assert report.log_entries.get(action="requests.transfer").data["assignee_removed"] is True


def test_what_is_refused(district, other_district, spec_a, spec_b):
    report = ReportFactory(district=district)
    holder = Client()
    holder.force_login(spec_a)
    same = holder.post(
        f"/admin/inbox/{report.pk}/transfer/", {"district": district.pk, "reason": "moved"}
    )
    assert same.status_code == 400  # its own district is not on the list
    no_reason = holder.post(f"/admin/inbox/{report.pk}/transfer/", {"district": other_district.pk})
    assert no_reason.status_code == 400  # the transfer page again, the district kept
    assert holder.get(f"/admin/inbox/{report.pk}/transfer/").status_code == 200  # its form
    # Not in B's scope: B cannot move A's report.
    b = Client()
    b.force_login(spec_b)
    assert (
        b.post(
            f"/admin/inbox/{report.pk}/transfer/",
            {"district": other_district.pk, "reason": "moved"},
        ).status_code
        == 404
    )
    assert Report.objects.get(pk=report.pk).district == district
    assert not report.log_entries.filter(action="requests.transfer").exists()
    assert not StaffAlert.objects.exists()
