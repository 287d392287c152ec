"""The default engine, its Russian word forms on SQLite, spelling and what may be found."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from safechildhood.home.search_source import PAGE as TYPE_PAGE
from safechildhood.news.search_source import NEWS as TYPE_NEWS
from safechildhood.registry.search_source import SERVICE as TYPE_SERVICE
from search.database import DatabaseEngine, title_has_all
from search.pages import public_pages
from search.sources import searchable
from search.stemming import query_stems, spellings
from tests.factories import StandardPageFactory
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.registry.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_query_stems_drop_stop_words_fold_yo_and_keep_english():
    assert query_stems("Травля в школе") == ["травл", "школ"]
    assert query_stems("Зелёная КОМНАТА") == ["зелен", "комнат"]
    # English: the part of the word Snowball kept («history» → «histori» → «histor»).
    assert query_stems("browser history") == ["browser", "histor"]
    assert query_stems("в и") == ["в", "и"]  # nothing but stop words: keep them
    assert query_stems("") == []


def test_yo_spellings_of_a_stem():
    assert spellings("зелен") == ["зелен", "зёлен", "зелён", "зёлён"]
    assert spellings("школ") == ["школ"]
    assert len(spellings("ееееее")) == 8  # capped


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Помощь при травле в школе", "травля"),
        ("Школьная травля", "травли"),
        ("Служба семейной медиации", "медиация"),
        ("Зелёная комната", "зеленая"),
        ("Зеленая комната", "зелёная"),
        ("Консультации юриста", "консультация юрист"),
    ],
)
def test_word_forms_find_each_other_on_either_database(home, text, query):
    page = StandardPageFactory(parent=home, title=text)
    StandardPageFactory(parent=home, title="Совсем о другом")
    answer = DatabaseEngine().search(query, language="ru", types=[TYPE_PAGE])
    assert [match.pk for match in answer.matches] == [page.pk]


def test_results_with_every_word_come_first_then_those_with_some(home):
    """Issue 12: «травля школа» found only pages with both words; one word is enough,
    after every page holding both."""
    one = StandardPageFactory(parent=home, title="Травля")
    both = StandardPageFactory(parent=home, title="Травля в школе")
    other = StandardPageFactory(parent=home, title="Кружки в школе")
    StandardPageFactory(parent=home, title="Совсем о другом")
    answer = DatabaseEngine().search("травля школа", language="ru", types=[TYPE_PAGE])
    found = [match.pk for match in answer.matches]
    assert found[0] == both.pk
    assert sorted(found[1:]) == sorted([one.pk, other.pk])
    assert answer.counts[TYPE_PAGE] == 3


def test_a_word_in_no_document_does_not_hide_the_others(home):
    page = StandardPageFactory(parent=home, title="Травля в школе")
    answer = DatabaseEngine().search("сына травят в школе", language="ru", types=[TYPE_PAGE])
    assert [match.pk for match in answer.matches] == [page.pk]


def test_every_word_held_outranks_a_stronger_single_word(home):
    """A page repeating one word many times still comes after one holding every word."""
    repeated = StandardPageFactory(
        parent=home, title="Травля, травля, травля", introduction="Травля. " * 30
    )
    both = StandardPageFactory(parent=home, title="Справка", introduction="Травля в школе.")
    answer = DatabaseEngine().search("травля школа", language="ru", types=[TYPE_PAGE])
    assert [match.pk for match in answer.matches] == [both.pk, repeated.pk]


def test_the_search_description_finds_a_page_and_an_article(home):
    """Editors write a page's «мета-описание» in the words visitors use («на вас
    написали в опеку»); the Elasticsearch documents hold it, so the database must too."""
    page = StandardPageFactory(
        parent=home,
        title="Если о семье сообщили",
        search_description="Если на вас написали в опеку.",
    )
    index = NewsIndexPageFactory(parent=home)
    article = NewsPageFactory(parent=index, title="Новая служба", search_description="Опекунам.")
    StandardPageFactory(parent=home, title="Совсем о другом")
    pages = DatabaseEngine().search("написали в опеку", language="ru", types=[TYPE_PAGE])
    assert [match.pk for match in pages.matches] == [page.pk]
    news = DatabaseEngine().search("опекунам", language="ru", types=[TYPE_NEWS])
    assert [match.pk for match in news.matches] == [article.pk]


def test_counts_cover_every_type_and_the_window_only_the_chosen(home):
    index = NewsIndexPageFactory(parent=home)
    for n in range(3):
        StandardPageFactory(parent=home, title=f"Медиация {n}")
    NewsPageFactory(parent=index, title="Медиация в новостях")
    ServiceFactory(name="Медиация (демо)", kinds=["mediation"]).save()
    answer = DatabaseEngine().search("медиация", language="ru", types=[TYPE_NEWS], limit=2)
    assert answer.counts == {TYPE_SERVICE: 1, TYPE_PAGE: 3, TYPE_NEWS: 1}
    assert [match.type for match in answer.matches] == [TYPE_NEWS]


def test_services_of_the_named_kind_come_first_then_titles_with_every_word(home):
    index = NewsIndexPageFactory(parent=home)
    news = NewsPageFactory(
        parent=index, title="Медиация, медиация, медиация", lead="Медиация " * 20
    )
    mention = ServiceFactory(name="Центр помощи", description="Иногда проводим медиацию.")
    kind = ServiceFactory(name="Семейная служба", description="Консультации.", kinds=["mediation"])
    kind.description = "Медиация."
    kind.save()
    mention.save()
    answer = DatabaseEngine().search("медиация", language="ru", kinds={"mediation": 1}, limit=10)
    order = [(match.type, match.pk) for match in answer.matches]
    assert order[0] == (TYPE_SERVICE, kind.pk)
    assert order.index((TYPE_NEWS, news.pk)) < order.index((TYPE_SERVICE, mention.pk))


def test_paging_through_the_merged_list_shows_each_match_once(home):
    index = NewsIndexPageFactory(parent=home)
    for n in range(7):
        StandardPageFactory(parent=home, title=f"Памятка {n}")
        NewsPageFactory(parent=index, title=f"Памятка в новостях {n}")
    engine = DatabaseEngine()
    seen = []
    for offset in range(0, 14, 4):
        seen += [
            (m.type, m.pk)
            for m in engine.search("памятка", language="ru", offset=offset, limit=4).matches
        ]
    assert len(seen) == 14 == len(set(seen))


def test_title_has_all():
    stems = query_stems("сообщить о проблеме")
    assert title_has_all("Сообщить о проблеме", stems)
    assert not title_has_all("Как получить помощь", stems)
    assert not title_has_all("Сообщить", stems)
    assert not title_has_all("Всё", [])


def test_public_pages_is_wagtails_public(home):
    open_page = StandardPageFactory(parent=home, title="Открытая")
    locked = StandardPageFactory(parent=home, title="Закрытая")
    PageViewRestriction.objects.create(page=locked, restriction_type="login")
    StandardPageFactory(parent=locked, title="Внутри закрытой")
    StandardPageFactory(parent=open_page, title="Внутри открытой")
    ours = set(public_pages(Page.objects.all()).values_list("pk", flat=True))
    wagtails = set(Page.objects.public().values_list("pk", flat=True))
    assert ours == wagtails
    assert locked.pk not in ours


def test_searchable_rows_are_live_public_and_in_the_language(home, english_home):
    page = StandardPageFactory(parent=home, title="Страница")
    draft = StandardPageFactory(parent=home, title="Черновик")
    draft.unpublish()
    assert list(searchable(TYPE_PAGE, "ru")) == [page]
    assert list(searchable(TYPE_PAGE, "en")) == []
    with pytest.raises(ValueError):
        searchable("video", "ru")


# --- spelling ------------------------------------------------------------------------


def test_spelling_corrects_unknown_words_from_the_sites_vocabulary(db):
    from search.spelling import correct

    assert correct("медиацыя", "ru") == "медиация"
    assert correct("Булинг в школе", "ru") == "буллинг в школе"
    assert correct("медиация", "ru") is None  # nothing to correct
    assert correct("кенгуру", "ru") is None  # nothing close
    assert correct("12345 дом", "ru") is None


# --- statistics clean-up -------------------------------------------------------------


def test_old_search_statistics_are_forgotten(db, settings):
    from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion

    from search.models import NoResultsDailyHits, record_search
    from search.tasks import forget_old_statistics

    settings.WAGTAILSEARCH_HITS_MAX_AGE = 30
    today = timezone.localdate()
    record_search("старый запрос", found=False, date=today - dt.timedelta(days=40))
    record_search("новый запрос", found=False, date=today)
    record_search("закреплённый", found=True, date=today - dt.timedelta(days=40))
    SearchPromotion.objects.create(
        query=Query.get("закреплённый"), external_link_url="https://example.org/", sort_order=0
    )
    record_search("!!!", found=False)  # no words: not recorded

    result = forget_old_statistics()

    assert set(Query.objects.values_list("query_string", flat=True)) == {
        "новый запрос",
        "закреплённый",
    }
    assert list(NoResultsDailyHits.objects.values_list("query__query_string", flat=True)) == [
        "новый запрос"
    ]
    assert QueryDailyHits.objects.count() == 1
    assert result == {"no_results_rows": 1, "queries": 1}


def test_the_clean_up_plans_itself_once(db, settings):
    from django_tasks_db.models import DBTaskResult

    from search.tasks import on_post_migrate, plan_maintenance, search_maintenance

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert plan_maintenance()
    assert not plan_maintenance()
    on_post_migrate(sender=None)
    queued = DBTaskResult.objects.filter(task_path=search_maintenance.module_path, status="READY")
    assert queued.count() == 1
    run_after = timezone.localtime(queued.get().run_after)
    assert (run_after.hour, run_after.minute) == (3, 30)
