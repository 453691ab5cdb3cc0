"""What readers see of the desk's work: corrections with their earlier versions, scheduled
articles appearing at their minute, and old addresses that keep working after a move."""

from datetime import timedelta

import pytest
import time_machine

from articles import revisions
from articles.models import Article

from .conftest import at, git_hash_object, page
from .desk import change_form, change_url, errors


@pytest.fixture
def corrected(admin_client, make_article):
    """A published article whose English body was corrected once through the desk."""
    article = make_article(slug="ferry", body_en="The ferry runs daily.")
    first = article.fingerprint
    response = admin_client.post(
        change_url(article),
        change_form(article, body_en="The ferry runs hourly.", note_en="The timetable was wrong."),
    )
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    return article, first


def test_a_correction_gets_a_new_fingerprint_and_a_public_note(client, corrected):
    article, first = corrected

    soup = page(client.get("/en/world/ferry/"))
    note = soup.select_one("aside.correction")

    assert article.fingerprint != first
    assert "The timetable was wrong." in note.get_text()
    assert note.time["datetime"].startswith(str(article.revised_at.astimezone().year))
    footer_fingerprint = soup.select_one("footer a.fingerprint code").get_text()
    assert footer_fingerprint == article.fingerprint
    assert git_hash_object(client.get("/world/ferry.md").content) == article.fingerprint


def test_the_page_links_to_its_earlier_version_and_its_document(client, corrected):
    _article, first = corrected

    links = page(client.get("/zh-hans/world/ferry/")).select("nav.earlier-versions a")
    hrefs = [a["href"] for a in links]

    assert hrefs == [f"/zh-hans/world/ferry/@{first}/", f"/world/ferry@{first}.md"]


def test_an_earlier_version_shows_its_own_text_with_a_banner(client, corrected):
    _article, first = corrected

    soup = page(client.get(f"/en/world/ferry/@{first}/"))

    assert "The ferry runs daily." in soup.select_one('article[lang="en"]').get_text()
    banner = soup.select_one(".notice--version")
    assert banner.a["href"] == "/en/world/ferry/"
    assert soup.select_one("footer a.fingerprint")["href"] == f"/world/ferry@{first}.md"
    assert soup.select_one("footer a.fingerprint code").get_text() == first


def test_the_current_text_kept_rendered_never_stands_in_for_an_earlier_one(client, corrected):
    _article, first = corrected
    client.get("/en/world/ferry/")  # the current text, now kept rendered

    earlier = page(client.get(f"/en/world/ferry/@{first}/"))
    current = page(client.get("/en/world/ferry/?again"))

    assert "runs daily" in earlier.select_one('article[lang="en"]').get_text()
    assert "runs hourly" in current.select_one('article[lang="en"]').get_text()
    assert (
        earlier.select_one('link[rel="canonical"]')["href"] == "http://testserver/en/world/ferry/"
    )


def test_an_earlier_versions_document_hashes_to_its_fingerprint(client, corrected):
    _article, first = corrected

    response = client.get(f"/world/ferry@{first}.md")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert git_hash_object(response.content) == first
    assert b"The ferry runs daily." in response.content


def test_the_current_fingerprint_is_not_an_earlier_version(client, corrected):
    article, _first = corrected

    assert client.get(f"/en/world/ferry/@{article.fingerprint}/").status_code == 404
    assert client.get(f"/world/ferry@{'0' * 40}.md").status_code == 404


def test_unpublished_revisions_never_show(client, admin_client, make_article):
    article = make_article(slug="quiet", status=Article.Status.DRAFT, body_en="Draft text.")
    draft = article.revisions.get()
    draft_fingerprint = git_hash_object(draft.document_bytes())
    article.status = Article.Status.PUBLISHED
    article.body_en = "Published text."
    revisions.save_article(article)

    soup = page(client.get("/en/world/quiet/"))

    assert not soup.select("nav.earlier-versions")
    assert not soup.select("aside.correction")
    assert client.get(f"/en/world/quiet/@{draft_fingerprint}/").status_code == 404
    assert client.get(f"/world/quiet@{draft_fingerprint}.md").status_code == 404


def test_a_text_replaced_before_its_scheduled_time_was_never_public(client, make_article):
    with time_machine.travel(at(2026, 5, 1, 8, 0), tick=False):
        article = make_article(slug="later", published_at=at(2026, 5, 1, 9, 0), body_en="v1")
        scheduled = article.fingerprint
        article.body_en = "v2"
        revisions.save_article(article, note="Before it went out")
    with time_machine.travel(at(2026, 5, 1, 10, 0), tick=False):
        soup = page(client.get("/en/world/later/"))
        old = client.get(f"/en/world/later/@{scheduled}/")

    assert not soup.select("aside.correction")
    assert old.status_code == 404


# Scheduled publication


@pytest.mark.parametrize(
    "url", ["/en/", "/en/world/", "/en/world/nine-oclock/", "/world/nine-oclock.md"]
)
def test_a_scheduled_article_appears_exactly_at_its_minute(client, make_article, url):
    with time_machine.travel(at(2026, 6, 1, 8, 0), tick=False):
        make_article(slug="nine-oclock", title_en="Nine o'clock", published_at=at(2026, 6, 1, 9, 0))

    def shows_it() -> bool:
        response = client.get(url)
        if url.endswith(("nine-oclock/", ".md")):
            return response.status_code == 200
        return "Nine o" in response.content.decode()

    with time_machine.travel(at(2026, 6, 1, 8, 59, 59), tick=False):
        before = shows_it()
    with time_machine.travel(at(2026, 6, 1, 9, 0), tick=False):
        on_time = shows_it()

    assert (before, on_time) == (False, True)


def test_the_desk_shows_a_scheduled_article_as_scheduled(admin_client, make_article):
    with time_machine.travel(at(2026, 6, 1, 8, 0), tick=False):
        make_article(published_at=at(2026, 6, 1, 9, 0))
        listing = page(admin_client.get("/admin/articles/article/"))

    assert listing.select_one("td.field-status_label").get_text() == (
        "Scheduled for 2026-06-01 09:00 (Asia/Shanghai)"
    )


def test_scheduling_at_nine_means_nine_in_the_sites_time_zone(admin_client, make_article):
    article = make_article(status=Article.Status.REVIEW)
    form = change_form(
        article, transition="publish", published_at_0="2099-01-02", published_at_1="09:00:00"
    )

    response = admin_client.post(change_url(article), form)

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.published_at.isoformat() == "2099-01-02T01:00:00+00:00"
    assert article.is_scheduled


def test_every_time_in_the_desk_names_its_time_zone(admin_client, make_article):
    article = make_article()

    form = page(admin_client.get(change_url(article)))
    listing = page(admin_client.get("/admin/articles/article/"))
    history = page(admin_client.get(f"/admin/articles/article/{article.pk}/revisions/"))

    labels = [label.get_text() for label in form.select(".field-published_at label")]
    assert "Publication time (Asia/Shanghai):" in labels
    assert "Asia/Shanghai" in listing.select_one("th.column-publication_time").get_text()
    assert "Asia/Shanghai" in history.select_one("#content-main p.help").get_text()


# Moves


def test_a_new_slug_keeps_the_old_addresses_working(client, admin_client, make_article):
    article = make_article(slug="old-name")
    first = article.fingerprint
    admin_client.post(change_url(article), change_form(article, slug="new-name", note_en="Renamed"))
    article.refresh_from_db()

    assert article.slug == "new-name"
    for old, new in [
        ("/en/world/old-name/", "/en/world/new-name/"),
        ("/zh-hans/world/old-name/?utm=x", "/zh-hans/world/new-name/?utm=x"),
        ("/world/old-name.md", "/world/new-name.md"),
        (f"/en/world/old-name/@{first}/", f"/en/world/new-name/@{first}/"),
        (f"/world/old-name@{first}.md", f"/world/new-name@{first}.md"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert client.get(new).status_code == 200, new


def test_an_old_versions_document_keeps_its_old_address_inside(client, admin_client, make_article):
    article = make_article(slug="old-name")
    first = article.fingerprint
    admin_client.post(change_url(article), change_form(article, slug="new-name"))

    document = client.get(f"/world/new-name@{first}.md").content

    assert git_hash_object(document) == first
    assert b'slug = "old-name"' in document


def test_moving_an_article_to_another_section_redirects(
    client, admin_client, make_section, make_article
):
    city = make_section("city", name_en="City")
    article = make_article(slug="bridge")

    admin_client.post(change_url(article), change_form(article, section=city.pk))

    response = client.get("/en/world/bridge/")
    assert (response.status_code, response["Location"]) == (301, "/en/city/bridge/")


def test_renaming_a_section_redirects_its_page_and_its_articles(client, admin_client, make_article):
    article = make_article(slug="bridge")
    section = article.section
    admin_client.post(
        f"/admin/articles/section/{section.pk}/change/",
        {
            "name_zh_hans": "国际",
            "name_en": "World",
            "slug": "international",
            "position": 0,
            "is_visible": "on",
            "base_version": section.version,
            "confirm_slug": "international",
        },
    )

    for old, new in [
        ("/en/world/", "/en/international/"),
        ("/en/world/?page=1", "/en/international/?page=1"),
        ("/en/world/bridge/", "/en/international/bridge/"),
        ("/world/bridge.md", "/international/bridge.md"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    document = client.get("/international/bridge.md").content
    article.refresh_from_db()
    assert git_hash_object(document) == article.fingerprint


def test_a_moved_draft_does_not_redirect_readers(client, admin_client, make_article):
    article = make_article(slug="hidden", status=Article.Status.DRAFT)
    admin_client.post(change_url(article), change_form(article, slug="still-hidden"))

    assert client.get("/en/world/hidden/").status_code == 404


def test_reusing_an_old_address_for_a_new_article_wins_over_the_redirect(
    client, admin_client, make_article
):
    article = make_article(slug="first")
    admin_client.post(change_url(article), change_form(article, slug="renamed"))
    make_article(slug="first", title_en="A different story")

    response = client.get("/en/world/first/")

    assert response.status_code == 200
    assert page(response).select_one("main h1").get_text() == "A different story"


def test_preview_and_versions_are_never_published_in_a_lists(client, corrected):
    _article, first = corrected

    front = client.get("/en/").content.decode()

    assert "/en/world/ferry/" in front
    assert first not in front and "/@" not in front


def test_a_correction_after_a_time_travel_keeps_order(client, make_article):
    with time_machine.travel(at(2026, 7, 1, 9, 0), tick=False):
        article = make_article(slug="timed", published_at=at(2026, 7, 1, 8, 0), body_en="One.")
    with time_machine.travel(at(2026, 7, 1, 9, 0) + timedelta(hours=1), tick=False):
        article.body_en = "Two."
        revisions.save_article(article, note="Second fix")
        soup = page(client.get("/en/world/timed/"))

    assert "Second fix" in soup.select_one("aside.correction").get_text()
    assert soup.select_one("aside.correction time").get_text() == "2026-07-01 10:00"


def test_time_zone_labels_follow_the_editors_language(admin_client, make_article):
    make_article()

    english = page(admin_client.get("/admin/articles/article/"))
    chinese = page(
        admin_client.get("/admin/articles/article/", headers={"accept-language": "zh-hans"})
    )

    header = "th.column-publication_time"
    assert english.select_one(header).get_text(strip=True) == "Publication time (Asia/Shanghai)"
    assert chinese.select_one(header).get_text(strip=True) == "发布时间 (Asia/Shanghai)"


def test_each_language_reads_its_own_correction_note_in_its_own_block(admin_client, make_article):
    article = make_article(
        slug="ferry", body_en="The ferry runs daily.", body_zh_hans="渡轮每天开。"
    )
    response = admin_client.post(
        change_url(article),
        change_form(
            article,
            body_en="The ferry runs hourly.",
            body_zh_hans="渡轮每小时一班。",
            note_en="The timetable was wrong.",
            note_zh_hans="时刻表有误。",
        ),
    )
    assert response.status_code == 302, errors(response)

    for language in ("zh-hans", "en"):
        soup = page(admin_client.get(f"/{language}/world/ferry/"))
        chinese = soup.select_one('article[lang="zh-Hans"] aside.correction').get_text(" ")
        english = soup.select_one('article[lang="en"] aside.correction').get_text(" ")
        assert "时刻表有误。" in chinese and "timetable" not in chinese and "更新" in chinese
        assert "The timetable was wrong." in english and "时刻表" not in english
        assert "Updated" in english


def test_a_note_in_one_language_leaves_the_other_with_the_date_alone(admin_client, make_article):
    article = make_article(slug="ferry", body_en="The ferry runs daily.")
    admin_client.post(
        change_url(article),
        change_form(article, body_en="The ferry runs hourly.", note_en="The timetable was wrong."),
    )

    soup = page(admin_client.get("/en/world/ferry/"))

    chinese = soup.select_one('article[lang="zh-Hans"] aside.correction')
    assert chinese.time is not None and "timetable" not in chinese.get_text()


def test_an_earlier_version_is_labelled_with_when_readers_saw_it(client, make_article):
    with time_machine.travel(at(2026, 7, 1, 9, 0), tick=False):
        article = make_article(slug="timed", published_at=at(2026, 7, 1, 8, 0), body_en="One.")
    with time_machine.travel(at(2026, 7, 3, 17, 30), tick=False):
        article.body_en = "Two."
        revisions.save_article(article, note="Fixed")

    link = page(client.get("/en/world/timed/")).select_one("nav.earlier-versions a")

    assert [t.get_text() for t in link.select("time")] == ["2026-07-01 09:00", "2026-07-03 17:30"]
