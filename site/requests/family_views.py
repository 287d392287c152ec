"""The family's own request for help: one short page, then the receipt (see family.py).

The same protection as the report flow (:mod:`~safechildhood.core.protection`: signed
form token, cross-site refusal, honeypot, minimum fill time, rate limits under a keyed
hash; ALTCHA proof of work when JavaScript runs) and the same headers (``report_page``).
The page's form token doubles as the submission key: a double tap or a retry of the
same page stores one request and shows its receipt again.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from safechildhood.core import protection

from . import protection as report_protection
from . import routing, services
from .family import FamilyRequestForm, create_family_request
from .views import (
    _confirmation,
    _districts,
    _read_post,
    _sent_again,
    _token_refused,
    _too_many,
    _verification,
    form_page_context,
    report_page,
)

FORM_NAME = "family"
LIMITS = ("family", "family_network")


def _render(
    request: HttpRequest,
    form: FamilyRequestForm,
    *,
    issued_at: float | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "requests/family_form.html",
        {
            **form_page_context(form, FORM_NAME, issued_at, notice),
            "urgent_hours": routing.promised_hours(True),
            "sla_hours": routing.promised_hours(False),
            "retention_days": settings.REPORTS_RETENTION_DAYS,
        },
        status=status,
    )


def _refused_notice(problem: str) -> str:
    return {
        protection.EXPIRED: _(
            "Форма была открыта слишком давно. Ваши ответы сохранились на этой странице: "
            "проверьте их и нажмите «Отправить» ещё раз."
        ),
        protection.HONEYPOT: _(
            "Не удалось проверить форму. Проверьте ответы и нажмите «Отправить» ещё раз."
        ),
        protection.TOO_FAST: _(
            "Форма отправлена слишком быстро. Проверьте ответы и нажмите «Отправить» ещё раз."
        ),
    }[problem]


@report_page
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def family_form(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: validate and store at once (the page itself is the check)."""
    if request.method in ("GET", "HEAD"):
        return _render(request, FamilyRequestForm(districts=_districts()))
    if problem := _read_post(request):
        return problem
    raw_token = request.POST.get(protection.TOKEN_FIELD, "")
    try:
        issued_at = protection.read_token(raw_token, FORM_NAME)
    except protection.TokenError as exc:
        return _token_refused(request, exc)
    stored = services.find_submitted(raw_token)
    if stored is not None:  # a double tap, or the same page sent again
        return _sent_again(request, stored, raw_token)

    form = FamilyRequestForm(request.POST, districts=_districts())
    if not report_protection.hit(request, "family_form"):
        return _too_many(request)
    if problem := protection.form_problem(request, issued_at):
        form.is_valid()  # the answers come back with their errors
        kept = None if problem == protection.EXPIRED else issued_at
        return _render(request, form, issued_at=kept, notice=_refused_notice(problem), status=400)
    if not form.is_valid():
        return _render(request, form, issued_at=issued_at)
    verified_by = _verification(request, form)
    if verified_by is None:
        notice = _(
            "Проверка в браузере не прошла. Подождите несколько секунд и нажмите «Отправить» "
            "ещё раз."
        )
        return _render(request, form, issued_at=issued_at, notice=notice)
    return _store(request, form, raw_token, str(verified_by))


def _store(request: HttpRequest, form: FamilyRequestForm, token: str, verified_by: str):
    event = services.submission_key(token)
    if any(report_protection.is_limited(request, name, event=event) for name in LIMITS):
        return _too_many(request)
    for name in LIMITS:
        report_protection.hit(request, name, event=event)
    try:
        report, code = create_family_request(
            form.cleaned_data, token=token, verified_by=verified_by
        )
    except services.AlreadySubmitted as taps:
        return _sent_again(request, taps.report, token)
    return _confirmation(request, report, code)
