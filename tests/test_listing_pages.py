"""The front page and section pages: what they list, pagination, the navigation, and their query
budgets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import reader_pages, revisions
from articles.models import Article
from newsroom import page_cache

from .conftest import at, page


def titles(soup) -> list[str]:
    """Titles of the page's main list (on the front page, the latest news)."""
    first_list = soup.select_one("main ul.article-list")
    return [a.get_text(strip=True) for a in first_list.select(".article-item__title a")]


def test_front_page_lists_published_articles_newest_first(client, make_article):
    make_article(title_en="Older", published_at=timezone.now() - timedelta(days=2))
    make_article(title_en="Newer", published_at=timezone.now() - timedelta(days=1))
    make_article(title_en="Draft", status=Article.Status.DRAFT)
    make_article(title_en="Scheduled", published_at=timezone.now() + timedelta(days=1))

    assert titles(page(client.get("/en/"))) == ["Newer", "Older"]


def front_blocks(soup) -> dict[str, list[str]]:
    """The front page's section blocks: each section's name and the titles it lists."""
    return {
        block.h2.get_text(strip=True): [
            a.get_text() for a in block.select(".article-item__title a")
        ]
        for block in soup.select("section.front-section")
    }


def test_front_page_shows_the_latest_of_each_visible_section(client, make_section, make_article):
    world = make_section("world", position=0)
    city = make_section("city", name_zh_hans="城市", name_en="City", position=1)
    hidden = make_section("hidden", name_en="Hidden", is_visible=False)
    for number in range(14):
        make_article(
            section=world, title_en=f"World {number}", published_at=at(2026, 5, 1 + number)
        )
    make_article(section=city, title_en="City only one", published_at=at(2026, 4, 1))
    make_article(section=hidden, title_en="Hidden story")

    soup = page(client.get("/en/"))

    assert titles(soup) == [f"World {n}" for n in range(13, 5, -1)]
    # The next newest of each section: none of the latest again.
    assert front_blocks(soup) == {
        "World": ["World 5", "World 4", "World 3", "World 2"],
        "City": ["City only one"],
    }
    assert "Hidden story" not in soup.get_text()


def test_front_page_shows_each_article_once(client, make_section, make_article):
    world = make_section("world", position=0)
    city = make_section("city", name_en="City", position=1)
    science = make_section("science", name_en="Science", position=2)
    for number in range(10):
        make_article(
            section=world, title_en=f"World {number}", published_at=at(2026, 5, 1 + number)
        )
    make_article(section=city, title_en="City new", published_at=at(2026, 5, 20))
    make_article(section=city, title_en="City old", published_at=at(2026, 4, 1))
    make_article(section=science, title_en="Science only", published_at=at(2026, 5, 19))

    soup = page(client.get("/en/"))
    shown = [a.get_text() for a in soup.select("main .article-item__title a")]

    assert titles(soup) == ["City new", "Science only", *(f"World {n}" for n in range(9, 3, -1))]
    # Science's one article is among the latest: it has nothing more to show, and no block.
    assert front_blocks(soup) == {
        "World": ["World 3", "World 2", "World 1", "World 0"],
        "City": ["City old"],
    }
    assert len(shown) == len(set(shown)) == 13


def test_front_page_names_every_article_it_shows(client, make_section, make_article):
    world, city = make_section("world"), make_section("city", name_en="City")
    articles = [make_article(section=world) for _ in range(14)]
    articles += [make_article(section=city) for _ in range(3)]

    response = client.get("/en/")
    shown = {a["href"] for a in page(response).select("main .article-item__title a")}
    keys = set(response["Surrogate-Key"].split())

    assert len(shown) == 8 + 4 + 3
    for article in articles:
        assert (article.get_absolute_url() in shown) == (article.card_key in keys)
    assert {world.page_key, city.page_key, "latest"} <= keys


def test_front_page_shows_every_visible_section_in_the_navigation(
    client, make_section, make_article
):
    world = make_section("world", name_zh_hans="国际", name_en="World", position=1)
    city = make_section("city", name_zh_hans="城市", name_en="City", position=0)
    hidden = make_section("hidden", name_zh_hans="隐藏", name_en="Hidden", is_visible=False)
    for section in (world, city, hidden):
        make_article(section=section)

    nav = page(client.get("/zh-hans/")).select("nav.section-nav a")

    assert [(a.get_text(), a["href"]) for a in nav] == [
        ("城市", "/zh-hans/city/"),
        ("国际", "/zh-hans/world/"),
    ]


def navigation(client, address="/en/") -> list[str]:
    return [a.get_text() for a in page(client.get(address)).select("nav.section-nav a")]


def test_a_section_without_published_articles_stays_out_of_the_navigation(
    client, make_section, make_article
):
    make_article(section=make_section("world"))
    make_section("empty", name_en="Empty")
    make_article(section=make_section("drafts", name_en="Drafts"), status=Article.Status.DRAFT)
    unpublished = make_section("unpublished", name_en="Unpublished")
    make_article(section=unpublished, status=Article.Status.UNPUBLISHED)

    for address in ("/en/", "/en/world/", "/en/empty/", "/en/world/report-1/"):
        assert navigation(client, address) == ["World"], address


def save(article, **changes):
    for name, value in changes.items():
        setattr(article, name, value)
    revisions.save_article(article)


def test_a_sections_first_article_puts_it_in_the_navigation_of_every_stored_page(
    client, make_section, make_article
):
    make_article(section=make_section("world"), slug="ferry")
    city = make_section("city", name_en="City", position=1)
    pages = ["/en/", "/en/world/", "/en/world/ferry/", "/zh-hans/world/ferry/"]
    for address in pages:
        client.get(address)
    assert client.get("/en/world/ferry/")["X-Page-Cache"] == "hit"

    buses = make_article(section=city, slug="buses", status=Article.Status.REVIEW)
    assert navigation(client, "/en/world/ferry/") == ["World"]  # not published yet
    save(buses, status=Article.Status.PUBLISHED)

    for address in pages:
        response = client.get(address)
        assert response["X-Page-Cache"] == "miss", address
        assert [a["href"] for a in page(response).select("nav.section-nav a")][-1].endswith(
            "/city/"
        ), address


def test_a_section_leaves_the_navigation_with_its_last_published_article(
    client, make_section, make_article
):
    make_article(section=make_section("world"), slug="ferry")
    city = make_section("city", name_en="City", position=1)
    first, second = make_article(section=city), make_article(section=city)
    client.get("/en/world/ferry/")

    save(first, status=Article.Status.UNPUBLISHED)
    kept = client.get("/en/world/ferry/")  # City still has an article: nothing else changed
    save(second, status=Article.Status.UNPUBLISHED)
    changed = client.get("/en/world/ferry/")

    assert kept["X-Page-Cache"] == "hit"
    assert [a.get_text() for a in page(kept).select("nav.section-nav a")] == ["World", "City"]
    assert changed["X-Page-Cache"] == "miss"
    assert [a.get_text() for a in page(changed).select("nav.section-nav a")] == ["World"]


def test_deleting_all_of_a_sections_articles_at_once_takes_it_out_of_the_navigation(
    client, admin_client, make_section, make_article
):
    make_article(section=make_section("world"), slug="ferry")
    city = make_section("city", name_en="City", position=1)
    first, second = make_article(section=city), make_article(section=city)
    assert navigation(client, "/en/world/ferry/") == ["World", "City"]

    response = admin_client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert navigation(client, "/en/world/ferry/") == ["World"]


def test_moving_a_sections_only_article_moves_it_in_the_navigation(
    client, make_section, make_article
):
    make_article(section=make_section("world"), slug="ferry")
    city = make_section("city", name_en="City", position=1)
    science = make_section("science", name_en="Science", position=2)
    article = make_article(section=city)
    assert navigation(client, "/en/world/ferry/") == ["World", "City"]

    save(article, section=science)

    assert navigation(client, "/en/world/ferry/") == ["World", "Science"]


def test_only_a_sections_first_or_last_published_article_changes_every_page(
    make_section, make_article
):
    city = make_section("city", name_en="City")
    first = make_article(section=city)
    before = Article.objects.get(pk=first.pk)

    def changes_site(before, after) -> bool:
        return "site" in revisions.changed_keys(before, after)

    second = make_article(section=city)
    draft = make_article(section=city, status=Article.Status.DRAFT)

    assert changes_site(None, before) is False  # the second is there now
    assert changes_site(before, None) is False
    assert changes_site(None, draft) is False
    save(second, status=Article.Status.UNPUBLISHED)
    assert changes_site(before, None) is True  # deleting the last one
    assert changes_site(None, before) is True  # publishing the first one
    first.title_en = "A new title"
    assert changes_site(before, first) is False  # still published there


def test_a_section_whose_only_article_is_scheduled_is_in_the_navigation_already(
    client, make_section, make_article
):
    """What every page shows changes only with a recorded change, never when a time comes: a
    scheduled article puts its section in the navigation when it is saved. The section's page
    lists it from its time."""
    make_article(section=make_section("world"))
    city = make_section("city", name_en="City", position=1)
    tomorrow = timezone.now() + timedelta(days=1)
    make_article(section=city, title_en="Tomorrow", published_at=tomorrow)

    assert navigation(client) == ["World", "City"]
    assert "Tomorrow" not in page(client.get("/en/city/")).get_text()


def test_the_navigation_reads_the_sections_and_their_articles_in_one_query(
    client, make_section, make_article
):
    make_article(section=make_section("world"))
    counted = []
    for count in (2, 12):
        for number in range(count):
            section = make_section(f"s{number}", name_en=f"S{number}", position=number + 1)
            if number % 2:
                make_article(section=section)
        page_cache.forget_kept()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/en/world/?page=1")  # not stored: rendered every time
        counted.append(len(queries))
        assert len(navigation(client)) == 1 + count // 2

    assert response.status_code == 200
    assert counted[0] == counted[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_which_sections_have_articles_is_read_from_the_index(make_section, make_article):
    for slug in ("world", "city"):
        for _ in range(30):
            make_article(section=make_section(slug, name_en=slug.title()))
    with CaptureQueriesContext(connection) as queries:
        found = reader_pages.sections_with_articles()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {queries.captured_queries[0]['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")

    assert len(queries) == 1 and all(section.has_articles for section in found.values())
    assert "Seq Scan on articles_article" not in plan, plan


def test_section_page_shows_its_description_under_its_title(client, make_section):
    make_section(
        "world", description_zh_hans="国际新闻。", description_en="News from abroad.\nDaily."
    )

    english = page(client.get("/en/world/")).select_one("main h1 + p.section-description")
    chinese = page(client.get("/zh-hans/world/")).select_one("main h1 + p.section-description")

    assert english.get_text() == "News from abroad.Daily."
    assert english.br is not None  # the line break kept
    assert not english.has_attr("lang")
    assert chinese.get_text() == "国际新闻。" and not chinese.has_attr("lang")


@pytest.mark.parametrize("missing", [None, ""])
def test_section_description_falls_back_to_the_other_language_and_says_so(
    client, make_section, missing
):
    make_section("world", description_zh_hans="国际新闻。", description_en=missing)
    make_section("city", name_en="City", description_zh_hans=missing, description_en=missing)

    fallback = page(client.get("/en/world/")).select_one("p.section-description")

    assert fallback.get_text() == "国际新闻。"
    assert fallback["lang"] == "zh-Hans"
    assert page(client.get("/en/city/")).select_one("p.section-description") is None


def test_listing_labels_a_title_shown_in_the_other_language(client, make_article):
    make_article(title_zh_hans=None, summary_zh_hans=None, body_zh_hans=None, title_en="Only")

    link = page(client.get("/zh-hans/")).select_one(".article-item__title a")

    assert link.get_text() == "Only"
    assert link["lang"] == "en"


def test_root_redirects_to_the_readers_language(client, db):
    assert client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})["Location"] == "/en/"
    assert client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})["Location"] == (
        "/zh-hans/"
    )
    assert client.get("/", headers={"accept-language": "fr"})["Location"] == "/zh-hans/"


def test_section_page_paginates_twenty_a_page(client, make_section, make_article):
    section = make_section("world")
    for number in range(25):
        make_article(
            section=section,
            title_en=f"Story {number:02d}",
            published_at=timezone.now() - timedelta(minutes=number),
        )

    first = page(client.get("/en/world/"))
    second = page(client.get("/en/world/?page=2"))

    assert titles(first) == [f"Story {n:02d}" for n in range(20)]
    assert titles(second) == [f"Story {n:02d}" for n in range(20, 25)]
    assert first.select_one('nav.pagination a[rel="next"]')["href"] == "?page=2"
    assert second.select_one('nav.pagination a[rel="prev"]')["href"] == "/en/world/"
    assert first.select_one('link[rel="canonical"]')["href"].endswith("/en/world/")
    assert second.select_one('link[rel="canonical"]')["href"].endswith("/en/world/?page=2")


def test_section_page_lists_only_its_own_articles(client, make_section, make_article):
    make_article(section=make_section("world"), title_en="Abroad")
    make_article(section=make_section("city", name_en="City"), title_en="At home")

    assert titles(page(client.get("/en/city/"))) == ["At home"]


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999", "1.5", "", "%00"])
def test_bad_page_numbers_are_not_found(client, make_article, bad):
    make_article()

    response = client.get(f"/en/world/?page={bad}")

    # An empty number is the first page; a NUL, in any address, is a bad request.
    expected = {"": 200, "%00": 400}.get(bad, 404)
    assert response.status_code == expected


def test_unknown_section_is_not_found_in_the_readers_language(client, db):
    response = client.get("/en/no-such-section/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "找不到页面" in client.get("/zh-hans/no-such-section/").content.decode()


def test_server_error_page_is_in_the_readers_language(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        chinese = server_error(rf.get("/zh-hans/")).content.decode()
    with translation.override("en"):
        english = server_error(rf.get("/en/")).content.decode()

    assert "出错了" in chinese and 'lang="zh-Hans"' in chinese
    assert "Something went wrong" in english and 'lang="en"' in english
