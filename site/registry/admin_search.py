"""The editors' search in the services listing.

Wagtail's listing only autocompletes titles, so «буллинг Сокольский» (a kind and a
district) and a phone number found nothing. Here a service is found by its title as
typed so far, by every word of the query across its indexed fields (the site search's
stemming and typo rules), or by a phone number in any notation.
"""

from __future__ import annotations

import re

from django.db.models import CharField, F, Func, QuerySet, Value

from search import backends

from .models import Phone

MIN_PHONE_DIGITS = 5
LOCAL_NUMBER_DIGITS = 10  # 8 (8172) 75-12-34 and +7 8172 751234 are the same number
PHONE_PUNCTUATION = " ()-+."
PHONE_QUERY = re.compile(r"^[\d\s()+\-.]+$")


def phone_digits(query: str) -> str:
    """The digits of a query that is a phone number (or its end), else ``""``."""
    if not PHONE_QUERY.match(query.strip()):
        return ""
    digits = re.sub(r"\D", "", query)
    return digits[-LOCAL_NUMBER_DIGITS:] if len(digits) >= MIN_PHONE_DIGITS else ""


def _digits_only(field: str) -> Func:
    expression = F(field)
    for mark in PHONE_PUNCTUATION:
        expression = Func(
            expression, Value(mark), Value(""), function="REPLACE", output_field=CharField()
        )
    return expression


def services_with_phone(digits: str) -> QuerySet:
    """Service ids whose phone numbers, written any way, contain `digits`."""
    phones = Phone.objects.annotate(digits=_digits_only("number"))
    return phones.filter(digits__contains=digits).values("service_id")


def search_services(queryset: QuerySet, query: str, autocompleted: QuerySet) -> QuerySet:
    """`queryset` narrowed to the services the editor meant (`autocompleted`: Wagtail's
    title search, kept for a title typed half-way)."""
    digits = phone_digits(query)
    if digits:
        return queryset.filter(pk__in=services_with_phone(digits))
    ids = {service.pk for service in autocompleted}
    every_word = backends.scored(queryset, query).filter(covered=1)
    ids.update(every_word.values_list("pk", flat=True))
    return queryset.filter(pk__in=ids)
