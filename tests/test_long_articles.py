"""Long articles: a megabyte of text per language saves through the desk however the browser
encodes the form, and past the limit the editor gets a form error with their text still there."""

import random
from urllib.parse import urlencode

from articles.models import BODY_MAX_CHARACTERS, Article

from .conftest import page
from .desk import change_form, change_url, errors


def chinese_text(characters: int) -> str:
    """Paragraphs of varied Chinese characters, the hardest case for the search index."""
    rng = random.Random(characters)
    paragraphs, left = [], characters
    while left > 0:
        size = min(left, 400)
        paragraphs.append("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(size)))
        left -= size + 2
    return "\n\n".join(paragraphs)[:characters]


def post_encoded(client, url: str, data: dict, *, multipart: bool):
    if multipart:
        return client.post(url, data)
    return client.post(
        url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
    )


def test_a_megabyte_of_chinese_saves_url_encoded_and_readers_get_it(
    admin_client, client, make_article
):
    article = make_article(slug="long-read")
    body = chinese_text(1_000_000)  # 3 MB of UTF-8, nearly 9 MB URL-encoded
    assert len(urlencode({"b": body})) > 8_900_000

    response = post_encoded(
        admin_client, change_url(article), change_form(article, body_zh_hans=body), multipart=False
    )

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.body_zh_hans == body
    assert article.fingerprint and article.revisions.count() == 2
    reader = client.get("/zh-hans/world/long-read/")
    assert reader.status_code == 200 and body[:400].encode() in reader.content
    found = page(client.get("/zh-hans/search/", {"q": body[10:14]}))
    assert found.select_one('main a[href="/zh-hans/world/long-read/"]') is not None


def test_both_languages_at_the_limit_save_as_multipart(admin_client, make_article):
    article = make_article(slug="long-read")
    chinese = chinese_text(BODY_MAX_CHARACTERS)
    english = ("The harbour cranes are electric now. " * 30_000)[:BODY_MAX_CHARACTERS]

    response = post_encoded(
        admin_client,
        change_url(article),
        change_form(article, body_zh_hans=chinese, body_en=english),
        multipart=True,
    )

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert (len(article.body_zh_hans), len(article.body_en.strip())) == (
        BODY_MAX_CHARACTERS,
        len(english.strip()),
    )


def test_a_body_past_the_limit_is_a_form_error_that_keeps_the_text(admin_client, make_article):
    article = make_article(slug="long-read", body_zh_hans="原来的正文。")
    body = chinese_text(BODY_MAX_CHARACTERS + 1_000)

    response = post_encoded(
        admin_client, change_url(article), change_form(article, body_zh_hans=body), multipart=False
    )

    assert response.status_code == 200
    assert any(f"{BODY_MAX_CHARACTERS:,}" in error for error in errors(response))
    kept = page(response).select_one("#id_body_zh_hans").get_text().removeprefix("\n")
    assert kept == body
    article.refresh_from_db()
    assert article.body_zh_hans == "原来的正文。"
    assert Article.objects.get(pk=article.pk).revisions.count() == 1


def test_only_the_desk_takes_long_bodies(client, db):
    body = "q=" + "x" * 3_000_000

    for address in ("/en/search/", "/admin/login/", "/admin/articles/article/add/"):
        answer = client.post(address, body, content_type="application/x-www-form-urlencoded")

        assert answer.status_code == 413, address
