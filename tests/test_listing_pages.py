"""The front page and section pages: what they list, pagination, and their query budgets."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

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


def test_front_page_shows_the_latest_of_each_visible_section(client, make_section, make_article):
    world = make_section("world", position=0)
    city = make_section("city", name_zh_hans="城市", name_en="City", position=1)
    hidden = make_section("hidden", name_en="Hidden", is_visible=False)
    for number in range(6):
        make_article(
            section=world, title_en=f"World {number}", published_at=at(2026, 5, 1 + number)
        )
    make_article(section=city, title_en="City only one")
    make_article(section=hidden, title_en="Hidden story")

    soup = page(client.get("/en/"))
    blocks = {
        block.h2.get_text(strip=True): [
            a.get_text() for a in block.select(".article-item__title a")
        ]
        for block in soup.select("section.front-section")
    }

    assert blocks == {
        "World": ["World 5", "World 4", "World 3", "World 2"],
        "City": ["City only one"],
    }
    assert "Hidden story" not in titles(soup)


def test_front_page_shows_every_visible_section_in_the_navigation(client, make_section):
    make_section("world", name_zh_hans="国际", name_en="World", position=1)
    make_section("city", name_zh_hans="城市", name_en="City", position=0)
    make_section("hidden", name_zh_hans="隐藏", name_en="Hidden", is_visible=False)

    nav = page(client.get("/zh-hans/")).select("nav.section-nav a")

    assert [(a.get_text(), a["href"]) for a in nav] == [
        ("城市", "/zh-hans/city/"),
        ("国际", "/zh-hans/world/"),
    ]


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
