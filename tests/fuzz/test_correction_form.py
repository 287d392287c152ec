"""Fuzzing «Сообщить об ошибке в записи» (/services/<slug>/correction/): never a 5xx;
a note is stored exactly when the visitor is thanked for it (and the honeypot is empty),
and a stored note is clean (no control characters, within its limits)."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from . import strategies as s
from .checks import assert_answer, assert_consistent, counts
from .conftest import example
from .test_report_flow import (
    CROSS_SITE,
    JUNK_FIELDS,
    TOKENS,
    is_cross_site,
    post,
    readable,
    token,
)

pytestmark = pytest.mark.django_db


def test_correction_form(demo):
    @given(
        prefix=s.LANGUAGE_PREFIX,
        slug=s.slug(*demo.service_slugs),
        description=s.value("Сменился телефон: теперь 8 (8172) 00-00-10."),
        contact=s.value("", "a@b.ru", "8 900 123-45-67"),
        token_kind=TOKENS,
        honeypot=st.sampled_from(["", "", "", "http://spam.example"]),
        headers=CROSS_SITE,
        junk=JUNK_FIELDS,
        multipart=st.booleans(),
    )
    def run(prefix, slug, description, contact, token_kind, honeypot, headers, junk, multipart):
        pairs = [("description", description), ("contact", contact), *junk]
        pairs += [("form_token", token(token_kind, "registry_correction"))]
        pairs += [("homepage_url", honeypot)]
        url = f"{prefix}/services/{s.segment(slug)}/correction/"
        with example():
            before = counts()
            response = post(Client(), url, pairs, headers, multipart)
            if slug not in demo.service_slugs:
                allowed = {404}
            elif token_kind != "valid" or is_cross_site(headers):
                allowed = {400, 403}
            elif not readable(pairs, multipart):  # Django may still parse it, as the report
                allowed = {200, 302, 400}  # flow's oracle allows; stored iff thanked (below)
            else:
                allowed = {200, 302}
            assert_answer(response, allowed, url)
            stored = counts().corrections - before.corrections
            assert stored == (response.status_code == 302 and not honeypot.strip())
            assert_consistent()

    run()
