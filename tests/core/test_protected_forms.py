"""The one implementation of protected public forms (safechildhood.core.protection)."""

import time

import pytest
from django.core.cache import cache

from safechildhood.core import protection
from safechildhood.core.protection import Limit, RateLimits, TokenError


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def post(rf, data=None, **headers):
    return rf.post("/form/", data or {}, REMOTE_ADDR="203.0.113.9", **headers)


# --- tokens and the guard chain -------------------------------------------------------------


def test_a_token_names_its_form_and_time(rf):
    token = protection.issue_token("contact", issued_at=1_700_000_000)
    request = post(rf, {protection.TOKEN_FIELD: token})
    assert protection.read_form(request, "contact") == 1_700_000_000.0
    with pytest.raises(TokenError) as error:
        protection.read_form(request, "another")
    assert error.value.reason == "other_form"


@pytest.mark.parametrize(
    ("token", "reason"),
    [("", "missing"), ("not-a-token", "forged"), ("eyJmIjoiY29udGFjdCJ9:bad:sig", "forged")],
)
def test_missing_or_forged_tokens_are_refused(rf, token, reason):
    with pytest.raises(TokenError) as error:
        protection.read_form(post(rf, {protection.TOKEN_FIELD: token}), "contact")
    assert error.value.reason == reason


def test_a_cross_site_post_is_refused_before_its_token_is_read(rf):
    token = protection.issue_token("contact")
    request = post(rf, {protection.TOKEN_FIELD: token}, HTTP_SEC_FETCH_SITE="cross-site")
    with pytest.raises(TokenError) as error:
        protection.read_form(request, "contact")
    assert error.value.reason == "cross_site"
    foreign = post(rf, {protection.TOKEN_FIELD: token}, HTTP_ORIGIN="https://evil.example")
    assert protection.is_cross_site(foreign)
    assert not protection.is_cross_site(post(rf, HTTP_ORIGIN="null"))
    assert not protection.is_cross_site(post(rf, HTTP_SEC_FETCH_SITE="same-origin"))


def test_form_problem_finds_expiry_then_honeypot_then_haste(rf, settings):
    settings.REPORTS_MIN_FILL_SECONDS = 5
    now = time.time()
    quiet = post(rf)
    trapped = post(rf, {protection.HONEYPOT_FIELD: "http://spam.example"})
    old = now - protection.TOKEN_MAX_AGE - 1
    assert protection.form_problem(trapped, old) == protection.EXPIRED
    assert protection.form_problem(trapped, now - 60) == protection.HONEYPOT
    assert protection.form_problem(quiet, now) == protection.TOO_FAST
    assert protection.form_problem(quiet, now, fill_time=False) == ""
    assert protection.form_problem(quiet, now - 60) == ""


# --- keyed client keys ----------------------------------------------------------------------


def test_client_and_network_keys_hide_the_address(rf):
    one = rf.get("/", REMOTE_ADDR="198.51.100.7")
    neighbour = rf.get("/", REMOTE_ADDR="198.51.100.200")
    elsewhere = rf.get("/", REMOTE_ADDR="192.0.2.7")
    assert protection.client_key(one) != protection.client_key(neighbour)
    assert protection.network_key(one) == protection.network_key(neighbour)
    assert protection.network_key(one) != protection.network_key(elsewhere)
    for key in (protection.client_key(one), protection.network_key(one)):
        assert len(key) == 32 and "198.51.100" not in key


# --- rate limits ----------------------------------------------------------------------------


def test_limits_count_per_client_network_or_site(rf):
    limits = RateLimits(
        "test:rl",
        {"send": Limit(2, 60), "send_network": Limit(3, 60), "send_global": Limit(4, 60)},
    )
    first = rf.get("/", REMOTE_ADDR="198.51.100.1")
    second = rf.get("/", REMOTE_ADDR="198.51.100.2")
    other = rf.get("/", REMOTE_ADDR="192.0.2.1")
    assert limits.hit(first, "send") and limits.hit(first, "send")
    assert limits.is_limited(first, "send") and not limits.hit(first, "send")
    assert not limits.is_limited(second, "send")  # another address
    for request in (first, second, second):
        assert limits.hit(request, "send_network")
    assert limits.is_limited(first, "send_network")
    assert not limits.is_limited(other, "send_network")  # another network
    for request in (first, second, other, other):
        assert limits.hit(request, "send_global")
    assert not limits.hit(rf.get("/", REMOTE_ADDR="203.0.113.1"), "send_global")
    assert all(key.startswith(":1:test:rl:") for key in cache._cache)


def test_an_event_counts_once_and_is_never_limited_again(rf):
    limits = RateLimits("test:rl", {"send": Limit(1, 60)})
    request = rf.get("/", REMOTE_ADDR="198.51.100.1")
    assert limits.hit(request, "send", event="page-1")
    assert limits.hit(request, "send", event="page-1")  # the same page again: not counted
    assert limits.is_limited(request, "send")
    assert not limits.is_limited(request, "send", event="page-1")
    assert not limits.hit(request, "send", event="page-2")


def test_limits_are_read_at_each_call(rf):
    table = {"send": Limit(1, 60)}
    limits = RateLimits("test:rl", table)
    request = rf.get("/", REMOTE_ADDR="198.51.100.1")
    limits.hit(request, "send")
    table["send"] = Limit(5, 60)
    assert not limits.is_limited(request, "send")
