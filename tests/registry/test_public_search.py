"""The shared search interface (package `search`) over registry services.

Runs on SQLite and PostgreSQL (DATABASE_URL): Russian words find the right kind
of help, every filter narrows the list, nearest first works with known
coordinates, and bad input is cleaned with a message instead of failing.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from safechildhood.registry.models import Service
from safechildhood.registry.queries import in_language, search_services
from search.highlight import highlight
from search.query import (
    MAX_QUERY_LENGTH,
    SearchRequest,
    clean_query,
    parse_page,
    parse_point,
)

from .factories import LocationFactory, ScheduleFactory, ServiceFactory
from .public_data import SOKOL, VOLOGDA, make_service, registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return registry()


def names(results):
    return [service.name for service in results.items]


def found(query, **kwargs):
    return search_services(SearchRequest(query=query, **kwargs))


# --- Russian morphology -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("медиатор", "mediation"),
        ("медиация", "mediation"),
        ("Медиатора", "mediation"),
        ("травля", "bullying"),
        ("буллинг", "bullying"),
        ("насилие", "women"),
        ("домашнее насилие", "women"),
    ],
)
def test_russian_words_find_the_right_kind_first(data, query, expected):
    places, services = data
    results = found(query)
    assert results.total >= 1, query
    assert results.items[0] == services[expected]
    assert results.hits[0].type == "service"
    if expected != "mediation":
        assert services["mediation"] not in results.items


def test_a_service_that_only_mentions_a_word_ranks_below_the_kind_it_names(data):
    places, services = data
    chatty = make_service(
        places["vologda"],
        name="Центр помощи семье (демо)",
        description="Насилие, насилие в семье, профилактика насилия, насилие над детьми.",
        kinds=["sos"],
    )
    results = found("насилие")
    assert results.items.index(services["women"]) < results.items.index(chatty)


def test_district_name_in_the_words_finds_services_there(data):
    places, services = data
    assert names(found("Сокольский")) == [services["sos_sokol"].name]


def test_matched_words_are_highlighted_and_escaped(data):
    results = found("медиатор")
    hit = results.hits[0]
    assert "<mark>медиации</mark>" in hit.highlights["name"]
    assert highlight("<b>травля</b> и травли", "травля") == (
        "&lt;b&gt;<mark>травля</mark>&lt;/b&gt; и <mark>травли</mark>"
    )


# --- Filters ------------------------------------------------------------------------------


def test_district_filter_includes_services_that_serve_the_district(data):
    places, services = data
    results = search_services(SearchRequest(filters={"district": places["sokol"]}))
    assert results.items == [services["sos_sokol"]]
    # A Vologda hotline that also serves Sokol (service area) is included.
    from .factories import ServiceAreaFactory

    ServiceAreaFactory(service=services["women"], district=places["sokol"])
    results = search_services(SearchRequest(filters={"district": places["sokol"]}))
    assert set(results.items) == {services["sos_sokol"], services["women"]}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "mediation"}, {"mediation"}),
        ({"target_group": "teenagers"}, {"bullying"}),
        ({"is_24_7": True}, {"women"}),
        ({"kind": "legal", "free": True}, set()),
        ({"kind": "legal"}, {"paid_legal"}),
        ({"open_now": True}, {"mediation", "women"}),
        ({"region": "Тульская область"}, set()),
    ],
)
def test_each_filter(data, filters, expected):
    places, services = data
    results = search_services(SearchRequest(filters=filters))
    assert set(results.items) == {services[key] for key in expected}
    assert results.total == len(expected)


def test_free_filter_leaves_out_paid_services(data):
    places, services = data
    results = search_services(SearchRequest(filters={"free": True}))
    assert services["paid_legal"] not in results.items
    assert services["mediation"] in results.items


def test_unknown_filter_is_a_programming_error_not_a_silent_no_op(data):
    with pytest.raises(ValueError, match="Unknown service filters"):
        search_services(SearchRequest(filters={"distrikt": "x"}))


def test_open_now_across_moscow_midnight(data, monkeypatch):
    """Friday 22:00–02:00: open at 01:30 on Saturday Moscow time (22:30 UTC on Friday)."""
    places, services = data
    night = make_service(places["vologda"], name="Ночной телефон (демо)", kinds=["helpline"])
    ScheduleFactory(service=night, weekday=4, opens_at=dt.time(22), closes_at=dt.time(2))
    saturday_night = dt.datetime(2026, 1, 17, 1, 30, tzinfo=ZoneInfo("Europe/Moscow"))
    monkeypatch.setattr(timezone, "now", lambda: saturday_night.astimezone(dt.UTC))
    results = search_services(SearchRequest(filters={"open_now": True, "kind": "helpline"}))
    assert results.items == [night]
    assert results.items[0].open_now is True
    later = saturday_night + dt.timedelta(hours=1)  # 02:30: closed again
    monkeypatch.setattr(timezone, "now", lambda: later.astimezone(dt.UTC))
    assert search_services(SearchRequest(filters={"open_now": True, "kind": "helpline"})).total == 0


def test_kind_facet_counts_without_its_own_filter(data):
    results = search_services(SearchRequest(filters={"kind": "mediation"}, facets=("kind",)))
    assert results.facets["kind"]["mediation"] == 1
    assert results.facets["kind"]["women_crisis"] == 1
    assert results.facets["kind"]["legal"] == 1


# --- Ordering -----------------------------------------------------------------------------


def test_nearest_first_from_a_point_with_distances(data):
    places, services = data
    results = search_services(SearchRequest(near=SOKOL, filters={"kind": "sos"}))
    assert results.ordering == "distance"
    sokol = results.items[0]
    assert sokol == services["sos_sokol"]
    assert sokol.distance_km == pytest.approx(0, abs=0.01)

    results = search_services(SearchRequest(near=VOLOGDA))
    distances = [service.distance_km for service in results.items]
    assert distances == sorted(distances)
    assert results.items[-1] == services["bullying"]  # Cherepovets, ~110 km
    assert distances[-1] == pytest.approx(110, abs=10)
    assert dict(zip(results.items, distances, strict=True))[services["sos_sokol"]] == (
        pytest.approx(30, abs=5)
    )


def test_a_district_orders_by_distance_from_its_centre(data):
    places, services = data
    far = make_service(
        places["vologda"], (59.30, 40.10), name="Дальняя служба (демо)", kinds=["mediation"]
    )
    results = search_services(SearchRequest(filters={"district": places["vologda"]}))
    assert results.ordering == "distance"
    assert results.items[-1] == far
    assert results.items[-1].distance_km == pytest.approx(15, abs=3)


def test_without_point_or_words_services_are_by_name(data):
    results = search_services(SearchRequest())
    assert results.ordering == "name"
    assert names(results) == sorted(names(results))


# --- Pages, languages, bad input -----------------------------------------------------------


def test_pages_and_a_page_past_the_end(data):
    first = search_services(SearchRequest(per_page=2))
    assert first.total == 5 and len(first.items) == 2
    assert first.page_obj.paginator.num_pages == 3
    last = search_services(SearchRequest(per_page=2, page=99))
    assert last.page_obj.number == 3
    assert "последняя" in last.messages[0]


def test_english_visitors_see_russian_entries_that_have_no_translation(data):
    places, services = data
    english = services["mediation"].copy_for_translation(
        __import__("wagtail.models", fromlist=["Locale"]).Locale.objects.get_or_create(
            language_code="en"
        )[0]
    )
    english.name = "Family mediation (demo)"
    english.save()
    with translation.override("en"):
        listed = list(in_language(Service.objects.public()))
    assert english in listed
    assert services["mediation"] not in listed  # replaced by its translation
    assert services["bullying"] in listed  # untranslated: the Russian entry stands in


def test_closed_and_unpublished_services_are_never_found(data):
    places, services = data
    ServiceFactory(name="Закрытая служба медиации (демо)", status=Service.Status.CLOSED)
    ServiceFactory(name="Черновик службы медиации (демо)", live=False)
    assert names(found("медиации")) == [services["mediation"].name]


def test_clean_query_cuts_long_input_and_says_so():
    query, messages = clean_query("  травля \x00 в\tшколе " + "а" * 5000)
    assert len(query) <= MAX_QUERY_LENGTH
    assert query.startswith("травля в школе")
    assert messages and "200" in messages[0]
    assert clean_query("медиатор") == ("медиатор", [])


@pytest.mark.parametrize("raw", ["-", "?", "!", "...", "«»", "—", "+", "_", " * ", "\x00", "\"'("])
def test_a_query_without_words_becomes_no_query_and_says_so(raw):
    query, messages = clean_query(raw)
    assert query == ""
    if raw.strip() and raw != "\x00":
        assert len(messages) == 1 and "нет ни одного слова" in messages[0]
    assert clean_query("ё") == ("ё", []) and clean_query("112") == ("112", [])


@pytest.mark.parametrize("where", [{"district": "vologda"}, {"near": VOLOGDA}])
def test_no_words_with_a_district_or_a_point_lists_the_same_services(data, where):
    places, services = data
    filters = {"district": places["vologda"]} if "district" in where else {}
    near = where.get("near")
    plain = search_services(SearchRequest(filters=filters, near=near))
    raw_near = f"{near[0]},{near[1]}" if near else None
    punctuated = search_services(
        SearchRequest.from_input(query="—", filters=filters, near=raw_near)
    )
    assert names(punctuated) == names(plain) != []
    assert any("нет ни одного слова" in message for message in punctuated.messages)


@pytest.mark.parametrize("empty", ["none", "no_ids"])
def test_nearest_first_over_nothing_is_an_empty_page(data, empty):
    """An engine may hand back no ids (Elasticsearch found nothing): ``pk__in=[]`` cannot
    even be compiled (EmptyResultSet), and nearest first must still give an empty page."""
    from safechildhood.registry.queries import nearest_first

    services = Service.objects.none() if empty == "none" else Service.objects.filter(pk__in=[])
    nearest = nearest_first(services, *VOLOGDA)
    page, messages = nearest.page(3, 10)
    assert list(page.object_list) == [] and page.paginator.count == 0 and messages == []
    assert list(nearest) == [] and nearest.count() == 0 and nearest[0:5] == []


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "1e9", "99999999999999999999", "2.5"])
def test_bad_page_numbers_become_page_one_with_a_message(raw):
    number, messages = parse_page(raw)
    assert number == 1 and messages


@pytest.mark.parametrize(
    "raw", ["abc", "91,0", "0,181", "nan,1", "inf,inf", "1,2,3", "59.2", ",", "59.2;"]
)
def test_junk_coordinates_are_ignored_with_a_message(raw):
    point, messages = parse_point(raw)
    assert point is None and messages


def test_good_coordinates_are_read():
    assert parse_point(" 59.2205,39.8915 ") == ((59.2205, 39.8915), [])
    assert parse_point("") == (None, [])


def test_a_request_from_raw_input_collects_every_message(data):
    request = SearchRequest.from_input(query="медиатор" * 100, page="abc", near="x,y")
    assert request.page == 1 and request.near is None and len(request.query) <= 200
    assert len(request.messages) == 3
    results = search_services(request)
    assert results.messages == list(request.messages)


def test_service_area_only_service_is_found_but_shows_no_distance(data):
    """A hotline with no place of its own is ordered by the districts it serves, but
    shows no distance: «0 км» from a place it is not at would be false (issue 12, 4)."""
    places, services = data
    hotline = ServiceFactory(name="Телефон доверия (демо)", kinds=["helpline"])
    from .factories import ServiceAreaFactory

    ServiceAreaFactory(service=hotline, district=places["sokol"])
    results = search_services(SearchRequest(near=SOKOL, filters={"kind": "helpline"}))
    assert results.items == [hotline]
    assert results.items[0].distance_km is None
    assert LocationFactory  # factories stay importable for the other tests


def test_fast_distance_agrees_with_the_model_queryset(data):
    """`registry.queries.nearest_first` (set-wise SQL) gives `with_distance`'s values:
    places, a confidential place (its district's centre), service areas, no place."""
    from safechildhood.registry.queries import nearest_first

    from .factories import ServiceAreaFactory
    from .public_data import confidential_shelter

    places, services = data
    confidential_shelter(places["sokol"])
    hotline = ServiceFactory(name="Только районы (демо)")
    ServiceAreaFactory(service=hotline, district=places["cherepovets"])
    ServiceAreaFactory(service=hotline, district=places["babaevo"])
    ServiceFactory(name="Нигде (демо)")
    for point in [VOLOGDA, SOKOL, (55.75, 37.62), (-33.9, 151.2)]:
        model = {s.pk: s.distance_km for s in Service.objects.public().with_distance(*point)}
        fast = {s.pk: s.distance_km for s in nearest_first(Service.objects.public(), *point)}
        assert fast.keys() == model.keys()
        for pk, km in model.items():
            if km is None:
                assert fast[pk] is None
            else:
                assert fast[pk] == pytest.approx(km, rel=1e-9, abs=1e-6), pk
