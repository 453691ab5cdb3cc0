"""The crawler policy: robots.txt as real parsers read it, and the TDMRep reservation in its
three standard places, for several policies set through the admin."""

import json
from urllib.robotparser import RobotFileParser

import pytest

from crawlers.models import Crawler, SitePolicy

from .conftest import page


def robots(client) -> RobotFileParser:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser


def crawler_form(crawler: Crawler, **overrides) -> dict:
    data = {
        "user_agent": crawler.user_agent,
        "purpose": crawler.purpose,
        "exceptions": [s.pk for s in crawler.exceptions.all()],
    }
    if crawler.is_allowed:
        data["is_allowed"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_by_default_search_engines_crawl_and_ai_crawlers_do_not(client, db):
    parser = robots(client)

    for bot in ("Googlebot", "Bingbot", "Baiduspider", "SomeOtherBot"):
        assert parser.can_fetch(bot, "/en/world/ferry/"), bot
        assert not parser.can_fetch(bot, "/admin/"), bot
    for bot in (
        "GPTBot",
        "ClaudeBot",
        "CCBot",
        "Google-Extended",
        "Applebot-Extended",
        "PerplexityBot",
        "Bytespider",
        "Meta-ExternalAgent",
    ):
        assert not parser.can_fetch(bot, "/en/world/ferry/"), bot
        assert not parser.can_fetch(bot, "/world/ferry.md"), bot


def test_robots_names_the_sitemap(client, db):
    text = client.get("/robots.txt").content.decode()

    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()


def test_an_ai_crawler_allowed_in_one_section_only(admin_client, client, make_section):
    culture = make_section("culture", name_en="Culture")
    gpt = Crawler.objects.get(user_agent="GPTBot")

    response = admin_client.post(
        f"/admin/crawlers/crawler/{gpt.pk}/change/",
        crawler_form(gpt, exceptions=[culture.pk]),
    )
    parser = robots(client)

    assert response.status_code == 302
    assert parser.can_fetch("GPTBot", "/en/culture/paper-cutting/")
    assert parser.can_fetch("GPTBot", "/zh-hans/culture/")
    assert parser.can_fetch("GPTBot", "/culture/paper-cutting.md")
    assert not parser.can_fetch("GPTBot", "/en/world/ferry/")


def test_a_search_engine_kept_out_of_one_section(admin_client, client, make_section):
    world = make_section("world")
    google = Crawler.objects.get(user_agent="Googlebot")

    admin_client.post(
        f"/admin/crawlers/crawler/{google.pk}/change/", crawler_form(google, exceptions=[world.pk])
    )
    parser = robots(client)

    assert not parser.can_fetch("Googlebot", "/en/world/ferry/")
    assert not parser.can_fetch("Googlebot", "/world/ferry.md")
    assert parser.can_fetch("Googlebot", "/en/city/buses/")


def test_a_crawler_added_by_name_is_refused_when_its_box_is_left_empty(admin_client, client, db):
    response = admin_client.post(
        "/admin/crawlers/crawler/add/", {"user_agent": "NewModelBot", "purpose": "ai"}
    )

    assert response.status_code == 302
    assert not robots(client).can_fetch("NewModelBot", "/en/")


def test_refusing_every_crawler_not_listed(admin_client, client, db):
    policy = SitePolicy.current()

    admin_client.post(
        f"/admin/crawlers/sitepolicy/{policy.pk}/change/",
        {"reserves_text_and_data_mining": "on", "policy_url": ""},
    )
    parser = robots(client)

    assert not parser.can_fetch("SomeOtherBot", "/en/")
    assert parser.can_fetch("Googlebot", "/en/")


@pytest.mark.parametrize("name", ["Bad Bot", "Bot\nDisallow: /", "Bot:1", ""])
def test_a_user_agent_that_would_break_robots_txt_is_refused(admin_client, client, db, name):
    before = client.get("/robots.txt").content

    response = admin_client.post(
        "/admin/crawlers/crawler/add/", {"user_agent": name, "purpose": "ai"}
    )

    assert response.status_code == 200
    assert client.get("/robots.txt").content == before


def test_text_and_data_mining_is_reserved_by_default(client, db):
    response = client.get("/en/")
    soup = page(response)
    tdmrep = json.loads(client.get("/.well-known/tdmrep.json").content)

    policy = "http://testserver/zh-hans/policy/"
    assert response["tdm-reservation"] == "1"
    assert response["tdm-policy"] == policy
    assert soup.select_one('meta[name="tdm-reservation"]')["content"] == "1"
    assert soup.select_one('meta[name="tdm-policy"]')["content"] == policy
    assert tdmrep == [{"location": "/*", "tdm-reservation": 1, "tdm-policy": policy}]
    assert client.get("/zh-hans/policy/").status_code == 200
    assert client.get("/en/policy/").status_code == 200


def test_an_administrators_own_policy_address_is_published(admin_client, client, db):
    policy = SitePolicy.current()
    admin_client.post(
        f"/admin/crawlers/sitepolicy/{policy.pk}/change/",
        {
            "reserves_text_and_data_mining": "on",
            "allows_other_crawlers": "on",
            "policy_url": "https://news.example.com/licensing",
        },
    )

    response = client.get("/en/world/")

    assert response["tdm-policy"] == "https://news.example.com/licensing"
    tdmrep = json.loads(client.get("/.well-known/tdmrep.json").content)
    assert tdmrep[0]["tdm-policy"] == "https://news.example.com/licensing"


def test_lifting_the_reservation(admin_client, client, db):
    policy = SitePolicy.current()
    admin_client.post(
        f"/admin/crawlers/sitepolicy/{policy.pk}/change/",
        {"allows_other_crawlers": "on", "policy_url": ""},
    )

    response = client.get("/en/")

    assert response["tdm-reservation"] == "0"
    assert "tdm-policy" not in response
    assert page(response).select_one('meta[name="tdm-reservation"]')["content"] == "0"
    assert json.loads(client.get("/.well-known/tdmrep.json").content) == [
        {"location": "/*", "tdm-reservation": 0}
    ]


def test_editors_cannot_change_the_policy(login, make_person, db):
    editor = login(make_person("editor", "Editors"))

    assert editor.get("/admin/crawlers/crawler/").status_code == 403
    assert editor.get("/admin/crawlers/sitepolicy/1/change/").status_code == 403


def test_administrators_can(login, make_person, db):
    administrator = login(make_person("boss", "Administrators"))

    assert administrator.get("/admin/crawlers/crawler/").status_code == 200
    assert administrator.get("/admin/crawlers/sitepolicy/1/change/").status_code == 200
