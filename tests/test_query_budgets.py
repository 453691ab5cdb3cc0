"""Every public page runs a fixed number of queries whatever the size of the newsroom, and every
public query can be answered from an index."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article, Section

from .conftest import page


def add_articles(section: Section, count: int) -> None:
    """``count`` published articles in ``section``, built as the desk would save them."""
    now = timezone.now()
    articles = []
    for number in range(count):
        article = Article(
            section=section,
            slug=f"bulk-{section.slug}-{number}",
            title_zh_hans=f"渡轮新闻{number}",
            body_zh_hans=f"第{number}篇关于渡轮的报道。",
            title_en=f"Ferry story {number}",
            body_en=f"Ferry story number {number}.",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=number + 1),
        )
        article.derive()
        articles.append(article)
    Article.objects.bulk_create(articles, batch_size=500)


def render_queries(client, url: str, budget: int, assert_max_num_queries) -> int:
    """Queries to render ``url`` with an empty page cache (the cache generation and the site
    policy already known, as they are on a running server), at most ``budget``."""
    cache.clear()
    client.get("/robots.txt?warm=1")  # another address: the page itself stays uncached
    with assert_max_num_queries(budget), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Page-Cache"] == "miss"
    return len(queries)


PAGES = [
    # 2 sections: their newest ids in one query on PostgreSQL (one each on SQLite), then rows
    ("/zh-hans/", 5),
    ("/en/world/", 5),
    # The sections (read once per content generation on each app server), then the article
    ("/en/world/bulk-world-1/", 2),
    ("/world/bulk-world-1.md", 2),
    ("/en/search/?q=ferry", 3),
    ("/zh-hans/search/?q=渡轮", 3),
    ("/en/feed/", 1),
    ("/en/world/feed/", 2),
    ("/sitemap.xml", 9),  # sections; a count and a date per sitemap (sections, 2, news)
    ("/sitemap-world.xml", 4),  # the section, a count, the page's ids from the index, its rows
    ("/robots.txt", 0),
]


@pytest.mark.parametrize(("url", "budget"), PAGES)
def test_public_pages_run_the_same_queries_for_10_and_1000_articles(
    client, make_section, django_assert_max_num_queries, url, budget
):
    world, city = make_section("world"), make_section("city", name_en="City")
    add_articles(world, 5)
    add_articles(city, 5)
    with_10 = render_queries(client, url, budget, django_assert_max_num_queries)
    add_more(world, city)
    with_1000 = render_queries(client, url, budget, django_assert_max_num_queries)

    assert with_10 == with_1000


def add_more(world: Section, city: Section) -> None:
    """990 more articles, the newest first so that the pages show different ones."""
    for section in (world, city):
        extra = Article.objects.filter(section=section).count()
        Article.objects.bulk_create(
            [
                Article(
                    section=section,
                    slug=f"more-{section.slug}-{number}",
                    title_en=f"Later story {number}",
                    body_en="Later.",
                    status=Article.Status.PUBLISHED,
                    published_at=timezone.now() - timedelta(seconds=number),
                    search_title=" later stori ",
                    search_body=" later ",
                )
                for number in range(500 - extra)
            ],
            batch_size=500,
        )


def test_a_deep_section_page_runs_the_same_queries_as_the_first(
    client, make_section, django_assert_max_num_queries
):
    world = make_section("world")
    add_articles(world, 1000)

    first = render_queries(client, "/en/world/", 5, django_assert_max_num_queries)
    deep = render_queries(client, "/en/world/?page=50", 5, django_assert_max_num_queries)
    soup_titles = client.get("/en/world/?page=50").content.decode()

    assert first == deep
    assert "Ferry story 980" in soup_titles and "Ferry story 999" in soup_titles


def test_every_page_of_a_section_is_cut_from_its_order_read_once(
    client, make_section, django_assert_max_num_queries
):
    world = make_section("world")
    add_articles(world, 1000)
    client.get("/en/world/")

    with django_assert_max_num_queries(1):  # its rows: the order and the count are kept
        deep = client.get("/en/world/?page=50")

    assert deep["X-Page-Cache"] == "miss"
    titles = [a.get_text() for a in page(deep).select(".article-item__title a")]
    assert (titles[0], titles[-1], len(titles)) == ("Ferry story 980", "Ferry story 999", 20)


def explain(cursor, queryset) -> str:
    # QuerySet.explain() cannot wrap a query filtered on a window function; EXPLAIN its SQL.
    sql, params = queryset.query.sql_with_params()
    cursor.execute(f"EXPLAIN {sql}", params)
    return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_every_public_query_can_use_an_index(client, make_section):
    world = make_section("world")
    add_articles(world, 50)
    published = Article.objects.published()
    queries = {
        "front page": published.for_listing().latest_first()[:8],
        "front page, one section": published.in_section(world).latest_first()[:4],
        "section page ids": published.in_section(world).latest_first().values_list("pk")[400:420],
        "section count": published.in_section(world).values("pk"),
        "article": published.filter(section__slug="world", slug="bulk-world-7"),
        "feed": published.in_language("en").latest_first()[:20],
        "search": search.ranked_matches(Article.objects.all(), ["渡轮"]),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plans = {name: explain(cursor, query) for name, query in queries.items()}
        finally:
            cursor.execute("SET enable_seqscan = on")

    for name, plan in plans.items():
        assert "Seq Scan on articles_article" not in plan, f"{name}:\n{plan}"
    assert "article_section_listing" in plans["section page ids"]
    assert "Index Only Scan" in plans["section page ids"]
