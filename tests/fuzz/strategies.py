"""Hostile and structurally valid input for the fuzz suite.

Text comes from a few families, mixed: arbitrary Unicode (surrogates excluded: they
cannot be sent in UTF-8), control characters and NUL bytes, search syntax of every
engine we use (FTS5, PostgreSQL tsquery, Elasticsearch), SQL- and template-ish
strings, HTML, the site's own words, and huge strings. Query strings are lists of
pairs (names repeat) or raw, badly encoded text.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from hypothesis import strategies as st

# Any code point that can travel in UTF-8 (no lone surrogates).
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))
CONTROL = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x1F), st.sampled_from(["\x7f", "\x85", "\x9f"])
)
SYNTAX = [
    '"',
    "'",
    "*",
    "-",
    "+",
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    "NEAR(",
    ":*",
    "<->",
    "&",
    "|",
    "!",
    "^",
    "~",
    "\\",
    "%",
    "_",
    "«»",
    "—",
    "...",
    "?",
    "{",
    "}",
    "[",
    "]",
    ":",
    ";",
    "\x00",
    "''",
    "\"'(",
    "a:b",
    "title:медиация",
    "*:*",
    "/",
    "//",
    "#",
    "@",
    "$",
    "`",
    "\u200b",
    "\ufeff",
]
SQLISH = [
    "' OR 1=1 --",
    "'; DROP TABLE requests_report; --",
    '" OR ""="',
    "1' UNION SELECT NULL--",
    "%' AND 1=0 --",
    "$$",
    "E'\\x00'",
    "1;SELECT pg_sleep(1)",
    "\\'; --",
    "%00",
    "%%",
    "%s",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "&lt;b&gt;",
    "javascript:alert(1)",
    "<mark>",
    "]]><!--",
    "\u202eabc",
]
WORDS = [
    "медиация",
    "медиатор",
    "травля",
    "насилие",
    "помощь",
    "Вологда",
    "служба",
    "дети",
    "семья",
    "телефон доверия",
    "ё",
    "Ё",
    "112",
    "mediation",
    "help",
    "и",
    "в",
    "the",
    "a",
    "123456",
]
NUMBERS = [
    "0",
    "-1",
    "1",
    "2",
    "10",
    "99",
    "1e3",
    "1.5",
    "nan",
    "inf",
    "-inf",
    "0x10",
    "١٢",
    "²",
    "9" * 30,
    "-" + "9" * 30,
    "+1",
    " 1 ",
    "1_000",
    "",
]
COORDINATES = [
    "59.2205,39.8915",
    "59.2205;39.8915",
    "0,0",
    "-90,-180",
    "90,180",
    "91,0",
    "0,181",
    "nan,nan",
    "inf,1",
    "1e308,1e308",
    "59,40,1",
    ",",
    "59.2",
    "abc",
    "59.2205 , 39.8915",
    "-0,-0",
    "1e-320,5e-324",
]


def text(max_size: int = 60) -> st.SearchStrategy[str]:
    """One hostile or ordinary string."""
    pieces = st.one_of(
        st.sampled_from(SYNTAX),
        st.sampled_from(SQLISH),
        st.sampled_from(MARKUP),
        st.sampled_from(WORDS),
        st.text(CONTROL, min_size=1, max_size=3),
        st.text(ANY_CHARACTER, max_size=12),
    )
    joined = st.lists(pieces, max_size=6).flatmap(
        lambda parts: st.sampled_from([" ", "", "\n"]).map(lambda sep: sep.join(parts))
    )
    return st.one_of(
        st.text(ANY_CHARACTER, max_size=max_size),
        joined,
        huge(),
        st.sampled_from(NUMBERS),
    )


def huge() -> st.SearchStrategy[str]:
    """A string of thousands of characters (the cleaning and cutting paths)."""
    return st.builds(
        lambda chunk, times: (chunk * times)[:12000],
        st.text(ANY_CHARACTER, min_size=1, max_size=6) | st.sampled_from(WORDS),
        st.integers(min_value=50, max_value=3000),
    )


def value(*valid: str) -> st.SearchStrategy[str]:
    """A parameter value: one of `valid` (as is, padded or with a NUL) or hostile text."""
    if not valid:
        return text()
    good = st.sampled_from(valid)
    return st.one_of(
        good,
        good,
        good.map(lambda v: f" {v} "),
        good.map(lambda v: v + "\x00"),
        good.map(str.upper),
        text(),
    )


def query_string(params: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    """``a=1&b=2&a=3``: a subset of `params` (repeated sometimes, unknown names too)
    properly encoded, or raw text with broken percent escapes."""
    names = sorted(params)
    pair = st.sampled_from(names).flatmap(lambda name: params[name].map(lambda v: (name, v)))
    junk_pair = st.tuples(text(20), text(20))
    pairs = st.lists(st.one_of(pair, pair, pair, junk_pair), max_size=8)
    encoded = pairs.map(lambda items: urlencode(items, encoding="utf-8", errors="surrogatepass"))
    raw = st.lists(
        st.sampled_from(
            ["%", "%Z", "%ZZ", "%C0%AF", "%FF%FE", "%00", "&", "=", "==", "&&", ";", "+", "%2"]
        )
        | st.sampled_from([f"{name}=" for name in names])
        | st.text(ANY_CHARACTER, max_size=8),
        max_size=10,
    ).map("".join)
    return st.one_of(encoded, encoded, encoded, raw)


def slug(*known: str) -> st.SearchStrategy[str]:
    """A path segment: a known slug, a near miss or junk (never a slash). Quote it
    (:func:`segment`) before putting it in a URL: «?» or «#» would end the path."""
    junk = st.text(ANY_CHARACTER, min_size=1, max_size=40).map(lambda s: s.replace("/", ""))
    options = [
        junk.filter(bool),
        st.sampled_from(SYNTAX + SQLISH).map(lambda s: s.replace("/", "")),
    ]
    if known:
        options += [st.sampled_from(known), st.sampled_from(known).map(lambda s: s + "-x")]
    return st.one_of(*options).filter(lambda s: s not in ("", ".", ".."))


LANGUAGE_PREFIX = st.sampled_from(["", "/en"])


def segment(raw: str) -> str:
    """`raw` as one percent-encoded path segment."""
    return quote(raw, safe="")
