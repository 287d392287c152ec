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

# PostgreSQL's Russian stop words (tsearch_data/russian.stop, all of them): SQLite drops
# what PostgreSQL drops, so «меня бьёт муж» asks for the same words on both.
_STOP_WORDS = (
    "а без более больше будет будто бы был была были было быть в вам вас вдруг ведь во вот "
    "впрочем все всегда всего всех всю вы где да даже два для до другой его ее ей ему если "
    "есть еще ж же за зачем здесь и из или им иногда их к как какая какой когда конечно "
    "кто куда ли лучше между меня мне много может можно мой моя мы на над надо наконец нас "
    "не него нее ней нельзя нет ни нибудь никогда ним них ничего но ну о об один он она "
    "они опять от перед по под после потом потому почти при про раз разве с сам свою себе "
    "себя сейчас со совсем так такой там тебя тем теперь то тогда того тоже только том тот "
    "три тут ты у уж уже хорошо хоть чего чем через что чтоб чтобы чуть эти этого этой "
    "этом этот эту я"
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


def query_stems(text: str, stop_words: bool = False) -> list[str]:
    """The Snowball stems of the words of `text`, stop words left out (unless the
    query has nothing else, or `stop_words` keeps them: «куда» matters in «куда
    написать»), each once, in order."""
    words = [word.lower().replace("ё", "е") for word in WORD.findall(text)]
    meaningful = words if stop_words else [w for w in words if w not in STOP_WORDS] or words
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
