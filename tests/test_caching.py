"""Whole-page caching for readers: hits, conditional requests, CDN headers, and invalidation
the moment anything a page shows changes."""

import os

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.test import Client, RequestFactory

from articles.models import Article, Section

from .conftest import at, page
from .desk import change_form, change_url


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for a transaction to commit (cache invalidation) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_a_second_reader_gets_the_cached_page_without_touching_the_database(
    client, make_article, django_assert_num_queries
):
    make_article(slug="ferry", title_en="Ferry")
    first = client.get("/en/world/ferry/")

    with django_assert_num_queries(0):
        second = client.get("/en/world/ferry/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["tdm-reservation"] == "1"


def test_a_cached_page_keeps_every_header_the_site_first_sent(client, make_article):
    make_article(slug="ferry")
    first = client.get("/en/world/ferry/")
    second = client.get("/en/world/ferry/")

    kept = {name: value for name, value in first.items() if name != "X-Page-Cache"}
    replayed = {name: value for name, value in second.items() if name != "X-Page-Cache"}
    assert replayed == kept
    assert second["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Content-Language"] == "en"


def test_pages_carry_validators_and_answer_304(client, make_article):
    make_article(slug="ferry")
    response = client.get("/en/world/ferry/")

    by_etag = client.get("/en/world/ferry/", headers={"if-none-match": response["ETag"]})
    by_date = client.get(
        "/en/world/ferry/", headers={"if-modified-since": response["Last-Modified"]}
    )

    assert response.status_code == 200 and response["ETag"].startswith('"')
    assert by_etag.status_code == 304 and by_date.status_code == 304
    assert by_etag.content == b""


def test_pages_tell_cdns_how_long_to_keep_them_and_what_they_show(client, make_article):
    article = make_article(slug="ferry")

    response = client.get("/en/world/ferry/")
    document = client.get("/world/ferry.md")
    section = client.get("/en/world/")

    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=60", "s-maxage=300", "stale-while-revalidate=600"} <= control
    keys = f"article-{article.pk} section-{article.section_id}"
    assert response["Surrogate-Key"] == keys
    assert document["Surrogate-Key"] == keys
    assert section["Surrogate-Key"] == f"section-{article.section_id}"


def test_a_correction_is_served_at_once(client, admin_client, make_article, committed):
    article = make_article(slug="ferry", body_en="The ferry runs daily.")
    client.get("/en/world/ferry/")
    client.get("/en/")

    with committed():
        admin_client.post(change_url(article), change_form(article, body_en="It runs hourly."))

    assert "It runs hourly." in client.get("/en/world/ferry/").content.decode()


def test_a_new_title_replaces_the_old_on_every_list_at_once(
    client, admin_client, make_article, committed
):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    assert "Ferry delayed" in client.get("/en/world/").content.decode()
    assert "Ferry delayed" in client.get("/en/").content.decode()

    with committed():
        admin_client.post(change_url(article), change_form(article, title_en="Ferry on time"))

    for address in ("/en/world/", "/en/", "/en/world/ferry/"):
        shown = client.get(address).content.decode()
        assert "Ferry on time" in shown and "Ferry delayed" not in shown, address


def test_publishing_shows_the_article_on_every_list_at_once(
    client, admin_client, make_article, committed
):
    article = make_article(slug="fresh", title_en="Fresh news", status=Article.Status.REVIEW)
    assert "Fresh news" not in client.get("/en/").content.decode()
    assert "Fresh news" not in client.get("/en/world/").content.decode()

    with committed():
        admin_client.post(change_url(article), change_form(article, transition="publish"))

    assert "Fresh news" in client.get("/en/").content.decode()
    assert "Fresh news" in client.get("/en/world/").content.decode()
    assert client.get("/world/fresh.md").status_code == 200


def test_renaming_a_section_changes_every_cached_page(
    client, admin_client, make_article, committed
):
    article = make_article(slug="ferry")
    section = article.section
    client.get("/en/world/ferry/")

    with committed():
        admin_client.post(
            f"/admin/articles/section/{section.pk}/change/",
            {
                "name_zh_hans": "国际",
                "name_en": "Abroad",
                "slug": "world",
                "position": 0,
                "is_visible": "on",
                "base_version": section.version,
            },
        )

    nav = page(client.get("/en/world/ferry/")).select("nav.section-nav a")
    assert [a.get_text() for a in nav] == ["Abroad"]


def test_emptying_the_shared_cache_never_brings_back_an_old_navigation(client, make_article):
    article = make_article(slug="ferry")
    client.get("/en/world/ferry/")  # each server keeps the navigation for this generation
    Section.objects.filter(pk=article.section_id).update(name_en="Abroad")

    cache.clear()  # the shared cache restarts: its generation counter starts again
    nav = page(client.get("/en/world/ferry/")).select("nav.section-nav a")

    assert [a.get_text() for a in nav] == ["Abroad"]


def test_a_scheduled_article_appears_at_its_minute_on_cached_pages(client, make_article):
    with time_machine.travel(at(2026, 6, 1, 8, 0), tick=False):
        make_article(slug="nine", title_en="Nine o'clock news", published_at=at(2026, 6, 1, 9))
        before = client.get("/en/").content.decode()
        cached = client.get("/en/")
    with time_machine.travel(at(2026, 6, 1, 9, 0), tick=False):
        after = client.get("/en/").content.decode()

    assert cached["X-Page-Cache"] == "hit"
    assert "Nine o" not in before
    assert "Nine o" in after


def test_editors_are_never_served_or_sent_cached_pages(client, admin_client, make_article):
    make_article(slug="ferry")
    client.get("/en/world/ferry/")

    response = admin_client.get("/en/world/ferry/")

    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_previews_are_never_cached(client, admin_client, make_article):
    article = make_article(slug="draft", status=Article.Status.DRAFT)
    link = page(admin_client.get(f"/admin/articles/article/{article.pk}/revisions/")).select_one(
        "input.desk-share"
    )["value"]

    first, second = client.get(link), client.get(link)

    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in second
    assert "no-store" in second["Cache-Control"] or "private" in second["Cache-Control"]


def test_no_reader_gets_a_page_cached_for_another_language(make_article):
    make_article(slug="ferry", title_en="Ferry", title_zh_hans="渡轮")
    english, chinese = Client(), Client()

    english.get("/en/world/ferry/")
    chinese_page = page(chinese.get("/zh-hans/world/ferry/"))
    english_root = english.get("/", headers={"accept-language": "en"})
    chinese_root = chinese.get("/", headers={"accept-language": "zh-CN"})

    assert chinese_page.select_one("main h1").get_text() == "渡轮"
    assert english_root["Location"] == "/en/"
    assert chinese_root["Location"] == "/zh-hans/"


def test_a_crawler_policy_change_reaches_robots_txt_at_once(client, admin_client, db, committed):
    from crawlers.models import Crawler

    client.get("/robots.txt")
    gpt = Crawler.objects.get(user_agent="GPTBot")

    with committed():
        admin_client.post(
            f"/admin/crawlers/crawler/{gpt.pk}/change/",
            {"user_agent": "GPTBot", "purpose": "ai", "is_allowed": "on"},
        )

    robots = client.get("/robots.txt").content.decode()
    assert "User-agent: GPTBot\nDisallow: /admin/" in robots


# The WSGI front: cached pages answered before Django builds a request.


def through_front(path: str, method: str = "GET", **headers):
    """GET ``path`` from the WSGI application gunicorn serves, Django behind it in test mode.
    Returns the status, the headers, the body and whether Django saw the request."""
    from django.core.signals import request_started
    from django.test.client import ClientHandler

    from articles.caching import CachedPagesApplication

    environ = RequestFactory().generic(method, path, headers=headers).environ
    seen, answer = [], {}

    def count(**_kwargs):
        seen.append(True)

    def start_response(status, response_headers, exc_info=None):
        answer.update(status=status, headers=dict(response_headers))

    def django(environ, start_response):
        # Django's own WSGI handling, minus closing the test's database connection.
        response = ClientHandler()(environ)
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items()])
        return [response.content]

    request_started.connect(count)
    try:
        body = b"".join(CachedPagesApplication(django)(environ, start_response))
    finally:
        request_started.disconnect(count)
    return answer["status"], answer["headers"], body, bool(seen)


def test_a_cached_page_is_answered_before_django_with_the_same_headers(client, make_article):
    make_article(slug="ferry")
    first = client.get("/en/world/ferry/")

    status, headers, body, django_saw_it = through_front("/en/world/ferry/")

    assert status == "200 OK" and not django_saw_it
    assert body == first.content
    kept = {name: value for name, value in first.items() if name != "X-Page-Cache"}
    assert {name: value for name, value in headers.items() if name != "X-Page-Cache"} == kept
    assert headers["X-Page-Cache"] == "hit"


def test_a_head_request_gets_the_cached_headers_without_the_page(client, make_article):
    make_article(slug="ferry")
    first = client.get("/en/world/ferry/")

    status, headers, body, django_saw_it = through_front("/en/world/ferry/", method="HEAD")

    assert status == "200 OK" and not django_saw_it and body == b""
    assert headers["Content-Length"] == str(len(first.content))


def test_the_front_leaves_editors_revalidations_and_misses_to_django(client, make_article):
    make_article(slug="ferry")
    etag = client.get("/en/world/ferry/")["ETag"]

    signed_in = through_front("/en/world/ferry/", cookie="sessionid=abc")
    revalidated = through_front("/en/world/ferry/", if_none_match=etag)
    elsewhere = through_front("/en/world/ferry/?utm_source=mail")

    assert signed_in[3] and "X-Page-Cache" not in signed_in[1]
    assert revalidated[3] and revalidated[0].startswith("304")
    assert elsewhere[3] and elsewhere[1]["X-Page-Cache"] == "miss"


def test_the_front_never_answers_with_a_page_of_an_older_generation(
    client, admin_client, make_article, committed
):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    client.get("/en/world/ferry/")

    with committed():
        admin_client.post(change_url(article), change_form(article, title_en="Ferry on time"))
    _status, headers, body, django_saw_it = through_front("/en/world/ferry/")

    assert django_saw_it and headers["X-Page-Cache"] == "miss"
    assert "Ferry on time" in body.decode()


# Each process's own reading of the generation (Redis client tracking) and copies of pages.

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="client tracking is Redis's: runs with REDIS_URL"
)


def another_server_moves_the_generation_on():
    """What another app server's change does: the generation moved on in Redis by a client
    that is not this process's cache."""
    from articles.caching import GENERATION_KEY

    with redis.Redis.from_url(os.environ["REDIS_URL"]) as other:
        other.incr(cache.make_key(GENERATION_KEY))


def redis_reads() -> int:
    """Reads Redis has answered so far, from anyone."""
    with redis.Redis.from_url(os.environ["REDIS_URL"]) as server:
        stats = server.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("get", "mget"))


@needs_redis
def test_a_page_served_again_by_the_same_process_costs_no_round_trip(client, make_article):
    make_article(slug="ferry")
    client.get("/en/world/ferry/")
    through_front("/en/world/ferry/")
    before = redis_reads()

    answers = [through_front("/en/world/ferry/") for _ in range(3)]

    assert redis_reads() == before
    assert all(status == "200 OK" and not seen for status, _h, _b, seen in answers)


@needs_redis
def test_a_change_on_another_server_ends_this_process_copies_at_once(client, make_article):
    make_article(slug="ferry")
    client.get("/en/world/ferry/")
    assert through_front("/en/world/ferry/")[1]["X-Page-Cache"] == "hit"

    another_server_moves_the_generation_on()
    _status, headers, _body, django_saw_it = through_front("/en/world/ferry/")

    assert django_saw_it and headers["X-Page-Cache"] == "miss"


@needs_redis
def test_a_lost_tracking_connection_never_leaves_an_old_generation_in_use(client, make_article):
    make_article(slug="ferry")
    client.get("/en/world/ferry/")
    assert through_front("/en/world/ferry/")[1]["X-Page-Cache"] == "hit"
    with redis.Redis.from_url(os.environ["REDIS_URL"]) as server:
        tracking = [c["id"] for c in server.client_list() if "t" in c["flags"]]
        assert tracking, "this process reads the generation with client tracking on"
        for client_id in tracking:  # Redis restarted, a proxy dropped it: no message comes
            server.client_kill_filter(_id=client_id)
    another_server_moves_the_generation_on()
    _status, headers, _body, django_saw_it = through_front("/en/world/ferry/")

    assert django_saw_it and headers["X-Page-Cache"] == "miss"
    assert through_front("/en/world/ferry/")[1]["X-Page-Cache"] == "hit"


def test_page_copies_keep_to_their_size_and_their_generation(settings):
    from articles.caching import _PageCopies

    settings.PAGE_COPIES_MB = 2.5 / 1024  # room for two pages of a kilobyte
    copies = _PageCopies()

    def stored(text: str) -> tuple:  # a page of generation 7, as the page cache stores it
        return (7, 0, text.encode() * 1024, {})

    copies.get("a", 7)
    for key in "abc":
        copies.put(key, stored(key))
        copies.get("a", 7)  # "a" is read after every store: the one least recently used is "b"

    assert [key for key in "abc" if copies.get(key, 7)] == ["a", "c"]
    copies.put("huge", stored("x" * 3))
    assert copies.get("huge", 7) is None
    assert copies.get("a", 8) is None and copies.get("a", 7) is None


def test_readers_still_get_pages_and_editors_still_save_when_the_shared_cache_is_down(
    client, admin_client, make_article, settings, committed, caplog
):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "newsroom.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }

    with committed():
        saved = admin_client.post(change_url(article), change_form(article, title_en="Ferry late"))
    response = client.get("/en/world/ferry/")
    _status, headers, body, _seen = through_front("/en/world/ferry/")

    assert saved.status_code == 302
    assert response.status_code == 200 and response["X-Page-Cache"] == "unavailable"
    assert page(response).select_one("main h1").get_text() == "Ferry late"
    assert headers["X-Page-Cache"] == "unavailable" and b"Ferry late" in body
    assert "may be served until the next one" in caplog.text
