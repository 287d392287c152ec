"""`/healthz`: is this process able to serve? Answered before host checks and redirects.

It sits in MIDDLEWARE before the host checks (after the security and permissions
headers; exempt from the SSL redirect) so that a container health check on localhost
works whatever ALLOWED_HOSTS and SECURE_SSL_REDIRECT say, and it touches no session.
"""

from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

HEALTH_PATH = "/healthz"


def database_status() -> bool:
    """Return True when the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def healthz_response() -> JsonResponse:
    ok = database_status()
    response = JsonResponse({"db": "ok" if ok else "error"}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in (HEALTH_PATH, HEALTH_PATH + "/"):
            return healthz_response()
        return self.get_response(request)
