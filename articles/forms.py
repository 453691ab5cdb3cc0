"""The desk's forms: the version check against lost updates, status moves and translation marks.

Both forms run inside the admin's transaction. On save they lock the row (``SELECT … FOR
UPDATE``) and compare its version with the one the editor started from. A section saved by
somebody else meanwhile is refused and shown. An article is merged field by field and language
by language against the revision the editor started from: what only one person changed is
kept, and only a text both changed differently is a conflict, shown side by side (theirs,
yours) with a choice for each; until then nothing is saved and each person's text is kept.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from media import uploads
from media.models import Image

from . import byline_fields, documents, revisions, translations
from .models import Article, Revision, Section, field_suffix, figures_in, language_codes
from .slugs import proposed_slug
from .workflow import TRANSITIONS, TRANSITIONS_BY_NAME, Desk

SECTION_SNAPSHOT_SALT = "articles.section-form"


def translated_fields(*names: str) -> list[str]:
    """``title`` → ``title_zh_hans``, ``title_en``: the columns django-modeltranslation adds."""
    return [f"{name}_{field_suffix(code)}" for name in names for code in language_codes()]


def section_fields() -> list[str]:
    """The section fields an admin edits."""
    return [*translated_fields("name", "description"), "slug", "position", "is_visible"]


def correction_note_field(language_tag: str) -> forms.CharField:
    return forms.CharField(
        label=_("Correction note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "lang": language_tag}),
        help_text=_(
            "Why you made this change, in this language. When it changes the text of a "
            "published article, readers of this language see it as the correction note."
        ),
    )


def correction_notes(cleaned_data: dict) -> dict[str, str]:
    """The form's correction notes by language code."""
    return {code: cleaned_data.get(f"note_{field_suffix(code)}", "") for code in language_codes()}


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
    # Why the editor made this change, in each language (the language columns show them):
    # when it changes a published text, readers of that language see it as the correction note.
    note_zh_hans = correction_note_field("zh-Hans")
    note_en = correction_note_field("en")
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

    lead_image_upload = forms.FileField(
        label=_("Or upload a new lead image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("JPEG, PNG, WebP, GIF or AVIF; it goes into the media library too."),
    )

    desk: Desk  # set by ArticleAdmin.get_form
    merged = None  # set when another person's save was combined with this one
    asks_to_confirm_unpublish = False

    class Meta:
        model = Article
        # django-modeltranslation's admin puts a field per language in place of each of these.
        fields = ["title", "summary", "body", "section", "slug", "published_at", "image",
                  *documents.IMAGE_TEXT_KEYS]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status_before = self.instance.status
        if "slug" in self.fields:
            self.fields["slug"].required = False  # proposed from the title when left empty
            self.fields["slug"].help_text = _(
                "The last part of the article's address; unique within its section. Left empty, "
                "it is made from the English title, or the pinyin of the Chinese one."
            )
        self.fields["base_version"].initial = self.instance.version
        if self.instance.pk is not None:
            for name, value in byline_fields.initial(self.instance).items():
                self.initial.setdefault(name, value)
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
        section = cleaned.get("section")
        if section is not None:
            # The steps a person may take depend on the section the article is filed in.
            self.instance.section = section
        name = cleaned.get("transition")
        transition = TRANSITIONS_BY_NAME[name] if name else None
        if transition and transition not in self.desk.transitions(self.instance):
            raise forms.ValidationError(
                _("You may not take this step with this article: %(step)s.")
                % {"step": transition.label},
                code="forbidden_transition",
            )
        if section is not None and not self.desk.sections_for_articles().filter(pk=section.pk):
            self.add_error("section", _("You may not file articles in this section."))
        self.clean_pictures(cleaned)
        if "slug" in self.fields and not cleaned.get("slug") and not self.has_error("slug"):
            cleaned["slug"] = proposed_slug(cleaned.get("title_en"), cleaned.get("title_zh_hans"))
            if not cleaned["slug"]:
                self.add_error("slug", _("Give the article a slug, or a title to propose one."))
        if name == "unpublish" and not self.errors and not self.data.get("confirm_unpublish"):
            self.asks_to_confirm_unpublish = True
            raise forms.ValidationError(
                _(
                    "Unpublishing takes this article away from readers: its address will answer "
                    "“not found”, and feeds and search will drop it. Press “%(button)s” again "
                    "to unpublish it."
                )
                % {"button": transition.button},
                code="confirm_unpublish",
            )
        if not self.errors:
            self.check_version()
        if transition:
            # The model's own checks (a published article needs its texts) apply to the status
            # the article is moving to.
            self.instance.status = transition.target
        return cleaned

    def clean_pictures(self, cleaned: dict) -> None:
        """Take an uploaded lead image into the library; give the lead image the library's
        alt text, caption and credit in each language the editor left empty; and refuse a
        figure that names a picture the library does not have."""
        upload = cleaned.get("lead_image_upload")
        if upload:
            try:
                received = uploads.receive(upload, user=getattr(self.desk, "user", None))
            except forms.ValidationError as error:
                self.add_error("lead_image_upload", error)
            else:
                cleaned["image"] = received.image
        image = cleaned.get("image")
        before = self.instance.image if self.instance.image_id else None
        if image is not None:
            for code in language_codes():
                for key in documents.IMAGE_TEXT_KEYS:
                    name, library_field = f"{key}_{field_suffix(code)}", key.removeprefix("image_")
                    value = (cleaned.get(name) or "").strip()
                    # Another picture: the texts the old one brought from the library go too.
                    from_old = (
                        before is not None
                        and before.pk != image.pk
                        and value == (before.text_in(library_field, code).strip())
                    )
                    if name in self.fields and (not value or from_old):
                        cleaned[name] = image.text_in(library_field, code)
        for code in language_codes():
            name = f"body_{field_suffix(code)}"
            missing = missing_figures(cleaned.get(name) or "")
            if missing and name in self.fields:
                self.add_error(
                    name,
                    _(
                        "Line %(line)d shows media:%(name)s, which is not in the media library. "
                        "Upload the picture there first, and copy the figure its page shows."
                    )
                    % {"line": missing[0][0], "name": missing[0][1]},
                )

    def check_version(self) -> None:
        if self.instance.pk is None:
            return
        current = self.locked_current()
        started_from = self.cleaned_data.get("base_version")
        base = current.revisions.filter(article_version=started_from).first()
        self.keep_chosen(base)
        if started_from == current.version:
            return
        theirs_only, conflicts = [], []
        saved = byline_fields.initial(current)
        for name in self.merged_fields():
            yours, theirs = self.cleaned_data.get(name), current_value(current, name)
            if self.same(name, yours, theirs):
                continue
            if base is not None and self.same(name, yours, base_value(base, name)):
                theirs_only.append(name)
            elif base is None or not self.same(name, theirs, base_value(base, name)):
                conflicts.append(FieldConflict(name, self.label(name), shown(theirs), shown(yours)))
        person = current.updated_by
        # Someone took a workflow step meanwhile (published it, say): saving must not carry
        # this person's edits along unseen.
        moved = base is None or base.status != current.status
        # From here on the form works from the saved row, whatever the editor's copy was.
        self.data = self.data.copy()
        self.data[self.add_prefix("base_version")] = current.version
        for name in theirs_only:
            self.cleaned_data[name] = current_value(current, name)
            if name in byline_fields.FIELDS:
                self.data.setlist(self.add_prefix(name), [str(pk) for pk in saved[name]])
            else:
                self.data.update(self.form_data(name, getattr(current, name)))
        if not conflicts and not moved:
            self.cleaned_data["base_version"] = current.version
            self.instance = current
            self.merged = {"person": person, "fields": [self.label(n) for n in theirs_only]}
            return
        self.conflict = {**self.describe_changes(current, base), "fields": conflicts}
        who = getattr(person, "username", None) or _("Someone else")
        if conflicts:
            message = _(
                "%(person)s saved this while you were editing it and changed the same text as "
                "you. Nothing is saved yet: for each text below, choose whose to keep. Their "
                "other changes are in the form already, with yours."
            ) % {"person": who}
        else:
            message = _(
                "%(person)s saved this while you were editing it, and it is %(status)s now. "
                "Nothing is saved yet: your changes are in the form, with theirs. Save again to "
                "save them to the article as it is now."
            ) % {"person": who, "status": current.get_status_display()}
        raise forms.ValidationError(message, code="conflict")

    def merged_fields(self) -> list[str]:
        """The form's fields that two people's saves are combined by."""
        names = [*translated_fields(*translations.TEXT_FIELDS), "section", "slug", "published_at",
                 "image", *byline_fields.FIELDS]  # fmt: skip
        return [name for name in names if name in self.fields]

    def keep_chosen(self, base: Revision | None) -> None:
        """Apply the choices made in a conflict: "theirs" is the text of the version the form
        was shown with (``base``), which the person then saves as their own (and which merges
        like any other if yet another save came in since)."""
        for name in self.merged_fields():
            if base is None or self.data.get(f"keep-{name}") != "theirs":
                continue
            value = base_value(base, name)
            if name == "section":
                value = Section.objects.filter(slug=value).first() or self.cleaned_data[name]
            if name == "image":
                value = Image.objects.filter(pk=value.split(".")[0]).first() if value else None
            if name in byline_fields.FIELDS:
                rows = self.fields[name].queryset.in_bulk(value, field_name="slug")
                value = [rows[slug] for slug in value if slug in rows]
            self.cleaned_data[name] = value

    @staticmethod
    def same(name: str, one, other) -> bool:
        text = text_of_field(name)
        if text:
            return translations.same_text(text[0], one or "", other or "")
        if name == "section":
            return getattr(one, "slug", one) == getattr(other, "slug", other)
        if name == "image":
            return image_id_of(one) == image_id_of(other)
        if name in byline_fields.FIELDS:
            return byline_fields.slugs(one) == byline_fields.slugs(other)
        if name == "published_at":
            return (one and one.replace(microsecond=0)) == (other and other.replace(microsecond=0))
        return one == other

    def label(self, name: str) -> str:
        text = text_of_field(name)
        if text:
            field, code = text
            return f"{dict(settings.LANGUAGES)[code]} · {translations.FIELD_NAMES[field]}"
        return str(self.fields[name].label)

    def form_data(self, name: str, value) -> dict:
        """``value`` as the browser would send it for field ``name``."""
        key = self.add_prefix(name)
        if name == "section":
            return {key: str(value.pk)}
        if name == "image":
            return {key: image_id_of(value) or ""}
        if name == "published_at":
            if value is None:
                return {f"{key}_0": "", f"{key}_1": ""}
            local = timezone.localtime(value)
            return {f"{key}_0": f"{local:%Y-%m-%d}", f"{key}_1": f"{local:%H:%M:%S}"}
        return {key: value or ""}

    def describe_changes(self, current, base: Revision | None) -> dict:
        """What the other person changed since ``base``, per language."""
        latest = current.revisions.order_by("-number").first()
        if base is None or latest is None:
            return {"person": current.updated_by, "languages": []}
        return {
            "person": latest.created_by,
            "note": latest.note,
            "languages": [d for d in revisions.compare(base.texts, latest.texts) if d.changed],
        }


@dataclass(frozen=True)
class FieldConflict:
    """A field both people changed, each differently: the form offers a choice."""

    name: str
    label: str
    theirs: object
    yours: object


def text_of_field(name: str) -> tuple[str, str] | None:
    """``"summary_en"`` → ``("summary", "en")``; ``None`` for a field that is not a text."""
    for field in translations.TEXT_FIELDS:
        for code in language_codes():
            if name == f"{field}_{field_suffix(code)}":
                return field, code
    return None


def image_id_of(value) -> str | None:
    """The id of a lead image, however a form, a row or a revision holds it."""
    if isinstance(value, Image):
        return value.pk
    return value.split(".")[0] if value else None


def missing_figures(body: str) -> list[tuple[int, str]]:
    """The figures of ``body`` (line, name) whose picture the library does not have."""
    named = documents.figure_references(body)
    known = figures_in(body) if named else {}
    return [(line, name) for line, name in named if name not in known]


def current_value(article: Article, name: str):
    """Field ``name`` of the form as ``article`` has it saved."""
    if name == byline_fields.TOPICS:
        return article.topics
    if name in byline_fields.FIELDS:
        role = next(r for r, field in byline_fields.ROLE_FIELDS.items() if field == name)
        return [line.person for line in article.byline if line.role == role]
    return getattr(article, name)


def shown(value):
    """A field's value as a conflict shows it: a list of people or topics as their names."""
    if isinstance(value, list):
        return ", ".join(str(row) for row in value)
    return value


def base_value(base: Revision, name: str):
    """Field ``name`` as it was in the revision an editor started from (the byline and topics
    as slugs)."""
    if name in byline_fields.FIELDS:
        return byline_fields.from_revision(base, name)
    if name == "image":
        return base.image
    if name == "section":
        return base.section_slug
    if name in ("slug", "published_at"):
        return getattr(base, name)
    field, code = text_of_field(name)
    return base.texts.get(code, {}).get(field) or ""


# The byline and topics fields, one per role (articles/byline_fields.py), declared here as if
# written in the class body.
ArticleForm.base_fields.update(byline_fields.form_fields())
ArticleForm.declared_fields.update(byline_fields.form_fields())


class SectionForm(ConflictMixin, forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    base_snapshot = forms.CharField(widget=forms.HiddenInput, required=False)
    confirming_slug = None  # the new slug the person is asked to confirm

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
        if not self.errors:
            self.check_slug_change(cleaned.get("slug"))
        return cleaned

    def check_slug_change(self, slug: str | None) -> None:
        """A new slug moves every published article of the section: say how many before it
        is saved, and save only when the person presses Save again for that slug."""
        if self.instance.pk is None or not slug or slug == self.initial.get("slug"):
            return
        moving = self.instance.articles.filter(status=Article.Status.PUBLISHED).count()
        if not moving or self.data.get("confirm_slug") == slug:
            return
        self.confirming_slug = slug
        raise forms.ValidationError(
            ngettext(
                "Changing the slug to “%(slug)s” gives %(count)d published article a new address "
                "and a new fingerprint; its old address will redirect. Save again to change it.",
                "Changing the slug to “%(slug)s” gives %(count)d published articles new addresses "
                "and new fingerprints; their old addresses will redirect. Save again to change it.",
                moving,
            )
            % {"slug": slug, "count": moving},
            code="confirm_slug",
        )

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
