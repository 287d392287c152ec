"""Abuse protection that keeps reporters anonymous: no cookie, no stored address."""

import base64
import json
import time

import altcha
import pytest
from django.core import signing
from django.core.cache import cache

from safechildhood.core import protection as form_protection
from safechildhood.requests import protection
from safechildhood.requests.models import Report, Verification

from .conftest import ANSWERS, check_page, file_report, form_token, soup, state_of

pytestmark = pytest.mark.django_db


def solved_payload(client) -> str:
    """What the ALTCHA widget posts: the server's challenge with a solution."""
    response = client.get("/report/altcha/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    challenge = altcha.Challenge.from_dict(response.json())
    solution = altcha.solve_challenge(challenge)
    return altcha.Payload(challenge, solution).to_base64()


# --- honeypot and timing -------------------------------------------------------------------


def test_honeypot_is_hidden_from_people_and_stops_bots(client, district):
    page = soup(client.get("/report/form/"))
    trap = page.select_one(f"input[name={form_protection.HONEYPOT_FIELD}]")
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    assert trap.find_parent(class_="form-extra")["aria-hidden"] == "true"

    response = check_page(
        client, district, **{form_protection.HONEYPOT_FIELD: "http://spam.example"}
    )
    assert response.status_code == 400
    page = soup(response)
    assert "Не удалось проверить форму" in page.select_one(".error-summary").get_text()
    # A person whose browser filled it by mistake loses nothing.
    assert (
        page.select_one("textarea[name=description]").get_text().strip() == ANSWERS["description"]
    )
    assert not page.select_one("input[name=state]")


def test_a_form_filled_too_fast_is_returned(client, district, settings):
    settings.REPORTS_MIN_FILL_SECONDS = 5
    response = check_page(client, district)
    assert response.status_code == 400
    assert "слишком быстро" in soup(response).select_one(".error-summary").get_text()

    # The same form, sent after the minimum time, goes through.
    old_token = form_protection.issue_token("report", issued_at=time.time() - 10)
    response = check_page(client, district, form_token=old_token)
    assert response.status_code == 200
    assert soup(response).select_one("input[name=state]")


def test_missing_timing_token_is_a_400(client, district):
    data = {**ANSWERS, "district": str(district.pk)}
    response = client.post("/report/form/", data)
    assert response.status_code == 400
    assert soup(response).select_one("a[href='tel:112']")


# --- CSRF without a cookie ------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps({"f": "report", "t": 0, "n": "x"}, salt="another-salt"),
        form_protection.issue_token("status"),  # a genuine token for another form
    ],
    ids=["garbage", "wrong-key", "other-form"],
)
def test_forged_form_tokens_are_refused(client, district, token):
    response = check_page(client, district, form_token=token)
    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_forged_state_is_refused(client, district):
    state = state_of(check_page(client, district))
    tampered = state[:-6] + ("AAAAAA" if not state.endswith("AAAAAA") else "BBBBBB")
    assert client.post("/report/send/", {"state": tampered}).status_code == 403
    assert client.post("/report/send/", {"state": "x"}).status_code == 403
    assert client.post("/report/send/", {}).status_code == 400
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_cross_site_posts_are_refused(client, district, headers):
    data = {**ANSWERS, "district": str(district.pk), "form_token": form_token(client)}
    response = client.post("/report/form/", data, **headers)
    assert response.status_code == 403
    state = state_of(check_page(client, district))
    assert client.post("/report/send/", {"state": state}, **headers).status_code == 403
    assert Report.objects.count() == 0


def test_same_origin_posts_from_a_no_referrer_page_pass(client, district):
    """Our pages send no referrer, so browsers say `Origin: null`: that is not cross-site."""
    data = {**ANSWERS, "district": str(district.pk), "form_token": form_token(client)}
    response = client.post(
        "/report/form/", data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 200
    response = client.post("/report/form/", data, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 200


# --- rate limits ------------------------------------------------------------------------------


def test_reports_without_proof_of_work_have_a_tighter_limit(client, district):
    for _ in range(protection.LIMITS["report_unverified"].count):
        file_report(client, district)
    state = state_of(check_page(client, district))
    response = client.post("/report/send/", {"state": state})
    assert response.status_code == 429
    assert response["Retry-After"]
    page = soup(response)
    assert page.select_one("main a[href='tel:112']")
    assert page.select_one("main a[href='tel:88002000122']")
    # The report is not lost: the page can send it again later.
    assert page.select_one("form[action='/report/send/'] input[name=state]")["value"] == state
    assert Report.objects.count() == protection.LIMITS["report_unverified"].count

    # Another client (another address) is not affected.
    other = client_class_for(client)(REMOTE_ADDR="198.51.100.9")
    file_report(other, district)


def client_class_for(client):
    return type(client)


def test_proof_of_work_lifts_the_tight_limit_up_to_the_normal_one(client, district):
    limit = protection.LIMITS["report"].count
    for _ in range(limit):
        file_report(client, district, altcha=solved_payload(client))
    assert set(Report.objects.values_list("verified_by", flat=True)) == {Verification.PROOF_OF_WORK}
    state = state_of(check_page(client, district, altcha=solved_payload(client)))
    assert client.post("/report/send/", {"state": state}).status_code == 429
    assert Report.objects.count() == limit


def test_a_proof_of_work_is_accepted_once(client, district):
    payload = solved_payload(client)
    assert check_page(client, district, altcha=payload).status_code == 200
    replay = check_page(client, district, altcha=payload)
    assert "Проверка в браузере не прошла" in soup(replay).select_one(".error-summary").get_text()
    assert not soup(replay).select_one("input[name=state]")


@pytest.mark.parametrize(
    "payload",
    [
        "not-base64!",
        base64.b64encode(b"[]").decode(),
        base64.b64encode(json.dumps({"challenge": {}, "solution": {}}).encode()).decode(),
    ],
)
def test_bogus_proofs_are_rejected_without_error(client, district, payload):
    response = check_page(client, district, altcha=payload)
    assert response.status_code == 200
    assert "Проверка в браузере не прошла" in soup(response).get_text()


def test_a_proof_signed_with_another_key_is_rejected(client, district):
    challenge = altcha.create_challenge(
        "PBKDF2/SHA-256", 10, hmac_secret="not-our-secret", expires_at=int(time.time()) + 60
    )
    payload = altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()
    assert (
        "Проверка в браузере не прошла"
        in soup(check_page(client, district, altcha=payload)).get_text()
    )


def test_rate_limit_counters_hold_no_address(client, district):
    visitor = client_class_for(client)(REMOTE_ADDR="203.0.113.77")
    file_report(visitor, district)
    keys = list(cache._cache.keys())  # LocMemCache internals: the stored keys
    assert keys
    assert not any("203.0.113.77" in key or "127.0.0.1" in key for key in keys)


def test_forwarded_address_is_used_only_behind_a_configured_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.2")
    other = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert form_protection.client_key(request) == form_protection.client_key(other)
    settings.TRUSTED_PROXY_COUNT = 2
    assert form_protection.client_key(request) != form_protection.client_key(other)
    assert len(form_protection.client_key(request)) == 32


# --- reCAPTCHA instead, when configured ------------------------------------------------------


@pytest.fixture
def recaptcha(settings):
    settings.RECAPTCHA_ENABLED = True
    settings.RECAPTCHA_PUBLIC_KEY = "public-test-key"
    settings.RECAPTCHA_PRIVATE_KEY = "private-test-key"


def test_recaptcha_replaces_the_proof_of_work_when_configured(client, district, recaptcha):
    response = client.get("/report/form/")
    page = soup(response)
    assert page.select_one(".g-recaptcha[data-sitekey='public-test-key']")
    assert not page.select_one("altcha-widget")
    assert "https://www.google.com/recaptcha/" in response["Content-Security-Policy"]
    # Our own pages still load nothing else from elsewhere.
    assert "google" not in client.get("/report/")["Content-Security-Policy"]


def test_recaptcha_answers_are_verified_without_our_address(
    client, district, recaptcha, monkeypatch
):
    from django_recaptcha import client as recaptcha_client

    calls = []

    def fake_submit(recaptcha_response, private_key, remoteip):
        calls.append(remoteip)
        return recaptcha_client.RecaptchaResponse(is_valid=recaptcha_response == "good")

    monkeypatch.setattr(recaptcha_client, "submit", fake_submit)
    bad = check_page(client, district, **{"g-recaptcha-response": "bad"})
    assert not soup(bad).select_one("input[name=state]")
    file_report(client, district, **{"g-recaptcha-response": "good"})
    assert Report.objects.get().verified_by == Verification.RECAPTCHA
    assert calls == ["", ""]
