"""The everyday vocabulary: what people type, mapped by editors to kinds and groups (issue 12).

«сына травят в школе», «издеваются в школе», «муж бьёт», «меня бьёт муж» found no
service: the services say «травля», «насилие». Editors keep the words people use in
*Реестр помощи → Слова посетителей*; the registry's box and the site search both
read them, in any word form, «ё» or «е», any order.
"""

import pytest
from django.urls import reverse

from safechildhood.registry import demo, vocabulary
from safechildhood.registry.models import EverydayPhrase, ServiceKind, TargetGroup
from safechildhood.registry.queries import search_services
from search.api import GROUP
from search.query import SearchRequest

from .factories import DistrictFactory, LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def phrase(text: str, kinds=(), groups=()) -> EverydayPhrase:
    entry = EverydayPhrase.objects.create(phrase=text)
    entry.kinds.set(ServiceKind.objects.filter(code__in=kinds, locale__language_code="ru"))
    entry.target_groups.set(TargetGroup.objects.filter(code__in=groups, locale__language_code="ru"))
    return entry


def names(query: str, **filters) -> list[str]:
    results = search_services(SearchRequest.from_input(query=query, filters=filters))
    return [service.name for service in results.items]


@pytest.fixture
def services():
    return {
        "bullying": ServiceFactory(
            name="Служба экстренного реагирования (демо)",
            description="Срочная помощь школьникам и родителям.",
            kinds=["bullying"],
        ),
        "women": ServiceFactory(
            name="Кризисное отделение (демо)",
            description="Консультации и временное проживание.",
            kinds=["women_crisis"],
            target_groups=["women_violence"],
        ),
        "reconciliation": ServiceFactory(
            name="Служба примирения (демо)",
            description="Восстановительные программы.",
            kinds=["reconciliation"],
        ),
        "mediation": ServiceFactory(
            name="Служба медиации (демо)", description="Медиатор.", kinds=["mediation"]
        ),
    }


def test_a_phrase_names_its_kinds_in_any_form_order_and_spelling():
    phrase("муж бьёт", kinds=["women_crisis", "sos"], groups=["women_violence"])
    phrase("травят", kinds=["bullying"])
    named = vocabulary.strengths("Меня бьет МУЖ")
    both_words = 2 * vocabulary.PHRASE_WEIGHT  # a phrase's word outweighs a keyword
    assert named["women_crisis"] == both_words
    assert named["sos"] == both_words
    assert named[GROUP + "women_violence"] == both_words
    assert vocabulary.strengths("сына травили в школе")["bullying"] >= 1
    assert "bullying" not in vocabulary.strengths("травма")  # «трав…» is not «травм…»
    assert "women_crisis" not in vocabulary.strengths("муж")  # one word of two


def test_a_keyword_many_kinds_share_names_none():
    """«помощь» is among the keywords of SOS, psychological and social support: it says
    nothing about which help, and must not put every service before a page."""
    assert vocabulary.strengths("помощь") == {}
    assert vocabulary.strengths("насилие")["women_crisis"] == 1


def test_a_phrase_with_not_needs_the_not():
    """«не» is a stop word, so «не кормят» (children neglected: SOS) named its kinds for
    «нечем кормить детей» (no money for food) and «не хочу жить» for «хочу жить»."""
    phrase("не кормят", kinds=["sos"])
    phrase("не хочу жить", kinds=["bullying"])
    assert "sos" not in vocabulary.strengths("нечем кормить детей")
    assert "sos" in vocabulary.strengths("соседи не кормят детей")
    assert "bullying" not in vocabulary.strengths("хочу жить без долгов")
    assert "bullying" in vocabulary.strengths("Не хочу жить")


def test_phrases_are_stored_with_their_stems():
    entry = phrase("  Муж   бьёт ")
    assert entry.phrase == "Муж бьёт"
    assert entry.stems == "бьет муж"


@pytest.mark.parametrize(
    ("query", "words", "expected"),
    [
        ("издеваются в школе", [("издеваются", ["bullying"])], "bullying"),
        ("сына травят в школе", [("травят", ["bullying"])], "bullying"),
        ("меня бьёт муж", [("муж бьёт", ["women_crisis"])], "women"),
        ("как помирить детей", [("помирить", ["reconciliation"])], "reconciliation"),
    ],
)
def test_the_registry_box_finds_what_the_words_mean(services, query, words, expected):
    for text, kinds in words:
        phrase(text, kinds=kinds)
    found = names(query)
    assert found and found[0] == services[expected].name


def test_site_search_finds_what_the_words_mean(client, home, services):
    phrase("помирить", kinds=["reconciliation"])
    response = client.get("/search/", {"q": "помирить сына с отцом"})
    hits = response.context["results"].hits
    assert hits and hits[0].object == services["reconciliation"]


def test_a_named_target_group_orders_within_the_kind(services):
    other = ServiceFactory(
        name="Ещё одно кризисное отделение (демо)",
        description="Консультации.",
        kinds=["women_crisis"],
    )
    phrase("бьёт", kinds=["women_crisis"], groups=["women_violence"])
    assert names("бьёт")[:2] == [services["women"].name, other.name]


def test_a_service_of_more_of_the_named_kinds_comes_first(services):
    """«нечем кормить» names social support and the family dispatch: a service giving
    only social support (beside its own emergency kind) came level with the dispatch,
    which gives both, and the database's text score chose between them."""
    both = ServiceFactory(
        name="Семейная диспетчерская (демо)",
        description="Консультации.",
        kinds=["family_dispatch", "social_support"],
    )
    one = ServiceFactory(
        name="Экстренная служба для семей (демо)",
        description="Дети, детьми, детей: кормить детей, накормить детей.",
        kinds=["sos", "social_support"],
    )
    phrase("нечем кормить", kinds=["social_support", "family_dispatch"])
    assert names("нечем кормить детей")[:2] == [both.name, one.name]


def test_some_words_are_enough_those_with_all_come_first():
    """«травля Сокольский район» found one service: every word had to match."""
    sokol, vologda = DistrictFactory(name="Сокольский округ"), DistrictFactory(name="Вологда")
    far = ServiceFactory(name="Экстренная служба (демо)", kinds=["bullying"])
    near = ServiceFactory(name="Экстренная служба в Соколе (демо)", kinds=["bullying"])
    LocationFactory(service=far, district=vologda)
    LocationFactory(service=near, district=sokol)
    far.save(), near.save()  # re-index with the districts' names
    assert names("травля Сокольский") == [near.name, far.name]


def test_an_editors_new_phrase_works_at_once(services):
    assert names("гнобят") == []
    phrase("гнобят", kinds=["bullying"])
    assert names("гнобят") == [services["bullying"].name]
    EverydayPhrase.objects.get(phrase="гнобят").kinds.set(
        ServiceKind.objects.filter(code="mediation", locale__language_code="ru")
    )
    assert names("гнобят") == [services["mediation"].name]


def test_editors_manage_the_words_in_the_admin(admin_client):
    reconciliation = ServiceKind.objects.get(code="reconciliation", locale__language_code="ru")
    add = reverse(EverydayPhrase.snippet_viewset.get_url_name("add"))
    assert admin_client.get(add).status_code == 200
    response = admin_client.post(add, {"phrase": "помирить", "kinds": [reconciliation.pk]})
    assert response.status_code == 302
    entry = EverydayPhrase.objects.get(phrase="помирить")
    assert list(entry.kinds.all()) == [reconciliation]
    listing = admin_client.get(reverse(EverydayPhrase.snippet_viewset.get_url_name("list")))
    assert "помирить" in listing.content.decode()
    assert reconciliation.name in listing.content.decode()


def test_the_demo_words_are_added_once_and_never_overwrite_an_edit():
    demo.ensure_taxonomy()
    added = demo.everyday_words()
    assert added >= 50
    edited = EverydayPhrase.objects.get(phrase="травят")
    assert edited.is_demo
    edited.kinds.set(ServiceKind.objects.filter(code="psychological", locale__language_code="ru"))
    EverydayPhrase.objects.get(phrase="помирить").delete()
    assert demo.everyday_words() == 1  # only the missing one
    assert [kind.code for kind in EverydayPhrase.objects.get(phrase="травят").kinds.all()] == [
        "psychological"
    ]
    assert EverydayPhrase.objects.count() == added
