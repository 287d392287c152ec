"""Factories for reports and inbox users."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from safechildhood.requests.models import Category, DangerNow, InboxScope, Report, Status
from tests.registry.factories import DistrictFactory
from tests.signin import staff_password

SPECIALISTS = "Специалисты по обращениям"
COORDINATORS = "Координаторы"


class ReportFactory(factory.django.DjangoModelFactory):
    category = Category.NEGLECT
    description = factory.Sequence(lambda n: f"Дети во дворе одни допоздна, случай {n}")
    district = factory.SubFactory(DistrictFactory)
    danger_now = DangerNow.NO
    urgent = False
    status = Status.NEW
    receipt_lookup = "00000000"

    class Meta:
        model = Report


def make_staff(username: str, group: str, districts=()) -> object:
    """An active staff user in one of the inbox groups, scoped to `districts`."""
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=staff_password(username), is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    if districts:
        scope = InboxScope.objects.create(user=user)
        scope.districts.set(districts)
    return user
