"""The desk: editors write articles in both languages side by side and move them through the
workflow; administrators manage sections and people. What each person sees and may do comes from
:mod:`articles.workflow`."""

from contextlib import nullcontext

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Max, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from desk.autosave import AutosaveViews, forget, form_context, keep_posted
from desk.live_preview import LivePreviewViews
from newsroom import changes
from people.models import Byline, Person

from . import byline_fields, documents, revisions, translations
from .forms import ArticleForm, SectionForm, correction_notes
from .models import Article, EditConflict, Section, SectionAlias, field_suffix, language_codes
from .revisions_admin import RevisionViews
from .workflow import (
    ADMINISTRATORS,
    EDITORS,
    TRANSITIONS,
    TRANSITIONS_BY_NAME,
    Transition,
    desk_for,
)

# Short labels for the list's "languages" column: 中 ✓ · EN —
LANGUAGE_LABELS = {"zh-hans": "中", "en": "EN"}
# Each language by its own name, above its column of the article form, whatever the desk's
# language; and its BCP 47 tag, for the browser's spelling and fonts.
LANGUAGE_NAMES = {"zh-hans": "中文", "en": "English"}
LANGUAGE_TAGS = {"zh-hans": "zh-Hans", "en": "en"}
TEXTAREA_ROWS = {"summary": 3, "body": 20, "description": 3}
TEXTS = ("title", "summary", "body")
READ_ONLY = "_as_text"  # ArticleAdmin.title_en_as_text and its kind: a text shown, not edited


def zoned(label):
    """A column or field label that names the site's time zone (translated when shown)."""
    return format_lazy("{} ({})", label, settings.TIME_ZONE)


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class LanguageColumns:
    """Mixed into a translated ModelAdmin: its translated fields in a column per language,
    headed by the language's own name, each field labelled by its name alone and marked with
    its language."""

    translated: tuple[str, ...]  # the model's translated fields, in the order shown

    def language_fieldsets(self, ending: str = "") -> list:
        return [
            (
                LANGUAGE_NAMES.get(code, code),
                {
                    "fields": [f"{name}_{field_suffix(code)}{ending}" for name in self.translated],
                    "classes": ("desk-language", f"desk-language--{code}"),
                },
            )
            for code in language_codes()
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for code in language_codes():
            for name in self.translated:
                field = form.base_fields.get(f"{name}_{field_suffix(code)}")
                if field is None:
                    continue
                field.label = capfirst(self.model._meta.get_field(name).verbose_name)
                field.widget.attrs.update(lang=LANGUAGE_TAGS.get(code, code))
                field.widget.attrs["data-language"] = code
                if name in TEXTAREA_ROWS:
                    field.widget.attrs["rows"] = TEXTAREA_ROWS[name]
        return form


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("missing translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [
            (code, _("No %(language)s") % {"language": name}) for code, name in settings.LANGUAGES
        ]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.missing_language(self.value())
        return queryset


class SectionPositionForm(forms.ModelForm):
    """A row of the section list: its position, labelled with the section's name."""

    class Meta:
        model = Section
        fields = ["position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].widget.attrs["aria-label"] = _("Position of %(section)s") % {
            "section": self.instance
        }


@admin.register(Section)
class SectionAdmin(changes.RecordedOnce, LanguageColumns, TranslationAdmin):
    form = SectionForm
    translated = ("name", "description")
    list_display = ("__str__", "slug", "position", "is_visible")
    list_display_links = ("__str__",)
    prepopulated_fields = {"slug": ("name_en",)}
    search_fields = ("name_zh_hans", "name_en", "slug")
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    # Reordered in the list, in one save.
    list_editable = ("position",)

    def get_fieldsets(self, request, obj=None):
        fields = ["slug", "position", "is_visible", "editors", "base_version"]
        if obj is not None:
            fields.append("base_snapshot")
        return [*self.language_fieldsets(), (_("Section"), {"fields": fields})]

    def get_changeform_initial_data(self, request):
        # A new section goes last.
        last = Section.objects.aggregate(last=Max("position"))["last"]
        return {
            "position": 0 if last is None else last + 1,
            **super().get_changeform_initial_data(request),
        }

    def get_changelist_form(self, request, **kwargs):
        return SectionPositionForm

    def changelist_view(self, request, extra_context=None):
        # The list saves every section's position in one POST: one transaction, one change.
        with changes.batch() if request.method == "POST" else nullcontext():
            return super().changelist_view(request, extra_context)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "editors":
            # Only people in the Editors role edit a section (administrators edit every one).
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(groups__name=EDITORS, is_active=True)
                .order_by("username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        old_slug = Section.objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
        if change and "base_version" in form.cleaned_data:
            obj.version = form.cleaned_data["base_version"]
        obj.updated_by = request.user
        obj.save()
        # The navigation on every page shows the sections.
        changes.changed(changes.SITE)
        if old_slug is not None and old_slug != obj.slug:
            SectionAlias.objects.filter(slug=obj.slug).delete()
            SectionAlias.objects.update_or_create(slug=old_slug, defaults={"section": obj})
            # The section's slug is part of every one of its article documents.
            moved = revisions.move_section_articles(obj, old_slug, user=request.user)
            if moved:
                self.message_user(
                    request,
                    _("%(count)d published articles have new fingerprints; old addresses redirect.")
                    % {"count": moved},
                )

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        changes.changed(changes.SITE)

    def delete_queryset(self, request, queryset):
        with changes.batch():
            super().delete_queryset(request, queryset)
            changes.changed(changes.SITE)


def transition_action(transition: Transition):
    def action(modeladmin, request, queryset):
        return modeladmin.apply_transition(request, queryset, transition)

    action.__name__ = transition.name.replace("-", "_")
    return admin.action(description=transition.label)(action)


class ArticleChangeList(ChangeList):
    """The desk's list of articles shows titles, sections, states and dates: it leaves the
    longest columns unread (the rendered bodies and the kept document, the search terms).
    At 100,000 articles a page of 100 rows is read in 9 ms instead of 20."""

    def get_queryset(self, request, exclude_parameters=None):
        rows = super().get_queryset(request, exclude_parameters)
        return rows.without_search_terms().defer("rendered")


@admin.register(Article)
class ArticleAdmin(
    changes.RecordedOnce,
    AutosaveViews,
    LivePreviewViews,
    RevisionViews,
    LanguageColumns,
    TranslationAdmin,
):
    form = ArticleForm
    list_display = ("__str__", "section", "status_label", "publication_time", "language_status")
    # Date browsing by filter rather than date_hierarchy, and no second count of every article:
    # both scan the whole table, which at 100,000 articles costs more than the page itself.
    list_filter = ("section", "status", MissingTranslationFilter, "published_at")
    show_full_result_count = False
    list_select_related = ("section",)
    search_fields = ("title_zh_hans", "title_en", "body_zh_hans", "body_en", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    actions = [transition_action(transition) for transition in TRANSITIONS]
    translated = (*TEXTS, *documents.IMAGE_TEXT_KEYS)
    autocomplete_fields = ("image",)
    record_fields = ("fingerprint", "created_by", "created_time", "updated_by", "changed_time")
    readonly_fields = ("status", *record_fields)
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        js = ("js/desk.js",)

    # What each person may see and do.

    def get_queryset(self, request):
        return desk_for(request.user).articles(super().get_queryset(request))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and desk_for(request.user).may_add_articles

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or desk_for(request.user).can_view(obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or desk_for(request.user).can_edit(obj))

    def has_delete_permission(self, request, obj=None):
        return (
            super().has_delete_permission(request, obj) and desk_for(request.user).is_administrator
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        desk = desk_for(request.user)
        for transition in TRANSITIONS:
            name = transition.name.replace("-", "_")
            editors_step = desk.is_administrator or desk.is_editor
            if not (editors_step or (transition.is_writers_step and desk.is_writer)):
                actions.pop(name, None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = desk_for(request.user).sections_for_articles()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not desk_for(request.user).can_schedule(obj):
            readonly.append("published_at")
        if obj is not None and not self.has_change_permission(request, obj):
            readonly += [f"{name}_{field_suffix(code)}{READ_ONLY}" for code in language_codes()
                         for name in self.translated]  # fmt: skip
            readonly.append("image")
        return readonly

    def get_fieldsets(self, request, obj=None):
        # Read only (a writer reading the archive): the texts as text, and nothing to change.
        editable = obj is None or self.has_change_permission(request, obj)
        languages = self.language_fieldsets("" if editable else READ_ONLY)
        if editable:
            for (_name, options), code in zip(languages, language_codes(), strict=True):
                options["fields"].append(f"note_{field_suffix(code)}")
        desk_fields = ["base_version"]
        if obj is not None and translations.stale_texts(obj):
            desk_fields.insert(0, "confirm_translations")
        this_change = [(_("This change"), {"fields": desk_fields})] if editable else []
        byline = [(_("Byline and topics"), {"fields": byline_fields.FIELDS})] if editable else []
        return (
            *languages,
            (
                _("Lead image"),
                {"fields": ["image", "lead_image_upload"] if editable else ["image"]},
            ),
            *byline,
            (_("Publication"), {"fields": ("section", "slug", "status", "published_at")}),
            *this_change,
            (_("Record"), {"fields": self.record_fields, "classes": ("collapse",)}),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.desk = desk_for(request.user)
        if "published_at" in form.base_fields:
            published_at = form.base_fields["published_at"]
            published_at.label = zoned(capfirst(_("publication time")))
            # The admin's date and time boxes have no label of their own.
            date, time = published_at.widget.widgets
            date.attrs["aria-label"] = _("Publication date")
            time.attrs["aria-label"] = _("Publication time of day")
        return form

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def changelist_view(self, request, extra_context=None):
        self.tell_an_editor_without_sections(request)
        return super().changelist_view(request, extra_context)

    def tell_an_editor_without_sections(self, request) -> None:
        desk = desk_for(request.user)
        if not desk.is_editor or desk.is_administrator or desk.section_ids:
            return
        administrators = (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(groups__name=ADMINISTRATORS), is_active=True)
            .distinct()
        )
        names = [person.get_full_name() or person.get_username() for person in administrators[:3]]
        self.message_user(
            request,
            _(
                "You are an editor of no section yet, so you see only your own articles and "
                "the published archive. Ask an administrator (%(names)s) to give you sections."
            )
            % {"names": ", ".join(names) or _("none is set up")},
            messages.WARNING,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if (
            request.method == "POST"
            and obj is not None
            and self.has_view_permission(request, obj)
            and not self.has_change_permission(request, obj)
        ):
            # The article moved on (submitted, published) while this person edited it: their
            # text is kept for them rather than refused with it.
            keep_posted(request, obj)
            self.message_user(
                request,
                _(
                    "This article is %(status)s now, so you may no longer change it. Your text "
                    "was not saved to it but kept for you: it is below, to copy."
                )
                % {"status": obj.get_status_display()},
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        extra_context = {**(extra_context or {}), **self.desk_context(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_changeform_initial_data(self, request):
        """A writer's new article carries their byline."""
        initial = super().get_changeform_initial_data(request)
        person = Person.objects.filter(account=request.user).first()
        if person is not None:
            initial.setdefault(byline_fields.ROLE_FIELDS[Byline.Role.WRITING], [person.pk])
        return initial

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET":
            self.tell_an_editor_without_sections(request)
        draft = Article(status=Article.Status.DRAFT)
        extra_context = {**(extra_context or {}), **self.desk_context(request, draft)}
        return super().add_view(request, form_url, extra_context)

    def desk_context(self, request, article):
        if article is None:
            return {}
        names = dict(settings.LANGUAGES)
        has_some_text = article.pk is not None
        return {
            "sees_history": article.pk is not None and desk_for(request.user).sees_history(article),
            "transitions": desk_for(request.user).transitions(article),
            "missing_languages": [names[code] for code in names if code not in article.languages]
            if has_some_text
            else [],
            "time_zone": settings.TIME_ZONE,
            "desk": form_context(request, article),
        }

    # Saving and deleting.

    def delete_model(self, request, obj):
        keys = revisions.changed_keys(obj, None)
        changes.changed(*keys, *revisions.listing_keys(obj, None, moved=True))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with changes.batch():  # the deletions and their record, in one transaction
            # Read with their bylines and topics, whose rows go with them.
            deleted = list(queryset.select_related("section").with_bylines().with_topics())
            super().delete_queryset(request, queryset)
            # After the deletion: a section left with no published article leaves the
            # navigation, whichever of its articles is counted last.
            for article in deleted:
                changes.changed(
                    *revisions.changed_keys(article, None),
                    *revisions.listing_keys(article, None, moved=True),
                )

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = form.cleaned_data["base_version"]
        # The form has already moved obj.status if a status button was pressed.
        old_status = form.status_before
        name = form.cleaned_data.get("transition")
        notes = correction_notes(form.cleaned_data)
        if byline_fields.TOPICS in form.cleaned_data:
            byline_fields.apply(obj, form.cleaned_data)
        revisions.save_article(
            obj,
            user=request.user,
            note=" · ".join(note for note in notes.values() if note),
            correction_notes=notes,
            confirmed=form.cleaned_data.get("confirm_translations", []),
        )
        forget(request.user, obj if change else None, request.POST.get("autosave_key", ""))
        if name:
            self.log_transition(request, obj, old_status)
            self.message_user(request, self.step_message(obj, name), messages.SUCCESS)
        if form.merged:
            self.message_user(request, self.merged_message(form.merged), messages.WARNING)

    @staticmethod
    def merged_message(merged: dict) -> str:
        person = getattr(merged["person"], "username", None) or _("Someone else")
        if not merged["fields"]:
            return _("%(person)s saved this article while you were editing it; nothing either of "
                     "you changed overlapped.") % {"person": person}  # fmt: skip
        return _(
            "%(person)s saved this article while you were editing it. Their changes (%(fields)s) "
            "are kept together with yours."
        ) % {"person": person, "fields": ", ".join(merged["fields"])}

    @staticmethod
    def step_message(article: Article, name: str) -> str:
        """What a workflow step did, in words, with the address readers use."""
        title = str(article)
        if name == "publish" and article.is_scheduled:
            return format_html(
                _('Scheduled: readers see “{title}” from {time} at <a href="{url}">{url}</a>.'),
                title=title,
                time=zoned(local_time(article.published_at)),
                url=article.get_absolute_url(),
            )
        if name == "publish":
            return format_html(
                _('Published: readers see “{title}” at <a href="{url}">{url}</a>.'),
                title=title,
                url=article.get_absolute_url(),
            )
        if name == "unpublish":
            return format_html(
                _("Unpublished: “{title}” is off the site; its address answers “not found”."),
                title=title,
            )
        if name == "submit":
            return format_html(
                _("Submitted for review: the editors of {section} can publish “{title}” now."),
                title=title,
                section=article.section,
            )
        return format_html(_("“{title}” is a draft again; it can be edited."), title=title)

    def get_urls(self):
        step = path(
            "<path:object_id>/step/<slug:name>/",
            self.admin_site.admin_view(self.step_view),
            name="articles_article_step",
        )
        return [step, *super().get_urls()]

    def step_view(self, request, object_id, name):
        """A status move from a form this person may only read (a writer withdrawing what they
        submitted): the move is checked as the list's actions check it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, object_id)
        if article is None or name not in TRANSITIONS_BY_NAME:
            raise Http404(_("There is no such article, or you may not see it."))
        queryset = self.get_queryset(request).filter(pk=article.pk)
        answer = self.apply_transition(request, queryset, TRANSITIONS_BY_NAME[name])
        return answer or HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )

    def view_on_site(self, obj):
        """Readers' page of a live article; for any other, the desk's preview of its latest
        revision (a draft's own address would only say "not found")."""
        if obj.is_published and not obj.is_scheduled:
            return obj.get_absolute_url()
        latest = obj.revisions.order_by("-number").first()
        if latest is None:
            return None
        language = (obj.languages or [settings.LANGUAGE_CODE])[0]
        return reverse(
            "admin:articles_article_preview",
            kwargs={"object_id": obj.pk, "number": latest.number, "language": language},
        )

    def confirm_unpublish(self, request, queryset):
        """The page that asks before articles are taken away from readers, as Django's own
        deletion does."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Unpublish these articles?"),
            "articles": queryset.select_related("section"),
            "action": request.POST.get("action"),
            # Every article chosen, "all N" across the list's pages included.
            "selected": list(queryset.values_list("pk", flat=True)),
        }
        return TemplateResponse(request, "admin/articles/article/confirm_unpublish.html", context)

    def log_transition(self, request, article, old_status):
        labels = dict(Article.Status.choices)
        message = f"Status: {labels[old_status]} → {labels[article.status]}"
        self.log_change(request, article, message)

    def apply_transition(self, request, queryset, transition: Transition):
        if transition.name == "unpublish" and request.POST.get("confirmed") != "yes":
            return self.confirm_unpublish(request, queryset)
        desk = desk_for(request.user)
        done, refused, conflicts = 0, 0, 0
        # The list's rows lack the derived columns (ArticleChangeList): a save derives and
        # assigns every one of them (Article.derive), so each is written all the same.
        for article in queryset.select_related("section"):
            if transition not in desk.transitions(article):
                refused += 1
                continue
            old_status = article.status
            article.status = transition.target
            try:
                with transaction.atomic():
                    revisions.save_article(article, user=request.user)
            except EditConflict:
                conflicts += 1
                continue
            self.log_transition(request, article, old_status)
            done += 1
        if done:
            self.message_user(
                request,
                _("%(step)s: %(count)d articles.") % {"step": transition.label, "count": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _(
                    "%(count)d articles were left as they were: you may not take this step "
                    "with them now (%(step)s)."
                )
                % {"count": refused, "step": transition.label},
                messages.WARNING,
            )
        if conflicts:
            self.message_user(
                request,
                _("%(count)d articles changed while you worked; open them and try again.")
                % {"count": conflicts},
                messages.WARNING,
            )

    # List columns.

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return _("Scheduled for %(time)s") % {"time": zoned(local_time(article.published_at))}
        return article.get_status_display()

    @admin.display(description=zoned(_("publication time")), ordering="published_at")
    def publication_time(self, article):
        return local_time(article.published_at)

    @admin.display(description=zoned(_("created")))
    def created_time(self, article):
        return local_time(article.created_at)

    @admin.display(description=zoned(_("last changed")))
    def changed_time(self, article):
        return local_time(article.updated_at)

    @admin.display(description=_("languages"))
    def language_status(self, article):
        complete = set(article.languages)
        stale = {text.language for text in translations.stale_texts(article)}
        parts = []
        for code, _name in settings.LANGUAGES:
            mark = "⚠" if code in stale else ("✓" if code in complete else "—")
            parts.append(f"{LANGUAGE_LABELS.get(code, code)} {mark}")
        text = " · ".join(parts)
        if stale:
            return format_html('<span title="{}">{}</span>', _("possibly out of date"), text)
        return text


def _text_shown(name: str, code: str):
    """A language's ``name`` text for a form that is only read, labelled by the field's name
    alone: its column names the language."""

    @admin.display(description=capfirst(Article._meta.get_field(name).verbose_name))
    def text(modeladmin, article):
        return getattr(article, f"{name}_{field_suffix(code)}") or ""

    return text


for _code in language_codes():
    for _name in (*TEXTS, *documents.IMAGE_TEXT_KEYS):
        setattr(
            ArticleAdmin, f"{_name}_{field_suffix(_code)}{READ_ONLY}", _text_shown(_name, _code)
        )
