"""The database is down: a calm 503 page, rendered without the database, within seconds.

Every page of the site reads the database (Wagtail's site and page tree, the
editable emergency numbers), so when it does not answer the best the site can do
is one page that needs nothing but files: the emergency numbers (from settings,
not from the editors' setting), the quick exit, the safety advice, and for a form
marked :func:`resubmit_on_outage` what the visitor typed, ready to send again.

:class:`DatabaseOutageMiddleware` turns a connection failure escaping a view into
that page; :func:`safechildhood.core.views.server_error` (``handler500``) does the
same for one escaping another middleware. After a failed *connection* the process
answers with the page for ``DB_OUTAGE_PAUSE`` seconds without trying the database
again, so an unreachable database costs one connection timeout per process and
period, not one per request. ``/healthz`` sits in front and always asks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .phones import tel_href

logger = logging.getLogger(__name__)

OUTAGE_TEMPLATE = "core/outage.html"
SERVER_ERROR_TEMPLATE = "500.html"
RESUBMIT_ATTRIBUTE = "resubmit_on_outage"
# The page loads only our own files; the middleware that adds the site's CSP may
# not run for it (see DatabaseOutageMiddleware.__call__).
OUTAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def is_database_outage(exc: BaseException | None) -> bool:
    """A failure to reach or talk to the database (not a bad query: that is a bug)."""
    return isinstance(exc, OperationalError | InterfaceError)


def connection_lost(alias: str = "default") -> bool:
    """Whether the failure left no usable connection (refused, timed out, dropped)."""
    raw = connections[alias].connection
    if raw is None:
        return True
    return bool(getattr(raw, "closed", False) or getattr(raw, "broken", False))


class Breaker:
    """Per-process memory of a database that did not answer."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.in_outage = False
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self, exc: BaseException) -> None:
        pause = settings.DB_OUTAGE_PAUSE
        with self.lock:
            self.down_until = time.monotonic() + pause
            first, self.in_outage = not self.in_outage, True
        if first:
            logger.warning(
                "Database unavailable (%s: %s): answering with the outage page, "
                "retrying every %s s",
                type(exc).__name__,
                str(exc).splitlines()[0] if str(exc) else "",
                pause,
            )

    def recovered(self) -> None:
        with self.lock:
            was, self.in_outage, self.down_until = self.in_outage, False, 0.0
        if was:
            logger.warning("Database answers again")


breaker = Breaker()


def resubmit_on_outage(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a public form's view: on an outage, its POST comes back in a «send again» form.

    Only for forms whose fields may be echoed into a page (never a password).
    """
    setattr(view, RESUBMIT_ATTRIBUTE, True)
    return view


def _language(request: HttpRequest) -> str:
    """From the URL prefix alone: LocaleMiddleware may not have run."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def page_context(language: str) -> dict[str, Any]:
    """What every page without the database shows: numbers, quick exit, safety advice."""
    home = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
    emergency, helpline = settings.FALLBACK_EMERGENCY_NUMBER, settings.FALLBACK_HELPLINE_NUMBER
    return {
        "LANGUAGE_CODE": language,
        "home_url": home,
        "exit_url": settings.QUICK_EXIT_DEFAULT_URL,
        "safety_url": settings.FALLBACK_SAFETY_URL,
        "emergency_number": emergency,
        "emergency_href": tel_href(emergency),
        "helpline_number": helpline,
        "helpline_href": tel_href(helpline),
    }


def _marked_for_resubmit(request: HttpRequest) -> bool:
    """Whether the view of this URL is marked, without the database (URL patterns only)."""
    marked = getattr(request, "outage_resubmit", None)  # set by process_view
    if marked is None:  # the breaker answered before any view was chosen
        try:
            with translation.override(_language(request)):
                view = resolve(request.path_info).func
        except Resolver404:
            return False
        marked = getattr(view, RESUBMIT_ATTRIBUTE, False)
    return bool(marked)


def _resubmit_fields(request: HttpRequest) -> list[tuple[str, str]] | None:
    if request.method != "POST" or not _marked_for_resubmit(request):
        return None
    try:
        return [(name, value) for name, values in request.POST.lists() for value in values]
    except (SuspiciousOperation, UnicodeDecodeError, ValueError):  # an unreadable body
        return None


def render_page(
    request: HttpRequest, template: str, status: int, extra: dict | None = None
) -> HttpResponse:
    """Render `template` from files and settings only: no context processor, no database."""
    language = _language(request)
    with translation.override(language):
        context = {**page_context(language), **(extra or {})}
        try:
            content = render_to_string(template, context)
        except Exception:  # the page of last resort must not fail: plain HTML, same help
            logger.exception("Could not render %s; sent the plain version", template)
            content = _plain_page(context, status)
        response = HttpResponse(content, status=status)
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = OUTAGE_CSP
    response["X-Frame-Options"] = "DENY"
    response["X-Robots-Tag"] = "noindex"
    return response


def _plain_page(context: dict[str, Any], status: int) -> str:
    heading = _("Сайт временно не работает") if status == 503 else _("Произошла ошибка на сайте")
    return format_html(
        '<!DOCTYPE html><html lang="{}"><meta charset="utf-8"><title>{}</title>'
        '<p><a href="{}">{}</a></p><h1>{}</h1>'
        '<p>{} <a href="{}">{}</a></p><p>{} <a href="{}">{}</a></p>',
        context["LANGUAGE_CODE"],
        _("Безопасное детство"),
        context["exit_url"],
        _("Быстро покинуть сайт"),
        heading,
        _("Ребёнок в опасности"),
        context["emergency_href"],
        context["emergency_number"],
        _("Детский телефон доверия"),
        context["helpline_href"],
        context["helpline_number"],
    )


def outage_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the site cannot reach its database."""
    fields = _resubmit_fields(request)
    extra = {"resubmit_fields": fields, "resubmit_action": request.path} if fields else {}
    response = render_page(request, OUTAGE_TEMPLATE, 503, extra)
    response["Retry-After"] = str(settings.DB_OUTAGE_RETRY_AFTER)
    # One warning per outage (Breaker.trip), not Django's error line per request.
    response._has_been_logged = True
    if fields:
        response["Referrer-Policy"] = "no-referrer"
    return response


def handle_outage(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The outage page for `exc`; a lost connection opens the breaker."""
    if connection_lost():
        breaker.trip(exc)
    else:  # e.g. SQLite's "database is locked": this request only
        logger.warning("Database error, answered with the outage page: %s", type(exc).__name__)
    return outage_response(request)


def _exempt(path: str) -> bool:
    return any(
        prefix and path.startswith(prefix) for prefix in (settings.STATIC_URL, settings.MEDIA_URL)
    )


class DatabaseOutageMiddleware:
    """See the module docstring. Place it right after WhiteNoise, before the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if breaker.in_outage and not _exempt(request.path_info):
            if breaker.is_open():
                return outage_response(request)
            try:  # the pause is over: one attempt decides for everyone
                connections["default"].ensure_connection()
            except (OperationalError, InterfaceError) as exc:
                breaker.trip(exc)
                return outage_response(request)
            breaker.recovered()
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        request.outage_resubmit = getattr(view_func, RESUBMIT_ATTRIBUTE, False)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            return handle_outage(request, exception)
        return None
