"""Whole reader pages, stored and served again only while nothing they show has changed: hits,
validators, what pages say to browsers and CDNs, scoped invalidation, query strings, Vary, and a
cache that cannot be reached."""

import io
import logging
import os
import random
import threading
from pathlib import Path

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.utils import timezone

from articles import revisions
from articles.models import Article, Section
from articles.sitemaps import SectionSitemap
from newsroom import page_store
from newsroom.models import PageKey

from .conftest import at, page
from .desk import change_form, change_url


@pytest.fixture(autouse=True)
def store_answers():
    """Each test starts with a page cache that has not failed."""
    page_store.store.forget_failure()
    yield
    page_store.store.forget_failure()


def keys(response) -> list[str]:
    return response["Surrogate-Key"].split()


def test_a_second_reader_gets_the_stored_page_after_one_question_to_the_database(
    client, make_article, django_assert_num_queries
):
    make_article(slug="ferry", title_en="Ferry")
    first = client.get("/en/world/ferry/")

    with django_assert_num_queries(1):  # has anything it shows changed since?
        second = client.get("/en/world/ferry/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["tdm-reservation"] == "1"


def test_a_stored_page_keeps_every_header_the_site_first_sent(client, make_article):
    make_article(slug="ferry")
    first = client.get("/en/world/ferry/")
    second = client.get("/en/world/ferry/")

    kept = {name: value for name, value in first.items() if name != "X-Page-Cache"}
    replayed = {name: value for name, value in second.items() if name != "X-Page-Cache"}
    assert replayed == kept
    assert second["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Content-Language"] == "en"


def test_a_reader_who_has_the_page_gets_304_until_it_changes(client, admin_client, make_article):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    response = client.get("/en/world/ferry/")

    unchanged = client.get("/en/world/ferry/", headers={"if-none-match": response["ETag"]})
    admin_client.post(change_url(article), change_form(article, title_en="Ferry on time"))
    changed = client.get("/en/world/ferry/", headers={"if-none-match": response["ETag"]})

    assert response["ETag"].startswith('"')
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert changed.status_code == 200
    assert page(changed).select_one("main h1").get_text() == "Ferry on time"


def test_browsers_ask_again_and_cdns_keep_pages_for_a_while(client, make_article):
    make_article(slug="ferry")

    response = client.get("/en/world/ferry/")

    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert control == {"public", "max-age=0", "s-maxage=300"}


def test_pages_name_what_they_show(client, make_section, make_article):
    world, city = make_section("world"), make_section("city", name_en="City")
    ferry = make_article(section=world, slug="ferry")
    buses = make_article(section=city, slug="buses")
    article_keys = {f"article-{ferry.pk}", f"article-{buses.pk}"}
    card_keys = {f"card-{ferry.pk}", f"card-{buses.pk}"}  # lists show their cards

    assert keys(client.get("/en/world/ferry/")) == ["site", f"article-{ferry.pk}"]
    assert keys(client.get("/world/ferry.md")) == ["site", f"article-{ferry.pk}"]
    assert keys(client.get("/en/world/")) == ["site", f"section-{world.pk}", f"card-{ferry.pk}"]
    front = keys(client.get("/en/"))
    assert front[:2] == ["site", "latest"]
    assert set(front[2:]) == {f"section-{world.pk}", f"section-{city.pk}", *card_keys}
    assert set(keys(client.get("/en/feed/"))) == {"site", "latest", *article_keys}
    assert keys(client.get("/en/search/?q=report")) == ["site", "archive"]
    assert keys(client.get("/sitemap-world.xml")) == ["site", "archive"]
    assert keys(client.get("/robots.txt")) == ["site"]


def test_a_correction_makes_only_the_pages_that_show_the_article_new(
    client, admin_client, make_section, make_article
):
    world, city = make_section("world"), make_section("city", name_en="City")
    ferry = make_article(section=world, slug="ferry", body_en="The ferry runs daily.")
    older = [make_article(section=world, slug=f"older-{n}") for n in range(25)]
    make_article(section=city, slug="buses")
    pages = ["/en/world/ferry/", "/zh-hans/world/ferry/", "/world/ferry.md", "/en/",
             "/en/world/", "/en/world/?page=2", "/en/world/older-24/", "/en/city/",
             "/en/city/buses/"]  # fmt: skip

    def states():
        return {address: client.get(address)["X-Page-Cache"] for address in pages}

    states()
    # The oldest: on its own page and the section's second page, not on the front page.
    admin_client.post(change_url(older[24]), change_form(older[24], title_en="Old, corrected"))
    after_older = states()
    admin_client.post(
        change_url(ferry), change_form(ferry, title_en="Hourly ferry", body_en="It runs hourly.")
    )
    after_ferry = states()

    assert after_older == {
        "/en/world/older-24/": "miss", "/en/world/?page=2": "miss",
        "/en/world/ferry/": "hit", "/zh-hans/world/ferry/": "hit", "/world/ferry.md": "hit",
        "/en/": "hit", "/en/world/": "hit", "/en/city/": "hit", "/en/city/buses/": "hit",
    }  # fmt: skip
    # The ferry, World's newest, is among the related articles every other World article
    # page ends with: those pages show its title, so they go too. City's stay.
    assert after_ferry == {
        "/en/world/ferry/": "miss", "/zh-hans/world/ferry/": "miss", "/world/ferry.md": "miss",
        "/en/": "miss", "/en/world/": "miss", "/en/world/older-24/": "miss",
        "/en/world/?page=2": "hit", "/en/city/": "hit", "/en/city/buses/": "hit",
    }  # fmt: skip
    related = page(client.get("/en/world/older-24/")).select(".related a")
    assert "/en/world/ferry/" in [a["href"] for a in related]
    assert "It runs hourly." in client.get("/en/world/ferry/").content.decode()
    assert "Old, corrected" in client.get("/en/world/?page=2").content.decode()


def test_a_correction_to_the_body_alone_leaves_the_lists_that_show_the_article_stored(
    client, admin_client, make_section, make_article
):
    """Lists show an article's card (its title, summary, date, byline and picture), not its
    body: the front page, its section and the related articles of its neighbours stay."""
    world = make_section("world")
    ferry = make_article(section=world, slug="ferry", body_en="The ferry runs daily.")
    make_article(section=world, slug="buses")
    lists = ["/en/", "/en/world/", "/en/world/buses/", "/en/feed/"]
    own = ["/en/world/ferry/", "/zh-hans/world/ferry/", "/world/ferry.md"]
    for address in [*lists, *own]:
        client.get(address)

    admin_client.post(change_url(ferry), change_form(ferry, body_en="It runs hourly."))
    states = {address: client.get(address)["X-Page-Cache"] for address in [*lists, *own]}

    # A feed entry says when it was updated (and, without a summary, begins the text): the
    # feed goes with the article's own pages.
    assert states == {
        "/en/": "hit", "/en/world/": "hit", "/en/world/buses/": "hit", "/en/feed/": "miss",
        "/en/world/ferry/": "miss", "/zh-hans/world/ferry/": "miss", "/world/ferry.md": "miss",
    }  # fmt: skip
    assert "It runs hourly." in client.get("/en/world/ferry/").content.decode()
    assert "It runs hourly." in client.get("/world/ferry.md").content.decode()


def test_a_new_title_replaces_the_old_on_every_list_at_once(client, admin_client, make_article):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    assert "Ferry delayed" in client.get("/en/world/").content.decode()
    assert "Ferry delayed" in client.get("/en/").content.decode()
    assert "Ferry delayed" in client.get("/en/feed/").content.decode()

    admin_client.post(change_url(article), change_form(article, title_en="Ferry on time"))

    for address in ("/en/world/", "/en/", "/en/world/ferry/", "/en/feed/", "/sitemap-news.xml"):
        shown = client.get(address).content.decode()
        assert "Ferry on time" in shown and "Ferry delayed" not in shown, address


def test_publishing_shows_the_article_on_every_list_at_once(client, admin_client, make_article):
    make_article(slug="older")
    article = make_article(slug="fresh", title_en="Fresh news", status=Article.Status.REVIEW)

    def listed() -> dict[str, bool]:
        results = page(client.get("/en/search/?q=fresh")).select(".search-results li")
        return {
            "front page": "Fresh news" in page(client.get("/en/")).get_text(),
            "section": "Fresh news" in page(client.get("/en/world/")).get_text(),
            "feed": "Fresh news" in client.get("/en/feed/").content.decode(),
            "search": any("Fresh news" in result.get_text() for result in results),
            "sitemap": "/en/world/fresh/" in client.get("/sitemap-world.xml").content.decode(),
        }

    before = listed()
    admin_client.post(change_url(article), change_form(article, transition="publish"))
    after = listed()

    assert not any(before.values()), before
    assert all(after.values()), after
    assert client.get("/world/fresh.md").status_code == 200


def test_unpublishing_takes_the_article_off_every_page_at_once(client, admin_client, make_article):
    article = make_article(slug="gone", title_en="Soon gone")
    for address in ("/en/", "/en/world/", "/en/world/gone/", "/world/gone.md"):
        client.get(address)

    admin_client.post(
        change_url(article), change_form(article, transition="unpublish", confirm_unpublish="1")
    )

    assert client.get("/en/world/gone/").status_code == 404
    assert client.get("/world/gone.md").status_code == 404
    for address in ("/en/", "/en/world/"):
        assert "Soon gone" not in client.get(address).content.decode(), address


def test_a_change_made_outside_the_desk_is_served_on_the_next_request(
    client, make_article, tmp_path, example_document
):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    assert "Ferry delayed" in client.get("/en/world/ferry/").content.decode()

    # A shell: the one save path, called directly.
    article.title_en = "Ferry on time"
    revisions.save_article(article)
    from_shell = client.get("/en/world/ferry/").content.decode()
    # An import.
    client.get("/en/world/river-ferry-returns/")
    (tmp_path / "ferry.md").write_bytes(example_document.replace(b"sails again", b"is back"))
    call_command("import_articles", "--update", str(tmp_path / "ferry.md"), stdout=io.StringIO())
    imported = page(client.get("/en/world/river-ferry-returns/"))

    assert "Ferry on time" in from_shell and "Ferry delayed" not in from_shell
    assert "The river ferry is back" in imported.get_text()


def test_renaming_a_section_changes_every_page(client, admin_client, make_article):
    article = make_article(slug="ferry")
    section = article.section
    for address in ("/en/world/ferry/", "/en/", "/robots.txt"):
        client.get(address)

    admin_client.post(
        f"/admin/articles/section/{section.pk}/change/",
        {"name_zh_hans": "国际", "name_en": "Abroad", "slug": "world", "position": 0,
         "is_visible": "on", "base_version": section.version},
    )  # fmt: skip

    nav = page(client.get("/en/world/ferry/")).select("nav.section-nav a")
    assert [a.get_text() for a in nav] == ["Abroad"]
    assert client.get("/en/")["X-Page-Cache"] == "miss"
    assert client.get("/robots.txt")["X-Page-Cache"] == "miss"


def move_section(admin_client, section: Section, slug: str):
    section.refresh_from_db()
    return admin_client.post(
        f"/admin/articles/section/{section.pk}/change/",
        {"name_zh_hans": section.name_zh_hans, "name_en": section.name_en, "slug": slug,
         "position": 0, "is_visible": "on", "base_version": section.version,
         "confirm_slug": slug},  # the person saw how many articles move, and confirmed
    )  # fmt: skip


def test_a_new_section_address_is_one_change_whatever_the_section_holds(
    admin_client, make_section, make_article
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = make_section("world"), make_section("city", name_en="City")
    for section, count in ((small, 5), (large, 50)):
        for _ in range(count):
            make_article(section=section)
    before = dict(Article.objects.values_list("pk", "fingerprint"))
    last_change = PageKey.objects.order_by("-changed").values_list("changed", flat=True)[0]

    counted = []
    for section, slug in ((small, "abroad"), (large, "town")):
        with CaptureQueriesContext(connection) as queries:
            assert move_section(admin_client, section, slug).status_code == 302
        counted.append(len(queries))

    assert counted[0] == counted[1]  # as many queries for 50 articles as for 5
    after = dict(Article.objects.values_list("pk", "fingerprint"))
    assert all(after[pk] != before[pk] for pk in before)  # every document names its section
    assert set(Article.objects.values_list("revisions__number", flat=True)) == {1, 2}
    # Each move is one change, to what every page shows.
    changed = PageKey.objects.filter(changed__gt=last_change)
    assert list(changed.values_list("name", flat=True)) == ["site"]


def test_an_import_is_recorded_as_one_change(db, tmp_path, make_section, example_document):
    make_section("world")
    for number in range(3):
        text = example_document.replace(b"river-ferry-returns", f"ferry-{number}".encode())
        (tmp_path / f"ferry-{number}.md").write_bytes(text)

    call_command("import_articles", str(tmp_path), stdout=io.StringIO())

    numbers = set(PageKey.objects.exclude(name="site").values_list("changed", flat=True))
    assert PageKey.objects.filter(name__startswith="article-").count() == 3
    assert len(numbers) == 1


def test_a_scheduled_article_appears_at_its_minute_on_stored_pages(client, make_article):
    with time_machine.travel(at(2026, 6, 1, 8, 0), tick=False):
        make_article(slug="early", published_at=at(2026, 6, 1, 7))
        make_article(slug="nine", title_en="Nine o'clock news", published_at=at(2026, 6, 1, 9))
        before = {a: client.get(a).content.decode() for a in ("/en/", "/en/world/", "/en/feed/")}
        stored = client.get("/en/")
    with time_machine.travel(at(2026, 6, 1, 9, 0), tick=False):
        after = {a: client.get(a).content.decode() for a in ("/en/", "/en/world/", "/en/feed/")}

    assert stored["X-Page-Cache"] == "hit"
    assert "max-age=0" in stored["Cache-Control"] and "s-maxage=300" in stored["Cache-Control"]
    assert all("Nine o" not in shown for shown in before.values())
    assert all("Nine o" in shown for shown in after.values())


def test_cdns_keep_a_page_no_later_than_the_next_scheduled_article(client, make_article):
    with time_machine.travel(at(2026, 6, 1, 8, 58), tick=False):
        make_article(slug="nine", published_at=at(2026, 6, 1, 9))
        response = client.get("/en/world/")

    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "s-maxage=120" in control


def test_an_article_leaves_the_news_sitemap_two_days_after_it_was_published(client, make_article):
    with time_machine.travel(at(2026, 6, 1, 9, 0), tick=False):
        make_article(slug="ferry", title_en="Ferry news", published_at=at(2026, 6, 1, 8))
    with time_machine.travel(at(2026, 6, 2, 9, 0), tick=False):
        client.get("/sitemap-news.xml")  # stored less than a day before the moment it leaves
    with time_machine.travel(at(2026, 6, 3, 7, 59), tick=False):
        before = client.get("/sitemap-news.xml")
    with time_machine.travel(at(2026, 6, 3, 8, 1), tick=False):
        after = client.get("/sitemap-news.xml")

    assert before["X-Page-Cache"] == "hit" and b"Ferry news" in before.content
    assert b"Ferry news" not in after.content


def test_a_change_made_while_a_page_is_rendered_is_not_hidden_by_it(client, make_article):
    article = make_article(slug="ferry", title_en="Ferry delayed")

    def correct_meanwhile(sender, template, **kwargs):
        if template.name == "articles/article.html" and article.title_en == "Ferry delayed":
            article.title_en = "Ferry on time"
            revisions.save_article(article)  # commits while the old title is being rendered

    template_rendered.connect(correct_meanwhile)
    try:
        during = client.get("/en/world/ferry/")
    finally:
        template_rendered.disconnect(correct_meanwhile)
    after = [client.get("/en/world/ferry/") for _ in range(2)]

    assert page(during).select_one("main h1").get_text() == "Ferry delayed"
    assert "private" in during["Cache-Control"]  # kept by no shared cache
    assert [page(r).select_one("main h1").get_text() for r in after] == ["Ferry on time"] * 2
    assert [r["X-Page-Cache"] for r in after] == ["miss", "hit"]


def test_a_new_translation_reaches_the_feed_in_its_language(client, admin_client, make_article):
    make_article(slug="older")
    article = make_article(slug="ferry", title_en="", summary_en="", body_en="")
    assert "Ferry" not in client.get("/en/feed/").content.decode()

    admin_client.post(
        change_url(article),
        change_form(article, title_en="Ferry in English", body_en="The ferry, in English."),
    )

    assert "Ferry in English" in client.get("/en/feed/").content.decode()


def test_deleting_an_article_takes_it_off_every_page(client, admin_client, make_article):
    article = make_article(slug="gone", title_en="Soon gone")
    for address in ("/en/", "/en/world/", "/en/world/gone/"):
        client.get(address)

    admin_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})

    assert client.get("/en/world/gone/").status_code == 404
    for address in ("/en/", "/en/world/"):
        assert "Soon gone" not in client.get(address).content.decode(), address


def test_publishing_several_at_once_puts_each_on_the_lists(client, admin_client, make_article):
    from .desk import bulk

    drafts = [
        make_article(slug=f"draft-{n}", title_en=f"Draft {n}", status=Article.Status.REVIEW)
        for n in range(2)
    ]
    client.get("/en/")

    bulk(admin_client, "publish", *drafts)

    front = client.get("/en/").content.decode()
    assert "Draft 0" in front and "Draft 1" in front


def test_editors_are_never_served_or_sent_stored_pages(client, admin_client, make_article):
    make_article(slug="ferry")
    client.get("/en/world/ferry/")

    response = admin_client.get("/en/world/ferry/")

    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_previews_are_never_stored(client, admin_client, make_article):
    article = make_article(slug="draft", status=Article.Status.DRAFT)
    link = page(admin_client.get(f"/admin/articles/article/{article.pk}/revisions/")).select_one(
        "input.desk-share"
    )["value"]

    first, second = client.get(link), client.get(link)

    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in second
    assert "no-store" in second["Cache-Control"] or "private" in second["Cache-Control"]


def test_no_reader_gets_a_page_stored_for_another_language(make_article):
    make_article(slug="ferry", title_en="Ferry", title_zh_hans="渡轮")
    english, chinese = Client(), Client()

    english.get("/en/world/ferry/")
    chinese_page = page(chinese.get("/zh-hans/world/ferry/"))
    english_root = english.get("/", headers={"accept-language": "en"})
    chinese_root = chinese.get("/", headers={"accept-language": "zh-CN"})

    assert chinese_page.select_one("main h1").get_text() == "渡轮"
    assert english_root["Location"] == "/en/"
    assert chinese_root["Location"] == "/zh-hans/"


def test_a_crawler_policy_change_reaches_robots_txt_and_every_page(
    client, admin_client, make_article
):
    from crawlers.models import SitePolicy

    make_article(slug="ferry")
    client.get("/robots.txt")
    assert client.get("/en/world/ferry/")["tdm-reservation"] == "1"

    admin_client.post(
        f"/admin/crawlers/sitepolicy/{SitePolicy.current().pk}/change/",
        {"policy_url": "", "allows_other_crawlers": ""},
    )

    assert "User-agent: *\nDisallow: /\n" in client.get("/robots.txt").content.decode()
    assert client.get("/en/world/ferry/")["tdm-reservation"] == "0"


def test_a_new_site_name_reaches_every_stored_page(client, make_article, settings):
    make_article(slug="ferry")
    client.get("/en/world/ferry/")

    settings.SITE_NAME = "The Harbour Gazette"  # a new release's settings, in new processes
    page_store.release.cache_clear()
    caches["fragments"].clear()
    try:
        shown = page(client.get("/en/world/ferry/"))
    finally:
        page_store.release.cache_clear()

    assert shown.select_one('meta[property="og:site_name"]')["content"] == "The Harbour Gazette"


# Query strings and Vary.


def test_query_parameters_no_page_reads_get_the_same_stored_page(client, make_article):
    make_article(slug="ferry")
    plain = client.get("/en/world/ferry/")

    tagged = client.get("/en/world/ferry/?utm_source=newsletter&fbclid=abc")
    switcher = page(tagged).select_one('nav.language-switcher a[hreflang="zh-hans"]')

    assert tagged["X-Page-Cache"] == "hit" and tagged.content == plain.content
    assert switcher["href"] == "/zh-hans/world/ferry/"


def stored_size() -> int:
    """What the page store holds: Redis's keys when there is Redis, else the bytes kept."""
    if os.environ.get("REDIS_URL"):
        with redis.Redis.from_url(os.environ["REDIS_URL"]) as server:
            return server.dbsize()
    return caches["pages"].stored_bytes()


def test_a_thousand_made_up_query_strings_leave_the_store_no_bigger(client, make_article):
    make_article(slug="ferry")
    for address in ("/en/world/ferry/", "/en/", "/en/world/"):
        client.get(address)
    before = stored_size()

    answers = {
        client.get(f"/en/world/ferry/?utm_campaign=c{number}&ref={number}")["X-Page-Cache"]
        for number in range(1000)
    }

    assert answers == {"hit"}
    assert stored_size() == before


def test_made_up_values_of_the_parameters_pages_read_leave_the_store_no_bigger(
    client, make_article
):
    make_article(slug="ferry", title_en="Ferry returns")
    for address in ("/en/world/ferry/", "/en/", "/en/world/", "/en/search/?q=ferry"):
        client.get(address)
    before = stored_size()

    made_up = [
        *(f"/en/world/ferry/?page={number}" for number in range(2, 250)),
        *(f"/en/?q=x{number}" for number in range(250)),
        *(f"/en/world/?page={'0' * (number % 5 + 1)}1&n={number}" for number in range(250)),
        *(f"/en/search/?q=+ferry+&p={number}" for number in range(250)),
    ]
    answers = [client.get(address) for address in made_up]

    assert {answer.status_code for answer in answers} == {200}
    found = page(answers[-1]).select(".search-results .article-item__title a")
    assert [a.get_text() for a in found] == ["Ferry returns"]
    assert stored_size() == before


@pytest.mark.parametrize(
    "asked, stored",
    [
        ("/en/search/?q=+ferry+", "/en/search/?q=ferry"),
        ("/zh-hans/search/?q=港口\u3000天气", "/zh-hans/search/?q=港口 天气"),
        ("/en/search/?q=++", "/en/search/"),
        ("/en/world/?page=+", "/en/world/"),
        ("/sitemap-world.xml?p=2", "/sitemap-world.xml?p=2"),
    ],
)
def test_spaces_in_what_a_page_reads_do_not_make_another_copy(
    client, make_article, monkeypatch, asked, stored
):
    monkeypatch.setattr(SectionSitemap, "limit", 2)
    for number in range(3):
        make_article(slug=f"ferry-{number}", title_en="Ferry returns")
    client.get(stored)
    answer = client.get(asked)

    assert answer["X-Page-Cache"] == "hit"


def test_a_page_read_in_no_query_is_stored_only_at_its_own_address(client, make_article):
    make_article(slug="ferry")
    client.get("/sitemap.xml")
    before = stored_size()

    answers = [client.get(f"/sitemap.xml?p={number}") for number in range(2, 30)]

    assert {answer.status_code for answer in answers} == {200}
    assert stored_size() == before


def test_an_empty_search_is_the_search_page(client, make_article):
    make_article(slug="ferry")
    client.get("/en/search/")

    assert client.get("/en/search/?q=")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "address, status",
    [
        ("/en/?page=" + "1" * 4301, 200),
        ("/en/world/ferry/?page=" + "1" * 4301, 200),
        ("/en/world/?page=" + "9" * 30, 404),
        ("/en/no-such-section/x/?page=" + "1" * 4301, 404),
        ("/sitemap.xml?p=" + "1" * 4301, 200),
    ],
)
def test_page_numbers_too_long_for_any_page_are_answered(client, make_article, address, status):
    make_article(slug="ferry")

    assert client.get(address, follow=True).status_code == status


def test_the_page_a_search_shows_keeps_its_query(client, make_article):
    make_article(slug="ferry", title_en="Ferry returns")
    make_article(slug="buses", title_en="Night buses")

    ferry = page(client.get("/en/search/?q=ferry&utm_source=x"))
    buses = page(client.get("/en/search/?q=buses"))

    titles = ".search-results .article-item__title a"
    assert [a.get_text() for a in ferry.select(titles)] == ["Ferry returns"]
    assert [a.get_text() for a in buses.select(titles)] == ["Night buses"]


@pytest.fixture
def compressed(settings):
    """The site with Django's GZipMiddleware inside the page cache, as a later release might."""
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "django.middleware.gzip.GZipMiddleware",
        *settings.MIDDLEWARE[1:],
    ]


def test_a_compressed_page_goes_only_to_readers_who_asked_for_it(compressed, make_article):
    make_article(slug="ferry", title_en="Ferry")
    gzip_reader, plain_reader = Client(headers={"accept-encoding": "gzip"}), Client()

    zipped = [gzip_reader.get("/en/world/ferry/") for _ in range(2)]
    plain = [plain_reader.get("/en/world/ferry/") for _ in range(2)]

    assert [r["X-Page-Cache"] for r in zipped + plain] == ["miss", "hit", "miss", "hit"]
    assert all(r["Content-Encoding"] == "gzip" for r in zipped)
    assert all("Content-Encoding" not in r for r in plain)
    assert page(plain[1]).select_one("main h1").get_text() == "Ferry"


def test_a_document_is_stored_per_language_the_site_chose(client, make_article):
    make_article(slug="ferry")

    chinese = [client.get("/world/ferry.md", headers={"accept-language": "zh-CN"}) for _ in "12"]
    english = [client.get("/world/ferry.md", headers={"accept-language": "en-GB"}) for _ in "12"]
    also_english = client.get("/world/ferry.md", headers={"accept-language": "en-US,en;q=0.9"})

    assert "accept-language" in chinese[0]["Vary"].lower()
    assert [r["X-Page-Cache"] for r in chinese + english] == ["miss", "hit", "miss", "hit"]
    assert (chinese[1]["Content-Language"], english[1]["Content-Language"]) == ("zh-hans", "en")
    assert also_english["X-Page-Cache"] == "hit"
    assert chinese[1].content == english[1].content


# One render at a time.


@pytest.mark.django_db(transaction=True)
def test_a_page_many_readers_ask_for_at_once_is_rendered_once(make_article, monkeypatch):
    monkeypatch.setattr(page_store, "RENDER_WAIT", 30)  # however slow the machine
    for number in range(12):
        make_article(slug=f"report-{number}")
    renders = []

    def count(sender, template, **kwargs):
        if template.name == "articles/front_page.html":
            renders.append(template.name)

    # Threads of one process stand for the app servers' processes: as many as its connection
    # pool has connections, besides the test's own.
    start, answers = threading.Barrier(3), []

    def read():
        start.wait()
        try:
            answers.append(Client().get("/en/")["X-Page-Cache"])
        finally:
            connection.close()

    template_rendered.connect(count)
    try:
        readers = [threading.Thread(target=read) for _ in range(3)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
    finally:
        template_rendered.disconnect(count)
        if connection.vendor == "postgresql":
            connection.close_pool()  # the threads' connections: the test database can go

    assert len(renders) == 1
    assert sorted(answers) == ["hit", "hit", "miss"]


# When the page cache cannot be reached.


class SilentServer:
    """A TCP server that accepts connections and never answers: a cache host that is up but
    unreachable, or a connection a firewall drops without a word. Counts the connections."""

    def __init__(self):
        import socket

        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        for accepted in self.connections:
            accepted.close()


@pytest.fixture
def unreachable_cache(settings):
    server = SilentServer()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    yield server
    server.close()


def test_when_the_cache_cannot_be_reached_readers_get_pages_and_editors_save(
    client, admin_client, make_article, unreachable_cache, caplog
):
    article = make_article(slug="ferry", title_en="Ferry delayed")

    saved = admin_client.post(change_url(article), change_form(article, title_en="Ferry late"))
    # Within one second: Redis is left alone that long after a failure.
    with (
        time_machine.travel(timezone.now(), tick=False),
        caplog.at_level(logging.WARNING, logger="newsroom.page_store"),
    ):
        answers = [client.get("/en/world/ferry/") for _ in range(20)]

    assert saved.status_code == 302
    assert {page(r).select_one("main h1").get_text() for r in answers} == {"Ferry late"}
    # Rendered once, then served from this process's own memory.
    assert [r["X-Page-Cache"] for r in answers] == ["miss"] + ["hit"] * 19
    # The first request found out the cache cannot be reached; nobody tried it again.
    assert len(unreachable_cache.connections) == 1
    assert len([r for r in caplog.records if r.name == "newsroom.page_store"]) == 1


def test_the_cache_is_tried_again_later_and_less_often(client, make_article, unreachable_cache):
    for number in range(5):
        make_article(slug=f"report-{number}")

    def tried() -> int:
        return len(unreachable_cache.connections)

    counts = []
    with time_machine.travel(timezone.now()) as clock:
        client.get("/en/world/report-0/")  # fails: left alone for a second
        client.get("/en/world/report-1/")
        counts.append(tried())
        clock.shift(1.5)
        client.get("/en/world/report-2/")  # tried again, fails: left alone for two
        counts.append(tried())
        clock.shift(1.5)
        client.get("/en/world/report-3/")
        counts.append(tried())
        clock.shift(1)
        client.get("/en/world/report-4/")
        counts.append(tried())

    assert counts == [1, 2, 2, 3]


needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="a dropped Redis connection: runs with REDIS_URL"
)


class Relay:
    """A TCP relay in front of Redis that can go silent: the connections it holds stay open
    but nothing passes any more, as when a firewall or NAT drops them without a reset. New
    connections after :meth:`silence` are relayed again once :meth:`resume` is called."""

    def __init__(self, target: tuple[str, int]):
        import socket

        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.silent = threading.Event()
        self.held = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        import socket

        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.held += [client, server]
            generation = self.silent.is_set()
            for source, sink in ((client, server), (server, client)):
                threading.Thread(
                    target=self.pump, args=(source, sink, generation), daemon=True
                ).start()

    def pump(self, source, sink, silenced_at_start):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data or (self.silent.is_set() and not silenced_at_start):
                return  # the connection stays open on both sides; nothing more passes
            try:
                sink.sendall(data)
            except OSError:
                return

    def silence(self):
        self.silent.set()

    def close(self):
        self.listener.close()
        for held in self.held:
            held.close()


@needs_redis
def test_a_silently_dropped_cache_connection_never_shows_an_old_page(
    client, make_article, settings
):
    from urllib.parse import urlparse

    target = urlparse(os.environ["REDIS_URL"])
    relay = Relay((target.hostname, target.port or 6379))
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{relay.port}{target.path}",
        },
    }
    try:
        article = make_article(slug="ferry", title_en="Ferry delayed")
        client.get("/en/world/ferry/")
        assert client.get("/en/world/ferry/")["X-Page-Cache"] == "hit"

        relay.silence()  # the held connection is dropped without a word
        article.title_en = "Ferry on time"
        revisions.save_article(article)
        with time_machine.travel(timezone.now()) as clock:
            during = [client.get("/en/world/ferry/") for _ in range(3)]
            relay.silent.clear()  # the network is back; the dropped connection stays dead
            clock.shift(2)
            client.get("/en/world/")  # stored in Redis again
            caches["pages"].clear()  # as another app server, which has only Redis's copy
            after = [client.get(address) for address in ("/en/world/", "/en/world/ferry/")]
    finally:
        relay.close()

    assert all("Ferry on time" in r.content.decode() for r in during + after)
    assert [r["X-Page-Cache"] for r in during] == ["miss", "hit", "hit"]
    assert [r["X-Page-Cache"] for r in after] == ["hit", "miss"]


def test_a_memory_store_keeps_to_its_size_dropping_the_least_recently_used(settings):
    from newsroom.memory_cache import MemoryCache

    store = MemoryCache("test-size", {"OPTIONS": {"MAX_BYTES": 2600}})
    store.clear()
    kilobyte = {letter: random.Random(letter).randbytes(1000) for letter in "abc"}  # no smaller

    store.set("a", kilobyte["a"])
    store.set("b", kilobyte["b"])
    store.get("a")  # "b" is now the least recently used
    store.set("c", kilobyte["c"])
    store.set("huge", random.Random("huge").randbytes(5000))

    assert [key for key in "abc" if store.get(key) is not None] == ["a", "c"]
    assert store.get("huge") is None
    assert store.stored_bytes() <= 2600


def test_a_memory_store_keeps_large_values_compressed():
    """Pages are kept compressed: a store of 100 KB holds ten pages of 18 KB each."""
    from newsroom.memory_cache import MemoryCache

    store = MemoryCache("test-compressed", {"OPTIONS": {"MAX_BYTES": 100 * 1024}})
    store.clear()
    text = (Path(__file__).parent.parent / "README.md").read_text()[: 18 * 1024]
    pages = {f"page-{number}": f"<p>{number}</p>{text}" for number in range(10)}

    store.set_many(pages)

    assert store.get_many(pages) == pages
    assert store.stored_bytes() < 100 * 1024


def test_a_memory_store_keeps_pages_that_share_their_markup_in_little_more_than_their_own():
    """Twenty pages of 15 KB, each 12 KB of the same markup and 3 KB of its own words: a store
    of 64 KB keeps them all (each alone would take 6.7 KB compressed: nine would fit)."""
    from newsroom.memory_cache import MemoryCache

    store = MemoryCache("test-shared-markup", {"OPTIONS": {"MAX_BYTES": 64 * 1024}})
    store.clear()
    text = (Path(__file__).parent.parent / "README.md").read_text()
    markup, words = text[: 12 * 1024], text.split()

    def page(number: int) -> str:
        own = random.Random(number)
        return f"{markup}<main>{' '.join(own.choice(words) for _ in range(500))}</main>"

    for number in range(20):
        store.set(f"page-{number}", page(number))

    assert [store.get(f"page-{number}") for number in range(20)] == [page(n) for n in range(20)]
    assert store.stored_bytes() < 64 * 1024


def test_a_page_that_names_nothing_it_shows_is_never_stored(client, make_article, settings):
    from django.http import HttpResponse
    from django.urls import path

    def unnamed(request):
        return HttpResponse(f"{Article.objects.count()} articles")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("count/", unnamed)]})
    make_article(slug="ferry")
    first = client.get("/count/")
    make_article(slug="buses")
    second = client.get("/count/")

    assert (first.content, second.content) == (b"1 articles", b"2 articles")
    assert "X-Page-Cache" not in second and "public" not in second.get("Cache-Control", "")


def claimed_by_another_worker(path: str) -> None:
    """As if another worker had begun rendering ``path`` (and were still at it)."""
    from django.test import RequestFactory

    page_store.store.claim(page_store.page_address(RequestFactory().get(path)))


def test_while_a_list_is_rendered_again_readers_get_it_as_it_was_for_a_second_at_most(
    client, make_article, monkeypatch
):
    from newsroom.page_cache import LISTS_LAG

    monkeypatch.setattr(page_store, "RENDER_WAIT", 0.05)  # the other worker never finishes
    article = make_article(slug="ferry", title_en="Ferry delayed")
    client.get("/en/")
    client.get("/en/world/ferry/")
    article.title_en = "Ferry on time"
    revisions.save_article(article)
    claimed_by_another_worker("/en/")
    claimed_by_another_worker("/en/world/ferry/")

    with time_machine.travel(timezone.now(), tick=False) as clock:
        meanwhile = client.get("/en/")
        article_page = client.get("/en/world/ferry/")
        clock.shift(LISTS_LAG + 0.1)
        later = client.get("/en/")

    # The list, as it was, while the change is less than a second old.
    assert meanwhile["X-Page-Cache"] == "previous"
    assert "Ferry delayed" in meanwhile.content.decode()
    # The article itself (its text, its fingerprint) never: it waits, then renders.
    assert page(article_page).select_one("main h1").get_text() == "Ferry on time"
    # A second on, the list is not served as it was any more.
    assert later["X-Page-Cache"] == "miss" and "Ferry on time" in later.content.decode()
