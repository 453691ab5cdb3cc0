"""Derive every article's search terms again, as saving it would (articles/search.py): a run of
Chinese now also indexes its last character, so that one character finds the articles that
contain it, and English words are stemmed in their American spelling, so that ``harbor`` finds
``harbour``. On PostgreSQL the trigger of 0006 fills ``search_vector`` again from the new terms.

The archive is read in batches by id, each written in a transaction of its own (the migration is
not atomic): the site goes on serving while it runs, an editor saving an article waits for one
batch at most, and a migration stopped half-way is simply run again. A row whose terms come out
the same (English without British spellings, no Chinese) is not written. Then the search pages
that the page cache and the CDN keep are marked as changed.
"""

from django.db import migrations, transaction

BATCH = 500
LANGUAGES = {"zh-hans": "zh_hans", "en": "en"}  # in the site's order, as Article.search_texts()


def body_text(article, code: str) -> str:
    """What ``Article.body_text()`` reads: the rendering stored for the published text, else the
    body rendered now (a draft, which has none)."""
    from articles.models import figures_in
    from articles.rendering import render_markdown, text_of

    stored = article.rendered or {}
    if article.fingerprint and stored.get("fingerprint") == article.fingerprint:
        html = stored["html"].get(code)
        if html is not None:
            return text_of(html)
    bodies = {each: getattr(article, f"body_{suffix}") for each, suffix in LANGUAGES.items()}
    return text_of(render_markdown(bodies[code], figures_in(*bodies.values())))


def search_texts(article) -> tuple[str, str]:
    """What ``Article.search_texts()`` stores: the terms of the titles, and of the summaries and
    bodies, in every language."""
    from articles.search import bounded_terms, index_text, joined

    titles, rest = [], []
    for code, suffix in LANGUAGES.items():
        titles.append(getattr(article, f"title_{suffix}") or "")
        body = body_text(article, code) if getattr(article, f"body_{suffix}") else ""
        rest += bounded_terms(getattr(article, f"summary_{suffix}") or "", body)
    return index_text(*titles), joined(rest)


def refresh_search_terms(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    database = schema_editor.connection.alias
    fields = ("title", "summary", "body")
    texts = [f"{field}_{suffix}" for suffix in LANGUAGES.values() for field in fields]
    rows = (
        Article.objects.using(database)
        .only("fingerprint", "rendered", "search_title", "search_body", *texts)
        .order_by("pk")
    )
    last, written = 0, 0
    while True:
        with transaction.atomic(using=database):
            # Locked while they are read and written, so that no edit saved meanwhile is undone.
            batch = list(rows.filter(pk__gt=last).select_for_update()[:BATCH])
            if not batch:
                break
            last = batch[-1].pk
            changed = []
            for article in batch:
                terms = search_texts(article)
                if terms != (article.search_title, article.search_body):
                    article.search_title, article.search_body = terms
                    changed.append(article)
            Article.objects.using(database).bulk_update(changed, ["search_title", "search_body"])
            written += len(changed)
    if written:
        # Search results kept by the page cache and the CDN may now be wrong.
        from articles.models import ARCHIVE
        from newsroom import changes

        changes.changed(ARCHIVE)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('articles', '0015_revision_byline_and_topics'),
        ('newsroom', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(refresh_search_terms, migrations.RunPython.noop, elidable=True),
    ]
