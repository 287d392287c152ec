"""«Сообщить об ошибке в записи»: stored first, e-mailed to the registry editors by a task,
rate-limited without ever storing the sender's address."""

import datetime as dt
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from safechildhood.core.protection import HONEYPOT_FIELD, TOKEN_FIELD
from safechildhood.registry.corrections import CLIENT_LIMIT, ServiceCorrection
from safechildhood.registry.tasks import send_correction_email

from .public_data import districts, make_service

pytestmark = pytest.mark.django_db

URL = "/services/mediatsiya/correction/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def service(home):
    places = districts()
    return make_service(places["vologda"], name="Служба медиации (демо)", slug="mediatsiya")


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "editor", email="editor@example.org", password="x" * 12
    )
    user.groups.add(Group.objects.get(name="Редакторы реестра"))
    django_user_model.objects.create_user("other", email="other@example.org", password="x" * 12)
    return user


def form_data(client, **fields):
    soup = BeautifulSoup(client.get("/services/mediatsiya/").content, "html.parser")
    form = soup.select_one("form.correction__form")
    assert form["action"] == URL and form["method"] == "post"
    data = {TOKEN_FIELD: form.find("input", attrs={"name": TOKEN_FIELD})["value"]}
    data.update({"description": "Сменился телефон: теперь 8 (8172) 00-00-10.", "contact": ""})
    data.update(fields)
    return data


def send(client, data, **headers):
    return client.post(URL, data, REMOTE_ADDR="203.0.113.7", **headers)


def test_the_service_page_has_a_short_form_without_a_cookie(client, service):
    response = client.get("/services/mediatsiya/")
    soup = BeautifulSoup(response.content, "html.parser")
    details = soup.select_one("details.correction")
    assert "Сообщить об ошибке в этой записи" in details.summary.get_text()
    names = {field["name"] for field in details.select("input, textarea")}
    assert names == {TOKEN_FIELD, "description", "contact", HONEYPOT_FIELD}
    assert not response.cookies  # no CSRF or session cookie for reading a service page


def test_a_correction_is_stored_first_then_queued(
    client, service, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, form_data(client, contact="мама, 8 900 000-00-00"))
    assert response.status_code == 302
    assert response["Location"] == "/services/mediatsiya/correction/sent/"
    correction = ServiceCorrection.objects.get()
    assert correction.service == service
    assert correction.description.startswith("Сменился телефон")
    assert correction.contact == "мама, 8 900 000-00-00"
    queued = default_task_backend.results
    assert [(r.task.name, r.args) for r in queued] == [("send_correction_email", [correction.pk])]
    assert mailoutbox == []  # not sent yet: the worker will


def test_the_task_emails_the_registry_editors(
    client, service, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, form_data(client, contact="мама, 8 900 000-00-00"))
    correction = ServiceCorrection.objects.get()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["editor@example.org"]
    assert "Служба медиации (демо)" in mail.subject
    assert "Сменился телефон" in mail.body and "мама, 8 900 000-00-00" in mail.body
    assert "203.0.113.7" not in mail.body
    correction.refresh_from_db()
    assert correction.emailed_at is not None
    thanks = client.get(response["Location"])
    assert "Спасибо" in thanks.content.decode()


def test_the_setting_overrides_the_editors_group(
    client, service, editor, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REGISTRY_CORRECTIONS_EMAIL = ["reestr@example.org", "second@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        send(client, form_data(client))
    assert mailoutbox[0].to == ["reestr@example.org", "second@example.org"]


def test_without_recipients_the_note_is_kept(
    client, service, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, form_data(client)).status_code == 302
    assert mailoutbox == []
    correction = ServiceCorrection.objects.get()
    assert correction.emailed_at is None  # nothing lost: editors see it in the database


def test_a_broken_mail_server_loses_nothing(
    client, service, editor, django_capture_on_commit_callbacks
):
    with (
        mock.patch("safechildhood.registry.tasks.send_mail", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = send(client, form_data(client))
    assert response.status_code == 302
    assert ServiceCorrection.objects.get().emailed_at is None


def test_a_failed_e_mail_is_retried_later_and_then_given_up(service, editor, settings):
    from django_tasks_db.models import DBTaskResult

    from safechildhood.registry.tasks import MAX_ATTEMPTS

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    correction = ServiceCorrection.objects.create(service=service, description="Ошибка")
    with mock.patch("safechildhood.registry.tasks.send_mail", side_effect=OSError("down")):
        assert send_correction_email.call(correction.pk) == "retry"
        queued = DBTaskResult.objects.get(task_path=send_correction_email.module_path)
        assert queued.args_kwargs["args"] == [correction.pk, 2]
        delay = queued.run_after - timezone.now()
        assert dt.timedelta(seconds=30) < delay <= dt.timedelta(minutes=1)
        assert send_correction_email.call(correction.pk, MAX_ATTEMPTS) == "failed"
    assert send_correction_email.call(correction.pk, 2) == "sent"
    correction.refresh_from_db()
    assert correction.emailed_at is not None


def test_the_task_sends_once(service, editor, mailoutbox):
    correction = ServiceCorrection.objects.create(service=service, description="Ошибка в адресе")
    assert send_correction_email.call(correction.pk) == "sent"
    assert send_correction_email.call(correction.pk) == "already sent"
    assert send_correction_email.call(999999) == "missing"
    assert len(mailoutbox) == 1


def test_rate_limit_per_client(client, service, editor, django_capture_on_commit_callbacks):
    for _ in range(CLIENT_LIMIT.count):
        with django_capture_on_commit_callbacks(execute=True):
            assert send(client, form_data(client)).status_code == 302
    response = send(client, form_data(client))
    assert response.status_code == 429
    assert "Слишком много сообщений" in response.content.decode()
    assert ServiceCorrection.objects.count() == CLIENT_LIMIT.count
    # Another client is not affected.
    other = client.post(URL, form_data(client), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302


def test_no_ip_address_is_stored_anywhere(client, service, editor):
    send(client, form_data(client))
    row = ServiceCorrection.objects.values().get()
    assert "203.0.113.7" not in repr(row)
    field_names = {field.name for field in ServiceCorrection._meta.get_fields()}
    assert field_names == {
        "id",
        "service",
        "description",
        "contact",
        "source",
        "created_at",
        "emailed_at",
        "is_resolved",
    }
    assert row["source"] == "visitor"  # who sent it (a visitor or a report specialist), no more
    keys = cache._cache.keys() if hasattr(cache, "_cache") else []
    assert all("203.0.113.7" not in key for key in keys)
    assert any(re.search(r"registry:corrections:[0-9a-f]{32}", key) for key in keys)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"description": ""}, "Опишите, что неверно"),
        ({"description": "ой"}, "подробнее"),
        ({"description": "я" * 2001}, "Не больше 2000"),
        ({"contact": "x" * 300}, "Не больше 255"),
    ],
)
def test_invalid_input_is_shown_back_with_a_message(client, service, fields, error):
    response = send(client, form_data(client, **fields))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert ServiceCorrection.objects.count() == 0


def test_forged_missing_or_cross_site_token_is_refused(client, service):
    assert send(client, form_data(client, **{TOKEN_FIELD: "forged"})).status_code == 400
    data = form_data(client)
    del data[TOKEN_FIELD]
    assert send(client, data).status_code == 400
    assert send(client, form_data(client), HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert ServiceCorrection.objects.count() == 0


def test_honeypot_pretends_success_and_keeps_nothing(client, service):
    response = send(client, form_data(client, **{HONEYPOT_FIELD: "http://spam.example"}))
    assert response.status_code == 302
    assert ServiceCorrection.objects.count() == 0


def test_the_form_page_works_on_its_own_and_for_unknown_services(client, service):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Сообщить об ошибке в записи" in response.content.decode()
    assert client.get("/services/net-takoy/correction/").status_code == 404
    assert client.post("/services/net-takoy/correction/", {}).status_code == 404
    assert client.put(URL).status_code == 405


def test_nul_bytes_and_control_characters_are_removed_from_the_note(client, service):
    """Issue 9, defect 8: PostgreSQL refuses NUL bytes; they and other control characters
    are removed from every parameter before the form sees them."""
    data = form_data(
        client, description="Сменился\x00 телефон\x01: 8 (8172) 00-00-10", contact="a@b.ru\x00"
    )
    data["\x00"] = "\x00"
    response = send(client, data)
    assert response.status_code == 302
    note = ServiceCorrection.objects.get()
    assert (note.description, note.contact) == ("Сменился телефон: 8 (8172) 00-00-10", "a@b.ru")


def test_a_body_that_cannot_be_read_is_a_calm_400_with_the_numbers(client, service):
    """Found by the fuzz suite: a multipart field whose name is ~1000 characters long makes
    Django's parser give up (MultiPartParserError); the answer was Django's bare «Bad
    Request (400)». It is the site's own 400 page, with the emergency numbers."""
    data = form_data(client)
    data["0" * 980] = ""
    response = send(client, data)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert {"tel:112", "tel:88002000122"} <= {a["href"] for a in page.find_all("a")}
    assert page.html["lang"] == "ru"
    english = client.post("/en" + URL, data, REMOTE_ADDR="203.0.113.7")
    assert english.status_code == 400
    assert BeautifulSoup(english.content, "html.parser").html["lang"] == "en"
    assert "If a child is in danger, call" in english.content.decode()
    assert not ServiceCorrection.objects.exists()
