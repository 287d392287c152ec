"""Lenient parsing of cell values (CSV from Excel, HSDS strings): each raises ``ValueError``
with a Russian message that the report shows next to the row and field."""

from __future__ import annotations

import datetime as dt
import re

from ..models import Phone, Service

TRUE = {"да", "д", "yes", "y", "true", "1", "+", "истина", "on"}
FALSE = {"нет", "н", "no", "n", "false", "0", "-", "ложь", "off"}

STATUS = {
    "active": Service.Status.ACTIVE,
    "работает": Service.Status.ACTIVE,
    "temporarily_closed": Service.Status.TEMPORARILY_CLOSED,
    "temporarily closed": Service.Status.TEMPORARILY_CLOSED,
    "временно не работает": Service.Status.TEMPORARILY_CLOSED,
    "временно закрыта": Service.Status.TEMPORARILY_CLOSED,
    "closed": Service.Status.CLOSED,
    "inactive": Service.Status.CLOSED,
    "defunct": Service.Status.CLOSED,
    "закрыта": Service.Status.CLOSED,
    "не работает": Service.Status.CLOSED,
}

PHONE_KIND_WORDS = [
    ("горяч", Phone.Kind.HOTLINE),
    ("телефон доверия", Phone.Kind.HOTLINE),
    ("моб", Phone.Kind.MOBILE),
    ("ноч", Phone.Kind.OUT_OF_HOURS),
    ("вечер", Phone.Kind.OUT_OF_HOURS),
    ("выходн", Phone.Kind.OUT_OF_HOURS),
    ("днём", Phone.Kind.DAYTIME),
    ("днем", Phone.Kind.DAYTIME),
    ("рабоч", Phone.Kind.DAYTIME),
]

DAY_NAMES = {
    "пн": 0,
    "пон": 0,
    "вт": 1,
    "ср": 2,
    "чт": 3,
    "пт": 4,
    "сб": 5,
    "суб": 5,
    "вс": 6,
    "воскр": 6,
    "mo": 0,
    "mon": 0,
    "tu": 1,
    "tue": 1,
    "we": 2,
    "wed": 2,
    "th": 3,
    "thu": 3,
    "fr": 4,
    "fri": 4,
    "sa": 5,
    "sat": 5,
    "su": 6,
    "sun": 6,
}
EVERY_DAY = {"ежедневно", "без выходных", "каждый день", "daily"}
ROUND_THE_CLOCK = {"круглосуточно", "24/7", "24 часа", "круглосуточно без выходных"}
HOURS_HELP = "пишите так: «пн-пт 9:00-18:00; сб 10:00-14:00» или «круглосуточно»"
DASHES = re.compile(r"\s*[-–—]\s*")


def text(value: object) -> str:
    """A trimmed string; numbers from JSON are accepted as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise ValueError("ожидается текст")
    return value.strip()


def boolean(value: object, default: bool | None = None) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if not raw:
        return default
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ValueError(f"ожидается «да» или «нет», получено «{raw[:40]}»")


def integer(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("ожидается целое число")
    if isinstance(value, float):
        if value != int(value):
            raise ValueError(f"ожидается целое число, получено {value}")
        return int(value)
    if isinstance(value, int):
        return value
    raw = text(value).replace(" ", "")
    if re.fullmatch(r"-?\d+([.,]0+)?", raw):
        return int(re.split(r"[.,]", raw)[0])
    raise ValueError(f"ожидается целое число, получено «{raw[:40]}»")


def number(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("ожидается число")
    if isinstance(value, int | float):
        return float(value)
    raw = text(value).replace(" ", "").replace(",", ".")
    if not raw:
        return None
    try:
        result = float(raw)
    except ValueError:
        raise ValueError(f"ожидается число, получено «{raw[:40]}»") from None
    if result != result or result in (float("inf"), float("-inf")):
        raise ValueError("ожидается число")
    return result


def date(value: object) -> dt.date | None:
    """ГГГГ-ММ-ДД (ISO, HSDS) or ДД.ММ.ГГГГ (Excel in Russian); a time part is ignored."""
    raw = text(value)
    if not raw:
        return None
    raw = raw.split("T")[0].split(" ")[0]
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"ожидается дата ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, получено «{raw[:40]}»")


def time_of_day(value: object) -> dt.time | None:
    """ "9", "9:00", "09.00", "09:00:00", "09:00+03:00" (the offset is dropped)."""
    raw = text(value)
    if not raw:
        return None
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?(?:Z|[+-]\d{2}:?\d{2})?", raw)
    if match:
        hours, minutes = int(match[1]), int(match[2] or 0)
        if hours == 24 and minutes == 0:
            return dt.time(0, 0)
        if hours < 24 and minutes < 60:
            return dt.time(hours, minutes)
    raise ValueError(f"ожидается время ЧЧ:ММ, получено «{raw[:40]}»")


def status(value: object) -> str | None:
    raw = text(value).casefold()
    if not raw:
        return None
    if raw in STATUS:
        return STATUS[raw]
    choices = "«работает», «временно не работает», «закрыта»"
    raise ValueError(f"неизвестное состояние «{raw[:40]}»: возможны {choices}")


def phone_kind(value: object, default: str = Phone.Kind.DAYTIME) -> str:
    raw = text(value).casefold()
    if not raw:
        return default
    for kind in Phone.Kind:
        if raw in (kind.value, str(kind.label).casefold()):
            return kind.value
    for word, kind in PHONE_KIND_WORDS:
        if word in raw:
            return kind.value
    labels = ", ".join(f"«{kind.label}»" for kind in Phone.Kind)
    raise ValueError(f"неизвестный вид телефона «{raw[:40]}»: возможны {labels}")


def split_list(value: object) -> list[str]:
    """ "a; b, c" → ["a", "b", "c"] (Excel users separate with either)."""
    return [part.strip() for part in re.split(r"[;,\n]", text(value)) if part.strip()]


def _days(spec: str) -> list[int]:
    spec = spec.casefold().strip(" .:")
    if spec in EVERY_DAY:
        return list(range(7))
    days: list[int] = []
    for part in re.split(r"\s*,\s*", spec):
        bounds = DASHES.split(part)
        try:
            numbers = [DAY_NAMES[bound.strip(" .")] for bound in bounds]
        except KeyError:
            raise ValueError(f"не понимаю дни «{part}»: {HOURS_HELP}") from None
        if len(numbers) == 1:
            days.append(numbers[0])
        elif len(numbers) == 2:
            first, last = numbers
            days += (
                list(range(first, last + 1))
                if first <= last
                else [*range(first, 7), *range(0, last + 1)]
            )
        else:
            raise ValueError(f"не понимаю дни «{part}»: {HOURS_HELP}")
    return days


def hours(value: object) -> tuple[bool, list[tuple[int, dt.time, dt.time]]]:
    """«пн-пт 9:00-13:00, 14:00-18:00; сб 10-14» → (is_24_7, [(weekday, opens, closes)])."""
    raw = text(value)
    if raw.casefold().strip(" .") in ROUND_THE_CLOCK:
        return True, []
    periods: list[tuple[int, dt.time, dt.time]] = []
    for segment in filter(None, (s.strip() for s in raw.split(";"))):
        match = re.match(r"^(.*?)\s+(\d.*|выходной)$", segment, flags=re.IGNORECASE)
        if not match:
            raise ValueError(f"не понимаю часы «{segment[:60]}»: {HOURS_HELP}")
        days = _days(match[1])
        if match[2].casefold() == "выходной":
            continue
        for span in re.split(r"\s*,\s*", match[2]):
            bounds = DASHES.split(span)
            if len(bounds) != 2:
                raise ValueError(f"не понимаю время «{span[:40]}»: {HOURS_HELP}")
            opens, closes = (time_of_day(bound) for bound in bounds)
            periods += [(day, opens, closes) for day in days]
    return False, periods
