"""Production refuses unsafe defaults (issue 9, defect 11).

With DEBUG off, an e-mail backend that never delivers (console, memory, dummy, files) or an
admin base URL on loopback is a system check error: ``check --deploy``, ``migrate`` (which
the image runs before gunicorn) and the task worker refuse to run. Development and the test
settings are not affected.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from safechildhood.core import production_checks

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "safechildhood.settings.base",
    "DEBUG": "0",
    "SECRET_KEY": "a-long-production-secret-key-for-this-test-only-0123456789",
    "REPORTS_ENCRYPTION_KEYS": "x0FcNDGkAlGPUgTgTppCBa2dZjeOmBjbVrvOilkCa7w=",
    "REPORTS_ESCROW_PUBLIC_KEY": "_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=",
    "ALLOWED_HOSTS": "deti.example.org",
}
GOOD = {
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
    "WAGTAILADMIN_BASE_URL": "https://deti.example.org",
}
UNSET = {*PRODUCTION, *GOOD, "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "ELASTICSEARCH_URL"}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base_env = {k: v for k, v in os.environ.items() if k not in UNSET}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env={**base_env, **env},
        cwd=ROOT,
        timeout=120,
    )


# --- In production: refused -----------------------------------------------------------------


def test_production_defaults_fail_the_checks():
    result = run_manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "core.E001" in result.stderr
    assert "console e-mail backend" in result.stderr
    assert "Set EMAIL_URL" in result.stderr
    assert "core.E002" in result.stderr
    assert "WAGTAILADMIN_BASE_URL is 'http://127.0.0.1:8000'" in result.stderr


def test_migrate_refuses_and_touches_nothing(tmp_path):
    """The image runs `migrate` before gunicorn: the container does not start."""
    database = tmp_path / "db.sqlite3"
    result = run_manage("migrate", "--noinput", **PRODUCTION, DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode != 0
    assert "core.E001" in result.stderr
    tables = sqlite3.connect(database).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == []


def test_check_deploy_passes_with_a_mail_server_and_a_public_address():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **GOOD)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_keeps_the_console(tmp_path):
    """`make run`: DEBUG on, console e-mail, 127.0.0.1 admin URL; nothing to refuse."""
    env = {"DJANGO_SETTINGS_MODULE": "safechildhood.settings.dev"}
    result = run_manage("check", **env, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr


def test_test_settings_silence_only_these_two(settings):
    assert {"core.E001", "core.E002"} <= set(settings.SILENCED_SYSTEM_CHECKS)
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


# --- The checks themselves ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        ("django.core.mail.backends.console.EmailBackend", "written to the server's output"),
        ("django.core.mail.backends.locmem.EmailBackend", "kept in memory"),
        ("django.core.mail.backends.dummy.EmailBackend", "thrown away"),
        ("django.core.mail.backends.filebased.EmailBackend", "written to files"),
    ],
)
def test_undelivering_mail_backends_are_errors(settings, backend, words):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend
    [error] = production_checks.check_email_backend()
    assert error.id == "core.E001"
    assert error.is_serious()
    assert words in error.msg
    assert "password-reset links" in error.msg
    assert "smtp+tls://" in error.hint


def test_smtp_is_fine(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert production_checks.check_email_backend() == []


def test_with_debug_on_nothing_is_refused(settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    assert production_checks.check_email_backend() == []
    assert production_checks.check_admin_base_url() == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "http://127.1.2.3/",
        "http://localhost:8000",
        "https://LOCALHOST",
        "http://admin.localhost",
        "http://[::1]:8000",
        "http://0.0.0.0:8000",
        "http://[::]/",
    ],
)
def test_loopback_admin_base_url_is_an_error(settings, url):
    settings.DEBUG = False
    settings.WAGTAILADMIN_BASE_URL = url
    [error] = production_checks.check_admin_base_url()
    assert error.id == "core.E002"
    assert "loopback" in error.msg
    assert "https://deti.example.org" in error.hint


@pytest.mark.parametrize("url", ["", "deti.example.org", "ftp://deti.example.org", "https://"])
def test_admin_base_url_must_be_an_absolute_web_address(settings, url):
    settings.DEBUG = False
    settings.WAGTAILADMIN_BASE_URL = url
    [error] = production_checks.check_admin_base_url()
    assert error.id == "core.E002"
    assert "not an absolute http(s) address" in error.msg


@pytest.mark.parametrize(
    "url", ["https://deti.example.org", "https://deti.example.org/", "http://10.0.0.5:8000"]
)
def test_public_or_intranet_admin_base_url_is_fine(settings, url):
    settings.DEBUG = False
    settings.WAGTAILADMIN_BASE_URL = url
    assert production_checks.check_admin_base_url() == []
