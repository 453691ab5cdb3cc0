"""import_articles and export_articles: byte-identical round trips, and bad files change nothing."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import revisions
from articles.models import Article, Revision, Section

DEMO = Path(__file__).resolve().parent.parent / "articles" / "demo"


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def test_import_then_export_gives_identical_bytes(db, tmp_path):
    run("import_articles", str(DEMO))
    run("export_articles", str(tmp_path / "out"))

    exported = files_under(tmp_path / "out")
    assert exported == files_under(DEMO)
    assert len(exported) >= 12


def test_export_import_into_empty_database_export_round_trip(db, make_article, tmp_path):
    make_article(slug="both")
    make_article(slug="chinese-only", title_en="", summary_en="", body_en="")
    make_article(slug="quoted", title_en='She said "yes" \\ no', summary_en="line\nbreak")
    run("export_articles", str(tmp_path / "first"))
    Article.objects.all().delete()
    Section.objects.all().delete()

    run("import_articles", str(tmp_path / "first"))
    run("export_articles", str(tmp_path / "second"))

    assert files_under(tmp_path / "first") == files_under(tmp_path / "second")
    assert len(files_under(tmp_path / "second")) == 3


def test_import_creates_a_missing_section_named_after_its_slug(db, tmp_path, example_document):
    (tmp_path / "ferry.md").write_bytes(example_document)

    output = run("import_articles", str(tmp_path / "ferry.md"))

    section = Section.objects.get(slug="world")
    assert section.name_en == "World"
    assert "Created section 'world'" in output
    article = Article.objects.get(section=section, slug="river-ferry-returns")
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.isoformat() == "2026-03-14T00:05:00+00:00"
    assert article.fingerprint == "303e61604e9d4bc89a34b895714d4d8a0f21f06c"


def test_an_identical_document_changes_nothing(db, tmp_path, example_document):
    (tmp_path / "ferry.md").write_bytes(example_document)
    first = run("import_articles", str(tmp_path / "ferry.md"))
    article = Article.objects.get()
    before = (article.version, article.fingerprint, article.revisions.count(), article.updated_at)

    output = run("import_articles", str(tmp_path / "ferry.md"))

    article.refresh_from_db()
    assert "1 created, 0 updated, 0 unchanged" in first
    assert "0 created, 0 updated, 1 unchanged" in output
    after = (article.version, article.fingerprint, article.revisions.count(), article.updated_at)
    assert after == before


def test_a_document_that_would_change_an_article_is_refused_with_what_it_changes(
    db, tmp_path, make_section, make_article, example_document
):
    make_article(section=make_section("world"), slug="river-ferry-returns", title_en="Corrected")
    other = example_document.replace(b"river-ferry-returns", b"night-buses")
    (tmp_path / "ferry.md").write_bytes(example_document)
    (tmp_path / "buses.md").write_bytes(other)

    with pytest.raises(CommandError) as error:
        run("import_articles", str(tmp_path))

    message = str(error.value)
    assert "Nothing was imported" in message and "--update" in message
    assert f"{tmp_path / 'ferry.md'}: would change world/river-ferry-returns" in message
    assert "title (English)" in message and "body (English)" in message
    assert "buses.md" not in message  # a new article is not a problem, but it waits too
    assert Article.objects.get().title_en == "Corrected"


def test_update_replaces_an_article_without_showing_the_importer_s_note(
    client, db, tmp_path, example_article, example_document
):
    corrected = example_document.replace(b"sails again", b"is back")
    (tmp_path / "ferry.md").write_bytes(corrected)

    output = run("import_articles", "--update", str(tmp_path / "ferry.md"))

    example_article.refresh_from_db()
    assert "0 created, 1 updated" in output
    assert example_article.title_en == "The river ferry is back"
    assert example_article.revisions.count() == 2
    for language in ("en", "zh-hans"):
        page = client.get(f"/{language}/world/river-ferry-returns/").content.decode()
        assert "Imported from" not in page
    assert example_article.revisions.order_by("-number")[0].note == "Imported from ferry.md"


def test_a_document_finds_its_article_after_the_desk_moved_its_section(
    admin_client, db, tmp_path, example_article, example_document
):
    section = example_article.section
    form = {
        "name_zh_hans": "国际", "name_en": "World", "description_zh_hans": "", "description_en": "",
        "slug": "world-news", "position": 0, "is_visible": "on", "base_version": section.version,
        "confirm_slug": "world-news",
    }  # fmt: skip
    admin_client.post(f"/admin/articles/section/{section.pk}/change/", form)
    (tmp_path / "ferry.md").write_bytes(example_document)

    output = run("import_articles", str(tmp_path / "ferry.md"))

    assert "0 created, 0 updated, 1 unchanged" in output
    assert list(Section.objects.values_list("slug", flat=True)) == ["world-news"]
    assert Article.objects.count() == 1


def test_import_as_draft_keeps_articles_from_readers(client, db, tmp_path, example_document):
    (tmp_path / "ferry.md").write_bytes(example_document)

    run("import_articles", "--draft", str(tmp_path / "ferry.md"))

    assert Article.objects.get().status == Article.Status.DRAFT
    assert client.get("/en/world/river-ferry-returns/").status_code == 404


BAD_FILES = {
    "broken-toml.md": (
        ('title = "渡轮重新开航"', 'title = "渡轮重新开航'),
        ":8: the front matter is not valid TOML",
    ),
    "unknown-language.md": (
        ('languages = ["zh-hans", "en"]', 'languages = ["zh-hans", "fr"]'),
        ":5: unknown language 'fr'",
    ),
    "marker-in-body.md": (
        ("首班船上坐满了通勤的居民。", "<!-- lang: en -->\n\n首班船上坐满了通勤的居民。"),
        ':23: a second <!-- lang: en --> line (the first is on line 19); a body may not contain a line starting with "<!-- lang:"',  # noqa: E501
    ),
    "missing-title.md": (
        ('title = "The river ferry sails again"', ""),
        ":11: [en] has no 'title'",
    ),
    "reserved-slug.md": (
        ('slug = "river-ferry-returns"', 'slug = "admin"'),
        "reserved for the site's own pages",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_refused_with_file_and_line_and_nothing_is_written(
    db, tmp_path, make_article, example_document, name
):
    existing = make_article(slug="river-ferry-returns", title_en="Untouched")
    before = (Article.objects.count(), Section.objects.count(), existing.fingerprint)
    (old, new), message = BAD_FILES[name]
    folder = tmp_path / "incoming"
    folder.mkdir()
    # A good file next to the bad one: it must not be imported either.
    (folder / "a-good.md").write_bytes(example_document.replace(b"world", b"science"))
    text = example_document.decode()
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run("import_articles", str(folder))

    assert f"{folder / name}" in str(error.value)
    assert message in str(error.value)
    assert "Nothing was imported" in str(error.value)
    existing.refresh_from_db()
    assert (Article.objects.count(), Section.objects.count(), existing.fingerprint) == before
    assert existing.title_en == "Untouched"


def test_the_same_article_twice_is_refused(db, tmp_path, example_document):
    (tmp_path / "one.md").write_bytes(example_document)
    (tmp_path / "two.md").write_bytes(example_document)

    with pytest.raises(CommandError, match="the same article as"):
        run("import_articles", str(tmp_path))

    assert not Article.objects.exists()


def test_missing_path_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        run("import_articles", str(tmp_path / "nowhere.md"))


def test_export_refuses_a_file_in_place_of_a_folder(db, tmp_path):
    (tmp_path / "taken").write_text("x")

    with pytest.raises(CommandError, match="is not a folder"):
        run("export_articles", str(tmp_path / "taken"))


def test_demo_content_has_sections_and_single_language_articles(db, settings):
    settings.DEBUG = False
    output = run("load_demo")

    assert Section.objects.count() >= 3
    articles = list(Article.objects.published())
    assert len(articles) >= 12
    assert {tuple(a.languages) for a in articles} == {("zh-hans", "en"), ("zh-hans",), ("en",)}
    assert "no development admin" in output


def test_demo_content_loads_twice_without_duplicates(db):
    run("load_demo")
    run("load_demo")

    assert Article.objects.count() == len(files_under(DEMO))


def test_loading_the_demo_again_keeps_what_editors_changed(admin_client, client, db):
    run("load_demo")
    city = Section.objects.get(slug="city")
    form = {
        "name_zh_hans": city.name_zh_hans, "name_en": city.name_en, "description_zh_hans": "",
        "description_en": "", "slug": "our-city", "position": city.position,
        "is_visible": "on", "base_version": city.version, "confirm_slug": "our-city",
    }  # fmt: skip
    assert admin_client.post(f"/admin/articles/section/{city.pk}/change/", form).status_code == 302
    article = Article.objects.published().filter(section=city).exclude(title_en="").first()
    article.title_en = "Corrected by the desk"
    revisions.save_article(article, note="Fixed the headline.")
    counts = (Section.objects.count(), Article.objects.count(), Revision.objects.count())

    output = run("load_demo")

    article.refresh_from_db()
    assert "not loaded" in output
    assert article.title_en == "Corrected by the desk"
    assert (Section.objects.count(), Article.objects.count(), Revision.objects.count()) == counts
    assert not Section.objects.filter(slug="city").exists()
    page = client.get(f"/en/our-city/{article.slug}/").content.decode()
    assert "Corrected by the desk" in page and "Imported from" not in page


def test_an_update_leaves_an_article_where_the_desk_moved_it(
    db, tmp_path, example_article, example_document, make_section
):
    city = make_section("city", name_en="City")
    example_article.section = city
    revisions.save_article(example_article)  # moved in the desk: world/… now redirects
    (tmp_path / "ferry.md").write_bytes(example_document.replace(b"sails again", b"is back"))

    run("import_articles", "--update", str(tmp_path / "ferry.md"))

    example_article.refresh_from_db()
    assert example_article.section == city and example_article.title_en.endswith("is back")
