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

from . import documents
from .models import Article, field_suffix, has_text, language_codes

TEXT_FIELDS = ("title", "summary", "body", *documents.IMAGE_TEXT_KEYS)
FIELD_NAMES = {
    "title": _("title"),
    "summary": _("summary"),
    "body": _("body"),
    "image_alt": _("lead image alt text"),
    "image_caption": _("lead image caption"),
    "image_credit": _("lead image credit"),
}


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


def same_text(field: str, old: str, new: str) -> bool:
    """Whether two texts of ``field`` are the same once stored (line ends and the body's
    outer blank lines do not count)."""
    return documents.normalize_field(field, old) == documents.normalize_field(field, new)


def updated_marks(before: Article | None, after: Article, version: int) -> dict:
    """``after``'s marks once saved as ``version``, given the row as it was ``before``.

    A changed text is newer than the other languages, unless it was itself possibly out of date:
    then the edit brings it up to date and makes nothing else stale. A text written where there
    was none is a translation of what is there.
    """
    marks = {field: dict(after.translation_marks.get(field, {})) for field in TEXT_FIELDS}
    for field in TEXT_FIELDS:
        field_marks = marks[field]
        catching_up = []
        for code in language_codes():
            old = text(before, field, code) if before else ""
            new = text(after, field, code)
            if not has_text(new):
                field_marks.pop(code, None)
            elif same_text(field, old, new):
                continue
            elif not has_text(old) or _is_behind(field_marks, code):
                catching_up.append(code)
            else:
                field_marks[code] = version
        for code in catching_up:
            others = [mark for other, mark in field_marks.items() if other != code]
            field_marks[code] = max(others) if others else version
    return marks


def _is_behind(field_marks: dict, code: str) -> bool:
    own = field_marks.get(code, 0)
    return any(mark > own for other, mark in field_marks.items() if other != code)


def stale_texts(article: Article) -> list[StaleText]:
    stale = []
    for field in TEXT_FIELDS:
        field_marks = article.translation_marks.get(field, {})
        for code in language_codes():
            if not has_text(text(article, field, code)) or not _is_behind(field_marks, code):
                continue
            newest = max((other for other in field_marks if other != code), key=field_marks.get)
            stale.append(StaleText(field, code, newest))
    return stale


def confirm(article: Article, keys: list[str]) -> None:
    """Record that the texts named by ``keys`` (``"body:en"``) still match the other language."""
    for key in keys:
        field, code = key.split(":")
        field_marks = article.translation_marks.setdefault(field, {})
        others = [mark for other, mark in field_marks.items() if other != code]
        if others:
            field_marks[code] = max(others)
