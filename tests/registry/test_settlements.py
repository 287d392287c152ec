"""The gazetteer as editors keep it: the admin's «Населённые пункты», the CSV import
(``manage.py import_settlements``) with its problems by row, and the demo (create only)."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from safechildhood.registry import demo
from safechildhood.registry.importing import settlements
from safechildhood.registry.models import District, Settlement

from .factories import DistrictFactory

pytestmark = pytest.mark.django_db

HEADER = "Название;Тип;Район;Широта;Долгота;Другие написания\n"


@pytest.fixture
def sokol(db):
    return DistrictFactory(
        name="Сокольский округ", slug="sokolskiy", latitude=59.476, longitude=40.111
    )


def write(tmp_path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "places.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_import_creates_then_updates_without_duplicates(tmp_path, sokol):
    text = HEADER + "Кадников;город;Сокольский округ;59,5034;40,3438;Кадникова\n"
    text += 'Сокол;г;sokolskiy;59.4758;40.1114;"Сокол-город; Сокол вологодский"\n'
    path = write(tmp_path, text, "cp1251")  # Russian Excel's plain CSV
    out = StringIO()
    call_command("import_settlements", str(path), stdout=out)
    assert "Пробный прогон" in out.getvalue()
    assert not Settlement.objects.exists()
    call_command("import_settlements", str(path), "--apply", stdout=out)
    kadnikov = Settlement.objects.get(name="Кадников")
    assert (kadnikov.kind, kadnikov.district, kadnikov.latitude) == ("city", sokol, 59.5034)
    assert Settlement.objects.get(name="Сокол").spellings() == [
        "Сокол",
        "Сокол-город",
        "Сокол вологодский",
    ]
    write(tmp_path, HEADER + "кадников;город;Сокольский округ;59.51;40.35;\n")
    call_command("import_settlements", str(path), "--apply", stdout=StringIO())
    assert Settlement.objects.filter(district=sokol).count() == 2
    assert Settlement.objects.get(slug="kadnikov").latitude == 59.51


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(tmp_path, sokol):
    text = HEADER + (
        "Кадников;город;Сокольский округ;59.5;40.3;\n"
        "Нетакой;город;Несуществующий округ;59.5;40.3;\n"
        "Широтный;город;Сокольский округ;159.5;40.3;\n"
        "Буквенный;город;Сокольский округ;север;40.3;\n"
        ";село;Сокольский округ;59.5;40.3;\n"
        "Странный;хутор-мутор;Сокольский округ;59.5;40.3;\n"
        "Кадников;город;sokolskiy;59.5;40.3;\n"
    )
    out = StringIO()
    with pytest.raises(CommandError, match="ничего не записано"):
        call_command("import_settlements", str(write(tmp_path, text)), "--apply", stdout=out)
    report = out.getvalue()
    for expected in [
        "строка 3 · district: район «Несуществующий округ» не найден в справочнике «Районы»",
        "строка 4 · latitude: вне пределов −90…90",
        "строка 5 · latitude: ожидается число, получено «север»",
        "строка 6 · name: пустая ячейка: обязательно",
        "строка 7 · kind: непонятный тип «хутор-мутор»",
        "строка 8 · name: повтор: «Кадников» в этом районе уже есть в строка 2",
    ]:
        assert expected in report, expected
    assert not Settlement.objects.exists()


def test_files_that_are_not_a_gazetteer_are_refused(tmp_path, sokol):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04 binary")
    assert "сохраните таблицу как CSV" in settlements.plan(path.read_bytes()).problems[0].message
    result = settlements.plan("external_id;name\n1;Служба\n".encode())
    assert result.errors[0].message == "нет обязательных колонок: это не справочник"


def test_demo_gazetteer_covers_every_district_and_is_create_only(demo_site):
    rows = json.loads((demo.DATA / "districts.json").read_text(encoding="utf-8"))
    for row in rows:
        assert Settlement.objects.filter(district__slug=row["slug"]).exists(), row["name"]
    assert not Settlement.objects.filter(is_demo=False).exists()
    for name in ["Кадников", "Шексна", "Чагода", "Сокол", "Тотьма", "Великий Устюг"]:
        assert Settlement.objects.filter(name=name).exists(), name
    sokol = Settlement.objects.get(name="Сокол")
    sokol.latitude = 59.4
    sokol.save()
    count = Settlement.objects.count()
    demo.load()
    assert Settlement.objects.count() == count
    assert Settlement.objects.get(name="Сокол").latitude == 59.4


def test_demo_coordinates_are_near_their_districts():
    """A wrong digit would put a town in another district: each demo place is within
    60 km of its district's point (the districts' points are themselves approximate)."""
    import math

    centres = {
        row["slug"]: (row["latitude"], row["longitude"])
        for row in json.loads((demo.DATA / "districts.json").read_text(encoding="utf-8"))
    }
    with (demo.DATA / "settlements.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file, delimiter=";"):
            lat0, lon0 = centres[row["district"]]
            lat, lon = float(row["latitude"]), float(row["longitude"])
            dx = (lon - lon0) * 111.3 * math.cos(math.radians(lat0))
            dy = (lat - lat0) * 111.3
            assert math.hypot(dx, dy) < 60, row["name"]


def test_editors_manage_settlements_in_the_admin(client, django_user_model, sokol):
    editor = django_user_model.objects.create_user("redaktor", password="x")
    editor.groups.add(Group.objects.get(name="Редакторы реестра"))
    client.force_login(editor)
    viewset = Settlement.snippet_viewset
    response = client.post(
        reverse(viewset.get_url_name("add")),
        {
            "name": "Кадников",
            "kind": "city",
            "district": sokol.pk,
            "latitude": "59.5034",
            "longitude": "40.3438",
            "other_names": "Кадникова",
            "slug": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    place = Settlement.objects.get(name="Кадников")
    assert place.slug == "kadnikov"
    listing = client.get(reverse(viewset.get_url_name("list")), {"q": "Кадник"})
    assert "Кадников" in listing.content.decode()
    assert District.objects.filter(settlements=place).exists()
