"""A whole backup (``manage.py backup``) restored into an empty database (``manage.py
restore``) gives back every page, document, fingerprint, revision, draft and person as before:
checked by a process of its own reading the restored database."""

import hashlib
import io
import json
import os
import secrets
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from articles import revisions
from articles.models import Article

from .servers import manage

# Rendered by the process that reads the restored database: every address, hashed.
RENDER = """
import hashlib, json
from django.test import Client
from articles.models import Article, Revision
from django.contrib.auth.models import User
client = Client()
pages = {a: hashlib.sha1(client.get(a).content).hexdigest() for a in json.loads('ADDRESSES')}
facts = {
    "fingerprints": sorted(Article.objects.values_list("slug", "status", "fingerprint")),
    "revisions": Revision.objects.count(),
    "people": sorted(User.objects.values_list("username", flat=True)),
}
print(json.dumps({"pages": pages, "facts": facts}))
"""


def addresses() -> list[str]:
    found = ["/zh-hans/", "/en/", "/sitemap.xml", "/zh-hans/feed/", "/en/feed/"]
    for article in Article.objects.published().select_related("section"):
        for language in ("zh-hans", "en"):
            found.append(f"/{language}/{article.section.slug}/{article.slug}/")
        found.append(article.get_document_url())
        for earlier in article.revisions.earlier_public_versions(article.fingerprint):
            found.append(article.get_version_document_url(earlier.fingerprint))
    return sorted(set(found))


def facts() -> dict:
    from django.contrib.auth.models import User

    from articles.models import Revision

    return {
        "fingerprints": sorted(Article.objects.values_list("slug", "status", "fingerprint")),
        "revisions": Revision.objects.count(),
        "people": sorted(User.objects.values_list("username", flat=True)),
    }


@pytest.fixture
def empty_database(tmp_path):
    """The address of a new, empty database of the kind the tests run on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"newsroom_restore_{secrets.token_hex(4)}"
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    server = f"postgres://{settings['USER']}@{host}:{port}"
    subprocess.run(["psql", f"{server}/postgres", "-c", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True)  # fmt: skip
    yield f"{server}/{name}"
    subprocess.run(["psql", f"{server}/postgres", "-c", f"DROP DATABASE {name} WITH (FORCE)"],
                   check=True, capture_output=True)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_is_the_same_site(
    tmp_path, make_person, empty_database
):
    call_command("load_demo", stdout=io.StringIO())
    make_person("wang", "Editors")
    corrected = Article.objects.published().exclude(title_en="").first()
    corrected.body_en += "\n\nA correction."
    revisions.save_article(corrected, note="Added a line.")
    draft = Article.objects.published().last()
    draft.status = Article.Status.DRAFT
    revisions.save_article(draft)
    shown = addresses()
    client = Client()
    before = {a: hashlib.sha1(client.get(a).content).hexdigest() for a in shown}
    backup = tmp_path / "newsroom #1?.backup"  # characters a URI would read otherwise

    call_command("backup", str(backup), stdout=io.StringIO())
    environment = {**os.environ, "DATABASE_URL": empty_database}
    environment.pop("REDIS_URL", None)
    manage(environment, "restore", str(backup))
    restored = json.loads(
        manage(environment, "shell", "-v0", "-c", RENDER.replace("ADDRESSES", json.dumps(shown)))
    )

    assert any("@" in address for address in shown)  # an earlier version is among them
    assert restored["facts"] == json.loads(json.dumps(facts()))
    assert restored["pages"] == before


def test_a_restore_goes_only_into_an_empty_database(db, tmp_path):
    backup = tmp_path / "newsroom.backup"
    backup.write_bytes(b"whatever")

    with pytest.raises(Exception, match="not empty"):
        call_command("restore", str(backup), stdout=io.StringIO())
    with pytest.raises(Exception, match="exists already"):
        call_command("backup", str(backup), stdout=io.StringIO())
