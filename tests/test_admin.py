"""The desk: editors add and correct articles through the admin's own forms; admins manage
sections. Requests go through the real admin views with the test client."""

import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article, Section

from .conftest import git_hash_object, page
from .desk import article_form, change_form, errors


def test_editor_adds_an_article_and_publishes_it_for_readers(
    admin_client, admin_user, client, make_section
):
    section = make_section("world")

    added = admin_client.post(
        "/admin/articles/article/add/", article_form(section, transition="submit")
    )
    article = Article.objects.get(slug="river-ferry-returns")
    assert client.get("/en/world/river-ferry-returns/").status_code == 404
    published = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/", change_form(article, transition="publish")
    )

    assert added.status_code == 302, errors(added)
    assert published.status_code == 302, errors(published)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.created_by == admin_user and article.updated_by == admin_user
    assert article.fingerprint == git_hash_object(article.document_bytes())
    soup = page(client.get("/en/world/river-ferry-returns/"))
    assert soup.select_one("main h1").get_text() == "The river ferry sails again"


def test_editor_corrects_an_article_and_its_fingerprint_changes(admin_client, make_article):
    article = make_article(slug="river-ferry-returns")
    before = article.fingerprint
    form = change_form(article, body_en="Corrected: the ferry runs every hour.")

    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.body_en == "Corrected: the ferry runs every hour."
    assert article.fingerprint not in ("", before)
    assert article.fingerprint == git_hash_object(article.document_bytes())


def test_a_draft_can_be_saved_half_written(admin_client, make_section):
    form = article_form(make_section("world"), body_en="", published_at_0="", published_at_1="")

    response = admin_client.post("/admin/articles/article/add/", form)

    assert response.status_code == 302, errors(response)
    assert Article.objects.get().status == Article.Status.DRAFT
    assert Article.objects.get().fingerprint == ""


def test_publishing_without_a_date_publishes_now(admin_client, make_article):
    article = make_article(status=Article.Status.REVIEW, published_at=None)
    form = change_form(article, transition="publish", published_at_0="", published_at_1="")

    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert abs(article.published_at - timezone.now()) < timedelta(minutes=1)


def test_a_body_with_a_language_marker_line_is_refused_and_nothing_saved(
    admin_client, make_section
):
    form = article_form(make_section("world"), body_en="Intro\n<!-- lang: zh-hans -->\nmore")

    response = admin_client.post("/admin/articles/article/add/", form)

    assert response.status_code == 200
    assert any("Line 2" in error and "<!-- lang:" in error for error in errors(response))
    assert not Article.objects.exists()
    # What the editor typed is still in the form.
    soup = BeautifulSoup(response.content, "lxml")
    assert "Intro" in soup.select_one("#id_body_en").get_text()


def test_publishing_a_language_with_a_title_but_no_body_is_refused(admin_client, make_article):
    article = make_article(status=Article.Status.REVIEW)
    form = change_form(article, body_en="", transition="publish")

    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)

    assert response.status_code == 200
    assert any("needs both a title and a body" in error for error in errors(response))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.body_en


def test_a_reserved_or_non_ascii_slug_is_refused(admin_client, make_section):
    section = make_section("world")
    for slug in ("en", "admin", "渡轮"):
        response = admin_client.post(
            "/admin/articles/article/add/", article_form(section, slug=slug)
        )
        assert response.status_code == 200
        assert errors(response)
    assert not Article.objects.exists()


def test_the_same_slug_twice_in_a_section_is_refused(admin_client, make_article):
    article = make_article(slug="river-ferry-returns")

    response = admin_client.post("/admin/articles/article/add/", article_form(article.section))

    assert response.status_code == 200
    assert any("already has an article with this slug" in e for e in errors(response))
    assert Article.objects.count() == 1


def test_article_form_has_a_column_per_language_and_slug_follows_english_title(admin_client, db):
    soup = page(admin_client.get("/admin/articles/article/add/"))

    columns = soup.select("fieldset.desk-language")
    assert [c.select_one("h2").get_text(strip=True) for c in columns] == ["中文", "English"]
    for column, suffix, tag in zip(columns, ("zh_hans", "en"), ("zh-Hans", "en"), strict=True):
        for field in ("title", "summary", "body"):
            assert column.select_one(f"#id_{field}_{suffix}")["lang"] == tag
        labels = [label.get_text(strip=True) for label in column.select("label")]
        assert not any("[" in label for label in labels), labels  # no raw language codes
    assert not soup.select_one('script[src*="modeltranslation/js/tabbed_translation_fields"]')
    prepopulated = soup.select_one("#django-admin-prepopulated-fields-constants")
    fields = json.loads(prepopulated["data-prepopulated-fields"])
    assert fields[0]["id"] == "#id_slug" and fields[0]["dependency_ids"] == ["#id_title_en"]


@pytest.mark.parametrize(
    "url",
    ["/admin/articles/article/add/", "/admin/articles/section/add/", "/admin/articles/article/"],
)
def test_admin_pages_load_nothing_from_other_hosts(admin_client, db, url):
    soup = page(admin_client.get(url))
    sources = [tag.get("src") for tag in soup.find_all("script") if tag.get("src")]
    sources += [tag["href"] for tag in soup.find_all("link", rel="stylesheet")]

    assert sources
    for source in sources:
        assert source.startswith("/") and not source.startswith("//"), source
        assert admin_client.get(source).status_code == 200, source


def test_list_shows_which_languages_are_complete(admin_client, make_article):
    make_article(slug="both")
    make_article(slug="no-english", title_en=None, summary_en=None, body_en=None)
    make_article(slug="no-chinese", title_zh_hans="", summary_zh_hans="", body_zh_hans="")

    soup = page(admin_client.get("/admin/articles/article/"))
    cells = [td.get_text(strip=True) for td in soup.select("td.field-language_status")]

    assert sorted(cells) == sorted(["中 ✓ · EN ✓", "中 ✓ · EN —", "中 — · EN ✓"])


@pytest.mark.parametrize("empty", [None, ""])
def test_list_filters_articles_missing_a_translation(admin_client, make_article, empty):
    make_article(slug="both", title_en="Complete")
    make_article(
        slug="no-english", title_zh_hans="缺英文", title_en=empty, summary_en=empty, body_en=empty
    )

    soup = page(admin_client.get("/admin/articles/article/?missing=en"))
    rows = [a.get_text() for a in soup.select("#result_list tbody th a")]

    assert rows == ["缺英文"]


def test_list_filters_by_section_and_status(admin_client, make_section, make_article):
    make_article(section=make_section("world"), slug="abroad", title_en="Abroad")
    city = make_section("city", name_en="City")
    make_article(section=city, slug="home", title_en="At home", status=Article.Status.DRAFT)

    by_section = page(admin_client.get(f"/admin/articles/article/?section__id__exact={city.pk}"))
    by_status = page(admin_client.get("/admin/articles/article/?status__exact=published"))

    assert [a.get_text() for a in by_section.select("#result_list tbody th a")] == ["At home"]
    assert [a.get_text() for a in by_status.select("#result_list tbody th a")] == ["Abroad"]


@pytest.mark.parametrize(
    ("query", "found"), [("渡轮", "both"), ("commuters", "both"), ("nothing", None)]
)
def test_search_covers_both_languages_titles_and_bodies(admin_client, make_article, query, found):
    make_article(slug="both", title_zh_hans="渡轮开航", body_en="Full of commuters.")
    make_article(slug="other")

    soup = page(admin_client.get("/admin/articles/article/", {"q": query}))
    links = [a["href"] for a in soup.select("#result_list tbody th a")]

    if found:
        assert len(links) == 1
        assert (
            Article.objects.get(slug=found).get_absolute_url()
            and str(Article.objects.get(slug=found).pk) in links[0]
        )
    else:
        assert links == []


def test_search_finds_an_article_by_its_address(admin_client, make_article):
    wanted = make_article(slug="harbour-cranes-go-electric", title_en="Cranes")
    make_article(slug="harbour-ferries", title_en="Ferries")

    soup = page(admin_client.get("/admin/articles/article/", {"q": "harbour-cranes"}))

    links = [a["href"] for a in soup.select("#result_list tbody th a")]
    assert [link.split("?")[0] for link in links] == [
        f"/admin/articles/article/{wanted.pk}/change/"
    ]


@pytest.mark.parametrize(
    ("accept", "heading"),
    [("zh-CN,zh;q=0.9", "选择 文章 来修改"), ("en-US,en;q=0.9", "Select article to change")],
)
def test_admin_follows_the_editors_language(admin_client, db, accept, heading):
    response = admin_client.get("/admin/articles/article/", headers={"accept-language": accept})

    assert page(response).select_one("#content h1").get_text(strip=True) == heading


def test_the_chinese_desk_names_every_app_and_list_in_chinese(admin_client, db):
    response = admin_client.get("/admin/", headers={"accept-language": "zh-CN,zh;q=0.9"})

    soup = page(response)
    apps = [caption.get_text(strip=True) for caption in soup.select("#content-main caption")]
    lists = [link.get_text(strip=True) for link in soup.select("#content-main th a")]
    assert "登录限制" in apps and "后台任务" in apps and "任务结果" in lists
    assert not [name for name in apps + lists if name.isascii()]


def test_admin_manages_sections_with_both_names(admin_client, db):
    response = admin_client.post(
        "/admin/articles/section/add/",
        {
            "name_zh_hans": "体育",
            "name_en": "Sport",
            "description_zh_hans": "",
            "description_en": "",
            "slug": "sport",
            "position": "3",
            "is_visible": "on",
        },
    )

    assert response.status_code == 302, errors(response)
    section = Section.objects.get(slug="sport")
    assert (section.name_zh_hans, section.name_en, section.position) == ("体育", "Sport", 3)


def test_a_section_needs_a_name_in_some_language(admin_client, db):
    response = admin_client.post(
        "/admin/articles/section/add/",
        {"name_zh_hans": "", "name_en": "", "slug": "x", "position": "0"},
    )

    assert response.status_code == 200
    assert any("at least one language" in error for error in errors(response))
    assert not Section.objects.exists()


def test_renaming_a_section_slug_in_the_admin_updates_article_fingerprints(
    admin_client, make_section, make_article
):
    section = make_section("world")
    article = make_article(section=section, slug="ferry")
    data = {
        "name_zh_hans": "国际",
        "name_en": "World",
        "slug": "international",
        "position": "0",
        "is_visible": "on",
        "base_version": section.version,
    }

    asked = admin_client.post(f"/admin/articles/section/{section.pk}/change/", data)
    unchanged = Section.objects.get(pk=section.pk).slug
    confirm = page(asked).select_one('input[name="confirm_slug"]')["value"]
    response = admin_client.post(
        f"/admin/articles/section/{section.pk}/change/", {**data, "confirm_slug": confirm}
    )

    assert unchanged == "world"
    assert any("gives 1 published article a new address" in e for e in errors(asked))
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.fingerprint == git_hash_object(article.document_bytes())
    assert b'section = "international"' in article.document_bytes()


def test_deleting_a_section_with_articles_is_refused(admin_client, make_article):
    article = make_article()
    section = article.section

    confirm = admin_client.get(f"/admin/articles/section/{section.pk}/delete/")
    attempt = admin_client.post(f"/admin/articles/section/{section.pk}/delete/", {"post": "yes"})
    bulk = admin_client.post(
        "/admin/articles/section/",
        {"action": "delete_selected", "_selected_action": [section.pk], "post": "yes"},
    )

    assert "protected related objects" in confirm.content.decode()
    assert attempt.status_code == 200 and bulk.status_code == 200
    assert Section.objects.filter(pk=section.pk).exists()
    assert Article.objects.filter(pk=article.pk).exists()


def test_an_empty_section_can_be_deleted(admin_client, make_section):
    section = make_section("empty")

    response = admin_client.post(f"/admin/articles/section/{section.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Section.objects.exists()
