"""Revisions: every save is kept, compared per language, restored as a new revision, previewed
as readers would see it, and cheap to keep."""

import random
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import revisions
from articles.models import Article, Revision

from .conftest import page
from .desk import change_form, change_url


def revisions_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/revisions/"


def test_every_save_keeps_a_revision_with_who_when_and_note(admin_client, admin_user, make_article):
    article = make_article(body_en="First text.")

    admin_client.post(
        change_url(article), change_form(article, body_en="Second text.", note_en="Tightened")
    )

    history = list(article.revisions.order_by("number"))
    assert [r.number for r in history] == [1, 2]
    assert history[0].texts["en"]["body"] == "First text."
    assert history[1].texts["en"]["body"] == "Second text."
    assert history[1].texts["zh-hans"]["title"] == article.title_zh_hans
    assert (history[1].created_by, history[1].note) == (admin_user, "Tightened")
    assert history[1].status == Article.Status.PUBLISHED and history[1].fingerprint


def test_diff_is_word_by_word_in_english_and_character_by_character_in_chinese(
    admin_client, make_article
):
    article = make_article(body_en="The ferry runs daily.", body_zh_hans="渡轮每天运行。")
    admin_client.post(
        change_url(article),
        change_form(article, body_en="The ferry runs hourly.", body_zh_hans="渡轮每小时运行。"),
    )

    soup = page(admin_client.get(revisions_url(article) + "compare/", {"old": 1, "new": 2}))
    english = soup.select_one('.revision-diff[lang="en"]')
    chinese = soup.select_one('.revision-diff[lang="zh-Hans"]')

    assert [d.get_text() for d in english.select("del")] == ["daily"]
    assert [i.get_text() for i in english.select("ins")] == ["hourly"]
    assert [d.get_text() for d in chinese.select("del")] == ["天"]
    assert [i.get_text() for i in chinese.select("ins")] == ["小时"]


def test_comparing_needs_two_existing_revisions(admin_client, make_article):
    article = make_article()

    assert admin_client.get(revisions_url(article) + "compare/").status_code == 400
    missing = admin_client.get(revisions_url(article) + "compare/", {"old": 1, "new": 9})
    assert missing.status_code == 404


def test_restoring_adds_a_revision_and_keeps_the_history(admin_client, make_article):
    article = make_article(body_en="Original.")
    admin_client.post(change_url(article), change_form(article, body_en="Mistaken edit."))

    response = admin_client.post(revisions_url(article) + "1/restore/")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body_en == "Original."
    bodies = list(article.revisions.order_by("number").values_list("texts__en__body", flat=True))
    assert bodies == ["Original.", "Mistaken edit.", "Original."]
    assert article.revisions.get(number=3).note == "Restored revision 1"


def test_restore_needs_a_post(admin_client, make_article):
    article = make_article()

    assert admin_client.get(revisions_url(article) + "1/restore/").status_code == 405


def add_revisions(article: Article, count: int) -> None:
    big = {"en": {"title": "t", "summary": "", "body": "word " * 2000}}
    Revision.objects.bulk_create(
        Revision(
            article=article,
            number=number,
            article_version=1,
            status=Article.Status.DRAFT,
            section_slug="world",
            slug=article.slug,
            texts=big,
        )
        for number in range(2, count + 1)
    )


def test_revision_history_is_paginated(admin_client, make_article):
    article = make_article()
    add_revisions(article, 120)

    first = page(admin_client.get(revisions_url(article)))
    last = page(admin_client.get(revisions_url(article), {"page": 3}))

    assert len(first.select("table.desk-revisions tbody tr")) == 50
    assert len(last.select("table.desk-revisions tbody tr")) == 20
    assert admin_client.get(revisions_url(article), {"page": 4}).status_code == 404
    assert admin_client.get(revisions_url(article), {"page": "x"}).status_code == 404


def test_an_article_with_500_revisions_opens_like_one_with_5(admin_client, make_article):
    few, many = make_article(slug="few"), make_article(slug="many")
    add_revisions(few, 5)
    add_revisions(many, 500)

    def load(article):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(change_url(article)).status_code == 200
        return queries

    few_queries, many_queries = load(few), load(many)

    assert len(few_queries) == len(many_queries)
    # No query reads the revisions' texts when the article opens.
    assert not any("articles_revision" in q["sql"] for q in many_queries.captured_queries)


def test_history_page_does_not_load_revision_texts(admin_client, make_article):
    article = make_article()
    add_revisions(article, 60)

    with CaptureQueriesContext(connection) as queries:
        admin_client.get(revisions_url(article))

    revision_queries = [
        q["sql"] for q in queries.captured_queries if "articles_revision" in q["sql"]
    ]
    assert revision_queries and not any('"texts"' in sql for sql in revision_queries)


# Previews


def test_editor_previews_a_draft_revision_in_both_interface_languages(admin_client, make_article):
    article = make_article(status=Article.Status.DRAFT, title_en="Draft headline")

    english = page(admin_client.get(revisions_url(article) + "1/preview/en/"))
    chinese = page(admin_client.get(revisions_url(article) + "1/preview/zh-hans/"))

    assert english.html["lang"] == "en" and chinese.html["lang"] == "zh-Hans"
    assert english.select_one("main h1").get_text() == "Draft headline"
    assert chinese.select_one("main h1").get_text() == article.title_zh_hans
    assert english.select_one("a.back-link").get_text(strip=True) == "← Back to World"
    assert chinese.select_one("a.back-link").get_text(strip=True) == "← 返回 国际"


def share_link(admin_client, article: Article, number: int = 1) -> str:
    soup = page(admin_client.get(revisions_url(article)))
    row = soup.select("table.desk-revisions tbody tr")[-number]
    return row.select_one("input.desk-share")["value"]


def test_signed_preview_link_works_without_an_account(admin_client, client, make_article):
    article = make_article(slug="secret-draft", status=Article.Status.DRAFT, title_en="Embargoed")

    link = share_link(admin_client, article)
    response = client.get(link.replace("/zh-hans/", "/en/"))

    assert client.get("/en/world/secret-draft/").status_code == 404
    assert response.status_code == 200
    assert page(response).select_one("main h1").get_text() == "Embargoed"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_a_tampered_preview_link_is_not_found(admin_client, client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    link = share_link(admin_client, article)

    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    assert client.get(tampered).status_code == 404
    assert client.get("/en/preview/not-a-token/").status_code == 404


def test_a_preview_link_expires(admin_client, client, make_article, settings):
    article = make_article(status=Article.Status.DRAFT)
    link = share_link(admin_client, article)

    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.PREVIEW_LINK_MAX_AGE + 60)
    ):
        expired = client.get(link)

    assert client.get(link).status_code == 200
    assert expired.status_code == 404


def test_people_who_cannot_see_an_article_cannot_preview_it(login, make_person, make_article):
    article = make_article(status=Article.Status.DRAFT)
    stranger = make_person("stranger", "Writers")

    response = login(stranger).get(revisions_url(article) + "1/preview/en/")

    assert response.status_code == 404
    assert "Report number" not in BeautifulSoup(response.content, "lxml").get_text()


def test_save_article_records_revision_numbers_in_order(make_article):
    article = make_article()
    for body in ("two", "three"):
        article.body_en = body
        revisions.save_article(article)

    assert list(article.revisions.values_list("number", flat=True)) == [3, 2, 1]


@pytest.mark.parametrize("bad", ["0", "99"])
def test_revisions_that_do_not_exist_are_not_found(admin_client, make_article, bad):
    article = make_article()

    assert admin_client.get(f"{revisions_url(article)}{bad}/preview/en/").status_code == 404
    assert admin_client.post(f"{revisions_url(article)}{bad}/restore/").status_code == 404


def test_a_revision_url_that_is_not_a_number_ends_at_the_admins_not_found_message(
    admin_client, make_article
):
    article = make_article()

    response = admin_client.get(f"{revisions_url(article)}abc/preview/en/", follow=True)

    assert response.status_code == 200
    assert "doesn’t exist" in response.content.decode()


def long_english(seed: int, words: int) -> str:
    rng = random.Random(seed)
    vocabulary = [
        "the",
        "ferry",
        "runs",
        "daily",
        "and",
        "the",
        "harbour",
        "cranes",
        "are",
        "electric",
        "now",
    ]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def test_a_small_correction_in_a_long_body_is_still_shown_word_by_word(admin_client, make_article):
    body = long_english(1, 60_000)
    article = make_article(body_en=body)
    article.body_en = body.replace(" ", " corrected ", 1)
    revisions.save_article(article)

    soup = page(admin_client.get(revisions_url(article) + "compare/", {"old": 1, "new": 2}))

    english = soup.select_one('.revision-diff[lang="en"]')
    assert [ins.get_text() for ins in english.select("ins")] == ["corrected "]
    assert "too long to compare" not in english.get_text()


def test_a_long_rewrite_is_shown_whole_and_the_page_says_so(admin_client, make_article):
    article = make_article(body_en="Intro.\n\n" + long_english(1, 20_000) + "\n\nEnd.")
    article.body_en = "Intro.\n\n" + long_english(2, 20_000) + "\n\nEnd."
    revisions.save_article(article)

    soup = page(admin_client.get(revisions_url(article) + "compare/", {"old": 1, "new": 2}))

    english = soup.select_one('.revision-diff[lang="en"] .revision-diff__field')
    assert "too long to compare word by word" in english.get_text()
    assert len(english.select("del")) == 1 and len(english.select("ins")) == 1
    assert english.select_one(".revision-diff__text").get_text().startswith("Intro.")
