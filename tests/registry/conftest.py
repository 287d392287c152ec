"""Fixtures shared by the registry's tests."""

import pytest
from django.contrib.auth.models import Group

from safechildhood.registry.models import OrganizationMember

from .factories import OrganizationFactory


@pytest.fixture
def own_org():
    return OrganizationFactory(name="КЦСОН «Своя» (демо)")


@pytest.fixture
def provider(django_user_model, own_org):
    user = django_user_model.objects.create_user(
        "postavshchik", password="x", email="staff@example.org", first_name="Анна"
    )
    user.groups.add(Group.objects.get(name="Поставщики услуг"))
    OrganizationMember.objects.create(user=user, organization=own_org)
    return user
