"""The import engine shared by ``manage.py import_hsds`` and the admin's CSV import.

Two steps, both over the records a reader produced:

1. ``plan(parsed)`` — the dry run. Resolves districts, kinds, target groups,
   organisations and existing services (by ``external_id``, in the default
   locale), builds unsaved model instances and validates them with the models'
   own rules (``full_clean``), so the report shows every problem by record and
   field before anything is written.
2. ``apply(plan, user)`` — only when the plan has no errors: one transaction for
   everything; any failure rolls it all back. Each service gets a revision
   (history, audit log); it is published when the user may publish (the
   management command always publishes), otherwise saved as a draft.

Re-importing updates the service with the same ``external_id`` instead of
creating a duplicate; its phones, hours, addresses and areas are replaced by
the file's when the file gives them, and so are an organisation's phones.
"""

from __future__ import annotations

import difflib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Locale

from ..models import (
    District,
    Location,
    Organization,
    OrganizationPhone,
    Phone,
    Schedule,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceKind,
    TargetGroup,
    default_locale_filter,
)
from ..models.common import make_slug
from . import districts as finding
from .records import ERROR, WARNING, LocationRecord, Parsed, PhoneRecord, Problem, ServiceRecord

T = TypeVar("T")

SERVICE_EXCLUDE = [
    "translation_key",
    "locale",
    "latest_revision",
    "live_revision",
    "locked_by",
    "locked_at",
    "assurer",
    "organization",
    "first_published_at",
    "last_published_at",
    "go_live_at",
    "expire_at",
]
logger = logging.getLogger(__name__)
CHILD_EXCLUDE = ["service", "organization", "locale", "translation_key", "sort_order", "district"]


def normalize(name: str) -> str:
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").casefold().split())


@dataclass
class ServicePlan:
    record: ServiceRecord
    service: Service
    is_new: bool
    organization_key: tuple[str, str] | None = None
    unlink_organization: bool = False
    kinds: list[ServiceKind] | None = None
    target_groups: list[TargetGroup] | None = None
    locations: list[Location] | None = None
    places: dict[int, Location] = field(default_factory=dict)  # by index in the record
    areas: list[ServiceArea] | None = None
    phones: list[Phone] | None = None
    schedules: list[Schedule] | None = None
    exceptions: list[ScheduleException] | None = None


@dataclass
class Plan:
    source: str = ""
    services: list[ServicePlan] = field(default_factory=list)
    organizations: dict[tuple[str, str], Organization] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    create_only: bool = False  # existing services and organisations are left as they are
    new_districts: dict = field(default_factory=dict)  # created with --create-districts

    record_order: dict[str, int] = field(default_factory=dict)

    @property
    def ordered_problems(self) -> list[Problem]:
        """File-level problems first, then by record in file order, errors before warnings."""

        def rank(problem: Problem) -> tuple[int, bool]:
            label = problem.record
            order = self.record_order.get(label, self.record_order.get(label.split(" «")[0], -1))
            return order, problem.level != ERROR

        return sorted(self.problems, key=rank)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    @property
    def ok(self) -> bool:
        return bool(self.services) and not self.errors

    @property
    def created(self) -> int:
        return sum(1 for item in self.services if item.is_new)

    @property
    def updated(self) -> int:
        return sum(1 for item in self.services if not item.is_new)

    @property
    def new_organizations(self) -> int:
        return sum(1 for org in self.organizations.values() if org.pk is None)

    def summary(self) -> str:
        return _(
            "Служб: новых %(created)d, обновить %(updated)d; новых организаций %(orgs)d; "
            "ошибок %(errors)d, предупреждений %(warnings)d."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "orgs": self.new_organizations,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


class Resolver:
    """Reference data in a few queries: districts, taxonomy terms, organisations, services."""

    def __init__(self, records: list[ServiceRecord], create_districts: bool = False) -> None:
        self.locale = Locale.get_default()
        self.finder = finding.DistrictFinder()
        self.create_districts = create_districts
        self.created_districts: dict[tuple[str, ...], District] = {}
        self.created_slugs: set[str] = set()
        districts = list(District.objects.all())
        self.districts_by_slug = {d.slug: d for d in districts}
        self.districts_by_name: dict[str, list[District]] = {}
        for district in districts:
            self.districts_by_name.setdefault(normalize(district.name), []).append(district)
        self.kinds = self._terms(ServiceKind)
        self.groups = self._terms(TargetGroup)
        ids = [record.external_id for record in records if record.external_id]
        self.services = {
            s.external_id: s
            for s in Service.objects.filter(locale=self.locale, external_id__in=ids).select_related(
                "locked_by"
            )
        }
        org_ids = {
            r.organization.external_id
            for r in records
            if r.organization and r.organization.external_id
        }
        org_names = {
            normalize(r.organization.name)
            for r in records
            if r.organization and r.organization.name
        }
        organizations = Organization.objects.filter(locale=self.locale).filter(
            Q(external_id__in=org_ids)
            | Q(name__in={r.organization.name for r in records if r.organization})
        )
        self.organizations_by_id = {o.external_id: o for o in organizations if o.external_id}
        self.organizations_by_name = {
            normalize(o.name): o for o in organizations if normalize(o.name) in org_names
        }
        slugs = [r.fields["slug"] for r in records if r.fields.get("slug")]
        self.taken_slugs = dict(
            Service.objects.filter(locale=self.locale, slug__in=slugs).values_list(
                "slug", "external_id"
            )
        )

    @staticmethod
    def _terms(model) -> dict[str, Any]:
        terms: dict[str, Any] = {}
        for term in model.objects.filter(**default_locale_filter()):
            terms[term.code.casefold()] = term
            terms.setdefault(normalize(term.name), term)
        return terms

    def district(self, references: list[str], region: str = "") -> District | None:
        """By slug or name (case, ё/е and «район»/«округ» ignored), or a district this
        import creates."""
        for reference in references:
            found = self.finder.by_name(reference, region)
            if found is not None:
                return found
            created = self.created_districts.get(finding.name_key(reference))
            if created is not None:
                return created
        return None

    def location_district(self, location: LocationRecord, problem) -> District | None:
        """The place's district by name, locality or point; else created (with
        ``create_districts``) or None, each time with a warning."""
        where = location.field
        place = finding.Place(
            location.districts, location.locality, location.region, *_point(location)
        )
        district = self.district(location.districts, location.region) or self.finder.find(place)
        if district is not None:
            return district
        hint = self.district_hint(location.districts)
        if self.create_districts:
            district = self._create_district(location)
            if district is not None:
                problem(
                    where,
                    hint + ". " + _("Район «%(name)s» будет создан") % {"name": district.name},
                    WARNING,
                )
                return district
            problem(
                where,
                hint + ". " + _("Район не создан: у места нет координат для центра района"),
                WARNING,
            )
        problem(
            where,
            hint
            + ". "
            + _("Место будет импортировано без района: укажите его в списке «Без района»"),
            WARNING,
        )
        return None

    def _create_district(self, location: LocationRecord) -> District | None:
        """A new district named as the source names it, centred on the place."""
        point = _point(location)
        names = [ref for ref in location.districts if ref != location.name] or [location.locality]
        name = next((n for n in names if n), "")
        if point[0] is None or not name:
            return None
        key = finding.name_key(name)
        if key not in self.created_districts:
            slug = base = make_slug(name)
            number = 2
            while slug in self.finder.by_slug or slug in self.created_slugs:
                slug, number = f"{base}-{number}", number + 1
            self.created_slugs.add(slug)
            region = location.region or (
                self.finder.districts[0].region if self.finder.districts else ""
            )
            self.created_districts[key] = District(
                name=name[:200],
                slug=slug,
                region=region[:200] or "—",
                latitude=point[0],
                longitude=point[1],
            )
        return self.created_districts[key]

    def district_hint(self, references: list[str]) -> str:
        if not references:
            return _("район не указан")
        names = [d.name for items in self.districts_by_name.values() for d in items]
        close = difflib.get_close_matches(references[0], names, n=3, cutoff=0.6)
        ambiguous = [r for r in references if len(self.districts_by_name.get(normalize(r), [])) > 1]
        message = _("район «%(name)s» не найден в справочнике «Районы»") % {
            "name": " / ".join(references)[:120]
        }
        if ambiguous:
            message += ". " + _("Несколько районов с таким названием: укажите адрес (slug) района")
        elif close:
            message += ". " + _("Возможно: %(names)s") % {
                "names": ", ".join(f"«{n}»" for n in close)
            }
        return message


def _stepping(items: Iterable[T], step: Callable[[], None] | None) -> Iterator[T]:
    """Each of ``items``, calling ``step`` after each (a command's progress bar)."""
    for item in items:
        yield item
        if step is not None:
            step()


def plan(
    parsed: Parsed,
    create_only: bool = False,
    create_districts: bool = False,
    step: Callable[[], None] | None = None,
) -> Plan:
    """The dry run: every problem, nothing written. ``step`` is called after each record.

    With `create_only` (the demo registry), records whose service already exists are
    skipped and existing organisations are linked but not changed. With
    `create_districts`, a place's district that is not found is created (centred on it).
    """
    result = Plan(source=parsed.source, problems=list(parsed.problems), create_only=create_only)
    for index, record in enumerate(parsed.records):
        result.record_order.setdefault(record.label, index)
        result.record_order.setdefault(record.label.split(" «")[0], index)
    resolver = Resolver(parsed.records, create_districts)
    result.new_districts = resolver.created_districts
    seen = Counter(record.external_id for record in parsed.records if record.external_id)
    slugs_in_file: dict[str, str] = {}
    for record in _stepping(parsed.records, step):
        if not record.external_id:
            continue
        if seen[record.external_id] > 1:
            result.problems.append(
                Problem(
                    record.label,
                    "external_id",
                    _("этот идентификатор встречается в файле несколько раз"),
                )
            )
            continue
        if create_only and record.external_id in resolver.services:
            continue
        item = _plan_service(record, resolver, result)
        if item is None:
            continue
        slug = item.service.slug
        if slug:
            other = resolver.taken_slugs.get(slug)
            if (other is not None and other != record.external_id) or slugs_in_file.get(
                slug, record.external_id
            ) != record.external_id:
                result.problems.append(
                    Problem(
                        record.label,
                        "slug",
                        _("адрес (slug) «%(slug)s» уже занят") % {"slug": slug},
                    )
                )
            slugs_in_file[slug] = record.external_id
        result.services.append(item)
    return result


def _plan_service(record: ServiceRecord, resolver: Resolver, result: Plan) -> ServicePlan | None:
    """One record → an unsaved, validated service and its children (None: cannot be planned)."""

    def problem(field_name: str, message: object, level: str = ERROR) -> None:
        result.problems.append(Problem(record.label, field_name, str(message), level))

    existing = resolver.services.get(record.external_id)
    if existing is not None and existing.locked:
        who = existing.locked_by.get_username() if existing.locked_by else ""
        problem(
            "",
            _(
                "служба заблокирована для правки (%(who)s): "
                "снимите блокировку или уберите её из файла"
            )
            % {"who": who},
        )
        return None
    if existing is not None and existing.has_unpublished_changes:
        problem("", _("у службы есть неопубликованный черновик: импорт заменит его"), WARNING)
    service = existing or Service(locale=resolver.locale, external_id=record.external_id)
    item = ServicePlan(record=record, service=service, is_new=existing is None)
    _plan_fields(item, problem)
    if record.organization is not None:
        item.organization_key = _plan_organization(record, resolver, result, problem)
    _plan_terms(item, resolver, problem)
    _plan_places(item, resolver, problem)
    if record.phones is not None:
        item.phones = _plan_phones(Phone, record.phones, resolver.locale, problem)
    _plan_hours(item, resolver, problem)
    if item.is_new and not record.locations and not record.areas:
        problem(
            "district", _("нет ни адреса, ни района: службу не найдут в поиске по районам"), WARNING
        )
    return item


def _plan_fields(item: ServicePlan, problem) -> None:
    """The record's plain fields onto the service, validated by the model's own rules."""
    record, service = item.record, item.service
    for name, value in record.fields.items():
        if name == "organization":
            item.unlink_organization = True
            continue
        setattr(service, name, "" if value is None and _is_text(name) else value)
    if item.is_new:
        for required in ("name", "description"):
            if not record.fields.get(required):
                problem(required, _("обязательное поле для новой службы"))
    if (
        record.fields.get("alert_until") is not None
        and "alert" not in record.fields
        and not service.alert
    ):
        problem("alert", _("указана дата объявления, но нет его текста"))
    _validate(service, SERVICE_EXCLUDE, problem)


def _plan_terms(item: ServicePlan, resolver: Resolver, problem) -> None:
    """Kinds and target groups: references (codes or names) → the source-locale terms."""
    record = item.record
    for attribute, terms, label in (
        ("kinds", resolver.kinds, _("Виды помощи")),
        ("target_groups", resolver.groups, _("Целевые группы")),
    ):
        references = getattr(record, attribute)
        if references is None:
            continue
        found = []
        for reference in references:
            term = terms.get(reference.casefold()) or terms.get(normalize(reference))
            if term is None:
                problem(
                    attribute,
                    _("«%(ref)s» нет в справочнике «%(what)s»")
                    % {"what": label, "ref": reference[:80]},
                )
            elif term not in found:
                found.append(term)
        setattr(item, attribute, found)
    if record.kinds == [] and item.is_new:
        problem("kinds", _("не указан вид помощи: службу не найдут в фильтре по видам"), WARNING)


def _plan_places(item: ServicePlan, resolver: Resolver, problem) -> None:
    """Locations and service areas, each with its district found (``importing.districts``).

    A place whose district stays unknown is still imported, without a district, and
    the editors find it under «Без района»; a service area without one is left out.
    Only the editors' CSV, which names districts from our list, makes it an error.
    """
    record = item.record
    if record.locations is not None:
        item.locations = []
        for index, location in enumerate(record.locations):
            if location.field == "district" and resolver.district(location.districts) is None:
                # The editors' CSV names the district in its own column, from our list:
                # a typo there stays an error.
                problem("district", resolver.district_hint(location.districts))
                continue
            district = resolver.location_district(location, problem)
            instance = Location(
                locale=resolver.locale,
                district=district,
                name=location.name,
                address=location.address,
                postal_code=location.postal_code,
                latitude=location.latitude,
                longitude=location.longitude,
                accessibility=location.accessibility,
                accessibility_codes=list(location.accessibility_codes),
                transportation=location.transportation,
                is_confidential=location.is_confidential,
            )
            instance.sort_order = len(item.locations)
            prefix = "" if location.field == "district" else f"{location.field}."
            _validate(
                instance,
                CHILD_EXCLUDE,
                lambda f, m, prefix=prefix, where=location.field: problem(
                    f"{prefix}{f}" if f else where, m
                ),
            )
            item.locations.append(instance)
            item.places[index] = instance
    _plan_areas(item, resolver, problem)


def _plan_areas(item: ServicePlan, resolver: Resolver, problem) -> None:
    """Service areas by district name; one whose district is unknown is left out (warning)."""
    record = item.record
    if record.areas is not None:
        item.areas = []
        for area in record.areas:
            district = resolver.district(area.districts)
            if district is None:
                problem(
                    area.field,
                    resolver.district_hint(area.districts)
                    + ". "
                    + _("Район обслуживания пропущен"),
                    WARNING,
                )
                continue
            if all(a.district is not district for a in item.areas):
                # In the file's order: Orderable children are shown by sort_order.
                area_row = ServiceArea(district=district, description=area.description)
                area_row.sort_order = len(item.areas)
                item.areas.append(area_row)


def _point(location: LocationRecord) -> tuple[float | None, float | None]:
    """The place's coordinates, also for a confidential place (only to find its district)."""
    return location.latitude, location.longitude


def _plan_hours(item: ServicePlan, resolver: Resolver, problem) -> None:
    """Weekly hours and dated exceptions, the exceptions validated."""
    record = item.record
    if record.schedules is not None:
        item.schedules = [
            Schedule(
                weekday=s.weekday,
                opens_at=s.opens_at,
                closes_at=s.closes_at,
                location=None if s.place is None else item.places.get(s.place),
            )
            for s in record.schedules
            if s.place is None or s.place in item.places
        ]
    if record.exceptions is not None:
        item.exceptions = []
        for exception in record.exceptions:
            instance = ScheduleException(
                locale=resolver.locale,
                start_date=exception.start_date,
                end_date=exception.end_date,
                is_closed=exception.is_closed,
                opens_at=exception.opens_at,
                closes_at=exception.closes_at,
                description=exception.description,
            )
            _validate(
                instance,
                CHILD_EXCLUDE,
                lambda f, m, e=exception: problem(f"{e.field}.{f}" if f else e.field, m),
            )
            item.exceptions.append(instance)


def _plan_organization(
    record: ServiceRecord, resolver: Resolver, result: Plan, problem
) -> tuple[str, str] | None:
    data = record.organization
    key = data.key
    if key in result.organizations:
        return key
    organization = None
    if data.external_id:
        organization = resolver.organizations_by_id.get(data.external_id)
    if organization is None and data.name:
        organization = resolver.organizations_by_name.get(normalize(data.name))
        if (
            organization is not None
            and data.external_id
            and organization.external_id not in ("", data.external_id)
        ):
            organization = None  # same name, another organisation's id: a new one
    if organization is None:
        if not data.name:
            problem(
                "organization",
                _("организация с идентификатором «%(id)s» не найдена, а её название не указано")
                % {"id": data.external_id},
            )
            return None
        organization = Organization(
            locale=resolver.locale, name=data.name, external_id=data.external_id
        )
    elif result.create_only:
        result.organizations[key] = organization
        return key
    elif data.external_id and not organization.external_id:
        organization.external_id = data.external_id
    if data.name and data.fields:  # a full HSDS organisation: its fields are the source's
        organization.name = data.name
    for name, value in data.fields.items():
        setattr(organization, name, value)
    _validate(
        organization,
        ["locale", "translation_key"],
        lambda f, m: problem(f"organization.{f}" if f else "organization", m),
    )
    if data.phones is not None:
        # In memory until `apply` saves the organisation (ClusterableModel): replaced then.
        organization.phones = _plan_phones(OrganizationPhone, data.phones, resolver.locale, problem)
    result.organizations[key] = organization
    return key


def _plan_phones(model, records: list[PhoneRecord], locale: Locale, problem) -> list:
    """Unsaved, validated phones (a service's or an organisation's) for the records."""
    phones = []
    for phone in records:
        instance = model(
            locale=locale, number=phone.number, kind=phone.kind, description=phone.description
        )
        instance.sort_order = len(phones)
        _validate(
            instance,
            CHILD_EXCLUDE,
            lambda f, m, p=phone: problem(f"{p.field}.{f}" if f else p.field, m),
        )
        phones.append(instance)
    return phones


def _is_text(name: str) -> bool:
    field = Service._meta.get_field(name)
    return field.get_internal_type() in (
        "CharField",
        "TextField",
        "SlugField",
        "URLField",
        "EmailField",
    )


def _validate(instance, exclude: list[str], report) -> None:
    """The model's own validation; every message reported against its field."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                report("" if name == "__all__" else name, message)


# --- Apply ---------------------------------------------------------------------------------------


class ImportFailed(Exception):
    """Nothing was written; the message says why."""


def apply(result: Plan, user=None, step: Callable[[], None] | None = None) -> Plan:
    """Write the whole plan in one transaction, or nothing at all. ``step`` is called
    after each service written."""
    if not result.ok:
        raise ImportFailed(_("в файле есть ошибки: ничего не записано"))
    publish = user is None or user.has_perm("registry.publish_service")
    try:
        with transaction.atomic():
            for district in result.new_districts.values():
                district.save()
            for organization in result.organizations.values():
                if not (result.create_only and organization.pk):
                    organization.save()
            for item in _stepping(result.services, step):
                _save_service(item, result, user, publish)
    except (DatabaseError, ValidationError, ValueError) as error:
        raise ImportFailed(
            _("ошибка при записи, ничего не записано: %(error)s") % {"error": error}
        ) from error
    except Exception as error:  # a bug must not leave half an import, nor a 500 page
        logger.exception("Registry import failed and was rolled back")
        raise ImportFailed(
            _("непредвиденная ошибка при записи, ничего не записано: %(error)s")
            % {"error": type(error).__name__}
        ) from error
    return result


def _save_service(item: ServicePlan, result: Plan, user, publish: bool) -> None:
    service = item.service
    if item.organization_key is not None:
        service.organization = result.organizations[item.organization_key]
    elif item.unlink_organization:
        service.organization = None
    for attribute, relation in (
        ("kinds", "kinds"),
        ("target_groups", "target_groups"),
        ("locations", "locations"),
        ("areas", "service_areas"),
        ("phones", "phones"),
        ("schedules", "schedules"),
        ("exceptions", "schedule_exceptions"),
    ):
        value = getattr(item, attribute)
        if value is not None:
            for child in value:  # a district created by this import has its pk only now
                if getattr(child, "district", None) is not None:
                    child.district_id = child.district.pk
            setattr(service, relation, value)
    if item.is_new:
        service.live = False
        service.save()
        log(instance=service, action="wagtail.create", user=user, content_changed=True)
    elif publish and any(s.location is not None for s in item.schedules or []):
        # A place's own hours name a place this import creates: saved first, so that
        # the revision holds the place's id (the revision is published right after).
        service.save()
    revision = service.save_revision(user=user, log_action=not item.is_new, changed=True)
    if publish:
        revision.publish(user=user, skip_permission_checks=True)
