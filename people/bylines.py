"""How a byline reads: the names grouped by what they did, in one language, each a link to the
person's page: ``By Li Wei and Jane Roe · Photos by Chen Jing``, ``文：李伟和 Jane Roe``."""

import unicodedata
from itertools import pairwise

from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, pgettext

from .models import Byline

# Each role's words, in the order a byline gives them.
LABELS = {
    Byline.Role.WRITING: gettext_lazy("By %(names)s"),
    Byline.Role.REPORTING: gettext_lazy("Reporting by %(names)s"),
    Byline.Role.PHOTOS: gettext_lazy("Photos by %(names)s"),
    Byline.Role.TRANSLATION: gettext_lazy("Translated by %(names)s"),
    Byline.Role.EDITING: gettext_lazy("Edited by %(names)s"),
}


def byline_html(lines: list[Byline], language: str, *, links: bool = True) -> SafeString:
    """The byline of ``lines`` in ``language``; a name only written in another language says
    so with its ``lang``."""
    if not lines:
        return mark_safe("")
    with translation.override(language):
        groups = []
        for role, label in LABELS.items():
            people = [line.person for line in lines if line.role == role]
            if people:
                names = [person.name_in(language) for person in people]
                shown = [
                    _name(person, name, language, links)
                    for person, name in zip(people, names, strict=True)
                ]
                joined = _joined(shown, [name.text for name in names])
                groups.append(mark_safe(str(label) % {"names": joined}))
        return format_html_join(mark_safe(" · "), "{}", ((group,) for group in groups))


def _joined(shown: list[SafeString], texts: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``; in Chinese ``A和B``, ``A、B和C``, with a space
    between a Chinese word and a Latin name (``李伟和 Jane Roe``)."""
    if len(shown) == 1:
        return shown[0]
    comma, last = pgettext("names in a byline", ", "), pgettext("names in a byline", " and ")
    separators = [comma] * (len(shown) - 2) + [last]
    joined = [shown[0]]
    neighbours = pairwise(texts)
    for separator, (before, after), name in zip(separators, neighbours, shown[1:], strict=True):
        if _is_han(separator[0]) and _is_latin(before[-1]):
            separator = " " + separator
        if _is_han(separator[-1]) and _is_latin(after[0]):
            separator += " "
        joined += [separator, name]
    return "".join(joined)


def _is_han(character: str) -> bool:
    return unicodedata.name(character, "").startswith("CJK")


def _is_latin(character: str) -> bool:
    """A letter or digit of a Latin-script name (Émile, J. Smith Jr.), or its final stop."""
    return unicodedata.name(character, "").startswith(("LATIN", "DIGIT", "FULL STOP"))


def _name(person, name, language: str, link: bool) -> SafeString:
    lang = format_html(' lang="{}"', name.lang) if name.language != language else ""
    if not link:
        return format_html("<span{}>{}</span>", lang, name.text)
    return format_html('<a href="{}"{}>{}</a>', person.get_absolute_url(), lang, name.text)
