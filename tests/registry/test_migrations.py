"""Data migrations: their RunPython functions on the models as the migration sees them.

The test database is at the latest schema, so the column a data migration reads
(``registry_organization.phone``, removed by 0008) is added back for the test
with plain SQL; the test's transaction rolls it back with everything else.
"""

import importlib
import uuid

import pytest
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader

from safechildhood.registry.models import Organization, OrganizationPhone

pytestmark = pytest.mark.django_db

APP, NAME = "registry", "0008_organization_phones"


def apps_at_run_python(app: str, name: str):
    """The historical models at the migration's RunPython step (after its earlier operations)."""
    loader = MigrationLoader(connection)
    state = loader.project_state((app, name), at_end=False)
    for operation in loader.get_migration(app, name).operations:
        if isinstance(operation, RunPython):
            return state.apps
        operation.state_forwards(app, state)
    raise AssertionError(f"{name} has no RunPython")


@pytest.fixture
def old_schema():
    """``Organization.phone`` as it was before 0008 (in this test's transaction only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE registry_organization ADD COLUMN phone varchar(50) NOT NULL DEFAULT ''"
        )
    return apps_at_run_python(APP, NAME)


def test_0008_copies_each_phone_into_an_organization_phone_and_back(old_schema):
    migration = importlib.import_module(f"safechildhood.registry.migrations.{NAME}")
    apps = old_schema
    Locale = apps.get_model("wagtailcore", "Locale")
    OldOrganization = apps.get_model("registry", "Organization")
    ru = Locale.objects.get_or_create(language_code="ru")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    key = uuid.uuid4()
    kcson = OldOrganization.objects.create(
        name="КЦСОН (демо)", phone=" 8 (000) 000-00-01 ", locale=ru, translation_key=key
    )
    english = OldOrganization.objects.create(
        name="KCSON (demo)", phone="8 (000) 000-00-01", locale=en, translation_key=key
    )
    other = OldOrganization.objects.create(
        name="Центр (демо)", phone="8 (000) 000-00-02", locale=ru, translation_key=uuid.uuid4()
    )
    silent = OldOrganization.objects.create(
        name="Без телефона (демо)", phone="", locale=ru, translation_key=uuid.uuid4()
    )
    blank = OldOrganization.objects.create(
        name="Пробелы (демо)", phone="   ", locale=ru, translation_key=uuid.uuid4()
    )

    migration.copy_phones(apps, None)

    phones = {phone.organization_id: phone for phone in OrganizationPhone.objects.all()}
    assert set(phones) == {kcson.pk, english.pk, other.pk}
    first = phones[kcson.pk]
    assert (first.number, first.kind, first.description, first.sort_order) == (
        "8 (000) 000-00-01",
        "daytime",
        "",
        0,
    )
    assert first.locale_id == ru.pk and phones[english.pk].locale_id == en.pk
    assert first.translation_key not in (key, phones[other.pk].translation_key)
    # The English copy's phone is the translation of the Russian one.
    assert phones[english.pk].translation_key == first.translation_key
    assert [p.number for p in Organization.objects.get(pk=other.pk).phones.all()] == [
        "8 (000) 000-00-02"
    ]
    assert not OrganizationPhone.objects.filter(organization_id__in=[silent.pk, blank.pk])

    # Backwards: the first phone (by sort order) goes back into the field.
    OldOrganization.objects.update(phone="")
    OrganizationPhone.objects.create(
        organization_id=kcson.pk, locale_id=ru.pk, number="8 (000) 000-00-09", sort_order=1
    )
    OrganizationPhone.objects.filter(pk=first.pk).update(sort_order=2)
    migration.copy_first_phone_back(apps, None)
    numbers = dict(OldOrganization.objects.values_list("pk", "phone"))
    assert numbers == {
        kcson.pk: "8 (000) 000-00-09",
        english.pk: "8 (000) 000-00-01",
        other.pk: "8 (000) 000-00-02",
        silent.pk: "",
        blank.pk: "",
    }
