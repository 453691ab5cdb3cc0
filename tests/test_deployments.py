"""Newsroom as it is deployed, every part a process of its own: the embedded default (SQLite,
several gunicorn workers, no Redis) and Varnish in front of it. A correction imported by another
process is what every reader gets on the very next request, and its fingerprint matches the
document it was computed from."""

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import DOCUMENTS, git_hash_object
from .servers import free_port, get, manage, site_environment, start_gunicorn, start_varnish, stop

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
ARTICLE = "/en/world/river-ferry-returns/"
DOCUMENT = "/world/river-ferry-returns.md"


@pytest.fixture
def newsroom(tmp_path):
    """A newsroom in its own SQLite file, holding DESIGN.md's example article and one more."""
    environment = site_environment(f"sqlite:///{tmp_path / 'newsroom.sqlite3'}")
    manage(environment, "migrate", "--no-input")
    example = (DOCUMENTS / "river-ferry-returns.md").read_bytes()
    (tmp_path / "ferry.md").write_bytes(example)
    # In another section, so that it does not list the ferry among its related articles.
    other = (
        example.replace(b"river-ferry-returns", b"night-buses")
        .replace(b"The river ferry sails again", b"Night buses run again")
        .replace(b'section = "world"', b'section = "city"')
    )
    (tmp_path / "buses.md").write_bytes(other)
    manage(environment, "import_articles", str(tmp_path / "ferry.md"), str(tmp_path / "buses.md"))
    return environment, tmp_path


def correct_elsewhere(environment: dict, folder: Path) -> None:
    """The correction, imported by a process of its own (as an editor's script would)."""
    corrected = (
        (folder / "ferry.md")
        .read_bytes()
        .replace(b"The river ferry sails again", b"The river ferry is back")
    )
    (folder / "ferry.md").write_bytes(corrected)
    manage(environment, "import_articles", "--update", str(folder / "ferry.md"))


def many_readers(url: str, readers: int = 6, each: int = 5) -> list:
    with ThreadPoolExecutor(readers) as pool:
        return list(pool.map(get, [url] * readers * each))


def title_and_fingerprint(html: bytes) -> tuple[str, str]:
    text = html.decode()
    title = re.search(r'<h1 class="article-version__title">([^<]*)</h1>', text).group(1)
    fingerprint = re.search(r'class="fingerprint"[^>]*><code>([0-9a-f]{40})</code>', text)
    return title, fingerprint.group(1)


def test_the_embedded_default_serves_a_correction_from_another_process_in_every_worker(
    newsroom,
):
    environment, folder = newsroom
    port = free_port()
    server = start_gunicorn(environment, port, workers=3)
    site = f"http://127.0.0.1:{port}"
    try:
        # Readers at once, so that every worker has the page stored.
        before = many_readers(site + ARTICLE)
        correct_elsewhere(environment, folder)
        after = many_readers(site + ARTICLE)
        documents = [get(site + DOCUMENT)[2] for _ in range(5)]
    finally:
        stop(server)

    assert {title_and_fingerprint(body)[0] for _s, _h, body in before} == {
        "The river ferry sails again"
    }
    assert "hit" in {headers["X-Page-Cache"] for _s, headers, _b in before}
    assert {title_and_fingerprint(body)[0] for _s, _h, body in after} == {"The river ferry is back"}
    # The footer's fingerprint is the document's, on every answer.
    assert len(set(documents)) == 1
    assert {title_and_fingerprint(body)[1] for _s, _h, body in after} == {
        git_hash_object(documents[0])
    }


@pytest.mark.skipif(
    not Path(VARNISHD).exists(),
    reason="Varnish is not installed (apt-get install varnish varnish-modules)",
)
def test_through_varnish_a_correction_reaches_the_next_reader_and_other_pages_stay_kept(
    newsroom,
):
    environment, folder = newsroom
    app_port, cache_port = free_port(), free_port()
    environment["PURGE_URLS"] = f"http://127.0.0.1:{cache_port}/"
    server = start_gunicorn(environment, app_port, workers=2)
    varnish = start_varnish(app_port, cache_port, folder)
    site = f"http://127.0.0.1:{cache_port}"
    pages = [ARTICLE, "/en/city/night-buses/", "/zh-hans/city/night-buses/", "/en/world/"]
    try:
        for address in pages:
            get(site + address)
        kept = {address: get(site + address)[1]["X-Cache"] for address in pages}
        tagged = get(site + "/en/city/night-buses/?utm_source=newsletter&fbclid=x")
        correct_elsewhere(environment, folder)
        after = {address: get(site + address) for address in pages}
    finally:
        stop(varnish, server)

    assert set(kept.values()) == {"HIT"}
    # What a page shows is the cache's business: its keys do not reach readers.
    shown = {name.lower() for _status, headers, _body in after.values() for name in headers}
    assert "x-cache" in shown and not {"surrogate-key", "xkey"} & shown
    assert tagged[1]["X-Cache"] == "HIT"  # campaign tags: the same page, kept once
    assert title_and_fingerprint(after[ARTICLE][2])[0] == "The river ferry is back"
    # Purged: the article and the section page that lists it. Kept: the other article.
    assert {address: response[1]["X-Cache"] for address, response in after.items()} == {
        ARTICLE: "MISS",
        "/en/world/": "MISS",
        "/en/city/night-buses/": "HIT",
        "/zh-hans/city/night-buses/": "HIT",
    }
    assert b"The river ferry is back" in after["/en/world/"][2]
