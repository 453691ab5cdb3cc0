"""The article form's byline and topics: a search-as-you-type list of people for each role
(by, reporting, photos, translation, editing) and one of topics, each kept in the order the
editor chose them in, since the document lists them in that order."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _

from people.models import Byline, Person
from topics.models import ArticleTopic, Topic

# The form field of each role: "byline_by", "byline_reporting", …
ROLE_FIELDS = {role: f"byline_{role.value or 'by'}" for role in Byline.Role}
ROLE_LABELS = {
    Byline.Role.WRITING: _("By"),
    Byline.Role.REPORTING: _("Reporting"),
    Byline.Role.PHOTOS: _("Photos"),
    Byline.Role.TRANSLATION: _("Translation"),
    Byline.Role.EDITING: _("Editing"),
}
TOPICS = "topics"
FIELDS = [*ROLE_FIELDS.values(), TOPICS]


class IdsOnly:
    """Mixed into the admin's autocomplete widgets of rows with numeric ids: a form sent back
    with something that is no id (forged, or garbled) shows no choice for it, and the field's
    error says why (Django's own widget would query with it, and fail)."""

    def optgroups(self, name, value, attr=None):
        value = [chosen for chosen in value if str(chosen).isascii() and str(chosen).isdigit()]
        return super().optgroups(name, value, attr)


class CheckedAutocomplete(IdsOnly, AutocompleteSelect):
    pass


class OrderedAutocomplete(IdsOnly, AutocompleteSelectMultiple):
    """The admin's autocomplete, showing the chosen rows in the order they were chosen. Each
    choice has its own ×, so there is no "clear all" (select2 puts that inside the list of
    choices, where it is no list item)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        order = {str(chosen): n for n, chosen in enumerate(value)}
        for _group, options, _index in groups:
            options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
        return groups


class OrderedChoiceField(forms.ModelMultipleChoiceField):
    """Rows in the order the browser sent them, each once."""

    def clean(self, value):
        rows = {str(row.pk): row for row in super().clean(value)}
        return [rows[str(pk)] for pk in dict.fromkeys(value or ()) if str(pk) in rows]


def field(source, queryset, label, help_text="") -> OrderedChoiceField:
    return OrderedChoiceField(
        queryset=queryset,
        required=False,
        label=label,
        help_text=help_text,
        widget=OrderedAutocomplete(source, admin.site),
    )


def form_fields() -> dict[str, forms.Field]:
    person = Byline._meta.get_field("person")
    fields = {
        name: field(person, Person.objects.all(), ROLE_LABELS[role])
        for role, name in ROLE_FIELDS.items()
    }
    fields[ROLE_FIELDS[Byline.Role.WRITING]].help_text = _(
        "The byline, in order. Contributors without an account are people too: add them under "
        "People."
    )
    fields[TOPICS] = field(
        ArticleTopic._meta.get_field("topic"),
        Topic.objects.all(),
        _("Topics"),
        _("What the article is about, across sections; the first is the main one."),
    )
    return fields


def initial(article) -> dict[str, list[int]]:
    """The fields' values for ``article`` as it is saved."""
    values = {name: [] for name in FIELDS}
    for line in article.byline:
        values[ROLE_FIELDS[line.role]].append(line.person.pk)
    values[TOPICS] = [topic.pk for topic in article.topics]
    return values


def apply(article, cleaned: dict) -> None:
    """Give ``article`` the byline and topics the form chose (its next save stores them)."""
    article.set_byline(
        [(person, role) for role, name in ROLE_FIELDS.items() for person in cleaned.get(name, [])]
    )
    article.set_topics(cleaned.get(TOPICS, []))


def from_revision(revision, name: str) -> list[str]:
    """Field ``name`` as slugs, as ``revision`` recorded it."""
    if name == TOPICS:
        return list(revision.topics)
    role = next(role for role, field_name in ROLE_FIELDS.items() if field_name == name)
    return [slug for slug in revision.authors if revision.author_roles.get(slug, "") == role]


def slugs(rows) -> list[str]:
    """People or topics as slugs, whether given as rows or (a revision's) slugs."""
    return [row if isinstance(row, str) else row.slug for row in rows or ()]
