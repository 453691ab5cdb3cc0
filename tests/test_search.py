"""Search in Chinese and English: substrings without spaces, English inflections, ranking,
highlighted passages, and queries that try to break it."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from articles import search
from articles.models import Article

from .conftest import page


@pytest.fixture
def library(make_section, make_article):
    world = make_section("world")
    science = make_section("science", name_zh_hans="科学", name_en="Science")
    return {
        "ferry": make_article(
            section=world,
            slug="ferry",
            title_zh_hans="渡轮重新开航",
            body_zh_hans="停航三年后，连接两岸的渡轮今天恢复运营。",
            title_en="The river ferry sails again",
            body_en="The ferries crossing the river were full of commuters.",
        ),
        "whisky": make_article(
            section=science,
            slug="whisky",
            title_zh_hans="蒸馏厂的新设备",
            body_zh_hans="新的铜制蒸馏器今年投入使用。",
            title_en="Distillation goes electric",
            body_en="The distillery replaced its coal boilers; distillation now runs on power "
            "from the river dam.",
        ),
        "tea": make_article(
            section=science,
            slug="tea",
            title_zh_hans="耐旱茶树",
            body_zh_hans="研究人员在两岸的茶园里试种了新品种。",
            title_en="A tea that copes with drought",
            body_en="Researchers planted the new cultivar on estates along the river.",
        ),
        "draft": make_article(
            section=world,
            slug="draft",
            status=Article.Status.DRAFT,
            title_en="Unpublished ferry plans",
            title_zh_hans="未发表的渡轮计划",
        ),
    }


def result_slugs(client, query: str, language: str = "en") -> list[str]:
    soup = page(client.get(f"/{language}/search/", {"q": query}))
    return [a["href"].rstrip("/").split("/")[-1] for a in soup.select(".search-results h2 a")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("渡轮", ["ferry"]),  # two characters, no spaces
        ("恢复运营", ["ferry"]),  # a phrase from the middle of a sentence
        ("两岸", ["ferry", "tea"]),
        ("蒸馏", ["whisky"]),
        ("distilled", ["whisky"]),  # finds "distillation" and "distillery"
        ("ferry", ["ferry"]),  # finds "ferries" too
        ("Commuter", ["ferry"]),
        ("river commuters", ["ferry"]),  # every word must match
        ("cultivars drought", ["tea"]),
    ],
)
def test_finds_articles_in_either_language(client, library, query, expected):
    assert sorted(result_slugs(client, query)) == sorted(expected)


def test_a_title_match_ranks_above_a_body_match(client, library):
    # "river" is in the ferry's title, and only in the bodies of the other two.
    assert result_slugs(client, "river")[0] == "ferry"


def test_drafts_are_never_found(client, library):
    assert result_slugs(client, "Unpublished") == []
    assert result_slugs(client, "计划", "zh-hans") == []


@pytest.mark.parametrize(
    "query", ["", "   ", "&", "| ! ( ) : * '", "'); DROP TABLE articles_article; --", "a" * 10_000]
)
def test_empty_long_or_operator_laden_queries_give_a_normal_page(client, library, query):
    response = client.get("/en/search/", {"q": query})

    assert response.status_code == 200
    assert page(response).select_one("form.search-form input[name=q]")
    assert Article.objects.count() == 4


def test_no_hits_says_so(client, library):
    soup = page(client.get("/en/search/", {"q": "volcano"}))

    assert not soup.select(".search-results li")
    assert "No articles match “volcano”" in soup.select_one("p.empty").get_text()


def test_the_matching_passage_is_highlighted_in_its_language(client, library):
    soup = page(client.get("/zh-hans/search/", {"q": "distilled"}))
    result = soup.select_one(".search-results li")

    # The English version matched, so the English passage is shown, labelled as English.
    assert result.select_one("h2 a")["lang"] == "en"
    assert [m.get_text() for m in result.select("h2 mark")] == ["Distillation"]
    # "distillation" shares the stem of "distilled"; "distillery" does not.
    assert [m.get_text() for m in result.select("p.article-item__summary mark")] == ["distillation"]
    assert result.select_one("p.article-item__summary")["lang"] == "en"


def test_a_chinese_match_is_highlighted_in_chinese(client, library):
    soup = page(client.get("/en/search/", {"q": "渡轮"}))
    result = soup.select_one(".search-results li")

    assert result.select_one("h2 a")["lang"] == "zh-Hans"
    assert [m.get_text() for m in result.select("h2 mark")] == ["渡轮"]


def test_results_are_paginated(client, make_section, make_article):
    section = make_section("world")
    for number in range(23):
        make_article(section=section, title_en=f"Harbour report {number}")

    first = page(client.get("/en/search/", {"q": "harbour"}))
    last = page(client.get("/en/search/", {"q": "harbour", "page": 3}))

    assert len(first.select(".search-results li")) == 10
    assert len(last.select(".search-results li")) == 3
    assert first.select_one('nav.pagination a[rel="next"]')["href"] == "?q=harbour&page=2"
    second = page(client.get("/en/search/", {"q": "harbour", "page": 2}))
    assert second.select_one('nav.pagination a[rel="prev"]')["href"] == "?q=harbour"
    assert client.get("/en/search/", {"q": "harbour", "page": 9}).status_code == 404


def test_a_word_in_much_of_the_archive_says_how_much_was_ranked(
    client, make_section, make_article, monkeypatch
):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    section = make_section("world")
    for number in range(5):
        make_article(section=section, title_en=f"Harbour report {number}")

    soup = page(client.get("/en/search/", {"q": "harbour"}))
    summary = soup.select_one(".search-summary").get_text()

    if connection.vendor == "postgresql":  # ranks only the most recent matches
        assert summary.startswith("More than 3 articles found")
        assert len(soup.select(".search-results li")) == 3
    else:
        assert summary == "5 articles found"
        assert len(soup.select(".search-results li")) == 5


def test_terms_are_bigrams_for_chinese_and_stems_for_english():
    # Each run of Chinese also gives its last character, which no bigram begins.
    assert search.terms("渡轮运营") == ["渡轮", "轮运", "运营", "营"]
    assert search.terms("香港，港") == ["香港", "港", "港"]
    assert search.terms("Distilled ferries, 2026!") == ["distil", "ferri", "2026"]
    # A query asks for bigrams only: they already say where its characters stand.
    assert search.query_terms("渡轮运营") == ["渡轮", "轮运", "运营"]
    assert search.query_terms("港 ferries") == ["港", "ferri"]
    assert search.query_terms("& | ! ( ) : * '") == []


def test_search_is_in_every_pages_header(client, library):
    form = page(client.get("/zh-hans/")).select_one("header form[role=search]")

    assert form["action"] == "/zh-hans/search/"
    assert form.select_one("input[name=q]")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
@pytest.mark.parametrize("query", ["渡轮", "茶"])  # a term, and a prefix (茶:*)
def test_postgres_search_uses_the_gin_index(library, query):
    # On a table this small PostgreSQL would rather read every row, or walk another index and
    # filter (as it may once earlier tests' rows have moved its statistics); forbid both to see
    # that the search condition itself can be answered from the index.
    queryset = search.ranked_matches(Article.objects.all(), search.query_terms(query))
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            plan = queryset.explain()
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")

    assert "Bitmap Index Scan on article_search_vector" in plan


# One Chinese character.


@pytest.fixture
def harbours(make_section, make_article):
    """Articles where 港 stands in a title inside a run of Chinese, only at the ends of runs
    (where no bigram begins with it), only in a body, or nowhere."""
    world = make_section("world")
    return {
        "middle": make_article(
            section=world,
            slug="middle",
            title_zh_hans="渡轮驶入港口",
            body_zh_hans="新码头今天启用。",
            title_en="Ferries sail into the port",
            body_en="A new pier opens today.",
        ),
        "ends": make_article(
            section=world,
            slug="ends",
            title_zh_hans="夜游维港",
            body_zh_hans="游客乘船到了香港。最后一班船开往港",
            title_en="A night on the water",
            body_en="Visitors took the boat across.",
        ),
        "body": make_article(
            section=world,
            slug="body",
            title_zh_hans="码头工人罢工",
            body_zh_hans="货船在港外排起长队。",
            title_en="Dock workers strike",
            body_en="Cargo ships queue outside.",
        ),
        "none": make_article(
            section=world,
            slug="none",
            title_zh_hans="山区新建铁路",
            body_zh_hans="铁路明年通车。",
            title_en="A railway for the mountains",
            body_en="Trains run from next year.",
        ),
    }


def test_one_character_finds_every_article_that_contains_it(client, harbours):
    assert sorted(result_slugs(client, "港", "zh-hans")) == ["body", "ends", "middle"]
    assert result_slugs(client, "茶") == []


def test_one_character_at_the_end_of_a_run_is_found(client, harbours):
    # 港 ends 维港 and 香港 and the last sentence: no bigram of the article begins with it.
    assert "ends" in result_slugs(client, "港")
    assert result_slugs(client, "维") == ["ends"]  # and one that begins a run


def test_one_character_in_a_title_ranks_above_one_in_a_body(client, harbours):
    assert result_slugs(client, "港")[-1] == "body"


def test_one_character_mixes_with_other_terms(client, harbours):
    assert result_slugs(client, "港 ferry") == ["middle"]
    assert result_slugs(client, "港 ferry 码头") == ["middle"]
    assert result_slugs(client, "港 工人") == ["body"]
    assert result_slugs(client, "港 铁路") == []


def test_every_place_of_one_character_is_highlighted(client, harbours):
    soup = page(client.get("/zh-hans/search/", {"q": "港"}))
    ends = next(
        result for result in soup.select(".search-results li") if "维" in result.h2.get_text()
    )

    assert [m.get_text() for m in ends.select("h2 mark")] == ["港"]
    assert [m.get_text() for m in ends.select("p.article-item__summary mark")] == ["港", "港"]
    assert search.highlight("港口，香港", ["港"]) == [
        ("港", True),
        ("口，香", False),
        ("港", True),
    ]


# British and American spellings.


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("harbour", "harbor"),
        ("colours", "colors"),
        ("coloured", "colored"),
        ("favourite", "favorite"),
        ("neighbourhood", "neighborhood"),
        ("centre", "center"),
        ("centres", "centered"),
        ("theatre", "theater"),
        ("kilometres", "kilometers"),
        ("defence", "defense"),
        ("licences", "licensed"),
        ("organise", "organize"),
        ("organisation", "organization"),
        ("criticised", "criticized"),
        ("recognisable", "recognizable"),
        ("analysed", "analyzed"),
        ("programme", "program"),
        ("grey", "gray"),
        ("paediatric", "pediatric"),
    ],
)
def test_british_and_american_spellings_are_one_term(british, american):
    assert search.terms(british) == search.terms(american)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("four", "for"),  # -our after one letter is no British spelling
        ("hour", "hor"),
        ("court", "cort"),
        ("scour", "score"),  # nor after letters without a vowel
        ("mourned", "morning"),
        ("paradise", "parade"),  # -is- of the word, not -ise
        ("improvised", "improved"),
        ("imprecise", "imprecation"),
        ("sceptre", "sceptic"),
    ],
)
def test_words_that_only_look_british_keep_their_own_terms(word, other):
    assert search.terms(word) != search.terms(other)


@pytest.fixture
def spellings(make_section, make_article):
    world = make_section("world")
    return {
        "british": make_article(
            section=world,
            slug="british",
            title_en="The harbour centre gets new colours",
            body_en="The council organised a defence of the old theatre.",
        ),
        "american": make_article(
            section=world,
            slug="american",
            title_en="The harbor center gets new colors",
            body_en="The council organized a defense of the old theater.",
        ),
    }


@pytest.mark.parametrize(
    "query",
    ["harbor", "harbour", "colour", "colors", "centre", "center", "organize", "defence", "theater"],
)
def test_either_spelling_finds_both(client, spellings, query):
    assert sorted(result_slugs(client, query)) == ["american", "british"]


def test_the_other_spelling_is_highlighted(client, spellings):
    soup = page(client.get("/en/search/", {"q": "harbor colour"}))
    titles = {
        result.h2.a["href"].rstrip("/").split("/")[-1]: [m.get_text() for m in result.h2("mark")]
        for result in soup.select(".search-results li")
    }

    assert titles == {"british": ["harbour", "colours"], "american": ["harbor", "colors"]}


# One search box on the search page.


@pytest.mark.parametrize("query", ["", "港 ferry", "harbour"])
def test_the_search_page_has_one_labelled_search_box_holding_the_query(client, harbours, query):
    soup = page(client.get("/zh-hans/search/", {"q": query}))
    landmarks = soup.select("[role=search]")

    assert len(landmarks) == 1
    assert not soup.select("header [role=search]")  # the header leaves its box to the page
    box = landmarks[0].select("input[name=q]")
    assert len(box) == 1
    assert box[0].get("value", "") == query
    label = soup.select_one(f"label[for={box[0]['id']}]")
    assert label.get_text(strip=True) == "用中文或英文搜索文章"
    assert landmarks[0]["aria-label"]


def test_other_pages_have_one_search_box_in_the_header(client, harbours):
    for address in ["/en/", "/zh-hans/world/", harbours["middle"].get_absolute_url()]:
        soup = page(client.get(address))

        assert len(soup.select("[role=search]")) == 1, address
        assert soup.select_one("header [role=search] input[name=q]"), address


# Articles saved before terms changed: migration 0016 derives them again.


def refresh_search_terms():
    """Run migration 0016 over the test database, with the models as the migration sees them."""
    name = "0016_single_character_search"
    migration = importlib.import_module(f"articles.migrations.{name}")
    apps = MigrationExecutor(connection).loader.project_state(("articles", name)).apps
    migration.refresh_search_terms(apps, SimpleNamespace(connection=connection))


def test_the_migration_derives_the_terms_that_saving_derives(
    client, harbours, spellings, make_article, make_image, monkeypatch
):
    image = make_image()
    figure = f'\n\n![A harbour crane](media:{image.name} "The crane at the harbour")'
    make_article(slug="figure", title_en="Cranes", body_en="Cranes." + figure)
    make_article(
        slug="draft",
        status=Article.Status.DRAFT,
        title_zh_hans="港口草稿",
        body_en="A draft about the harbour." + figure,
    )
    # Terms as they were stored before: no lone characters, British spellings kept (and, to be
    # short, none of the bodies).
    monkeypatch.setattr(search, "stem", search._stemmer.stemWord)
    for article in Article.objects.all():
        titles = [article.title_zh_hans or "", article.title_en or ""]
        old = [term for title in titles for term in search.each_term(title, indexing=False)]
        stored = Article.objects.filter(pk=article.pk)
        stored.update(search_title=search.joined(old), search_body="")
    monkeypatch.undo()
    assert result_slugs(client, "港") == ["middle"]  # the only one with a bigram that starts 港
    assert result_slugs(client, "harbor") == ["american"]

    refresh_search_terms()

    for article in Article.objects.all():
        assert (article.search_title, article.search_body) == article.search_texts(), article
    assert sorted(result_slugs(client, "港")) == ["body", "ends", "middle"]
    # The figure's caption is part of the text, as saving reads it; the draft is never shown.
    assert sorted(result_slugs(client, "harbor")) == ["american", "british", "figure"]


def test_the_migration_writes_nothing_when_the_terms_are_current(harbours, spellings):
    with CaptureQueriesContext(connection) as queries:
        refresh_search_terms()

    assert not [query for query in queries if query["sql"].startswith("UPDATE")]
