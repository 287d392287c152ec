"""The site's URLs plus the bare yardstick view (bench only, see bench/settings.py)."""

import os
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from safechildhood.urls import urlpatterns as site_urlpatterns

BODIES = Path(os.environ.get("BENCH_BODIES", "var/bench/bodies"))
_loaded: dict[str, tuple[bytes, str]] = {}


def bare(request: HttpRequest, name: str) -> HttpResponse:
    """The bytes of a page captured by bench/http_bench.py, with no work at all: a Django
    view behind the same middleware, in the same gunicorn, as the cached page."""
    if name not in _loaded:
        body, kind = BODIES / f"{name}.body", BODIES / f"{name}.type"
        if not body.exists():
            raise Http404
        _loaded[name] = (body.read_bytes(), kind.read_text())
    content, content_type = _loaded[name]
    return HttpResponse(content, content_type=content_type)


urlpatterns = [path("__bench__/bare/<slug:name>/", bare), *site_urlpatterns]
