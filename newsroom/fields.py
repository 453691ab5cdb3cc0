"""Model fields every app's rows use alike."""

from django.conf import settings
from django.db import models


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
