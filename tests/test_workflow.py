"""Roles against actions: writers, an editor of one section and administrators, each trying
what they may and may not do, including requests no button would send."""

import pytest
from django.contrib.admin.models import LogEntry

from articles.models import Article, Section

from .conftest import git_hash_object, page
from .desk import article_form, bulk, change_form, change_url, errors

DRAFT, REVIEW, PUBLISHED, UNPUBLISHED = (
    Article.Status.DRAFT,
    Article.Status.REVIEW,
    Article.Status.PUBLISHED,
    Article.Status.UNPUBLISHED,
)


@pytest.fixture
def world(make_section):
    return make_section("world")


@pytest.fixture
def city(make_section):
    return make_section("city", name_zh_hans="城市", name_en="City")


@pytest.fixture
def writer(make_person):
    return make_person("writer", "Writers")


@pytest.fixture
def other_writer(make_person):
    return make_person("other-writer", "Writers")


@pytest.fixture
def world_editor(make_person, world):
    return make_person("world-editor", "Editors", sections=[world])


@pytest.fixture
def administrator(make_person):
    return make_person("administrator", "Administrators")


def status_of(article: Article) -> str:
    article.refresh_from_db()
    return article.status


# Writers


def test_writer_creates_a_draft_and_submits_it_for_review(login, writer, world):
    client = login(writer)

    response = client.post("/admin/articles/article/add/", article_form(world, transition="submit"))

    assert response.status_code == 302, errors(response)
    article = Article.objects.get()
    assert article.status == REVIEW
    assert article.created_by == writer


def test_writer_edits_own_draft(login, writer, make_article):
    article = make_article(status=DRAFT, by=writer)
    client = login(writer)

    response = client.post(change_url(article), change_form(article, title_en="Better title"))

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.title_en == "Better title"


def test_writer_cannot_publish_even_with_a_forged_button(login, writer, make_article):
    article = make_article(status=DRAFT, by=writer)
    client = login(writer)

    forged = client.post(change_url(article), change_form(article, transition="publish"))

    assert forged.status_code == 200
    assert any("may not take this step with this article: Publish" in e for e in errors(forged))
    assert status_of(article) == DRAFT


def test_writer_sees_no_publish_button_or_action(login, writer, make_article):
    article = make_article(status=DRAFT, by=writer)
    client = login(writer)

    form_page = client.get(change_url(article)).content.decode()
    list_page = client.get("/admin/articles/article/").content.decode()

    assert 'value="submit"' in form_page and 'value="publish"' not in form_page
    assert 'value="submit"' in list_page and 'value="publish"' not in list_page


def test_writer_cannot_change_what_is_in_review_or_published(login, writer, make_article):
    in_review = make_article(status=REVIEW, by=writer)
    published = make_article(status=PUBLISHED, by=writer)
    client = login(writer)

    for article in (in_review, published):
        before = article.title_en
        response = client.post(change_url(article), change_form(article, title_en="Sneaky"))
        # Refused, and the text is kept for its writer to copy (nothing typed is lost).
        assert response.status_code == 302 and response["Location"] == change_url(article)
        article.refresh_from_db()
        assert article.title_en == before
        kept = page(client.get(change_url(article))).select_one("#desk-restore")
        assert "Sneaky" in kept.get_text() and not kept.select("[data-restore]")


def test_writer_bulk_publish_is_refused(login, writer, make_article):
    article = make_article(status=REVIEW, by=writer)

    bulk(login(writer), "publish", article)

    assert status_of(article) == REVIEW


def test_writer_does_not_see_other_peoples_articles(login, writer, other_writer, make_article):
    theirs = make_article(status=DRAFT, by=other_writer, title_en="Not yours")
    client = login(writer)

    listing = client.get("/admin/articles/article/").content.decode()
    opened = client.get(change_url(theirs))
    forged = client.post(change_url(theirs), change_form(theirs, title_en="Mine now"))

    assert "Not yours" not in listing
    assert opened.status_code == 302  # the admin's "does not exist" redirect
    assert forged.status_code == 302
    theirs.refresh_from_db()
    assert theirs.title_en == "Not yours"


def test_writer_cannot_manage_sections(login, writer, world):
    client = login(writer)

    add = client.post("/admin/articles/section/add/", {"name_en": "X", "slug": "x", "position": 0})
    change = client.post(
        f"/admin/articles/section/{world.pk}/change/",
        {"name_en": "Renamed", "slug": "world", "position": 0, "base_version": world.version},
    )

    assert add.status_code == 403 and change.status_code == 403
    assert list(Section.objects.values_list("slug", flat=True)) == ["world"]


# Editors of one section


def test_editor_publishes_and_unpublishes_in_their_section(login, world_editor, make_article):
    article = make_article(status=REVIEW)
    client = login(world_editor)

    published = client.post(change_url(article), change_form(article, transition="publish"))
    article.refresh_from_db()
    asked = client.post(change_url(article), change_form(article, transition="unpublish"))
    still_published = status_of(article)
    unpublished = client.post(
        change_url(article), change_form(article, transition="unpublish", confirm_unpublish="1")
    )
    article.refresh_from_db()
    back = client.post(change_url(article), change_form(article, transition="back-to-draft"))

    assert [r.status_code for r in (published, unpublished, back)] == [302, 302, 302]
    assert asked.status_code == 200 and still_published == PUBLISHED
    assert any("Unpublishing takes this article away from readers" in e for e in errors(asked))
    assert page(asked).select_one('input[name="confirm_unpublish"][value="1"]')
    assert status_of(article) == DRAFT


def test_editor_corrects_a_published_article_in_their_section(login, world_editor, make_article):
    article = make_article(status=PUBLISHED)

    response = login(world_editor).post(
        change_url(article), change_form(article, body_en="Corrected.", note_en="Fixed a date")
    )

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.body_en == "Corrected." and article.correction_note_en == "Fixed a date"


def test_editor_cannot_touch_another_sections_articles(login, world_editor, city, make_article):
    article = make_article(section=city, status=REVIEW, title_en="City story")
    client = login(world_editor)

    listing = client.get("/admin/articles/article/").content.decode()
    forged = client.post(change_url(article), change_form(article, transition="publish"))
    bulk(client, "publish", article)

    assert "City story" not in listing
    assert forged.status_code == 302
    assert status_of(article) == REVIEW


def test_editor_cannot_move_an_article_into_another_section(
    login, world_editor, city, make_article
):
    article = make_article(status=DRAFT)

    response = login(world_editor).post(change_url(article), change_form(article, section=city.pk))

    assert response.status_code == 200
    assert any("valid choice" in error or "may not" in error for error in errors(response))
    article.refresh_from_db()
    assert article.section.slug == "world"


def test_editor_bulk_actions_apply_only_where_allowed(login, world_editor, city, make_article):
    mine = make_article(status=REVIEW)
    draft = make_article(status=DRAFT)
    elsewhere = make_article(section=city, status=REVIEW)

    response = bulk(login(world_editor), "publish", mine, draft, elsewhere)

    assert response.status_code == 302
    assert status_of(mine) == PUBLISHED
    assert status_of(draft) == PUBLISHED  # an editor may publish a draft of their section
    assert status_of(elsewhere) == REVIEW


def test_publishing_from_the_list_saves_the_article_whole(login, world_editor, make_article):
    """The list reads its rows without their longest columns; an article published from it is
    still saved as the desk's form saves it: its bodies rendered and its document kept."""
    article = make_article(status=REVIEW, slug="from-the-list")
    assert Article.objects.get(pk=article.pk).rendered == {}

    bulk(login(world_editor), "publish", article)

    published = Article.objects.get(pk=article.pk)
    assert published.status == PUBLISHED
    assert published.rendered["fingerprint"] == published.fingerprint
    assert git_hash_object(published.rendered["document"].encode()) == published.fingerprint
    assert set(published.rendered["html"]) == set(published.languages)


def test_editor_cannot_manage_sections_or_people(login, world_editor, world):
    client = login(world_editor)

    assert client.get("/admin/articles/section/add/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_editor_cannot_delete_articles(login, world_editor, make_article):
    article = make_article()

    response = login(world_editor).post(
        f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


# Administrators


def test_administrator_manages_sections_people_and_every_article(
    login, administrator, city, make_article
):
    article = make_article(section=city, status=REVIEW)
    client = login(administrator)

    section = client.post(
        "/admin/articles/section/add/",
        {"name_en": "Sport", "name_zh_hans": "体育", "slug": "sport", "position": 5},
    )
    people = client.get("/admin/auth/user/add/")
    published = client.post(change_url(article), change_form(article, transition="publish"))

    assert section.status_code == 302, errors(section)
    assert people.status_code == 200
    assert published.status_code == 302, errors(published)
    assert status_of(article) == PUBLISHED


def test_administrator_assigns_editors_to_a_section(login, administrator, make_person, world):
    editor = make_person("new-editor", "Editors")

    response = login(administrator).post(
        f"/admin/articles/section/{world.pk}/change/",
        {
            "name_zh_hans": "国际",
            "name_en": "World",
            "slug": "world",
            "position": 0,
            "is_visible": "on",
            "editors": [editor.pk],
            "base_version": world.version,
        },
    )

    assert response.status_code == 302, errors(response)
    assert list(world.editors.all()) == [editor]


# The record


def test_every_status_move_is_in_the_admin_history(login, world_editor, make_article):
    article = make_article(status=REVIEW)
    client = login(world_editor)

    client.post(change_url(article), change_form(article, transition="publish"))
    article.refresh_from_db()
    bulk(client, "unpublish", article, confirmed="yes")

    history = client.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    messages = list(
        LogEntry.objects.filter(object_id=str(article.pk))
        .order_by("action_time")
        .values_list("user__username", "change_message")
    )
    assert ("world-editor", "Status: In review → Published") in messages
    assert ("world-editor", "Status: Published → Unpublished") in messages
    assert "In review → Published" in history


def test_unpublishing_from_the_list_asks_first(login, world_editor, make_article):
    article = make_article(status=PUBLISHED, title_en="Harbour cranes")
    client = login(world_editor)

    asked = bulk(client, "unpublish", article)
    still = status_of(article)
    confirm = page(asked).select_one("#content form")
    data = {field["name"]: field["value"] for field in confirm.select("input[type=hidden]")}
    done = bulk(client, data["action"], article, confirmed=data["confirmed"])

    assert asked.status_code == 200 and still == PUBLISHED
    assert "Harbour cranes" in page(asked).select_one("#content ul").get_text()
    assert done.status_code == 302 and status_of(article) == UNPUBLISHED


def test_unpublishing_all_across_the_list_s_pages_unpublishes_all(
    login, world_editor, make_article
):
    articles = [make_article(status=PUBLISHED) for _ in range(3)]
    client = login(world_editor)

    asked = bulk(client, "unpublish", articles[0], select_across="1")
    confirm = page(asked).select_one("#content form")
    chosen = [field["value"] for field in confirm.select('input[name="_selected_action"]')]
    client.post(
        "/admin/articles/article/",
        {"action": "unpublish", "_selected_action": chosen, "confirmed": "yes", "index": 0},
    )

    assert sorted(chosen) == sorted(str(a.pk) for a in articles)
    assert {status_of(article) for article in articles} == {UNPUBLISHED}
