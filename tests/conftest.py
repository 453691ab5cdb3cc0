"""Fixtures that build sections and articles in a line, and read pages as a reader would."""

import io
import itertools
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from playwright.sync_api import sync_playwright

from articles import revisions
from articles.models import Article, Section
from newsroom import changes, page_cache

DOCUMENTS = Path(__file__).parent / "documents"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# CI installs Chromium and must run the browser tests; elsewhere they wait until it is installed.
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium fonts-wqy-microhei)",
)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches (the shared Redis one too, when configured) and
    nothing kept in the process. Rolled back tests can reuse an article's id and version, which
    the fragment cache keys on, and the record of changes starts again with each test."""
    cache.clear()
    caches["pages"].clear()
    caches["fragments"].clear()
    page_cache.forget_kept()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test keeps its pictures in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def picture_bytes(width=1800, height=1200, *, format="JPEG", mode="RGB", exif=None, **options):
    """A picture with something in it (a gradient and a few bands), as a file's bytes."""
    from PIL import Image as Picture
    from PIL import ImageDraw

    picture = Picture.linear_gradient("L").resize((width, height)).convert(mode)
    draw = ImageDraw.Draw(picture)
    for band in range(0, width, max(1, width // 12)):
        draw.rectangle((band, height // 3, band + width // 24, height // 2), fill="#c0392b")
    output = io.BytesIO()
    if exif is not None:
        options["exif"] = exif
    picture.save(output, format, **options)
    return output.getvalue()


@pytest.fixture
def make_image(db):
    """``make_image()`` takes a 1800 × 1200 JPEG into the library, as an upload would; its
    renditions are made at once (``renditions=False`` leaves them to the worker)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from media import renditions, uploads

    def make(name="harbour.jpg", data=None, *, renditions_made=True, **texts):
        data = data if data is not None else picture_bytes()
        image = uploads.receive(SimpleUploadedFile(name, data)).image
        for field, value in texts.items():
            setattr(image, field, value)
        image.save()
        if renditions_made:
            renditions.make(image)
        return image

    return make


@pytest.fixture
def make_section(db):
    def make(slug="world", *, name_zh_hans="国际", name_en="World", **fields) -> Section:
        section, created = Section.objects.get_or_create(
            slug=slug, defaults={"name_zh_hans": name_zh_hans, "name_en": name_en, **fields}
        )
        if created:
            changes.changed(changes.SITE)  # as the desk records a new section
        return section

    return make


@pytest.fixture
def make_article(db, make_section):
    """``make_article(title_en=None, body_en=None)`` makes a Chinese-only article, and so on;
    ``by=user`` saves it as that person."""
    numbers = itertools.count(1)

    def make(section=None, slug=None, by=None, **fields) -> Article:
        number = next(numbers)
        values = {
            "title_zh_hans": f"第{number}篇报道",
            "summary_zh_hans": f"第{number}篇报道的摘要。",
            "body_zh_hans": f"第{number}篇报道的正文。",
            "title_en": f"Report number {number}",
            "summary_en": f"The summary of report {number}.",
            "body_en": f"The text of report {number}.",
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(hours=number),
        }
        values.update(fields)
        article = Article(
            section=section or make_section(), slug=slug or f"report-{number}", **values
        )
        article.full_clean()
        revisions.save_article(article, user=by)
        return article

    return make


@pytest.fixture
def admin_client(admin_user) -> Client:
    """A logged-in administrator whose browser asks for English (tests that need the Chinese
    admin say so per request)."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(admin_user)
    return client


@pytest.fixture
def make_person(db):
    """``make_person("wang", "Editors", sections=[world])``: a staff account in a desk role."""

    def make(username: str, role: str | None = None, *, sections=()) -> User:
        user = User.objects.create_user(username, password="desk-password-123", is_staff=True)
        if role:
            user.groups.add(Group.objects.get(name=role))
        for section in sections:
            section.editors.add(user)
        return user

    return make


@pytest.fixture
def login():
    """A browser signed in as ``user``, asking for English."""

    def sign_in(user) -> Client:
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def example_document() -> bytes:
    """DESIGN.md's example document, whose fingerprint DESIGN.md gives."""
    return (DOCUMENTS / "river-ferry-returns.md").read_bytes()


@pytest.fixture
def example_article(db, example_document, make_section, tmp_path):
    make_section("world")
    path = tmp_path / "river-ferry-returns.md"
    path.write_bytes(example_document)
    call_command("import_articles", str(path), stdout=io.StringIO())
    return Article.objects.get(slug="river-ferry-returns")


def git_hash_object(data: bytes) -> str:
    """Git's own fingerprint of ``data``: an implementation independent of ours."""
    result = subprocess.run(
        ["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode().strip()


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "lxml")


def at(year, month, day, hour=12, minute=0, second=0) -> datetime:
    """A moment in the site's time zone."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def site(live_server, settings, monkeypatch):
    """The demo newsroom, served by a real HTTP server."""
    # The test server serves static files from the apps' folders by their plain names
    # (production serves the hashed, compressed copies through WhiteNoise).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("load_demo", stdout=io.StringIO())
    # Playwright's sync API keeps an event loop in this thread; Django's checks would take it
    # for async code touching the database.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return live_server.url


@pytest.fixture
def playwright(site):
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright):
    """Debian's Chromium, headless."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
