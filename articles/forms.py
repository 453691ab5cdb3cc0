"""The desk's forms: the version check against lost updates, status moves and translation marks.

Both forms run inside the admin's transaction. On save they lock the row (``SELECT … FOR
UPDATE``) and compare its version with the one the editor started from, so of two people saving
the same article the second is refused, shown what the first changed, and keeps their own text
in the form. Saving again after that is a deliberate choice to replace the other person's text.
"""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from . import revisions, translations
from .models import Article, Section, field_suffix, language_codes
from .workflow import TRANSITIONS, TRANSITIONS_BY_NAME, Desk

SECTION_SNAPSHOT_SALT = "articles.section-form"


def translated_fields(*names: str) -> list[str]:
    """``title`` → ``title_zh_hans``, ``title_en``: the columns django-modeltranslation adds."""
    return [f"{name}_{field_suffix(code)}" for name in names for code in language_codes()]


def section_fields() -> list[str]:
    """The section fields an admin edits."""
    return [*translated_fields("name", "description"), "slug", "position", "is_visible"]


class ConflictMixin:
    """Refuse a save when the row's version moved since the form was opened."""

    conflict = None

    def locked_current(self):
        return type(self.instance)._base_manager.select_for_update().get(pk=self.instance.pk)

    def check_version(self) -> None:
        if self.instance.pk is None:
            return
        current = self.locked_current()
        started_from = self.cleaned_data.get("base_version")
        if started_from == current.version:
            return
        self.conflict = self.describe_conflict(current, started_from)
        # Saving again now means replacing what the other person saved, knowingly.
        self.data = self.data.copy()
        self.data[self.add_prefix("base_version")] = current.version
        if "base_snapshot" in self.fields:
            self.data[self.add_prefix("base_snapshot")] = self.snapshot(current)
        raise forms.ValidationError(
            _(
                "%(person)s saved this while you were editing it. Their changes are shown below; "
                "your text is still in the form. Save again to replace their version with yours."
            )
            % {"person": getattr(current.updated_by, "username", None) or _("Someone else")},
            code="conflict",
        )

    def describe_conflict(self, current, started_from):
        raise NotImplementedError


class ArticleForm(ConflictMixin, forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Change note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Why you made this change. When it changes the text of a published article, readers "
            "see this note as the correction note."
        ),
    )
    # Set by the status buttons under the form, never rendered as a field.
    transition = forms.ChoiceField(
        required=False, choices=[("", "")] + [(t.name, t.label) for t in TRANSITIONS]
    )
    confirm_translations = forms.MultipleChoiceField(
        label=_("Still matches"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick a text that is marked possibly out of date but still says the same."),
    )

    desk: Desk  # set by ArticleAdmin.get_form

    class Meta:
        model = Article
        # django-modeltranslation's admin puts a field per language in place of each of these.
        fields = ["title", "summary", "body", "section", "slug", "published_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status_before = self.instance.status
        self.fields["base_version"].initial = self.instance.version
        stale = translations.stale_texts(self.instance) if self.instance.pk else []
        if stale:
            self.fields["confirm_translations"].choices = [
                (text.key, text.describe()) for text in stale
            ]
        else:
            # Nothing to confirm: the admin does not show the field either.
            del self.fields["confirm_translations"]
        for text in stale:
            if text.form_field in self.fields:
                field = self.fields[text.form_field]
                field.help_text = "⚠ " + _("Possibly out of date.") + " " + text.describe()
                field.widget.attrs["class"] = (
                    field.widget.attrs.get("class", "") + " possibly-out-of-date"
                )

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("transition")
        if name:
            transition = TRANSITIONS_BY_NAME[name]
            if transition not in self.desk.transitions(self.instance):
                raise forms.ValidationError(
                    _("You may not take this step with this article: %(step)s.")
                    % {"step": transition.label},
                    code="forbidden_transition",
                )
            # The model's own checks (a published article needs its texts) apply to the status
            # the article is moving to.
            self.instance.status = transition.target
        section = cleaned.get("section")
        if section is not None and not self.desk.sections_for_articles().filter(pk=section.pk):
            self.add_error("section", _("You may not file articles in this section."))
        if not self.errors:
            self.check_version()
        return cleaned

    def describe_conflict(self, current, started_from):
        base = current.revisions.filter(article_version=started_from).first()
        latest = current.revisions.order_by("-number").first()
        if base is None or latest is None:
            return {"person": current.updated_by, "languages": []}
        return {
            "person": latest.created_by,
            "note": latest.note,
            "languages": [d for d in revisions.compare(base.texts, latest.texts) if d.changed],
        }


class SectionForm(ConflictMixin, forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    base_snapshot = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Section
        fields = ["name", "description", "slug", "position", "is_visible", "editors"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_version"].initial = self.instance.version
        if self.instance.pk:
            self.fields["base_snapshot"].initial = self.snapshot(self.instance)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.check_version()
        return cleaned

    @staticmethod
    def snapshot(section: Section) -> str:
        """The section as the form showed it, signed so that a forged one is ignored."""
        values = {name: getattr(section, name) for name in section_fields()}
        return signing.dumps(values, salt=SECTION_SNAPSHOT_SALT)

    def describe_conflict(self, current, started_from):
        try:
            before = signing.loads(self.data.get("base_snapshot", ""), salt=SECTION_SNAPSHOT_SALT)
        except signing.BadSignature:
            before = {}
        changes = []
        for name in section_fields():
            value = getattr(current, name)
            if name in before and before[name] != value:
                label = Section._meta.get_field(name).verbose_name
                changes.append((label, before[name], value))
        return {"person": current.updated_by, "changes": changes}
