"""Pictures: taken into the library safely, shown in every width and format, verifiable by their
id, and carried by the article document through export and import."""

import io
import json
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from PIL import ExifTags
from PIL import Image as Picture

from media import renditions, uploads
from media.models import Image

from .conftest import page, picture_bytes

GPS = ExifTags.IFD.GPSInfo


@pytest.fixture(autouse=True)
def in_english(admin_client):
    """Messages are read in English: the desk's editor here reads it in English."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def with_camera_metadata() -> bytes:
    exif = Picture.Exif()
    exif[ExifTags.Base.Make] = "Camera maker"
    exif[ExifTags.Base.Model] = "Model 7"
    exif[ExifTags.Base.Artist] = "Li Wei"
    exif[ExifTags.Base.ImageDescription] = "Cranes on the south quay"
    exif[ExifTags.Base.Orientation] = 6  # taken with the camera turned
    exif.get_ifd(GPS).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 29.0, 0.0)})
    return picture_bytes(1200, 800, exif=exif.tobytes())


def git_hash(data: bytes) -> str:
    return (
        subprocess.run(
            ["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True
        )
        .stdout.decode()
        .strip()
    )


def test_an_upload_loses_location_and_device_and_is_named_by_its_bytes(db):
    received = uploads.receive(SimpleUploadedFile("quay.jpg", with_camera_metadata()))
    image = received.image
    data = image_path(image).read_bytes()
    exif = Picture.open(io.BytesIO(data)).getexif()
    assert not exif.get_ifd(GPS)
    assert ExifTags.Base.Make not in exif and ExifTags.Base.Model not in exif
    assert exif[ExifTags.Base.Orientation] == 6  # kept, so the picture still stands up
    assert (image.width, image.height) == (800, 1200)
    assert image.id == git_hash(data)
    assert received.proposed == {"credit": "Li Wei", "caption": "Cranes on the south quay"}
    assert image.credit_en == "Li Wei"


def image_path(image: Image) -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / image.name


def test_the_same_bytes_uploaded_twice_are_one_picture(db):
    data = picture_bytes()
    first = uploads.receive(SimpleUploadedFile("a.jpg", data))
    second = uploads.receive(SimpleUploadedFile("b.jpeg", data))
    assert first.is_new and not second.is_new
    assert second.image.pk == first.image.pk
    assert Image.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.jpg", b"Just some text, not a picture.", "is not a picture Newsroom can read"),
        ("photo.png", picture_bytes(40, 30), "holds a JPG picture"),
        ("cut.jpg", picture_bytes(400, 300)[:3000], "could not be read to the end"),
        ("huge.png", picture_bytes(9000, 8000, format="PNG", mode="1"), "at most 60 megapixels"),
        ("bomb.png", picture_bytes(10000, 9500, format="PNG", mode="1"), "more pixels than"),
        ("page.pdf", b"%PDF-1.4 a document", "is not a picture Newsroom can read"),
    ],
)
def test_a_file_that_is_no_acceptable_picture_is_refused_with_a_reason(db, name, data, message):
    with pytest.raises(ValidationError) as refused:
        uploads.receive(SimpleUploadedFile(name, data))
    assert message in " ".join(refused.value.messages)
    assert not Image.objects.exists()


def test_a_gif_keeps_no_comment(db):
    received = uploads.receive(
        SimpleUploadedFile("note.gif", picture_bytes(200, 100, format="GIF", comment=b"at 31N"))
    )
    data = image_path(received.image).read_bytes()
    assert b"31N" not in data and "comment" not in Picture.open(io.BytesIO(data)).info


def test_an_oversized_file_is_refused_before_it_is_read(db, settings):
    settings.IMAGE_MAX_BYTES = 10_000
    with pytest.raises(ValidationError, match="at most 0 MB"):
        uploads.receive(SimpleUploadedFile("big.jpg", picture_bytes(1600, 1200, quality=95)))


def test_transparency_is_kept_with_png_fallbacks(make_image):
    image = make_image("logo.png", picture_bytes(700, 400, format="PNG", mode="RGBA"))
    assert image.has_alpha
    assert renditions.fallback_format(image) == "png"


def test_renditions_are_never_wider_than_the_picture(make_image):
    image = make_image("small.jpg", picture_bytes(700, 500))
    widths = [r.width for r in renditions.planned(image)["avif"]]
    assert widths == [320, 480, 640, 700]
    for rendition in renditions.every_rendition(image):
        with open(Path(image_path(image)).parent / rendition.path, "rb") as made:
            assert Picture.open(made).width == rendition.width


@pytest.fixture
def exported_with_pictures(tmp_path, make_image):
    """A document with a lead image and a figure in each body, and its pictures beside it."""
    lead = picture_bytes(2400, 1600)
    figure = picture_bytes(1000, 1000, format="PNG")
    lead_name = f"{uploads.blob_id(lead)}.jpg"
    figure_name = f"{uploads.blob_id(figure)}.png"
    folder = tmp_path / "in"
    (folder / "media").mkdir(parents=True)
    (folder / "media" / lead_name).write_bytes(lead)
    (folder / "media" / figure_name).write_bytes(figure)
    (folder / "cranes.md").write_text(
        f"""+++
section = "world"
slug = "cranes"
published = 2026-05-14T08:05:00+08:00
languages = ["zh-hans", "en"]
image = "{lead_name}"

[zh-hans]
title = "港口起重机改用电力"
image_alt = "夜色中的三台电动起重机"
image_caption = "南港码头"
image_credit = "新闻编辑部"

[en]
title = "Harbour cranes go electric"
summary = "The south quay's cranes run on power from the grid."
image_alt = "Three electric cranes at night"
image_caption = "The south quay"
image_credit = "Newsroom"
+++

<!-- lang: zh-hans -->

起重机今天开始用电。

![充电电缆的特写](media:{figure_name} "一台起重机的电缆")

<!-- lang: en -->

The cranes run on electricity from today.

![A close view of the charging cable](media:{figure_name} "One crane's cable")
""",
        encoding="utf-8",
    )
    return folder, lead_name, figure_name


def test_an_imported_article_shows_its_pictures_in_every_format_and_width(
    client, exported_with_pictures
):
    folder, lead_name, figure_name = exported_with_pictures
    call_command("import_articles", str(folder), stdout=io.StringIO())

    chinese = page(client.get("/zh-hans/world/cranes/"))
    lead = chinese.select_one("figure.lead-image picture")
    sources = {source["type"]: source for source in lead.find_all("source")}
    assert list(sources) == ["image/avif", "image/webp"]
    img = lead.find("img")
    assert img["alt"] == "夜色中的三台电动起重机"
    assert img["fetchpriority"] == "high" and not img.has_attr("loading")
    assert (img["width"], img["height"]) == ("1600", "1067")
    assert "南港码头" in chinese.select_one("figure.lead-image figcaption").text
    figures = chinese.select(".article-version__body figure.figure")
    assert [f.find("img")["alt"] for f in figures] == [
        "充电电缆的特写",
        "A close view of the charging cable",
    ]
    assert all(f.find("img")["loading"] == "lazy" for f in figures)
    assert figures[1].find_parent(attrs={"lang": True})["lang"] == "en"

    english = page(client.get("/en/world/cranes/"))
    assert english.select_one("figure.lead-image img")["alt"] == "Three electric cranes at night"
    og_image = english.find("meta", property="og:image")["content"]
    assert "/16x9-" in og_image and og_image.endswith("-1200.jpg")
    assert english.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    assert english.find("meta", attrs={"name": "robots"})["content"] == "max-image-preview:large"
    graph = json.loads(english.find("script", type="application/ld+json").string)["@graph"]
    assert all(len(entry["image"]) == 3 for entry in graph)

    # Every rendition the page names is there, as wide as its descriptor says.
    for source in [*lead.find_all("source"), img, *(f.find("img") for f in figures)]:
        for candidate in source["srcset"].split(", "):
            url, width = candidate.split()
            response = client.get(url)
            assert response.status_code == 200, url
            data = b"".join(response.streaming_content)
            assert Picture.open(io.BytesIO(data)).width == int(width.removesuffix("w"))

    # The library describes the new picture as the document did.
    library = Image.objects.get(pk=lead_name.split(".")[0])
    assert (library.alt_zh_hans, library.credit_en) == ("夜色中的三台电动起重机", "Newsroom")
    figure = Image.objects.get(pk=figure_name.split(".")[0])
    assert (figure.alt_en, figure.caption_zh_hans) == (
        "A close view of the charging cable",
        "一台起重机的电缆",
    )

    original = client.get(f"/media/{lead_name}")
    data = b"".join(original.streaming_content)
    assert git_hash(data) == lead_name.split(".")[0]
    assert original["Content-Type"] == "image/jpeg"
    assert "immutable" in original["Cache-Control"]


def test_export_then_import_into_an_empty_site_gives_the_same_bytes(
    tmp_path, exported_with_pictures, django_db_blocker
):
    from articles.models import Article

    folder, lead_name, figure_name = exported_with_pictures
    call_command("import_articles", str(folder), stdout=io.StringIO())
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_articles", str(first), stdout=io.StringIO())
    assert sorted(p.name for p in (first / "media").iterdir()) == sorted([lead_name, figure_name])

    Article.objects.all().delete()
    Image.objects.all().delete()
    call_command("import_articles", str(first), stdout=io.StringIO())
    call_command("export_articles", str(second), stdout=io.StringIO())
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for path in files:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path


def test_import_refuses_a_missing_or_mismatching_picture_and_changes_nothing(
    exported_with_pictures,
):
    from articles.models import Article

    folder, lead_name, figure_name = exported_with_pictures
    (folder / "media" / figure_name).write_bytes(b"other bytes")
    (folder / "media" / lead_name).unlink()
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(folder), stdout=io.StringIO())
    message = str(refused.value)
    assert f"cranes.md:6: {lead_name} is not in the library" in message
    assert f"cranes.md:26: {folder / 'media' / figure_name} does not match its name" in message
    assert not Article.objects.exists() and not Image.objects.exists()


def test_import_refuses_a_mismatching_file_for_a_picture_the_library_has(
    exported_with_pictures,
):
    from articles.models import Article

    folder, _lead, figure_name = exported_with_pictures
    call_command("import_articles", str(folder), stdout=io.StringIO())
    before = list(Article.objects.values_list("slug", "version"))
    (folder / "media" / figure_name).write_bytes(b"other bytes")
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(folder), stdout=io.StringIO())
    assert f"cranes.md:26: {folder / 'media' / figure_name} does not match its name" in str(
        refused.value
    )
    assert list(Article.objects.values_list("slug", "version")) == before


def test_a_page_links_a_rendition_not_made_yet_to_the_original(client, make_article, make_image):
    image = make_image(renditions_made=False)
    article = make_article(image=image, image_alt_en="Cranes")
    shown = page(client.get(article.get_absolute_url()))
    url = shown.select_one("figure.lead-image img")["src"]
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == image.url
    assert "no-store" in response["Cache-Control"]


def test_a_picture_in_use_cannot_be_deleted_from_the_desk(admin_client, make_article, make_image):
    image = make_image()
    article = make_article(image=image)
    response = admin_client.post(f"/admin/media/image/{image.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    assert str(article) in response.content.decode()


def test_the_library_is_searched_by_caption_in_either_language(admin_client, make_image):
    make_image(caption_zh_hans="南港码头的起重机", caption_en="Cranes on the south quay")
    make_image("tea.jpg", picture_bytes(900, 600), caption_en="Tea rows")
    found = page(admin_client.get("/admin/media/image/?q=码头"))
    assert "Cranes on the south quay" in found.select_one("#result_list").text
    assert "Tea rows" not in found.select_one("#result_list").text


def test_a_desk_upload_of_several_pictures_adds_each_once(admin_client):
    response = admin_client.post(
        "/admin/media/image/add/",
        {
            "files": [
                SimpleUploadedFile("one.jpg", picture_bytes(600, 400)),
                SimpleUploadedFile("two.png", picture_bytes(500, 500, format="PNG")),
                SimpleUploadedFile("again.jpg", picture_bytes(600, 400)),
                SimpleUploadedFile("notes.jpg", b"not a picture"),
            ]
        },
    )
    assert response.status_code == 302
    assert Image.objects.count() == 2
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("is not a picture Newsroom can read" in m for m in messages)
    assert any("2 pictures added" in m and "1 was there already" in m for m in messages)


def test_the_article_form_refuses_a_figure_the_library_lacks(admin_client, make_article):
    from .desk import change_form

    article = make_article(status="draft")
    data = change_form(article, body_en="Text.\n\n![x](media:" + "a" * 40 + ".jpg)")
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert "not in the media library" in response.content.decode()


def test_a_crop_keeps_its_address_after_the_focal_point_moves(client, admin_client, make_image):
    image = make_image()
    before = renditions.share_image(image)
    response = admin_client.post(
        f"/admin/media/image/{image.pk}/change/",
        {"focal_x": "0.2", "focal_y": "0.3", "alt_en": "Cranes", "_save": "Save"},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.2, 0.3)
    assert renditions.share_image(image).path != before.path
    kept = client.get(before.url)
    assert kept.status_code == 200 and kept["Content-Type"] == "image/jpeg"


def test_a_picture_an_earlier_version_showed_cannot_be_deleted(
    admin_client, make_article, make_image
):
    from articles import revisions

    first = make_image()
    article = make_article(image=first, image_alt_en="First")
    article.image = make_image("second.jpg", picture_bytes(900, 600))
    revisions.save_article(article)
    admin_client.post(f"/admin/media/image/{first.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=first.pk).exists()


def test_import_warns_of_a_picture_that_still_carries_metadata(tmp_path, db):
    data = with_camera_metadata()
    name = f"{uploads.blob_id(data)}.jpg"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / name).write_bytes(data)
    (tmp_path / "quay.md").write_text(
        '+++\nsection = "world"\nslug = "quay"\npublished = 2026-05-14T08:05:00+08:00\n'
        f'languages = ["en"]\nimage = "{name}"\n\n[en]\ntitle = "The quay"\n+++\n\n'
        "<!-- lang: en -->\n\nText.\n",
        encoding="utf-8",
    )
    said = io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=io.StringIO(), stderr=said)
    assert f"quay.md:6: {tmp_path / 'media' / name} carries metadata" in said.getvalue()
    # The document names these bytes: they are what readers get, and what the id hashes.
    assert image_path(Image.objects.get(pk=name.split(".")[0])).read_bytes() == data


def test_make_renditions_makes_what_is_missing_after_a_restore(make_image, media_root):
    import shutil

    image = make_image(renditions_made=False)
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert f"Made {len(renditions.every_rendition(image))} rendition(s) of 1 picture(s)" in (
        out.getvalue()
    )
    image.refresh_from_db()
    assert image.has_renditions  # the library says so
    shutil.rmtree(Path(media_root) / "renditions")
    call_command("make_renditions", stdout=io.StringIO())
    assert all((Path(media_root) / r.path).is_file() for r in renditions.every_rendition(image))


def test_a_feed_entry_carries_its_lead_image(client, exported_with_pictures):
    import feedparser

    folder, lead_name, _figure_name = exported_with_pictures
    call_command("import_articles", str(folder), stdout=io.StringIO())
    feed = feedparser.parse(client.get("/en/feed/").content)
    (entry,) = feed.entries
    (enclosure,) = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosure.href == f"http://testserver/media/{lead_name}"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == len((folder / "media" / lead_name).read_bytes())


def test_a_generated_newsroom_has_pictures_as_the_desk_would_save_them(db):
    from articles import documents
    from articles.models import Article

    call_command("generate_articles", "--articles", "30", "--pictures", "2", stdout=io.StringIO())
    assert Image.objects.count() == 2
    led = Article.objects.filter(image__isnull=False).select_related("section", "image")
    assert led.count() == 10
    for article in led:
        assert article.fingerprint == documents.fingerprint(article.document_bytes())
        assert "<picture>" in article.body_html("en") or "media:" not in article.body_en


def test_the_figure_line_a_picture_page_offers_reads_back_as_its_texts(admin_client, make_image):
    from articles.rendering import figures_of

    image = make_image(
        alt_en='Cranes [at dusk] \\ "south", *not* `code` &amp; <b>!',
        caption_en='The "south" quay &amp; its *cranes*',
    )
    shown = page(admin_client.get(f"/admin/media/image/{image.pk}/change/"))
    line = shown.select_one("code.figure-markdown").text
    assert figures_of(line) == [(image.name, image.alt_en, image.caption_en)]


def test_a_new_focal_point_reaches_every_page_that_shows_the_picture(
    client, admin_client, make_article, make_image
):
    image = make_image()
    article = make_article(image=image, image_alt_en="Cranes")
    pages = ["/en/", f"/en/{article.section.slug}/", "/en/feed/"]
    for path in pages:
        client.get(path)  # stored now
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    admin_client.post(
        f"/admin/media/image/{image.pk}/change/",
        {"focal_x": "0.9", "focal_y": "0.5", "_save": "Save"},
    )
    image.refresh_from_db()
    crop = renditions.planned(image, "16x9")["avif"][0].path
    for path in pages[:2]:
        assert crop in client.get(path).content.decode(), path
    shown = page(client.get(article.get_absolute_url().replace("/zh-hans/", "/en/")))
    assert shown.find("meta", property="og:image")["content"].endswith(
        renditions.share_image(image).path
    )
