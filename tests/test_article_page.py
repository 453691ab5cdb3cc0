"""Every point of "What a reader sees on an article page", in both interface languages."""

import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.utils.safestring import SafeString, mark_safe

from articles import revisions
from articles.models import Article
from articles.templatetags.newsroom import headings_below

from .conftest import at, git_hash_object, page


def versions(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(lang, title) of each language block, in page order."""
    return [
        (block["lang"], block.find(["h1", "h2"]).get_text(strip=True))
        for block in soup.select("main article[lang]")
    ]


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "← 返回 World"), ("en", "← Back to World")]
)
def test_back_link_names_the_section_in_the_interface_language(
    client, make_section, make_article, language, text
):
    section = make_section("world", name_zh_hans="World", name_en="World")
    make_article(section=section, slug="harbour")

    soup = page(client.get(f"/{language}/world/harbour/"))
    back = soup.select_one("main a.back-link")

    assert back.get_text(strip=True) == text
    assert back["href"] == f"/{language}/world/"
    # It comes before the article itself.
    assert soup.find_all(["a", "article"]).index(back) < soup.find_all(["a", "article"]).index(
        soup.select_one("main article")
    )


def test_back_link_uses_the_chinese_section_name(client, make_section, make_article):
    make_article(section=make_section("world", name_zh_hans="国际", name_en="World"), slug="x")

    back = page(client.get("/zh-hans/world/x/")).select_one("a.back-link")

    assert back.get_text(strip=True) == "← 返回 国际"


@pytest.mark.parametrize("missing", [None, ""])
def test_back_link_falls_back_to_the_other_languages_section_name(
    client, make_section, make_article, missing
):
    section = make_section("city", name_zh_hans="城市", name_en=missing)
    make_article(section=section, slug="buses")

    back = page(client.get("/en/city/buses/")).select_one("a.back-link")

    assert back.get_text(strip=True) == "← Back to 城市"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", [("zh-Hans", "渡轮重新开航"), ("en", "The river ferry sails again")]),
        ("en", [("en", "The river ferry sails again"), ("zh-Hans", "渡轮重新开航")]),
    ],
)
def test_interface_language_comes_first_and_each_block_has_its_lang(
    client, example_article, language, expected
):
    soup = page(client.get(f"/{language}/world/river-ferry-returns/"))

    assert versions(soup) == expected
    assert soup.html["lang"] == expected[0][0]
    first, second = soup.select("main article[lang]")
    assert first.find("h1") and second.find("h2")  # one main heading per page


def test_each_block_holds_its_own_languages_text(client, example_article):
    soup = page(client.get("/en/world/river-ferry-returns/"))
    english, chinese = soup.select("main article[lang]")

    assert "After three years, the ferry" in english.get_text()
    assert "停航三年后" not in english.get_text()
    assert "停航三年后，连接两岸的渡轮今天恢复运营。" in chinese.get_text()
    assert chinese.select_one(".article-version__summary").get_text() == (
        "停航三年后，江上渡轮恢复每日班次。"
    )


@pytest.mark.parametrize("empty", [None, ""])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_language_without_text_is_left_out_not_filled_in(client, make_article, language, empty):
    make_article(slug="only-chinese", title_en=empty, summary_en=empty, body_en=empty)

    soup = page(client.get(f"/{language}/world/only-chinese/"))

    assert [lang for lang, _title in versions(soup)] == ["zh-Hans"]
    assert not soup.select('main [lang="en"]')
    assert soup.select_one("main article h1")  # the only block is the page's heading


def test_english_only_article_on_the_chinese_site_is_labelled_english(client, make_article):
    make_article(slug="only-english", title_zh_hans="", summary_zh_hans="", body_zh_hans="")

    soup = page(client.get("/zh-hans/world/only-english/"))

    assert versions(soup) == [("en", "Report number 1")]
    assert soup.html["lang"] == "zh-Hans"
    assert soup.select_one("a.back-link").get_text(strip=True) == "← 返回 国际"


@pytest.mark.parametrize(
    ("language", "date", "label"),
    [("en", "2026-03-14 (Saturday)", "Fingerprint"), ("zh-hans", "2026-03-14（星期六）", "指纹")],
)
def test_footer_shows_date_weekday_and_labelled_fingerprint(
    client, example_article, language, date, label
):
    soup = page(client.get(f"/{language}/world/river-ferry-returns/"))
    footer = soup.select_one("main footer.article-footer")

    fingerprint = "303e61604e9d4bc89a34b895714d4d8a0f21f06c"
    assert " ".join(footer.get_text().split()) == f"{date} · {label} {fingerprint}"
    assert footer.select_one(".fingerprint-label").get_text() == label
    assert footer.time["datetime"] == "2026-03-14T08:05:00+08:00"
    link = footer.select_one("a.fingerprint")
    assert link["href"] == "/world/river-ferry-returns.md"
    assert link.get_text(strip=True) == fingerprint


@pytest.mark.parametrize(
    ("language", "other", "text", "lang"),
    [("zh-hans", "en", "English version ↓", "en"), ("en", "zh-hans", "中文版 ↓", "zh-Hans")],
)
def test_a_link_near_the_top_leads_to_the_other_languages_text(
    client, example_article, language, other, text, lang
):
    soup = page(client.get(f"/{language}/world/river-ferry-returns/"))
    link = soup.select_one("main a.version-link")
    target = soup.find(id=link["href"].removeprefix("#"))

    assert " ".join(link.get_text().split()) == text
    assert link["lang"] == lang  # in the language it leads to
    assert link["href"] == f"#version-{other}"
    assert target.name == "article" and target["lang"] == lang
    # Near the top: after the back link, before the first block.
    found = soup.select("main a.back-link, main a.version-link, main article")
    assert [tag.name for tag in found[:3]] == ["a", "a", "article"]
    assert found[1] is link


def test_an_article_in_one_language_has_no_link_to_another(client, make_article):
    make_article(slug="only-chinese", title_en="", summary_en="", body_en="")

    soup = page(client.get("/en/world/only-chinese/"))

    assert not soup.select("main a.version-link, main .article-version__label")


def outline(soup) -> list[tuple[str, str]]:
    """The page's headings in ``main``, in order: (tag, text)."""
    return [
        (heading.name, heading.get_text(strip=True))
        for heading in soup.select("main")[0].find_all(re.compile(r"^h[1-6]$"))
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", [("h1", "渡轮"), ("h2", "时刻"), ("h3", "夜班"), ("h2", "Ferry"),
                     ("h3", "Times"), ("h4", "Night boats")]),
        ("en", [("h1", "Ferry"), ("h2", "Times"), ("h3", "Night boats"), ("h2", "渡轮"),
                ("h3", "时刻"), ("h4", "夜班")]),
    ],
)  # fmt: skip
def test_each_languages_subheads_sit_under_its_own_title(client, make_article, language, expected):
    make_article(
        slug="ferry",
        title_zh_hans="渡轮", body_zh_hans="导语。\n\n## 时刻\n\n正文。\n\n### 夜班\n\n正文。",
        title_en="Ferry", body_en="Lead.\n\n## Times\n\nText.\n\n### Night boats\n\nText.",
    )  # fmt: skip

    soup = page(client.get(f"/{language}/world/ferry/"))
    second = soup.select("main article[lang]")[1]
    title = second.select_one("h2.article-version__title")

    assert outline(soup) == expected
    # The second block is named by what it is, in its language, and by its title.
    labels = [soup.find(id=name).get_text() for name in second["aria-labelledby"].split()]
    assert labels == [{"zh-hans": "English version", "en": "中文版"}[language], title.get_text()]


def test_a_body_that_starts_at_any_level_still_sits_under_its_title(client, make_article):
    make_article(
        slug="ferry",
        body_zh_hans="# 一级\n\n正文。\n\n## 二级\n\n正文。",
        body_en="### Third\n\nText.\n\n###### Sixth\n\nText.",
    )

    headings = outline(page(client.get("/zh-hans/world/ferry/")))

    assert [name for name, _text in headings] == ["h1", "h2", "h3", "h2", "h3", "h6"]


def test_moving_headings_changes_only_heading_tags():
    html = mark_safe(
        '<h2>A "&lt;h2&gt;"</h2>\n<p><a href="https://example.com" title="<h2>x</h2>">x</a>'
        "</p>\n<pre><code>&lt;h3&gt;\n</code></pre>\n<h6>Deep</h6>\n<header>x</header>"
    )

    moved = headings_below(html, 2)

    assert moved == (
        '<h3>A "&lt;h2&gt;"</h3>\n<p><a href="https://example.com" title="<h2>x</h2>">x</a>'
        "</p>\n<pre><code>&lt;h3&gt;\n</code></pre>\n<h6>Deep</h6>\n<header>x</header>"
    )
    assert headings_below("<p>No headings</p>", 1) == "<p>No headings</p>"
    assert headings_below("<h2>Already</h2>", 1) == "<h2>Already</h2>"


def test_moving_headings_keeps_text_that_is_not_safe_escaped():
    template = Template("{% load newsroom %}{{ body|headings_below:1 }}")

    shown = template.render(Context({"body": "<h1>x</h1><script>alert(1)</script>"}))
    trusted = template.render(Context({"body": mark_safe("<h1>x</h1>")}))

    assert shown == "&lt;h2&gt;x&lt;/h2&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert trusted == "<h2>x</h2>" and isinstance(trusted, SafeString)


def test_date_is_in_the_site_time_zone(client, make_article):
    # 20:30 UTC on Friday the 13th is already Saturday morning in Shanghai.
    make_article(slug="late", published_at=at(2026, 3, 14, 4, 30))

    footer = page(client.get("/en/world/late/")).select_one("footer.article-footer")

    assert footer.get_text(" ", strip=True).startswith("2026-03-14 (Saturday)")


def test_fingerprint_in_footer_is_what_git_computes_from_the_document(client, make_article):
    article = make_article(
        slug="checked",
        title_en='A "quoted" title',
        body_en="First line   \r\nSecond line\r\n\r\n",
        summary_zh_hans="",
    )

    footer = page(client.get("/en/world/checked/")).select_one("footer.article-footer")
    document = client.get(footer.select_one("a.fingerprint")["href"])

    assert document["Content-Type"] == "text/markdown; charset=utf-8"
    assert git_hash_object(document.content) == footer.select_one("a.fingerprint code").string
    assert article.fingerprint == footer.select_one("a.fingerprint code").string


def test_document_is_served_byte_for_byte(client, example_article, example_document):
    response = client.get("/world/river-ferry-returns.md")

    assert response.status_code == 200
    assert response.content == example_document


def test_correcting_the_text_changes_the_fingerprint(client, example_article):
    before = example_article.fingerprint
    example_article.body_en = example_article.body_en + "\n\nCorrection: the ferry runs hourly."
    example_article.save()

    response = client.get("/world/river-ferry-returns.md")

    assert example_article.fingerprint != before
    assert git_hash_object(response.content) == example_article.fingerprint


def test_changing_a_section_slug_refreshes_fingerprints(client, make_section, make_article):
    article = make_article(slug="moved")
    section = article.section
    section.slug = "international"
    section.save()

    changed = revisions.move_section_articles(section, "world", user=None)
    article.refresh_from_db()

    assert changed == 1
    assert article.fingerprint == git_hash_object(article.document_bytes())
    assert b'section = "international"' in article.document_bytes()
    # The document readers download moved with it, and is the one kept with the article.
    served = client.get("/international/moved.md").content
    assert git_hash_object(served) == article.fingerprint
    assert served == article.rendered["document"].encode()


@pytest.mark.parametrize("kept", ['section = "elsewhere"\n', None])
def test_a_kept_document_is_served_only_if_it_hashes_to_the_fingerprint(client, make_article, kept):
    """Saving an article keeps its document beside the rendered bodies. Bytes that do not
    hash to the fingerprint (changed in the database by hand, or an article saved before
    documents were kept) are never served: the document is built again."""
    article = make_article(slug="kept")
    rendered = {name: value for name, value in article.rendered.items() if name != "document"}
    if kept is not None:
        rendered["document"] = kept
    Article.objects.filter(pk=article.pk).update(rendered=rendered)

    served = client.get("/world/kept.md").content

    assert git_hash_object(served) == article.fingerprint
    assert b'section = "world"' in served


def test_a_draft_is_not_found_for_readers(client, make_article):
    make_article(slug="secret", status=Article.Status.DRAFT)

    assert client.get("/zh-hans/world/secret/").status_code == 404
    assert client.get("/en/world/secret/").status_code == 404
    assert client.get("/world/secret.md").status_code == 404


def test_an_article_due_later_is_not_found_yet(client, make_article):
    make_article(slug="tomorrow", published_at=at(2099, 1, 1))

    assert client.get("/en/world/tomorrow/").status_code == 404
    assert client.get("/world/tomorrow.md").status_code == 404


def test_an_article_scheduled_for_a_minute_appears_at_that_minute(client, make_article):
    # Each address is read with SQL compiled once: the time in it must be each request's own.
    make_article(slug="noon", published_at=at(2031, 5, 6, 12, 0))

    with time_machine.travel(at(2031, 5, 6, 11, 59), tick=False):
        before = client.get("/en/world/noon/?before")
    with time_machine.travel(at(2031, 5, 6, 12, 0), tick=False):
        after = client.get("/en/world/noon/?after")

    assert (before.status_code, after.status_code) == (404, 200)


def test_an_article_in_another_section_is_not_found_at_the_wrong_address(
    client, make_section, make_article
):
    make_article(section=make_section("city", name_en="City"), slug="buses")

    assert client.get("/en/world/buses/").status_code == 404
    assert client.get("/en/city/buses/").status_code == 200


@pytest.mark.parametrize(
    ("language", "other", "name"), [("zh-hans", "en", "English"), ("en", "zh-hans", "简体中文")]
)
def test_language_switcher_keeps_the_reader_on_the_same_article(
    client, example_article, language, other, name
):
    soup = page(client.get(f"/{language}/world/river-ferry-returns/"))
    switch = soup.select_one(f'nav.language-switcher a[hreflang="{other}"]')

    assert switch["href"] == f"/{other}/world/river-ferry-returns/"
    assert switch.get_text(strip=True) == name
    assert client.get(switch["href"]).status_code == 200


def test_html_in_the_body_is_never_run(client, make_article):
    make_article(
        slug="hostile",
        body_en=(
            "<script>alert('x')</script>\n\n"
            "[click me](javascript:alert('x'))\n\n"
            '<img src="x" onerror="alert(1)">\n\n'
            "![pic](javascript:alert(1))\n\n"
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n\n"
            '<a href="javascript:alert(1)">raw</a> and [fine](https://example.com/)'
        ),
    )

    soup = page(client.get("/en/world/hostile/"))
    body = soup.select_one('article[lang="en"] .article-version__body')

    assert not soup.select("main script")
    assert not body.select("img")
    assert all(not attribute.startswith("on") for tag in body.find_all() for attribute in tag.attrs)
    hrefs = [a.get("href", "") for a in body.find_all("a")]
    assert hrefs == ["https://example.com/"]
    # The typed tags stay visible as text, so the editor sees what went wrong.
    assert "<script>alert('x')</script>" in body.get_text()


def test_bodies_are_rendered_when_saved_and_only_shown_for_their_own_text(client, make_article):
    article = make_article(slug="ferry", body_en="The *ferry* runs.")
    assert article.rendered["html"]["en"] == "<p>The <em>ferry</em> runs.</p>\n"

    # A rendering stored for another text (say, written behind the site's back) is not shown.
    stale = {"fingerprint": "0" * 40, "html": {"en": "<p>Old news</p>"}}
    Article.objects.filter(pk=article.pk).update(rendered=stale)
    body = page(client.get("/en/world/ferry/")).select_one(
        "article[lang=en] .article-version__body"
    )

    assert body.decode_contents().strip() == "<p>The <em>ferry</em> runs.</p>"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_addresses_are_the_ones_the_url_configuration_gives(make_article, language):
    from django.urls import reverse
    from django.utils import translation

    article = make_article(slug="ferry")
    with translation.override(language):
        expected = reverse("articles:article", kwargs={"section": "world", "slug": "ferry"})
        assert article.get_absolute_url() == expected == f"/{language}/world/ferry/"
        assert article.section.get_absolute_url() == f"/{language}/world/"
