"""The receipt-code allowance: wrong codes per client, with a warning and a known end.

A receipt code is the only key to a report, so guessing must be slow. The arithmetic
(``LIMITS["status_failure"]``: 10 wrong codes per address per hour): the code space is
10**16 codes. One address can try 10 × 24 × 365 = 87,600 codes a year; with 10,000
reports open at once that finds one with a chance of 87,600 × 10**4 / 10**16 ≈ 9 in
100 million a year, and a network of 100,000 addresses guessing non-stop for a year
still has under 1 %. A person who mistypes keeps nine more tries, is told how many
are left, and once they are used is told the time the lock ends.

Codes of the wrong shape (not 16 digits) cannot open anything and are never looked
up, so they do not count. The counter is one of the requests' rate limits
(:data:`.protection.RATE_LIMITS`), kept under a keyed hash of the address, never the
address.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from .protection import RATE_LIMITS

NAME = "status_failure"


def left(request: HttpRequest) -> int:
    """How many wrong codes this client may still enter in the current window."""
    return RATE_LIMITS.remaining(request, NAME)


def window_end(request: HttpRequest) -> dt.datetime:
    """When this client's count of wrong codes starts again from zero (local time)."""
    ends = RATE_LIMITS.window_end(request, NAME)
    return timezone.localtime(dt.datetime.fromtimestamp(ends, tz=dt.UTC))


def locked_until(request: HttpRequest) -> dt.datetime | None:
    """When the lock ends (local time), or None while codes may still be tried."""
    return window_end(request) if left(request) == 0 else None


def record_wrong_code(request: HttpRequest) -> int:
    """Count one wrong (well-formed) code; returns how many tries are left."""
    return RATE_LIMITS.record(request, NAME)
