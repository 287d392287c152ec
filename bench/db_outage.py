"""How long a visitor waits when PostgreSQL is down (issue 9, defect 2).

Runs the production settings under gunicorn (2 sync workers, as the issue's test)
on 127.0.0.1 and times real HTTP requests while the database is unreachable in
three ways:

* ``refused``: nothing listens on the database port (a stopped server);
* ``hung``: a socket accepts the connection and never answers (a frozen server, a
  half-dead proxy or network path);
* ``dns``: ``DATABASE_URL`` names a host whose DNS server does not answer (the
  database's host or container is gone). Needs root and ``unshare``: gunicorn runs
  in a private mount namespace whose ``/etc/resolv.conf`` names a server that
  drops queries (192.0.2.53, TEST-NET-1); the machine's own file is not touched.

Usage::

    .venv/bin/python bench/db_outage.py            # this checkout
    .venv/bin/python bench/db_outage.py --source /path/to/other/checkout
    .venv/bin/python bench/db_outage.py --healthy-url postgres://…/migrated_db --preload

``--source`` runs another checkout's code (e.g. the commit before the fix) with
this virtualenv. Nothing here is a test: it prints a table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "8101"))
TARPIT_PORT = int(os.environ.get("BENCH_TARPIT_PORT", "8107"))
CLOSED_PORT = int(os.environ.get("BENCH_CLOSED_PORT", "8108"))
PAGES = ["/", "/services/", "/report/", "/en/report/form/", "/search/?q=медиация"]


class Tarpit:
    """Accepts TCP connections and never says a word (a frozen database server)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_server(("127.0.0.1", port), backlog=128)
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self.sock.accept()
                self.held.append(conn)

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()


def python_path(source: Path, scratch: Path) -> str:
    """Import `safechildhood` and `search` from `source` instead of the editable install."""
    link = scratch / "pkgs"
    if not link.exists():
        link.mkdir()
        (link / "safechildhood").symlink_to(source / "site")
    return f"{link}{os.pathsep}{source}"


def base_env(source: Path, scratch: Path, database_url: str, static_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="safechildhood.settings.base",
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 40,
        REPORTS_ENCRYPTION_KEYS="x0FcNDGkAlGPUgTgTppCBa2dZjeOmBjbVrvOilkCa7w=",
        REPORTS_ESCROW_PUBLIC_KEY="_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        PYTHONPATH=python_path(source, scratch),
    )
    return env


def collect_static(env: dict, static_root: Path) -> None:
    if not (static_root / "staticfiles.json").exists():
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
            env=env,
            check=True,
        )


def wait_listening(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port}")


def get(path: str) -> tuple[str, float]:
    """(status, seconds) of one request; a dropped connection is reported as such."""
    url = f"http://127.0.0.1:{WEB_PORT}{urllib.parse.quote(path, safe='/?=&')}"
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
            status = str(response.status)
    except urllib.error.HTTPError as exc:
        status = str(exc.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        status = f"no answer ({type(getattr(exc, 'reason', exc)).__name__})"
    return status, time.perf_counter() - start


def run_scenario(name: str, env: dict, wrap: list[str], preload: bool) -> dict:
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        *wrap,
        str(Path(sys.executable).parent / "gunicorn"),
        "safechildhood.wsgi:application",
        f"--bind=127.0.0.1:{WEB_PORT}",
        "--workers=2",
        "--access-logfile=/dev/null",
        "--error-logfile=-",
        *(["--preload"] if preload else []),
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
    try:
        wait_listening(WEB_PORT)
        time.sleep(1.5)  # both workers booted
        first = get("/")
        if first[1] > 10:  # every request hangs: a few are enough to show it
            rest, after_pause = [get(path) for path in PAGES[:2]], []
        else:
            rest = [get(path) for path in PAGES * 4]
            time.sleep(6)  # the breaker's pause (DB_OUTAGE_PAUSE, 5 s) is over
            after_pause = [get(path) for path in PAGES]
    finally:
        server.terminate()
        server.wait(30)
    log.seek(0)
    text = log.read()
    times = [seconds for _, seconds in rest + after_pause]
    return {
        "name": name + (", --preload" if preload else ""),
        "first": first,
        "statuses": sorted({status for status, _ in [first, *rest, *after_pause]}),
        "median": statistics.median(times),
        "max": max(times),
        "count": len(times),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
    }


def dns_wrap(scratch: Path) -> list[str] | None:
    """A command prefix running gunicorn with a resolver that never answers."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return None
    resolv = scratch / "resolv.conf"
    resolv.write_text("nameserver 192.0.2.53\n")
    script = f'mount --bind "{resolv}" /etc/resolv.conf && exec "$@"'
    probe = subprocess.run(  # noqa: S603
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", "true"],  # noqa: S607
        capture_output=True,
    )
    if probe.returncode != 0:
        return None
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]


def scenarios(scratch: Path, healthy_url: str | None):
    """(name, DATABASE_URL, command prefix) of each way the database can be unreachable."""
    if healthy_url:
        yield "healthy", healthy_url, []
    yield "refused", f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/safechildhood", []
    yield "hung", f"postgres://postgres@127.0.0.1:{TARPIT_PORT}/safechildhood", []
    wrap = dns_wrap(scratch)
    if wrap:
        yield "dns", "postgres://postgres@db.internal:5432/safechildhood", wrap
    else:
        print("dns: skipped (needs root and unshare)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to run")
    parser.add_argument("--healthy-url", help="a migrated database, for comparison")
    parser.add_argument("--preload", action="store_true", help="also with gunicorn --preload")
    args = parser.parse_args()
    source = args.source.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="bench-db-outage-"))
    static_root = scratch / "static"
    refused = f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/safechildhood"
    collect_static(base_env(source, scratch, refused, static_root), static_root)

    results = []
    tarpit = Tarpit(TARPIT_PORT)
    try:
        for name, url, wrap in scenarios(scratch, args.healthy_url):
            env = base_env(source, scratch, url, static_root)
            for preload in (False, True) if args.preload else (False,):
                results.append(run_scenario(name, env, wrap, preload))
    finally:
        tarpit.close()
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"source: {source}")
    print("| database | first hit | next requests: median / max (n) | statuses | worker timeouts |")
    print("| --- | ---: | ---: | --- | ---: |")
    for row in results:
        status, seconds = row["first"]
        print(
            f"| {row['name']} | {seconds:.2f} s ({status}) | {row['median'] * 1000:.0f} ms / "
            f"{row['max']:.2f} s ({row['count']}) | {', '.join(row['statuses'])} | "
            f"{row['worker_timeouts']} |"
        )


if __name__ == "__main__":
    main()
