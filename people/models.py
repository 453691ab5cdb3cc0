"""People: whoever an article's byline names, with or without a desk account (a reporter, a
photographer, a translator, a wire agency), and the bylines themselves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article, reader_path
from articles.named import Named
from media.models import Image


class Person(Named):
    """Someone a byline names. ``description`` is their short bio."""

    article_lookup = "bylines__person"  # how an article query reaches it (ArticleQuerySet.about)

    photo = models.ForeignKey(
        Image,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portrait_of",
        verbose_name=_("photo"),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("desk account"),
        help_text=_("The articles this account writes get this person's byline by default."),
    )

    class Meta(Named.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def get_absolute_url(self) -> str:
        return reader_path("articles:author", slug=self.slug)

    @property
    def page_key(self) -> str:
        """The key of the pages that show this person's name or photo (newsroom/changes.py)."""
        return f"person-{self.pk}"

    @property
    def list_key(self) -> str:
        """The key of the pages that list this person's articles."""
        return f"person-articles-{self.pk}"


class Byline(models.Model):
    """One name in an article's byline, at its place, with what they did."""

    class Role(models.TextChoices):
        WRITING = "", _("writing")
        REPORTING = "reporting", _("reporting")
        PHOTOS = "photos", _("photos")
        TRANSLATION = "translation", _("translation")
        EDITING = "editing", _("editing")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="bylines", verbose_name=_("person")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    # The article's date (Article._date_links), which the author page is ordered by.
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("byline")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="byline_person_once")
        ]
        # An author page walks their articles newest first here, one page at a time.
        indexes = [
            models.Index(
                fields=["person", "-published_at", "-article"], name="byline_person_latest"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)
