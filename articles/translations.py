"""Which translations may be out of date.

Neither language is the source: when a field (title, summary or body) changes in one language,
the same field in the other language is *possibly out of date* until an editor edits it or
confirms it still matches. ``Article.translation_marks`` keeps, per field and language, the
article version at which that text last changed or was confirmed; a text is possibly out of date
when another language's mark is newer.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Article, field_suffix, has_text, language_codes

TEXT_FIELDS = ("title", "summary", "body")
FIELD_NAMES = {"title": _("title"), "summary": _("summary"), "body": _("body")}


@dataclass(frozen=True)
class StaleText:
    field: str
    language: str
    newer_language: str

    @property
    def key(self) -> str:
        return f"{self.field}:{self.language}"

    @property
    def form_field(self) -> str:
        return f"{self.field}_{field_suffix(self.language)}"

    def describe(self) -> str:
        names = dict(settings.LANGUAGES)
        return _("The %(newer)s %(field)s changed after the %(language)s one.") % {
            "newer": names[self.newer_language],
            "field": FIELD_NAMES[self.field],
            "language": names[self.language],
        }


def text(article: Article, field: str, code: str) -> str:
    return getattr(article, f"{field}_{field_suffix(code)}") or ""


def updated_marks(before: Article | None, after: Article, version: int) -> dict:
    """``after``'s marks once saved as ``version``, given the row as it was ``before``."""
    marks = {field: dict(after.translation_marks.get(field, {})) for field in TEXT_FIELDS}
    for field in TEXT_FIELDS:
        field_marks = marks[field]
        newly_written = []
        for code in language_codes():
            old = text(before, field, code) if before else ""
            new = text(after, field, code)
            if not has_text(new):
                field_marks.pop(code, None)
            elif not has_text(old):
                newly_written.append(code)
            elif old != new:
                field_marks[code] = version
        # A text written where there was none is a translation of what is there now.
        for code in newly_written:
            others = [field_marks[c] for c in field_marks if c != code]
            field_marks[code] = max(others) if others else version
    return marks


def stale_texts(article: Article) -> list[StaleText]:
    stale = []
    for field in TEXT_FIELDS:
        field_marks = article.translation_marks.get(field, {})
        for code in language_codes():
            if not has_text(text(article, field, code)) or code not in field_marks:
                continue
            newer = [
                other
                for other, mark in field_marks.items()
                if other != code and mark > field_marks[code]
            ]
            if newer:
                stale.append(StaleText(field, code, newer[0]))
    return stale


def confirm(article: Article, keys: list[str]) -> None:
    """Record that the texts named by ``keys`` (``"body:en"``) still match the other language."""
    for key in keys:
        field, code = key.split(":")
        field_marks = article.translation_marks.setdefault(field, {})
        others = [mark for other, mark in field_marks.items() if other != code]
        if others:
            field_marks[code] = max(others)
