"""The media library: every picture the newsroom publishes, named by what its bytes hash to."""

import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from newsroom.fields import person_field

# The formats a picture may be stored in, by the extension its id carries (DESIGN.md).
EXTENSIONS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF", "avif": "AVIF"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "avif": "image/avif",
}
# ``<id>.<ext>``: how an article document names a picture, and its address under /media/.
IMAGE_NAME = re.compile(r"([0-9a-f]{40})\.(jpg|png|webp|gif|avif)")

share = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    """A picture as uploaded, less its location and device metadata. Its id is the Git blob id
    of the stored bytes, so ``git hash-object`` on ``/media/<id>.<ext>`` prints it."""

    id = models.CharField(_("id"), max_length=40, primary_key=True, editable=False)
    format = models.CharField(
        _("format"), max_length=4, choices=[(ext, ext.upper()) for ext in EXTENSIONS]
    )
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    has_alpha = models.BooleanField(_("has transparency"), default=False, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=400,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=600, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    focal_x = models.FloatField(_("focal point across"), default=0.5, validators=share)
    focal_y = models.FloatField(_("focal point down"), default=0.5, validators=share)
    # When every rendition (media/renditions.py) had been made, and with which focal point.
    renditions_made = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = person_field(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        for code in [language, *(c for c, _n in settings.LANGUAGES if c != language)]:
            for field in ("caption", "alt"):
                value = getattr(self, f"{field}_{code.replace('-', '_')}", "")
                if value and value.strip():
                    return f"{value[:80]} ({self.name[:10]}…)"
        return self.name

    @property
    def name(self) -> str:
        """``<id>.<ext>``: the file name, as article documents write it."""
        return f"{self.id}.{self.format}"

    @property
    def page_key(self) -> str:
        """The key of the pages that show this picture (see newsroom/changes.py): its crops
        follow the focal point."""
        return f"image-{self.id}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def url(self) -> str:
        """The original's address: the same bytes the id hashes."""
        return f"{settings.MEDIA_URL}{self.name}"

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1_000_000

    @property
    def has_renditions(self) -> bool:
        """Whether every rendition for the current focal point has been made."""
        return self.renditions_made.get("focal") == [self.focal_x, self.focal_y]

    def text_in(self, field: str, code: str) -> str:
        return getattr(self, f"{field}_{code.replace('-', '_')}", "") or ""
