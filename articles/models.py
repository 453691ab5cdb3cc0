"""Sections and articles, and the rules for what readers may see of them."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import documents

# Paths that the site's own URLs use at the top level or inside a language.
RESERVED_SLUGS = frozenset(
    {"admin", "static", "media", "search", "feed", "feeds", "sitemap", "sitemaps", "robots",
     "api", "accounts", "preview", "i18n", "jsi18n", "page", "well-known", "favicon"}
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


def person_field(verbose_name) -> models.ForeignKey:
    """Who did something to a row; the record stays when that person's account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class SectionQuerySet(models.QuerySet):
    def visible(self):
        """Sections listed in the navigation and on the front page."""
        return self.filter(is_visible=True)


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        validators=[slug_format, validate_not_reserved],
        help_text=_("Part of every URL in the section; changing it breaks existing links."),
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

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        name = translated(self, "name", translation.get_language() or settings.LANGUAGE_CODE)
        return str(name) if name else self.slug

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"section": self.slug})

    def clean(self) -> None:
        if not any(has_text(getattr(self, f"name_{field_suffix(c)}")) for c in language_codes()):
            raise ValidationError(_("Give the section a name in at least one language."))

    def name_in(self, language: str) -> Translation:
        """The name in ``language``, falling back to another language (and saying which)."""
        return translated(self, "name", language) or Translation(self.slug, "en")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published articles whose publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_section(self, section: Section):
        return self.filter(section=section)

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def for_listing(self):
        """Only what lists show: no bodies, the section in the same query."""
        bodies = [f"body_{field_suffix(code)}" for code in language_codes()]
        return self.select_related("section").defer("body", *bodies)

    def missing_language(self, code: str):
        """Articles with no title or no body in ``code`` (NULL and blank both count as none)."""
        suffix = field_suffix(code)
        missing = Q()
        for field in (f"title_{suffix}", f"body_{suffix}"):
            missing |= Q(**{f"{field}__isnull": True}) | Q(**{field: ""})
        return self.filter(missing)

    def refresh_fingerprints(self) -> int:
        """Recompute stored fingerprints, e.g. after a section's slug changed. Returns how many
        changed."""
        changed = []
        for article in self.filter(status=Article.Status.PUBLISHED).select_related("section"):
            old = article.fingerprint
            article.fingerprint = article.compute_fingerprint()
            if article.fingerprint != old:
                changed.append(article)
        Article.objects.bulk_update(changed, ["fingerprint"])
        return len(changed)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

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
        validators=[validate_no_language_marker],
        help_text=_("Markdown (CommonMark). HTML tags are shown as text."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Left empty, it is set to the moment the article is published."),
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("Git blob id of the published article document."),
    )
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
            models.Index(fields=["status", "-published_at"], name="article_status_date"),
            models.Index(
                fields=["section", "status", "-published_at"], name="article_section_status_date"
            ),
        ]

    def __str__(self) -> str:
        title = translated(self, "title", translation.get_language() or settings.LANGUAGE_CODE)
        return str(title) if title else self.slug

    def save(self, *args, **kwargs) -> None:
        # Only the row's own derived fields: the canonical body, the date to the second (the
        # document's precision) and the fingerprint of the published text.
        for code in language_codes():
            field = f"body_{field_suffix(code)}"
            value = getattr(self, field)
            if value is not None:
                setattr(self, field, documents.normalize_body(value))
        if self.published_at is not None:
            self.published_at = self.published_at.replace(microsecond=0)
        self.fingerprint = self.compute_fingerprint() if self.is_published else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "fingerprint"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:article", kwargs={"section": self.section.slug, "slug": self.slug})

    def get_document_url(self) -> str:
        return reverse("article-document", kwargs={"section": self.section.slug, "slug": self.slug})

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

    def version(self, code: str) -> documents.LanguageVersion:
        suffix = field_suffix(code)
        return documents.LanguageVersion(
            title=getattr(self, f"title_{suffix}") or "",
            summary=getattr(self, f"summary_{suffix}") or "",
            body=getattr(self, f"body_{suffix}") or "",
        )

    def versions_for_reader(
        self, interface_language: str
    ) -> list[tuple[str, documents.LanguageVersion]]:
        """Each language the article is written in, the interface language first."""
        codes = self.languages
        ordered = sorted(codes, key=lambda code: code != interface_language)
        return [(code, self.version(code)) for code in ordered]

    def title_in(self, language: str) -> Translation:
        return translated(self, "title", language) or Translation(self.slug, "en")

    def summary_in(self, language: str) -> Translation | None:
        """The summary in the same language as :meth:`title_in` picks, if that one has one."""
        title = self.title_in(language)
        summary = getattr(self, f"summary_{field_suffix(title.language)}", None)
        return Translation(summary, title.language) if has_text(summary) else None

    def to_document(self) -> documents.ArticleDocument:
        return documents.ArticleDocument(
            section=self.section.slug,
            slug=self.slug,
            published=self.published_at,
            versions={code: self.version(code) for code in self.languages},
        )

    def document_bytes(self) -> bytes:
        return documents.build(
            self.to_document(), languages=language_codes(), timezone=ZoneInfo(settings.TIME_ZONE)
        )

    def compute_fingerprint(self) -> str:
        return documents.fingerprint(self.document_bytes())

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
