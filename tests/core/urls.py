"""A URLconf for the page cache's own tests: small views, each with one property."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from safechildhood.core.pagecache import cache_for_visitors, fresh_value, next_minute

RENDERS: list[str] = []


def _body(request, name: str) -> HttpResponse:
    RENDERS.append(name)
    return HttpResponse(f"<p>{name} {len(RENDERS)} {request.GET.urlencode()}</p>")


@cache_for_visitors(("page", "q"))
def plain(request):
    return _body(request, "plain")


@cache_for_visitors(until=next_minute)
def volatile(request):
    return _body(request, "volatile")


def not_allowed(request):
    return _body(request, "not_allowed")


@cache_for_visitors()
def sets_cookie(request):
    response = _body(request, "sets_cookie")
    response.set_cookie("flavour", "mint")
    return response


@cache_for_visitors()
def csrf(request):
    response = _body(request, "csrf")
    response.content += get_token(request).encode()
    return response


@cache_for_visitors()
def message(request):
    messages.info(request, "Сохранено")
    return _body(request, "message")


@cache_for_visitors()
def private(request):
    response = _body(request, "private")
    response["Cache-Control"] = "private"
    return response


@cache_for_visitors()
def missing(request):
    response = _body(request, "missing")
    response.status_code = 404
    return response


@cache_for_visitors()
def streaming(request):
    RENDERS.append("streaming")
    return StreamingHttpResponse(iter([b"a", b"b"]))


@cache_for_visitors()
def with_token(request):
    RENDERS.append("with_token")
    token = fresh_value(request, "tests.token")
    return HttpResponse(f'<form><input name="t" value="{token}"></form>')


urlpatterns = i18n_patterns(
    *(
        path(f"{view.__name__}/", view)
        for view in (
            plain,
            volatile,
            not_allowed,
            sets_cookie,
            csrf,
            message,
            private,
            missing,
            streaming,
            with_token,
        )
    ),
    prefix_default_language=False,
)
