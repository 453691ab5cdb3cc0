"""Saving articles with their history: every save keeps a revision, and nothing is overwritten.

:func:`save_article` is the one way an editorial change is stored (the admin, its actions, the
importer and restores all use it): the version check against lost updates, translation marks,
moved addresses, the public correction note and the record of which pages changed
(newsroom/changes.py) happen together, in one transaction.
"""

import difflib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from newsroom import changes

from . import documents, translations
from .models import (
    ARCHIVE,
    LATEST,
    Article,
    ArticleAlias,
    ImageUse,
    Revision,
    card_texts,
    field_suffix,
    language_codes,
)

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def texts_of(article: Article) -> dict[str, dict[str, str]]:
    return {
        code: {field: translations.text(article, field, code) for field in translations.TEXT_FIELDS}
        for code in language_codes()
    }


def _was_public_with_other_text(article: Article, fingerprint: str, now) -> bool:
    """Had readers seen a published text of ``article`` other than ``fingerprint``?"""
    public = Q(published_at__lte=F("superseded_at")) | Q(
        superseded_at__isnull=True, published_at__lte=now
    )
    return (
        article.revisions.filter(public, status=Article.Status.PUBLISHED)
        .exclude(fingerprint=fingerprint)
        .exists()
    )


@transaction.atomic
def save_article(
    article: Article,
    *,
    user=None,
    note: str = "",
    correction_notes: dict[str, str] | None = None,
    confirmed=(),
    is_public_note: bool = True,
) -> Revision:
    """Save ``article`` as ``user`` and record the revision. Raises ``EditConflict`` if someone
    else saved it since ``article.version`` was loaded.

    ``note`` is kept with the revision. When the save changes a published text, readers see
    ``correction_notes`` (by language code; ``note`` in every language when not given) as the
    correction note of each language, unless ``is_public_note`` is false (notes the desk writes
    itself, in English, are for editors).
    """
    now = timezone.now()
    before = None
    if article.pk is not None:
        # With its byline and topics as they are before this save replaces them.
        before = (
            Article.objects.select_related("section")
            .with_bylines()
            .with_topics()
            .filter(pk=article.pk)
            .first()
        )
    if before is None:
        article.created_by = user
    elif (before.section.slug, before.slug) != (article.section.slug, article.slug):
        ArticleAlias.objects.update_or_create(
            section_slug=before.section.slug, slug=before.slug, defaults={"article": article}
        )
    article.updated_by = user
    saved_version = article.version if before is None else article.version + 1
    article.translation_marks = translations.updated_marks(before, article, saved_version)
    translations.confirm(article, list(confirmed))
    if article.is_published:
        if article.published_at is None:
            article.published_at = now
        fingerprint = article.compute_fingerprint()
        if (
            before is not None
            and article.published_at <= now
            and fingerprint != before.fingerprint
            and _was_public_with_other_text(article, fingerprint, now)
        ):
            article.revised_at = now
            for code in language_codes():
                public = note if correction_notes is None else correction_notes.get(code, "")
                setattr(article, correction_note_field(code), public if is_public_note else "")
    article.save()
    ImageUse.record(article)
    keys = changed_keys(before, article)
    changes.changed(*keys, *listing_keys(before, article, moved=LATEST in keys))
    return _record(article, user=user, note=note, now=now)


def listing_keys(before: Article | None, after: Article | None, *, moved: bool) -> list[str]:
    """The keys of the author and topic pages whose list a save changes (``after`` is
    ``None`` for a deletion): those of the people and topics the article is or was listed
    under, when it joins or leaves their lists or ``moved`` in them (it was published,
    unpublished, deleted or given another time). A change to what a listed article shows
    reaches those pages through its own key."""
    shown = [article for article in (before, after) if article is not None and article.is_published]
    if not shown:
        return []
    named = [[*article.authors, *article.topics] for article in shown]
    if (
        not moved
        and len(named) == 2
        and {row.page_key for row in named[0]} == {row.page_key for row in named[1]}
    ):
        return []
    return sorted({row.list_key for rows in named for row in rows})


def correction_note_field(code: str) -> str:
    return f"correction_note_{field_suffix(code)}"


def changed_keys(before: Article | None, after: Article | None) -> list[str]:
    """The keys of the pages a save changes (``after`` is ``None`` for a deletion). Readers
    see nothing of an article that was never published; a published one's text is on its own
    pages and on those that list it (which carry its key), and anything about it can change
    search results and sitemaps; which lists show it changes with its section, its time, its
    languages (feeds are per language) and whether it is published."""
    shown = [article for article in (before, after) if article is not None and article.is_published]
    if not shown:
        return []
    keys = [shown[0].page_key, ARCHIVE]
    stays = (
        len(shown) == 2
        and before.section_id == after.section_id
        and before.published_at == after.published_at
        and before.languages == after.languages
    )
    if not stays:
        keys += [LATEST, *(article.section.page_key for article in shown)]
    if not stays or shows_another_card(before, after):
        keys.append(shown[0].card_key)
    # The navigation, on every page (``site``), lists the sections with a published article
    # (reader_pages.sections_with_articles): a section's first one, or its last one going,
    # changes it. (The others are counted without this article: before or after its write.)
    left = {before.section_id} if before is not None and before.is_published else set()
    joined = {after.section_id} if after is not None and after.is_published else set()
    others = Article.objects.filter(status=Article.Status.PUBLISHED).exclude(pk=shown[0].pk)
    if any(not others.filter(section_id=section).exists() for section in left ^ joined):
        keys.append(changes.SITE)
    return keys


def card_fields() -> list[str]:
    """What a list shows of an article besides its byline (includes/article_list.html, the
    related articles at an article page's foot): its address, date and lead image, and its
    title, summary and image's alt text in every language (as ArticleQuerySet.for_listing
    reads it). Its section's name, its people's names and its image's crop have keys of their
    own."""
    return ["slug", "section_id", "published_at", "image_id", *card_texts()]


def shows_another_card(before: Article, after: Article) -> bool:
    """Whether lists show ``after`` otherwise than ``before``."""
    if any(getattr(before, name) != getattr(after, name) for name in card_fields()):
        return True
    return [(line.person_id, line.role) for line in before.byline] != [
        (line.person_id, line.role) for line in after.byline
    ]


def _record(article: Article, *, user, note: str, now) -> Revision:
    article.revisions.filter(superseded_at__isnull=True).update(superseded_at=now)
    last = article.revisions.aggregate(last=Max("number"))["last"] or 0
    revision = _revision(article, number=last + 1, user=user, note=note, now=now)
    revision.save()
    return revision


def _revision(article: Article, *, number: int, user, note: str, now) -> Revision:
    """The revision recording ``article`` as it is now (not yet saved)."""
    return Revision(
        article=article,
        number=number,
        article_version=article.version,
        created_at=now,
        created_by=user,
        note=note,
        status=article.status,
        section_slug=article.section.slug,
        slug=article.slug,
        published_at=article.published_at,
        texts=texts_of(article),
        image=article.image_name,
        authors=[line.person.slug for line in article.byline],
        author_roles={line.person.slug: line.role for line in article.byline if line.role},
        topics=[topic.slug for topic in article.topics],
        fingerprint=article.fingerprint,
    )


def restore(article: Article, revision: Revision, *, user) -> Revision:
    """Put ``revision``'s text back as a new revision; the history in between stays."""
    revision.copy_texts_to(article)
    return save_article(
        article, user=user, note=f"Restored revision {revision.number}", is_public_note=False
    )


def move_section_articles(section, old_slug: str, *, user) -> int:
    """A section's slug is part of its articles' documents: give each published one its new
    fingerprint and a revision, all at once (a section of 15,000 articles takes seconds, not a
    save each). The caller records the change: every page shows the section's address.
    Returns how many articles moved."""

    def move(article):
        article.section = section

    note = f"Section moved from {old_slug} to {section.slug}"
    return rewrite_documents(section.articles.all(), move, user=user, note=note)


def rewrite_documents(articles, change, *, user, note: str) -> int:
    """Apply ``change`` to each published one of ``articles`` and give it the fingerprint of
    its document as changed, with a revision, all at once (bulk writes, not a save each):
    a section's new slug, a topic merged into another. Returns how many there were."""
    now = timezone.now()
    # Locked until the change commits: a save in between waits, then meets a new version.
    published = articles.filter(status=Article.Status.PUBLISHED)
    rewritten = list(
        published.select_related("section", "image")
        .with_bylines()
        .with_topics()
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    last = dict(
        Revision.objects.filter(article__in=published.values("pk"))
        .values_list("article")
        .annotate(last=Max("number"))
        .order_by()
    )
    history = []
    for article in rewritten:
        change(article)
        document = article.document_bytes()
        fingerprint = documents.fingerprint(document)
        if article.published_at <= now and fingerprint != article.fingerprint:
            article.revised_at = now
            for code in language_codes():
                setattr(article, correction_note_field(code), "")
        article.fingerprint = fingerprint
        if article.rendered:
            article.rendered = {
                **article.rendered,
                "fingerprint": fingerprint,
                "document": document.decode(),
            }
        article.version += 1
        article.updated_by, article.updated_at = user, now
        history.append(
            _revision(article, number=last.get(article.pk, 0) + 1, user=user, note=note, now=now)
        )
    notes = [correction_note_field(code) for code in language_codes()]
    fields = ["fingerprint", "rendered", "revised_at", *notes, "version", "updated_by",
              "updated_at"]  # fmt: skip
    Article.objects.bulk_update(rewritten, fields, batch_size=500)
    Revision.objects.filter(article__in=published.values("pk"), superseded_at__isnull=True).update(
        superseded_at=now
    )
    Revision.objects.bulk_create(history, batch_size=500)
    return len(rewritten)


# Word by word (or character by character) comparison costs up to the product of the two
# lengths: past this many tokens in the part that differs, the part is shown whole, deleted and
# inserted, and the page says so. A correction in a long text differs in a short part.
MAX_COMPARED_TOKENS = 3_000  # at worst (repetitive text) about 0.2 s


@dataclass(frozen=True)
class FieldDiff:
    field: str
    segments: list[tuple[str, str]]  # ("equal" | "insert" | "delete", text)
    is_whole: bool = False  # the changed part was too long to compare word by word

    @property
    def changed(self) -> bool:
        return any(operation != "equal" for operation, _text in self.segments)

    @property
    def label(self) -> str:
        return translations.FIELD_NAMES[self.field]


@dataclass(frozen=True)
class LanguageDiff:
    language: str
    name: str
    fields: list[FieldDiff]

    @property
    def changed(self) -> bool:
        return any(field.changed for field in self.fields)


def tokens(text: str, language: str) -> list[str]:
    """Words (and the spaces between them) for English; single characters for Chinese."""
    if language.startswith("zh"):
        return list(text)
    return _WORDS.findall(text)


def diff_text(old: str, new: str, language: str) -> list[tuple[str, str]]:
    return compared(old, new, language)[0]


def compared(old: str, new: str, language: str) -> tuple[list[tuple[str, str]], bool]:
    """The segments that turn ``old`` into ``new``, and whether the part that differs was too
    long to compare token by token (then it is one deletion and one insertion)."""
    old_tokens, new_tokens = tokens(old, language), tokens(new, language)
    # What both begin and end with is equal, however long: only the middle is compared.
    start = 0
    while start < min(len(old_tokens), len(new_tokens)) and old_tokens[start] == new_tokens[start]:
        start += 1
    end = 0
    while (
        end < min(len(old_tokens), len(new_tokens)) - start
        and old_tokens[-1 - end] == new_tokens[-1 - end]
    ):
        end += 1
    old_middle = old_tokens[start : len(old_tokens) - end]
    new_middle = new_tokens[start : len(new_tokens) - end]
    segments = [("equal", "".join(old_tokens[:start]))] if start else []
    is_whole = len(old_middle) + len(new_middle) > MAX_COMPARED_TOKENS
    if is_whole:
        segments += [("delete", "".join(old_middle)), ("insert", "".join(new_middle))]
    else:
        matcher = difflib.SequenceMatcher(a=old_middle, b=new_middle, autojunk=False)
        for operation, a1, a2, b1, b2 in matcher.get_opcodes():
            if operation == "equal":
                segments.append(("equal", "".join(old_middle[a1:a2])))
                continue
            if a2 > a1:
                segments.append(("delete", "".join(old_middle[a1:a2])))
            if b2 > b1:
                segments.append(("insert", "".join(new_middle[b1:b2])))
    if end:
        segments.append(("equal", "".join(old_tokens[len(old_tokens) - end :])))
    return [segment for segment in segments if segment[1]], is_whole


def compare(old: dict, new: dict) -> list[LanguageDiff]:
    """Per language and field, what changed from the ``old`` texts to the ``new`` ones (both as
    :func:`texts_of` gives them, or ``Revision.texts``)."""
    names = dict(settings.LANGUAGES)
    result = []
    for code in language_codes():
        fields = []
        for field in translations.TEXT_FIELDS:
            before = (old.get(code) or {}).get(field) or ""
            after = (new.get(code) or {}).get(field) or ""
            fields.append(FieldDiff(field, *compared(before, after, code)))
        result.append(LanguageDiff(code, names[code], fields))
    return result
