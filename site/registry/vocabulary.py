"""Which kinds of help and target groups the words of a query name.

Two lists say it, both kept by editors in the admin:

- the kinds' and groups' own search keywords (``TaxonomyTerm.keywords``): word
  forms compared whole («травля», «травли»), as they always were;
- the everyday vocabulary (:class:`~.models.EverydayPhrase`): how parents,
  teenagers, neighbours and teachers say it («травят», «муж бьёт», «помирить»),
  compared as stems, so a phrase names its kinds whenever the query holds all its
  words, in any order and form.

:func:`strengths` is what the registry's search and its site-search source ask:
``{kind code: how many words of the query name it}``, target groups under
``search.api.GROUP`` keys. Both lists are read once and cached until any of them
changes (``VOCABULARY``, connected in ``apps.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from os.path import commonprefix

from safechildhood.core.versioned_cache import VersionedCache
from search.api import GROUP, WORD, query_stems

from .models import EverydayPhrase, ServiceKind, TargetGroup

VOCABULARY = VersionedCache("registry:vocabulary")
# Two stems are one word when they share this many first letters and differ in at most
# one more: «ребенок» and «ребенк» (Snowball keeps the fleeting «о»), not «трав» and
# «травм» (травят, травма).
SAME_WORD_PREFIX = 5
# Keyword matching ignores words shorter than this («в», «на» are in many keyword lists).
MIN_KEYWORD_LENGTH = 3
# A keyword in the names or lists of this many kinds names none of them: «помощь»,
# «служба», «консультация» say nothing about which help (and put every service of one
# kind before what the visitor asked for: «служба особого сопровождения»).
GENERIC_KINDS = 3
# A word of an everyday phrase counts this many times a keyword: the phrase is what
# editors say people mean («замкнулся» → play therapy), a keyword only a synonym
# («ребёнок» is among the green room's).
PHRASE_WEIGHT = 2
# Stop words are dropped from phrases and queries, but «не» turns a phrase around: «не
# хочу жить» is not «хочу жить», «не кормят» (neglect) is not «нечем кормить» (poverty).
# A phrase holding it names its kinds only when the query holds it too.
NEGATION = "не"


@dataclass(frozen=True)
class Naming:
    """One phrase of the vocabulary: its stems and the codes it names."""

    stems: frozenset[str]
    codes: tuple[str, ...]  # kind codes, and group codes with the GROUP prefix
    negated: bool = False  # the phrase holds «не» (:data:`NEGATION`)


def _folded(text: str) -> list[str]:
    return WORD.findall((text or "").lower().replace("ё", "е"))


def same_word(a: str, b: str) -> bool:
    """Whether two stems are forms of one word (see :data:`SAME_WORD_PREFIX`)."""
    if a == b:
        return True
    shared = len(commonprefix([a, b]))
    return shared >= SAME_WORD_PREFIX and shared >= min(len(a), len(b)) - 1


def _holds(stems: set[str], stem: str) -> bool:
    return stem in stems or any(same_word(stem, other) for other in stems)


def _stem(word: str) -> str:
    return next(iter(query_stems(word)), word)


def _load() -> tuple[dict[str, frozenset[str]], list[Naming]]:
    """``({code: keyword words}, [phrase namings])`` from the database (five queries)."""
    keywords: dict[str, set[str]] = defaultdict(set)
    for model, prefix in ((ServiceKind, ""), (TargetGroup, GROUP)):
        for code, words in model.objects.values_list("code", "keywords"):
            keywords[prefix + code].update(_folded(words))
    kinds_of: dict[str, set[str]] = defaultdict(set)
    for code, name in ServiceKind.objects.values_list("code", "name"):
        for word in [*_folded(name), *keywords[code]]:
            kinds_of[word].add(code)
    generic = {word for word, codes in kinds_of.items() if len(codes) >= GENERIC_KINDS}
    keywords = {code: words - generic for code, words in keywords.items()}
    codes: dict[int, list[str]] = defaultdict(list)
    stems: dict[int, str] = {}
    negated: set[int] = set()
    rows = EverydayPhrase.objects.values_list("pk", "stems", "phrase", "kinds__code")
    for pk, stem_text, text, kind in rows:
        stems[pk] = stem_text
        if NEGATION in _folded(text):
            negated.add(pk)
        if kind:
            codes[pk].append(kind)
    through = EverydayPhrase.target_groups.through.objects
    for pk, group in through.values_list("everydayphrase_id", "targetgroup__code"):
        codes[pk].append(GROUP + group)
    namings = [
        Naming(frozenset(stems[pk].split()), tuple(sorted(set(codes[pk]))), pk in negated)
        for pk in stems
        if stems[pk] and codes[pk]
    ]
    return {code: frozenset(words) for code, words in keywords.items()}, namings


def vocabulary() -> tuple[dict[str, frozenset[str]], list[Naming]]:
    """The keywords and the phrases, cached until an editor changes either."""
    return VOCABULARY.get("all", _load)


def strengths(query: str) -> dict[str, int]:
    """``{code: how many words of the query name it}`` for the kinds (and, under
    ``GROUP`` keys, the target groups) the query names at all.

    «насилие в семье»: the crisis centre for women by two keywords, SOS by one;
    «меня бьёт муж»: the phrase «муж бьёт» names the women's crisis support and SOS
    with both its words, each counting :data:`PHRASE_WEIGHT`. A word counts once per
    code; a keyword many kinds share (:data:`GENERIC_KINDS`) names none.
    """
    stems = set(query_stems(query))
    folded = _folded(query)
    words = {word for word in folded if len(word) >= MIN_KEYWORD_LENGTH}
    if not stems and not words:
        return {}
    keywords, namings = vocabulary()
    by_keyword: dict[str, set[str]] = defaultdict(set)
    for code, keyword_words in keywords.items():
        by_keyword[code].update(_stem(word) for word in words & keyword_words)
    by_phrase: dict[str, set[str]] = defaultdict(set)
    for naming in namings:
        if naming.negated and NEGATION not in folded:
            continue
        if all(_holds(stems, stem) for stem in naming.stems):
            found = {stem for stem in stems if _holds(naming.stems, stem)}
            for code in naming.codes:
                by_phrase[code] |= found
    levels = {
        code: PHRASE_WEIGHT * len(by_phrase[code]) + len(by_keyword[code] - by_phrase[code])
        for code in set(by_keyword) | set(by_phrase)
    }
    return {code: level for code, level in levels.items() if level}
