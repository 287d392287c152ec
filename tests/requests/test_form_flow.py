"""The visitor's path: start page → questions → check your report → receipt."""

import re

import pytest
from django.urls import reverse

from safechildhood.requests.models import Report, Status, Verification

from .conftest import ANSWERS, check_page, file_report, form_token, soup, state_of

pytestmark = pytest.mark.django_db


def test_start_page_says_what_a_visitor_needs_before_the_form(client, home):
    response = client.get(reverse("requests:start"))
    assert response.status_code == 200
    assert reverse("requests:start") == "/report/"
    page = soup(response)
    text = page.get_text(" ", strip=True)
    assert "Если ребёнку угрожает опасность прямо сейчас" in text
    assert page.select_one("main a[href='tel:112']")
    assert page.select_one("main a[href='tel:88002000122']")  # the children's helpline
    assert "Не обязательно быть уверенным" in text
    assert "Что будет после того, как вы сообщите" in text
    assert "в течение 1 часа" in text and "в течение 24 часов" in text
    assert "снова стать анонимным уже не получится" in text
    assert "Через 365 дней после закрытия" in text
    assert page.select_one("a.start-button")["href"] == "/report/form/"
    assert page.select_one("a[href='/report/status/']")


def test_home_page_button_leads_to_the_start_page(client, home):
    page = soup(client.get("/"))
    assert page.select_one("main a[href='/report/']")


def test_form_asks_every_question_and_sets_no_cookie(client, district):
    response = client.get("/report/form/")
    assert response.status_code == 200
    assert not response.cookies
    page = soup(response)
    form = page.select_one("form.report-form")
    assert form["method"] == "post" and form["autocomplete"] == "off"
    categories = [i["value"] for i in page.select("input[name=category]")]
    assert categories == [
        "violence",
        "neglect",
        "bullying",
        "self_harm",
        "family_crisis",
        "violence_woman",
        "other",
    ]
    districts = [o.get_text() for o in page.select("select[name=district] option")]
    assert "Вологодский район" in districts and districts[-1].startswith("Не знаю")
    assert [i["value"] for i in page.select("input[name=danger_now]")] == ["yes", "no", "unsure"]
    assert [i["value"] for i in page.select("input[name=reporter_role]")] == [
        "neighbour",
        "relative",
        "teacher",
        "child",
        "other",
    ]
    # Contact is optional and off by default.
    assert page.select_one("input[name=contact_preference][value=anonymous]").has_attr("checked")
    for name in ["description", "place", "children_ages", "contact_name", "contact_phone"]:
        assert page.select_one(f"[name={name}]")["autocomplete"] == "off", name
    # No consent text until contact details are given.
    assert "обработку моих персональных данных" not in page.get_text()
    # The 112 reminder sits right under "danger now".
    assert page.select_one("#danger-callout a[href='tel:112']")


def test_check_page_shows_the_answers_and_stores_nothing(client, district):
    response = check_page(client, district)
    assert response.status_code == 200
    page = soup(response)
    values = [dd.get_text(" ", strip=True) for dd in page.select(".summary__value")]
    assert "Ребёнок без присмотра и заботы" in values
    assert ANSWERS["description"] in values
    assert "Вологодский район" in values
    assert "Не указаны: анонимно" in values
    assert Report.objects.count() == 0
    assert not response.cookies
    # Each answer can be changed; the answers are carried encrypted, not in plain text.
    assert len(page.select("button[name=edit][form=edit-form]")) == 8
    assert ANSWERS["description"] not in state_of(response)


def test_change_answer_returns_to_the_form_with_everything_filled(client, district):
    state = state_of(check_page(client, district))
    response = client.post("/report/form/", {"state": state, "edit": "description"})
    assert response.status_code == 200
    page = soup(response)
    assert (
        page.select_one("textarea[name=description]").get_text().strip() == ANSWERS["description"]
    )
    assert page.select_one("input[name=place]")["value"] == ANSWERS["place"]
    assert page.select_one("input[name=category][value=neglect]").has_attr("checked")
    assert page.select_one(f"select[name=district] option[value='{district.pk}']").has_attr(
        "selected"
    )
    assert page.select_one("form.report-form")["data-focus"] == "id_description"


def test_sending_stores_the_report_and_shows_a_receipt_once(
    client, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code = file_report(client, district)
    assert re.fullmatch(r"\d{16}", code)
    report = Report.objects.get()
    assert report.status == Status.NEW
    assert report.description == ANSWERS["description"]
    assert report.district == district
    assert report.place == ANSWERS["place"]
    assert report.children_ages == "3 и 7 лет"
    assert report.reporter_role == "neighbour"
    assert not report.urgent and not report.wants_contact
    assert report.verified_by == Verification.NONE
    assert report.receipt_hash.startswith("$argon2id$")
    assert Report.find_by_receipt(code) == report
    # The receipt opens the report with spaces too (as it is shown).
    assert Report.find_by_receipt(" ".join(re.findall(".{4}", code))) == report
    assert report.log_entries.filter(action="requests.create").exists()


def test_confirmation_keeps_personal_data_out_of_the_url(client, district):
    check = check_page(client, district)
    response = client.post("/report/send/", {"state": state_of(check)})
    assert response.status_code == 200  # rendered, not redirected: nothing in any URL
    page = soup(response)
    assert page.select_one("a[href='/report/status/']")
    assert "Мы его не храним" in page.get_text()


def test_danger_now_marks_urgent_and_repeats_112(client, district):
    check = check_page(client, district, danger_now="yes")
    assert soup(check).select_one(".warning a[href='tel:112']")
    done = client.post("/report/send/", {"state": state_of(check)})
    assert soup(done).select_one(".warning a[href='tel:112']")
    assert Report.objects.get().urgent


def test_unknown_district_is_allowed(client, district):
    file_report(client, None)
    assert Report.objects.get().district is None


def test_sending_twice_files_one_report_and_shows_its_receipt_again(client, district):
    """More in test_double_submit.py (simultaneous taps, the repeat window)."""
    state = state_of(check_page(client, district))
    first = client.post("/report/send/", {"state": state})
    again = client.post("/report/send/", {"state": state})
    assert first.status_code == again.status_code == 200
    assert "уже получено" in soup(again).get_text()
    receipt = soup(first).select_one("[data-receipt]").get_text()
    assert soup(again).select_one("[data-receipt]").get_text() == receipt
    assert Report.objects.count() == 1


def test_errors_are_summarised_and_nothing_typed_is_lost(client, district):
    response = client.post(
        "/report/form/",
        {
            "form_token": form_token(client),
            "description": "Кричат за стеной",
            "place": "дом 7",
            "contact_preference": "anonymous",
        },
    )
    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Ошибка:")
    summary = page.select_one(".error-summary")
    assert summary["role"] == "alert" and summary.h2.get_text() == "Есть проблема"
    links = {a["href"]: a.get_text() for a in summary.select("a")}
    assert links == {
        "#id_category_0": "Выберите, что вас беспокоит",
        "#id_district": "Выберите район или «Не знаю»",
        "#id_danger_now_0": "Ответьте, есть ли опасность прямо сейчас",
    }
    # Messages at the fields too, linked for screen readers.
    assert "Выберите, что вас беспокоит" in page.select_one("#id_category-error").get_text()
    assert page.select_one("#id_district")["aria-describedby"] == "id_district-error"
    # What was typed stays.
    assert page.select_one("textarea[name=description]").get_text().strip() == "Кричат за стеной"
    assert page.select_one("input[name=place]")["value"] == "дом 7"
    assert Report.objects.count() == 0


def test_contact_details_need_a_choice_a_way_to_reach_and_consent(
    client, district, django_capture_on_commit_callbacks
):
    # Typed contacts but left "anonymous" (JavaScript off shows the fields): ask, keep them.
    response = check_page(client, district, contact_phone="8 900 123-45-67")
    page = soup(response)
    assert "Вы выбрали «остаться анонимным», но указали контакты" in page.get_text()
    assert page.select_one("input[name=contact_phone]")["value"] == "8 900 123-45-67"

    response = check_page(client, district, contact_preference="contact", contact_name="Анна")
    assert "Укажите телефон или электронную почту" in soup(response).get_text()

    response = check_page(
        client,
        district,
        contact_preference="contact",
        contact_name="Анна",
        contact_phone="8 900 123-45-67",
    )
    page = soup(response)
    assert page.select_one("input[name=consent]")
    assert "обработку моих персональных данных" in page.get_text()
    state = state_of(response)

    refused = client.post("/report/send/", {"state": state})
    assert refused.status_code == 400
    assert "Подтвердите согласие" in soup(refused).select_one(".error-summary").get_text()
    assert Report.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/report/send/", {"state": state, "consent": "on"})
    assert soup(done).select_one("[data-receipt]")
    report = Report.objects.get()
    assert report.wants_contact
    assert (report.contact_name, report.contact_phone) == ("Анна", "8 900 123-45-67")


def test_invalid_contact_details_are_explained(client, district):
    page = soup(
        check_page(
            client,
            district,
            contact_preference="contact",
            contact_phone="позвоните мне",
            contact_email="не почта",
        )
    )
    text = page.select_one(".error-summary").get_text()
    assert "Введите телефон цифрами" in text
    assert "Введите адрес почты в формате name@example.ru" in text


def test_an_expired_state_is_not_sent_but_the_answers_come_back(client, district, monkeypatch):
    from safechildhood.core import protection

    state = state_of(check_page(client, district))
    monkeypatch.setattr(protection, "TOKEN_MAX_AGE", -1)
    response = client.post("/report/send/", {"state": state})
    assert response.status_code == 400
    page = soup(response)
    assert "Прошло слишком много времени" in page.select_one(".error-summary").get_text()
    assert (
        page.select_one("textarea[name=description]").get_text().strip() == ANSWERS["description"]
    )
    assert Report.objects.count() == 0


def test_the_english_locale_serves_the_same_flow(client, english_home, district):
    response = client.get("/en/report/")
    assert response.status_code == 200
    assert soup(response).html["lang"] == "en"
    assert soup(response).select_one("a.start-button")["href"] == "/en/report/form/"
    form = soup(client.get("/en/report/form/")).select_one("form.report-form")
    assert form["action"] == "/en/report/form/"


def test_a_district_removed_meanwhile_sends_the_visitor_back_to_the_form(client, district):
    state = state_of(check_page(client, district))
    district.delete()
    response = client.post("/report/send/", {"state": state})
    assert response.status_code == 400
    page = soup(response)
    assert "Выберите район из списка" in page.select_one(".error-summary").get_text()
    assert (
        page.select_one("textarea[name=description]").get_text().strip() == ANSWERS["description"]
    )
    assert Report.objects.count() == 0
