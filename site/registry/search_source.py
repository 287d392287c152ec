"""Help services in the site-wide search (``search.sources``): this app's source.

Services come first among the results when the words name their kind («насилие»
names the crisis centre for women, the everyday «муж бьёт» names it too:
``queries.kind_strengths``), and are found even when their text holds none of the
words (``named``). What may be
shown is ``queries.in_language`` of the public services: an untranslated Russian
entry stands in for its English translation.

Privacy rule (tested): a service's document is built from public-safe data only.
Its places contribute their district (name, region, slug) and nothing else: no
address, postal code, coordinates, transport or accessibility notes, not even a
place's name, whether the place is confidential or not. The service page shows
public addresses; the index does not need them and cannot leak what it never held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Expression, Prefetch, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale
from wagtail.signals import published, unpublished

from search.api import (
    Match,
    SearchDocument,
    SearchSource,
    Trigger,
    highlight,
    join,
    language_of,
    make_document,
    register,
)

from .listing import localized_terms
from .models import (
    District,
    EverydayPhrase,
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceKind,
    TargetGroup,
)
from .presentation import decorate
from .queries import (
    SNIPPET_CHARS,
    card_queryset,
    in_language,
    kind_preference,
    kind_strengths,
    named_services,
    prefetch_cards,
)

SERVICE = "service"


# --- the document ---------------------------------------------------------------------------


def service_prefetch() -> list[Any]:
    """What :func:`service_document` reads, for ``prefetch_related`` (no query per service)."""
    return [
        "kinds",
        "target_groups",
        Prefetch("locations", Location.objects.select_related("district")),
        Prefetch("service_areas", ServiceArea.objects.select_related("district")),
    ]


def taxonomy_maps(language: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``({kind code: term}, {group code: term})`` in `language` (two small queries)."""
    locale = Locale.objects.filter(language_code=language).first() or Locale.get_default()
    return ServiceKind.objects.localized_map(locale), TargetGroup.objects.localized_map(locale)


def _term_text(terms: Iterable[Any], localized: Mapping[str, Any]) -> list[str]:
    texts: list[str] = []
    for term in terms:
        shown = localized.get(term.code, term)
        texts += [shown.name, shown.keywords, term.keywords]
    return texts


def service_document(
    service: Service,
    language: str | None = None,
    *,
    kinds_map: Mapping[str, Any] | None = None,
    groups_map: Mapping[str, Any] | None = None,
) -> SearchDocument:
    """A service in `language`'s index (default its own; an untranslated Russian entry
    also stands in for its English translation, see ``queries.in_language``).

    Text: alternate name, description, who may apply, how to apply, the alert, the
    organisation, the kinds' and target groups' names and search keywords (editors
    keep the word forms there: «травля травли буллинг»), and the districts' names and
    regions (``Service.district_names``). Of the places, only their districts.
    """
    language = language or language_of(service)
    if kinds_map is None or groups_map is None:
        kinds_map, groups_map = taxonomy_maps(language)
    kinds = list(service.kinds.all())
    organization = service.organization
    body = join(
        [
            service.alternate_name,
            service.description,
            service.eligibility_description,
            service.application_process,
            service.alert,
            organization.name if organization else "",
            organization.alternate_name if organization else "",
            *_term_text(kinds, kinds_map),
            *_term_text(service.target_groups.all(), groups_map),
            service.district_names(),
        ]
    )
    return make_document(
        SERVICE,
        service,
        language,
        title=service.name,
        body=body,
        kinds=sorted({kind.code for kind in kinds}),
        groups=sorted({group.code for group in service.target_groups.all()}),
        districts=sorted({district.slug for district in service.districts()}),
        is_24_7=service.is_24_7,
    )


# --- what changes a service's document (Elasticsearch only) -----------------------------------


def _itself(service: Service, **kwargs: Any) -> list[int]:
    """Published or unpublished: index or remove it."""
    return [service.pk]


def _saved_live(service: Service, raw: bool = False, **kwargs: Any) -> list[int]:
    """A live service saved (an import, «mark verified», closing it): index or remove it."""
    return [service.pk] if not raw and service.live else []


def _with_translations(service: Service, **kwargs: Any) -> list[int]:
    """Removed; and the entry it was translated from may now stand in for it."""
    siblings = Service.objects.filter(translation_key=service.translation_key)
    return [service.pk, *siblings.values_list("pk", flat=True)]


def _of_term(term: ServiceKind | TargetGroup, raw: bool = False, **kwargs: Any) -> list[int]:
    """A kind or target group renamed or given new keywords: its services' text changed."""
    if raw:
        return []
    lookup = "kinds__code" if isinstance(term, ServiceKind) else "target_groups__code"
    return list(Service.objects.filter(**{lookup: term.code}).values_list("pk", flat=True))


def _of_organization(organization: Organization, raw: bool = False, **kwargs: Any) -> list[int]:
    return [] if raw else list(organization.services.values_list("pk", flat=True))


def _in_district(district: District, raw: bool = False, **kwargs: Any) -> list[int]:
    """A district renamed: the services there (their text holds its name)."""
    if raw:
        return []
    services = Service.objects.filter(locations__district=district) | Service.objects.filter(
        service_areas__district=district
    )
    return list(services.values_list("pk", flat=True))


# --- the source -------------------------------------------------------------------------------


class Services(SearchSource):
    key = SERVICE
    label = _("Служба помощи")
    plural = _("Службы помощи")
    order = 10
    model = Service
    title_field = "name"
    template = "registry/includes/search_result.html"
    has_kinds = True

    def searchable(self, language: str) -> QuerySet:
        return in_language(Service.objects.public(), language)

    def load(self, pks: list[int], language: str) -> list:
        """Cards with kinds, places, phones and «open now» (three queries)."""
        services = prefetch_cards(card_queryset(self.searchable(language).filter(pk__in=pks)))
        decorate(services, localized_terms(ServiceKind, language))
        return services

    def highlights(self, match: Match, obj: Any, query: str) -> dict[str, SafeString]:
        return {
            "name": highlight(obj.name, query),
            "description": highlight(obj.description, query, max_chars=SNIPPET_CHARS),
        }

    def strengths(self, query: str) -> dict[str, int]:
        return kind_strengths(query)

    def preference(self, strengths: Mapping[str, int]) -> Expression | None:
        return kind_preference(strengths)

    def named(self, strengths: Mapping[str, int]) -> Q | None:
        return named_services(strengths)

    def indexed(self, language: str) -> QuerySet:
        rows = self.searchable(language).select_related("locale", "organization")
        return rows.prefetch_related(*service_prefetch())

    def document_context(self, language: str) -> Any:
        return taxonomy_maps(language)

    def document(self, obj: Any, language: str, context: Any = None) -> SearchDocument:
        kinds_map, groups_map = context or taxonomy_maps(language)
        return service_document(obj, language, kinds_map=kinds_map, groups_map=groups_map)

    def affected(self, pks: list[int]) -> list[int]:
        """The services and all their translations: a Russian entry stands in for a
        missing English one, so publishing or deleting the English one changes the
        Russian's place."""
        keys = Service.objects.filter(pk__in=pks).values_list("translation_key", flat=True)
        group = Service.objects.filter(translation_key__in=list(keys)).values_list("pk", flat=True)
        return sorted(set(pks) | set(group))

    def triggers(self) -> list[Trigger]:
        return [
            (published, Service, _itself),
            (unpublished, Service, _itself),
            (post_save, Service, _saved_live),
            (post_delete, Service, _with_translations),
            (post_save, ServiceKind, _of_term),
            (post_save, TargetGroup, _of_term),
            (post_save, Organization, _of_organization),
            (post_save, District, _in_district),
        ]

    def vocabulary(self, language: str) -> list[str]:
        """The kinds' and target groups' names and keywords, the everyday vocabulary,
        the districts' names."""
        texts: list[str] = []
        for model in (ServiceKind, TargetGroup):
            rows = model.objects.filter(locale__language_code=language)
            texts += [
                f"{name} {keywords}" for name, keywords in rows.values_list("name", "keywords")
            ]
        texts += list(EverydayPhrase.objects.values_list("phrase", flat=True))
        return texts + list(District.objects.values_list("name", flat=True))


register(Services())
