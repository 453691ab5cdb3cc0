"""How a byline reads: the names grouped by what they did, in one language, each a link to the
person's page: ``By Li Wei and Jane Roe · Photos by Chen Jing``, ``文：李伟和 Jane Roe``."""

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
                names = [_name(person, language, links) for person in people]
                groups.append(mark_safe(str(label) % {"names": _joined(names)}))
        return format_html_join(mark_safe(" · "), "{}", ((group,) for group in groups))


def _joined(names: list[SafeString]) -> str:
    """``A``, ``A and B``, ``A, B and C``; in Chinese ``A和B``, ``A、B和C``."""
    if len(names) == 1:
        return names[0]
    comma, last = pgettext("names in a byline", ", "), pgettext("names in a byline", " and ")
    return comma.join(names[:-1]) + last + names[-1]


def _name(person, language: str, link: bool) -> SafeString:
    name = person.name_in(language)
    lang = format_html(' lang="{}"', name.lang) if name.language != language else ""
    if not link:
        return format_html("<span{}>{}</span>", lang, name.text)
    return format_html('<a href="{}"{}>{}</a>', person.get_absolute_url(), lang, name.text)
