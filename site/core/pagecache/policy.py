"""How a view says "this response is the same for every anonymous visitor"."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

POLICY_ATTR = "_page_cache_policy"
FRESH_ATTR = "_page_cache_fresh"


@dataclass(frozen=True)
class Policy:
    """What a view allows: which query parameters it reads, and until when it is true."""

    parameters: frozenset[str]
    # A timestamp, or a function giving one when the page is stored; None: the
    # configured lifetime.
    expires_at: float | Callable[[], float] | None = None

    def expiry(self) -> float | None:
        return self.expires_at() if callable(self.expires_at) else self.expires_at


def next_minute() -> float:
    """The next full minute: "open now" and "today" are true until then at least."""
    return float(math.floor(time.time() / 60) * 60 + 60)


def allow(
    request: HttpRequest,
    parameters: Iterable[str] = (),
    expires_at: float | Callable[[], float] | None = None,
) -> None:
    """Let the page cache store this request's response (if it turns out storable).

    ``parameters`` are the query parameters the view reads: a request carrying any
    other parameter is answered normally but never stored, so junk cannot fill the
    cache. ``expires_at``: until when the page is true (or a function that says so,
    called only if the page is stored). A preview is never allowed.
    """
    if getattr(request, "is_preview", False):
        return
    setattr(request, POLICY_ATTR, Policy(frozenset(parameters), expires_at))


def cache_for_visitors(
    parameters: Iterable[str] = (), *, until: Callable[[], float] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator form of :func:`allow`. ``until``: for a page that shows the time of day
    ("open now", today's hours), the function giving the moment it may change."""
    names = frozenset(parameters)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            allow(request, names, until)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class VisitorCachedPage:
    """Mixin for Wagtail page models whose live pages the cache may keep.

    Wagtail's privacy check runs before ``serve`` (a ``before_serve_page`` hook), so a
    restricted page never reaches this method for an anonymous visitor.
    """

    page_cache_parameters: tuple[str, ...] = ()

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        allow(request, self.page_cache_parameters)
        return super().serve(request, *args, **kwargs)


# --- Per-request values inside a cached page -------------------------------------------------

_FACTORIES: dict[str, Callable[[], str]] = {}


def register_fresh_value(name: str, factory: Callable[[], str]) -> None:
    """Name a value (a signed, time-stamped form token) that each response needs anew."""
    _FACTORIES[name] = factory


def fresh_value(request: HttpRequest | None, name: str) -> str:
    """A new value for ``name``; the cache stores the page without it and puts a new
    one in every copy it serves, so a form on a cached page keeps working without
    JavaScript and its token's age is the visitor's, not the cache's."""
    value = _FACTORIES[name]()
    if request is not None:
        request.__dict__.setdefault(FRESH_ATTR, []).append((name, value))
    return value


def make_fresh(name: str) -> str | None:
    factory = _FACTORIES.get(name)
    return factory() if factory is not None else None
