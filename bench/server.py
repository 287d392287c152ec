"""Run the real site under gunicorn on loopback for the HTTP benchmarks and the load test.

Production settings (DEBUG off, ManifestStaticFilesStorage, WhiteNoise), PostgreSQL and
Redis from the environment (defaults: the database ``safechildhood_bench``, created when
missing, and Redis db 4), the demo content, the project's ``gunicorn.conf.py`` when present (else
bench/gunicorn_fallback.py), BENCH_WORKERS workers (2) and any BENCH_GUNICORN_ARGS. Only
ever bound to 127.0.0.1; the server is stopped whatever happens (``with running_server``).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PYTHON = sys.executable

# Public, bench-only secrets: this server never holds real data.
BENCH_SECRET_KEY = "bench-only-insecure-key-never-use-in-production"  # noqa: S105
BENCH_FERNET_KEY = "Yp8oM2kqg3Jq3oH8m3d8e0zWc5y7sK1vJ6nq2N9a0bQ="


def environment(**overrides: str) -> dict[str, str]:
    """The server's environment: production settings, told they are on loopback."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safechildhood_bench"
        ),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"),
        SECRET_KEY=BENCH_SECRET_KEY,
        REPORTS_ENCRYPTION_KEYS=BENCH_FERNET_KEY,
        REPORTS_ESCROW_PUBLIC_KEY="_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback
        EMAIL_URL="smtp://127.0.0.1:8409",  # nothing is sent: no worker runs
        WAGTAILADMIN_BASE_URL="https://deti.example.org",
        STATIC_ROOT=str(OUT / "static"),
        LOG_LEVEL="WARNING",
        BENCH_BODIES=str(OUT / "bodies"),
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def create_database(url: str) -> None:
    """Create the bench database on its server unless it exists (a fresh machine has none)."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    server = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def prepare(env: dict[str, str]) -> None:
    """Migrate, load the demo content, collect static files (all idempotent)."""
    OUT.mkdir(parents=True, exist_ok=True)
    create_database(env["DATABASE_URL"])
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("load_demo", "--verbosity", "0", env=env)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)


def flush_cache(env: dict[str, str]) -> None:
    """Empty the bench's own Redis database (pages, rate-limit counters)."""
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def gunicorn_command(port: int, workers: int) -> list[str]:
    config = ROOT / "gunicorn.conf.py"
    if not config.exists():
        config = ROOT / "bench" / "gunicorn_fallback.py"
    return [
        PYTHON,
        "-m",
        "gunicorn",
        "--config",
        str(config),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *shlex.split(os.environ.get("BENCH_GUNICORN_ARGS", "")),  # e.g. "--threads 4"
        "safechildhood.wsgi:application",
    ]


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base}/healthz", timeout=2) as response,  # noqa: S310
        ):
            if response.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on {base} within {timeout} s")


@contextlib.contextmanager
def running_server(port: int, env: dict[str, str], log_name: str) -> Iterator[str]:
    """gunicorn on 127.0.0.1:port for the duration of the block; always stopped."""
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    log = (OUT / f"{log_name}.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        gunicorn_command(port, workers),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
