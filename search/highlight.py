"""Marking the words a visitor searched for in a result's text.

The database backend gives no highlights, so they are made here: a word in the
text is marked when it starts like a query word (its first ~60 %, at least four
letters), which catches Russian endings: «медиатор» marks «медиации», «травля»
marks «травли». Synonyms found through keywords are not marked. Text is escaped
first; only ``<mark>`` is added.
"""

from __future__ import annotations

import math
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"\w+", re.UNICODE)
MIN_STEM = 4


def stems(query: str) -> list[str]:
    """Lower-case prefixes of the query's words that are long enough to mean something."""
    found: list[str] = []
    for word in WORD.findall(query.lower()):
        if len(word) < MIN_STEM:
            continue
        stem = word[: max(MIN_STEM, math.ceil(len(word) * 0.6))]
        if stem not in found:
            found.append(stem)
    return found


def highlight(text: str, query: str, max_chars: int | None = None) -> SafeString:
    """`text` escaped, with the words matching `query` in ``<mark>``.

    With `max_chars`, a window of about that length around the first match (or
    the start) is kept, with an ellipsis where text was cut.
    """
    text = text or ""
    prefixes = stems(query)
    if max_chars is not None and len(text) > max_chars:
        text = _window(text, prefixes, max_chars)
    if not prefixes:
        return mark_safe(escape(text))  # noqa: S308 (escaped just now)
    pieces: list[str] = []
    last = 0
    for match in WORD.finditer(text):
        if match.group(0).lower().startswith(tuple(prefixes)):
            pieces.append(escape(text[last : match.start()]))
            pieces.append(f"<mark>{escape(match.group(0))}</mark>")
            last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece escaped)


def _window(text: str, prefixes: list[str], max_chars: int) -> str:
    start = 0
    lowered = text.lower()
    for match in WORD.finditer(lowered):
        if prefixes and match.group(0).startswith(tuple(prefixes)):
            start = max(0, match.start() - max_chars // 3)
            break
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + max_chars
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + max_chars // 2 else end
    snippet = text[start:end].strip()
    return ("… " if start else "") + snippet + (" …" if end < len(text) else "")
