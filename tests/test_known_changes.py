"""Each process's copy of the record of changes on PostgreSQL, kept current by the database's
notifications and checked against it at least once a second. These tests commit for real:
PostgreSQL sends a notification only when the change commits."""

import threading
import time

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from articles import revisions
from articles.models import Article
from newsroom import changes

from .conftest import page
from .test_page_cache import Relay

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def copy(settings, monkeypatch):
    """A process's copy of the record, as it is when the process starts."""
    settings.PAGE_CACHE_LISTENS = True
    known = changes.KnownChanges()
    monkeypatch.setattr(changes, "known_changes", known)
    yield known
    known.close()


def elsewhere(work) -> None:
    """Run ``work`` as another server would: its own connection, its own committed transaction."""

    def run():
        try:
            with transaction.atomic():
                work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def new_title(pk: int, title: str):
    def work():
        article = Article.objects.select_related("section").get(pk=pk)
        article.title_en = title
        revisions.save_article(article)

    return work


def learns_of(copy: changes.KnownChanges, key: str, since: int, deadline: float = 5.0) -> bool:
    """Whether ``copy`` hears of a change to ``key`` later than ``since`` within ``deadline``
    seconds. It waits for the database server's message, which no clock in the test can hurry:
    it is not waiting for time to pass."""
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        if copy.read([key]).last_change > since:
            return True
        time.sleep(0.01)
    return False


def test_a_stored_page_is_served_without_asking_the_database(
    copy, make_article, django_assert_num_queries
):
    make_article(slug="ferry", title_en="Ferry")
    client = Client()
    with time_machine.travel(timezone.now(), tick=False):
        first = client.get("/en/world/ferry/")
        with django_assert_num_queries(0):
            second = client.get("/en/world/ferry/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")


def test_a_change_another_server_commits_reaches_this_process(copy, make_article):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    client = Client()
    client.get("/en/world/ferry/")
    assert client.get("/en/world/ferry/")["X-Page-Cache"] == "hit"

    before = copy.read([article.page_key]).last_change

    elsewhere(new_title(article.pk, "Ferry on time"))
    # The notification comes as soon as the database delivers it; then the next reader:
    heard = learns_of(copy, article.page_key, before)
    shown = client.get("/en/world/ferry/")

    assert heard
    assert shown["X-Page-Cache"] == "miss"
    assert page(shown).select_one("main h1").get_text() == "Ferry on time"


def test_the_notification_alone_brings_a_change_without_waiting_for_the_check(
    copy, make_article, monkeypatch
):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    # The clock stands still: the check made once a second of it never comes.
    with time_machine.travel(timezone.now(), tick=False):
        before = copy.read([article.page_key]).last_change
        # Made by another server, whose own copy knows of it at once, not this process's.
        monkeypatch.setattr(changes, "known_changes", changes.KnownChanges())
        elsewhere(new_title(article.pk, "Ferry on time"))
        heard = learns_of(copy, article.page_key, before)

    assert heard


@pytest.fixture
def relay(settings):
    """A relay the process listens for changes through, which can go silent."""
    database = connection.settings_dict
    relay = Relay((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    settings.DATABASE_LISTEN_URL = (
        f"postgres://{database['USER']}@127.0.0.1:{relay.port}/{database['NAME']}"
    )
    yield relay
    relay.close()


def test_a_silently_dropped_listening_connection_delays_a_change_by_a_second_at_most(
    copy, make_article, relay
):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    client = Client()
    with time_machine.travel(timezone.now()) as clock:
        client.get("/en/world/ferry/")
        relay.silence()  # no reset, no error: the notifications simply stop coming
        elsewhere(new_title(article.pk, "Ferry on time"))
        clock.shift(changes.KnownChanges.CHECK_EVERY + 0.1)
        shown = page(client.get("/en/world/ferry/"))
        after = client.get("/en/world/ferry/")

    assert shown.select_one("main h1").get_text() == "Ferry on time"
    assert after["X-Page-Cache"] == "hit"


def test_a_change_made_before_the_process_listened_is_not_missed(
    settings, make_article, monkeypatch
):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    client = Client()
    client.get("/en/world/ferry/")  # stored by a process that asked the database
    elsewhere(new_title(article.pk, "Ferry on time"))  # nobody listening yet

    settings.PAGE_CACHE_LISTENS = True
    known = changes.KnownChanges()
    monkeypatch.setattr(changes, "known_changes", known)
    try:
        answers = [client.get("/en/world/ferry/") for _ in range(2)]
    finally:
        known.close()

    assert [page(r).select_one("main h1").get_text() for r in answers] == ["Ferry on time"] * 2
    assert [r["X-Page-Cache"] for r in answers] == ["miss", "hit"]


def test_a_change_to_more_keys_than_a_notification_holds_is_read_from_the_database(copy):
    before = copy.read(["article-999"]).last_change  # listening
    keys = [f"article-{number}" for number in range(1000)]

    elsewhere(lambda: changes.changed(*keys))

    assert learns_of(copy, "article-999", before)
    assert copy.read(["article-0"]).last_change == copy.read(["article-999"]).last_change > before


def test_a_change_this_process_makes_is_known_here_at_once(copy, make_article):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    client = Client()
    client.get("/en/world/ferry/")
    assert client.get("/en/world/ferry/")["X-Page-Cache"] == "hit"

    article.title_en = "Ferry on time"
    revisions.save_article(article)  # committed here: no waiting for the notification
    shown = client.get("/en/world/ferry/")

    assert page(shown).select_one("main h1").get_text() == "Ferry on time"


def test_a_change_this_process_makes_is_shown_here_before_its_notification_comes(
    copy, make_article, relay
):
    """Until the notification comes back, the copy knows of the change only as this process's
    own: a stored page older than it is never served, from this process's memory or Redis."""
    article = make_article(slug="ferry", title_en="Ferry delayed")
    client = Client()
    with time_machine.travel(timezone.now(), tick=False):  # no check of the database
        client.get("/en/world/ferry/")
        assert client.get("/en/world/ferry/")["X-Page-Cache"] == "hit"
        relay.silence()  # the notification of the change below never comes
        article.title_en = "Ferry on time"
        revisions.save_article(article)
        shown = client.get("/en/world/ferry/")

    assert page(shown).select_one("main h1").get_text() == "Ferry on time"
    assert shown["X-Page-Cache"] == "miss"


def test_a_closed_listening_connection_sends_readers_to_the_database_until_it_is_back(
    copy, make_article
):
    article = make_article(slug="ferry", title_en="Ferry delayed")
    client = Client()
    client.get("/en/world/ferry/")
    with connection.cursor() as cursor:  # the database restarts, a proxy resets it …
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE %s AND pid <> pg_backend_pid()",
            [f"LISTEN {changes.CHANNEL}%"],
        )
    elsewhere(new_title(article.pk, "Ferry on time"))

    with time_machine.travel(timezone.now()) as clock:
        right_after = page(client.get("/en/world/ferry/"))
        clock.shift(changes.KnownChanges.RETRY + 0.1)
        client.get("/en/world/ferry/")  # listening again
        listening = copy.read([]) is not None

    assert right_after.select_one("main h1").get_text() == "Ferry on time"
    assert listening


def test_a_page_stored_before_the_process_listened_is_checked_once_in_the_database(
    settings, make_article, make_section, monkeypatch, django_assert_num_queries
):
    make_article(slug="ferry")
    city = make_section("city")
    make_article(section=city, slug="trams")  # City is in the navigation already
    client = Client()
    client.get("/en/world/ferry/")  # stored by a process that asked the database
    elsewhere(lambda: make_article(section=city, slug="buses"))  # nothing the page shows

    settings.PAGE_CACHE_LISTENS = True
    known = changes.KnownChanges()
    monkeypatch.setattr(changes, "known_changes", known)
    try:
        known.read([])  # listening: the process has just started
        with time_machine.travel(timezone.now(), tick=False):
            with django_assert_num_queries(1):
                first = client.get("/en/world/ferry/")
            with django_assert_num_queries(0):
                second = client.get("/en/world/ferry/")
    finally:
        known.close()

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("hit", "hit")


def test_a_copy_that_outgrows_its_bound_starts_afresh_and_serves_nothing_stale(
    copy, make_article, make_section, monkeypatch
):
    monkeypatch.setattr(copy, "MOST_KEYS", 3)  # a correction alone names four keys
    make_article(slug="harbour", title_en="Harbour")
    # In another section, so that the harbour's page does not list them as related.
    city = make_section("city", name_en="City")
    ferry = make_article(section=city, slug="ferry", title_en="Ferry delayed")
    buses = make_article(section=city, slug="buses", title_en="Buses")
    client = Client()
    for address in ("/en/world/harbour/", "/en/city/ferry/", "/en/city/buses/"):
        client.get(address)

    # Two corrections elsewhere: the copy starts afresh after each, forgetting the first.
    for article, title in ((ferry, "Ferry on time"), (buses, "Night buses")):
        before = copy.read([article.page_key]).last_change
        elsewhere(new_title(article.pk, title))
        assert learns_of(copy, article.page_key, before)
    shown = {
        slug: client.get(f"/en/{section}/{slug}/")
        for section, slug in (("world", "harbour"), ("city", "ferry"), ("city", "buses"))
    }

    assert len(copy.last) <= 4
    assert shown["harbour"]["X-Page-Cache"] == "hit"  # unchanged: still served as stored
    assert page(shown["harbour"]).select_one("main h1").get_text() == "Harbour"
    assert page(shown["ferry"]).select_one("main h1").get_text() == "Ferry on time"
    assert page(shown["buses"]).select_one("main h1").get_text() == "Night buses"
