"""One policy for control characters in what a visitor sends (issue 9, defect 8).

A control character is never meaningful in a parameter of a public page: nobody types
a NUL byte, a bell or an escape, and PostgreSQL refuses NUL in text outright (a 500
wherever a parameter reached a query). They are therefore **removed** from every
GET and POST parameter, names and values, before any view sees them: C0 controls
except tab, newline and carriage return (text areas keep their line breaks), DEL and
the C1 range. Removing rather than refusing means a report with a stray control
character pasted from another program is still accepted as typed, minus the
invisible character: what a person wrote is never lost.

The query string is cleaned at once (it is small). The body is cleaned when the
view first reads ``request.POST``, so that the views that guard parsing (oversize or
broken bodies → their own 400 page) still parse it themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_characters(text: str) -> str:
    """`text` without control characters (tab, newline and carriage return stay)."""
    return CONTROL_CHARACTERS.sub("", text)


def _is_dirty(data: QueryDict) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in data.lists()
    )


def cleaned(data: QueryDict) -> QueryDict:
    """`data` itself when it is clean, else an immutable copy without control
    characters (a name that becomes another name's adds its values to that one)."""
    if not _is_dirty(data):
        return data
    result = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        for value in values:
            result.appendlist(strip_control_characters(key), strip_control_characters(value))
    result._mutable = False
    return result


def _clean_post_when_parsed(request: HttpRequest) -> None:
    """Wrap this request's body parser: ``request.POST`` is cleaned as it is parsed."""
    parse = request._load_post_and_files

    def parse_and_clean() -> None:
        parse()
        if isinstance(getattr(request, "_post", None), QueryDict):
            request._post = cleaned(request._post)

    request._load_post_and_files = parse_and_clean


class CleanInputMiddleware:
    """Removes control characters from every GET and POST parameter (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = cleaned(request.GET)
        if not hasattr(request, "_post"):
            _clean_post_when_parsed(request)
        return self.get_response(request)
