"""The staff inbox: list, filters, report page, actions, timeline, dashboard, menu."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from safechildhood.requests import services
from safechildhood.requests.models import (
    Category,
    Report,
    ReportLogEntry,
    ReportMessage,
    ReportNote,
    Status,
)

from .conftest import soup
from .factories import SPECIALISTS, ReportFactory, for_bulk_create, make_staff

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/admin/inbox/{query}")
    assert response.status_code == 200
    return [a.get_text(strip=True) for a in soup(response).select("table.listing td.title a")]


def test_list_is_urgent_first_then_newest(client, district, specialist):
    now = timezone.now()
    old_urgent = ReportFactory(
        district=district, urgent=True, created_at=now - dt.timedelta(days=2)
    )
    new_plain = ReportFactory(district=district, created_at=now)
    closed = ReportFactory(district=district, status=Status.CLOSED, created_at=now)
    older_plain = ReportFactory(district=district, created_at=now - dt.timedelta(days=1))
    client.force_login(specialist)
    assert listed(client) == [str(r) for r in [old_urgent, new_plain, older_plain, closed]]


def test_filters(client, district, other_district, coordinator):
    mine = ReportFactory(district=district, category=Category.BULLYING, urgent=True)
    mine.assignee = coordinator
    mine.save()
    other = ReportFactory(district=other_district, status=Status.TRIAGE)
    old = ReportFactory(district=district, created_at=timezone.now() - dt.timedelta(days=40))
    client.force_login(coordinator)
    assert listed(client, "?status=triage") == [str(other)]
    assert listed(client, "?urgent=1") == [str(mine)]
    assert listed(client, "?category=bullying") == [str(mine)]
    assert listed(client, f"?district={other_district.pk}") == [str(other)]
    assert listed(client, "?assignee=mine") == [str(mine)]
    since = (timezone.now() - dt.timedelta(days=7)).date().isoformat()
    assert str(old) not in listed(client, f"?created_at_from={since}")
    assert set(listed(client, "?assignee=none")) == {str(other), str(old)}


def test_list_is_paginated_with_a_constant_number_of_queries(
    client, district, coordinator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ReportFactory.create_batch(5, district=district)
    client.force_login(coordinator)
    client.get("/admin/inbox/")  # warm caches
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/inbox/")
    Report.objects.bulk_create(
        [
            for_bulk_create(
                category=Category.NEGLECT,
                description="Описание",
                district=district,
                danger_now="no",
                urgent=i % 7 == 0,
                receipt_lookup="00000000",
            )
            for i in range(10_000)
        ],
        batch_size=1000,
    )
    client.get("/admin/inbox/")  # the sidebar, cached by the count of new reports, anew
    with CaptureQueriesContext(connection) as many:
        response = client.get("/admin/inbox/?p=3")
    assert response.status_code == 200
    assert len(soup(response).select("table.listing tbody tr")) == 50
    assert len(many) <= len(few) + 1, [q["sql"][:120] for q in many.captured_queries]
    with django_assert_max_num_queries(len(few) + 1):
        client.get("/admin/inbox/?urgent=1&status=new")


def test_report_page_decrypts_escapes_and_logs_each_view(client, district, specialist):
    report = ReportFactory(district=district, description=PAYLOAD, place=PAYLOAD)
    client.force_login(specialist)
    response = client.get(f"/admin/inbox/{report.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert soup(response).select_one("[data-report-description]").get_text() == PAYLOAD
    client.get(f"/admin/inbox/{report.pk}/")
    views = ReportLogEntry.objects.filter(report=report, action="requests.view_content")
    assert views.count() == 2
    assert {entry.user_id for entry in views} == {specialist.pk}


def test_status_moves_only_along_the_process(client, district, specialist):
    report = ReportFactory(district=district)
    client.force_login(specialist)
    options = [
        o["value"]
        for o in soup(client.get(f"/admin/inbox/{report.pk}/")).select("select[name=status] option")
    ]
    assert options == ["triage", "closed"]

    client.post(f"/admin/inbox/{report.pk}/status/", {"status": "family_supported"})
    report.refresh_from_db()
    assert report.status == Status.NEW  # not allowed from «new»

    for status in ["triage", "team_sent", "family_supported"]:
        client.post(f"/admin/inbox/{report.pk}/status/", {"status": status})
    report.refresh_from_db()
    assert report.status == Status.FAMILY_SUPPORTED

    response = client.post(f"/admin/inbox/{report.pk}/status/", {"status": "closed"}, follow=True)
    assert "Укажите итог" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.FAMILY_SUPPORTED

    client.post(f"/admin/inbox/{report.pk}/status/", {"status": "closed", "outcome": "supported"})
    report.refresh_from_db()
    assert (report.status, report.outcome) == (Status.CLOSED, "supported")
    assert report.closed_at is not None

    timeline = soup(client.get(f"/admin/inbox/{report.pk}/")).select("tr[data-log-action]")
    messages = [row.select("td")[2].get_text() for row in timeline]
    assert "Статус: Семья получает помощь → Закрыто (Семье оказана помощь)" in messages
    assert "Статус: Новое → Разбор" in messages


def test_assign_notes_and_messages(client, district, specialist):
    report = ReportFactory(district=district)
    client.force_login(specialist)
    client.post(f"/admin/inbox/{report.pk}/assign/", {"assignee": specialist.pk, "urgent": "on"})
    client.post(f"/admin/inbox/{report.pk}/note/", {"note-body": PAYLOAD})
    client.post(f"/admin/inbox/{report.pk}/message/", {"message-body": "Уточните адрес"})
    report.refresh_from_db()
    assert report.assignee == specialist and report.urgent
    assert ReportNote.objects.get().body == PAYLOAD
    assert ReportMessage.objects.get().body == "Уточните адрес"
    page = soup(client.get(f"/admin/inbox/{report.pk}/"))
    assert page.select_one("[data-report-note]").get_text() == PAYLOAD
    actions = [row["data-log-action"] for row in page.select("tr[data-log-action]")]
    for action in [
        "requests.assign",
        "requests.urgency",
        "requests.note",
        "requests.message_to_reporter",
    ]:
        assert action in actions
    # The timeline holds metadata only, never what anyone wrote.
    for entry in ReportLogEntry.objects.all():
        assert PAYLOAD not in json.dumps(entry.data) and "Уточните" not in json.dumps(entry.data)
        assert entry.label == str(report)


def test_bulk_take_and_close(client, district, specialist):
    first, second = ReportFactory.create_batch(2, district=district)
    client.force_login(specialist)
    url = f"/admin/bulk/requests/report/take/?id={first.pk}&id={second.pk}"
    confirm = client.get(url)
    assert confirm.status_code == 200
    client.post(url)
    for report in (first, second):
        report.refresh_from_db()
        assert (report.assignee, report.status) == (specialist, Status.TRIAGE)

    url = f"/admin/bulk/requests/report/close/?id={first.pk}"
    client.post(url, {"outcome": "duplicate"})
    first.refresh_from_db()
    assert (first.status, first.outcome) == (Status.CLOSED, "duplicate")


def test_menu_item_counts_new_reports_and_dashboard_panel(client, district, specialist):
    ReportFactory.create_batch(3, district=district)
    ReportFactory(district=district, status=Status.TRIAGE)
    overdue = ReportFactory(
        district=district, urgent=True, created_at=timezone.now() - dt.timedelta(hours=5)
    )
    client.force_login(specialist)
    response = client.get("/admin/")
    sidebar = json.loads(soup(response).select_one("#wagtail-sidebar-props").string)
    items = [item["_args"][0] for item in sidebar["modules"][1]["_args"][0]]
    inbox = next(item for item in items if item["name"] == "inbox")
    assert inbox["label"] == "Обращения (4)" and inbox["url"] == "/admin/inbox/"
    panel = soup(response).select_one("#report-inbox-section")
    assert panel is not None
    assert "Новых обращений: 4" in panel.get_text()
    assert panel.select_one(f"a[href='/admin/inbox/{overdue.pk}/']")


def test_suggests_the_districts_sos_service(client, district, specialist):
    from tests.registry.factories import LocationFactory, ServiceFactory

    service = ServiceFactory(
        name="SOS-служба Вологодского района", kinds=["sos"], email="sos@example.ru"
    )
    LocationFactory(service=service, district=district)
    report = ReportFactory(district=district)
    client.force_login(specialist)
    page = soup(client.get(f"/admin/inbox/{report.pk}/"))
    assert (
        "SOS-служба Вологодского района" in page.select_one("[data-suggested-service]").get_text()
    )
    page = soup(client.get(f"/admin/inbox/{report.pk}/service/"))  # chosen in advance there
    assert page.select_one(f"select[name=service] option[value='{service.pk}']").has_attr(
        "selected"
    )
    client.post(f"/admin/inbox/{report.pk}/service/", {"service": service.pk})
    report.refresh_from_db()
    assert report.service == service


def test_suggests_only_a_working_sos_service_of_the_district(client, district, specialist):
    """Offered from the list the page shows: not another kind that comes first by name, not
    an SOS service that is temporarily closed, nothing for a report without a district."""
    from safechildhood.registry.models import Service
    from tests.registry.factories import LocationFactory, ServiceFactory

    for name, kinds, status in [
        ("А-служба медиации", ["mediation"], Service.Status.ACTIVE),
        ("Б-SOS на ремонте", ["sos"], Service.Status.TEMPORARILY_CLOSED),
        ("В-SOS-служба района", ["sos"], Service.Status.ACTIVE),
    ]:
        LocationFactory(
            service=ServiceFactory(name=name, kinds=kinds, status=status), district=district
        )
    client.force_login(specialist)

    def suggestion(report) -> str | None:
        tag = soup(client.get(f"/admin/inbox/{report.pk}/")).select_one("[data-suggested-service]")
        return tag.get_text() if tag else None

    assert "В-SOS-служба района" in suggestion(ReportFactory(district=district))
    assert suggestion(ReportFactory(district=None)) is None


def test_the_suggestion_follows_the_registry_at_once(client, district, specialist):
    """The suggestion is cached per district (record.SUGGESTIONS): a change to the registry,
    a closed service or a new place, shows on the next opening."""
    from safechildhood.registry.models import Service
    from tests.registry.factories import LocationFactory, ServiceFactory

    report = ReportFactory(district=district)
    client.force_login(specialist)

    def suggestion() -> str | None:
        tag = soup(client.get(f"/admin/inbox/{report.pk}/")).select_one("[data-suggested-service]")
        return tag.get_text() if tag else None

    assert suggestion() is None
    first = ServiceFactory(name="А-SOS-служба", kinds=["sos"])
    LocationFactory(service=first, district=district)
    assert "А-SOS-служба" in suggestion()
    first.status = Service.Status.TEMPORARILY_CLOSED
    first.save()
    assert suggestion() is None
    second = ServiceFactory(name="Б-SOS-служба", kinds=["mediation"])
    LocationFactory(service=second, district=district)
    assert suggestion() is None
    from safechildhood.registry.models import ServiceKind

    second.kinds.add(ServiceKind.objects.get(code="sos", locale=second.locale))
    second.save()  # as the admin does: the kinds are a ParentalManyToManyField
    assert "Б-SOS-служба" in suggestion()


def test_purged_report_shows_no_content_and_takes_no_actions(client, district, specialist):
    report = ReportFactory(district=district, description="Старое описание")
    services.change_status(report, Status.CLOSED, specialist, "unfounded")
    services.purge(report)
    client.force_login(specialist)
    page = client.get(f"/admin/inbox/{report.pk}/").content.decode()
    assert "Содержание обращения удалено" in page
    assert "Старое описание" not in page
    assert client.post(f"/admin/inbox/{report.pk}/note/", {"note-body": "x"}).status_code == 404


def test_report_page_reads_each_list_once_whatever_its_length(client, district, specialist):
    """Issue 11, point 5 (opening a report fast): the record's lists and the choice lists
    cost the same queries for 1 entry or 20, and each choice list is one plain query (no
    server-side cursor per list rendered). The report page offers no list of services (it
    reads at most the one it suggests); the service page reads its list once for the
    choices and the suggestion."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.registry.factories import ServiceAreaFactory, ServiceFactory

    report = ReportFactory(district=district)
    client.force_login(specialist)

    def queries(url: str) -> list[str]:
        client.get(url)  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    def service_lists(sqls: list[str]) -> list[str]:
        return [
            sql
            for sql in sqls
            if 'ORDER BY "registry_service"."name"' in sql and not sql.endswith("LIMIT 1")
        ]

    page, service_page = f"/admin/inbox/{report.pk}/", f"/admin/inbox/{report.pk}/service/"
    few, few_services = queries(page), queries(service_page)
    for number in range(20):
        services.add_note(report, f"Заметка {number}", specialist)
        services.message_reporter(report, f"Вопрос {number}", specialist)
        ServiceAreaFactory(service=ServiceFactory(name=f"Служба {number}"), district=district)
        make_staff(f"colleague{number}", SPECIALISTS, [district])
    many, many_services = queries(page), queries(service_page)
    assert len(many) == len(few), many
    assert len(many_services) == len(few_services), many_services
    assert not [sql for sql in many + many_services if sql.startswith("DECLARE")]
    assert service_lists(many) == []
    assert len(service_lists(many_services)) == 1, "\n".join(service_lists(many_services))


def test_report_page_renders_no_template_per_option(client, district, specialist):
    """Issue 11, point 5: the choice lists (colleagues, statuses on the report page; services
    on the service page) cost one template each, not two per option as Django's select
    does: the templates a page renders do not grow with its lists."""
    from tests.registry.factories import ServiceAreaFactory, ServiceFactory

    report = ReportFactory(district=district)
    client.force_login(specialist)

    def page(url: str) -> tuple[list[str], bytes]:
        response = client.get(url)
        assert response.status_code == 200
        return [template.name for template in response.templates], response.content

    urls = (f"/admin/inbox/{report.pk}/", f"/admin/inbox/{report.pk}/service/")
    for url in urls:
        page(url)  # the first view also renders what each process caches (the admin's icons)
    few = [page(url) for url in urls]
    for number in range(20):
        ServiceAreaFactory(service=ServiceFactory(name=f"Служба {number}"), district=district)
        make_staff(f"colleague{number}", SPECIALISTS, [district])
    many = [page(url) for url in urls]
    for (few_templates, few_html), (many_templates, many_html) in zip(few, many, strict=True):
        assert many_html.count(b"<option") == few_html.count(b"<option") + 20
        assert "django/forms/widgets/select_option.html" not in many_templates
        assert len(many_templates) == len(few_templates)


@pytest.mark.parametrize(
    ("count", "russian", "english"),
    [
        (1, "1 обращение", "1 report"),
        (2, "2 обращения", "2 reports"),
        (5, "5 обращений", "5 reports"),
        (21, "21 обращение", "21 reports"),
    ],
)
def test_the_count_under_the_inbox_is_grammatical(count, russian, english):
    """Issue 12: Wagtail wrote «55 Обращения» under a paged inbox."""
    from django.utils import translation

    from safechildhood.requests.admin_views import ReportPaginator

    paginator = ReportPaginator(list(range(count)), 50)
    with translation.override("ru"):
        assert paginator.items_count_label == russian
    del paginator.items_count_label  # cached in the first language
    with translation.override("en"):
        assert paginator.items_count_label == english


def test_a_paged_inbox_counts_its_reports_in_russian(client, district, coordinator):
    Report.objects.bulk_create(
        [
            for_bulk_create(
                category=Category.NEGLECT,
                description="Описание",
                district=district,
                danger_now="no",
                receipt_lookup="00000000",
            )
            for _ in range(55)
        ]
    )
    client.force_login(coordinator)
    response = client.get("/admin/inbox/")
    assert soup(response).select_one(".pagination__end").get_text(strip=True) == "55 обращений"
