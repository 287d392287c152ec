"""Production settings: refuse to start without secrets; `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "REPORTS_ENCRYPTION_KEYS",
            "REPORTS_ESCROW_PUBLIC_KEY",
            "EMAIL_URL",
            "WAGTAILADMIN_BASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest
        }
    }
    base_env.update({"DJANGO_SETTINGS_MODULE": "safechildhood.settings.base", **env})
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=base_env,
        cwd=ROOT,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "refuses to start" in result.stderr


def test_production_check_deploy_has_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="deti.example.org",
        REPORTS_ENCRYPTION_KEYS="x0FcNDGkAlGPUgTgTppCBa2dZjeOmBjbVrvOilkCa7w=",
        REPORTS_ESCROW_PUBLIC_KEY="_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=",
        EMAIL_URL="smtp+tls://portal:secret@smtp.example.org:587",
        WAGTAILADMIN_BASE_URL="https://deti.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_recaptcha_check_is_silenced_only_without_keys():
    from django.conf import settings

    assert not settings.RECAPTCHA_ENABLED
    assert "django_recaptcha.recaptcha_test_key_error" in settings.SILENCED_SYSTEM_CHECKS
    assert not hasattr(settings, "RECAPTCHA_PUBLIC_KEY")

    code = (
        "from django.conf import settings;"
        "print(settings.RECAPTCHA_ENABLED,"
        " 'django_recaptcha.recaptcha_test_key_error' in settings.SILENCED_SYSTEM_CHECKS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django;django.setup();{code}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "safechildhood.settings.test",
            "RECAPTCHA_PUBLIC_KEY": "pub",
            "RECAPTCHA_PRIVATE_KEY": "priv",
        },
    )
    assert result.stdout.strip() == "True False", result.stderr


def test_search_backend_stems_russian_words_on_both_databases(db):
    from django.conf import settings
    from wagtail.search.backends import get_search_backend

    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    if settings.IS_POSTGRES:
        assert backend["SEARCH_CONFIG"] == "russian"
    else:
        from search.sqlite import RussianSQLiteSearchBackend

        assert backend["BACKEND"] == "search.sqlite"
        assert isinstance(get_search_backend(), RussianSQLiteSearchBackend)


def test_search_engine_is_the_database_unless_elasticsearch_is_configured():
    from django.conf import settings

    assert settings.SEARCH_ENGINE == (
        "search.elastic.engine.ElasticEngine"
        if settings.ELASTICSEARCH_URL
        else "search.database.DatabaseEngine"
    )


def test_time_zone_and_languages():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "ru"
    assert [code for code, _ in settings.LANGUAGES] == ["ru", "en"]
    assert settings.TIME_ZONE == os.environ.get("TIME_ZONE", "Europe/Moscow")


@pytest.mark.skipif(not os.environ.get("REDIS_URL_FOR_TESTS"), reason="REDIS_URL_FOR_TESTS unset")
def test_redis_cache_configured_from_redis_url_round_trips():
    """With REDIS_URL the cache is the real Redis (CI sets REDIS_URL_FOR_TESTS)."""
    code = (
        "from django.core.cache import caches;"
        "cache = caches['default'];"
        "cache.set('ci-probe', 'ок', 5);"
        "print(type(cache).__name__, cache.get('ci-probe'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django;django.setup();{code}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "safechildhood.settings.dev",
            "REDIS_URL": os.environ["REDIS_URL_FOR_TESTS"],
        },
    )
    assert result.stdout.strip() == "ResilientRedisCache ок", result.stderr
