"""Long commands show progress (``core.progress``): a bar in a terminal, plain lines and
the summary elsewhere (issue 14, point 6)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from safechildhood.core.progress import Progress
from tests.factories import StandardPageFactory
from tests.registry.factories import DistrictFactory, LocationFactory, ServiceFactory
from tests.search.test_elastic_indexing import elastic  # noqa: F401 (a fixture)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_and_summary_outside_a_terminal():
    out = io.StringIO()
    with Progress(OutputWrapper(out), 30, "Службы") as progress:
        for _item in progress.track(range(30)):
            pass
        progress.finish("Записано: 30.")
    text = out.getvalue()
    assert "\r" not in text and "█" not in text
    lines = text.splitlines()
    assert lines[0] == "Службы: начало, всего 30"
    assert "Службы: 3/30" in lines and lines.count("Службы: 30/30") == 1
    assert len(lines) <= 15  # about ten progress lines, not thirty
    assert lines[-2] == "Записано: 30."
    assert lines[-1].startswith("Службы: готово, 30 за ")


def test_a_bar_in_a_terminal():
    out = FakeTerminal()
    with Progress(OutputWrapper(out), 5, "Службы") as progress:
        for _item in progress.track(range(5)):
            pass
        progress.finish("Записано: 5.")
    text = out.getvalue()
    assert "\r" in text and "5/5" in text and "100%" in text  # tqdm's bar
    assert "начало, всего" not in text  # no plain lines
    assert text.rstrip().splitlines()[-2:][0].endswith("Записано: 5.")


def test_unknown_total_still_counts():
    out = io.StringIO()
    progress = Progress(out, None, "Документы")
    progress.advance(250)
    progress.finish()
    assert "Документы: начало, всего ?" in out.getvalue()
    assert "Документы: 250" in out.getvalue()


def test_the_bar_is_closed_when_the_work_fails():
    out = FakeTerminal()
    with pytest.raises(RuntimeError), Progress(out, 3, "Службы") as progress:
        progress.advance()
        raise RuntimeError
    assert progress.bar is None


# --- the commands --------------------------------------------------------------------------------


@pytest.fixture
def hsds_file(tmp_path, home):
    service = {
        "id": "progress-test-1",
        "name": "Служба для проверки прогресса (демо)",
        "description": "Проверка.",
        "status": "active",
        "organization": {"id": "progress-org", "name": "Организация (демо)"},
        "service_areas": [],
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(service, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_hsds_plain_lines_and_summary(hsds_file):
    out = io.StringIO()
    call_command("import_hsds", str(hsds_file), "--apply", stdout=out)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert "Проверка: 1/1" in lines and "Запись: 1/1" in lines
    assert any(line.startswith("Записано: новых служб 1") for line in lines)
    assert lines[-1].startswith("Запись: готово, 1 за ")


@pytest.mark.django_db
def test_import_hsds_draws_a_bar_in_a_terminal(hsds_file):
    out = FakeTerminal()
    call_command("import_hsds", str(hsds_file), "--apply", stdout=out)
    assert "\r" in out.getvalue() and "100%" in out.getvalue()
    assert "Записано: новых служб 1" in out.getvalue()


@pytest.mark.django_db
def test_export_hsds_bar_and_plain_lines(tmp_path, hsds_file):
    call_command("import_hsds", str(hsds_file), "--apply", stdout=io.StringIO())
    plain = io.StringIO()
    call_command("export_hsds", "-o", str(tmp_path / "a.zip"), stdout=plain)
    assert "Служб: 1/1" in plain.getvalue().splitlines()
    assert "\r" not in plain.getvalue() and "Записано в" in plain.getvalue()
    terminal = FakeTerminal()
    call_command("export_hsds", "-o", str(tmp_path / "b.zip"), stdout=terminal)
    assert "\r" in terminal.getvalue() and "100%" in terminal.getvalue()


@pytest.mark.django_db
def test_generate_registry_shows_progress(home):
    out = io.StringIO()
    call_command("generate_registry", "--services", "20", "--districts", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert "Services: 20/20" in lines and "Search index: 20/20" in lines
    assert lines[-1] == "Generated 20 services in 2 districts."


@pytest.mark.django_db
@pytest.mark.usefixtures("elastic")
def test_search_index_rebuild_shows_progress(home):
    StandardPageFactory(parent=home)
    LocationFactory(service=ServiceFactory(), district=DistrictFactory())
    plain = io.StringIO()
    call_command("search_index", "--rebuild", "--language", "ru", stdout=plain)
    lines = plain.getvalue().splitlines()
    assert "test-ru: начало, всего 2" in lines and "test-ru: 2/2" in lines
    assert "2 documents" in lines[-2] and lines[-1].startswith("test-ru: готово, 2 за ")
    terminal = FakeTerminal()
    call_command("search_index", "--rebuild", "--language", "ru", stdout=terminal)
    assert "\r" in terminal.getvalue() and "100%" in terminal.getvalue()
