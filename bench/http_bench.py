"""``make bench-http``: cached pages against a bare Django view, under gunicorn, same run.

For each kind of cached page (home, English home, an information page, news index, an
article, the RSS feed, the registry list plain and filtered, the district list, a district,
a service) the page's bytes are captured and served again by ``/__bench__/bare/<name>/``
(bench/urls.py): no database, no template, the same middleware, the same gunicorn. wrk
then measures both, alternating (page, bare, bare, page), page by page. Run twice:
without the page cache (``PAGE_CACHE_SECONDS=0``, "before") and with it ("after"). The
goal: every cached page at least 0.5 × the bare view's requests per second.

Environment: BENCH_DURATION (s per wrk run, 6), BENCH_ROUNDS (runs of each, 2),
BENCH_CONNECTIONS (16),
BENCH_WORKERS (gunicorn workers, 2), BENCH_PORT (8401), BENCH_MODES ("before,after"),
BENCH_DATABASE_URL, BENCH_REDIS_URL. Results: printed as Markdown and kept as JSON in
var/bench/http-<date>.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import urllib.parse
import urllib.request

from bs4 import BeautifulSoup

from bench.server import OUT, environment, flush_cache, prepare, running_server

DURATION = int(os.environ.get("BENCH_DURATION", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8401"))
GOAL = 0.5


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read(), dict(response.headers)


def links(base: str, path: str, pattern: str) -> list[str]:
    page = BeautifulSoup(fetch(base + path)[0], "html.parser")
    found = [a["href"] for a in page.select("a[href]") if re.fullmatch(pattern, a["href"])]
    if not found:
        raise RuntimeError(f"no link matching {pattern} on {path}: is the demo content loaded?")
    return found


def pages(base: str) -> dict[str, str]:
    """name → path of one page of each cached kind, found in the demo content."""
    district = links(base, "/services/district/", r"/services/district/[\w-]+/")[0]
    slug = district.rstrip("/").rsplit("/", 1)[-1]
    return {
        "home": "/",
        "home-en": "/en/",
        "information-page": links(base, "/", r"/[a-z0-9-]+/")[0],
        "news-index": "/novosti/",
        "news-article": links(base, "/novosti/", r"/novosti/[\w-]+/")[0],
        "news-rss": "/novosti/rss/",
        "registry-list": "/services/",
        "registry-filtered": "/services/?"
        + urllib.parse.urlencode({"q": "медиация"})
        + f"&district={slug}",
        "district-list": "/services/district/",
        "district": district,
        "service": links(base, "/services/", r"/services/(?!district/)[\w-]+/")[0],
    }


def capture(base: str, name: str, path: str) -> None:
    """The page's bytes for the bare view (fetched twice: the second is the stored copy)."""
    fetch(base + path)
    body, headers = fetch(base + path)
    bodies = OUT / "bodies"
    bodies.mkdir(parents=True, exist_ok=True)
    (bodies / f"{name}.body").write_bytes(body)
    (bodies / f"{name}.type").write_text(headers.get("Content-Type", "text/html"))


def wrk(url: str) -> dict:
    """Requests per second and latency percentiles of one wrk run."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    latency = {
        q: float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
        for q, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)", output, re.M)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency.get("50", 0.0),
        "p99": latency.get("99", 0.0),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket.group(1) if socket else "",
    }


def combine(runs: list[dict]) -> dict:
    """Several wrk runs of one URL: mean requests per second, worst percentiles."""
    return {
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "p50": max(r["p50"] for r in runs),
        "p99": max(r["p99"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "socket_errors": "; ".join(r["socket_errors"] for r in runs if r["socket_errors"]),
    }


def compare(page_url: str, bare_url: str) -> tuple[dict, dict]:
    """Page and bare view in alternating order (page, bare, bare, page, …), so that the
    machine's other work weighs on both alike."""
    page, bare = [], []
    for round_ in range(ROUNDS):
        order = [(page, page_url), (bare, bare_url)]
        for runs, url in order if round_ % 2 == 0 else reversed(order):
            runs.append(wrk(url))
    return combine(page), combine(bare)


def quote(base: str, path: str) -> str:
    return base + urllib.parse.quote(path, safe="/?=&%")


def measure_mode(mode: str) -> list[dict]:
    env = environment(PAGE_CACHE_SECONDS="0" if mode == "before" else "600")
    flush_cache(env)
    rows = []
    with running_server(PORT, env, f"gunicorn-http-{mode}") as base:
        for name, path in pages(base).items():
            capture(base, name, path)
            state = fetch(quote(base, path))[1].get("X-Page-Cache", "off")
            page, bare = compare(quote(base, path), f"{base}/__bench__/bare/{name}/")
            rows.append(
                {
                    "mode": mode,
                    "name": name,
                    "path": path,
                    "cache": state,
                    "page": page,
                    "bare": bare,
                    "ratio": round(page["rps"] / bare["rps"], 2),
                }
            )
            print(
                f"{mode:6} {name:18} {state:5} page {page['rps']:8.1f}/s "
                f"bare {bare['rps']:8.1f}/s ratio {rows[-1]['ratio']:.2f}",
                flush=True,
            )
    return rows


def markdown(rows: list[dict]) -> str:
    lines = [
        "| mode | page | path | X-Page-Cache | page req/s | bare req/s | ratio | page p50 / p99 |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        page, bare = row["page"], row["bare"]
        ok = "" if row["mode"] == "before" else (" ✓" if row["ratio"] >= GOAL else " ✗")
        lines.append(
            f"| {row['mode']} | {row['name']} | `{row['path']}` | {row['cache']} | "
            f"{page['rps']:.0f} | {bare['rps']:.0f} | **{row['ratio']:.2f}**{ok} | "
            f"{page['p50']:.0f} / {page['p99']:.0f} ms |"
        )
    return "\n".join(lines)


def main() -> int:
    modes = os.environ.get("BENCH_MODES", "before,after").split(",")
    prepare(environment())
    rows = [row for mode in modes for row in measure_mode(mode)]
    errors = sum(r["page"]["errors"] + r["bare"]["errors"] for r in rows)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    machine = f"{platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    report = {
        "date": stamp,
        "machine": machine,
        "duration": DURATION,
        "connections": CONNECTIONS,
        "rows": rows,
    }
    path = OUT / f"http-{dt.date.today():%Y-%m-%d}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"\n{stamp}, {machine}, wrk {CONNECTIONS} connections, {ROUNDS} × {DURATION} s\n")
    print(markdown(rows))
    failed = [r for r in rows if r["mode"] == "after" and r["ratio"] < GOAL]
    print(f"\nnon-2xx responses: {errors}; below the goal: {[r['name'] for r in failed]}")
    return 1 if errors or failed else 0


if __name__ == "__main__":
    sys.exit(main())
