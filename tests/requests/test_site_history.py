"""Wagtail's site history (*Отчёты → История сайта*) shows reports' audit entries.

Each entry of a report links to the report's page in the inbox (reports have no edit
view), and only to people who may see that report.
"""

import pytest

from safechildhood.requests import services
from safechildhood.requests.models import Status

from .conftest import soup
from .factories import ReportFactory

pytestmark = pytest.mark.django_db

HISTORY = "/admin/reports/site-history/"


@pytest.fixture
def reports(district, other_district, specialist):
    """A report in each district and one without a district, each with a status change."""
    mine = ReportFactory(district=district)
    elsewhere = ReportFactory(district=other_district)
    unknown = ReportFactory(district=None)
    for report in (mine, elsewhere, unknown):
        services.change_status(report, Status.TRIAGE, specialist)
    return mine, elsewhere, unknown


def _rows(response) -> dict[str, str | None]:
    """Entry label → its link (None when the entry is not a link)."""
    rows = {}
    for cell in soup(response).select("table.listing td.title"):
        link = cell.select_one("a")
        rows[cell.get_text(strip=True)] = link["href"] if link else None
    return rows


def test_coordinator_reads_every_reports_history_with_links_to_the_inbox(
    client, reports, coordinator
):
    client.force_login(coordinator)
    response = client.get(HISTORY)
    assert response.status_code == 200
    assert _rows(response) == {str(r): f"/admin/inbox/{r.pk}/" for r in reports}
    results = client.get(HISTORY + "results/")
    assert results.status_code == 200
    assert "Статус: Новое → Разбор" in results.content.decode()


def test_specialist_reads_only_the_history_of_their_districts(client, reports, specialist):
    mine, elsewhere, unknown = reports
    client.force_login(specialist)
    response = client.get(HISTORY)
    assert response.status_code == 200
    assert _rows(response) == {str(mine): f"/admin/inbox/{mine.pk}/"}
    assert client.get(f"/admin/inbox/{mine.pk}/").status_code == 200


def test_history_filters_and_export_answer(client, reports, coordinator, specialist):
    from django.contrib.contenttypes.models import ContentType

    from safechildhood.requests.models import Report

    content_type = ContentType.objects.get_for_model(Report)
    for user in (coordinator, specialist):
        client.force_login(user)
        for query in (
            f"?object_type={content_type.pk}",
            "?action=requests.status",
            f"?user={specialist.pk}",
            "?export=csv",
            "?export=xlsx",
        ):
            assert client.get(HISTORY + query).status_code == 200, (user, query)
    client.force_login(specialist)
    csv = client.get(HISTORY + "?export=csv")
    body = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    mine, elsewhere, unknown = reports
    assert str(mine) in body and str(elsewhere) not in body and str(unknown) not in body


def test_a_view_of_the_content_is_in_the_history_without_the_content(client, reports, coordinator):
    mine = reports[0]
    client.force_login(coordinator)
    assert client.get(f"/admin/inbox/{mine.pk}/").status_code == 200
    results = client.get(HISTORY + "results/?action=requests.view_content").content.decode()
    assert "Просмотрено содержание обращения" in results
    assert mine.description not in results
