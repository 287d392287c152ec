import pytest
from django.contrib.auth.models import Group

from tests.signin import make_user

SPECIALISTS = "Специалисты по обращениям"
COORDINATORS = "Координаторы"


@pytest.fixture
def specialist(db):
    """Reads reports: must use a second factor."""
    user = make_user("spec", is_staff=True)
    user.groups.add(Group.objects.get(name=SPECIALISTS))
    return user


@pytest.fixture
def coordinator(db):
    user = make_user("coord", is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATORS))
    return user


@pytest.fixture
def editor(db):
    """An admin user whose role does not require a second factor."""
    user = make_user("redaktor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def login(client, username: str, password: str, follow: bool = False, **extra):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        follow=follow,
        **extra,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []
