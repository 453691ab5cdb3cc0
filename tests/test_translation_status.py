"""Translation status at the desk: missing languages before publishing, and texts that may be
out of date because the other language changed after them, in both directions."""

import pytest

from articles.models import Article

from .conftest import page
from .desk import change_form, change_url, errors


def languages_cell(admin_client, article: Article) -> str:
    listing = page(admin_client.get("/admin/articles/article/"))
    for row in listing.select("#result_list tbody tr"):
        if f"/{article.pk}/change/" in row.select_one("th a")["href"]:
            return row.select_one("td.field-language_status").get_text(strip=True)
    raise AssertionError("article not listed")


def edit(admin_client, article: Article, **fields):
    article.refresh_from_db()
    response = admin_client.post(change_url(article), change_form(article, **fields))
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()


@pytest.mark.parametrize(
    ("changed", "stale_field", "cell"),
    [
        ({"body_en": "A new English body."}, "body_zh_hans", "中 ⚠ · EN ✓"),
        ({"title_zh_hans": "新的中文标题"}, "title_en", "中 ✓ · EN ⚠"),
    ],
)
def test_changing_one_language_marks_the_other_possibly_out_of_date(
    admin_client, make_article, changed, stale_field, cell
):
    article = make_article()

    edit(admin_client, article, **changed)
    form = page(admin_client.get(change_url(article)))

    assert languages_cell(admin_client, article) == cell
    help_text = form.select_one(f".field-{stale_field} .help").get_text()
    assert "Possibly out of date" in help_text
    assert "possibly-out-of-date" in form.select_one(f"#id_{stale_field}")["class"]
    assert len(form.select('input[name="confirm_translations"]')) == 1


@pytest.mark.parametrize(
    ("field", "changed", "cell"),
    [
        ("body_en", "Second paragraph, rewritten.", "中 ⚠ · EN ✓"),
        ("body_zh_hans", "第二段改写了。", "中 ✓ · EN ⚠"),
        ("summary_en", "Its second line, rewritten.", "中 ⚠ · EN ✓"),
    ],
)
def test_a_browser_s_line_ends_mark_only_the_language_that_did_not_change(
    admin_client, make_article, field, changed, cell
):
    """Browsers send every textarea with \r\n line ends, the one that was not touched too."""
    article = make_article(
        body_zh_hans="第一段。\n\n第二段。",
        body_en="First paragraph.\n\nSecond paragraph.",
        summary_zh_hans="第一行\n第二行",
        summary_en="First line\nSecond line",
    )
    sent = {
        name: getattr(article, name).replace("\n", "\r\n")
        for name in ("body_zh_hans", "body_en", "summary_zh_hans", "summary_en")
    }
    first, _rest = sent[field].rsplit("\r\n", 1)
    sent[field] = f"{first}\r\n{changed}"

    edit(admin_client, article, **sent)

    assert languages_cell(admin_client, article) == cell
    assert "\r" not in article.summary_en + article.body_en + article.summary_zh_hans


def test_editing_the_other_language_clears_the_mark(admin_client, make_article):
    article = make_article()
    edit(admin_client, article, body_en="A new English body.")

    edit(admin_client, article, body_zh_hans="新的中文正文。")

    assert languages_cell(admin_client, article) == "中 ✓ · EN ✓"


def test_confirming_that_a_text_still_matches_clears_the_mark(admin_client, make_article):
    article = make_article()
    edit(admin_client, article, summary_en="A sharper English summary.")

    edit(admin_client, article, confirm_translations=["summary:zh-hans"])
    form = page(admin_client.get(change_url(article)))

    assert languages_cell(admin_client, article) == "中 ✓ · EN ✓"
    assert not form.select('input[name="confirm_translations"]')


def test_writing_a_missing_translation_does_not_mark_the_original(admin_client, make_article):
    article = make_article(title_en="", summary_en="", body_en="")
    assert languages_cell(admin_client, article) == "中 ✓ · EN —"

    edit(admin_client, article, title_en="Now in English", body_en="The English text.")

    assert languages_cell(admin_client, article) == "中 ✓ · EN ✓"


def test_a_forged_confirmation_is_refused(admin_client, make_article):
    article = make_article()
    edit(admin_client, article, body_en="A new English body.")

    response = admin_client.post(
        change_url(article), change_form(article, confirm_translations=["body:fr"])
    )

    assert response.status_code == 200
    assert any("valid choice" in error for error in errors(response))
    assert languages_cell(admin_client, article) == "中 ⚠ · EN ✓"


def test_the_desk_says_so_before_publishing_one_language(admin_client, make_article):
    article = make_article(status=Article.Status.REVIEW, title_en="", summary_en="", body_en="")

    form = page(admin_client.get(change_url(article)))
    notice = form.select_one(".submit-row .desk-notice").get_text(" ", strip=True)

    assert "no English text" in notice
    assert form.select_one('.submit-row button[value="publish"]')


def test_one_language_articles_can_be_published(admin_client, client, make_article):
    article = make_article(slug="solo", status=Article.Status.REVIEW, title_en="", body_en="")
    article.summary_en = ""

    response = admin_client.post(
        change_url(article), change_form(article, summary_en="", transition="publish")
    )

    assert response.status_code == 302, errors(response)
    soup = page(client.get("/en/world/solo/"))
    assert [a["lang"] for a in soup.select("main article[lang]")] == ["zh-Hans"]
