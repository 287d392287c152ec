"""Places in what a visitor types: «Кадников», «п. Чагода», «психолог в Шексне», «травля
Сокольский район».

One entry point for the registry's query code, :func:`find_places`: it returns the
settlement or district the words name and the words left to search. Matching ignores
case, ё/е, the kind word («г.», «посёлок», «село»…), a preposition before the place
(«в», «из», «около»…) and «район»/«округ» next to a district, and takes Russian case
endings («в Шексне», «в Сокольском районе») as the same word. The gazetteer
(``models.Settlement``) and the districts are read once and cached until either changes
(``GAZETTEER.changed``, connected in ``apps.py``).

Word matching and vocabularies of the search itself live elsewhere; this module knows
only places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import pgettext, pgettext_lazy

from safechildhood.core.versioned_cache import VersionedCache

from .models import District, Settlement

GAZETTEER = VersionedCache("registry:gazetteer")

TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*\.?")
# Kind words: matched places may carry them; after a «strong» one, an unknown word is
# reported as an unknown place («посёлок Нетакой»). Bare «с», «д», «п», «г» are too
# common as prepositions or initials to say that.
KIND_WORDS = {
    "г": Settlement.Kind.CITY,
    "гор": Settlement.Kind.CITY,
    "город": Settlement.Kind.CITY,
    "пгт": Settlement.Kind.URBAN,
    "рп": Settlement.Kind.URBAN,
    "п": Settlement.Kind.SETTLEMENT,
    "пос": Settlement.Kind.SETTLEMENT,
    "поселок": Settlement.Kind.SETTLEMENT,
    "с": Settlement.Kind.SELO,
    "село": Settlement.Kind.SELO,
    "д": Settlement.Kind.VILLAGE,
    "дер": Settlement.Kind.VILLAGE,
    "деревня": Settlement.Kind.VILLAGE,
}
STRONG_KIND_WORDS = {"г.", "город", "пгт", "рп", "п.", "пос", "пос.", "поселок", "село", "с."}
STRONG_KIND_WORDS |= {"деревня", "дер", "дер.", "д."}
# A «посёлок» and a «посёлок городского типа» are told apart by few visitors.
KIND_FAMILIES = {
    Settlement.Kind.SETTLEMENT: {Settlement.Kind.SETTLEMENT, Settlement.Kind.URBAN},
    Settlement.Kind.URBAN: {Settlement.Kind.SETTLEMENT, Settlement.Kind.URBAN},
}
PREPOSITIONS = {"в", "во", "из", "около", "возле", "под", "у", "рядом", "недалеко", "от"}
DISTRICT_WORDS = {"район", "округ", "р-н", "муниципальный", "городской"}
# Place names that are also everyday words («после суда», «молочное питание»): in the
# words they count as the place only capitalised or after a kind word or preposition.
COMMON_WORDS = {"суда", "устье", "молочное", "сокол", "бор", "ям", "пристань", "луг", "поле"}
ABBREVIATIONS = {
    Settlement.Kind.CITY: pgettext_lazy("settlement kind, short", "г."),
    Settlement.Kind.URBAN: pgettext_lazy("settlement kind, short", "пгт"),
    Settlement.Kind.SETTLEMENT: pgettext_lazy("settlement kind, short", "пос."),
    Settlement.Kind.SELO: pgettext_lazy("settlement kind, short", "с."),
    Settlement.Kind.VILLAGE: pgettext_lazy("settlement kind, short", "д."),
}


def normalize(text: str) -> str:
    """Lower case, ё as е, no trailing dot: how every word is compared."""
    return text.casefold().replace("ё", "е").rstrip(".")


@dataclass(frozen=True)
class Place:
    """A settlement as the public pages use it (cached: no model instance)."""

    slug: str
    name: str
    kind: str
    district_slug: str
    district_name: str
    latitude: float
    longitude: float

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)

    @property
    def label(self) -> str:
        """«г. Кадников»: the kind's abbreviation and the name, for «12 км от г. Кадников»
        (in English «Кадников (town)»)."""
        kind = ABBREVIATIONS.get(self.kind)
        if kind is None:
            return self.name
        return pgettext("a settlement: its kind and name", "%(kind)s %(name)s") % {
            "kind": kind,
            "name": self.name,
        }


@dataclass(frozen=True)
class Names:
    """What can be named: each spelling as a tuple of normalised words → places/districts."""

    places: dict[tuple[str, ...], list[Place]]
    districts: dict[tuple[str, ...], list[str]]  # words → district slugs
    by_slug: dict[str, Place]
    # The first two letters of a name's first word → (words, places, district slugs).
    index: dict[str, list[tuple[tuple[str, ...], list[Place], list[str]]]] = field(
        default_factory=dict
    )


@dataclass
class Found:
    """What :func:`find_places` read: at most one place (or choices), one district, the
    words left to search, and an unknown place named with a kind word."""

    rest: str
    place: Place | None = None
    choices: list[Place] = field(default_factory=list)
    district_slug: str = ""
    unknown: str = ""


def _key(text: str) -> tuple[str, ...]:
    return tuple(normalize(word) for word in TOKEN.findall(text))


def _district_key(name: str) -> tuple[str, ...]:
    """«Сокольский округ» → («сокольский»,): the kind of district is not part of the name."""
    return tuple(word for word in _key(name) if word not in DISTRICT_WORDS) or _key(name)


def _load() -> Names:
    places: dict[tuple[str, ...], list[Place]] = {}
    by_slug = {}
    rows = Settlement.objects.select_related("district").order_by("name", "pk")
    for row in rows:
        place = Place(
            row.slug,
            row.name,
            row.kind,
            row.district.slug,
            row.district.name,
            row.latitude,
            row.longitude,
        )
        by_slug[place.slug] = place
        for spelling in row.spellings():
            found = places.setdefault(_key(spelling), [])
            if place not in found:
                found.append(place)
    districts: dict[tuple[str, ...], list[str]] = {}
    for slug, name in District.objects.values_list("slug", "name"):
        districts.setdefault(_district_key(name), []).append(slug)
    places.pop((), None)
    districts.pop((), None)
    index: dict[str, list] = {}
    for key, found in places.items():
        index.setdefault(key[0][:2], []).append((key, found, []))
    for key, slugs in districts.items():
        index.setdefault(key[0][:2], []).append((key, [], slugs))
    return Names(places=places, districts=districts, by_slug=by_slug, index=index)


def names() -> Names:
    """The gazetteer and the districts' names, cached until a settlement or district changes."""
    return GAZETTEER.get("names", _load)


def place_by_slug(slug: str) -> Place | None:
    return names().by_slug.get(slug)


def same_word(typed: str, name: str) -> int:
    """2: the same word; 1: the same word in another case («шексне» for «шексна»,
    «сокольском» for «сокольский»); 0: another word."""
    if typed == name:
        return 2
    if len(name) <= 3:
        return int(typed.startswith(name) and len(typed) - len(name) <= 2)
    common = 0
    for a, b in zip(typed, name, strict=False):
        if a != b:
            break
        common += 1
    return int(common >= 4 and len(name) - common <= 2 and len(typed) - common <= 3)


def _match_at(words: list[str], start: int, key: tuple[str, ...]) -> int:
    """How well `key` matches the words from `start` (0: not at all)."""
    if start + len(key) > len(words):
        return 0
    scores = [same_word(words[start + i], part) for i, part in enumerate(key)]
    return 0 if 0 in scores else min(scores)


@dataclass
class _Hit:
    start: int
    length: int
    score: int
    places: list[Place] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)


def _everyday(originals: list[str], words: list[str], start: int) -> bool:
    """A common word written as one («суда» in «после суда»), not as a place name."""
    if words[start] not in COMMON_WORDS or originals[start][:1].isupper():
        return False
    before = words[start - 1] if start else ""
    return before not in KIND_WORDS and before not in PREPOSITIONS


def _hits(originals: list[str], words: list[str], known: Names) -> list[_Hit]:
    """Every place or district named at each position, the longest and best first."""
    hits = []
    for start, word in enumerate(words):
        if word in KIND_WORDS or word in PREPOSITIONS or word in DISTRICT_WORDS:
            continue
        if _everyday(originals, words, start):
            continue
        for key, places, districts in known.index.get(word[:2], ()):
            score = _match_at(words, start, key)
            if score:
                hits.append(_Hit(start, len(key), score, list(places), list(districts)))
    return sorted(hits, key=lambda h: (h.start, -h.length, -h.score))


def _next_to_district_word(words: list[str], hit: _Hit) -> bool:
    before = words[hit.start - 1] if hit.start else ""
    end = hit.start + hit.length
    after = words[end] if end < len(words) else ""
    return any(same_word(w, d) for w in (before, after) for d in DISTRICT_WORDS if w)


def _best(words: list[str], hits: list[_Hit]) -> tuple[_Hit | None, _Hit | None]:
    """(the place hit, the district hit) to use: a district when «район»/«округ» is next
    to it or it is named as an adjective; a place otherwise."""
    place_hit = district_hit = None
    for hit in hits:
        if hit.districts and district_hit is None:
            district_hit = hit
        if hit.places and place_hit is None:
            place_hit = hit
    if place_hit and district_hit and place_hit.start == district_hit.start:
        if _next_to_district_word(words, district_hit) or district_hit.score > place_hit.score:
            place_hit = None
        else:
            district_hit = None
    return place_hit, district_hit


def _narrowed(places: list[Place], kind_word: str, district_slug: str) -> list[Place]:
    """Fewer choices when the visitor said more: the district, the kind word."""
    if district_slug:
        inside = [p for p in places if p.district_slug == district_slug]
        places = inside or places
    kind = KIND_WORDS.get(kind_word)
    if kind:
        family = KIND_FAMILIES.get(kind, {kind})
        same_kind = [p for p in places if p.kind in family]
        places = same_kind or places
    return places


def _consume(words: list[str], used: set[int], hit: _Hit, district_words: bool) -> str:
    """Mark the hit, a kind word and prepositions before it (and «район» next to a
    district) as used; return the kind word."""
    used.update(range(hit.start, hit.start + hit.length))
    kind_word = ""
    index = hit.start - 1
    if district_words:
        end = hit.start + hit.length
        while end < len(words) and any(same_word(words[end], d) for d in DISTRICT_WORDS):
            used.add(end)
            end += 1
        while index >= 0 and any(same_word(words[index], d) for d in DISTRICT_WORDS):
            used.add(index)
            index -= 1
    elif index >= 0 and words[index] in KIND_WORDS:
        kind_word = words[index]
        used.add(index)
        index -= 1
    while index >= 0 and words[index] in PREPOSITIONS:
        used.add(index)
        index -= 1
    return kind_word


def _unknown(originals: list[str], words: list[str], used: set[int]) -> str:
    """«посёлок Нетакой»: a strong kind word and the word after it, neither understood."""
    for index, original in enumerate(originals[:-1]):
        strong = original.casefold().replace("ё", "е") in STRONG_KIND_WORDS
        free = index not in used and index + 1 not in used
        named = len(words[index + 1]) >= 2 and words[index + 1] not in PREPOSITIONS
        if strong and free and named:
            used.update({index, index + 1})
            return f"{original} {originals[index + 1]}"
    return ""


def find_places(text: str, known: Names | None = None) -> Found:
    """The place and district that `text` names, and the words left to search.

    Several settlements of the name: ``choices`` (narrowed by a district or kind word
    in the text). The first place and the first district named count; a district
    named together with a place only narrows the place's choices.
    """
    known = known or names()
    originals = TOKEN.findall(text)
    words = [normalize(word) for word in originals]
    place_hit, district_hit = _best(words, _hits(originals, words, known))
    used: set[int] = set()
    found = Found(rest="")
    if district_hit is not None:
        _consume(words, used, district_hit, district_words=True)
        found.district_slug = district_hit.districts[0] if len(district_hit.districts) == 1 else ""
    if place_hit is not None:
        kind_word = _consume(words, used, place_hit, district_words=False)
        places = _narrowed(place_hit.places, kind_word, found.district_slug)
        if len(places) == 1:
            found.place = places[0]
        else:
            found.choices = places
    else:
        found.unknown = _unknown(originals, words, used)
    found.rest = " ".join(word for i, word in enumerate(originals) if i not in used)
    return found
