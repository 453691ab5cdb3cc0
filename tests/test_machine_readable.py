"""What machines read: Atom feeds (parsed by feedparser), sitemaps (parsed by lxml), and each
page's canonical URL, hreflang alternates, social cards and JSON-LD."""

import json
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from articles.sitemaps import SectionSitemap

from .conftest import page

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def newsroom(make_section, make_article):
    world = make_section("world")
    city = make_section("city", name_zh_hans="城市", name_en="City")
    return {
        "both": make_article(section=world, slug="both", title_en="Both", title_zh_hans="双语"),
        "chinese": make_article(
            section=city,
            slug="chinese",
            title_en="",
            summary_en="",
            body_en="",
            title_zh_hans="中文",
        ),
        "old": make_article(
            section=world, slug="old", published_at=timezone.now() - timedelta(days=5)
        ),
    }


# Feeds


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_each_language_has_a_feed_of_the_articles_written_in_it(client, newsroom):
    english = feed(client, "/en/feed/")
    chinese = feed(client, "/zh-hans/feed/")

    assert english.version == "atom10"
    assert english.feed.language == "en"
    assert [entry.title for entry in english.entries] == ["Both", "Report number 3"]
    assert english.entries[0].link == "http://testserver/en/world/both/"
    assert chinese.feed.language == "zh-hans"
    assert {entry.title for entry in chinese.entries} == {"双语", "中文", "第3篇报道"}


def test_each_section_has_a_feed_per_language(client, newsroom):
    city = feed(client, "/zh-hans/city/feed/")

    assert [entry.title for entry in city.entries] == ["中文"]
    assert city.entries[0].tags[0].term == "城市"
    assert feed(client, "/en/city/feed/").entries == []
    assert client.get("/en/no-such-section/feed/").status_code == 404


def test_feed_entries_have_dates_and_summaries(client, newsroom):
    entry = feed(client, "/en/feed/").entries[0]

    assert entry.published_parsed and entry.updated_parsed
    assert entry.summary == newsroom["both"].summary_en


def test_pages_link_to_their_feeds(client, newsroom):
    section = page(client.get("/en/world/"))
    links = section.select('link[rel="alternate"][type="application/atom+xml"]')

    assert [link["href"] for link in links] == [
        "http://testserver/en/feed/",
        "http://testserver/en/world/feed/",
    ]


@pytest.mark.parametrize(
    ("names", "chinese_name", "english_name"),
    [
        ({}, "新闻室", "Newsroom"),
        ({"SITE_NAME_ZH_HANS": "海港报"}, "海港报", "The Harbour Gazette"),
    ],
)
def test_the_publication_is_named_in_the_readers_language_everywhere(
    client, newsroom, settings, names, chinese_name, english_name
):
    if names:
        settings.SITE_NAME = english_name
    for setting, value in names.items():
        setattr(settings, setting, value)

    chinese = feed(client, "/zh-hans/city/feed/")
    article = page(client.get("/zh-hans/city/chinese/"))
    english = page(client.get("/en/world/both/"))

    assert chinese.feed.title == f"{chinese_name}：城市"
    assert chinese.feed.author == chinese_name
    assert article.select_one(".site-name").get_text() == chinese_name
    assert article.title.get_text().endswith(f"· {chinese_name}")
    assert article.select_one('meta[property="og:site_name"]')["content"] == chinese_name
    data = json.loads(article.select_one('script[type="application/ld+json"]').string)
    assert data["@graph"][0]["publisher"]["name"] == chinese_name
    assert english.select_one(".site-name").get_text() == english_name
    assert feed(client, "/en/feed/").feed.title == f"{english_name}: latest articles"
    news = xml(client, "/sitemap-news.xml")
    named = {
        entry.findtext(f"{NEWS}language"): entry.findtext(f"{NEWS}name")
        for entry in news.iter(f"{NEWS}publication")
    }
    assert named == {"zh-cn": chinese_name, "en": english_name}


# Sitemaps


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return etree.fromstring(response.content)


def test_the_sitemap_index_lists_a_sitemap_per_section_and_the_news_sitemap(client, newsroom):
    index = xml(client, "/sitemap.xml")

    locations = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert locations == [
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-authors.xml",
        "http://testserver/sitemap-topics.xml",
        "http://testserver/sitemap-city.xml",  # sections in navigation order
        "http://testserver/sitemap-world.xml",
        "http://testserver/sitemap-news.xml",
    ]
    for location in locations:
        xml(client, location.removeprefix("http://testserver"))


def test_section_sitemaps_give_every_language_version_with_alternates(client, newsroom):
    urlset = xml(client, "/sitemap-world.xml")
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in urlset.iter(f"{SITEMAP}url")}

    article = urls["http://testserver/en/world/both/"]
    alternates = {link.get("hreflang"): link.get("href") for link in article.iter(f"{XHTML}link")}
    assert "http://testserver/zh-hans/world/both/" in urls
    assert alternates == {
        "zh-hans": "http://testserver/zh-hans/world/both/",
        "en": "http://testserver/en/world/both/",
        "x-default": "http://testserver/world/both/",
    }
    assert article.findtext(f"{SITEMAP}lastmod") == timezone.localdate().isoformat()
    sections = xml(client, "/sitemap-sections.xml")
    section_urls = [loc.text for loc in sections.iter(f"{SITEMAP}loc")]
    assert "http://testserver/en/world/" in section_urls


def test_the_news_sitemap_has_the_last_two_days_in_each_language(client, newsroom):
    urlset = xml(client, "/sitemap-news.xml")
    entries = {
        url.findtext(f"{SITEMAP}loc"): (
            url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language"),
            url.findtext(f"{NEWS}news/{NEWS}title"),
        )
        for url in urlset.iter(f"{SITEMAP}url")
    }

    assert entries == {
        "http://testserver/zh-hans/world/both/": ("zh-cn", "双语"),
        "http://testserver/en/world/both/": ("en", "Both"),
        "http://testserver/zh-hans/city/chinese/": ("zh-cn", "中文"),
    }
    names = {
        publication.findtext(f"{NEWS}language"): publication.findtext(f"{NEWS}name")
        for publication in urlset.iter(f"{NEWS}publication")
    }
    assert names == {"zh-cn": "新闻室", "en": "Newsroom"}  # as each language's readers know it
    first = next(urlset.iter(f"{SITEMAP}url"))
    assert first.findtext(f"{NEWS}news/{NEWS}publication_date")


def test_a_sitemap_for_a_section_that_does_not_exist_is_not_found(client, newsroom):
    assert client.get("/sitemap-nowhere.xml").status_code == 404


def test_long_section_sitemaps_are_split_into_pages_listed_in_the_index(
    client, newsroom, monkeypatch
):
    monkeypatch.setattr(SectionSitemap, "limit", 3)  # world: 2 articles in 2 languages

    index = [loc.text for loc in xml(client, "/sitemap.xml").iter(f"{SITEMAP}loc")]
    pages = [
        [loc.text for loc in xml(client, f"/sitemap-world.xml?p={n}").iter(f"{SITEMAP}loc")]
        for n in (1, 2)
    ]

    assert "http://testserver/sitemap-world.xml?p=2" in index
    assert [len(addresses) for addresses in pages] == [3, 1]
    assert sorted(pages[0] + pages[1]) == sorted(
        f"http://testserver/{code}/world/{slug}/"
        for slug in ("both", "old")
        for code in ("zh-hans", "en")
    )
    assert client.get("/sitemap-world.xml?p=3").status_code == 404
    assert client.get("/sitemap-world.xml?p=two").status_code == 404


# Page metadata


def head(client, url):
    return page(client.get(url)).head


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/en/", "http://testserver/en/"),
        ("/zh-hans/world/", "http://testserver/zh-hans/world/"),
        ("/en/world/both/", "http://testserver/en/world/both/"),
    ],
)
def test_every_page_names_its_canonical_url_and_its_other_languages(
    client, newsroom, url, canonical
):
    tags = head(client, url)
    alternates = {
        link["hreflang"]: link["href"] for link in tags.select('link[rel="alternate"][hreflang]')
    }

    assert tags.select_one('link[rel="canonical"]')["href"] == canonical
    path = canonical.removeprefix("http://testserver").split("/", 2)[2]
    assert alternates == {
        "zh-hans": f"http://testserver/zh-hans/{path}",
        "en": f"http://testserver/en/{path}",
        "x-default": f"http://testserver/{path}",
    }
    assert tags.select_one('meta[property="og:url"]')["content"] == canonical
    assert tags.select_one('meta[name="twitter:card"]')["content"] == "summary"


def test_article_pages_have_opengraph_article_tags(client, newsroom):
    tags = head(client, "/zh-hans/world/both/")
    og = {meta["property"]: meta["content"] for meta in tags.select("meta[property]")}

    assert og["og:type"] == "article"
    assert og["og:title"] == "双语"
    assert og["og:locale"] == "zh_CN" and og["og:locale:alternate"] == "en_US"
    assert og["article:section"] == "国际"
    assert og["article:published_time"].startswith(
        timezone.localtime(newsroom["both"].published_at).isoformat()[:16]
    )


def test_json_ld_describes_each_language_version_as_a_news_article(client, newsroom):
    article = newsroom["both"]
    script = head(client, "/en/world/both/").select_one('script[type="application/ld+json"]')
    data = json.loads(script.string)

    assert data["@context"] == "https://schema.org"
    versions = {entry["inLanguage"]: entry for entry in data["@graph"]}
    assert set(versions) == {"zh-Hans", "en"}
    english = versions["en"]
    for required in (
        "headline",
        "datePublished",
        "dateModified",
        "inLanguage",
        "articleSection",
        "publisher",
        "mainEntityOfPage",
    ):
        assert english[required], required
    assert english["headline"] == "Both"
    assert english["articleSection"] == "World"
    assert versions["zh-Hans"]["articleSection"] == "国际"
    assert english["mainEntityOfPage"]["@id"] == "http://testserver/en/world/both/"
    assert english["publisher"] == {"@type": "NewsMediaOrganization", "name": "Newsroom"}
    assert english["datePublished"] == timezone.localtime(article.published_at).isoformat()


def test_json_ld_leaves_out_a_language_the_article_is_not_written_in(client, newsroom):
    script = head(client, "/en/city/chinese/").select_one('script[type="application/ld+json"]')

    assert [entry["inLanguage"] for entry in json.loads(script.string)["@graph"]] == ["zh-Hans"]


def test_json_ld_cannot_be_broken_out_of(client, make_article):
    make_article(slug="tricky", title_en="</script><script>alert(1)</script>")

    soup = page(client.get("/en/world/tricky/"))
    script = soup.head.select_one('script[type="application/ld+json"]')

    assert json.loads(script.string)["@graph"][1]["headline"].startswith("</script>")
    assert not soup.select("head script:not([type])")
