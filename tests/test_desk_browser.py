"""The article form in a real browser (Debian's Chromium): typing survives a killed browser,
leaving a changed form asks first, and two people on one article see each other."""

import os
import signal
import uuid
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from articles.models import Article
from desk.autosave import HEARTBEAT_SECONDS, local_time
from desk.models import UnsavedText
from media.models import Image

from .conftest import CHROMIUM, CHROMIUM_ARGS, needs_chromium, picture_bytes
from .test_browser import SCREENSHOTS

pytestmark = needs_chromium
PASSWORD = "desk-password-123"  # make_person's


@pytest.fixture
def editors(site, make_person):
    # The live server's tests commit, and the tables are emptied after each, the desk's roles
    # (made by a migration) with them: make them again as the migration does.
    roles = import_module("articles.migrations.0003_roles_and_first_revisions").ROLES
    for name, permissions in roles.items():
        group, _created = Group.objects.get_or_create(name=name)
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    library = import_module("media.migrations.0002_roles_use_the_library").ROLES
    for name, codenames in library.items():
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(content_type__app_label="media", codename__in=codenames)
        )
    world = Article.objects.get(slug="harbour-cranes-go-electric").section
    return make_person("li", "Editors", sections=[world]), make_person(
        "sam", "Editors", sections=[world]
    )


@pytest.fixture
def article(site):
    return Article.objects.get(slug="harbour-cranes-go-electric")


def sign_in(browser, site: str, username: str):
    """A page of a browser of its own (cookies and all), signed in as ``username``."""
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)
    return page


def change_page(page, site: str, article: Article):
    page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
    return page


def kill(marker: str) -> None:
    """SIGKILL every process of the browser started with ``marker``: no unload, no goodbye."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                os.kill(int(cmdline.parent.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


def test_text_typed_before_the_browser_is_killed_is_offered_back(
    site, playwright, browser, editors, article
):
    marker = f"--user-agent=newsroom-{uuid.uuid4()}"
    doomed = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, marker])
    page = change_page(sign_in(doomed, site, "li"), site, article)
    body = page.locator("#id_body_en")
    typed = body.input_value() + "\n\nA paragraph typed just before the crash."
    body.fill(typed)
    # The next report keeps it: at most one heartbeat later.
    expect(page.locator("#desk-autosave-status")).to_contain_text(
        "kept", timeout=2 * HEARTBEAT_SECONDS * 1000
    )
    kill(marker)

    again = change_page(sign_in(browser, site, "li"), site, article)
    offer = again.locator("#desk-restore")
    expect(offer).to_contain_text("never saved")
    expect(offer).to_contain_text(local_time(UnsavedText.objects.get(article=article).saved_at))
    again.get_by_role("button", name="Restore it").click()
    assert again.locator("#id_body_en").input_value() == typed
    again.locator("input[name=_save]").click()
    expect(again.locator(".messagelist")).to_contain_text("changed successfully")
    article.refresh_from_db()
    assert article.body_en.endswith("A paragraph typed just before the crash.")


def test_leaving_a_changed_form_asks_first(site, browser, editors, article):
    page = change_page(sign_in(browser, site, "li"), site, article)
    # Typed as a person types (a browser asks only once someone has used the page).
    page.locator("#id_title_en").click()
    page.keyboard.type(" today")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))

    with pytest.raises(PlaywrightError):  # the editor chose to stay: the navigation is aborted
        page.goto(f"{site}/admin/")

    assert asked == ["beforeunload"]
    assert " today" in page.locator("#id_title_en").input_value()


def test_two_people_on_one_article_see_each_other_within_ten_seconds(
    site, browser, editors, article
):
    first = change_page(sign_in(browser, site, "li"), site, article)
    expect(first.locator("#desk-presence")).to_be_hidden()

    second = change_page(sign_in(browser, site, "sam"), site, article)

    expect(second.locator("#desk-presence")).to_contain_text("li")
    expect(first.locator("#desk-presence")).to_contain_text("sam", timeout=10_000)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_the_article_form_side_by_side_and_stacked(
    site, browser, editors, article, size
):
    viewport = {"desktop": {"width": 1400, "height": 1100}, "phone": {"width": 390, "height": 844}}
    page = browser.new_context(viewport=viewport[size], locale="zh-CN").new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "li")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    change_page(page, site, article)
    expect(page.locator(".desk-preview").first).to_contain_text("港口")  # the preview came
    chinese, english = (page.locator(f"fieldset.desk-language--{code}").bounding_box()
                        for code in ("zh-hans", "en"))  # fmt: skip

    if size == "desktop":
        assert english["y"] == chinese["y"] and english["x"] > chinese["x"] + chinese["width"] / 2
    else:
        assert english["y"] >= chinese["y"] + chinese["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport[size]["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"desk-article-{size}.png"
    page.screenshot(path=str(target), full_page=size == "phone")
    assert target.stat().st_size > 10_000


def test_the_desk_and_reader_pages_work_within_the_content_security_policy(
    site, browser, editors, article
):
    page = sign_in(browser, site, "li")
    stopped = []
    page.on(
        "console",
        lambda message: (
            stopped.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    for address in ("/zh-hans/", "/en/world/", article.get_absolute_url(), "/admin/"):
        page.goto(f"{site}{address}")
    change_page(page, site, article)
    page.locator("#calendarlink0").click()  # the admin's own date picker
    page.locator("#id_body_en").fill("A *preview* under the policy.")
    expect(page.locator(".desk-preview em").last).to_have_text("preview")
    page.goto(f"{site}/admin/articles/article/{article.pk}/revisions/")
    page.goto(f"{site}/admin/articles/article/add/")

    assert stopped == []


def test_a_picture_uploaded_in_the_desk_goes_into_a_body_as_a_figure(
    site, browser, editors, article, tmp_path
):
    picture = tmp_path / "quay.jpg"
    picture.write_bytes(picture_bytes(1600, 1000))
    page = sign_in(browser, site, "li")
    page.goto(f"{site}/admin/media/image/add/")
    page.set_input_files("input[name=files]", str(picture))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".messagelist")).to_contain_text("1 picture added to the library")
    # Its own page: the focal point is where the editor clicks, the texts are theirs.
    image_id = page.url.rstrip("/").split("/")[-2]
    page.locator(".focal-picker img").click(position={"x": 10, "y": 10})
    assert float(page.locator("input[name=focal_x]").input_value()) < 0.1
    page.fill("#id_alt_en", "The south quay at dawn")
    page.fill("#id_caption_en", "Ferries wait at the south quay")
    page.locator("input[name=_save]").click()
    image = Image.objects.get(pk=image_id)
    assert image.focal_x < 0.1 and image.alt_en == "The south quay at dawn"

    change_page(page, site, article)
    english = page.locator("fieldset.desk-language--en")
    english.locator("details.desk-figures summary").click()
    search = english.get_by_placeholder("Search the media library")
    search.fill("dawn")
    search.press("Enter")  # searches; never presses the form's first button (it may publish)
    expect(english.locator(".desk-figures__pick")).to_have_count(1)
    assert Article.objects.get(pk=article.pk).version == article.version
    english.locator(".desk-figures__pick").first.click()
    body = page.locator("#id_body_en").input_value()
    assert f'![The south quay at dawn](media:{image.name} "Ferries wait at the south quay")' in body
    # The live preview shows the figure as readers will see it.
    preview = english.locator(".desk-preview figure picture")
    expect(preview.get_by_role("img", name="The south quay at dawn")).to_be_visible()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    reader = browser.new_page()
    reader.goto(f"{site}{article.get_absolute_url().replace('/zh-hans/', '/en/')}")
    figure = reader.locator("[lang=en] .article-version__body figure", has_text="Ferries wait")
    expect(figure.locator("figcaption")).to_have_text("Ferries wait at the south quay")
    expect(figure.get_by_role("img", name="The south quay at dawn")).to_have_attribute(
        "loading", "lazy"
    )


def test_screenshots_of_the_media_library_and_a_picture(site, browser, editors):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "li")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{site}/admin/media/image/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(Image.objects.count())
    expect(rows.first.locator("th a")).not_to_be_empty()  # each row is named by its picture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desk-library.png"))
    lead = Article.objects.get(slug="harbour-cranes-go-electric").image
    page.goto(f"{site}/admin/media/image/{lead.pk}/change/")
    expect(page.locator(".focal-picker img")).to_be_visible()
    expect(page.locator("#id_alt_zh_hans")).not_to_have_value("")  # described as imported
    page.screenshot(path=str(SCREENSHOTS / "desk-picture.png"), full_page=True)


def test_an_editor_adds_to_the_byline_and_topics_by_typing(site, browser, editors, article):
    for app in ("people", "topics"):
        roles = import_module(f"{app}.migrations.0002_roles").ROLES
        for name, codenames in roles.items():
            Group.objects.get(name=name).permissions.add(
                *Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
            )
    page = sign_in(browser, site, "li")
    change_page(page, site, article)
    chosen = page.locator(".field-byline_by .select2-selection__choice")
    expect(chosen).to_have_text(["×Tom Hale"])

    page.locator(".field-byline_by .select2-search__field").press_sequentially("赵")
    page.locator(".select2-results__option", has_text="Zhao Ming").click()
    page.locator(".field-topics .select2-search__field").press_sequentially("太空")
    page.locator(".select2-results__option", has_text="Space").click()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    saved = Article.objects.get(pk=article.pk)
    assert [(line.person.slug, line.role) for line in saved.byline] == [
        ("tom-hale", ""),
        ("zhao-ming", ""),
        ("photo-desk", "photos"),
    ]
    assert [topic.slug for topic in saved.topics] == ["transport", "climate", "space"]
    reader = browser.new_page()
    reader.goto(f"{site}{article.get_absolute_url().replace('/zh-hans/', '/en/')}")
    expect(reader.locator("article[lang=en] .byline")).to_have_text(
        "By Tom Hale and Zhao Ming · Photos by Newsroom photo desk"
    )
