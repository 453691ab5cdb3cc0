"""Merging one topic into another: its articles are about the other one from then on, its
address redirects there, and their documents, which name topics by slug, get new fingerprints
(each with a revision), all at once."""

from django.db import transaction

from articles import revisions
from articles.models import ARCHIVE, Article
from newsroom import changes

from .models import ArticleTopic, Topic, TopicAlias


@transaction.atomic
def merge(old: Topic, into: Topic, *, user) -> int:
    """Merge ``old`` into ``into`` and delete ``old``. Returns how many published articles got
    a new fingerprint."""
    ids = list(ArticleTopic.objects.filter(topic=old).values_list("article_id", flat=True))
    # An article about both keeps the place of the first of them in its list.
    places = dict(ArticleTopic.objects.filter(topic=old).values_list("article_id", "position"))
    both = ArticleTopic.objects.filter(topic=into, article__in=ids)
    for link in both:
        if places[link.article_id] < link.position:
            link.position = places[link.article_id]
            link.save(update_fields=["position"])
    ArticleTopic.objects.filter(topic=old, article__in=both.values("article")).delete()
    ArticleTopic.objects.filter(topic=old).update(topic=into)
    TopicAlias.objects.filter(topic=old).update(topic=into)
    TopicAlias.objects.filter(slug=into.slug).delete()
    # A slug once merged away may have been given to a new topic since: it moves on again.
    TopicAlias.objects.update_or_create(slug=old.slug, defaults={"topic": into})
    note = f"Topic {old.slug} merged into {into.slug}"
    count = revisions.rewrite_documents(
        Article.objects.filter(pk__in=ids), lambda article: None, user=user, note=note
    )
    # Its page, the lists, the pages of the articles that named it, and the topics' sitemap.
    keys = [old.page_key, old.list_key, into.list_key, ARCHIVE, *(f"article-{pk}" for pk in ids)]
    old.delete()
    changes.changed(*keys)
    return count
