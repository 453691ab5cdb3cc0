"""Every public page runs a fixed number of queries whatever the size of the newsroom, and every
public query can be answered from an index."""

from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import related, search
from articles.models import Article, Section
from newsroom import page_cache
from people.models import Person
from topics.models import Topic

from .conftest import page


def add_articles(section: Section, count: int, image=None) -> None:
    """``count`` published articles in ``section``, built as the desk would save them, each by
    one of two people and about one of two topics; with ``image`` as their lead image and a
    figure in their English body."""
    now = timezone.now()
    people = [Person.objects.get_or_create(slug=slug, name_en=slug)[0] for slug in PEOPLE]
    topics = [Topic.objects.get_or_create(slug=slug, name_en=slug)[0] for slug in TOPICS]
    articles = []
    for number in range(count):
        article = Article(
            section=section,
            slug=f"bulk-{section.slug}-{number}",
            title_zh_hans=f"渡轮新闻{number}",
            body_zh_hans=f"第{number}篇关于渡轮的报道。",
            title_en=f"Ferry story {number}",
            body_en=f"Ferry story number {number}."
            + (f'\n\n![The ferry](media:{image.name} "At the pier")' if image else ""),
            image=image,
            image_alt_en="The ferry at the pier" if image else "",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=number + 1),
        )
        article.set_byline([people[number % 2], people[(number + 1) % 2]])
        article.set_topics([topics[number % 2]])
        article.derive()
        articles.append(article)
    Article.objects.bulk_create(articles, batch_size=500)
    Article.store_links_of(articles)


def render_queries(client, url: str, budget: int, assert_max_num_queries) -> int:
    """Queries to render ``url`` with an empty page cache (the sections and the site policy
    already kept, as they are on a running server), at most ``budget``."""
    cache.clear()
    caches["pages"].clear()
    page_cache.forget_kept()  # what each process keeps until the next change, read again
    client.get("/en/policy/")  # another page: it reads the sections and the policy
    with assert_max_num_queries(budget), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Page-Cache"] == "miss"
    return len(queries)


# Every page: the page cache reads the record of changes before rendering and again after (a
# page something changed under is kept nowhere). Pages that list articles also ask when the next
# scheduled one comes due. The sections and the crawler policy are kept by each app server.
PEOPLE, TOPICS = ("li-wei", "jane-roe"), ("climate", "harbours")
# Lists of articles read their bylines (the people's names) in one more query.
PAGES = [
    # The latest 8; 2 sections: their newest ids in one query on PostgreSQL (one each on
    # SQLite), then rows; and the bylines of each of the two lists
    ("/zh-hans/", 9),
    ("/en/world/", 6),  # the page's ids from the index (and one more), its rows, bylines
    # The article, its byline, its topics, then related articles: the newest few about each
    # of its topics and the newest few of its section, in one query
    ("/en/world/bulk-world-1/", 6),
    ("/world/bulk-world-1.md", 3),  # the article: its document is kept with it
    ("/en/search/?q=ferry", 5),  # ranked ids, then the page's rows
    ("/zh-hans/search/?q=渡轮", 5),
    ("/en/feed/", 6),  # the articles, their bylines, their topics
    ("/en/world/feed/", 7),  # the section, then its articles, their bylines and topics
    # Sections; a count and a date per sitemap (sections, 2, people, topics, news)
    ("/sitemap.xml", 16),
    ("/sitemap-world.xml", 7),  # the section, a count, the page's ids from the index, its rows
    ("/sitemap-authors.xml", 5),  # a count and the page's people
    ("/en/authors/li-wei/", 7),  # the person, then the list as a section's
    ("/en/topics/climate/", 7),
    ("/en/authors/li-wei/feed/", 7),  # the person, then as a section's feed
    ("/robots.txt", 2),
]


@pytest.mark.parametrize(("url", "budget"), PAGES)
def test_public_pages_run_the_same_queries_for_10_and_1000_articles(
    client, make_section, make_image, django_assert_max_num_queries, url, budget
):
    """Pictures cost no query: the lead image comes with its article, figures are rendered
    when the article is saved."""
    world, city = make_section("world"), make_section("city", name_en="City")
    image = make_image(renditions_made=False)
    add_articles(world, 5, image)
    add_articles(city, 5, image)
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

    first = render_queries(client, "/en/world/", 6, django_assert_max_num_queries)
    deep = render_queries(client, "/en/world/?page=50", 6, django_assert_max_num_queries)
    soup_titles = client.get("/en/world/?page=50").content.decode()

    assert first == deep
    assert "Ferry story 980" in soup_titles and "Ferry story 999" in soup_titles


def test_a_section_page_never_counts_the_section(client, make_section):
    world = make_section("world")
    add_articles(world, 45)  # pages of 20, 20 and 5

    with CaptureQueriesContext(connection) as queries:
        second = page(client.get("/en/world/?page=2"))
    last = page(client.get("/en/world/?page=3"))

    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert second.select_one('a[rel="next"]')["href"] == "?page=3"
    assert second.select_one('a[rel="prev"]')["href"] == "/en/world/"
    assert last.select_one('a[rel="next"]') is None
    assert len(last.select(".article-item")) == 5
    assert client.get("/en/world/?page=4").status_code == 404
    assert client.get("/en/world/?page=last").status_code == 404


@pytest.mark.parametrize(
    ("address", "link"),
    [
        ("/en/authors/li-wei/?page=2", "people_byline"),
        ("/en/topics/climate/", "topics_articletopic"),
    ],
)
def test_a_named_page_reads_one_page_of_its_links_however_many_it_has(
    client, make_section, address, link
):
    """A person's or topic's page walks their links for one page of ids, then reads those
    articles by id alone: a writer with ten thousand articles costs a page no more."""
    add_articles(make_section("world"), 60)
    cache.clear()
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200

    walks = [
        query["sql"]
        for query in queries.captured_queries
        if f'JOIN "{link}"' in query["sql"] and '"articles_article"' in query["sql"]
    ]
    assert len(walks) == 1, walks
    assert "LIMIT" in walks[0]


def explain(cursor, queryset) -> str:
    # QuerySet.explain() cannot wrap a query filtered on a window function; EXPLAIN its SQL.
    sql, params = (
        (queryset.raw_query, queryset.params)
        if hasattr(queryset, "raw_query")
        else queryset.query.sql_with_params()
    )
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
        "author page ids": published.latest_about(Person.objects.get(slug="li-wei")).values_list(
            "pk"
        )[20:40],
        "topic page ids": published.latest_about(Topic.objects.get(slug="climate")).values_list(
            "pk"
        )[20:40],
        "related": related.walks(Article.objects.get(slug="bulk-world-7")),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plans = {name: explain(cursor, query) for name, query in queries.items()}
        finally:
            cursor.execute("SET enable_seqscan = on")

    for name, plan in plans.items():
        assert "Seq Scan on articles_article" not in plan, f"{name}:\n{plan}"
        assert "Seq Scan on people_byline" not in plan, f"{name}:\n{plan}"
        assert "Seq Scan on topics_articletopic" not in plan, f"{name}:\n{plan}"
    assert "article_section_listing" in plans["section page ids"]
    assert "Index Only Scan" in plans["section page ids"]
    # A person's or topic's page can walk their own index in order, with nothing to sort,
    # however many articles they have (these few rows alone would be sorted, so sorting is
    # priced out to see that the ordered walk exists).
    with connection.cursor() as cursor:
        cursor.execute("SET enable_sort = off")
        try:
            for name, index in (
                ("author page ids", "byline_person_latest"),
                ("topic page ids", "topic_latest"),
            ):
                plan = explain(cursor, queries[name])
                # The walk itself (the outer side, the plan's first scan) is on that index.
                walk = next(line for line in plan.splitlines() if " Scan " in line)
                assert index in walk and "Sort" not in plan, f"{name}:\n{plan}"
            # Related articles walk each topic's index and the section's, however long ago the
            # topic was last in the news: never the whole archive newest first.
            plan = explain(cursor, queries["related"])
            assert "topic_latest" in plan and "article_section_listing" in plan, plan
            assert "Sort" not in plan, plan
        finally:
            cursor.execute("SET enable_sort = on")
