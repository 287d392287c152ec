"""`load_demo` builds the demo site and can run again without duplicating anything."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from safechildhood.home.models import EmergencyContacts, HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_load_demo_builds_tree_and_is_idempotent(client, demo_site):
    """`demo_site` is what `load_demo` built on an empty database (tests/demo_snapshot.py),
    restored: building it again here took a minute of the suite."""
    counts = (Page.objects.count(), StandardPage.objects.count(), HomePage.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Page.objects.count(), StandardPage.objects.count(), HomePage.objects.count()) == counts

    home = HomePage.objects.get(locale__language_code="ru")
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert HomePage.objects.filter(locale__language_code="en").count() == 1
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()
    titles = set(StandardPage.objects.values_list("title", flat=True))
    assert {"Как получить помощь", "О программе", "Как скрыть посещение сайта"} <= titles

    contacts = EmergencyContacts.for_site(Site.objects.get(is_default_site=True))
    assert contacts.is_demo and contacts.safety_page.title == "Как скрыть посещение сайта"

    ru = client.get("/")
    assert ru.status_code == 200
    assert "Демонстрационная версия" in ru.content.decode()
    en = client.get("/en/")
    assert en.status_code == 200 and "Safe Childhood" in en.content.decode()
    for page in StandardPage.objects.live():
        assert client.get(page.url).status_code == 200, page.url


def test_load_demo_admin_uses_password_from_environment(demo_site, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "s3cret-demo-pass")
    call_command("load_demo", "--admin")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("s3cret-demo-pass")
    assert "s3cret-demo-pass" not in capsys.readouterr().out
    call_command("load_demo", "--admin")
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_load_demo_admin_prints_generated_password_once(demo_site, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    call_command("load_demo", "--admin")
    out = capsys.readouterr().out
    password = out.split("shown only this once): ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    call_command("load_demo", "--admin")
    assert password not in capsys.readouterr().out


def test_admin_login_page_is_served(client, demo_site):
    response = client.get("/admin/login/")
    assert response.status_code == 200
