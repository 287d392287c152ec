"""Public registry pages: search and filters, a service, districts, «сообщить об ошибке».

Query budgets (tested): the list page stays within 12 SQL queries whatever the
number of services, and the service and district pages are constant too. Bad
input never gives a 500: unknown slugs are a 404 page with a search box and the
emergency numbers, junk coordinates and page numbers are ignored with a message.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_permissions_policy.decorators import permissions_policy_override

from safechildhood.core import protection
from safechildhood.core.outage import resubmit_on_outage
from safechildhood.core.pagecache import cache_for_visitors

from . import clock, corrections, reminders
from .forms import CorrectionForm
from .listing import (
    FLAGS,
    FilterOptions,
    Listing,
    UnknownFilterValue,
    fallback,
    localized_terms,
    parse_listing,
    with_geocoder,
)
from .models import District, Service, ServiceKind
from .presentation import decorate, group_by_kind, map_markers
from .queries import card_queryset, in_language, prefetch_cards, search_services


def not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    """404 that still helps: the registry's search box, districts, emergency numbers."""
    return TemplateResponse(request, "registry/not_found.html", {"message": message}, status=404)


# The page cache keeps these pages for anonymous visitors (safechildhood.core.pagecache):
# the registry's signals forget them on any change (apps.py), and those showing "open
# now" or today's hours only until some service opens or closes, or midnight (clock.py).
LIST_PARAMETERS = (
    "q",
    "where",
    "place",
    "district",
    "kind",
    "group",
    "access",
    "age",
    "near",
    "page",
    *FLAGS,
)


@cache_for_visitors(LIST_PARAMETERS, until=clock.next_change)
def service_list(request: HttpRequest) -> HttpResponse:
    """``/services/``: search, filters, nearest first, map; never a dead end."""
    options = FilterOptions.load()
    try:
        listing = parse_listing(request.GET, options)
    except UnknownFilterValue as error:
        messages = {
            "district": _("Такого района нет в реестре."),
            "kind": _("Такого вида помощи нет в реестре."),
            "group": _("Такой группы нет в реестре."),
            "place": _("Такого населённого пункта нет в справочнике."),
        }
        return not_found(request, messages[error.parameter])
    listing, place_message = with_geocoder(listing)
    results = search_services(listing.request)
    decorate(results.items, options.kinds)
    help_when_empty = None
    if not results:
        help_when_empty = fallback(listing)
        decorate([*help_when_empty.nearby, *help_when_empty.round_the_clock], options.kinds)
    context = {
        "options": options,
        "listing": listing,
        "results": results,
        "page_obj": results.page_obj,
        "fallback": help_when_empty,
        "markers": map_markers(results.items),
        "distance_note": distance_note(listing),
        "place_message": place_message,
        "is_filtered": bool(listing.request.query or listing.has_filters),
        "place_choices": [(place, listing.choice_url(place)) for place in listing.place_choices],
        "district_links": district_links(listing, options) if listing.unknown_place else [],
    }
    return _render_list(request, context)


def district_links(listing: Listing, options: FilterOptions) -> list:
    """``[(region, [(district, url)])]``: the same search in each district, offered when
    the place typed is not known."""
    return [
        (region, [(d, listing.url(district=d.slug, place="", near="")) for d in districts])
        for region, districts in options.regions
    ]


def distance_note(listing: Listing) -> str:
    """Where the distances shown are measured from, truthfully: the place typed, the
    visitor's position, or the chosen district's centre."""
    if listing.place is not None:
        return _("от %(place)s") % {"place": listing.place.label}
    if listing.geocoded is not None:
        return _("от %(place)s") % {"place": listing.geocoded.label}
    if listing.request.near:
        return _("от вас")
    return _("от центра района")


# The list's «Показать ближайшие ко мне» asks the browser for the position: the only page
# allowed geolocation (for itself, no embedded frame; settings.PERMISSIONS_POLICY otherwise).
@permissions_policy_override({**settings.PERMISSIONS_POLICY, "geolocation": ["self"]})
def _render_list(request: HttpRequest, context: dict) -> HttpResponse:
    return TemplateResponse(request, "registry/service_list.html", context)


def _find_service(slug: str) -> Service | None:
    services = (
        in_language(Service.objects.public())
        .filter(slug=slug)
        .with_public_related()
        .prefetch_related("organization__phones")
    )
    return next(iter(services), None)


@cache_for_visitors(until=clock.next_change)
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/services/<slug>/``; the template also serves the admin preview (``service`` only)."""
    service = _find_service(slug)
    if service is None:
        return not_found(request, _("Такой службы нет в реестре или она больше не работает."))
    return TemplateResponse(request, "registry/service_detail.html", {"service": service})


@cache_for_visitors()
def district_list(request: HttpRequest) -> HttpResponse:
    """``/services/district/``: «выберите свой район», grouped by region."""
    options = FilterOptions(
        districts=list(District.objects.only("name", "slug", "region").order_by("region", "name")),
        kinds={},
        groups={},
    )
    return TemplateResponse(request, "registry/district_list.html", {"options": options})


@cache_for_visitors(until=clock.next_change)
def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/services/district/<slug>/``: every service serving the district, by kind."""
    district = District.objects.filter(slug=slug).first()
    if district is None:
        return not_found(request, _("Такого района нет в реестре."))
    services = in_language(Service.objects.public()).serving_district(district).order_by("name")
    services = prefetch_cards(card_queryset(services))
    kinds = localized_terms(ServiceKind)
    decorate(services, kinds)
    context = {
        "district": district,
        "services": services,
        "groups": group_by_kind(services, kinds),
        "markers": map_markers(services),
    }
    return TemplateResponse(request, "registry/district_detail.html", context)


# --- «Сообщить об ошибке в записи» ----------------------------------------------------------


def _correction_page(
    request: HttpRequest, service: Service, form: CorrectionForm, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {"service": service, "form": form, "error": error}
    return TemplateResponse(request, "registry/correction_form.html", context, status=status)


@resubmit_on_outage  # database down: the note comes back in a «send again» form
@csrf_exempt  # cookie-less: a signed per-form token instead (see corrections.py)
@require_http_methods(["GET", "HEAD", "POST"])
def correction(request: HttpRequest, slug: str) -> HttpResponse:
    service = _find_service(slug)
    if service is None:
        return not_found(request, _("Такой службы нет в реестре или она больше не работает."))
    if request.method in ("GET", "HEAD"):
        return _correction_page(request, service, CorrectionForm())

    form = CorrectionForm(request.POST)
    try:
        issued = protection.read_form(request, corrections.FORM_NAME)
        problem = protection.form_problem(request, issued, fill_time=False)
    except protection.TokenError as exc:
        if exc.reason == "cross_site":
            return _correction_page(
                request, service, form, 403, _("Форма отправлена с другого сайта и не принята.")
            )
        problem = protection.EXPIRED  # a broken token reads as a stale form
    if problem == protection.EXPIRED:
        return _correction_page(
            request,
            service,
            form,
            400,
            _("Форма устарела. Проверьте текст и отправьте ещё раз."),
        )
    if problem == protection.HONEYPOT:
        return redirect("registry:correction_sent", slug=slug)  # a bot: say thanks, keep nothing
    if not form.is_valid():
        return _correction_page(request, service, form)
    if not corrections.allow(request):
        return _correction_page(
            request,
            service,
            form,
            429,
            _("Слишком много сообщений подряд. Попробуйте через час или позвоните в службу."),
        )
    corrections.submit(service, form.cleaned_data["description"], form.cleaned_data["contact"])
    return redirect("registry:correction_sent", slug=slug)


def correction_sent(request: HttpRequest, slug: str) -> HttpResponse:
    service = _find_service(slug)
    if service is None:
        return not_found(request)
    return TemplateResponse(request, "registry/correction_sent.html", {"service": service})


# --- «Всё верно?»: a provider confirms an entry by the signed link from a reminder ----------

LINK_PROBLEMS = {
    "expired": (
        410,
        gettext_noop(
            "Срок действия ссылки истёк. Войдите в админку сайта и отметьте запись "
            "проверенной там или дождитесь следующего письма."
        ),
    ),
    "invalid": (
        400,
        gettext_noop("Ссылка повреждена или неполна. Скопируйте её из письма целиком."),
    ),
    "missing": (
        404,
        gettext_noop("Запись или учётная запись, для которой выдана ссылка, больше не существует."),
    ),
}


@never_cache
@csrf_exempt  # the signed token in the address is the credential (``registry.reminders``)
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the entry and a button and changes nothing (mail scanners open links);
    POST marks it verified by the member the link was sent to."""
    try:
        confirmation = reminders.read_token(token)
    except reminders.LinkError as exc:
        status, message = LINK_PROBLEMS[exc.reason]
        context = {"problem": _(message)}
        return TemplateResponse(request, "registry/confirm.html", context, status=status)
    done = False
    if request.method == "POST" and not confirmation.already_confirmed:
        reminders.confirm(confirmation)
        confirmation = reminders.read_token(token)
        done = True
    context = {
        "service": confirmation.service,
        "already": confirmation.already_confirmed and not done,
        "done": done,
    }
    return TemplateResponse(request, "registry/confirm.html", context)
