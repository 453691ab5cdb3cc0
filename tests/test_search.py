"""Search in Chinese and English: substrings without spaces, English inflections, ranking,
highlighted passages, and queries that try to break it."""

import pytest
from django.db import connection

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
    assert search.terms("渡轮运营") == ["渡轮", "轮运", "运营"]
    assert search.terms("Distilled ferries, 2026!") == ["distil", "ferri", "2026"]
    assert search.query_terms("& | ! ( ) : * '") == []


def test_search_is_in_every_pages_header(client, library):
    form = page(client.get("/zh-hans/")).select_one("header form[role=search]")

    assert form["action"] == "/zh-hans/search/"
    assert form.select_one("input[name=q]")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgres_search_uses_the_gin_index(library):
    # On a table this small PostgreSQL would rather read every row, or walk another index and
    # filter (as it may once earlier tests' rows have moved its statistics); forbid both to see
    # that the search condition itself can be answered from the index.
    queryset = search.ranked_matches(Article.objects.all(), search.query_terms("渡轮"))
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            plan = queryset.explain()
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")

    assert "Bitmap Index Scan on article_search_vector" in plan
