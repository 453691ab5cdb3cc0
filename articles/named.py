"""What people and topics share with each other: a slug that article documents name them by,
and a translated name and description, kept in the database as sections' are."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import (
    Translation,
    Versioned,
    field_suffix,
    has_text,
    language_codes,
    normalize_names,
    slug_format,
)
from .models import translated as translated_text


class Named(Versioned):
    """A person or a topic. Article documents name it by its ``slug``, so the slug is fixed once
    the row exists (a topic moves to another only by a merge, which redirects)."""

    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        validators=[slug_format],
        help_text=_("Part of its address, and how article documents name it. Fixed once saved."),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["slug"]

    def __str__(self) -> str:
        return str(self.name_in(translation.get_language() or settings.LANGUAGE_CODE))

    def save(self, *args, **kwargs) -> None:
        normalize_names(self)
        super().save(*args, **kwargs)

    @classmethod
    def moved_from(cls, slug: str):
        """The row whose pages are now those of the one that had ``slug``, if it moved."""
        return None

    def clean(self) -> None:
        if not self.has_name:
            raise ValidationError(_("Give it a name in at least one language."))

    def name_in(self, language: str) -> Translation:
        """The name in ``language``, falling back to another language (and saying which)."""
        return translated_text(self, "name", language) or Translation(named_after(self.slug), "en")

    def description_in(self, language: str) -> Translation | None:
        return translated_text(self, "description", language)

    @property
    def has_name(self) -> bool:
        return any(has_text(getattr(self, f"name_{field_suffix(c)}")) for c in language_codes())


def named_after(slug: str) -> str:
    """The name a person or topic gets when an import creates it: ``li-wei`` → ``Li Wei``."""
    return " ".join(word.capitalize() for word in slug.split("-"))
