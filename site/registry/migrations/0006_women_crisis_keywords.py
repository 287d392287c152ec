"""«Насилие в семье» is how most people name domestic violence: the women's crisis
support kind gets the words «семье» and «семья» (as 0003 now seeds them), so the
phrase finds that kind first rather than the SOS services that mention families.
Only the seeded keywords are touched: a kind whose keywords editors have already
changed to include the words is left alone."""

from django.db import migrations

WORDS = ("семье", "семья")


def add_words(apps, schema_editor):
    ServiceKind = apps.get_model("registry", "ServiceKind")
    for kind in ServiceKind.objects.filter(code="women_crisis", locale__language_code="ru"):
        present = set(kind.keywords.split())
        missing = [word for word in WORDS if word not in present]
        if missing:
            kind.keywords = " ".join([kind.keywords.strip(), *missing]).strip()
            kind.save(update_fields=["keywords"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_servicecorrection")]

    operations = [migrations.RunPython(add_words, migrations.RunPython.noop)]
