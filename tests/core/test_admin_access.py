"""Admin users see and change registry entries only with the registry's permissions.

wagtail-localize and Wagtail's snippet choosers ask for no model permission of their
own: any admin user (a news editor, an inbox specialist) could list every service and
organisation through them, and a news editor (who may submit pages for translation)
could translate or sync-and-publish any service. Each endpoint is checked here as a
news editor (who may *see* services, to choose them for an article), an inbox
specialist (no registry permission) and a registry editor (everything).
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import URLResolver, get_resolver, reverse
from wagtail.models import Locale
from wagtail.snippets.models import get_snippet_models
from wagtail_localize.models import TranslationSource

from safechildhood.registry.models import Organization, Service
from tests.registry.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SERVICE = "Служба «Альфа» (черновик)"
ORGANISATION = "Организация «Омега»"


def make_user(username: str, group: str):
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def users(db):
    return {
        "news": make_user("news", "Редакторы"),
        "specialist": make_user("specialist", "Специалисты по обращениям"),
        "registry": make_user("registry", "Редакторы реестра"),
    }


@pytest.fixture
def entries(home, users, client):
    """A draft service and an organisation (not the service's), both submitted for
    translation. (A service's own organisation is part of the service: whoever may
    see the service sees its name.)"""
    organisation = OrganizationFactory(name=ORGANISATION, alternate_name="")
    service = ServiceFactory(name=SERVICE, live=False)
    english = Locale.objects.get_or_create(language_code="en")[0]
    client.force_login(users["registry"])
    for model, obj in (("organization", organisation), ("service", service)):
        url = reverse(
            "wagtail_localize:submit_snippet_translation", args=["registry", model, obj.pk]
        )
        assert client.post(url, {"locales": [english.pk]}).status_code == 302
    client.logout()
    return service, organisation


def api(model: str, pk: int | None = None) -> str:
    tail = f"{pk}/" if pk else ""
    return f"/admin/localize/api/snippets/registry/{model}/{tail}"


def chooser(model: str, view: str = "") -> str:
    return f"/admin/snippets/choose/registry/{model}/{view}"


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# --- wagtail-localize's snippet API ---------------------------------------------------------


def test_snippet_api_refuses_users_without_the_models_permissions(client, users, entries):
    service, organisation = entries
    for who in ("specialist", "news"):
        client.force_login(users[who])
        for url in (api("organization"), api("organization", organisation.pk)):
            response = client.get(url)
            assert response.status_code == 403, (who, url)
            assert ORGANISATION not in text(response)
    client.force_login(users["specialist"])
    for url in (api("service"), api("service", service.pk)):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url  # the admin makes a 403 a redirect
        assert SERVICE not in text(response)


def test_snippet_api_serves_those_who_may_see_the_model(client, users, entries):
    service, organisation = entries
    client.force_login(users["news"])  # may view services: chooses them for news
    titles = [row["title"] for row in client.get(api("service")).json()]
    assert SERVICE in titles
    client.force_login(users["registry"])
    titles = [row["title"] for row in client.get(api("organization")).json()]
    assert ORGANISATION in titles
    assert client.get(api("service", service.pk)).json()["title"] == SERVICE


# --- Wagtail's snippet choosers ------------------------------------------------------------


@pytest.mark.parametrize("view", ["", "results/", "chosen/{pk}/", "chosen-multiple/?id={pk}"])
def test_choosers_refuse_users_without_the_models_permissions(client, users, entries, view):
    service, organisation = entries
    cases = [
        ("specialist", "service", service, SERVICE),
        ("specialist", "organization", organisation, ORGANISATION),
        ("news", "organization", organisation, ORGANISATION),
    ]
    for who, model, obj, title in cases:
        client.force_login(users[who])
        response = client.get(chooser(model, view.format(pk=obj.pk)))
        assert response.status_code in (302, 403), (who, model, view)
        assert title not in text(response), (who, model, view)


def test_choosers_serve_those_who_may_see_the_model(client, users, entries):
    client.force_login(users["news"])
    assert SERVICE in text(client.get(chooser("service", "results/")))
    client.force_login(users["registry"])
    assert ORGANISATION in text(client.get(chooser("organization", "results/")))
    assert SERVICE in text(client.get(chooser("service", "results/")))


def test_every_snippet_chooser_is_guarded(client, users):
    """A snippet model added later gets the same check (or this test says which)."""
    client.force_login(users["specialist"])
    for model in get_snippet_models():
        url = chooser(model._meta.model_name).replace("registry", model._meta.app_label)
        assert client.get(url).status_code in (302, 403), model


# --- wagtail-localize's translation views ----------------------------------------------------


def test_translations_report_lists_only_what_the_user_may_see(client, users, entries):
    report = "/admin/localize/reports/translations/"
    client.force_login(users["specialist"])  # no translation work at all
    assert client.get(report).status_code in (302, 403)
    assert report not in text(client.get("/admin/"))
    client.force_login(users["news"])
    for url in (report, report + "results/"):
        body = text(client.get(url))
        assert SERVICE in body and ORGANISATION not in body, url
    client.force_login(users["registry"])
    body = text(client.get(report + "results/"))
    assert SERVICE in body and ORGANISATION in body


def test_news_editors_cannot_translate_or_sync_registry_entries(client, users, entries):
    service, organisation = entries
    english = Locale.objects.get(language_code="en")
    translated = set(Organization.objects.filter(locale=english).values_list("pk", flat=True))
    client.force_login(users["news"])
    for model, obj in (("service", service), ("organization", organisation)):
        url = reverse(
            "wagtail_localize:submit_snippet_translation", args=["registry", model, obj.pk]
        )
        # Refused as the admin refuses: back to the dashboard with a message.
        assert client.get(url).status_code == 302, model
        assert client.post(url, {"locales": [english.pk]}).status_code == 302, model
        source = TranslationSource.objects.get_for_instance(obj)
        update = reverse("wagtail_localize:update_translations", args=[source.pk])
        assert client.get(update).status_code == 302, model
        response = client.post(update, {"publish_translations": "on"})
        assert response.status_code == 302, model
    assert not Service.objects.filter(locale=english, live=True).exists()
    assert set(Organization.objects.filter(locale=english).values_list("pk", flat=True)) == (
        translated
    )
    untranslated = ServiceFactory(name="Служба «Бета»")
    url = reverse(
        "wagtail_localize:submit_snippet_translation", args=["registry", "service", untranslated.pk]
    )
    client.post(url, {"locales": [english.pk]})
    assert not Service.objects.filter(translation_key=untranslated.translation_key, locale=english)


def test_registry_editors_still_sync_and_publish_translations(client, users, entries):
    service, _organisation = entries
    client.force_login(users["registry"])
    source = TranslationSource.objects.get_for_instance(service)
    update = reverse("wagtail_localize:update_translations", args=[source.pk])
    assert client.get(update).status_code == 200
    assert client.post(update, {}).status_code == 302


# --- A sweep over the admin's URLs -----------------------------------------------------------


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


SWEPT = ("admin/localize/", "admin/snippets/", "admin/chooser/", "admin/api/", "admin/reports/")


def _filled(route: str, model: str, pk: int) -> str | None:
    """A route with its parameters filled in for one object; None for regex routes."""
    route = route.replace("<slug:app_label>", "registry").replace("<slug:model_name>", model)
    route = re.sub(r"<(?:int|str|path):(?:pk|object_id|[a-z_]*_id)>", str(pk), route)
    route = re.sub(r"<[^>]+>", "1", route)
    return None if re.search(r"[\\^$()?]", route) else "/" + route


@pytest.mark.parametrize("who", ["news", "specialist"])
def test_no_admin_endpoint_shows_what_the_user_may_not_see(client, users, entries, who):
    service, organisation = entries
    secrets = [ORGANISATION] + ([SERVICE] if who == "specialist" else [])
    routes = [r for r in _routes(get_resolver().url_patterns) if r.startswith(SWEPT)]
    assert len(routes) > 40
    client.force_login(users[who])
    checked = 0
    for model, obj in (("service", service), ("organization", organisation)):
        for url in filter(None, {_filled(r, model, obj.pk) for r in routes}):
            response = client.get(url)
            assert response.status_code < 500, url
            body = text(response)
            for secret in secrets:
                assert secret not in body, (who, url, secret)
            checked += 1
    assert checked > 80


@pytest.mark.parametrize("who", ["news", "specialist"])
def test_snippet_workflow_views_refuse_whom_may_not_change_the_entry(client, users, entries, who):
    """Wagtail's snippet workflow views (act on a task, collect its data, confirm a
    cancellation, preview a task's revision) ask for no permission before they name the
    entry in a message («Служба '…' в настоящее время не ожидает модерации…»), which the
    next admin page shows. The URL sweep above met this only in some orders."""
    from wagtail.models import Task

    service, _organisation = entries
    task = Task.objects.first()
    assert task is not None
    names = {
        "workflow_preview": [service.pk, task.pk],
        "workflow_action": [service.pk, "approve", 1],
        "collect_workflow_action_data": [service.pk, "approve", 1],
        "confirm_workflow_cancellation": [service.pk],
    }
    client.force_login(users[who])
    for name, args in names.items():
        url = reverse(service.snippet_viewset.get_url_name(name), args=args)
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url  # the admin makes a 403 a redirect
        assert SERVICE not in text(response) + text(client.get("/admin/")), (url, who)
