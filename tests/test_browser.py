"""A reader's journey in a real browser (Debian's Chromium, driven by Playwright), and the
screenshots the README shows.

Screenshots go to ``var/screenshots/`` (or ``SCREENSHOT_DIR``; ``make screenshots`` writes
the README's copies in ``docs/screenshots/``).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import needs_chromium

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

pytestmark = needs_chromium


def test_a_reader_goes_from_the_front_page_to_an_article_and_back(site, browser):
    page = browser.new_page(locale="zh-CN", java_script_enabled=False)

    page.goto(f"{site}/")
    expect(page).to_have_url(f"{site}/zh-hans/")
    page.get_by_role("navigation", name="栏目").get_by_role("link", name="科学").click()
    expect(page).to_have_url(f"{site}/zh-hans/science/")
    page.get_by_role("link", name="耐旱茶树新品种通过评审").click()
    expect(page).to_have_url(f"{site}/zh-hans/science/drought-tolerant-tea/")
    expect(page.locator("main h1")).to_have_text("耐旱茶树新品种通过评审")
    expect(page.locator('main article[lang="en"] h2')).to_have_text(
        "A tea cultivar that copes with drought"
    )
    footer = page.locator("footer.article-footer p").first
    expect(footer).to_contain_text("2026-11-19（星期四） · ")

    page.get_by_role("link", name="← 返回 科学").click()
    expect(page).to_have_url(f"{site}/zh-hans/science/")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{site}/en/science/")
    expect(page.locator("main h1")).to_have_text("Science")
    page.get_by_role("link", name="A tea cultivar that copes with drought").click()
    expect(page.locator("main h1")).to_have_text("A tea cultivar that copes with drought")
    expect(page.get_by_role("link", name="← Back to Science")).to_be_visible()


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("zh-hans", "屋顶花园", "志愿者完成全市屋顶花园普查"),
        ("en", "stations", "Schools build a weather station network"),
        ("en", "渡轮", None),
    ],
)
def test_a_reader_searches_in_chinese_and_in_english(site, browser, language, query, expected):
    page = browser.new_page(java_script_enabled=False)
    page.goto(f"{site}/{language}/")

    search_box = page.locator("header form[role=search] input[name=q]")
    search_box.fill(query)
    search_box.press("Enter")

    results = page.locator(".search-results h2 a")
    if expected is None:
        expect(results).to_have_count(0)
        expect(page.locator("p.empty")).to_be_visible()
    else:
        expect(results.first).to_have_text(expected)
        expect(page.locator(".search-results mark").first).to_be_visible()


def test_the_fingerprint_link_opens_the_document_it_names(site, browser):
    page = browser.new_page()
    page.goto(f"{site}/en/world/harbour-cranes-go-electric/")

    fingerprint = page.locator("footer a.fingerprint code").inner_text()
    href = page.locator("footer a.fingerprint").get_attribute("href")
    response = page.request.get(f"{site}{href}")

    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert git_blob_id(response.body()) == fingerprint


def git_blob_id(data: bytes) -> str:
    from .conftest import git_hash_object

    return git_hash_object(data)


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_front_section_and_article_pages(site, browser, size):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=SIZES[size], locale="zh-CN")
    shots = {
        "front": "/zh-hans/",
        "section": "/en/city/",
        "article": "/zh-hans/world/harbour-cranes-go-electric/",
        "author": "/en/authors/zhao-ming/",
    }
    for name, path in shots.items():
        page.goto(f"{site}{path}")
        assert (
            page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
        )
        # Nothing on the page may be wider than the screen (no sideways scrolling on phones).
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
        target = SCREENSHOTS / f"{name}-{size}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000
