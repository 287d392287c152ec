"""Length limits are visible and never silent (issue 12, finding 1): no field carries a
maxlength that a browser would use to cut a paste without a word; each shows its limit;
an over-long text is refused with a translated reason and kept in full."""

import pytest

from safechildhood.requests.forms import MAX_DESCRIPTION

from .conftest import check_page, file_report, soup
from .test_status import look_up

pytestmark = pytest.mark.django_db

LONG = "Очень длинное описание. " * 834  # 20,016 characters


def test_no_report_field_cuts_a_paste_and_each_shows_its_limit(client, district):
    page = soup(client.get("/report/form/"))
    assert page.select("form.report-form [maxlength]") == []
    description = page.select_one("#id_description")
    assert description["data-char-limit"] == str(MAX_DESCRIPTION)
    counter = page.select_one("#id_description-counter")
    assert "id_description-counter" in description["aria-describedby"].split()
    assert "5000" in counter.get_text() or "5 000" in counter.get_text()
    for field in page.select("[data-char-limit]"):
        assert page.select_one(f"#{field['id']}-counter"), field["id"]


def test_twenty_thousand_characters_are_refused_with_a_reason_and_kept(client, district):
    response = check_page(client, district, description=LONG)
    assert response.status_code == 200
    page = soup(response)
    summary = page.select_one(".error-summary").get_text(" ", strip=True)
    assert str(MAX_DESCRIPTION) in summary and "20016" in summary.replace(" ", "")
    assert page.select_one("#id_description").get_text().strip() == LONG.strip()


def test_an_over_long_follow_up_is_refused_and_kept(client, district):
    code = file_report(client, district)
    token = soup(look_up(client, code)).select_one("input[name=status_token]")["value"]
    response = client.post("/report/status/message/", {"status_token": token, "body": LONG})
    assert response.status_code == 400
    page = soup(response)
    assert str(MAX_DESCRIPTION) in page.select_one(".error-summary").get_text()
    assert page.select_one("#id_body").get_text().strip() == LONG.strip()
    assert page.select("textarea[maxlength]") == []


def test_the_correction_form_cuts_nothing(client):
    from tests.registry.factories import ServiceFactory

    service = ServiceFactory()
    page = soup(client.get(f"/services/{service.slug}/"))
    form = page.select_one("form.correction__form")
    assert form is not None
    assert form.select("[maxlength]") == []
    assert form.select_one("#correction-description-counter")
