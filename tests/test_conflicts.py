"""No lost updates: two people saving the same article have their changes combined field by
field and language by language; only a text both changed is a conflict, which nothing is saved
over until the second person chooses. A section saved meanwhile is refused and shown."""

import threading

import pytest
from bs4 import BeautifulSoup
from django.db import connection, connections, transaction

from articles import revisions
from articles.models import Article, EditConflict, Section

from .desk import change_form, change_url, errors


@pytest.fixture
def two_editors(make_person, login, make_section):
    world = make_section("world")
    return (
        login(make_person("li", "Editors", sections=[world])),
        login(make_person("sam", "Editors", sections=[world])),
    )


def test_changes_to_different_languages_and_fields_are_combined(two_editors, make_article):
    first, second = two_editors
    article = make_article(summary_en="A ferry.", summary_zh_hans="渡轮。", body_en="Daily.")
    # Both open the form at the same version.
    form_first = change_form(article, summary_zh_hans="渡轮复航。", note_zh_hans="更准确")
    form_second = change_form(article, summary_en="The ferry is back.", body_en="Hourly.")

    saved = first.post(change_url(article), form_first)
    combined = second.post(change_url(article), form_second, follow=True)

    assert saved.status_code == 302, errors(saved)
    assert combined.redirect_chain, errors(combined)
    article.refresh_from_db()
    assert (article.summary_zh_hans, article.summary_en, article.body_en) == (
        "渡轮复航。",
        "The ferry is back.",
        "Hourly.",
    )
    notice = " ".join(str(m) for m in combined.context["messages"])
    assert "li saved this article while you were editing it" in notice
    assert "Chinese · summary" in notice
    assert article.revisions.count() == 3


def test_a_text_both_changed_is_shown_side_by_side_and_nothing_is_saved(two_editors, make_article):
    first, second = two_editors
    article = make_article(body_en="The ferry runs daily.", body_zh_hans="渡轮每天运行。")
    form_first = change_form(article, body_en="The ferry runs hourly.", note_en="Timetable")
    form_second = change_form(
        article, body_en="The ferry runs twice a day.", body_zh_hans="渡轮每天运行两次。"
    )
    first.post(change_url(article), form_first)

    refused = second.post(change_url(article), form_second)

    assert refused.status_code == 200
    assert any("changed the same text as you" in e for e in errors(refused))
    soup = BeautifulSoup(refused.content, "lxml")
    conflict = soup.select_one(".desk-conflict")
    [field] = conflict.select(".desk-conflict__field")
    assert "English · body" in field.select_one("legend").get_text()
    sides = [side.get_text(" ", strip=True) for side in field.select(".desk-conflict__side")]
    assert "The ferry runs hourly." in sides[0] and "The ferry runs twice a day." in sides[1]
    assert "Timetable" in conflict.get_text()
    # The second person's own texts are still in the form.
    # (a textarea's first newline is not part of its text)
    assert soup.select_one("#id_body_zh_hans").get_text().removeprefix("\n") == "渡轮每天运行两次。"
    assert "twice a day" in soup.select_one("#id_body_en").get_text()
    # And the first person's text is intact.
    article.refresh_from_db()
    assert article.body_en == "The ferry runs hourly."
    assert article.body_zh_hans == "渡轮每天运行。"


def test_choosing_theirs_keeps_their_text_and_the_rest_of_yours(two_editors, make_article):
    first, second = two_editors
    article = make_article(body_en="Daily.", title_en="Ferry", summary_en="")
    form_second = change_form(article, body_en="Twice a day.", title_en="Ferry returns")
    first.post(change_url(article), change_form(article, body_en="Hourly.", summary_en="New."))
    refused = second.post(change_url(article), form_second)
    soup = BeautifulSoup(refused.content, "lxml")
    resubmit = {
        field["name"]: field.get("value", "")
        for field in soup.select("form#article_form input[type=hidden]")
    }

    again = second.post(
        change_url(article),
        {
            **form_second,
            "base_version": resubmit["base_version"],
            "summary_en": soup.select_one("#id_summary_en").get_text().removeprefix("\n"),
            "keep-body_en": "theirs",
        },
    )

    assert again.status_code == 302, errors(again)
    article.refresh_from_db()
    assert (article.body_en, article.title_en, article.summary_en) == (
        "Hourly.",
        "Ferry returns",
        "New.",
    )


def test_saving_again_after_seeing_the_conflict_is_a_deliberate_replace(two_editors, make_article):
    first, second = two_editors
    article = make_article(body_en="Original.")
    form_second = change_form(article, body_en="Second person's text.")
    first.post(change_url(article), change_form(article, body_en="First person's text."))

    refused = second.post(change_url(article), form_second)
    resubmit = BeautifulSoup(refused.content, "lxml").select_one('input[name="base_version"]')
    again = second.post(change_url(article), {**form_second, "base_version": resubmit["value"]})

    assert again.status_code == 302, errors(again)
    article.refresh_from_db()
    assert article.body_en == "Second person's text."
    assert [r.texts["en"]["body"] for r in article.revisions.order_by("number")] == [
        "Original.",
        "First person's text.",
        "Second person's text.",
    ]


def test_a_stale_copy_cannot_overwrite_a_newer_save(make_article):
    article = make_article(body_en="One.")
    stale = Article.objects.get(pk=article.pk)
    article.body_en = "Two."
    revisions.save_article(article)

    stale.body_en = "Stale."
    with pytest.raises(EditConflict):
        revisions.save_article(stale)

    article.refresh_from_db()
    assert article.body_en == "Two."
    assert article.revisions.count() == 2


def section_form(section: Section, **overrides) -> dict:
    from articles.forms import SectionForm

    data = {
        "name_zh_hans": section.name_zh_hans,
        "name_en": section.name_en,
        "description_zh_hans": "",
        "description_en": "",
        "slug": section.slug,
        "position": section.position,
        "is_visible": "on",
        "base_version": section.version,
        "base_snapshot": SectionForm.snapshot(section),
    }
    data.update(overrides)
    return data


def test_sections_refuse_lost_updates_too(login, make_person, make_section):
    section = make_section("world")
    first, second = (login(make_person(name, "Administrators")) for name in ("ada", "bo"))
    form_first = section_form(section, name_en="International")
    form_second = section_form(section, position=7)

    saved = first.post(f"/admin/articles/section/{section.pk}/change/", form_first)
    refused = second.post(f"/admin/articles/section/{section.pk}/change/", form_second)

    assert saved.status_code == 302, errors(saved)
    assert refused.status_code == 200
    soup = BeautifulSoup(refused.content, "lxml")
    changes = [
        [cell.get_text() for cell in row.select("td")]
        for row in soup.select(".desk-conflict tbody tr")
    ]
    assert ["name [en]", "World", "International"] in changes
    assert soup.select_one("#id_position")["value"] == "7"
    section.refresh_from_db()
    assert (section.name_en, section.position) == ("International", 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_cannot_both_save(make_article):
    """Two real transactions on two connections: the second waits on the first's row lock,
    then finds the version moved and is refused."""
    article = make_article(body_en="Start.")
    first_saved = threading.Event()
    second_waiting = threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                copy = Article.objects.get(pk=article.pk)
                copy.body_en = "First."
                revisions.save_article(copy)
                first_saved.set()
                # Hold the transaction open until the second one is blocked on our lock.
                second_waiting.wait(timeout=10)
            results["first"] = "saved"
        finally:
            connections.close_all()

    def second():
        try:
            copy = Article.objects.get(pk=article.pk)  # read before the first commits
            first_saved.wait(timeout=10)
            copy.body_en = "Second."
            try:
                revisions.save_article(copy)
                results["second"] = "saved"
            except EditConflict:
                results["second"] = "refused"
        finally:
            connections.close_all()

    def watch_for_lock_wait():
        with connections["default"].cursor() as cursor:
            for _ in range(1000):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
                threading.Event().wait(0.01)
        second_waiting.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_saved.wait(timeout=10)
    watch_for_lock_wait()
    for thread in threads:
        thread.join(timeout=20)

    assert results == {"first": "saved", "second": "refused"}
    article.refresh_from_db()
    assert article.body_en == "First."


def test_a_choice_of_theirs_holds_when_yet_another_save_comes_in(two_editors, make_article):
    first, second = two_editors
    article = make_article(body_en="Daily.", title_en="Ferry")
    form_second = change_form(article, body_en="Twice a day.")
    first.post(change_url(article), change_form(article, body_en="Hourly."))
    refused = second.post(change_url(article), form_second)
    shown_version = BeautifulSoup(refused.content, "lxml").select_one('input[name="base_version"]')
    article.refresh_from_db()
    first.post(change_url(article), change_form(article, title_en="Ferry returns"))  # a third

    again = second.post(
        change_url(article),
        {**form_second, "base_version": shown_version["value"], "keep-body_en": "theirs"},
    )

    assert again.status_code == 302, errors(again)
    article.refresh_from_db()
    assert (article.body_en, article.title_en) == ("Hourly.", "Ferry returns")
