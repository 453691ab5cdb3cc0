"""Publishing in the fewest steps: publish from the add form, the step a person needs most
first and largest, a message that says what happened, previews for drafts, slugs proposed from
Chinese titles, and writers who may withdraw what they submitted and read the archive."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pypinyin
import pytest
from django.utils import timezone

from articles.models import Article
from articles.slugs import checked, pinyin

from .conftest import page
from .desk import article_form, change_form, change_url, errors

DRAFT, REVIEW, PUBLISHED = Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.PUBLISHED


@pytest.fixture
def world(make_section):
    return make_section("world")


@pytest.fixture
def editor(make_person, login, world):
    return login(make_person("world-editor", "Editors", sections=[world]))


@pytest.fixture
def writer(make_person):
    return make_person("writer", "Writers")


def buttons(response) -> list[tuple[str, str]]:
    row = page(response).select_one(".submit-row")
    return [
        (
            button["name"] if button.name == "input" else button["value"],
            " ".join(button.get("class") or []),
        )
        for button in row.select("button, input[type=submit]")
    ]


def test_an_editor_publishes_from_the_add_form_and_is_told_where(editor, client, world):
    form = page(editor.get("/admin/articles/article/add/"))
    first = form.select_one(".submit-row").select("button, input[type=submit]")[0]

    added = editor.post(
        "/admin/articles/article/add/", article_form(world, transition="publish"), follow=True
    )

    assert (first["value"], "default" in first["class"]) == ("publish", True)
    assert added.redirect_chain, errors(added)
    assert Article.objects.get().status == PUBLISHED
    notice = page(added).select_one(".messagelist .success a[href]")
    assert notice["href"] == "/en/world/river-ferry-returns/"  # in the editor's language
    assert client.get(notice["href"]).status_code == 200


def test_a_writer_s_first_and_largest_button_submits(login, writer, world, make_article):
    article = make_article(status=DRAFT, by=writer)

    shown = buttons(login(writer).get(change_url(article)))

    assert shown[0] == ("submit", "default desk-primary")
    assert ("_save", "") in shown and not any(value == "publish" for value, _ in shown)


def test_a_draft_s_view_on_site_opens_its_preview(editor, make_article):
    draft = make_article(status=DRAFT, slug="not-yet")

    form = page(editor.get(change_url(draft)))
    link = form.select_one("a.viewsitelink")["href"]
    preview = editor.get(link, follow=True)

    assert (
        "/revisions/1/preview/" in preview.redirect_chain[-1][0] if preview.redirect_chain else link
    )
    assert preview.status_code == 200
    assert draft.title_zh_hans in preview.content.decode()


@pytest.mark.parametrize(
    ("title_zh", "title_en", "slug"),
    [
        ("渡轮复航", "", "du-lun-fu-hang"),
        ("重庆银行行长", "", "chong-qing-yin-hang-hang-zhang"),  # phrases read as phrases
        ("渡轮复航", "The ferry returns", "the-ferry-returns"),
    ],
)
def test_a_slug_is_proposed_from_the_title_when_left_empty(editor, world, title_zh, title_en, slug):
    data = article_form(world, slug="", title_zh_hans=title_zh, title_en=title_en)
    if not title_en:
        data.update(summary_en="", body_en="")

    added = editor.post("/admin/articles/article/add/", data)

    assert added.status_code == 302, errors(added)
    assert Article.objects.get().slug == slug


def test_phrases_read_as_with_the_whole_pinyin_dictionary():
    """The slugs' pinyin keeps only the phrases that change a reading: every phrase of
    pypinyin's dictionary still reads as it does with the whole dictionary loaded."""
    from pypinyin.phrases_dict import phrases_dict

    phrases = list(phrases_dict)[::7]
    whole = subprocess.run(
        [sys.executable, "-c", WHOLE_DICTIONARY],
        input=json.dumps(phrases), capture_output=True, text=True, check=True,
        env={name: value for name, value in os.environ.items() if "PYPINYIN" not in name},
    )  # fmt: skip

    assert [pinyin(phrase) for phrase in phrases] == json.loads(whole.stdout)


WHOLE_DICTIONARY = """import json, sys
from pypinyin import lazy_pinyin
print(json.dumps([lazy_pinyin(phrase) for phrase in json.load(sys.stdin)]))"""


@pytest.mark.parametrize(
    "kept", [b"{}", b"[1]", '{"重庆": [["zhòng"]]}'.encode()], ids=["empty", "list", "short"]
)
def test_a_damaged_list_of_kept_phrases_is_worked_out_again(settings, kept):
    """The phrases kept in var/ are checked before use: a damaged file gives no wrong slug
    (zhong-qing) and no error; the list is worked out again and the file mended."""
    path = Path(settings.BASE_DIR) / "var" / f"pinyin-phrases-{pypinyin.__version__}.json"
    path.write_bytes(kept)

    proposed = subprocess.run(
        [sys.executable, "-c", PROPOSE], cwd=settings.BASE_DIR, capture_output=True, text=True,
        check=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
    )  # fmt: skip

    assert proposed.stdout.split() == ["chong-qing-yin-hang"]
    assert len(checked(path.read_bytes())) > 5000


PROPOSE = """import django
django.setup()
from articles.slugs import proposed_slug
print(proposed_slug(None, "重庆银行"))"""


def test_a_writer_withdraws_what_they_submitted(login, writer, make_article):
    article = make_article(status=REVIEW, by=writer)
    client = login(writer)

    form = page(client.get(change_url(article)))
    withdraw = form.select_one('.submit-row button[value="withdraw"]')
    done = client.post(withdraw["formaction"], {"transition": "withdraw"})

    assert done.status_code == 302
    article.refresh_from_db()
    assert article.status == DRAFT
    assert client.get(change_url(article)).context["has_change_permission"]


def test_a_writer_reads_the_published_archive_without_widgets(
    login, writer, make_person, make_article
):
    article = make_article(status=PUBLISHED, by=make_person("someone-else", "Writers"))
    client = login(writer)

    listing = client.get("/admin/articles/article/").content.decode()
    response = client.get(change_url(article))
    refused = client.post(change_url(article), change_form(article, title_en="Mine"))

    assert article.title_en in listing
    form = page(response).select_one("#article_form")
    assert not form.select("textarea, input[type=text], select")
    text = form.get_text(" ", strip=True)
    assert article.body_en in text and "None" not in text and "[en]" not in text
    assert refused.status_code == 302  # back to the page it reads, the text kept
    article.refresh_from_db()
    assert article.title_en != "Mine"
    history = client.get(f"/admin/articles/article/{article.pk}/revisions/")
    assert history.status_code == 403  # earlier drafts are its own people's


def test_a_scheduled_article_is_not_in_a_writer_s_archive(login, writer, make_article):

    embargoed = make_article(
        status=PUBLISHED,
        title_en="Tomorrow's budget",
        published_at=timezone.now() + timedelta(days=1),
    )
    client = login(writer)

    assert "Tomorrow's budget" not in client.get("/admin/articles/article/").content.decode()
    assert client.get(change_url(embargoed)).status_code == 302  # "no such article"


def test_a_merge_does_not_carry_edits_past_a_step_unseen(login, make_person, make_article, world):
    editor = login(make_person("eve", "Editors", sections=[world]))
    other = login(make_person("bo", "Editors", sections=[world]))
    draft = make_article(status=DRAFT, body_en="Draft text.")
    form = change_form(draft, body_en="Unreviewed edit.")
    other.post(change_url(draft), change_form(draft, transition="publish"))

    stopped = editor.post(change_url(draft), form)
    draft.refresh_from_db()
    body_after_first_try = draft.body_en
    resubmit = page(stopped).select_one('input[name="base_version"]')["value"]
    again = editor.post(change_url(draft), {**form, "base_version": resubmit})

    assert stopped.status_code == 200 and body_after_first_try == "Draft text."
    assert any("it is Published now" in e for e in errors(stopped))
    assert again.status_code == 302, errors(again)
    draft.refresh_from_db()
    assert (draft.status, draft.body_en) == (PUBLISHED, "Unreviewed edit.")
