"""``make load``: 50 browsing visitors and 5 reporters for 60 s against gunicorn on loopback.

The visitors arrive over the first 5.5 s (10 a second), as people do, not in one instant.

Production settings, PostgreSQL and Redis (bench/server.py), the demo content, the page
cache on, ``REPORTS_TRUSTED_PROXY_COUNT=1`` (each simulated report sends its own
``X-Forwarded-For``). The proof of work of every report is solved before the run with the
``altcha`` library, as the widget would in a browser. Passes when there is no error, the
p99 of the cached pages is under 1 s, and every receipt opens the report that was sent
(bench/verify_reports.py). Not part of ``make test``.

Environment: BENCH_LOAD_SECONDS (60), BENCH_LOAD_PORT (8402), BENCH_WORKERS (2),
BENCH_SOLUTIONS (60), BENCH_DATABASE_URL, BENCH_REDIS_URL.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ProcessPoolExecutor

from bs4 import BeautifulSoup

from bench.server import OUT, PYTHON, ROOT, environment, flush_cache, prepare, running_server

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
PORT = int(os.environ.get("BENCH_LOAD_PORT", "8402"))
SOLUTIONS = int(os.environ.get("BENCH_SOLUTIONS", "60"))
LOAD = OUT / "load"
P99_GOAL_MS = 1000


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read()


def hrefs(base: str, path: str, prefix: str) -> list[str]:
    page = BeautifulSoup(get(base + path), "html.parser")
    return sorted({a["href"] for a in page.select(f"a[href^='{prefix}']")})


def targets(base: str) -> dict[str, list[str]]:
    """Real addresses of the demo content for the browsing visitors."""
    listing = BeautifulSoup(get(base + "/services/"), "html.parser")
    district_pages = [
        h for h in hrefs(base, "/services/district/", "/services/district/") if h.count("/") == 4
    ]
    services = {
        h
        for p in district_pages[:10]
        for h in hrefs(base, p, "/services/")
        if "/district/" not in h and h.count("/") == 3 and "?" not in h
    }
    articles = [
        h
        for h in hrefs(base, "/novosti/", "/novosti/")
        if h.count("/") == 3 and not h.endswith(("/rss/", "/atom/"))
    ]
    return {
        "districts": [p.rstrip("/").rsplit("/", 1)[-1] for p in district_pages],
        "kinds": [o["value"] for o in listing.select("select[name=kind] option") if o["value"]],
        "district_pages": district_pages,
        "services": sorted(services),
        "articles": articles,
    }


def warm_up(base: str, found: dict[str, list[str]]) -> None:
    """One visit to each page first, as a site that has been running has them stored."""
    paths = [
        "/",
        "/en/",
        "/novosti/",
        "/services/",
        *found["district_pages"],
        *found["services"],
        *found["articles"],
        *(f"/services/?district={slug}" for slug in found["districts"]),
    ]
    for path in paths:
        get(base + path)
    for _ in range(4):  # each worker compiles the report and search templates once
        get(base + "/report/form/")
        get(base + "/search/?q=" + urllib.parse.quote("помощь"))


def solve(challenge: dict) -> str:
    """What the ALTCHA widget posts after solving the server's challenge."""
    import altcha

    parsed = altcha.Challenge.from_dict(challenge)
    return altcha.Payload(parsed, altcha.solve_challenge(parsed)).to_base64()


def solutions(base: str) -> list[str]:
    challenges = [json.loads(get(base + "/report/altcha/")) for _ in range(SOLUTIONS)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(solve, challenges))


def run_locust(base: str, run_id: str) -> int:
    env = {**os.environ, "BENCH_LOAD_OUT": str(LOAD), "BENCH_RUN_ID": run_id}
    command = [
        PYTHON,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        "55",
        "-r",
        "10",
        "-t",
        f"{SECONDS}s",
        "--stop-timeout",
        "20",
        "--host",
        base,
        "--csv",
        str(LOAD / "locust"),
        "--only-summary",
    ]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def percentile(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else (values[0] if values else 0.0)
    )


def summary() -> dict:
    times = json.loads((LOAD / "times.json").read_text())
    cached = [t for name, values in times.items() if name.startswith("page:") for t in values]
    with (LOAD / "locust_stats.csv").open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    states = json.loads((LOAD / "cache.json").read_text())
    per_name = {
        name: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50": row["50%"],
            "p99": row["99%"],
            "rps": round(float(row["Requests/s"]), 1),
            "cache": states.get(name, {}),
        }
        for name, row in rows.items()
    }
    # locust's CSV is written before the stop timeout ends: count failures from every request
    failed = sum(counts.get("failed", 0) for counts in states.values())
    return {
        "cached_requests": len(cached),
        "cached_p50_ms": round(percentile(cached, 50)),
        "cached_p99_ms": round(percentile(cached, 99)),
        "failures": max(failed, per_name.get("Aggregated", {}).get("failures", 0)),
        "per_name": per_name,
    }


def main() -> int:
    LOAD.mkdir(parents=True, exist_ok=True)
    env = environment(PAGE_CACHE_SECONDS="600", REPORTS_TRUSTED_PROXY_COUNT="1")
    prepare(env)
    flush_cache(env)
    run_id = uuid.uuid4().hex[:8]
    with running_server(PORT, env, "gunicorn-load") as base:
        found = targets(base)
        (LOAD / "targets.json").write_text(json.dumps(found, ensure_ascii=False))
        (LOAD / "solutions.json").write_text(json.dumps(solutions(base)))
        warm_up(base, found)
        locust_code = run_locust(base, run_id)
    verified = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "bench.verify_reports", str(LOAD / "filed.json")],
        cwd=ROOT,
        env=env,
        check=False,
    ).returncode
    result = summary()
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    result.update(
        date=stamp,
        machine=f"{platform.node()}, {os.cpu_count()} cores",
        load_after=round(os.getloadavg()[0], 1),
        run=run_id,
        reports=len(json.loads((LOAD / "filed.json").read_text())),
        verified=verified == 0,
        locust_exit=locust_code,
    )
    (OUT / f"load-{dt.date.today():%Y-%m-%d}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1)
    )
    print(json.dumps({k: v for k, v in result.items() if k != "per_name"}, ensure_ascii=False))
    for name, row in result["per_name"].items():
        print(
            f"  {name:22} {row['requests']:6} req {row['failures']:4} failed "
            f"p50 {row['p50']:>5} ms p99 {row['p99']:>5} ms {row['rps']:6} req/s "
            f"{row['cache']}"
        )
    ok = result["failures"] == 0 and result["cached_p99_ms"] < P99_GOAL_MS and verified == 0
    return 0 if ok and locust_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
