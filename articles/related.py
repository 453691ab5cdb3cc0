"""The articles an article page ends with: others about the same topics, then others from its
section, those in the reader's language first, newest first. Never the article itself, never
one readers cannot see. One query on PostgreSQL, two elsewhere, whatever the archive's size.

On PostgreSQL each list of candidates is a short walk of its own index, however long ago a
topic was last in the news: the newest few of each topic by the topic's index of its articles
(topic_latest), the newest few of the section by the section's, all in one query (a UNION ALL).
Django cannot limit each part of a UNION on SQLite, so there the newest few sharing any topic
come from one query that walks the articles newest first: short while the topics are in the
news, long for a topic that has not been for years (on PostgreSQL that walk took 285 ms at
100,000 articles for a topic of 1,000 old ones; the UNION takes well under a millisecond)."""

from django.db import connection
from django.db.models import BooleanField, Value

from .models import Article, field_suffix, has_text, language_codes
from .reader_pages import with_sections

SHOWN = 5
# Read from each source: enough to prefer the reader's language and still fill the list.
CANDIDATES = 2 * SHOWN


def related_to(request, article: Article, language: str) -> list[Article]:
    shares_topic, same_section = _candidates(article)
    on_topic = {candidate.pk for candidate in shares_topic}
    found = {candidate.pk: candidate for candidate in [*shares_topic, *same_section]}
    suffix = field_suffix(language)

    def order(candidate: Article):
        return (
            not has_text(getattr(candidate, f"title_{suffix}")),
            candidate.pk not in on_topic,
            -candidate.published_at.timestamp(),
            -candidate.pk,
        )

    return with_sections(request, sorted(found.values(), key=order)[:SHOWN])


def others_than(article: Article):
    """What a related list may show instead of ``article``, with what it shows of them."""
    titles = [f"title_{field_suffix(code)}" for code in language_codes()]
    return (
        Article.objects.published()
        .exclude(pk=article.pk)
        .only("section_id", "slug", "published_at", *titles)
        .latest_first()
    )


def walks(article: Article):
    """The newest ``CANDIDATES`` of each of ``article``'s topics and of its section, each read
    from its own index, in one query (PostgreSQL's UNION ALL): ``on_topic`` says which."""
    others = others_than(article)

    def walk(queryset, on_topic: bool):
        return queryset.annotate(on_topic=Value(on_topic, output_field=BooleanField()))[:CANDIDATES]

    topics = [walk(others.latest_about(topic), True) for topic in article.topics]
    return walk(others.filter(section_id=article.section_id), False).union(*topics, all=True)


def _candidates(article: Article) -> tuple[list[Article], list[Article]]:
    """The newest ``CANDIDATES`` sharing a topic with ``article``, and the newest
    ``CANDIDATES`` of its section."""
    # SQLite refuses a LIMIT inside each part of a UNION; it keeps the one semi-join query.
    if connection.vendor != "postgresql":
        others = others_than(article)
        links = Article._meta.get_field("topic_links").related_model.objects
        about = links.filter(topic__in=article.topics).values("article")
        shares_topic = others.filter(pk__in=about)[:CANDIDATES] if article.topics else []
        return list(shares_topic), list(others.filter(section_id=article.section_id)[:CANDIDATES])
    found = list(walks(article))

    def newest(on_topic: bool) -> list[Article]:
        chosen = {row.pk: row for row in found if row.on_topic is on_topic}
        return sorted(chosen.values(), key=lambda row: (row.published_at, row.pk), reverse=True)

    # The newest of all the topics' candidates, as the one query elsewhere reads them.
    return newest(True)[:CANDIDATES], newest(False)[:CANDIDATES]
