"""The article document: exact bytes, a fingerprint Git agrees with, and clear parse errors."""

import tomllib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from articles import documents
from articles.documents import ArticleDocument, DocumentError, LanguageVersion

from .conftest import git_hash_object

LANGUAGES = ["zh-hans", "en"]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_example_document_round_trips_byte_for_byte(example_document):
    parsed = documents.parse(example_document, languages=LANGUAGES)

    assert documents.build(parsed, languages=LANGUAGES, timezone=SHANGHAI) == example_document


def test_fingerprint_is_what_git_hash_object_prints(example_document):
    assert documents.fingerprint(example_document) == git_hash_object(example_document)
    assert documents.fingerprint(example_document) == "303e61604e9d4bc89a34b895714d4d8a0f21f06c"


def test_fingerprint_of_unusual_text_matches_git():
    document = ArticleDocument(
        section="culture",
        slug="odd-text",
        published=datetime(2026, 1, 1, tzinfo=SHANGHAI),
        versions={"en": LanguageVersion('Say "hi" \\ bye\ttab', "two\nlines", "# Body\n\n😀")},
    )
    data = documents.build(document, languages=LANGUAGES, timezone=SHANGHAI)

    assert documents.fingerprint(data) == git_hash_object(data)


def test_strings_are_escaped_so_tomllib_reads_them_back():
    awkward = 'quote " backslash \\ newline \n tab \t return \r bell \x07 delete \x7f 中文'
    document = ArticleDocument(
        section="world",
        slug="escapes",
        published=datetime(2026, 3, 14, 8, 5, tzinfo=SHANGHAI),
        versions={"zh-hans": LanguageVersion(awkward, awkward, "正文")},
    )
    text = documents.build(document, languages=LANGUAGES, timezone=SHANGHAI).decode()
    front = text.split("+++\n")[1]

    assert 'title = "quote \\" backslash \\\\ newline \\n tab \\t return \\r bell \\u0007' in text
    assert "中文" in text  # Chinese is written as itself, not escaped
    assert tomllib.loads(front)["zh-hans"]["title"] == awkward


def test_published_is_written_in_the_site_time_zone():
    document = ArticleDocument(
        section="world",
        slug="late-night",
        published=datetime.fromisoformat("2026-03-13T20:30:00+00:00"),
        versions={"en": LanguageVersion("Title", "", "Body")},
    )
    text = documents.build(document, languages=LANGUAGES, timezone=SHANGHAI).decode()

    assert "published = 2026-03-14T04:30:00+08:00\n" in text


def test_languages_follow_the_site_order_and_empty_summary_is_left_out():
    document = ArticleDocument(
        section="world",
        slug="order",
        published=datetime(2026, 3, 14, tzinfo=SHANGHAI),
        versions={
            "en": LanguageVersion("English", "", "English body"),
            "zh-hans": LanguageVersion("中文", "", "中文正文"),
        },
    )
    text = documents.build(document, languages=LANGUAGES, timezone=SHANGHAI).decode()

    assert 'languages = ["zh-hans", "en"]' in text
    assert "summary" not in text
    assert text.index("<!-- lang: zh-hans -->") < text.index("<!-- lang: en -->")
    assert text.endswith("English body\n") and not text.endswith("\n\n")


def test_body_is_normalized_line_ends_trailing_spaces_and_outer_blank_lines():
    assert documents.normalize_body("\r\n\n  first  \r\nsecond\t\n\n\n") == "  first\nsecond"


def test_windows_line_ends_are_accepted_on_import(example_document):
    crlf = example_document.replace(b"\n", b"\r\n")
    parsed = documents.parse(crlf, languages=LANGUAGES)

    assert documents.build(parsed, languages=LANGUAGES, timezone=SHANGHAI) == example_document


def broken(example_document: bytes, old: str, new: str) -> bytes:
    text = example_document.decode()
    assert old in text
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ('title = "渡轮重新开航"', 'title = "渡轮重新开航', 8, "not valid TOML"),
        ('languages = ["zh-hans", "en"]', 'languages = ["zh-hans", "fr"]', 5, "unknown language"),
        ('title = "The river ferry sails again"', 'summary = "No title"', 11, "has no 'title'"),
        ("首班船上坐满了通勤的居民。", "<!-- lang: en -->", 21, "may not contain"),
        ("首班船上坐满了通勤的居民。", "<!-- lang:en-->", 19, "exactly"),
        ("published = 2026-03-14T08:05:00+08:00", "published = 2026-03-14", 4, "offset"),
        ('slug = "river-ferry-returns"', 'slug = "River Ferry"', 3, "a-z"),
        ("+++\n\n<!-- lang: zh-hans -->", "\n\n<!-- lang: zh-hans -->", 1, "never closed"),
        ('[en]\ntitle = "The river ferry sails again"', "", 5, "no [en] table"),
        (
            "After three years, the ferry linking the two banks is running again.",
            "<!-- lang: zh-hans -->",
            23,
            "the first is on line 15",
        ),
    ],
)
def test_broken_documents_are_refused_with_their_line(example_document, old, new, line, words):
    with pytest.raises(DocumentError) as error:
        documents.parse(broken(example_document, old, new), languages=LANGUAGES)

    assert error.value.line == line
    assert words in error.value.message


def test_a_document_that_is_not_utf8_names_the_line():
    data = b'+++\nsection = "world"\nslug = "x\xff"\n'
    with pytest.raises(DocumentError) as error:
        documents.parse(data, languages=LANGUAGES)

    assert error.value.line == 3
    assert "UTF-8" in error.value.message
