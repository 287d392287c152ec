"""Fuzzing the report flow (form, check, send, status, follow-up): never a 5xx, the
documented 400/403 only, and nothing stored or half-stored that should not be.

Submissions are often built to be structurally valid (a token signed as a GET of the
form would sign it, an empty honeypot, the fill time satisfied, a sealed state as the
check page makes it), so that validation deep inside the views is reached; the rest
is broken on purpose: missing, forged, expired or other forms' tokens, cross-site
headers, honeypots, repeated and unknown fields, hostile text everywhere.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.http.multipartparser import MAX_TOTAL_HEADER_SIZE
from django.test import Client
from django.test.utils import override_settings
from hypothesis import given
from hypothesis import strategies as st

from safechildhood.core import protection
from safechildhood.requests.crypto import _box, seal_box
from safechildhood.requests.forms import ANSWER_FIELDS

from . import strategies as s
from .checks import assert_answer, assert_consistent, assert_read_only, counts
from .conftest import example

pytestmark = pytest.mark.django_db

CATEGORIES = ["violence", "neglect", "bullying", "self_harm", "family_crisis", "other"]
PHONES = ["8 900 123-45-67", "+7 (8172) 00-00-01", "112", "8" * 16, "8 900 abc"]
EMAILS = ["name@example.ru", "a@b", "@", "name@пример.рф", "x" * 250 + "@a.ru"]
STALE = 5 * 60 * 60  # older than every token's and state's lifetime (4 hours)


@st.composite
def answers(draw, demo, valid: bool | None = None):
    """The form's eleven answers: valid ones, or any of them hostile."""
    valid = draw(st.booleans()) if valid is None else valid
    contact = draw(st.sampled_from(["anonymous", "contact"]))
    data = {
        "category": draw(st.sampled_from(CATEGORIES)),
        "description": draw(s.text(200).filter(lambda t: any(c.isalnum() for c in t)))
        if valid
        else draw(s.text(6000)),
        "district": draw(st.sampled_from([*demo.district_pks, "unknown"])),
        "place": draw(st.text(s.ANY_CHARACTER, max_size=300)) if not valid else "",
        "children_ages": draw(s.value("3 и 7 лет", "")),
        "danger_now": draw(st.sampled_from(["yes", "no", "unsure"])),
        "reporter_role": draw(st.sampled_from(["", "neighbour", "child", "other"])),
        "contact_preference": contact,
        "contact_name": draw(s.value("Анна")) if contact == "contact" else "",
        "contact_phone": draw(st.sampled_from(PHONES)) if contact == "contact" else "",
        "contact_email": draw(st.sampled_from(["", *EMAILS])) if contact == "contact" else "",
    }
    if not valid:
        for name in draw(st.sets(st.sampled_from(ANSWER_FIELDS))):
            data[name] = draw(s.text())
    return data


def token(kind: str, form: str = "report") -> str:
    if kind == "valid":
        return protection.issue_token(form)
    if kind == "expired":
        return protection.issue_token(form, issued_at=time.time() - STALE)
    if kind == "other_form":
        return protection.issue_token("status" if form == "report" else "report")
    if kind == "forged":
        genuine = protection.issue_token(form)
        return genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")
    return ""


TOKENS = st.sampled_from(["valid", "valid", "valid", "expired", "other_form", "forged", ""])
CROSS_SITE = st.sampled_from(
    [
        {},
        {},
        {},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
    ]
)
JUNK_FIELDS = st.lists(st.tuples(s.text(20), s.text()), max_size=3)


def post(client: Client, url: str, pairs: list[tuple[str, str]], headers: dict, multipart: bool):
    if multipart:
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        return client.post(url, data, **headers)
    body = urlencode(pairs)
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **headers)


def readable(pairs: list[tuple[str, str]], multipart: bool) -> bool:
    """Whether Django can parse the body at all. A multipart part's headers must fit in
    ``MAX_TOTAL_HEADER_SIZE`` bytes, and a name with quotes or line breaks breaks them:
    such a body is answered with a 400 (documented), whatever the fields say."""
    if not multipart:
        return True
    return all(
        len(name.encode()) < MAX_TOTAL_HEADER_SIZE - 100 and not set(name) & set('"\r\n')
        for name, _value in pairs
    )


def is_cross_site(headers: dict) -> bool:
    site = headers.get("HTTP_SEC_FETCH_SITE")
    if site:
        return site not in ("same-origin", "none")
    return headers.get("HTTP_ORIGIN", "null") != "null"


def test_report_form(demo):
    @given(
        prefix=s.LANGUAGE_PREFIX,
        given_answers=answers(demo),
        token_kind=TOKENS,
        honeypot=st.sampled_from(["", "", "", "http://spam.example", " "]),
        too_fast=st.booleans(),
        headers=CROSS_SITE,
        junk=JUNK_FIELDS,
        multipart=st.booleans(),
        altcha=st.sampled_from(["", "", "junk", "eyJhbGciOiJub25lIn0="]),
    )
    def run(
        prefix, given_answers, token_kind, honeypot, too_fast, headers, junk, multipart, altcha
    ):
        pairs = [*given_answers.items(), *junk, ("form_token", token(token_kind))]
        pairs += [("homepage_url", honeypot), ("altcha", altcha)]
        with example(), override_settings(REPORTS_MIN_FILL_SECONDS=3600 if too_fast else 0):
            before = counts()
            client = Client()
            response = post(client, f"{prefix}/report/form/", pairs, headers, multipart)
            clean = (
                token_kind == "valid"
                and not is_cross_site(headers)
                and not honeypot.strip()
                and not too_fast
                and readable(pairs, multipart)
            )
            assert_answer(response, {200} if clean else {200, 400, 403}, "form")
            assert_read_only(before, "nothing is stored before «Отправить»")

    run()


def _state_of(response) -> str | None:
    field = BeautifulSoup(response.content, "html.parser").select_one(
        "form[action$='/report/send/'] input[name=state]"
    )
    return field["value"] if field else None


def sealed(document: dict, age: int = 0) -> str:
    """`document` sealed as the site seals it, `age` seconds ago."""
    if not age:
        return seal_box(document)
    raw = json.dumps(document).encode()
    return _box(settings.SECRET_KEY).encrypt_at_time(raw, int(time.time()) - age).decode()


def check_state(given_answers: dict, verification: str, age: int = 0) -> str:
    """The check page's state: the answers, when the form was issued, how the sender
    was verified and the submission key."""
    document = {
        "a": given_answers,
        "t": int(time.time()),
        "v": verification,
        "k": secrets.token_hex(16),
    }
    return sealed(document, age)


STATES = st.sampled_from(["fresh", "fresh", "fresh", "expired", "mutated", "empty", "junk"])


def make_state(kind: str, given_answers: dict, verification: str) -> str:
    if kind == "expired":
        return check_state(given_answers, verification, age=STALE)
    if kind == "mutated":
        genuine = check_state(given_answers, verification)
        return genuine[:20] + genuine[21:]
    if kind == "empty":
        return ""
    if kind == "junk":
        return "gAAAAA" + secrets.token_urlsafe(40)
    return check_state(given_answers, verification)


def test_check_page_change_answers(demo):
    """«Изменить» on the check page posts the sealed state back to the form."""

    @given(
        given_answers=answers(demo),
        kind=STATES,
        edit=st.one_of(st.sampled_from(ANSWER_FIELDS), s.text(20)),
        headers=CROSS_SITE,
    )
    def run(given_answers, kind, edit, headers):
        state = make_state(kind, given_answers, "none")
        with example():
            before = counts()
            response = post(
                Client(), "/report/form/", [("state", state), ("edit", edit)], headers, False
            )
            assert_answer(response, {200, 400, 403}, "change answers")
            assert_read_only(before, "nothing is stored before «Отправить»")

    run()


def receipt_shown(response) -> str | None:
    shown = BeautifulSoup(response.content, "html.parser").select_one("[data-receipt]")
    return re.sub(r"\D", "", shown.get_text()) if shown else None


def test_send(demo):
    @given(
        prefix=s.LANGUAGE_PREFIX,
        given_answers=answers(demo),
        kind=STATES,
        verification=st.sampled_from(["none", "pow", "recaptcha", "junk"]),
        consent=st.sampled_from(["on", "", "yes", "\x00on"]),
        headers=CROSS_SITE,
        junk=JUNK_FIELDS,
        repeat=st.booleans(),
    )
    def run(prefix, given_answers, kind, verification, consent, headers, junk, repeat):
        state = make_state(kind, given_answers, verification)
        pairs = [("state", state), ("consent", consent), *junk]
        with example():
            before = counts()
            client = Client()
            response = post(client, f"{prefix}/report/send/", pairs, headers, False)
            assert_answer(response, {200, 400, 403}, "send")
            filed = b"data-receipt" in response.content
            assert counts().reports == before.reports + filed
            if filed:
                assert response.status_code == 200 and kind == "fresh"
                again = post(client, f"{prefix}/report/send/", pairs, headers, False)
                assert_answer(again, {200}, "send again")
                # A double tap shows the same receipt again (never a second report).
                assert receipt_shown(again) == receipt_shown(response)
                assert counts().reports == before.reports + 1
            elif repeat:
                post(client, f"{prefix}/report/send/", pairs, headers, False)
            assert_consistent()

    run()


def test_report_form_to_receipt(demo):
    """The whole visitor flow with hostile but valid answers: GET the form, post it,
    send the check page's state. Whatever the text, a valid report ends with a receipt."""

    @given(prefix=s.LANGUAGE_PREFIX, given_answers=answers(demo, valid=True))
    def run(prefix, given_answers):
        with example():
            client = Client()
            page = client.get(f"{prefix}/report/form/")
            assert_answer(page, {200}, "form GET")
            form_token = BeautifulSoup(page.content, "html.parser").select_one(
                "input[name=form_token]"
            )["value"]
            data = {**given_answers, "form_token": form_token}
            check = client.post(f"{prefix}/report/form/", data)
            assert_answer(check, {200}, "form POST")
            state = _state_of(check)
            if state is None:  # a form error (e.g. a phone that is not one): shown, not lost
                assert b"error-summary" in check.content
                return
            before = counts()
            done = client.post(f"{prefix}/report/send/", {"state": state, "consent": "on"})
            assert_answer(done, {200}, "send")
            assert b"data-receipt" in done.content
            assert counts().reports == before.reports + 1
            assert_consistent()

    run()


def test_status_lookup(demo):
    codes = st.one_of(
        st.just(demo.receipt),
        st.sampled_from([" ", "-", ".", "\x00", "\u00a0", "\t"]).map(
            lambda sep: sep.join(demo.receipt[i : i + 4] for i in range(0, 16, 4))
        ),
        st.text("0123456789", min_size=16, max_size=16),
        s.text(60),
    )

    @given(
        prefix=s.LANGUAGE_PREFIX,
        code=codes,
        token_kind=TOKENS,
        headers=CROSS_SITE,
        junk=JUNK_FIELDS,
    )
    def run(prefix, code, token_kind, headers, junk):
        pairs = [("code", code), ("form_token", token(token_kind, "status")), *junk]
        with example():
            before = counts()
            response = post(Client(), f"{prefix}/report/status/", pairs, headers, False)
            clean = token_kind == "valid" and not is_cross_site(headers)
            assert_answer(response, {200, 400} if clean else {200, 400, 403}, "status")
            assert_read_only(before, "a status lookup changes nothing")

    run()


def test_follow_up(demo):
    from safechildhood.core import keys
    from safechildhood.requests.models import Report
    from tests.sealing import escrow_key_of

    lookup = Report.objects.get(pk=demo.report_pk).receipt_lookup
    # A status page carries the report key its code opened (sealed reports); a page of a
    # report moved by `seal_reports` has none and is told plainly it cannot reply (409).
    report_key = keys.b64(escrow_key_of(demo.report_pk))
    tokens = st.sampled_from(
        ["valid", "valid", "expired", "other_report", "forged", "empty", "no_key"]
    )

    @given(
        prefix=s.LANGUAGE_PREFIX,
        token_kind=tokens,
        body=s.text(6000),
        headers=CROSS_SITE,
        junk=JUNK_FIELDS,
    )
    def run(prefix, token_kind, body, headers, junk):
        keyless = {"f": "followup", "r": demo.report_pk, "l": lookup}
        document = {**keyless, "k": report_key}
        status_token = {
            "valid": seal_box(document),
            "no_key": seal_box(keyless),
            "expired": sealed(document, STALE),
            "other_report": seal_box({**document, "r": demo.report_pk + 10_000}),
            "forged": seal_box(document)[:-2],
            "empty": "",
        }[token_kind]
        pairs = [("status_token", status_token), ("body", body), *junk]
        with example():
            before = counts()
            response = post(Client(), f"{prefix}/report/status/message/", pairs, headers, False)
            allowed = {400, 403, 409} if token_kind == "no_key" else {200, 400, 403}
            assert_answer(response, allowed, "follow-up")
            after = counts()
            assert after.messages == before.messages + (response.status_code == 200)
            assert after.reports == before.reports
            assert_consistent()

    run()


def test_report_pages_with_any_query_and_method(demo):
    """The start page, the form, the status page and the proof-of-work challenge: any
    query string is ignored; a method a page does not take is a 405."""
    pages = {
        "/report/": {"GET"},
        "/report/form/": {"GET", "POST"},
        "/report/send/": {"POST"},
        "/report/status/": {"GET", "POST"},
        "/report/status/message/": {"POST"},
        "/report/altcha/": {"GET"},
    }

    @given(
        prefix=s.LANGUAGE_PREFIX,
        page=st.sampled_from(sorted(pages)),
        method=st.sampled_from(["GET", "GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]),
        query=s.query_string({"q": s.text(), "state": s.text(), "code": s.text()}),
    )
    def run(prefix, page, method, query):
        with example():
            before = counts()
            response = Client().generic(method, f"{prefix}{page}?{query}")
            methods = pages[page] | ({"HEAD"} if "GET" in pages[page] else set())
            assert_answer(response, {200} if method in methods else {405}, f"{method} {page}")
            assert_read_only(before, page)

    run()
