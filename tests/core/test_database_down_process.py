"""The production WSGI application in its own process, with PostgreSQL at a closed port.

No mocks: ``safechildhood.settings.base`` builds the database settings from
``DATABASE_URL``, the application is called as gunicorn would call it, and every
page must be the 503 outage page (a plain test of behaviour, not of speed: the
time a dead database costs is measured in ``bench/db_outage.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.outages import ROOT, closed_port

SCRIPT = r"""
import json, sys
from wsgiref.util import setup_testing_defaults

from safechildhood.wsgi import application  # what gunicorn loads
results = []
for method, path in json.loads(sys.argv[1]):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "deti.example.org",
               "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "203.0.113.77"}
    if method == "POST":
        import io
        body = b"description=%D0%94%D0%B5%D1%82%D0%B8+%D0%BE%D0%B4%D0%BD%D0%B8&category=neglect"
        environ.update({"CONTENT_TYPE": "application/x-www-form-urlencoded",
                        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)})
    setup_testing_defaults(environ)
    captured = {}
    def start_response(status, headers, exc_info=None):
        captured.update(status=status, headers=dict(headers))
    body = b"".join(application(environ, start_response)).decode()
    results.append({"path": path, "body": body, **captured})
print(json.dumps(results))
"""

REQUESTS = [
    ("GET", "/"),
    ("GET", "/services/"),
    ("GET", "/report/"),
    ("GET", "/en/report/form/"),
    ("POST", "/report/form/"),
    ("GET", "/healthz"),
]


def static_root(tmp: Path) -> Path:
    """What `collectstatic` leaves for our own files: a manifest naming each (unhashed)."""
    source = ROOT / "site" / "static"
    paths = {str(p.relative_to(source)): str(p.relative_to(source)) for p in source.rglob("*")}
    (tmp / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))
    return tmp


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[str, dict]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="safechildhood.settings.base",
        SECRET_KEY="x" * 50,
        REPORTS_ENCRYPTION_KEYS="x0FcNDGkAlGPUgTgTppCBa2dZjeOmBjbVrvOilkCa7w=",
        REPORTS_ESCROW_PUBLIC_KEY="_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=",
        ALLOWED_HOSTS="deti.example.org",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/safechildhood",
        STATIC_ROOT=str(static_root(tmp_path_factory.mktemp("static"))),
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(REQUESTS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {
        "stderr": result.stderr,
        **{row["path"]: row for row in json.loads(result.stdout.strip().splitlines()[-1])},
    }


@pytest.mark.parametrize("path", ["/", "/services/", "/report/", "/en/report/form/"])
def test_every_page_is_the_outage_page(answers, path):
    answer = answers[path]
    assert answer["status"].startswith("503"), answer["body"][:2000]
    assert answer["headers"]["Retry-After"] == "30"
    page = BeautifulSoup(answer["body"], "html.parser")
    assert page.select("a[href='tel:112']") and page.select("a[href='tel:88002000122']")
    assert page.select_one("a[data-quick-exit]")
    assert page.select_one("link[rel=stylesheet]")["href"] == "/static/css/site.css"


def test_english_by_url_prefix(answers):
    page = BeautifulSoup(answers["/en/report/form/"]["body"], "html.parser")
    assert page.html["lang"] == "en"
    assert "temporarily" in page.h1.get_text()


def test_what_was_posted_comes_back(answers):
    page = BeautifulSoup(answers["/report/form/"]["body"], "html.parser")
    kept = page.select_one("main form input[name=description]")
    assert kept["value"] == "Дети одни"


def test_healthz_says_503(answers):
    answer = answers["/healthz"]
    assert answer["status"].startswith("503")
    assert json.loads(answer["body"])["db"] == "error"


def test_one_warning_and_no_visitor_address_in_the_log(answers):
    log = answers["stderr"]
    assert log.count("Database unavailable") == 1
    assert "203.0.113.77" not in log
    assert "Traceback" not in log
