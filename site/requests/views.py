"""The public side: start page → questions → check your report → receipt; status page.

No step stores anything before the reporter confirms: the answers travel inside the
page, encrypted (:func:`~safechildhood.requests.crypto.seal_box`). No session or CSRF
cookie is set: the POST views are ``csrf_exempt`` and use the signed per-form token
and browser-origin checks of :mod:`~safechildhood.core.protection` instead (the
report's own limits and proof of work: :mod:`~safechildhood.requests.protection`).
Every response carries ``Cache-Control: no-store`` and ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.models import Locale, Page

from safechildhood.core import keys, protection
from safechildhood.core.outage import resubmit_on_outage
from safechildhood.registry.models import District

from . import attempts, receipts, routing, sealing, services
from . import protection as report_protection
from .crypto import InvalidToken, open_box, seal_box
from .forms import (
    ANSWER_FIELDS,
    ConsentForm,
    FollowUpForm,
    ReportForm,
    StatusLookupForm,
    answers_from,
    has_contact,
)
from .models import Category, DangerNow, Report, ReporterRole, Verification

FORM_NAME = "report"
STATUS_FORM_NAME = "status"
STATUS_TOKEN_TTL = 30 * 60
# How long the same check page, sent again, shows its receipt code again.
RECEIPT_REPEAT_SECONDS = 30 * 60
MAX_BODY_BYTES = 256 * 1024  # far above the largest honest form (5000 Cyrillic characters, twice)


def report_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Headers every page of the report flow needs, whatever the outcome.

    If the database is down, what was posted comes back in the outage page's «send
    again» form (:func:`~safechildhood.core.outage.resubmit_on_outage`).
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # includes no-store
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        if settings.RECAPTCHA_ENABLED and getattr(response, "uses_recaptcha", False):
            from .recaptcha import CSP_UPDATE

            response._csp_update = CSP_UPDATE
        return response

    return resubmit_on_outage(wrapped)


def _problem(request: HttpRequest, status: int, title: str, message: str, **extra) -> HttpResponse:
    """A calm error page that always repeats the phone numbers."""
    context = {"title": title, "message": message, **extra}
    response = render(request, "requests/problem.html", context, status=status)
    if status == 429:
        response["Retry-After"] = "600"
    return response


def _too_many(request: HttpRequest, **extra) -> HttpResponse:
    return _problem(
        request,
        429,
        _("Слишком много попыток"),
        _(
            "С вашего устройства или сети недавно отправили много сообщений. Попробуйте ещё раз "
            "через некоторое время. Если ребёнку угрожает опасность, не ждите: позвоните."
        ),
        **extra,
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    return _problem(
        request,
        403,
        _("Форму нельзя отправить отсюда"),
        _(
            "Форма была отправлена не со страницы нашего сайта или повреждена. Откройте форму "
            "заново на сайте и заполните её."
        ),
    )


def _bad_request(request: HttpRequest, message: str | None = None) -> HttpResponse:
    return _problem(
        request,
        400,
        _("Не удалось принять форму"),
        message or _("Откройте форму заново на нашем сайте и заполните её."),
    )


def _read_post(request: HttpRequest) -> HttpResponse | None:
    """Parse the body safely: oversize, malformed or cross-site bodies stop here (4xx)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _bad_request(request, _("Сообщение слишком большое. Сократите текст."))
    if protection.is_cross_site(request):
        return _forbidden(request)
    try:
        request.POST  # noqa: B018 - parse now, inside the guard
    except (RequestDataTooBig, TooManyFieldsSent):
        return _bad_request(request, _("Сообщение слишком большое. Сократите текст."))
    except (SuspiciousOperation, UnicodeDecodeError, LookupError, ValueError):
        return _bad_request(request)
    return None


def _token_refused(request: HttpRequest, error: protection.TokenError) -> HttpResponse:
    """No token is a broken page (400); a forged or another form's token is refused (403)."""
    return _bad_request(request) if error.reason == "missing" else _forbidden(request)


def _districts():
    return list(District.objects.only("pk", "name", "name_en").order_by("name"))


# --- Start page ---------------------------------------------------------------------------


# The content page for families who have been reported (demo content, editable in Wagtail),
# found by its Russian slug; a translation may have a slug of its own («/en/my-family-…/»).
FAMILIES_PAGE_SLUG = "na-moyu-semyu-postupilo-soobshchenie"


def _families_page():
    """The families page in the visitor's language, or None (two queries at most)."""
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return None
    pages = Page.objects.live().public()
    source = pages.filter(slug=FAMILIES_PAGE_SLUG).order_by("pk").first()
    if source is None or source.locale_id == locale.pk:
        return source
    return pages.filter(translation_key=source.translation_key, locale=locale).first()


@report_page
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "requests/start.html",
        {
            "urgent_hours": settings.REPORTS_URGENT_SLA_HOURS,
            "sla_hours": settings.REPORTS_SLA_HOURS,
            "retention_days": settings.REPORTS_RETENTION_DAYS,
            "families_page": _families_page(),
        },
    )


# --- Questions ------------------------------------------------------------------------------


def form_page_context(
    form: forms.Form, form_name: str, issued_at: float | None, notice: str
) -> dict[str, Any]:
    """What a page with a public form needs besides its questions: a fresh token (keeping the
    first one's time when answers come back), the notice of a refusal, the honeypot's name
    and whether the browser does ALTCHA's proof of work (reCAPTCHA is the other choice)."""
    return {
        "form": form,
        "form_token": protection.issue_token(form_name, issued_at),
        "notice": notice,
        "honeypot_field": protection.HONEYPOT_FIELD,
        "use_altcha": not settings.RECAPTCHA_ENABLED,
    }


def _render_form(
    request: HttpRequest,
    form: ReportForm,
    *,
    issued_at: float | None = None,
    notice: str = "",
    status: int = 200,
    focus: str = "",
) -> HttpResponse:
    response = render(
        request,
        "requests/form.html",
        {
            **form_page_context(form, FORM_NAME, issued_at, notice),
            "focus": focus,
            "danger_choice": DangerNow.YES,
        },
        status=status,
    )
    response.uses_recaptcha = True
    return response


def _render_check(
    request: HttpRequest,
    answers: dict[str, str],
    state: str,
    *,
    consent_form: ConsentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    form = ReportForm(districts=_districts())
    rows = [
        ("category", _("Что беспокоит"), dict(Category.choices).get(answers["category"], "")),
        ("description", _("Описание"), answers["description"]),
        ("district", _("Район"), form.district_label(answers["district"])),
        ("place", _("Где именно"), answers.get("place", "")),
        ("children_ages", _("Возраст детей"), answers.get("children_ages", "")),
        (
            "danger_now",
            _("Опасность прямо сейчас"),
            dict(DangerNow.choices).get(answers["danger_now"], ""),
        ),
        (
            "reporter_role",
            _("Кто вы"),
            dict(ReporterRole.choices).get(answers.get("reporter_role", ""), ""),
        ),
    ]
    contact = has_contact(answers)
    if contact:
        contact_text = "\n".join(
            answers[name]
            for name in ("contact_name", "contact_phone", "contact_email")
            if answers.get(name)
        )
        rows.append(("contact_preference", _("Контакты для связи"), contact_text))
    else:
        rows.append(("contact_preference", _("Контакты для связи"), _("Не указаны: анонимно")))
    return render(
        request,
        "requests/check.html",
        {
            "rows": rows,
            "state": state,
            "urgent": answers["danger_now"] == DangerNow.YES,
            "ask_consent": contact,
            "consent_form": consent_form or ConsentForm(),
        },
        status=status,
    )


@report_page
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    """The questions; a POST checks the answers and shows them to confirm (nothing stored)."""
    if request.method in ("GET", "HEAD"):
        return _render_form(request, ReportForm(districts=_districts()))
    if problem := _read_post(request):
        return problem
    if "state" in request.POST:
        return _change_answers(request)
    try:
        issued_at = protection.read_token(request.POST.get(protection.TOKEN_FIELD), FORM_NAME)
    except protection.TokenError as exc:
        return _token_refused(request, exc)

    form = ReportForm(request.POST, districts=_districts())
    if not report_protection.hit(request, "preview"):
        return _too_many(request)
    if problem := protection.form_problem(request, issued_at):
        form.is_valid()  # the answers come back with their errors
        return _answers_refused(request, form, issued_at, problem)
    if not form.is_valid():
        return _render_form(request, form, issued_at=issued_at)
    verification = _verification(request, form)
    if verification is None:
        return _render_form(
            request,
            form,
            issued_at=issued_at,
            notice=_(
                "Проверка в браузере не прошла. Подождите несколько секунд и нажмите "
                "«Продолжить» ещё раз."
            ),
        )
    answers = answers_from(form.cleaned_data)
    state = seal_box(
        {"a": answers, "t": issued_at, "v": str(verification), "k": secrets.token_hex(16)}
    )
    return _render_check(request, answers, state)


def _change_answers(request: HttpRequest) -> HttpResponse:
    """«Change your answers» from the check page: the encrypted state is the token."""
    opened = _open_state(request.POST.get("state", ""))
    if opened is None:
        return _forbidden(request)
    state, _expired = opened  # answers may be edited even when too old to send
    form = ReportForm(initial=state["a"], districts=_districts())
    focus = request.POST.get("edit", "")
    return _render_form(
        request,
        form,
        issued_at=state["t"],
        focus=f"id_{focus}" if focus in ANSWER_FIELDS else "",
    )


def _answers_refused(
    request: HttpRequest, form: ReportForm, issued_at: float, problem: str
) -> HttpResponse:
    """The answers back on the page (400) with what to do, after a protection check failed.

    An expired form gets a new token; a honeypot or a too fast one keeps its time.
    """
    notices = {
        protection.EXPIRED: _(
            "Форма была открыта слишком давно. Ваши ответы сохранились на этой странице: "
            "проверьте их и нажмите «Продолжить» ещё раз."
        ),
        protection.HONEYPOT: _(
            "Не удалось проверить форму. Проверьте ответы и нажмите «Продолжить» ещё раз."
        ),
        protection.TOO_FAST: _(
            "Форма отправлена слишком быстро. Проверьте ответы и нажмите «Продолжить» ещё раз."
        ),
    }
    kept = None if problem == protection.EXPIRED else issued_at
    return _render_form(request, form, issued_at=kept, notice=notices[problem], status=400)


def _verification(request: HttpRequest, form: ReportForm) -> str | None:
    """How the sender was checked (reCAPTCHA, proof of work or not at all); None: a bad proof."""
    if settings.RECAPTCHA_ENABLED:
        return Verification.RECAPTCHA if form.cleaned_data.get("captcha") else Verification.NONE
    payload = request.POST.get(report_protection.ALTCHA_FIELD, "")
    if not payload:
        return Verification.NONE
    if not report_protection.verify_proof(payload):
        return None
    return Verification.PROOF_OF_WORK


def _open_state(raw: str) -> tuple[dict[str, Any], bool] | None:
    """(state, expired) for a genuine state; None for a forged one."""
    if not raw:
        return None
    try:
        state = open_box(raw, max_age=protection.TOKEN_MAX_AGE)
        expired = False
    except InvalidToken:
        try:
            state = open_box(raw, max_age=10 * 365 * 24 * 3600)
        except InvalidToken:
            return None
        expired = True
    answers = state.get("a")
    if (
        not isinstance(answers, dict)
        or not all(isinstance(answers.get(name, ""), str) for name in ANSWER_FIELDS)
        or not isinstance(state.get("t"), (int, float))
        or not isinstance(state.get("k"), str)
        or state.get("v") not in Verification.values
    ):
        return None
    state["a"] = {name: answers.get(name, "") for name in ANSWER_FIELDS}
    return state, expired


# --- Check and send -------------------------------------------------------------------------


@report_page
@csrf_exempt
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    if problem := _read_post(request):
        return problem
    raw_state = request.POST.get("state", "")
    if not raw_state:
        return _bad_request(request)
    opened = _open_state(raw_state)
    if opened is None:
        return _forbidden(request)
    state, expired = opened
    stored = services.find_submitted(state["k"])
    if stored is not None:  # a double tap, Back and send, or a retry after a lost answer
        return _sent_again(request, stored, state["k"])
    answers = state["a"]

    # Re-validate: the state was built by us, but the district list may have changed.
    form = ReportForm(answers, districts=_districts())
    if settings.RECAPTCHA_ENABLED:
        form.fields.pop("captcha", None)
    if expired or not form.is_valid():
        form.is_valid()
        if expired:
            notice = _(
                "Прошло слишком много времени, и сообщение не было отправлено. Ваши ответы "
                "сохранились: проверьте их и нажмите «Продолжить»."
            )
        else:
            notice = _("Сообщение не отправлено: проверьте ответы и нажмите «Продолжить».")
        return _render_form(request, form, notice=notice, status=400)

    consent_form = None
    if has_contact(answers):
        consent_form = ConsentForm(request.POST)
        if not consent_form.is_valid():
            return _render_check(request, answers, raw_state, consent_form=consent_form, status=400)

    within, over_volume = _check_limits(request, state)
    if not within:
        return _too_many(request, retry_state=raw_state, retry_consent=bool(consent_form))
    try:
        report, code = services.create_report(
            answers, token=state["k"], verified_by=state["v"], over_volume=over_volume
        )
    except services.AlreadySubmitted as taps:  # another tap of this page stored it first
        return _sent_again(request, taps.report, state["k"])
    return _confirmation(request, report, code)


def _check_limits(request: HttpRequest, state: dict[str, Any]) -> tuple[bool, bool]:
    """Check, then count, the report limits; taps of one page count once.

    Returns (within the limits, over the usual volume): above the usual site-wide volume
    of reports without verification nobody is refused; the report is flagged for staff.
    """
    unverified = state["v"] == Verification.NONE
    limits = ["report"]
    if unverified:
        limits += ["report_unverified", "report_unverified_network"]
    event = services.submission_key(state["k"])
    if any(report_protection.is_limited(request, name, event=event) for name in limits):
        return False, False
    for name in limits:
        report_protection.hit(request, name, event=event)
    over_volume = unverified and not report_protection.hit(
        request, "report_unverified_global", event=event
    )
    return True, over_volume


def _confirmation(request: HttpRequest, report: Report, code: str, repeated: bool = False):
    context = {
        "code": code,
        "code_grouped": receipts.grouped(code),
        "urgent": report.urgent,
        "repeated": repeated,
        "family": report.is_family,
        "who": routing.who_acts(report),
    }
    return render(request, "requests/confirmation.html", context)


def _sent_again(request: HttpRequest, report: Report, token: str) -> HttpResponse:
    """The same page sent again: the same confirmation while it is fresh, else "already sent".

    Only for ``RECEIPT_REPEAT_SECONDS`` after the report was stored (a lost answer is
    retried within minutes; later, on a shared computer, it could be the next person
    pressing Back), and only a code that opens this report (reports stored before codes
    were derived from the page have another one).
    """
    code = receipts.code_for(token)
    age = timezone.now() - report.created_at
    if (
        age <= dt.timedelta(seconds=RECEIPT_REPEAT_SECONDS)
        and not report.purged_at
        and receipts.verify_code(report.receipt_hash, code)
    ):
        return _confirmation(request, report, code, repeated=True)
    return render(request, "requests/already_sent.html")


# --- Status page ------------------------------------------------------------------------------


def _status_context(
    report: Report, key: bytes | None, followup_form: FollowUpForm | None = None
) -> dict[str, Any]:
    """The status page. Messages open with the report key the receipt code gave (`key`);
    the page carries that key back for a reply, encrypted under a server key and valid
    for ``STATUS_TOKEN_TTL``: the page alone, or the server alone, opens nothing."""
    opened = key is not None or report.sealed_at is None
    state = {"f": "followup", "r": report.pk, "l": report.receipt_lookup}
    if key is not None:
        state["k"] = keys.b64(key)
    return {
        "report": report,
        "who": routing.who_acts(report),
        "call_backs": list(report.call_backs.all()) if report.is_family else [],
        "messages_list": list(report.messages.all()) if opened else [],
        "messages_locked": not opened,
        "followup_form": followup_form or FollowUpForm(),
        "status_token": seal_box(state),
    }


def _wrong_code_message(left: int, window_end: dt.datetime) -> str:
    """Not found, and how many tries are left before the lock (warn before it bites)."""
    message = _("Обращение с таким кодом не найдено. Проверьте цифры.")
    if left == 1:
        return (
            message
            + " "
            + _(
                "Осталась последняя попытка: после ещё одной ошибки ввод кода "
                "закроется до %(time)s."
            )
            % {"time": formats.time_format(window_end, "H:i")}
        )
    return message + " " + _("Осталось попыток: %(left)d.") % {"left": left}


def _lookup_locked(request: HttpRequest, until: dt.datetime | None) -> HttpResponse:
    """Too many codes tried from here: say until when, and repeat the numbers.

    `until` None: not wrong codes but very many lookups in a short time
    (``status_lookup``); the counter's window started at most that long ago, so the
    time given is one by which it has surely ended.
    """
    if until is None:
        until = timezone.localtime() + dt.timedelta(
            seconds=report_protection.LIMITS["status_lookup"].window
        )
        message = _(
            "С этого устройства или из этой сети очень часто проверяли коды. Попробуйте "
            "снова после %(time)s. Если ребёнку угрожает опасность, не ждите: позвоните."
        )
    else:
        message = _(
            "С этого устройства или из этой сети много раз ввели код, которого у нас нет. "
            "Чтобы никто не мог подобрать чужой код, проверка кодов отсюда закрыта до "
            "%(time)s. Если ребёнку угрожает опасность, не ждите: позвоните."
        )
    response = _problem(
        request,
        429,
        _("Ввод кода временно закрыт"),
        message % {"time": formats.time_format(until, "H:i")},
        show_status_link=True,
    )
    response["Retry-After"] = str(max(int((until - timezone.now()).total_seconds()), 1))
    return response


@report_page
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        return render(
            request,
            "requests/status_lookup.html",
            {
                "form": StatusLookupForm(),
                "form_token": protection.issue_token(STATUS_FORM_NAME),
            },
        )
    if problem := _read_post(request):
        return problem
    try:
        protection.read_token(request.POST.get(protection.TOKEN_FIELD), STATUS_FORM_NAME)
    except protection.TokenError as exc:
        return _token_refused(request, exc)
    until = attempts.locked_until(request)
    if until is not None:
        return _lookup_locked(request, until)

    form = StatusLookupForm(request.POST)
    report = None
    if form.is_valid():  # a code of the wrong shape is explained and counts nowhere
        if not report_protection.hit(request, "status_lookup"):
            return _lookup_locked(request, None)
        report = Report.find_by_receipt(form.cleaned_data["code"])
        if report is None:
            left = attempts.record_wrong_code(request)
            if left == 0:
                return _lookup_locked(request, attempts.window_end(request))
            form.add_error("code", _wrong_code_message(left, attempts.window_end(request)))
    if report is None:
        return render(
            request,
            "requests/status_lookup.html",
            {"form": form, "form_token": protection.issue_token(STATUS_FORM_NAME)},
            status=400 if form.errors else 200,
        )
    key = sealing.open_for_reporter(report, receipts.normalise(form.cleaned_data["code"]) or "")
    return render(request, "requests/status.html", _status_context(report, key))


@report_page
@csrf_exempt
@require_POST
def follow_up(request: HttpRequest) -> HttpResponse:
    if problem := _read_post(request):
        return problem
    try:
        token = open_box(request.POST.get("status_token", ""), max_age=STATUS_TOKEN_TTL)
    except InvalidToken:
        return _problem(
            request,
            400,
            _("Страница устарела"),
            _("Чтобы написать специалистам, введите код обращения ещё раз."),
            show_status_link=True,
        )
    report = (
        Report.objects.filter(
            pk=token.get("r"), receipt_lookup=token.get("l") or "-", purged_at__isnull=True
        ).first()
        if token.get("f") == "followup" and isinstance(token.get("r"), int)
        else None
    )
    if report is None:
        return _forbidden(request)
    key = _token_key(token)
    if key is not None:
        sealing.open_with_key(report.pk, key)
    elif report.sealed_at is not None:  # a reply must be sealed under the report's key
        return _problem(
            request,
            409,
            _("Ответить через сайт нельзя"),
            _(
                "У этого обращения нет ключа переписки для вашего кода, поэтому написать "
                "специалистам через сайт нельзя. Чтобы что-то добавить, отправьте новое "
                "сообщение или позвоните по телефонам, указанным на сайте."
            ),
            show_status_link=True,
        )
    if not report_protection.hit(request, "followup"):
        return _too_many(request)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return render(
            request, "requests/status.html", _status_context(report, key, form), status=400
        )
    try:
        services.reporter_follow_up(report, form.cleaned_data["body"])
    except services.ReportGone:  # the retention period ended while the reporter wrote
        return _problem(
            request,
            410,
            _("Работа по сообщению завершена"),
            _(
                "Содержание этого обращения удалено по сроку хранения, и дополнить его нельзя. "
                "Если нужно, отправьте новое сообщение."
            ),
        )
    context = _status_context(report, key)
    context["sent"] = True
    return render(request, "requests/status.html", context)


def _token_key(token: dict[str, Any]) -> bytes | None:
    raw = token.get("k")
    if not isinstance(raw, str):
        return None
    try:
        key = keys.unb64(raw)
    except keys.CryptoError:
        return None
    return key if len(key) == keys.KEY_BYTES else None


# --- Proof of work ------------------------------------------------------------------------------


@require_safe
def altcha_challenge(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(report_protection.new_challenge())
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response
