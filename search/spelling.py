"""«Возможно, вы искали…»: correcting a mistyped word when nothing was found.

Neither PostgreSQL's full text nor SQLite's knows typos («медиацыя», «булинг»).
A frightened visitor types fast, on a phone: when a search finds nothing, each
word that is not in the site's own vocabulary is replaced by its closest word
there (``difflib``), and the search is run again with the corrected words. The
vocabulary is small and ours, given by the sources (``SearchSource.vocabulary``):
the names and keywords of the kinds of help, the target groups, the districts and
the news topics, so a correction always names something the site has. It is
cached for a few minutes per language.
"""

from __future__ import annotations

import difflib

from django.core.cache import cache

from .highlight import WORD
from .sources import sources

CACHE_SECONDS = 600
CUTOFF = 0.75  # difflib ratio: «булинг» → «буллинг» 0.92, «медиацыя» → «медиация» 0.88
MIN_LENGTH = 4


def _normal(word: str) -> str:
    return word.lower().replace("ё", "е")


def vocabulary(language: str) -> frozenset[str]:
    """Words of the sources' vocabularies (a few small queries, cached)."""
    key = f"search:vocabulary:{language}"
    words = cache.get(key)
    if words is None:
        words = frozenset(_collect(language))
        cache.set(key, words, CACHE_SECONDS)
    return words


def _collect(language: str) -> set[str]:
    texts = [text for source in sources() for text in source.vocabulary(language)]
    return {
        _normal(word)
        for text in texts
        for word in WORD.findall(text or "")
        if len(word) >= MIN_LENGTH and not word.isdigit()
    }


def correct(query: str, language: str) -> str | None:
    """The query with its unknown words replaced by the closest known ones, or None
    when no word needed (or found) a correction."""
    known = vocabulary(language)
    if not known:
        return None
    changed = False
    pieces: list[str] = []
    last = 0
    for match in WORD.finditer(query):
        word = match.group(0)
        normal = _normal(word)
        replacement = word
        if len(normal) >= MIN_LENGTH and not normal.isdigit() and normal not in known:
            close = difflib.get_close_matches(normal, known, n=1, cutoff=CUTOFF)
            if close:
                replacement, changed = close[0], True
        pieces.append(query[last : match.start()] + replacement)
        last = match.end()
    pieces.append(query[last:])
    return "".join(pieces) if changed else None
