"""Autosave and presence in the article form: each person's unsaved text is kept on the server
and offered back when they reopen the article, never shown to anyone else; people with the
same article open see each other."""

import json

import pytest
from bs4 import BeautifulSoup

from desk.models import Presence, UnsavedText

from .conftest import page
from .desk import article_form, change_form, change_url, errors


@pytest.fixture
def two_editors(make_person, login, make_section):
    world = make_section("world")
    li, sam = (
        make_person("li", "Editors", sections=[world]),
        make_person("sam", "Editors", sections=[world]),
    )
    return (li, login(li)), (sam, login(sam))


def autosave_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/autosave/"


def report(client, url: str, message: dict):
    return client.post(url, json.dumps(message), content_type="application/json")


def test_typed_text_is_kept_and_offered_back_with_its_time(two_editors, make_article):
    (li, as_li), (_sam, as_sam) = two_editors
    article = make_article(body_en="The ferry runs daily.")
    fields = {"body_en": "The ferry runs hourly, from Monday.", "title_en": article.title_en}

    answer = report(as_li, autosave_url(article), {"fields": fields, "base_version": 1})

    assert answer.status_code == 200
    kept = UnsavedText.objects.get(person=li, article=article)
    assert (
        answer.json()["kept_at"]
        in page(as_li.get(change_url(article))).select_one("#desk-restore").get_text()
    )
    offered = json.loads(page(as_li.get(change_url(article))).select_one("#desk-unsaved").string)
    assert offered == {"fields": fields, "base_version": 1, "form_key": ""}
    assert kept.fields["body_en"] == "The ferry runs hourly, from Monday."
    # Nobody else sees it: not the other editor's form, not readers.
    other_form = as_sam.get(change_url(article)).content.decode()
    assert "from Monday" not in other_form and 'id="desk-restore"' not in other_form
    assert b"from Monday" not in as_sam.get("/en/world/" + article.slug + "/").content


def test_saving_the_article_forgets_the_kept_text(two_editors, make_article):
    (li, as_li), _sam = two_editors
    article = make_article()
    report(as_li, autosave_url(article), {"fields": {"body_en": "Kept."}, "base_version": 1})

    saved = as_li.post(change_url(article), change_form(article, body_en="Saved."))

    assert saved.status_code == 302, errors(saved)
    assert not UnsavedText.objects.filter(person=li).exists()
    assert page(as_li.get(change_url(article))).select_one("#desk-restore") is None


def test_kept_text_that_matches_the_article_is_not_offered(two_editors, make_article):
    (_li, as_li), _sam = two_editors
    article = make_article(body_en="Same.\n\nText.")
    same = {"body_en": "Same.\r\n\r\nText.\r\n", "title_en": article.title_en}
    report(as_li, autosave_url(article), {"fields": same, "base_version": 1})

    assert page(as_li.get(change_url(article))).select_one("#desk-restore") is None
    assert not UnsavedText.objects.exists()


def test_a_new_article_s_text_is_kept_per_add_form_and_offered(two_editors, make_section):
    (li, as_li), _sam = two_editors
    url = "/admin/articles/article/autosave/new/"
    first = {"fields": {"title_en": "Night buses", "body_en": "Draft."}, "form_key": "tab-one-1"}
    second = {"fields": {"title_en": "Ferry", "body_en": "Other."}, "form_key": "tab-two-2"}

    report(as_li, url, first)
    report(as_li, url, second)  # another add form, open at the same time
    form = page(as_li.get("/admin/articles/article/add/"))
    offered = json.loads(form.select_one("#desk-unsaved").string)
    keyless = report(as_li, url, {"fields": {"title_en": "Which form?"}})

    assert (offered["fields"]["title_en"], offered["form_key"]) == ("Ferry", "tab-two-2")
    assert keyless.status_code == 400
    assert UnsavedText.objects.filter(person=li, article=None).count() == 2
    # Adding the article from the second form lets go of its text only.
    data = article_form(make_section("world"), title_en="Ferry", autosave_key="tab-two-2")
    assert as_li.post("/admin/articles/article/add/", data).status_code == 302
    left = UnsavedText.objects.filter(person=li, article=None)
    assert [kept.fields["title_en"] for kept in left] == ["Night buses"]


def test_people_with_the_same_article_open_see_each_other(two_editors, make_article):
    (_li, as_li), (_sam, as_sam) = two_editors
    article = make_article()

    first = report(as_li, autosave_url(article), {})
    second_form = page(as_sam.get(change_url(article)))
    second = report(as_sam, autosave_url(article), {})
    after = report(as_li, autosave_url(article), {})

    assert first.json()["others"] == []
    assert "li" in second_form.select_one("#desk-presence").get_text()
    assert second.json()["others"] == ["li"]
    assert after.json()["others"] == ["sam"]
    report(as_sam, autosave_url(article), {"leaving": True})
    assert report(as_li, autosave_url(article), {}).json()["others"] == []
    assert Presence.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", '{"fields": {"body_en": 3}}', '{"fields": {}, "base_version": "x"}'],
)
def test_a_malformed_report_is_a_clear_400_and_keeps_nothing(two_editors, make_article, body):
    (_li, as_li), _sam = two_editors
    article = make_article()

    answer = as_li.post(autosave_url(article), body, content_type="application/json")

    assert answer.status_code == 400 and answer.json()["error"]
    assert not UnsavedText.objects.exists()


def test_only_people_who_may_edit_keep_text(make_person, login, make_article, make_section):
    article = make_article(section=make_section("world"))
    writer = login(make_person("wu", "Writers"))  # may read the published archive, not edit it
    editor_elsewhere = login(make_person("zhou", "Editors", sections=[make_section("city")]))

    assert as_status(writer, article) == 403
    assert report(
        editor_elsewhere, autosave_url(article), {"fields": {"body_en": "x"}}
    ).status_code in (403, 404)
    assert login(make_person("qian")).get(autosave_url(article)).status_code in (403, 405)
    assert not UnsavedText.objects.exists()


def as_status(client, article) -> int:
    return report(client, autosave_url(article), {"fields": {"body_en": "x"}}).status_code


TABLE = "| 城市 | 人口 |\n| --- | ---: |\n| 上海 | 2,487 万 |"


def test_the_live_preview_renders_as_readers_will_see_it(admin_client, client, make_article):
    answer = report(
        admin_client,
        "/admin/articles/article/preview/",
        {"language": "zh-hans", "title": "人口", "summary": "", "body": TABLE + "\n\n<b>粗</b>"},
    )

    assert answer.json()["slug"] == "ren-kou"  # the pinyin of the title, for the address
    preview = BeautifulSoup(answer.json()["html"], "lxml")
    assert preview.select_one("h1").get_text() == "人口"
    assert [td.get_text() for td in preview.select("td")] == ["上海", "2,487 万"]
    assert preview.select_one("td.align-right") is not None
    assert preview.select_one("b") is None  # typed HTML stays text, as on the article page
    make_article(slug="population", body_zh_hans=TABLE)
    reader = page(client.get("/zh-hans/world/population/"))
    assert [td.get_text() for td in reader.select("main td")] == ["上海", "2,487 万"]


@pytest.mark.parametrize(
    "message", [{"language": "fr", "body": "x"}, {"language": "en", "body": 3}, ["en"]]
)
def test_a_preview_of_nonsense_is_a_clear_400(admin_client, db, message):
    answer = report(admin_client, "/admin/articles/article/preview/", message)

    assert answer.status_code == 400 and answer.json()["error"]
