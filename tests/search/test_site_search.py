"""/search/: one list over information pages, news and help services (SQLite and PostgreSQL)."""

import json
import re
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from wagtail.models import Locale, PageViewRestriction

from safechildhood.registry.models import Service
from tests.factories import StandardPageFactory
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.registry.factories import LocationFactory, PhoneFactory, ServiceFactory

pytestmark = pytest.mark.django_db

URL = "/search/"


def paragraph(text: str) -> str:
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>", "id": "p1"}])


@pytest.fixture
def site(home):
    """A page, a news article and services about mediation and bullying."""
    news_index = NewsIndexPageFactory(parent=home)
    mediation = ServiceFactory(
        name="Служба семейной медиации (демо)",
        description="Медиатор помогает родителям договориться о детях после развода.",
        kinds=["mediation"],
    )
    PhoneFactory(service=mediation, number="8 (8172) 00-00-07")
    bullying = ServiceFactory(
        name="Служба экстренного реагирования (демо)",
        description="Срочная помощь, если ребёнка травят в школе.",
        kinds=["bullying"],
    )
    page = StandardPageFactory(
        parent=home,
        title="Как скрыть посещение сайта",
        introduction="Как очистить историю браузера.",
        body=paragraph("Откройте настройки браузера и удалите историю посещений."),
    )
    news = NewsPageFactory(
        parent=news_index,
        title="В области открылись службы медиации",
        lead="Семь служб семейной медиации начали работу в округах.",
        body=paragraph("Медиация помогает семьям договориться без суда."),
    )
    for service in (mediation, bullying):
        service.save()  # index with kinds and phones
    return {"page": page, "news": news, "mediation": mediation, "bullying": bullying}


def get(client, path=URL, **params):
    response = client.get(path + ("?" + urlencode(params) if params else ""))
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def results(soup):
    """(type label, title) of each result, in order."""
    return [
        (
            " ".join(li.select_one(".search-result__type").get_text().split()),
            " ".join(li.select_one(".search-result__title").get_text().split()),
        )
        for li in soup.select(".search-results .search-result")
    ]


def titles(soup):
    return [title for _type, title in results(soup)]


def type_counts(soup):
    counts = {}
    for link in soup.select(".search-types__link"):
        label = link.contents[0].strip()
        counts[label] = int(re.search(r"\((\d+)\)", link.get_text()).group(1))
    return counts


def test_one_list_over_pages_news_and_services_with_type_labels(client, site):
    soup = get(client, q="медиация")
    found = results(soup)
    labels = {label.split(" · ")[0] for label, _title in found}
    assert labels == {"Служба помощи", "Новость"}
    assert "Найдено результатов: 2" in soup.select_one(".search-count").get_text()
    assert soup.select_one(".search-result--news time")["datetime"] == site["news"].date.isoformat()
    soup = get(client, q="история браузера")
    assert results(soup) == [("Страница", "Как скрыть посещение сайта")]


def test_a_kind_of_help_finds_the_services_before_news_about_them(client, site):
    for query in ["медиация", "медиатор", "медиации"]:
        found = titles(get(client, q=query))
        assert found[0] == "Служба семейной медиации (демо)", query


def test_service_results_show_how_to_call(client, site):
    soup = get(client, q="медиатор")
    card = soup.select_one(".search-result--service")
    assert card.select_one("a.phones__number")["href"] == "tel:88172000007"
    assert (
        card.select_one(".search-result__title a")["href"] == site["mediation"].get_absolute_url()
    )
    assert "Служба семейной медиации" in card.select_one(".search-result__type").get_text()


def test_matched_words_are_marked_and_text_is_escaped(client, site, home):
    StandardPageFactory(
        parent=home, title="<script>alert(1)</script> медиация", introduction="О медиации."
    )
    soup = get(client, q="медиация")
    html = str(soup.select_one(".search-results"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    marked = [mark.get_text() for mark in soup.select(".search-results mark")]
    assert "медиации" in [word.lower() for word in marked]


def test_snippet_comes_from_the_body_when_the_summary_lacks_the_words(client, site):
    soup = get(client, q="настройки", type="page")
    snippet = soup.select_one(".search-result__text")
    assert snippet.find("mark").get_text() == "настройки"
    assert "удалите историю" in snippet.get_text()


def test_type_filter_keeps_the_other_types_counts(client, site):
    soup = get(client, q="медиация", type="news")
    assert titles(soup) == ["В области открылись службы медиации"]
    assert type_counts(soup) == {"Всё": 2, "Службы помощи": 1, "Страницы": 0, "Новости": 1}
    current = soup.select_one(".search-types__link[aria-current]")
    assert current.contents[0].strip() == "Новости"
    # The search box keeps the filter.
    assert soup.select_one("form.search-form input[name=type]")["value"] == "news"


def test_unknown_type_is_ignored_with_a_message(client, site):
    soup = get(client, q="медиация", type="<b>x</b>")
    assert "Такого раздела нет" in soup.select_one(".notice").get_text()
    assert len(titles(soup)) == 2


@pytest.fixture
def many_pages(home):
    return [StandardPageFactory(parent=home, title=f"Памятка для родителей {n}") for n in range(13)]


def test_pagination_ten_a_page_keeping_the_query(client, many_pages):
    soup = get(client, q="памятка")
    assert len(titles(soup)) == 10
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert "q=%D0%BF%D0%B0%D0%BC%D1%8F%D1%82%D0%BA%D0%B0" in next_link and "page=2" in next_link
    soup = get(client, q="памятка", page="2")
    assert len(titles(soup)) == 3
    assert soup.select_one(".search-results")["start"] == "11"


@pytest.mark.parametrize(
    ("page", "message", "shown"),
    [("999", "показана последняя: 2", 3), ("abc", "первая страница", 10), ("-3", "первая", 10)],
)
def test_bad_page_numbers_give_a_message_not_an_error(client, many_pages, page, message, shown):
    soup = get(client, q="памятка", page=page)
    assert message in soup.select_one(".notice").get_text()
    assert len(titles(soup)) == shown


@pytest.mark.parametrize(
    "query",
    ["\"' AND (медиация", "медиация OR NOT", "*", "медиация^2 ~", "\x00медиация\x1f", "NEAR(a b)"],
)
def test_search_syntax_in_the_words_is_never_an_error(client, site, query):
    get(client, q=query)


@pytest.mark.parametrize(("type_", "page"), [("", ""), ("service", ""), ("news", "7")])
def test_a_query_without_words_is_treated_as_no_words_and_says_so(client, site, type_, page):
    """Issue 9, defect 3 (the same input as on the registry): no words, no search, a message."""
    for query in ["-", "?", "!", "...", "«»", "—", "+", "*", '"', "_"]:
        params = {
            "q": query,
            **({"type": type_} if type_ else {}),
            **({"page": page} if page else {}),
        }
        soup = get(client, **params)
        notice = " ".join(p.get_text() for p in soup.select(".notice"))
        assert "нет ни одного слова" in notice, query
        assert soup.select_one("form.search-form input[name=q]")["value"] == ""
        assert not soup.select(".search-result") and not soup.select(".search-empty")


def test_a_query_without_words_is_not_counted_as_a_search(client, site):
    from wagtail.contrib.search_promotions.models import Query

    get(client, q="«»")
    assert not Query.objects.exists()


def test_over_long_query_is_cut_and_says_so(client, site):
    soup = get(client, q="медиация " * 100)
    assert "200 символам" in soup.select_one(".notice").get_text()
    assert titles(soup)


def test_no_results_suggest_the_registry_the_report_form_and_the_numbers(client, site):
    soup = get(client, q="кенгуру")
    empty = soup.select_one(".search-empty")
    assert "По запросу «кенгуру» ничего не нашлось" in empty.get_text()
    links = {a["href"] for a in empty.find_all("a")}
    assert "/services/?q=%D0%BA%D0%B5%D0%BD%D0%B3%D1%83%D1%80%D1%83" in links
    assert "/report/" in links
    assert {"tel:112", "tel:88002000122"} <= links


def test_a_mistyped_word_is_corrected_from_the_sites_vocabulary(client, site):
    soup = get(client, q="медиацыя")
    notice = soup.select_one(".search-correction").get_text()
    assert "«медиацыя» ничего не нашлось" in notice and "«медиация»" in notice
    assert titles(soup)[0] == "Служба семейной медиации (демо)"


def test_unpublished_private_closed_and_other_language_content_is_never_found(
    client, site, home, english_home
):
    draft = StandardPageFactory(parent=home, title="Медиация: черновик")
    draft.unpublish()
    private = StandardPageFactory(parent=home, title="Медиация: для сотрудников")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    parent = StandardPageFactory(parent=home, title="Раздел для сотрудников")
    PageViewRestriction.objects.create(page=parent, restriction_type="password", password="x")
    StandardPageFactory(parent=parent, title="Медиация: внутренний регламент")
    closed = ServiceFactory(name="Медиация закрытой службы", kinds=["mediation"])
    closed.status = Service.Status.CLOSED
    closed.save()
    english = site["page"].copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.title = "Медиация in English"
    english.save_revision().publish()
    found = titles(get(client, q="медиация"))
    assert not [title for title in found if title.startswith(("Медиация", "Медиации"))]
    assert len(found) == 2


def test_english_visitors_search_english_pages(client, site, english_home):
    english = site["page"].copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "How to hide your visit"
    english.introduction = "Clearing your browser history."
    english.save_revision().publish()
    soup = get(client, "/en/search/", q="browser history")
    assert titles(soup) == ["How to hide your visit"]
    assert soup.select_one(".search-result__title a")["href"].startswith("/en/")


def test_without_words_only_the_search_box(client, site):
    soup = get(client)
    assert soup.select_one("form.search-form input[name=q]")["value"] == ""
    assert not soup.select(".search-result") and not soup.select(".search-empty")


def test_header_search_box_leads_here(client, site):
    home = BeautifulSoup(client.get("/").content, "html.parser")
    form = home.select_one("form.header-search")
    assert form["action"] == URL and form.find("input")["name"] == "q"


# --- editors: pinned results and the report of queries ---------------------------------


def test_pinned_results_come_first_on_the_first_page(client, site, home):
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    pinned = StandardPageFactory(parent=home, title="Что такое семейная медиация")
    query = Query.get("Медиация")
    SearchPromotion.objects.create(query=query, page=pinned, sort_order=0, description="Коротко")
    SearchPromotion.objects.create(
        query=query,
        external_link_url="https://example.org/services/mediation/",
        external_link_text="Все службы медиации",
        sort_order=1,
    )
    hidden = StandardPageFactory(parent=home, title="Снятая страница")
    hidden.unpublish()
    SearchPromotion.objects.create(query=query, page=hidden, sort_order=2)

    soup = get(client, q="медиация")
    picks = [a.get_text() for a in soup.select(".search-promotions a")]
    assert picks == ["Что такое семейная медиация", "Все службы медиации"]
    assert soup.select_one(".search-promotions").find_next("ol")["class"] == ["search-results"]
    assert not get(client, q="медиация", page="2").select(".search-promotions")


def test_searches_are_counted_without_anything_about_the_visitor(client, site):
    from wagtail.contrib.search_promotions.models import Query

    from search.models import NoResultsDailyHits

    get(client, q="Медиация")
    get(client, q="медиация ")
    get(client, q="кенгуру")
    get(client, q="медиация", page="2")  # paging is not a new search
    assert Query.get("медиация").hits == 2
    assert Query.get("кенгуру").hits == 1
    rows = NoResultsDailyHits.objects.all()
    assert [(row.query.query_string, row.hits) for row in rows] == [("кенгуру", 1)]
    fields = {field.name for field in NoResultsDailyHits._meta.get_fields()}
    assert fields == {"id", "query", "date", "hits"}


def test_a_failed_statistics_write_never_costs_the_visitor_their_results(client, site, monkeypatch):
    from django.db import IntegrityError
    from wagtail.contrib.search_promotions.models import Query

    def collide(query_string):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Query, "get", staticmethod(collide))
    soup = get(client, q="медиация")
    assert titles(soup)[0] == "Служба семейной медиации (демо)"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="x")
    user.groups.add(Group.objects.get(name="Редакторы"))
    return user


def test_editors_see_frequent_queries_and_those_that_found_nothing(client, site, editor):
    for query in ["медиация", "медиация", "кенгуру", "кенгуру", "кенгуру"]:
        get(client, q=query)
    client.force_login(editor)
    response = client.get("/admin/reports/search-queries/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    rows = [
        [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in soup.select("table.listing tbody tr")
    ]
    assert rows == [["кенгуру", "3", "3"], ["медиация", "2", "0"]]
    only_empty = client.get("/admin/reports/search-queries/?no_results=true")
    assert "медиация" not in only_empty.content.decode()
    export = client.get("/admin/reports/search-queries/?export=csv")
    assert "кенгуру" in export.getvalue().decode()


def test_editors_can_pin_results_and_others_cannot_see_the_report(
    client, editor, django_user_model
):
    client.force_login(editor)
    assert client.get("/admin/searchpicks/").status_code == 200
    assert client.get("/admin/searchpicks/add/").status_code == 200
    stranger = django_user_model.objects.create_user("stranger", password="x")
    stranger.groups.add(Group.objects.get(name="Специалисты по обращениям"))
    client.force_login(stranger)
    response = client.get("/admin/reports/search-queries/")
    assert response.status_code in (302, 403)
    assert "кенгуру" not in response.content.decode()


# --- cost ------------------------------------------------------------------------------


def test_queries_per_results_page_do_not_grow_with_the_results(
    client, home, django_assert_max_num_queries
):
    news_index = NewsIndexPageFactory(parent=home)

    def add(n):
        for i in range(n):
            StandardPageFactory(parent=home, title=f"Медиация, памятка {i}")
            NewsPageFactory(parent=news_index, title=f"Медиация: новость {i}")
            service = ServiceFactory(name=f"Медиация, служба {i}", kinds=["mediation"])
            LocationFactory(service=service)
            PhoneFactory(service=service)

    add(2)
    client.get(URL + "?q=медиация")  # warm the per-process caches
    with django_assert_max_num_queries(20):
        soup = get(client, q="медиация")
    assert len(titles(soup)) == 6
    add(10)
    with django_assert_max_num_queries(20):
        soup = get(client, q="медиация")
    assert len(titles(soup)) == 10
