"""Factories for reports and inbox users."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from safechildhood.requests import receipts, sealing
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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Sealed like a report sent from the site (`receipt_code` opens it for the reporter)."""
        code = kwargs.pop("receipt_code", None) or receipts.new_code()
        report = model_class(*args, **kwargs)
        key = sealing.prepare(report, code)
        report.save()
        sealing.seal_to_readers(report, key)
        return report


def for_bulk_create(**fields) -> Report:
    """An unsaved report with a key of its own, for `bulk_create` (its key is sealed to nobody)."""
    from django.utils import timezone

    from safechildhood.core import keys

    report = Report(**fields)
    report._new_report_key = keys.random_key()
    report.sealed_at = timezone.now()
    return report


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
