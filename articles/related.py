"""The articles an article page ends with: others about the same topics, then others from its
section, those in the reader's language first, newest first. Never the article itself, never
one readers cannot see. One query whatever the archive's size, on either database.

Each list of candidates is a short walk of its own index, however long ago a topic was last in
the news: the newest few of each topic by the topic's index of its articles (topic_latest), the
newest few of the section by the section's (article_section_listing), all in one UNION ALL.
(A walk of the whole archive newest first, stopping at the first few that share a topic, took
285 ms on PostgreSQL at 100,000 articles for a topic of 1,000 old ones; the UNION takes well
under a millisecond.)

The query is written as SQL: Django cannot limit each part of a UNION on SQLite, and building
and compiling the five querysets of a three-topic article cost 2 ms, a fifth of the page's
first render, for a text that only changes with the number of topics."""

from functools import cache

from django.db import connection
from django.utils import timezone

from .models import Article, field_suffix, has_text, language_codes
from .reader_pages import with_sections

SHOWN = 5
# Read from each source: enough to prefer the reader's language and still fill the list.
CANDIDATES = 2 * SHOWN


def related_to(request, article: Article, language: str) -> list[Article]:
    found = list(walks(article))
    shares_topic = newest(found, on_topic=True)
    on_topic = {candidate.pk for candidate in shares_topic}
    chosen = {c.pk: c for c in [*shares_topic, *newest(found, on_topic=False)]}
    suffix = field_suffix(language)

    def order(candidate: Article):
        return (
            not has_text(getattr(candidate, f"title_{suffix}")),
            candidate.pk not in on_topic,
            -candidate.published_at.timestamp(),
            -candidate.pk,
        )

    return with_sections(request, sorted(chosen.values(), key=order)[:SHOWN])


def newest(found: list[Article], *, on_topic: bool) -> list[Article]:
    """The newest ``CANDIDATES`` of those ``walks`` found on a topic, or in the section: an
    article about two of the topics is found twice."""
    chosen = {row.pk: row for row in found if bool(row.on_topic) is on_topic}
    ordered = sorted(chosen.values(), key=lambda row: (row.published_at, row.pk), reverse=True)
    return ordered[:CANDIDATES]


def walks(article: Article):
    """The newest ``CANDIDATES`` of each of ``article``'s topics and of its section that readers
    may see, other than ``article``, each read from its own index: ``on_topic`` says which."""
    topics = [topic.pk for topic in article.topics]
    published_at = Article._meta.get_field("published_at")
    now = published_at.get_db_prep_value(timezone.now(), connection)
    seen = [Article.Status.PUBLISHED.value, now, article.pk]
    params = [article.section_id, *seen]
    for topic in topics:
        params += [topic, *seen]
    return Article.objects.raw(_walks_sql(len(topics)), params)


@cache
def _walks_sql(topics: int) -> str:
    article = Article._meta.db_table
    link = Article._meta.get_field("topic_links").related_model._meta.db_table
    q = connection.ops.quote_name
    columns = ["id", "section_id", "slug", "published_at"]
    columns += [f"title_{field_suffix(code)}" for code in language_codes()]
    shown = ", ".join(f"a.{q(column)}" for column in columns)
    seen = "a.status = %s AND a.published_at <= %s AND a.id <> %s"
    # Each part is a subquery, so that it may have its own ORDER BY and LIMIT on SQLite too.
    section = (
        f"SELECT {shown}, 0 AS on_topic FROM {q(article)} a WHERE a.section_id = %s AND {seen} "
        f"ORDER BY a.published_at DESC, a.id DESC LIMIT {CANDIDATES}"
    )
    about = (
        f"SELECT {shown}, 1 AS on_topic FROM {q(link)} l "
        f"JOIN {q(article)} a ON a.id = l.article_id WHERE l.topic_id = %s AND {seen} "
        f"ORDER BY l.published_at DESC, l.article_id DESC LIMIT {CANDIDATES}"
    )
    parts = [section, *[about] * topics]
    return " UNION ALL ".join(f"SELECT * FROM ({part}) part_{n}" for n, part in enumerate(parts))
