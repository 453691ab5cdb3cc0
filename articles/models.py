"""Sections and articles, and the rules for what readers may see of them."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models, transaction
from django.db.models import F, OuterRef, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from media.models import Image
from newsroom.fields import person_field

from . import documents
from .rendering import render_markdown, text_of

# Paths that the site's own URLs use at the top level or inside a language.
RESERVED_SLUGS = frozenset(
    {"admin", "static", "media", "search", "feed", "feeds", "sitemap", "sitemaps", "robots",
     "api", "accounts", "preview", "i18n", "jsi18n", "page", "well-known", "favicon", "news",
     "policy", "sections", "csp-report", "authors", "topics"}
)  # fmt: skip

slug_format = RegexValidator(
    r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z",
    _("Use only lowercase letters a–z, digits and single hyphens, e.g. “river-ferry-returns”."),
)


def validate_not_reserved(value: str) -> None:
    language_codes = {code for code, _name in settings.LANGUAGES}
    if value in RESERVED_SLUGS or value in language_codes:
        raise ValidationError(
            _("“%(slug)s” is reserved for the site's own pages; choose another slug."),
            params={"slug": value},
            code="reserved",
        )


# The longest body a language may have: a megabyte of text in any script (three of UTF-8 in
# Chinese). The desk's request limit (settings.DATA_UPLOAD_MAX_MEMORY_SIZE) fits two of them
# however the browser encodes the form, so a longer one gets this form error, text kept.
BODY_MAX_CHARACTERS = 1_000_000


def validate_body_length(value: str) -> None:
    if len(value) > BODY_MAX_CHARACTERS:
        raise ValidationError(
            _(
                "This body has %(length)s characters; a body may have at most %(limit)s. Split "
                "the article, or move tables and lists to a linked page."
            ),
            params={"length": f"{len(value):,}", "limit": f"{BODY_MAX_CHARACTERS:,}"},
            code="body_too_long",
        )


def validate_publication_year(value) -> None:
    if not documents.EARLIEST_YEAR <= value.year <= documents.LATEST_YEAR:
        raise ValidationError(
            _("Choose a time between the years %(earliest)d and %(latest)d."),
            params={"earliest": documents.EARLIEST_YEAR, "latest": documents.LATEST_YEAR},
            code="publication_year",
        )


def validate_no_language_marker(value: str) -> None:
    line = documents.find_language_marker(value)
    if line is not None:
        raise ValidationError(
            _(
                "Line %(line)d starts with “<!-- lang:”, which the article document uses to "
                "separate languages. Change or indent that line."
            ),
            params={"line": line},
            code="language_marker",
        )


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def field_suffix(code: str) -> str:
    """The suffix django-modeltranslation gives a language's column: ``zh-hans`` → ``zh_hans``."""
    return code.replace("-", "_")


def html_lang(code: str) -> str:
    """The BCP 47 tag for an ``lang`` attribute: ``zh-hans`` → ``zh-Hans``."""
    return translation.to_locale(code).replace("_", "-")


@lru_cache(maxsize=8192)
def _reader_path(prefix: str, language: str, name: str, kwargs: tuple) -> str:
    with translation.override(language):
        return reverse(name, kwargs=dict(kwargs))


def reader_path(name: str, **kwargs: str) -> str:
    """The address of the reader page ``name`` (a section's, person's or topic's) in the active
    language. Resolved once per language and arguments (an address depends on nothing else):
    a list shows a hundred of them, and every article's address is its section's and its slug."""
    language = translation.get_language()
    if language is None:
        return reverse(name, kwargs=kwargs)
    return _reader_path(get_script_prefix(), language, name, tuple(kwargs.items()))


def section_path(slug: str) -> str:
    return reader_path("articles:section", section=slug)


def card_texts() -> list[str]:
    """The translated fields an article's card in a list shows: its title, its summary and its
    lead image's alt text, in every language."""
    return [
        f"{field}_{field_suffix(code)}"
        for field in ("title", "summary", "image_alt")
        for code in language_codes()
    ]


def has_text(value: str | None) -> bool:
    """A translated field may be NULL or blank; both mean the language has no text."""
    return bool(value and value.strip())


@dataclass(frozen=True)
class Translation:
    """A piece of text together with the language it is really in."""

    text: str
    language: str

    @property
    def lang(self) -> str:
        return html_lang(self.language)

    def __str__(self) -> str:
        return self.text


def translated(instance: models.Model, field: str, language: str) -> Translation | None:
    """``field`` of ``instance`` in ``language``, else in the other languages, never passed off
    as a language it is not in."""
    for code in [language, *(c for c in language_codes() if c != language)]:
        value = getattr(instance, f"{field}_{field_suffix(code)}", None)
        if has_text(value):
            return Translation(value, code)
    return None


def normalize_names(instance: models.Model) -> None:
    """A section's, person's or topic's name and description in every language as stored: as
    feeds, sitemaps and pages can carry them."""
    for code in language_codes():
        for field in ("name", "description"):
            name = f"{field}_{field_suffix(code)}"
            if getattr(instance, name) is not None:
                setattr(instance, name, documents.normalize_field(field, getattr(instance, name)))


class EditConflict(Exception):
    """Somebody else saved the row since this copy of it was loaded."""

    def __init__(self, instance: models.Model):
        super().__init__(f"{instance._meta.label} {instance.pk} was changed by someone else")
        self.instance = instance


class Versioned(models.Model):
    """A row that refuses lost updates.

    Every save of an existing row first moves ``version`` on with a conditional UPDATE in the
    same transaction: if somebody else saved since this copy was loaded, no row matches and the
    save raises :class:`EditConflict` instead of overwriting their work.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        with transaction.atomic(using=kwargs.get("using")):
            claimed = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise EditConflict(self)
            self.version += 1
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version -= 1
                raise


class SectionQuerySet(models.QuerySet):
    def visible(self):
        """Sections listed in the navigation and on the front page."""
        return self.filter(is_visible=True)


class Section(Versioned):
    name = models.CharField(_("name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        validators=[slug_format, validate_not_reserved],
        help_text=_(
            "Part of the address of the section and of each of its articles. Changing it gives "
            "its published articles new addresses and fingerprints; the old addresses redirect."
        ),
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first in the navigation.")
    )
    is_visible = models.BooleanField(
        _("shown in navigation"),
        default=True,
        help_text=_(
            "Hidden sections are left out of the navigation and the front page; "
            "their pages and articles stay reachable by URL."
        ),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_sections",
        verbose_name=_("editors"),
        help_text=_("People in the Editors group who edit, publish and unpublish this section."),
    )
    updated_by = person_field(_("last changed by"))

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        name = translated(self, "name", translation.get_language() or settings.LANGUAGE_CODE)
        return str(name) if name else self.slug

    def save(self, *args, **kwargs) -> None:
        normalize_names(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return section_path(self.slug)

    def clean(self) -> None:
        if not any(has_text(getattr(self, f"name_{field_suffix(c)}")) for c in language_codes()):
            raise ValidationError(_("Give the section a name in at least one language."))

    def name_in(self, language: str) -> Translation:
        """The name in ``language``, falling back to another language (and saying which)."""
        return translated(self, "name", language) or Translation(self.slug, "en")

    @property
    def page_key(self) -> str:
        """The key of the pages that list this section's articles (see newsroom/changes.py)."""
        return f"section-{self.pk}"

    @classmethod
    def by_slug(cls) -> dict[str, "Section"]:
        """Every section by its slug, in navigation order, read at once (for keeping: see
        reader_pages.sections)."""
        return {section.slug: section for section in cls.objects.all()}

    @staticmethod
    def visible_among(sections) -> list["Section"]:
        """Those of ``sections`` that ``Section.objects.visible()`` would select."""
        return [section for section in sections if section.is_visible]


def _missing_language(code: str) -> Q:
    suffix = field_suffix(code)
    missing = Q()
    for field in (f"title_{suffix}", f"body_{suffix}"):
        missing |= Q(**{f"{field}__isnull": True}) | Q(**{field: ""})
    return missing


def figures_in(*bodies: str | None) -> dict[str, Image]:
    """The library's pictures that ``bodies`` show as ``media:`` figures, by name
    (``<id>.<ext>``): what :func:`articles.rendering.render_markdown` shows them with."""
    names = {name for body in bodies for _line, name in documents.figure_references(body)}
    ids = [name.split(".")[0] for name in names if documents.IMAGE_NAME.fullmatch(name)]
    found = Image.objects.in_bulk(ids) if ids else {}
    return {image.name: image for image in found.values() if image.name in names}


# Keys of pages that show articles (besides each article's own, Article.page_key): see
# newsroom/changes.py.
LATEST = "latest"  # which articles the whole site lists, newest first (front page, feeds)
ARCHIVE = "archive"  # anything about any published article (search results, sitemaps)


# What a card needs of a lead image to show its crop (media/pictures.py).
CARD_IMAGE_FIELDS = ("format", "width", "height", "has_alpha", "focal_x", "focal_y")


class ArticleQuerySet(models.QuerySet):
    def published(self, at: datetime | None = None):
        """What readers may see: published articles whose publication time has come (by
        ``at``, now if not given)."""
        at = timezone.now() if at is None else at
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=at)

    def next_publication(self) -> datetime | None:
        """When the next of these articles that is published for a time still to come reaches
        readers: a page listing them holds until then."""
        return (
            self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def in_section(self, section: Section):
        return self.filter(section=section)

    def about(self, named):
        """The articles whose byline names ``named`` (a person), or about it (a topic)."""
        return self.filter(**{named.article_lookup: named})

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def latest_about(self, named):
        """``about(named)``, newest first by the link rows' copy of the date and their index
        (people.Byline, topics.ArticleTopic): a page of a person's or topic's articles is one
        short walk of that index, however many they have and however few are recent."""
        links = named.article_lookup.rsplit("__", 1)[0]
        return self.about(named).order_by(f"-{links}__published_at", f"-{links}__article_id")

    def latest_per_section(self, counts: dict) -> list["Article"]:
        """The ``counts[section]`` newest of each section: their ids by one small index scan
        per section, then their rows. On PostgreSQL the ids come in one query, an array per
        section (as many for each as the largest count; the rest are not read); elsewhere in
        one query per section."""

        def newest(section, count):
            return self.filter(section=section).latest_first().values("pk")[:count]

        if connection.vendor == "postgresql":
            most = max(counts.values(), default=0)
            found = Section.objects.filter(pk__in=[section.pk for section in counts]).annotate(
                newest=ArraySubquery(newest(OuterRef("pk"), most))
            )
            wanted = {section.pk: count for section, count in counts.items()}
            ids = [
                pk
                for section, ids in found.values_list("pk", "newest")
                for pk in ids[: wanted[section]]
            ]
        else:
            ids = [row["pk"] for section, count in counts.items() for row in newest(section, count)]
        return list(self.filter(pk__in=ids)) if ids else []

    def for_listing(self):
        """Only what a list shows of each article (its title and summary in each language, its
        date and address) and what its kept rendering is keyed by (Article.rendering_key). The
        section is not read: lists give each article the section they keep
        (reader_pages.sections)."""
        return self.select_related("image").only(
            "section_id", "slug", "status", "published_at", "version", "updated_at", *card_texts(),
            "image", *(f"image__{name}" for name in CARD_IMAGE_FIELDS),
        ).with_bylines()  # fmt: skip

    def with_bylines(self):
        """With each article's byline and its people's names, in one more query for them all."""
        byline = self.model._meta.get_field("bylines").related_model
        names = [f"person__name_{field_suffix(code)}" for code in language_codes()]
        people = byline.objects.select_related("person").only(
            "article_id", "position", "role", "person__slug", "person__version", *names
        )
        return self.prefetch_related(models.Prefetch("bylines", queryset=people))

    def with_topics(self):
        """With each article's topics, in one more query for them all."""
        links = self.model._meta.get_field("topic_links").related_model
        topics = links.objects.select_related("topic")
        return self.prefetch_related(models.Prefetch("topic_links", queryset=topics))

    def without_bodies(self):
        """Not the bodies (lists show titles and summaries) nor the search terms."""
        bodies = [f"body_{field_suffix(code)}" for code in language_codes()]
        return self.without_search_terms().defer("body", *bodies, "rendered")

    def for_reading(self):
        """What readers' pages show of an article, the section and lead image in the same
        query."""
        return self.select_related("section", "image").without_search_terms()

    def without_search_terms(self):
        """Not the search terms: the longest columns, which only search itself reads."""
        return self.defer("search_title", "search_body", "search_vector")

    def moved_from(self, section_slug: str, slug: str) -> "Article | None":
        """The article that used to be at ``section_slug/slug``, if it moved (or its section
        did), from this queryset."""
        articles = self.select_related("section")
        moved = ArticleAlias.objects.filter(section_slug=section_slug, slug=slug).first()
        if moved is not None:
            return articles.filter(pk=moved.article_id).first()
        section_moved = SectionAlias.objects.filter(slug=section_slug).first()
        if section_moved is None:
            return None
        found = articles.filter(section_id=section_moved.section_id, slug=slug).first()
        if found is not None:
            return found
        current_section = Section.objects.get(pk=section_moved.section_id)
        return (
            self.moved_from(current_section.slug, slug)
            if current_section.slug != section_slug
            else None
        )

    def missing_language(self, code: str):
        """Articles with no title or no body in ``code`` (NULL and blank both count as none)."""
        return self.filter(_missing_language(code))

    def in_language(self, code: str):
        """Articles with a title and a body in ``code``."""
        return self.exclude(_missing_language(code))


# What Article.derive() sets from the texts on every save.
DERIVED_FIELDS = ("fingerprint", "search_title", "search_body", "rendered")
# The rows that link an article to its byline and topics (people.Byline, topics.ArticleTopic).
LINKS = ("bylines", "topic_links")


class Article(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("section")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        validators=[slug_format, validate_not_reserved],
        help_text=_("The last part of the article's URL; unique within its section."),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(
        _("body"),
        blank=True,
        validators=[validate_body_length, validate_no_language_marker],
        help_text=_("Markdown (CommonMark). HTML tags are shown as text."),
    )
    image = models.ForeignKey(
        Image,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of",
        verbose_name=_("lead image"),
        help_text=_("Shown above the article, on its cards in lists, and when it is shared."),
    )
    image_alt = models.CharField(
        _("lead image alt text"),
        max_length=400,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it; in this language."),
    )
    image_caption = models.CharField(_("lead image caption"), max_length=600, blank=True)
    image_credit = models.CharField(_("lead image credit"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        validators=[validate_publication_year],
        help_text=_(
            "Left empty, it is set to the moment the article is published. A time still to come "
            "schedules the article: readers see it from then on."
        ),
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("Git blob id of the published article document."),
    )
    revised_at = models.DateTimeField(
        _("corrected"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the text readers see last replaced an earlier published text."),
    )
    correction_note = models.TextField(_("correction note"), blank=True, editable=False)
    # Search terms (articles.search), derived from the texts on every save.
    search_title = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    # On PostgreSQL, a trigger fills this from the two above on every write (migration 0006);
    # elsewhere it stays empty and search matches the text columns instead.
    search_vector = SearchVectorField(null=True, editable=False)
    # The published bodies as HTML, rendered on save, and the document the fingerprint hashes:
    # {"fingerprint": …, "html": {code: html}, "document": text}. The HTML is used only while
    # the fingerprint matches the article's, the document only while it hashes to it, so
    # neither can ever show another text.
    rendered = models.JSONField(default=dict, blank=True, editable=False)
    # For each translated field, the article version at which each language last changed or was
    # confirmed to match: {"title": {"zh-hans": 4, "en": 2}, …}. See articles.translations.
    translation_marks = models.JSONField(default=dict, blank=True, editable=False)
    created_by = person_field(_("created by"))
    updated_by = person_field(_("last changed by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "slug"],
                name="article_slug_unique_in_section",
                violation_error_message=_("This section already has an article with this slug."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_date",
            ),
        ]
        indexes = [
            # Reader lists: the filter, the order and the id, so pages are read from the index.
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing"),
            models.Index(
                fields=["section", "status", "-published_at", "-id"],
                name="article_section_listing",
            ),
            # The desk's list, newest first, whatever the status.
            models.Index(fields=["-published_at", "-id"], name="article_desk_order"),
        ]

    def __str__(self) -> str:
        title = translated(self, "title", translation.get_language() or settings.LANGUAGE_CODE)
        return str(title) if title else self.slug

    def save(self, *args, **kwargs) -> None:
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *DERIVED_FIELDS}
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            self._store_links()
            self._date_links()

    def get_absolute_url(self) -> str:
        # The article pattern is the section's address and the slug (articles/urls.py).
        return f"{section_path(self.section.slug)}{self.slug}/"

    @property
    def page_key(self) -> str:
        """The key of the pages that show this article (see newsroom/changes.py)."""
        return f"article-{self.pk}"

    @property
    def card_key(self) -> str:
        """The key of the lists that show this article as a card (revisions.card_fields, and
        its byline): a change to its body alone leaves them as they are."""
        return f"card-{self.pk}"

    def get_document_url(self) -> str:
        return reverse("article-document", kwargs={"section": self.section.slug, "slug": self.slug})

    def get_version_url(self, fingerprint: str) -> str:
        return reverse(
            "articles:article-version",
            kwargs={"section": self.section.slug, "slug": self.slug, "fingerprint": fingerprint},
        )

    def get_version_document_url(self, fingerprint: str) -> str:
        return reverse(
            "article-version-document",
            kwargs={"section": self.section.slug, "slug": self.slug, "fingerprint": fingerprint},
        )

    # The byline and the topics are part of the document, so the fingerprint is computed from
    # them before the article's row is saved (a new article has no id for their rows yet): they
    # are given with set_byline() and set_topics(), and stored by save() with the row.

    def set_byline(self, people) -> None:
        """The byline the next save stores: ``people`` as persons, or (person, role) pairs, in
        order; a person given twice keeps their first place."""
        from people.models import Byline

        pairs = [item if isinstance(item, tuple) else (item, "") for item in people]
        seen, byline = set(), []
        for person, role in pairs:
            if person.pk not in seen:
                seen.add(person.pk)
                byline.append(Byline(person=person, role=role or "", position=len(byline)))
        self._links = {**getattr(self, "_links", {}), "bylines": byline}

    def set_topics(self, topics) -> None:
        """The topics the next save stores, in order."""
        from topics.models import ArticleTopic

        unique = list({topic.pk: topic for topic in topics}.values())  # each at its first place
        links = [ArticleTopic(topic=topic, position=n) for n, topic in enumerate(unique)]
        self._links = {**getattr(self, "_links", {}), "topic_links": links}

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self.__dict__.pop("_link_rows", None)  # read again, as prefetched rows are

    @staticmethod
    def store_links_of(articles) -> None:
        """Store the byline and topics given to ``articles`` (new, just bulk-created), in one
        insert of each for them all: for bulk writers, whose rows' save() is not called."""
        pending = {}
        for article in articles:
            for name, rows in getattr(article, "_links", {}).items():
                for row in rows:
                    row.article, row.published_at = article, article.published_at
                pending.setdefault(name, []).extend(rows)
            article._links = {}
        for name, rows in pending.items():
            Article._meta.get_field(name).related_model.objects.bulk_create(rows, batch_size=1000)

    def _store_links(self) -> None:
        for name, rows in getattr(self, "_links", {}).items():
            model = self._meta.get_field(name).related_model
            model.objects.filter(article=self).delete()
            for row in rows:
                row.article, row.published_at = self, self.published_at
            model.objects.bulk_create(rows)
            getattr(self, "_prefetched_objects_cache", {}).pop(name, None)
            self.__dict__.setdefault("_link_rows", {})[name] = rows
        self._links = {}

    def _date_links(self) -> None:
        """Give the byline's and topics' rows the article's date, which author and topic pages
        are ordered by (the rows' index walks a person's or topic's articles newest first,
        however many there are); only rows whose date differs are written."""
        for name in LINKS:
            model = self._meta.get_field(name).related_model
            model.objects.filter(article=self).exclude(published_at=self.published_at).update(
                published_at=self.published_at
            )

    def _linked(self, name: str, related: str) -> list:
        """The article's ``name`` rows (bylines, topic links) with their ``related`` row: as
        given to be saved, else as prefetched, else read (once)."""
        pending = getattr(self, "_links", {})
        if name in pending:
            return list(pending[name])
        if self.pk is None:
            return []
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if name in prefetched:
            return list(prefetched[name])
        rows = self.__dict__.setdefault("_link_rows", {})
        if name not in rows:
            rows[name] = list(getattr(self, name).select_related(related))
        return list(rows[name])

    @property
    def byline(self) -> list:
        """The byline's rows (``Byline``: person, role), in order."""
        return self._linked("bylines", "person")

    @property
    def authors(self) -> list:
        """The people of the byline, in order."""
        return [line.person for line in self.byline]

    @property
    def topics(self) -> list:
        """The article's topics, in order."""
        return [link.topic for link in self._linked("topic_links", "topic")]

    def derive(self) -> None:
        """Set the row's own derived fields: the canonical bodies, the date to the second (the
        document's precision), the fingerprint of the published text, the search terms and
        the rendered bodies. ``save()`` calls it; bulk writers call it themselves."""
        self.normalize_texts()
        if self.published_at is not None:
            self.published_at = self.published_at.replace(microsecond=0)
        document = self.document_bytes() if self.is_published else b""
        self.fingerprint = documents.fingerprint(document) if self.is_published else ""
        figures = self.figures()
        html = {
            code: render_markdown(self.language_version(code).body, figures)
            for code in self.languages
        }
        self.rendered = (
            {"fingerprint": self.fingerprint, "html": html, "document": document.decode()}
            if self.fingerprint
            else {}
        )
        self.search_title, self.search_body = self.search_texts()

    def figures(self) -> dict[str, Image]:
        """The library's pictures that the bodies show, by name (``<id>.<ext>``)."""
        return figures_in(
            *(getattr(self, f"body_{field_suffix(code)}") for code in language_codes())
        )

    def image_names(self) -> set[str]:
        """Every picture the article shows (the lead image and its figures), by name."""
        names = {self.image.name} if self.image_id else set()
        for code in language_codes():
            body = getattr(self, f"body_{field_suffix(code)}")
            names |= {name for _line, name in documents.figure_references(body)}
        return names

    @property
    def image_name(self) -> str:
        return self.image.name if self.image_id else ""

    def normalize_texts(self) -> None:
        """Store every translated text with ``\n`` line ends and the body as its document
        holds it, whatever a browser or a script sent."""
        for code in language_codes():
            for field in ("title", "summary", "body", *documents.IMAGE_TEXT_KEYS):
                name = f"{field}_{field_suffix(code)}"
                value = getattr(self, name)
                if value is not None:
                    setattr(self, name, documents.normalize_field(field, value))

    @property
    def is_scheduled(self) -> bool:
        """Published, but its time has not come: readers will see it then."""
        return (
            self.is_published
            and self.published_at is not None
            and (self.published_at > timezone.now())
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def languages(self) -> list[str]:
        """The languages the article has a title and a body in, in the site's order."""
        return [
            code
            for code in language_codes()
            if has_text(getattr(self, f"title_{field_suffix(code)}"))
            and has_text(getattr(self, f"body_{field_suffix(code)}"))
        ]

    def language_version(self, code: str) -> documents.LanguageVersion:
        suffix = field_suffix(code)
        image_texts = {
            key: (getattr(self, f"{key}_{suffix}") or "") if self.image_id else ""
            for key in documents.IMAGE_TEXT_KEYS
        }
        return documents.LanguageVersion(
            title=getattr(self, f"title_{suffix}") or "",
            summary=getattr(self, f"summary_{suffix}") or "",
            body=getattr(self, f"body_{suffix}") or "",
            **image_texts,
        )

    def versions_for_reader(
        self, interface_language: str
    ) -> list[tuple[str, documents.LanguageVersion]]:
        """Each language the article is written in, the interface language first."""
        codes = self.languages
        ordered = sorted(codes, key=lambda code: code != interface_language)
        return [(code, self.language_version(code)) for code in ordered]

    @property
    def rendering_key(self) -> str:
        """What a kept rendering of this article depends on (besides the language): its id,
        version and last change, and its section's version (the name and address it shows).
        Any edit gives a new key, so renderings kept under the old one are simply never read.
        A card shows the lead image cropped around its focal point, and its byline's names: both
        are part of the key."""
        image = (
            f"{self.image_id}:{self.image.focal_x}:{self.image.focal_y}" if self.image_id else ""
        )
        people = ",".join(f"{line.person_id}.{line.person.version}" for line in self.byline)
        return (
            f"{self.pk}:{self.version}:{self.updated_at.timestamp()}:{self.section.version}:{image}"
            f":{people}"
        )

    def body_html(self, code: str) -> str:
        """The body in ``code`` as safe HTML: as rendered on save when the published text is
        the one stored, else rendered now (previews, earlier versions)."""
        stored = self.rendered or {}
        if self.fingerprint and stored.get("fingerprint") == self.fingerprint:
            html = stored["html"].get(code)
            if html is not None:
                return html
        return render_markdown(self.language_version(code).body, self.figures())

    def body_text(self, code: str) -> str:
        """The body in ``code`` as a reader reads it, without markup."""
        return text_of(self.body_html(code))

    def title_in(self, language: str) -> Translation:
        return translated(self, "title", language) or Translation(self.slug, "en")

    def summary_in(self, language: str) -> Translation | None:
        """The summary in the same language as :meth:`title_in` picks, if that one has one."""
        title = self.title_in(language)
        summary = getattr(self, f"summary_{field_suffix(title.language)}", None)
        return Translation(summary, title.language) if has_text(summary) else None

    def search_texts(self) -> tuple[str, str]:
        """The search terms of the titles, and of the summaries and bodies, in every language."""
        from . import search

        titles, rest = [], []
        for code in language_codes():
            version = self.language_version(code)
            titles.append(version.title)
            body = self.body_text(code) if version.body else ""
            rest += search.bounded_terms(version.summary, body)
        return search.index_text(*titles), search.joined(rest)

    def to_document(self) -> documents.ArticleDocument:
        return documents.ArticleDocument(
            section=self.section.slug,
            slug=self.slug,
            published=self.published_at,
            versions={code: self.language_version(code) for code in self.languages},
            image=self.image_name,
            authors=tuple(person.slug for person in self.authors),
            topics=tuple(topic.slug for topic in self.topics),
        )

    def document_bytes(self) -> bytes:
        return documents.build(
            self.to_document(), languages=language_codes(), timezone=ZoneInfo(settings.TIME_ZONE)
        )

    def compute_fingerprint(self) -> str:
        return documents.fingerprint(self.document_bytes())

    def published_document(self) -> bytes:
        """The document readers download: the bytes the fingerprint was computed from, kept
        when it was (``rendered``), so they hash to it by construction and cost no query for
        the byline and topics. Kept bytes are trusted only if they hash to the fingerprint;
        else (an article not saved since documents were kept) the document is built now."""
        kept = (self.rendered or {}).get("document")
        if kept is not None:
            data = kept.encode()
            if documents.fingerprint(data) == self.fingerprint:
                return data
        return self.document_bytes()

    def clean(self) -> None:
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        if not self.is_published:
            return
        errors = {}
        for code, name in settings.LANGUAGES:
            suffix = field_suffix(code)
            title, body = getattr(self, f"title_{suffix}"), getattr(self, f"body_{suffix}")
            summary = getattr(self, f"summary_{suffix}")
            if has_text(title) or has_text(body) or has_text(summary):
                for field, value in ((f"title_{suffix}", title), (f"body_{suffix}", body)):
                    if not has_text(value):
                        errors[field] = _(
                            "%(language)s needs both a title and a body to be published; "
                            "fill this in or empty the other %(language)s fields."
                        ) % {"language": name}
        if errors:
            raise ValidationError(errors)
        if not self.languages:
            raise ValidationError(
                _("A published article needs a title and a body in at least one language.")
            )


class RevisionQuerySet(models.QuerySet):
    def earlier_public_versions(self, current_fingerprint: str):
        """Published texts readers could see before, newest first, one per fingerprint (a list).

        A published revision was public if its publication time came before it was superseded;
        a text that was scheduled and replaced before its time never reached readers.
        """
        public = self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=F("superseded_at")
        ).exclude(fingerprint=current_fingerprint)
        seen, versions = set(), []
        for revision in public.without_texts().order_by("-number"):
            if revision.fingerprint not in seen:
                seen.add(revision.fingerprint)
                versions.append(revision)
        return versions

    def without_texts(self):
        """The metadata a history page lists, without every language's full text."""
        return self.defer("texts")


class Revision(models.Model):
    """What an article was after one save: every translated field and its metadata.

    Revisions are only ever added: restoring an old one records a new revision with its text.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("number"))
    # The article's version once this revision was saved: what an edit form started from.
    article_version = models.PositiveIntegerField(_("article version"))
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    created_by = person_field(_("saved by"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Article.Status.choices)
    section_slug = models.CharField(_("section"), max_length=60)
    slug = models.CharField(_("slug"), max_length=100)
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    # {"zh-hans": {"title": …, "summary": …, "body": …}, "en": {…}}
    texts = models.JSONField(_("texts"), default=dict)
    image = models.CharField(_("lead image"), max_length=50, blank=True)  # <id>.<ext>
    # The byline and the topics as the document names them: slugs, in order.
    authors = models.JSONField(_("byline"), default=list, blank=True)
    author_roles = models.JSONField(_("roles in the byline"), default=dict, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=40, blank=True, db_index=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="revision_number_unique_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.number}"

    @property
    def public_from(self):
        """When readers could first see this revision's text."""
        if self.published_at is None:
            return self.created_at
        return max(self.created_at, self.published_at)

    def language_version(self, code: str) -> documents.LanguageVersion:
        text = self.texts.get(code, {})
        image_texts = {
            key: (text.get(key) or "") if self.image else "" for key in documents.IMAGE_TEXT_KEYS
        }
        return documents.LanguageVersion(
            title=text.get("title") or "",
            summary=text.get("summary") or "",
            body=text.get("body") or "",
            **image_texts,
        )

    def as_article(self, article: Article) -> Article:
        """An unsaved copy of ``article`` holding this revision's text, for previews and
        version pages rendered with the reader templates."""
        copy = Article(
            pk=article.pk,
            section=article.section,
            slug=article.slug,
            status=self.status,
            published_at=self.published_at,
            fingerprint=self.fingerprint,
        )
        self.copy_texts_to(copy)
        return copy

    def people_and_topics(self) -> tuple[list, list]:
        """The people of the byline and the topics as this revision named them (a topic
        merged since as the one it was merged into)."""
        from people.models import Person
        from topics.models import Topic, TopicAlias

        people = Person.objects.in_bulk(self.authors, field_name="slug") if self.authors else {}
        topics = Topic.objects.in_bulk(self.topics, field_name="slug") if self.topics else {}
        merged = TopicAlias.objects.filter(slug__in=set(self.topics) - topics.keys())
        topics.update({alias.slug: alias.topic for alias in merged.select_related("topic")})
        return (
            [people[slug] for slug in self.authors if slug in people],
            [topics[slug] for slug in self.topics if slug in topics],
        )

    @property
    def image_id(self) -> str | None:
        return self.image.split(".")[0] if self.image else None

    def copy_texts_to(self, article: Article) -> None:
        """Give ``article`` this revision's texts in every language, its lead image, byline and
        topics."""
        article.image = Image.objects.filter(pk=self.image_id).first() if self.image else None
        people, topics = self.people_and_topics()
        article.set_byline([(person, self.author_roles.get(person.slug, "")) for person in people])
        article.set_topics(topics)
        for code in language_codes():
            version = self.language_version(code)
            suffix = field_suffix(code)
            for key in ("title", "summary", "body", *documents.IMAGE_TEXT_KEYS):
                setattr(article, f"{key}_{suffix}", getattr(version, key))

    def document_bytes(self) -> bytes:
        """The article document as it was in this revision (its own section and slug)."""
        languages = [
            code
            for code in language_codes()
            if has_text(self.language_version(code).title)
            and has_text(self.language_version(code).body)
        ]
        document = documents.ArticleDocument(
            section=self.section_slug,
            slug=self.slug,
            published=self.published_at,
            versions={code: self.language_version(code) for code in languages},
            image=self.image,
            authors=tuple(self.authors),
            topics=tuple(self.topics),
        )
        return documents.build(
            document, languages=language_codes(), timezone=ZoneInfo(settings.TIME_ZONE)
        )


class ImageUse(models.Model):
    """A picture an article shows or showed, as its lead image or in a body: the library lists
    where each picture is used, and refuses to delete one in use. A use outlives the version
    that made it: earlier versions stay readable, restorable and verifiable."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="image_uses")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="uses")

    class Meta:
        verbose_name = _("use of an image")
        verbose_name_plural = _("uses of images")
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="image_use_unique")
        ]

    def __str__(self) -> str:
        return str(self.article)

    @classmethod
    def record(cls, article: Article) -> None:
        """Add the pictures ``article`` shows now (after it is saved) to its uses."""
        ids = {name.split(".")[0] for name in article.image_names()}
        ids = set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))
        cls.objects.bulk_create(
            [cls(article=article, image_id=pk) for pk in ids], ignore_conflicts=True
        )


class ArticleAlias(models.Model):
    """An address an article had before it moved; readers who use it are sent on with a 301."""

    section_slug = models.CharField(max_length=60)
    slug = models.CharField(max_length=100)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section_slug", "slug"], name="article_alias_unique")
        ]

    def __str__(self) -> str:
        return f"{self.section_slug}/{self.slug}"


class SectionAlias(models.Model):
    """A slug a section had before; its pages and its articles' addresses redirect."""

    slug = models.CharField(max_length=60, unique=True)
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="aliases")

    def __str__(self) -> str:
        return self.slug
