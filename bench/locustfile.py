# ruff: noqa: S311 - simulated visitors choose pages at random; nothing here is a secret
"""The load test's visitors (run by bench/load.py, ``make load``; not part of ``make test``).

* 50 **browsers**: home, the registry list with filters, service and district pages, news,
  the English site, site search; one to three seconds between pages.
* 5 **reporters**: open the report form, wait longer than ``REPORTS_MIN_FILL_SECONDS``,
  send it with an ALTCHA solution solved before the run (bench/load.py), confirm, and
  keep the receipt code and what they wrote, so that bench/verify_reports.py can check
  every report afterwards. Rate limits count per client address (hashed): the server
  runs with ``REPORTS_TRUSTED_PROXY_COUNT=1`` and each report comes with its own
  ``X-Forwarded-For`` (a new person each time), so the limits do not refuse them.

Requests named ``page: …`` are the cached kinds; their p99 is the figure that counts.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

from bs4 import BeautifulSoup
from locust import HttpUser, between, events, task

OUT = Path(os.environ.get("BENCH_LOAD_OUT", "var/bench/load"))
SOLUTIONS: list[str] = json.loads((OUT / "solutions.json").read_text())
TARGETS: dict[str, list[str]] = json.loads((OUT / "targets.json").read_text())
MIN_FILL = float(os.environ.get("REPORTS_MIN_FILL_SECONDS", "5"))
RUN = os.environ.get("BENCH_RUN_ID", "run")
FILED: list[dict] = []
TIMES: dict[str, list[float]] = {}
SLOW: list[tuple[float, str, float]] = []  # (seconds since the start, name, ms) over 500 ms
STARTED = time.monotonic()
# name → X-Page-Cache value (or "failed") → count, for every request up to the very end
CACHE: dict[str, dict[str, int]] = {}
WORDS = ["медиация", "травля", "помощь семье", "психолог", "SOS", "кризисный центр", "буллинг"]


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs):
    TIMES.setdefault(name, []).append(response_time)
    if response_time > 500:
        SLOW.append((round(time.monotonic() - STARTED, 1), name, round(response_time)))
    response = kwargs.get("response")
    state = response.headers.get("X-Page-Cache", "-") if response is not None else "-"
    if exception is not None:
        state = "failed"
    counts = CACHE.setdefault(name, {})
    counts[state] = counts.get(state, 0) + 1


@events.quitting.add_listener
def _save(environment, **kwargs):
    (OUT / "filed.json").write_text(json.dumps(FILED, ensure_ascii=False, indent=1))
    (OUT / "times.json").write_text(json.dumps(TIMES))
    (OUT / "cache.json").write_text(json.dumps(CACHE))
    (OUT / "slow.json").write_text(json.dumps(SLOW, ensure_ascii=False))


class Browser(HttpUser):
    fixed_count = 50
    wait_time = between(1, 3)

    @task(3)
    def home(self):
        self.client.get("/", name="page: home")

    @task(3)
    def registry_list(self):
        params = {}
        if random.random() < 0.8:
            params["district"] = random.choice(TARGETS["districts"])
        if random.random() < 0.4:
            params["kind"] = random.choice(TARGETS["kinds"])
        if random.random() < 0.2:
            params["open_now"] = "1"
        self.client.get("/services/", params=params, name="page: registry list")

    @task(3)
    def service(self):
        self.client.get(random.choice(TARGETS["services"]), name="page: service")

    @task(1)
    def district(self):
        self.client.get(random.choice(TARGETS["district_pages"]), name="page: district")

    @task(2)
    def news(self):
        self.client.get("/novosti/", name="page: news index")
        self.client.get(random.choice(TARGETS["articles"]), name="page: news article")

    @task(1)
    def english(self):
        self.client.get("/en/", name="page: home (en)")

    @task(1)
    def search(self):
        self.client.get("/search/", params={"q": random.choice(WORDS)}, name="search")


class Reporter(HttpUser):
    fixed_count = 5
    wait_time = between(1, 3)
    sequence = 0

    def on_start(self):
        Reporter.sequence += 1
        self.number = Reporter.sequence
        self.filed = 0
        time.sleep(random.uniform(0, 10))  # five people, not five clocks in step

    @task
    def file_a_report(self):
        if not SOLUTIONS:
            time.sleep(1)  # every prepared proof of work is used
            return
        self.filed += 1
        address = f"10.{self.number}.{self.filed // 250}.{self.filed % 250 + 1}"
        headers = {"X-Forwarded-For": address, "Sec-Fetch-Site": "same-origin"}
        form = self.client.get("/report/form/", headers=headers, name="report: form")
        page = BeautifulSoup(form.content, "html.parser")
        token = page.select_one("input[name=form_token]")["value"]
        options = page.select("select[name=district] option")
        districts = [o["value"] for o in options if o["value"].isdigit()]
        description = f"Нагрузочный тест {RUN}, репортёр {self.number}, №{self.filed}: дети одни."
        answers = {
            "category": random.choice(["neglect", "violence", "bullying", "family_crisis"]),
            "description": description,
            "district": random.choice(districts),
            "place": "ул. Тестовая, 1",
            "children_ages": "5 лет",
            "danger_now": "no",
            "reporter_role": "neighbour",
            "contact_preference": "anonymous",
        }
        time.sleep(MIN_FILL + random.uniform(1, 3))  # a person takes time to write
        self._send(answers, token, headers)

    def _send(self, answers: dict, token: str, headers: dict) -> None:
        data = {**answers, "form_token": token, "altcha": SOLUTIONS.pop()}
        with self.client.post(
            "/report/form/", data=data, headers=headers, name="report: check", catch_response=True
        ) as check:
            state = BeautifulSoup(check.content, "html.parser").select_one("input[name=state]")
            if state is None:
                check.failure("no check page")
                return
        with self.client.post(
            "/report/send/",
            data={"state": state["value"]},
            headers=headers,
            name="report: send",
            catch_response=True,
        ) as sent:
            receipt = re.search(rb"data-receipt>([\d ]+)<", sent.content)
            if receipt is None:
                sent.failure("no receipt code")
                return
            FILED.append({"code": receipt.group(1).decode().replace(" ", ""), **answers})
