"""After the load test: every receipt a reporter got opens a stored report with exactly
what they wrote (decrypted through the ORM). Run by bench/load.py with the server's
environment; exits non-zero on any missing or different report."""

from __future__ import annotations

import json
import sys

import django


def main(path: str) -> int:
    django.setup()
    from safechildhood.requests.models import Report

    filed = json.loads(open(path, encoding="utf-8").read())  # noqa: SIM115
    problems = []
    for item in filed:
        report = Report.find_by_receipt(item["code"])
        if report is None:
            problems.append(f"{item['code']}: no report")
            continue
        report = Report.objects.get(pk=report.pk)  # every field, decrypted on access
        expected = {k: item[k] for k in ("description", "category", "place", "children_ages")}
        actual = {k: getattr(report, k) for k in expected}
        if actual != expected or str(report.district_id) != item["district"]:
            problems.append(f"{item['code']}: stored {actual}, sent {expected}")
    print(f"{len(filed)} receipts, {len(filed) - len(problems)} reports found and identical")
    for problem in problems:
        print("  ", problem)
    return 1 if problems or not filed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
