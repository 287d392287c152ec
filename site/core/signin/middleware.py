"""Session limits and the second-factor gate for every request.

`StaffSessionMiddleware`: a signed-in session ends after `ADMIN_SESSION_IDLE_MINUTES`
without a request and `ADMIN_SESSION_MAX_HOURS` after sign-in, whatever happens in
between; the admin then shows the login page with a message saying why. (Only staff
have accounts on this site, so the limits apply to every signed-in session.)

`SecondFactorMiddleware`: django-otp's `OTPMiddleware` (it tells whether this session
passed a second factor) plus the gate: someone who must use a second factor and has not
passed it in this session reaches only the sign-in screens in the admin, and is anonymous
everywhere else on the site.
"""

from __future__ import annotations

import time
from functools import cache as memoize
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware

from . import policy, session
from .views import is_pending_ok, second_factor_url

TOUCH_EVERY_SECONDS = 60  # write the last-seen time at most once a minute

# Wagtail's views that the sign-in screens themselves need before the second factor.
OPEN_URL_NAMES = {
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}


@memoize
def admin_prefix() -> str:
    return reverse("wagtailadmin_home")


def _is_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith(admin_prefix())


class StaffSessionMiddleware:
    """Idle timeout and absolute lifetime of signed-in sessions (after MessageMiddleware)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(SESSION_KEY) is not None:
            reason = self.expired(request)
            if reason is not None:
                return self.end(request, reason) or self.get_response(request)
        return self.get_response(request)

    def expired(self, request: HttpRequest) -> str | None:
        now = time.time()
        started = request.session.get(session.SIGNED_IN_AT)
        seen = request.session.get(session.SEEN_AT)
        if started is None or seen is None:  # a session from before these limits
            session.start(request)
            return None
        if now - started > settings.ADMIN_SESSION_MAX_HOURS * 3600:
            return "max"
        if now - seen > settings.ADMIN_SESSION_IDLE_MINUTES * 60:
            return "idle"
        if now - seen > TOUCH_EVERY_SECONDS:
            request.session[session.SEEN_AT] = now
        return None

    def end(self, request: HttpRequest, reason: str) -> HttpResponse | None:
        logout(request)
        if reason == "idle":
            message = _(
                "Сеанс завершён: вы не работали в админке больше %(minutes)s минут. Войдите снова."
            ) % {"minutes": settings.ADMIN_SESSION_IDLE_MINUTES}
        else:
            message = _(
                "Сеанс завершён: с момента входа прошло %(hours)s часов. Войдите снова."
            ) % {"hours": settings.ADMIN_SESSION_MAX_HOURS}
        if not _is_admin(request):
            return None  # the public site simply goes on without a session
        messages.info(request, message)
        target = request.get_full_path() if request.method == "GET" else admin_prefix()
        return redirect_to_login(target, reverse("wagtailadmin_login"))


class SecondFactorMiddleware(OTPMiddleware):
    """No admin page before the second factor (after AuthenticationMiddleware)."""

    sync_capable = True
    async_capable = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._install_lazy_accessors(request)
        if not _is_admin(request):
            request.user = SimpleLazyObject(partial(_outside_admin, request.user))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not _is_admin(request) or not policy.must_verify(request.user):
            return None
        match = request.resolver_match
        if is_pending_ok(view_func) or (match and match.url_name in OPEN_URL_NAMES):
            return None
        return HttpResponseRedirect(second_factor_url(request.user, request.get_full_path()))


def _outside_admin(user):
    """Outside the admin a half-signed-in user is nobody (pages, documents, the userbar)."""
    return AnonymousUser() if policy.must_verify(user) else user
