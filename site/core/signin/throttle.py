"""Login throttling: growing delays, then growing holds, per account; a limit per client.

Per typed user name (existing or not, so the answer never tells which): after a failure
the next attempt waits 0, 1, 3, 7… seconds; the `SIGNIN_HOLD_AFTER_FAILURES`-th failure in
a row holds the name for `SIGNIN_HOLD_MINUTES`, and every further hold is twice as long
(at most `SIGNIN_HOLD_MAX_HOURS`). Wrong second-factor codes count as failures too. A
completed sign-in, a day without failures or a coordinator lifts it all.

Per client: `SIGNIN_CLIENT_FAILURES` failures in `SIGNIN_CLIENT_WINDOW_MINUTES` refuse
every further attempt from that client until the window ends.

A refused attempt never reaches the password hasher (Argon2 is expensive on purpose:
every check costs the server CPU time); only one attempt per account, and two per
client, are checked at a time (parallel guesses are told to wait instead of each taking
a worker). Rows are
keyed by a keyed hash of the name, counters by a keyed hash of the address: no IP
address is stored, cached or logged.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import SignInThrottle
from ..privacy import client_digest, keyed_digest

FAILURES_FORGOTTEN_AFTER = timedelta(hours=24)
IN_FLIGHT_SECONDS = 10  # a checking attempt holds its slots at most this long
CLIENT_PARALLEL = 2  # attempts from one client checked at the same time
MAX_DELAY_SECONDS = 30


@dataclass(frozen=True)
class Refusal:
    """No attempt is checked before `until`; `reason` is delay, hold, busy or client."""

    until: datetime
    reason: str

    def message(self) -> str:
        now = timezone.now()
        seconds = max(1, int((self.until - now).total_seconds() + 0.999))
        if self.reason in ("delay", "busy"):
            return ngettext(
                "Подождите %(count)s секунду и попробуйте снова.",
                "Подождите %(count)s секунд и попробуйте снова.",
                seconds,
            ) % {"count": seconds}
        minutes = max(1, (seconds + 59) // 60)
        when = {
            "time": time_format(timezone.localtime(self.until), "H:i"),
            "wait": ngettext("%(count)s минуту", "%(count)s минут", minutes) % {"count": minutes},
        }
        if self.reason == "client":
            return (
                _(
                    "С этого устройства было слишком много неудачных попыток входа. "
                    "Попробуйте снова после %(time)s (через %(wait)s)."
                )
                % when
            )
        return (
            _(
                "Вход временно приостановлен после нескольких неудачных попыток подряд. "
                "Попробуйте снова после %(time)s (через %(wait)s). Если вы забыли пароль, "
                "восстановите его или обратитесь к координатору."
            )
            % when
        )


@dataclass(frozen=True)
class Failure:
    """What a failure led to: the refusal now in force (if any) and whether a hold began."""

    refusal: Refusal | None
    hold_began: bool


def account_key(username: str) -> str:
    """Case and surrounding spaces do not make a new account name for the throttle."""
    return keyed_digest("signin-account", username.strip().casefold(), length=64)


def _client_bucket(request: HttpRequest) -> tuple[str, float]:
    window = settings.SIGNIN_CLIENT_WINDOW_MINUTES * 60
    bucket = int(time.time() // window)
    return f"core:signin:client:{client_digest(request, 'signin')}:{bucket}", (bucket + 1) * window


def _client_refusal(request: HttpRequest) -> Refusal | None:
    key, ends = _client_bucket(request)
    if (cache.get(key) or 0) >= settings.SIGNIN_CLIENT_FAILURES:
        return Refusal(datetime.fromtimestamp(ends, tz=timezone.get_current_timezone()), "client")
    return None


def _count_client_failure(request: HttpRequest) -> None:
    key, _ends = _client_bucket(request)
    cache.add(key, 0, timeout=settings.SIGNIN_CLIENT_WINDOW_MINUTES * 60)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: this failure starts a new window
        cache.set(key, 1, timeout=settings.SIGNIN_CLIENT_WINDOW_MINUTES * 60)


def account_refusal(username: str) -> Refusal | None:
    """The delay or hold in force for this name, from the durable record."""
    row = (
        SignInThrottle.objects.filter(
            account_key=account_key(username), locked_until__gt=timezone.now()
        )
        .only("locked_until", "held")
        .first()
    )
    if row is None:
        return None
    return Refusal(row.locked_until, "hold" if row.held else "delay")


def refusal(request: HttpRequest, username: str) -> Refusal | None:
    """Is an attempt for this name from this client refused now? (No slot is taken.)"""
    return account_refusal(username) or _client_refusal(request)


def _take_client_slot(key: str) -> bool:
    cache.add(key, 0, timeout=IN_FLIGHT_SECONDS)
    try:
        taken = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=IN_FLIGHT_SECONDS)
        taken = 1
    if taken > CLIENT_PARALLEL:
        _release_client_slot(key)
        return False
    return True


def _release_client_slot(key: str) -> None:
    with contextlib.suppress(ValueError):  # already expired
        cache.decr(key)


class Attempt:
    """One attempt for a name: admitted or refused, holding slots while it is checked.

    Parallel guesses for one account, or more than two from one client, wait their turn
    instead of each costing a hash.
    """

    def __init__(self, request: HttpRequest, username: str) -> None:
        self.slot = f"core:signin:busy:{account_key(username)}"
        self.client_slot = f"core:signin:client-busy:{client_digest(request, 'signin')}"
        self.refusal = refusal(request, username)
        self._slots: list[str] = []
        if self.refusal is None:
            self._take_slots()

    def _take_slots(self) -> None:
        busy = Refusal(timezone.now() + timedelta(seconds=2), "busy")
        if not cache.add(self.slot, 1, timeout=IN_FLIGHT_SECONDS):
            self.refusal = busy
            return
        self._slots.append(self.slot)
        if not _take_client_slot(self.client_slot):
            self.release()
            self.refusal = busy
            return
        self._slots.append(self.client_slot)

    def release(self) -> None:
        if self.slot in self._slots:
            cache.delete(self.slot)
        if self.client_slot in self._slots:
            _release_client_slot(self.client_slot)
        self._slots = []

    def __enter__(self) -> Attempt:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


def _delay_after(step: int) -> int:
    """Seconds before the next attempt after the `step`-th failure of a run: 0, 1, 3, 7…"""
    return min(2 ** (step - 1) - 1, MAX_DELAY_SECONDS)


def _hold_minutes(holds: int) -> int:
    minutes = settings.SIGNIN_HOLD_MINUTES * 2 ** (holds - 1)
    return min(minutes, settings.SIGNIN_HOLD_MAX_HOURS * 60)


def record_failure(request: HttpRequest, username: str) -> Failure:
    """Count a failed password or code for this name and client; return what applies now."""
    _count_client_failure(request)
    now = timezone.now()
    with transaction.atomic():
        row, created = SignInThrottle.objects.select_for_update().get_or_create(
            account_key=account_key(username), defaults={"last_failure_at": now}
        )
        if not created and row.last_failure_at < now - FAILURES_FORGOTTEN_AFTER:
            row.failures = row.holds = 0
        row.failures += 1
        row.last_failure_at = now
        step = (row.failures - 1) % settings.SIGNIN_HOLD_AFTER_FAILURES + 1
        row.held = step == settings.SIGNIN_HOLD_AFTER_FAILURES
        if row.held:
            row.holds += 1
            row.locked_until = now + timedelta(minutes=_hold_minutes(row.holds))
        else:
            delay = _delay_after(step)
            row.locked_until = now + timedelta(seconds=delay) if delay else None
        row.save()
    if created:
        forget_stale()
    if row.locked_until is None:
        return Failure(None, False)
    return Failure(Refusal(row.locked_until, "hold" if row.held else "delay"), row.held)


def record_success(username: str) -> None:
    """A completed sign-in forgets the name's failures."""
    SignInThrottle.objects.filter(account_key=account_key(username)).delete()


def lift(username: str) -> bool:
    """A coordinator lifts a hold (and forgets the failures). True if there was one."""
    deleted, _rows = SignInThrottle.objects.filter(account_key=account_key(username)).delete()
    return bool(deleted)


def current_hold(username: str) -> SignInThrottle | None:
    return SignInThrottle.objects.filter(
        account_key=account_key(username), held=True, locked_until__gt=timezone.now()
    ).first()


def forget_stale() -> None:
    """Rows a day past their last failure and not locked mean nothing any more."""
    now = timezone.now()
    SignInThrottle.objects.filter(last_failure_at__lt=now - FAILURES_FORGOTTEN_AFTER).exclude(
        locked_until__gt=now
    ).delete()
