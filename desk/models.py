"""What the desk keeps while people write: each person's unsaved text, and who has an article
open. Neither is ever shown to readers, and a person's unsaved text only to that person."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class UnsavedText(models.Model):
    """An editor's form as it was at their last autosave: what a closed tab or a crash would
    otherwise lose. ``article`` is empty for an article not yet added."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, related_name="+")
    # The form's fields by name ({"title_en": "…", "section": "3", …}) and the article version
    # the form started from, so that restoring merges with saves made since (articles.forms).
    fields = models.JSONField(default=dict)
    base_version = models.PositiveIntegerField(null=True)
    # A new article's form, named by its browser: two add forms open at once keep two texts.
    form_key = models.CharField(max_length=40, blank=True)
    saved_at = models.DateTimeField(_("kept at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "article"],
                condition=Q(article__isnull=False),
                name="unsaved_text_per_person_and_article",
            ),
            models.UniqueConstraint(
                fields=["person", "form_key"],
                condition=Q(article__isnull=True),
                name="unsaved_new_article_per_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.article or 'a new article'}, {self.saved_at:%Y-%m-%d %H:%M}"


class Presence(models.Model):
    """Someone has an article's form open; their browser says so every few seconds."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "article"], name="presence_per_article")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.article}"
