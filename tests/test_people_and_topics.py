"""Bylines, author pages, topics and related articles: in the article document (and so the
fingerprint), on reader pages, in feeds, JSON-LD and sitemaps, and in the desk."""

import io
import json
from datetime import timedelta

import feedparser
import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from articles import documents, revisions
from articles.models import Article
from people.models import Byline, Person
from topics import merging
from topics.models import ArticleTopic, Topic

from .conftest import git_hash_object, page
from .desk import article_form, change_form, change_url, errors

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

DOCUMENT = """+++
section = "world"
slug = "tea-harvest"
published = 2026-05-04T09:30:00+08:00
languages = ["zh-hans", "en"]
authors = ["li-wei", "jane-roe"]
topics = ["climate", "farming"]

[zh-hans]
title = "春茶提前采摘"
summary = "暖冬让茶园提早两周开采。"

[en]
title = "An early tea harvest"
summary = "A warm winter brought picking forward by two weeks."
+++

<!-- lang: zh-hans -->

山坡上的茶农比往年早了两周开始采摘。

<!-- lang: en -->

Growers on the hillside began picking two weeks earlier than usual.
"""


@pytest.fixture
def imported(db, tmp_path, make_section):
    make_section("world")
    path = tmp_path / "tea-harvest.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    output = io.StringIO()
    call_command("import_articles", str(path), stdout=output)
    article = Article.objects.get(slug="tea-harvest")
    Person.objects.filter(slug="li-wei").update(name_zh_hans="李伟", name_en="Li Wei")
    Topic.objects.filter(slug="climate").update(name_zh_hans="气候", name_en="Climate")
    return article, output.getvalue()


@pytest.fixture
def people(db):
    def make(slug, zh="", en="", **fields) -> Person:
        return Person.objects.create(slug=slug, name_zh_hans=zh, name_en=en, **fields)

    return make


@pytest.fixture
def topic(db):
    def make(slug, zh="", en="") -> Topic:
        return Topic.objects.create(slug=slug, name_zh_hans=zh, name_en=en)

    return make


def credited(make_article, byline=(), topics=(), **fields) -> Article:
    """An article saved through the desk's save path with this byline and these topics."""
    article = make_article(**fields)
    article.set_byline(byline)
    article.set_topics(topics)
    revisions.save_article(article)
    return article


# The article document


def test_the_byline_and_topics_are_part_of_the_document_and_its_fingerprint(imported, client):
    article, output = imported

    document = client.get("/world/tea-harvest.md").content
    assert document == DOCUMENT.encode()
    assert git_hash_object(document) == article.fingerprint
    assert "Created person 'jane-roe' named 'Jane Roe'." in output
    assert "Created topic 'farming' named 'Farming'." in output
    footer = page(client.get("/en/world/tea-harvest/")).select_one(".fingerprint")
    assert article.fingerprint in footer.get_text()


def test_export_then_import_into_an_empty_site_gives_the_same_bytes(imported, tmp_path):
    call_command("export_articles", str(tmp_path / "first"), stdout=io.StringIO())
    Article.objects.all().delete()
    Byline.objects.all().delete()
    ArticleTopic.objects.all().delete()
    Person.objects.all().delete()
    Topic.objects.all().delete()
    call_command("import_articles", str(tmp_path / "first"), stdout=io.StringIO())
    call_command("export_articles", str(tmp_path / "second"), stdout=io.StringIO())

    first = (tmp_path / "first" / "world" / "tea-harvest.md").read_bytes()
    assert (tmp_path / "second" / "world" / "tea-harvest.md").read_bytes() == first
    assert b'authors = ["li-wei", "jane-roe"]' in first


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('authors = "li-wei"', '"authors" must be a list of slugs'),
        ('authors = ["Li Wei"]', "\"authors\" lists 'Li Wei'; a slug uses only"),
        ('topics = ["climate", "climate"]', "\"topics\" lists 'climate' twice"),
    ],
)
def test_a_bad_byline_or_topic_list_is_refused_at_its_line(line, problem):
    text = DOCUMENT.replace(
        'authors = ["li-wei", "jane-roe"]\ntopics = ["climate", "farming"]', line
    )
    with pytest.raises(documents.DocumentError) as error:
        documents.parse(text.encode(), languages=["zh-hans", "en"])
    assert error.value.line == 6
    assert problem in error.value.message


def test_an_earlier_version_keeps_its_byline_and_still_verifies(imported, client, people):
    article, _output = imported
    first = article.fingerprint
    article = Article.objects.get(pk=article.pk)
    article.set_byline([people("chen-jing", en="Chen Jing")])
    revisions.save_article(article, note="Byline corrected")

    assert article.fingerprint != first
    earlier = client.get(f"/world/tea-harvest@{first}.md").content
    assert git_hash_object(earlier) == first
    assert b'authors = ["li-wei", "jane-roe"]' in earlier
    names = page(client.get(f"/en/world/tea-harvest/@{first}/")).select(".byline a")
    assert [a.get_text() for a in names][:2] == ["Li Wei", "Jane Roe"]


# Reader pages


def test_the_article_page_shows_the_byline_in_both_languages_and_the_topics(imported, client):
    soup = page(client.get("/zh-hans/world/tea-harvest/"))

    chinese, english = soup.select("article.article-version")
    assert [a.get_text() for a in chinese.select(".byline a")] == ["李伟", "Jane Roe"]
    assert chinese.select_one(".byline").get_text(" ", strip=True).startswith("文")
    assert [a.get_text() for a in english.select(".byline a")] == ["Li Wei", "Jane Roe"]
    assert "By Li Wei and Jane Roe" in english.select_one(".byline").get_text(" ", strip=True)
    assert english.select(".byline a")[0]["href"] == "/en/authors/li-wei/"
    topics = soup.select(".article-topics a")
    assert [(a.get_text(), a["href"]) for a in topics] == [
        ("气候", "/zh-hans/topics/climate/"),
        ("Farming", "/zh-hans/topics/farming/"),
    ]
    assert topics[1]["lang"] == "en"  # named only in English so far


def test_roles_read_as_a_newsroom_writes_them(make_article, people, client):
    credited(
        make_article,
        byline=[
            (people("li-wei", "李伟", "Li Wei"), ""),
            (people("chen-jing", "陈静", "Chen Jing"), Byline.Role.PHOTOS),
            (people("xinhua", "新华社", "Xinhua"), Byline.Role.TRANSLATION),
        ],
        slug="roles",
    )
    soup = page(client.get("/en/world/roles/"))
    english, chinese = (
        soup.select_one(f'article[lang="{lang}"] .byline').get_text(" ", strip=True)
        for lang in ("en", "zh-Hans")
    )
    assert english == "By Li Wei · Photos by Chen Jing · Translated by Xinhua"
    assert "摄影" in chinese and "翻译" in chinese


def test_a_chinese_byline_spaces_latin_names_from_chinese_words(make_article, people, client):
    credited(
        make_article,
        byline=[
            people("jane-roe-2", en="Jane Roe"),
            people("li-wei-3", "李伟", "Li Wei"),
            people("tom-hale", en="Tom Hale"),
            people("emile", en="Émile Zola"),
            people("smith", en="J. Smith Jr."),
            people("chen-jing-2", "陈静"),
        ],
        slug="spaced",
    )
    credited(
        make_article,
        byline=[people("ann-lee", en="Ann Lee"), people("bo-chen", en="Bo Chen")],
        slug="two-latin-names",
    )

    def chinese_byline(slug):
        soup = page(client.get(f"/zh-hans/world/{slug}/"))
        return soup.select_one('article[lang="zh-Hans"] .byline').get_text()

    spaced = "文：Jane Roe、李伟、Tom Hale、Émile Zola、J. Smith Jr. 和陈静"
    assert chinese_byline("spaced") == spaced
    assert chinese_byline("two-latin-names") == "文：Ann Lee 和 Bo Chen"


def test_cards_carry_the_byline(imported, client):
    card = page(client.get("/en/world/")).select_one(".article-item")
    assert [a.get_text() for a in card.select(".article-item__byline a")] == ["Li Wei", "Jane Roe"]


def test_author_and_topic_pages_follow_a_changed_publication_date(
    make_article, people, topic, client
):
    li, tea = people("li-wei", en="Li Wei"), topic("tea", en="Tea")
    now = timezone.now()
    older = credited(
        make_article, byline=[li], topics=[tea], slug="older", published_at=now - timedelta(days=3)
    )
    credited(
        make_article, byline=[li], topics=[tea], slug="newer", published_at=now - timedelta(days=1)
    )
    draft = credited(
        make_article,
        byline=[li],
        topics=[tea],
        slug="draft",
        status=Article.Status.DRAFT,
        published_at=None,
    )

    def listed():
        """The slugs on the author page, the topic page and the author's feed, in order."""
        pages = [
            page(client.get(address)).select(".article-item__title a")
            for address in ("/en/authors/li-wei/", "/en/topics/tea/")
        ]
        feed = feedparser.parse(client.get("/en/authors/li-wei/feed/").content)
        links = [[a["href"] for a in links] for links in pages]
        links.append([entry.link for entry in feed.entries])
        return [[link.rstrip("/").rsplit("/", 1)[1] for link in found] for found in links]

    assert listed() == [["newer", "older"]] * 3

    older.published_at = now - timedelta(hours=1)  # a date corrected in the desk
    revisions.save_article(older)
    draft.status, draft.published_at = Article.Status.PUBLISHED, now - timedelta(days=2)
    revisions.save_article(draft)

    assert listed() == [["older", "newer", "draft"]] * 3


def test_an_author_page_lists_their_articles_newest_first_even_as_second_name(
    imported, make_article, people, client
):
    jane = Person.objects.get(slug="jane-roe")
    jane.description_en = "Jane Roe covers farming for the world desk."
    jane.save()
    newer = credited(make_article, byline=[people("li-wei-2", en="Li Wei Two"), jane], slug="newer")
    credited(make_article, byline=[people("someone", en="Someone")], slug="not-hers")

    soup = page(client.get("/en/authors/jane-roe/"))

    assert soup.select_one("h1").get_text() == "Jane Roe"
    assert "covers farming" in soup.select_one(".named-header__description").get_text()
    links = [a["href"] for a in soup.select(".article-item__title a")]
    assert links == [newer.get_absolute_url(), "/en/world/tea-harvest/"]
    alternates = {
        link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')
    }
    assert alternates["zh-hans"] == "http://testserver/zh-hans/authors/jane-roe/"
    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "ProfilePage"
    assert data["mainEntity"]["@type"] == "Person"
    assert data["mainEntity"]["name"] == "Jane Roe"
    assert data["mainEntity"]["url"] == "http://testserver/en/authors/jane-roe/"
    assert client.get("/en/authors/nobody/").status_code == 404


def test_author_and_topic_pages_paginate_like_sections(
    make_article, people, topic, client, settings
):
    li = people("li-wei", en="Li Wei")
    climate = topic("climate", en="Climate")
    for number in range(settings.ARTICLES_PER_PAGE + 2):
        credited(make_article, byline=[li], topics=[climate], slug=f"story-{number}")

    for address in ("/en/authors/li-wei/", "/en/topics/climate/"):
        first = page(client.get(address)).select(".article-item")
        second = page(client.get(f"{address}?page=2")).select(".article-item")
        assert (len(first), len(second)) == (settings.ARTICLES_PER_PAGE, 2)
        assert client.get(f"{address}?page=3").status_code == 404


def test_a_topic_page_gathers_articles_across_sections(make_article, make_section, topic, client):
    climate = topic("climate", "气候", "Climate")
    city = make_section("city", name_zh_hans="城市", name_en="City")
    here = credited(make_article, topics=[climate], slug="here")
    there = credited(make_article, topics=[climate], section=city, slug="there")
    credited(make_article, slug="elsewhere")

    soup = page(client.get("/zh-hans/topics/climate/"))

    assert soup.select_one("h1").get_text() == "气候"
    links = {a["href"] for a in soup.select(".article-item__title a")}
    assert links == {
        f"/zh-hans/world/{here.slug}/",
        f"/zh-hans/city/{there.slug}/",
    }


def test_unpublished_articles_stay_off_author_and_topic_pages(make_article, people, topic, client):
    li, climate = people("li-wei", en="Li Wei"), topic("climate", en="Climate")
    draft = credited(make_article, byline=[li], topics=[climate], slug="draft")
    assert len(page(client.get("/en/authors/li-wei/")).select(".article-item")) == 1
    draft.status = Article.Status.UNPUBLISHED
    revisions.save_article(draft)

    for address in ("/en/authors/li-wei/", "/en/topics/climate/"):
        assert page(client.get(address)).select(".article-item") == []


# Feeds, JSON-LD and sitemaps


def test_feed_entries_name_every_author_in_order_and_the_topics(imported, client):
    response = client.get("/en/feed/")
    root = etree.fromstring(response.content)
    entry = root.find(f"{ATOM}entry")

    authors = [
        (author.findtext(f"{ATOM}name"), author.findtext(f"{ATOM}uri"))
        for author in entry.findall(f"{ATOM}author")
    ]
    assert authors == [
        ("Li Wei", "http://testserver/en/authors/li-wei/"),
        ("Jane Roe", "http://testserver/en/authors/jane-roe/"),
    ]
    categories = [category.get("term") for category in entry.findall(f"{ATOM}category")]
    assert categories == ["World", "Climate", "Farming"]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo


def test_every_entry_has_an_author_as_atom_requires(make_article, client):
    make_article(slug="no-byline")
    root = etree.fromstring(client.get("/en/feed/").content)
    # RFC 4287: an entry without its own author takes the feed's.
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Newsroom"


def test_author_and_topic_feeds_hold_only_their_articles(imported, make_article, client):
    make_article(slug="other")
    for address in ("/en/authors/jane-roe/feed/", "/zh-hans/topics/climate/feed/"):
        parsed = feedparser.parse(client.get(address).content)
        assert not parsed.bozo
        assert [entry.link.rsplit("/", 2)[-2] for entry in parsed.entries] == ["tea-harvest"]
    assert client.get("/en/topics/nothing/feed/").status_code == 404


def test_json_ld_names_the_byline_as_an_ordered_array_of_person(imported, client):
    soup = page(client.get("/en/world/tea-harvest/"))
    graph = json.loads(soup.select_one('script[type="application/ld+json"]').string)["@graph"]

    english = next(entry for entry in graph if entry["inLanguage"] == "en")
    chinese = next(entry for entry in graph if entry["inLanguage"] == "zh-Hans")
    assert english["author"] == [
        {"@type": "Person", "name": "Li Wei", "url": "http://testserver/en/authors/li-wei/"},
        {"@type": "Person", "name": "Jane Roe", "url": "http://testserver/en/authors/jane-roe/"},
    ]
    assert chinese["author"][0] == {
        "@type": "Person",
        "name": "李伟",
        "url": "http://testserver/zh-hans/authors/li-wei/",
    }


def test_sitemaps_list_author_and_topic_pages_in_every_language(imported, client):
    index = etree.fromstring(client.get("/sitemap.xml").content)
    listed = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-authors.xml" in listed
    assert "http://testserver/sitemap-topics.xml" in listed

    authors = etree.fromstring(client.get("/sitemap-authors.xml").content)
    locations = {loc.text for loc in authors.iter(f"{SITEMAP}loc")}
    assert "http://testserver/en/authors/li-wei/" in locations
    assert "http://testserver/zh-hans/authors/jane-roe/" in locations
    topics = etree.fromstring(client.get("/sitemap-topics.xml").content)
    assert "http://testserver/en/topics/farming/" in {
        loc.text for loc in topics.iter(f"{SITEMAP}loc")
    }


# Related articles


def test_related_articles_share_topics_first_then_the_section(
    make_article, make_section, topic, client
):
    climate = topic("climate", en="Climate")
    city = make_section("city", name_zh_hans="城市", name_en="City")
    article = credited(make_article, topics=[climate], slug="main")
    on_topic = credited(make_article, topics=[climate], section=city, slug="on-topic")
    same_section = make_article(slug="same-section")
    credited(make_article, topics=[climate], slug="withdrawn", status=Article.Status.UNPUBLISHED)
    make_article(section=city, slug="unrelated")

    links = [a["href"] for a in page(client.get(f"/en/world/{article.slug}/")).select(".related a")]

    assert links == [on_topic.get_absolute_url(), same_section.get_absolute_url()]


def test_related_articles_prefer_the_readers_language(make_article, client):
    article = make_article(slug="main")
    english_only = make_article(
        slug="english", title_zh_hans="", body_zh_hans="", summary_zh_hans=""
    )
    chinese = make_article(slug="chinese", title_en="", body_en="", summary_en="")

    chinese_reader = [
        a["href"] for a in page(client.get("/zh-hans/world/main/")).select(".related a")
    ]
    english_reader = [a["href"] for a in page(client.get("/en/world/main/")).select(".related a")]

    assert chinese_reader[0] == f"/zh-hans/world/{chinese.slug}/"
    assert english_reader[0] == f"/en/world/{english_only.slug}/"
    assert article.get_absolute_url() not in chinese_reader + english_reader


# Caching: a person's new name reaches every page that shows it


def test_a_persons_new_name_reaches_cached_pages(imported, client, admin_client, settings):
    settings.PAGE_CACHE = True
    addresses = ("/en/world/tea-harvest/", "/en/world/", "/en/authors/li-wei/", "/en/feed/")
    for address in addresses:
        assert "Li Wei" in client.get(address).content.decode()
    li = Person.objects.get(slug="li-wei")

    response = admin_client.post(
        f"/admin/people/person/{li.pk}/change/",
        {"name_zh_hans": "李伟", "name_en": "Li Wei (Beijing)", "description_zh_hans": "",
         "description_en": "", "photo": "", "account": "", "base_version": li.version,
         "_save": "Save"},
    )  # fmt: skip

    assert response.status_code == 302, errors(response)
    for address in addresses:
        assert "Li Wei (Beijing)" in client.get(address).content.decode(), address


# The desk


def test_the_desk_saves_the_byline_in_the_order_chosen_with_roles(
    admin_client, make_section, people, topic
):
    world = make_section("world")
    li, jane = people("li-wei", en="Li Wei"), people("jane-roe", en="Jane Roe")
    chen = people("chen", en="Chen")
    climate, farming = topic("climate", en="Climate"), topic("farming", en="Farming")

    response = admin_client.post(
        "/admin/articles/article/add/",
        article_form(
            world,
            byline_by=[jane.pk, li.pk],
            byline_photos=[chen.pk],
            topics=[farming.pk, climate.pk],
            transition="publish",
        ),
    )

    assert response.status_code == 302, errors(response)
    article = Article.objects.get(slug="river-ferry-returns")
    assert [(line.person.slug, line.role) for line in article.byline] == [
        ("jane-roe", ""),
        ("li-wei", ""),
        ("chen", "photos"),
    ]
    assert [t.slug for t in article.topics] == ["farming", "climate"]
    assert b'authors = ["jane-roe", "li-wei", "chen"]\ntopics = ["farming", "climate"]' in (
        article.document_bytes()
    )
    form = page(admin_client.get(change_url(article)))
    chosen = form.select('select[name="byline_by"] option[selected]')
    assert [option.get_text() for option in chosen] == ["Jane Roe", "Li Wei"]


def test_a_writers_new_article_carries_their_byline(make_person, login, make_section, people):
    world = make_section("world")
    writer = make_person("liwei", "Writers", sections=[world])
    people("li-wei", en="Li Wei", account=writer)

    form = page(login(writer).get("/admin/articles/article/add/"))

    chosen = form.select('select[name="byline_by"] option[selected]')
    assert [option.get_text() for option in chosen] == ["Li Wei"]


def test_people_and_topics_are_found_as_you_type(admin_client, people, topic):
    people("li-wei", "李伟", "Li Wei")
    topic("climate", "气候", "Climate")

    found = admin_client.get(
        "/admin/autocomplete/",
        {"term": "李", "app_label": "people", "model_name": "byline", "field_name": "person"},
    ).json()
    assert [result["text"] for result in found["results"]] == ["Li Wei"]
    found = admin_client.get(
        "/admin/autocomplete/",
        {"term": "气", "app_label": "topics", "model_name": "articletopic", "field_name": "topic"},
    ).json()
    assert [result["text"] for result in found["results"]] == ["Climate"]


def test_a_byline_changed_meanwhile_is_kept_when_another_editor_saves(
    admin_client, make_article, people
):
    article = make_article(slug="story")
    opened = change_form(article)  # the second editor opens the form
    li = people("li-wei", en="Li Wei")
    first = change_form(article, byline_by=[li.pk])
    assert admin_client.post(change_url(article), first).status_code == 302

    opened["title_en"] = "A better headline"
    response = admin_client.post(change_url(article), opened)

    assert response.status_code == 302, errors(response)
    article = Article.objects.get(pk=article.pk)
    assert article.title_en == "A better headline"
    assert [person.slug for person in article.authors] == ["li-wei"]


def test_merging_a_topic_moves_its_articles_and_redirects(
    admin_client, make_article, topic, client
):
    climate, weather = topic("climate", en="Climate"), topic("weather", en="Weather")
    article = credited(make_article, topics=[weather], slug="storm")
    both = credited(make_article, topics=[weather, climate], slug="both")
    before = article.fingerprint

    response = admin_client.post(
        f"/admin/topics/topic/{weather.pk}/change/",
        {
            "slug": "weather",
            "name_en": "Weather",
            "name_zh_hans": "",
            "description_en": "",
            "description_zh_hans": "",
            "base_version": weather.version,
            "merge_into": climate.pk,
            "_save": "Save",
        },
    )

    assert response.status_code == 302, errors(response)
    assert not Topic.objects.filter(slug="weather").exists()
    article.refresh_from_db()
    assert b'topics = ["climate"]' in article.document_bytes()
    assert article.fingerprint == git_hash_object(article.document_bytes()) != before
    # What readers download names the topic it now has, and hashes to the new fingerprint.
    served = client.get("/world/storm.md").content
    assert b'topics = ["climate"]' in served
    assert git_hash_object(served) == article.fingerprint
    assert [t.slug for t in Article.objects.get(pk=both.pk).topics] == ["climate"]
    moved = client.get("/en/topics/weather/?page=1")
    assert (moved.status_code, moved["Location"]) == (301, "/en/topics/climate/?page=1")
    feed = client.get("/zh-hans/topics/weather/feed/")
    assert (feed.status_code, feed["Location"]) == (301, "/zh-hans/topics/climate/feed/")
    # The earlier text, which named the old topic, can still be checked.
    assert git_hash_object(client.get(f"/world/storm@{before}.md").content) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[]", "“[]” is not a valid value."),
        ("abc", "“abc” is not a valid value."),
        ("999999", "Select a valid choice. 999999 is not one of the available choices."),
        ("-1", "Select a valid choice. -1 is not one of the available choices."),
    ],
)
def test_a_forged_byline_choice_is_a_form_error(admin_client, make_article, value, message):
    article = make_article(slug="story")

    response = admin_client.post(change_url(article), change_form(article, byline_by=[value]))

    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert Article.objects.get(pk=article.pk).version == article.version


def test_a_forged_merge_target_is_a_form_error(admin_client, topic):
    weather = topic("weather", en="Weather")

    response = admin_client.post(
        f"/admin/topics/topic/{weather.pk}/change/",
        {
            "slug": "weather",
            "name_en": "Weather",
            "base_version": weather.version,
            "merge_into": "abc",
            "_save": "Save",
        },
    )

    assert response.status_code == 200
    assert errors(response) == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Topic.objects.filter(slug="weather").exists()


def test_two_editors_changing_a_byline_differently_choose_whose_to_keep(
    admin_client, make_article, people
):
    li, jane = people("li-wei", en="Li Wei"), people("jane-roe", en="Jane Roe")
    chen = people("chen", en="Chen")
    article = credited(make_article, byline=[li], slug="story")
    opened = change_form(article, byline_by=[li.pk, chen.pk])  # the second editor's change
    first = change_form(article, byline_by=[jane.pk])
    assert admin_client.post(change_url(article), first).status_code == 302

    response = admin_client.post(change_url(article), opened)

    assert response.status_code == 200
    conflict = page(response).select_one(".desk-conflict")
    assert "Jane Roe" in conflict.get_text() and "Li Wei, Chen" in conflict.get_text()
    assert [person.slug for person in Article.objects.get(pk=article.pk).authors] == ["jane-roe"]


def test_a_new_name_in_a_published_byline_reaches_that_persons_stored_pages(
    client, admin_client, make_article, people, settings
):
    settings.PAGE_CACHE = True
    li, jane = people("li-wei", en="Li Wei"), people("jane-roe", en="Jane Roe")
    article = credited(make_article, byline=[li], slug="story")
    assert page(client.get("/en/authors/jane-roe/")).select(".article-item") == []

    changed = change_form(article, byline_by=[li.pk, jane.pk])
    response = admin_client.post(change_url(article), changed)

    assert response.status_code == 302, errors(response)
    listed = page(client.get("/en/authors/jane-roe/")).select(".article-item__title a")
    assert [a["href"] for a in listed] == ["/en/world/story/"]
    assert client.get("/en/authors/jane-roe/feed/").content.count(b"<entry>") == 1


def test_deleting_an_article_moves_the_later_pages_of_its_authors(
    client, admin_client, make_article, people, settings
):
    settings.PAGE_CACHE = True
    li = people("li-wei", en="Li Wei")
    newest, *_others = [
        credited(make_article, byline=[li], slug=f"story-{n}")
        for n in range(settings.ARTICLES_PER_PAGE + 1)
    ]
    assert len(page(client.get("/en/authors/li-wei/?page=2")).select(".article-item")) == 1

    response = admin_client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [newest.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert client.get("/en/authors/li-wei/?page=2").status_code == 404


def test_import_update_keeps_what_each_person_did(imported, tmp_path):
    article, _output = imported
    article = Article.objects.get(pk=article.pk)
    article.set_byline([(person, Byline.Role.REPORTING) for person in article.authors])
    revisions.save_article(article)
    path = tmp_path / "tea-harvest.md"
    path.write_text(DOCUMENT.replace("两周开始", "十天开始"), encoding="utf-8")

    call_command("import_articles", "--update", str(path), stdout=io.StringIO())

    updated = Article.objects.get(pk=article.pk)
    assert "十天" in updated.body_zh_hans
    assert [line.role for line in updated.byline] == ["reporting", "reporting"]


def test_two_administrators_editing_a_person_do_not_overwrite_each_other(admin_client, people):
    li = people("li-wei", en="Li Wei")
    form = {"name_zh_hans": "", "description_zh_hans": "", "description_en": "", "photo": "",
            "account": "", "base_version": li.version, "_save": "Save"}  # fmt: skip
    address = f"/admin/people/person/{li.pk}/change/"
    assert admin_client.post(address, {**form, "name_en": "Li Wei (Beijing)"}).status_code == 302

    response = admin_client.post(address, {**form, "name_en": "Li Wei (Shanghai)"})

    assert response.status_code == 200
    assert "Someone saved this while you were editing it" in response.content.decode()
    assert Person.objects.get(pk=li.pk).name_en == "Li Wei (Beijing)"
    again = admin_client.post(address, {**form, "name_en": "Li Wei (Shanghai)",
                                        "base_version": li.version + 1})  # fmt: skip
    assert again.status_code == 302
    assert Person.objects.get(pk=li.pk).name_en == "Li Wei (Shanghai)"


def test_a_merged_topics_slug_cannot_be_taken_by_a_new_topic(admin_client, make_article, topic):
    climate, weather = topic("climate", en="Climate"), topic("weather", en="Weather")
    merging.merge(weather, climate, user=None)

    response = admin_client.post(
        "/admin/topics/topic/add/",
        {"slug": "weather", "name_en": "Weather again", "name_zh_hans": "",
         "description_en": "", "description_zh_hans": "", "_save": "Save"},
    )  # fmt: skip

    assert response.status_code == 200
    assert errors(response) == ["“weather” was merged into “Climate” and its address leads there."]


def test_a_topic_or_person_given_twice_keeps_its_first_place(make_article, people, topic):
    climate, energy = topic("climate", en="Climate"), topic("energy", en="Energy")
    li, jane = people("li-wei", en="Li Wei"), people("jane-roe", en="Jane Roe")

    article = credited(
        make_article, byline=[li, jane, li], topics=[climate, energy, climate], slug="twice"
    )

    assert b'authors = ["li-wei", "jane-roe"]\ntopics = ["climate", "energy"]' in (
        Article.objects.get(pk=article.pk).document_bytes()
    )
