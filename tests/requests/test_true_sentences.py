"""What the report pages say about themselves is true (issue 12, finding 6)."""

import pytest

from safechildhood.requests.forms import ReportForm

from .conftest import check_page, file_report, form_token, soup
from .test_status import look_up

pytestmark = pytest.mark.django_db


def test_the_status_page_does_not_claim_to_stay_out_of_history(client, district):
    code = file_report(client, district)
    page = soup(look_up(client, code)).select_one("main").get_text(" ", strip=True)
    assert "не сохраняется в истории" not in page
    # What is true: the address and title stay in the history; the contents do not.
    assert "истории браузера" in page and "код" in page


def required_questions(form: ReportForm) -> list[str]:
    return [
        str(field.label)
        for field in form.fields.values()
        if field.required and field.initial in (None, "")
    ]


def test_the_form_names_exactly_the_questions_it_requires(client, district):
    page = soup(client.get("/report/form/"))
    listed = [item.get_text(strip=True) for item in page.select("[data-required-questions] li")]
    expected = required_questions(ReportForm(districts=[district]))
    assert listed == expected
    assert "Ребёнок или кто-то ещё в опасности прямо сейчас?" in listed
    assert "первые два" not in page.get_text()


def test_answering_only_the_listed_questions_is_enough(client, district):
    answers = {
        "category": "neglect",
        "description": "Дети одни",
        "district": str(district.pk),
        "danger_now": "no",
    }
    # What a browser sends for questions left alone (contact: the pre-chosen «анонимно»).
    data = dict.fromkeys(["place", "children_ages"], "") | {"contact_preference": "anonymous"}
    data.update(answers, form_token=form_token(client))
    response = client.post("/report/form/", data)
    assert response.status_code == 200
    assert soup(response).select_one("h1").get_text() == "Проверьте сообщение перед отправкой"
    # Leaving out any one of them is refused.
    for name in answers:
        missing = check_page(client, district, **{**answers, name: ""})
        assert soup(missing).select_one(".error-summary"), name


def test_the_form_and_check_page_say_where_the_answers_are_kept(client, district):
    """With JavaScript the answers stay in the tab (sessionStorage): never «nowhere»."""
    form = soup(client.get("/report/form/")).get_text(" ", strip=True)
    check = soup(check_page(client, district)).get_text(" ", strip=True)
    for text in (form, check):
        assert "нигде не сохраняется" not in text and "и не сохраняется" not in text
        assert "только в этой вкладке браузера" in text
