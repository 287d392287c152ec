"""An organisation has a list of phones (``OrganizationPhone``, edited inline) instead of one
``phone`` field. Every non-empty ``Organization.phone`` becomes its first phone (daytime);
going back, the first phone is copied back into the field."""

import uuid

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models

import safechildhood.registry.models


def copy_phones(apps, schema_editor):
    """One daytime phone per organisation that had a number.

    The copies of one organisation in other languages share its ``translation_key``: their
    phones share a new one too, so that wagtail-localize sees them as one phone translated.
    """
    Organization = apps.get_model("registry", "Organization")
    OrganizationPhone = apps.get_model("registry", "OrganizationPhone")
    keys: dict = {}
    phones = []
    for organization in Organization.objects.exclude(phone="").order_by("pk").iterator():
        number = organization.phone.strip()
        if not number:
            continue
        phones.append(
            OrganizationPhone(
                organization_id=organization.pk,
                locale_id=organization.locale_id,
                translation_key=keys.setdefault(organization.translation_key, uuid.uuid4()),
                number=number,
                kind="daytime",
                description="",
                sort_order=0,
            )
        )
    OrganizationPhone.objects.bulk_create(phones, batch_size=500)


def copy_first_phone_back(apps, schema_editor):
    Organization = apps.get_model("registry", "Organization")
    OrganizationPhone = apps.get_model("registry", "OrganizationPhone")
    first: dict[int, str] = {}
    rows = OrganizationPhone.objects.order_by("organization_id", "sort_order", "pk")
    for organization_id, number in rows.values_list("organization_id", "number").iterator():
        first.setdefault(organization_id, number)
    for organization_id, number in first.items():
        Organization.objects.filter(pk=organization_id).update(phone=number[:50])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_corrections_for_editors"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrganizationPhone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                ("number", models.CharField(max_length=50, verbose_name="Номер")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("hotline", "Горячая линия"),
                            ("daytime", "Днём, в рабочее время"),
                            ("out_of_hours", "Вечером, ночью и в выходные"),
                            ("mobile", "Мобильный"),
                        ],
                        default="daytime",
                        max_length=20,
                        verbose_name="Вид",
                    ),
                ),
                (
                    "description",
                    models.CharField(
                        blank=True,
                        help_text="Например, «бесплатно по России»",
                        max_length=255,
                        verbose_name="Пояснение",
                    ),
                ),
                (
                    "locale",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="locale",
                    ),
                ),
                (
                    "organization",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="registry.organization",
                    ),
                ),
            ],
            options={
                "verbose_name": "Телефон",
                "verbose_name_plural": "Телефоны",
                "ordering": ["sort_order", "pk"],
                "abstract": False,
                "unique_together": {("translation_key", "locale")},
            },
            bases=(safechildhood.registry.models.HSDSIdentifiedMixin, models.Model),
        ),
        migrations.RunPython(copy_phones, copy_first_phone_back),
        migrations.RemoveField(model_name="organization", name="phone"),
    ]
