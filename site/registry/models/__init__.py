"""The service registry: who helps, where, when and how to reach them.

Shaped after Open Referral HSDS 3.0 (field names follow its schemas where they
fit: ``assured_date``, ``alert``, ``eligibility_description``...), so that the
HSDS API and import map one to one.

Services are Wagtail snippets rather than pages: an entry has no place in the
page tree, editors find it by district and kind in a filtered list, and a
snippet still gets drafts, revisions, preview, locking, the audit log and
translation through wagtail-localize.

Privacy rule: a *confidential* location (a shelter, crisis support for women)
is never shown with its address or coordinates. Public code must go through
``Location.public_address()``, ``Location.public_coordinates()`` and
``Location.approximate_coordinates()``; distances are computed from the same
public-safe coordinates so that ordering cannot reveal a shelter's position.

The package: ``common`` (HSDS identifiers, slugs), ``districts``, ``organizations``,
``taxonomy`` (kinds of help, target groups), ``vocabulary`` (the everyday words that
name them), ``services``, ``settlements`` (the gazetteer), ``locations`` (places and
service areas), ``phones``, ``providers`` (organisations' staff accounts), ``schedules``
and ``calendar`` (holidays); opening-hours rules are in ``registry.hours``. Everything
public is importable from here, as before the split.
"""

from __future__ import annotations

# Visitors' corrections live in their own module; imported here so Django registers the model.
from ..corrections import ServiceCorrection
from ..hours import site_timezone
from .calendar import CalendarDay
from .common import HSDS_NAMESPACE, HSDSIdentifiedMixin, default_locale_filter, make_slug
from .districts import District
from .locations import Location, ServiceArea
from .organizations import Organization
from .phones import AbstractPhone, OrganizationPhone, Phone
from .providers import OrganizationMember
from .schedules import ICAL_DAYS, Schedule, ScheduleException, Weekday
from .services import Service, ServiceQuerySet, has_kind
from .settlements import Settlement
from .taxonomy import ServiceKind, TargetGroup, TaxonomyQuerySet, TaxonomyTerm
from .vocabulary import EverydayPhrase

__all__ = [
    "HSDS_NAMESPACE",
    "ICAL_DAYS",
    "AbstractPhone",
    "CalendarDay",
    "District",
    "EverydayPhrase",
    "HSDSIdentifiedMixin",
    "Location",
    "Organization",
    "OrganizationMember",
    "OrganizationPhone",
    "Phone",
    "Schedule",
    "ScheduleException",
    "Service",
    "ServiceArea",
    "ServiceCorrection",
    "ServiceKind",
    "ServiceQuerySet",
    "Settlement",
    "TargetGroup",
    "TaxonomyQuerySet",
    "TaxonomyTerm",
    "Weekday",
    "default_locale_filter",
    "has_kind",
    "make_slug",
    "site_timezone",
]
