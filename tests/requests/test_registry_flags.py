"""From the inbox to the registry (issue 13, point 8): on a report's page a specialist flags
that a service's phone does not answer or that it has closed; the registry editors find the
note among their corrections, told truly who sent it, with nothing from the report in it;
the flag is in the report's timeline too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from safechildhood.registry.corrections import ServiceCorrection, Source
from safechildhood.registry.tasks import send_correction_email
from safechildhood.registry.wagtail_hooks import correction_viewset
from safechildhood.requests.models import ReportLogEntry
from tests.registry.factories import LocationFactory, ServiceFactory

from .conftest import soup
from .factories import ReportFactory

pytestmark = pytest.mark.django_db

SECRET = "Мальчик из дома 4 по Садовой ночует в подъезде"


@pytest.fixture
def sos(district):
    service = ServiceFactory(name="SOS Вологодского района", kinds=["sos"])
    LocationFactory(service=service, district=district)
    return service


@pytest.fixture
def far_service(other_district):
    service = ServiceFactory(name="Кризисный центр Сокола", kinds=["sos"])
    LocationFactory(service=service, district=other_district)
    return service


@pytest.fixture
def report(district, sos):
    return ReportFactory(district=district, description=SECRET, contact_name="Ирина")


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "editor", email="editor@example.org", password="x" * 16, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Редакторы реестра"))
    return user


def flag(client, report, service, problem="no_answer"):
    return client.post(
        f"/admin/inbox/{report.pk}/registry-flag/",
        {"flag-service": service.pk if service else "", "flag-problem": problem},
        follow=True,
    )


def test_the_page_offers_the_routed_service_first(client, report, sos, specialist):
    client.force_login(specialist)
    page = soup(client.get(f"/admin/inbox/{report.pk}/registry-flag/"))
    form = page.select_one("[data-registry-flag-form]")
    assert form["action"] == f"/admin/inbox/{report.pk}/registry-flag/"
    chosen = form.select_one("select[name=flag-service] option[selected]")
    assert chosen["value"] == str(sos.pk)
    problems = [i["value"] for i in form.select("input[name=flag-problem]")]
    assert problems == ["no_answer", "closed"]


def test_a_flag_becomes_a_correction_for_the_editors(
    client, report, sos, specialist, editor, mailoutbox
):
    specialist.email = "spec@duty.example"
    specialist.save()
    client.force_login(specialist)
    response = flag(client, report, sos, "closed")
    assert response.status_code == 200
    assert "Отметка передана редакторам реестра" in response.content.decode()

    correction = ServiceCorrection.objects.get()
    assert correction.service == sos and correction.source == Source.INBOX
    assert correction.description == "Служба закрылась"
    assert correction.contact == "spec@duty.example"
    stored = f"{correction.description} {correction.contact}"
    assert SECRET not in stored and "Ирина" not in stored and str(report.pk) not in stored

    (entry,) = ReportLogEntry.objects.filter(report=report, action="requests.registry_flag")
    assert entry.user_id == specialist.pk
    assert entry.data == {"service": sos.name, "problem": "closed", "new": True}

    # The editors' corrections inbox lists it, saying who sent it.
    editors = client.__class__()
    editors.force_login(editor)
    listing = editors.get(reverse(correction_viewset.get_url_name("index")) + "?is_resolved=false")
    assert listing.status_code == 200
    rows = soup(listing).select("table.listing tbody tr")
    assert len(rows) == 1
    row = rows[0].get_text(" ", strip=True)
    assert sos.name in row and "Служба закрылась" in row and "Специалист по обращениям" in row
    assert SECRET not in listing.content.decode()

    # Its e-mail says truly who sent it.
    send_correction_email.call(correction.pk)
    mail = next(m for m in mailoutbox if m.to == ["editor@example.org"])
    assert "Специалист, который работает с обращениями" in mail.body
    assert "Посетитель сайта" not in mail.body and SECRET not in mail.body


def test_the_same_flag_still_waiting_is_not_repeated(client, report, sos, specialist):
    client.force_login(specialist)
    flag(client, report, sos)
    response = flag(client, report, sos)
    assert "уже получили такую отметку" in response.content.decode()
    assert ServiceCorrection.objects.count() == 1
    entries = ReportLogEntry.objects.filter(action="requests.registry_flag").order_by("id")
    assert [e.data["new"] for e in entries] == [True, False]
    flag(client, report, sos, "closed")  # a different problem is a new note
    assert ServiceCorrection.objects.count() == 2
    ServiceCorrection.objects.update(is_resolved=True)
    flag(client, report, sos)  # dealt with, and wrong again
    assert ServiceCorrection.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"flag-problem": "no_answer"}, "Выберите службу"),
        ({"flag-service": "999999", "flag-problem": "no_answer"}, "Выберите службу из списка"),
        ({"flag-service": "abc", "flag-problem": "no_answer"}, "Выберите службу из списка"),
        ({"flag-problem": "burnt_down", "flag-service": "SOS"}, "Выберите"),
        ({"flag-service": "SOS"}, "Выберите, что не так со службой"),
    ],
)
def test_bad_input_is_a_clear_error(client, report, sos, specialist, data, error):
    client.force_login(specialist)
    if data.get("flag-service") == "SOS":
        data = {**data, "flag-service": str(sos.pk)}
    response = client.post(f"/admin/inbox/{report.pk}/registry-flag/", data)
    assert response.status_code == 400  # the flag's page again, with the reason
    assert error in response.content.decode()
    assert not ServiceCorrection.objects.exists()
    assert not ReportLogEntry.objects.filter(action="requests.registry_flag").exists()


def test_a_service_of_another_district_is_not_offered(client, report, far_service, specialist):
    client.force_login(specialist)
    flag(client, report, far_service)
    assert not ServiceCorrection.objects.exists()


def test_outside_the_scope_nothing_is_flagged(client, report, sos, other_specialist):
    client.force_login(other_specialist)
    response = client.post(
        f"/admin/inbox/{report.pk}/registry-flag/",
        {"flag-service": sos.pk, "flag-problem": "no_answer"},
    )
    assert response.status_code == 404
    assert not ServiceCorrection.objects.exists()
    assert client.get(f"/admin/inbox/{report.pk}/registry-flag/").status_code == 404
