"""District scope: specialists see their districts only, in every view and action."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from safechildhood.requests import services
from safechildhood.requests.models import Report, ReportLogEntry, ReportNote, Status

from .conftest import soup
from .factories import COORDINATORS, SPECIALISTS, ReportFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(district):
    return ReportFactory(district=district, description="Только для своего района")


def test_groups_are_created_by_migration():
    specialists = Group.objects.get(name=SPECIALISTS)
    coordinators = Group.objects.get(name=COORDINATORS)
    codes = set(specialists.permissions.values_list("codename", flat=True))
    assert codes == {"access_admin", "view_report", "change_report"}
    codes = set(coordinators.permissions.values_list("codename", flat=True))
    assert {"view_all_districts", "view_report", "change_report", "change_inboxscope"} <= codes


def test_specialist_of_another_district_sees_and_does_nothing(client, report, other_specialist):
    client.force_login(other_specialist)
    listing = client.get("/admin/inbox/")
    assert listing.status_code == 200
    assert not soup(listing).select("table.listing td.title a")
    assert client.get(f"/admin/inbox/{report.pk}/").status_code == 404
    posts = {
        "status": {"status": "triage"},
        "assign": {"assignee": other_specialist.pk},
        "note": {"note-body": "чужая заметка"},
        "message": {"message-body": "чужое сообщение"},
        "service": {"service": ""},
    }
    for action, data in posts.items():
        assert client.post(f"/admin/inbox/{report.pk}/{action}/", data).status_code == 404, action
    for action in ["take", "close"]:
        url = f"/admin/bulk/requests/report/{action}/?id={report.pk}"
        assert client.get(url).status_code == 404, action
        assert client.post(url, {"outcome": "duplicate"}).status_code == 404, action
    report.refresh_from_db()
    assert report.status == Status.NEW and report.assignee is None
    assert not ReportNote.objects.exists()
    assert not ReportLogEntry.objects.filter(action="requests.view_content").exists()
    # Nor does Wagtail's site history show the report's entries.
    history = client.get("/admin/reports/site-history/")
    assert str(report) not in history.content.decode()


def test_specialist_of_the_district_sees_it(client, report, specialist):
    client.force_login(specialist)
    assert [
        a.get_text(strip=True) for a in soup(client.get("/admin/inbox/")).select("td.title a")
    ] == [str(report)]
    assert client.get(f"/admin/inbox/{report.pk}/").status_code == 200


def test_district_filter_offers_only_own_districts(client, report, specialist, other_district):
    client.force_login(specialist)
    options = [
        o.get_text()
        for o in soup(client.get("/admin/inbox/")).select("select[name=district] option")
    ]
    assert "Вологодский район" in options and "Сокольский район" not in options


def test_coordinator_sees_every_district_and_reports_without_one(
    client, report, coordinator, other_district
):
    elsewhere = ReportFactory(district=other_district)
    unknown = ReportFactory(district=None)
    client.force_login(coordinator)
    titles = {
        a.get_text(strip=True) for a in soup(client.get("/admin/inbox/")).select("td.title a")
    }
    assert titles == {str(report), str(elsewhere), str(unknown)}
    assert client.get(f"/admin/inbox/{unknown.pk}/").status_code == 200


def test_reports_without_a_district_are_for_coordinators_only(client, specialist):
    unknown = ReportFactory(district=None)
    client.force_login(specialist)
    assert client.get(f"/admin/inbox/{unknown.pk}/").status_code == 404


def test_staff_without_inbox_permissions_see_nothing(client, report):
    editor = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Редакторы реестра"))
    client.force_login(editor)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert "/admin/inbox/" not in home.content.decode()
    assert client.get("/admin/inbox/").status_code in (302, 403)
    assert client.get(f"/admin/inbox/{report.pk}/").status_code in (302, 403)


def test_view_only_staff_cannot_act(client, report, district):
    viewer = make_staff("viewer", SPECIALISTS, [district])
    group = Group.objects.create(name="Только просмотр")
    group.permissions.set(
        Group.objects.get(name=SPECIALISTS).permissions.exclude(codename="change_report")
    )
    viewer.groups.set([group])
    client.force_login(viewer)
    assert client.get(f"/admin/inbox/{report.pk}/").status_code == 200
    # Wagtail answers a denied admin request with a redirect home and a message.
    denied = client.post(f"/admin/inbox/{report.pk}/status/", {"status": "triage"})
    assert denied.status_code in (302, 403)
    denied = client.post(f"/admin/bulk/requests/report/take/?id={report.pk}")
    assert denied.status_code in (302, 403)
    report.refresh_from_db()
    assert report.status == Status.NEW and report.assignee is None


def test_assignee_choices_are_staff_of_the_district(
    client, report, specialist, other_specialist, coordinator
):
    client.force_login(specialist)
    options = {
        o.get_text()
        for o in soup(client.get(f"/admin/inbox/{report.pk}/")).select(
            "select[name=assignee] option"
        )
    }
    assert {"spec", "coord"} <= options and "other" not in options
    client.post(f"/admin/inbox/{report.pk}/assign/", {"assignee": other_specialist.pk})
    assert Report.objects.get(pk=report.pk).assignee is None


def test_inbox_scope_list_is_for_coordinators(client, specialist, coordinator):
    client.force_login(specialist)
    assert client.get("/admin/inboxscope/").status_code in (302, 403)
    client.force_login(coordinator)
    response = client.get("/admin/inboxscope/")
    assert response.status_code == 200
    assert "Вологодский район" in response.content.decode()


def test_log_entries_are_scoped_like_reports(report, specialist, other_specialist):
    services.change_status(report, Status.TRIAGE, specialist)
    assert ReportLogEntry.objects.viewable_by_user(specialist).count() == 1
    assert ReportLogEntry.objects.viewable_by_user(other_specialist).count() == 0


def test_coordinator_gives_a_specialist_a_district(client, coordinator, district):
    from safechildhood.requests.models import InboxScope

    newcomer = make_staff("newcomer", SPECIALISTS)
    report = ReportFactory(district=district)
    client.force_login(newcomer)
    assert not soup(client.get("/admin/inbox/")).select("td.title a")

    client.force_login(coordinator)
    response = client.post(
        "/admin/inboxscope/new/", {"user": newcomer.pk, "districts": [district.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(InboxScope.objects.get(user=newcomer).districts.all()) == [district]

    client.force_login(newcomer)
    assert [
        a.get_text(strip=True) for a in soup(client.get("/admin/inbox/")).select("td.title a")
    ] == [str(report)]
