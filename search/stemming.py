"""Russian (and English) word stems for a query, as PostgreSQL's "russian" text
search configuration makes them: Snowball stemmers, its stop words left out.

Used by the SQLite search backend (``search.sqlite``); kept apart from it so that
it imports without the SQLite backend's models.
"""

from __future__ import annotations

from functools import lru_cache
from os.path import commonprefix

import snowballstemmer

from .highlight import WORD

# PostgreSQL's Russian stop words that a visitor is likely to type (its full list
# is 150 words; the rest hardly occur in a query).
_STOP_WORDS = (
    "а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да "
    "даже для до его ее если есть еще же за здесь и из или им их к как ко когда кто ли "
    "либо мне может мы на над надо наш не него нее нет ни них но ну о об однако он она "
    "они оно от очень по под при с со так также такой там те тем то того тоже той только "
    "том ты у уже хотя чего чей чем что чтобы чье чья эта эти это я"
)
STOP_WORDS = frozenset(_STOP_WORDS.split(" "))


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


def _stem(word: str) -> str:
    """The stem as a prefix of the word: English Snowball rewrites some endings
    («history» → «histori»), so only the part it kept unchanged is searched."""
    # As PostgreSQL's "russian" configuration: Latin words get the English stemmer.
    stem = _stemmer("english" if word.isascii() else "russian").stemWord(word)
    return commonprefix([word, stem]) or word


def query_stems(text: str) -> list[str]:
    """The Snowball stems of the words of `text`, stop words left out (unless the
    query has nothing else), each once, in order."""
    words = [word.lower().replace("ё", "е") for word in WORD.findall(text)]
    meaningful = [word for word in words if word not in STOP_WORDS] or words
    return list(dict.fromkeys(_stem(word) for word in meaningful))


# A word with more «е» than this is searched as written (2^n spellings otherwise).
MAX_YO_VARIANTS = 3


def spellings(stem: str) -> list[str]:
    """`stem` with each «е» also as «ё»: FTS5 does not fold «ё», and Russian text is
    written both ways («зелёная», «зеленая»)."""
    positions = [i for i, letter in enumerate(stem) if letter == "е"][:MAX_YO_VARIANTS]
    variants = [stem]
    for position in positions:
        variants += [v[:position] + "ё" + v[position + 1 :] for v in variants]
    return variants
