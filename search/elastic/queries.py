"""The searches the engine sends, as ``elasticsearch_dsl.Search`` objects.

Pure functions: no connection, no index (the engine adds both), so the tests read
the request body with ``.to_dict()``.

A visitor's text is only ever words: it is reduced to ``\\w+`` runs and passed to
``match``/``multi_match``, which analyse text and know no syntax. ``query_string``
and ``simple_query_string`` are never used, so quotes, ``AND``, brackets or ``*``
typed by a visitor cannot change the query or make it fail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from elasticsearch_dsl import A, Q, Search

from search.sources import GROUP, source_keys, sources

WORD = re.compile(r"\w+", re.UNICODE)
# Longer queries are not sentences a visitor typed to find help: cut, not refused.
MAX_WORDS = 32

TITLE_BOOST = 3
# Below the exact (stemmed) match: a typo «медиацыя» finds mediation, but a document
# with the right word outranks one with a similar word.
FUZZY_BOOST = 0.5
# The words as a phrase: «домашнее насилие» together beats the two words apart.
PHRASE_BOOST = 2
# Any word finds a document; one holding every word gets this much more, which text
# scores stay below: results with all the words come before those with some.
ALL_WORDS_WEIGHT = 100
# Added to services of a target group the words name, per word naming it: above the
# words' tiers, below a kind.
GROUP_WEIGHT = 1000
# Added to services of a kind the words name, per word naming it. Text scores stay far
# below it, so those services come first whatever the rest of the text says.
KIND_WEIGHT = 10000

HIGHLIGHT_TAGS = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"]}
FRAGMENT_CHARS = 200


def words(query: str) -> str:
    """The words of `query`, space-separated: everything else is dropped."""
    return " ".join(WORD.findall(query or "")[:MAX_WORDS])


def text_query(query: str) -> Q:
    """Matches any of the words (in the title or the body, stemmed), or the words with
    typos (``fuzziness: AUTO``: one edit from 3 letters, two from 6) at a lower score,
    or the words as a phrase at a higher score; a document holding every word gets
    :data:`ALL_WORDS_WEIGHT` more, so it comes before those holding some."""
    text = words(query)
    fields = [f"title^{TITLE_BOOST}", "body"]
    every_word = Q("multi_match", query=text, fields=fields, type="cross_fields", operator="and")
    return Q(
        "bool",
        should=[
            Q("multi_match", query=text, fields=fields, type="cross_fields", operator="or"),
            Q(
                "multi_match",
                query=text,
                fields=fields,
                operator="or",
                fuzziness="AUTO",
                prefix_length=1,
                max_expansions=50,
                boost=FUZZY_BOOST,
            ),
            Q("multi_match", query=text, fields=fields, type="phrase", boost=PHRASE_BOOST),
            Q("constant_score", filter=every_word, boost=ALL_WORDS_WEIGHT),
        ],
        minimum_should_match=1,
    )


def _weights(keys: list[str], field: str, levels: Mapping[str, int], weight: int) -> list[dict]:
    """One function per strength: objects of `keys` whose `field` holds a code named
    that strongly get `weight` times the strength."""
    functions = []
    for level in sorted(set(levels.values()), reverse=True):
        codes = sorted(code for code, strength in levels.items() if strength == level)
        for key in keys:
            preferred = Q("bool", filter=[Q("term", type=key), Q("terms", **{field: codes})])
            functions.append({"filter": preferred.to_dict(), "weight": weight * level})
    return functions


def kind_boost(query: Q, kinds: Mapping[str, int] | None) -> Q:
    """`query`, with objects of the kinds the words name first, the most named first;
    objects of those kinds that hold none of the words are found too.

    `kinds` maps kind codes to how many words name them (``{"women_crisis": 2, "sos":
    1}``); ``"group:<code>"`` keys name target groups (``SearchSource.strengths``). An
    object of a source with kinds (``SearchSource.has_kinds``: services) gets
    :data:`KIND_WEIGHT` times the strongest of its kinds (and less than one more level
    for each other named kind it has), plus :data:`GROUP_WEIGHT` times the strongest of
    its groups.
    """
    if not kinds:
        return query
    kinded = [source.key for source in sources() if source.has_kinds]
    kind_levels = {
        code: level for code, level in kinds.items() if level > 0 and not code.startswith(GROUP)
    }
    group_levels = {
        code.removeprefix(GROUP): level
        for code, level in kinds.items()
        if level > 0 and code.startswith(GROUP)
    }
    named = [
        Q("bool", filter=[Q("term", type=key), Q("terms", kinds=sorted(kind_levels))])
        for key in kinded
        if kind_levels
    ]
    if named:
        query = Q("bool", should=[query, *named], minimum_should_match=1)
    query = _boosted(query, _weights(kinded, "kinds", kind_levels, KIND_WEIGHT))
    query = _breadth(query, kinded, kind_levels)
    return _boosted(query, _weights(kinded, "groups", group_levels, GROUP_WEIGHT))


def _breadth(query: Q, keys: list[str], levels: Mapping[str, int]) -> Q:
    """Among services whose strongest named kind is equally strong, the one that has
    more of the named kinds first (as ``registry.queries``): each named kind it has adds
    its level, scaled so that all of them together stay below one level of a kind."""
    if len(levels) < 2:
        return query
    unit = KIND_WEIGHT / (sum(levels.values()) + 1)
    functions = [
        {
            "filter": Q("bool", filter=[Q("term", type=key), Q("term", kinds=code)]).to_dict(),
            "weight": unit * level,
        }
        for code, level in sorted(levels.items())
        for key in keys
    ]
    return Q("function_score", query=query, functions=functions, score_mode="sum", boost_mode="sum")


def _boosted(query: Q, functions: list[dict]) -> Q:
    """`query` plus the largest of the `functions` that apply (none: `query` itself)."""
    if not functions:
        return query
    return Q("function_score", query=query, functions=functions, score_mode="max", boost_mode="sum")


def site_search(
    query: str,
    *,
    types: Sequence[str] | None = None,
    kinds: Mapping[str, int] | None = None,
    offset: int = 0,
    limit: int = 10,
) -> Search:
    """Best matches of every source (or of `types`), with counts per type and highlights.

    The type filter is a ``post_filter``: it narrows the hits, not the ``types``
    aggregation, which counts the matches of every type (the type filter shows how
    many each choice would find) over all matches, whatever the window shows.
    """
    keys = source_keys()
    requested = [type_ for type_ in keys if types is None or type_ in types]
    search = (
        Search()
        .query(kind_boost(text_query(query), kinds))
        .post_filter("terms", type=requested)
        .source(["type", "pk"])
        .sort("_score", {"date": {"order": "desc", "missing": "_last"}}, {"pk": "asc"})
        .extra(track_scores=True, track_total_hits=True)
        .highlight_options(encoder="html", **HIGHLIGHT_TAGS)
        .highlight("title", number_of_fragments=0)
        .highlight("body", fragment_size=FRAGMENT_CHARS, number_of_fragments=1)
    )
    search.aggs.bucket("types", A("terms", field="type", size=len(keys)))
    start = max(offset, 0)
    return search[start : start + max(limit, 0)]


def source_search(source: str, query: str, *, limit: int) -> Search:
    """Objects of `source` matching `query`, best first: only their primary keys come back."""
    matched = Q("bool", must=[text_query(query)], filter=[Q("term", type=source)])
    search = Search().query(matched).source(["pk"]).extra(track_total_hits=False)
    return search[: max(limit, 0)]
