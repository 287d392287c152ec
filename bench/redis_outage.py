"""What a dead Redis costs a visitor (issue 9, defect 1).

The production settings under gunicorn (2 sync workers, ``--preload``) against a
migrated database, with ``REDIS_URL`` pointing at a live Redis, at a port where
nothing listens, or unset (per-process memory cache), timing the same pages.

Usage::

    .venv/bin/python bench/redis_outage.py --database-url postgres://…/migrated_db \\
        --redis-url redis://127.0.0.1:6379/1
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from db_outage import (
    CLOSED_PORT,
    PAGES,
    ROOT,
    WEB_PORT,
    base_env,
    collect_static,
    get,
    wait_listening,
)


def run(name: str, env: dict) -> str:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "safechildhood.wsgi:application",
        f"--bind=127.0.0.1:{WEB_PORT}",
        "--workers=2",
        "--preload",
        "--access-logfile=/dev/null",
        "--error-logfile=/dev/null",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603
    try:
        wait_listening(WEB_PORT)
        for path in PAGES:  # warm both workers' caches of templates and settings
            get(path)
            get(path)
        answers = [get(path) for path in PAGES * 10]
    finally:
        server.terminate()
        server.wait(30)
    times = sorted(seconds for _, seconds in answers)
    statuses = sorted({status for status, _ in answers})
    p95 = times[int(len(times) * 0.95) - 1]
    return (
        f"| {name} | {statistics.median(times) * 1000:.1f} ms | {p95 * 1000:.1f} ms | "
        f"{times[-1] * 1000:.0f} ms | {', '.join(statuses)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a migrated database")
    parser.add_argument("--redis-url", required=True, help="a live Redis (its db is flushed)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-redis-outage-"))
    static_root = scratch / "static"
    try:
        env = base_env(ROOT, scratch, args.database_url, static_root)
        collect_static(env, static_root)
        rows = [
            run("Redis up", {**env, "REDIS_URL": args.redis_url}),
            run("Redis down", {**env, "REDIS_URL": f"redis://127.0.0.1:{CLOSED_PORT}/0"}),
            run("no Redis (memory cache)", env),
        ]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"pages: {', '.join(PAGES)}; 10 rounds each after 2 warm-up rounds")
    print("| cache | median | p95 | max | statuses |")
    print("| --- | ---: | ---: | ---: | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
