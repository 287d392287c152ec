"""Dependencies that are down, as production would meet them (fixtures for every test).

Loaded as a plugin by ``tests/conftest.py``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def closed_port() -> int:
    """A loopback port where nothing listens (`TEST_CLOSED_PORT`, default 8109)."""
    port = int(os.environ.get("TEST_CLOSED_PORT", "8109"))
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            pytest.skip(f"something listens on 127.0.0.1:{port}; set TEST_CLOSED_PORT")
    return port


def production_settings(name: str, **env: str):
    """A value of `safechildhood.settings.base` for the given environment, as JSON data."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "REDIS_URL", "DATABASE_URL"}
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "safechildhood.settings.base",
            "SECRET_KEY": "x" * 50,
            "REPORTS_ENCRYPTION_KEYS": "x0FcNDGkAlGPUgTgTppCBa2dZjeOmBjbVrvOilkCa7w=",
            "REPORTS_ESCROW_PUBLIC_KEY": "_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=",
            **env,
        }
    )
    code = f"from django.conf import settings; import json; print(json.dumps(settings.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def dead_redis_caches() -> dict:
    """CACHES as production builds them from REDIS_URL, for a Redis that refuses connections."""
    return production_settings("CACHES", REDIS_URL=f"redis://127.0.0.1:{closed_port()}/1")


@pytest.fixture
def redis_down(settings, dead_redis_caches):
    settings.CACHES = dead_redis_caches
    yield
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.close()


@pytest.fixture(autouse=True)
def _no_outage_left_over():
    """The outage breaker and the Redis breakers are per process: no test may leave one open."""
    from safechildhood.core import cache as core_cache
    from safechildhood.core import outage

    yield
    outage.breaker.down_until, outage.breaker.in_outage = 0.0, False
    core_cache._circuits.clear()
