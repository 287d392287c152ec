"""Error views that work without the database."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse

from .outage import SERVER_ERROR_TEMPLATE, handle_outage, is_database_outage, render_page


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the outage page for a database failure, else a calm 500.

    Django calls it while handling the exception, so ``sys.exc_info()`` holds it:
    that is how a connection failure raised outside a view (in a middleware, or
    while rendering the 404 page) still becomes the 503 outage page.
    """
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return handle_outage(request, exc)
    return render_page(request, SERVER_ERROR_TEMPLATE, 500)
