"""The suite hunts for the next hostile input (Hypothesis): generated addresses, query strings
and methods on every public URL pattern, generated text and dates in the desk's article form,
and generated article documents for the importer. Never a server error, never half-written
data, every XML output parses, and no markup from editor text outside the cleaned body. Each
property tries a bounded number of examples, so CI time stays bounded."""

import io
import os
import xml.etree.ElementTree as ElementTree
from datetime import date
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Revision

from .desk import change_form, change_url
from .test_hostile_input import raw_get

# FUZZ_EXAMPLES=5000 make test hunts longer than CI's default.
EXAMPLES = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as people and their tools produce it: any character a form can carry (no lone
# surrogates, which no browser sends), control characters and RTL marks included.
TRICKY = st.sampled_from(
    ["\x0b", "\x0c", "\x1f", "\x7f", "\u202e", "\ufeff", "\ufffe", "<script>", "&amp;", "]]>",
     "\r\n", "\n<!-- lang: en -->\n", "%00", "'", '"']
)  # fmt: skip
CHARACTER = st.one_of(st.characters(exclude_categories=["Cs"]), TRICKY)
TEXT = st.lists(CHARACTER, max_size=16).map("".join)
# Mostly times a newsroom uses, and the edges of what it accepts.
DAY = st.one_of(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from([date(1, 1, 1), date(1899, 12, 31), date(1900, 1, 1), date(2200, 12, 31),
                     date(2201, 1, 1), date(9999, 12, 31)]),
).map(date.isoformat)  # fmt: skip
SEGMENT = st.one_of(
    st.sampled_from(["world", "ferry", "feed", "search", "policy", "@", ".md"]), TEXT
)
PATTERNS = ["/{}/", "/{}/{}/", "/{}/{}/{}/", "/{}/{}.md", "/{}/{}@{}.md", "/{}/{}/@{}/",
            "/{}/feed/", "/sitemap-{}.xml", "/{}/search/", "/{}/preview/{}/"]  # fmt: skip
LANGUAGE = st.sampled_from(["zh-hans", "en", "fr", ""])
XML_OUTPUTS = ["/en/feed/", "/zh-hans/feed/", "/en/world/feed/", "/sitemap.xml",
               "/sitemap-news.xml", "/sitemap-world.xml"]  # fmt: skip


def wsgi_path(text: str) -> str:
    """``text`` as a server hands a path to the application: its bytes, percent-decoded, as
    latin-1 (so NUL, backslashes and any script arrive as they would)."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


@pytest.fixture
def library(make_article):
    make_article(slug="ferry", summary_en="<b>bold</b> & plain")
    return make_article(slug="buses", title_en="Night buses")


@given(
    pattern=st.sampled_from(PATTERNS),
    language=LANGUAGE,
    segments=st.lists(SEGMENT, min_size=3, max_size=3),
    query=st.dictionaries(
        st.sampled_from(["page", "q", "p", "utm", "o", "lang"]), TEXT, max_size=3
    ),
)
@EXAMPLES
def test_no_address_or_query_makes_a_server_error(library, pattern, language, segments, query):
    path = pattern.format(language, *segments)
    status, _text = raw_get(wsgi_path(path), query=urlencode(query))

    assert status < 500, (path, query)


METHODS = ["OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "BREW"]
READER_ADDRESSES = ["/en/", "/en/world/", "/en/world/ferry/", "/world/ferry.md", "/en/search/",
                    "/en/feed/", "/sitemap.xml", "/robots.txt"]  # fmt: skip


@given(method=st.sampled_from(METHODS), address=st.sampled_from(READER_ADDRESSES))
@EXAMPLES
def test_no_method_makes_a_server_error(library, method, address):
    status, _text = raw_get(address, method=method)

    assert status < 500, (method, address)


@given(
    title=TEXT.filter(lambda t: "\x00" not in t),
    summary=TEXT.filter(lambda t: "\x00" not in t),
    body=TEXT.filter(lambda t: "\x00" not in t),
    day=DAY,
)
@EXAMPLES
def test_the_article_form_takes_any_text_or_refuses_it_cleanly(
    admin_client, library, title, summary, body, day
):
    library.refresh_from_db()
    revisions_before = Revision.objects.count()
    data = change_form(
        library, title_en=f"Buses {title}", summary_en=summary, body_en=f"Text {body}",
        published_at_0=day,
    )  # fmt: skip

    answer = admin_client.post(change_url(library), data)

    assert answer.status_code in (200, 302)
    if answer.status_code == 200:  # refused with a message: nothing was written
        assert Revision.objects.count() == revisions_before
        return
    for address in XML_OUTPUTS:
        ElementTree.fromstring(admin_client.get(address).content)
    page = BeautifulSoup(admin_client.get("/en/world/buses/").content, "lxml")
    # Editor text is never markup outside the cleaned body (which allows only harmless tags).
    outside_body = [
        tag.name
        for tag in page.select("main *")
        if not tag.find_parent(class_="article-version__body")
    ]
    assert "script" not in outside_body and "b" not in outside_body
    assert not page.select("main script, main [onerror], main [onclick]")


DOCUMENT_PARTS = st.fixed_dictionaries(
    {"title": TEXT, "summary": TEXT, "body": TEXT,
     "published": st.sampled_from(["2026-03-14T08:05:00+08:00", "0001-01-01T00:00:00+08:00",
                                   "9999-12-31T23:59:59-12:00", "2026-02-30T00:00:00Z", "today"])}
)  # fmt: skip


OUT = io.StringIO()


def toml_basic(text: str) -> str:
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04X}"
                         for c in text) + '"'  # fmt: skip


@given(parts=DOCUMENT_PARTS, raw_body=st.booleans())
@EXAMPLES
def test_the_importer_imports_a_document_or_refuses_it_whole(db, tmp_path, parts, raw_body):
    body = parts["body"] if raw_body else parts["body"].replace("\n", " ")
    document = "\n".join([
        "+++", 'section = "world"', 'slug = "fuzzed"', f"published = {parts['published']}",
        'languages = ["en"]', "", "[en]", f"title = {toml_basic('T ' + parts['title'])}",
        f"summary = {toml_basic(parts['summary'])}", "+++", "", "<!-- lang: en -->", "",
        f"Body {body}", "",
    ])  # fmt: skip
    (tmp_path / "fuzzed.md").write_bytes(document.encode("utf-8", "surrogatepass"))
    before = (Article.objects.count(), Revision.objects.count())

    try:
        call_command(
            "import_articles", "--update", str(tmp_path / "fuzzed.md"), stdout=io.StringIO()
        )
    except CommandError as refused:
        assert "fuzzed.md:" in str(refused)
        assert (Article.objects.count(), Revision.objects.count()) == before
    else:
        assert Article.objects.filter(slug="fuzzed").exists()


@given(name=TEXT, description=TEXT, slug=st.one_of(TEXT, st.just("world-news")), position=TEXT)
@EXAMPLES
def test_the_section_form_takes_any_text_or_refuses_it_cleanly(
    admin_client, library, name, description, slug, position
):
    section = library.section
    section.refresh_from_db()
    data = {
        "name_zh_hans": name, "name_en": f"World {name}", "description_zh_hans": description,
        "description_en": description, "slug": slug, "position": position or "0",
        "is_visible": "on", "base_version": section.version, "confirm_slug": slug,
    }  # fmt: skip

    answer = admin_client.post(f"/admin/articles/section/{section.pk}/change/", data)

    assert answer.status_code in (200, 302)
    section.refresh_from_db()  # renamed or not, every output that names it still parses
    for address in ["/en/feed/", f"/en/{section.slug}/feed/", "/sitemap.xml",
                    f"/sitemap-{section.slug}.xml", "/sitemap-sections.xml"]:  # fmt: skip
        response = admin_client.get(address)
        assert response.status_code == 200, address
        ElementTree.fromstring(response.content)


@given(username=TEXT, first_name=TEXT, last_name=TEXT, email=TEXT)
@EXAMPLES
def test_the_person_form_takes_any_text_or_refuses_it_cleanly(
    admin_client, admin_user, username, first_name, last_name, email
):
    data = {
        "username": username, "first_name": first_name, "last_name": last_name, "email": email,
        "is_active": "on", "is_staff": "on", "is_superuser": "on", "role": "Editors",
    }  # fmt: skip

    answer = admin_client.post(f"/admin/auth/user/{admin_user.pk}/change/", data)

    assert answer.status_code in (200, 302)
    assert admin_client.get("/admin/auth/user/").status_code == 200
