"""The articles an article page ends with: others about the same topics, then others from its
section, those in the reader's language first, newest first. Never the article itself, never
one readers cannot see. Two queries whatever the archive's size: the newest few sharing a
topic (by the topic index) and the newest few of the section (by the section's index)."""

from .models import Article, field_suffix, has_text, language_codes
from .reader_pages import with_sections

SHOWN = 5
# Read from each source: enough to prefer the reader's language and still fill the list.
CANDIDATES = 2 * SHOWN


def related_to(request, article: Article, language: str) -> list[Article]:
    titles = [f"title_{field_suffix(code)}" for code in language_codes()]
    others = (
        Article.objects.published()
        .exclude(pk=article.pk)
        .only("section_id", "slug", "published_at", *titles)
        .latest_first()
    )
    topics = [topic.pk for topic in article.topics]
    shares_topic = []
    if topics:
        links = Article._meta.get_field("topic_links").related_model.objects
        about = links.filter(topic__in=topics).values("article")
        shares_topic = list(others.filter(pk__in=about)[:CANDIDATES])
    same_section = list(others.filter(section_id=article.section_id)[:CANDIDATES])
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
