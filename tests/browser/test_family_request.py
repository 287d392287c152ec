"""A family asks for help for itself on a 390×844 phone, in real Chromium (issue 13, point 6):
it reads that the request is not anonymous before typing, a reload keeps what it typed, a
double tap stores one request, and the receipt names the family dispatch service to call."""

import pytest
from playwright.sync_api import expect

from safechildhood.registry.models import District
from safechildhood.requests.models import Kind, Report
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_report import report_site  # noqa: F401 (fixture)


@pytest.fixture
def cheboksary(report_site):  # noqa: F811
    """The demo's district with a «Семейная диспетчерская»."""
    return District.objects.get(name="Чебоксары")


def test_family_request_on_a_phone(phone, live_server, cheboksary):
    page = phone
    page.goto(live_server.url + "/report/family/")
    warning = page.locator("[data-not-anonymous]")
    expect(warning).to_be_visible()
    box = warning.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box  # on the first screen
    first_field = page.locator("#id_family_topic_0").bounding_box()
    assert first_field["y"] > box["y"]
    assert_no_axe_violations(page)

    page.check("#id_family_topic_1")
    page.fill("#id_description", "Сын-подросток перестал с нами разговаривать")
    page.select_option("#id_district", str(cheboksary.pk))
    page.fill("#id_contact_name", "Елена")
    page.fill("#id_contact_phone", "8 900 123-45-67")
    page.fill("#id_callback_time", "после 18:00")
    page.wait_for_timeout(400)  # the draft is saved 250 ms after typing stops
    page.reload()
    expect(page.locator("[data-draft-restored]")).to_be_visible()
    expect(page.locator("#id_contact_phone")).to_have_value("8 900 123-45-67")
    expect(page.locator("#id_family_topic_1")).to_be_checked()
    page.check("#id_consent")

    page.wait_for_function(
        "() => { const i = document.querySelector('input[name=altcha]'); return i && i.value }",
        timeout=60_000,
    )
    page.wait_for_timeout(1100)  # the minimum fill time
    page.locator("form.family-form button[type=submit]").dblclick()
    expect(page.locator("h1")).to_have_text("Просьба отправлена")
    expect(page.locator("[data-receipt]")).to_be_visible()
    service = page.locator("[data-acting-service]")
    expect(service).to_contain_text("Семейная диспетчерская")
    assert service.locator("a[href^='tel:']").count() >= 1
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, overflow
    assert_no_axe_violations(page)

    assert Report.objects.filter(kind=Kind.FAMILY).count() == 1  # one, after a double tap
    stored = Report.objects.get(kind=Kind.FAMILY)
    assert stored.kind == Kind.FAMILY and stored.district == cheboksary
    assert stored.service is not None and "Семейная диспетчерская" in stored.service.name

    page.goto(live_server.url + "/report/family/")  # sent: the draft is gone
    expect(page.locator("#id_contact_phone")).to_have_value("")
