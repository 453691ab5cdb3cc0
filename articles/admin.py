"""The desk: editors write articles with a tab per language; admins manage sections."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import Article, Section

# Short labels for the list's "languages" column: 中 ✓ · EN —
LANGUAGE_LABELS = {"zh-hans": "中", "en": "EN"}


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


@admin.register(Section)
class SectionAdmin(TabbedTranslationAdmin):
    list_display = ("__str__", "slug", "position", "is_visible")
    list_editable = ("position", "is_visible")
    list_display_links = ("__str__",)
    prepopulated_fields = {"slug": ("name_en",)}
    search_fields = ("name_zh_hans", "name_en", "slug")
    fields = ("name", "description", "slug", "position", "is_visible")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            # The section's slug is part of every one of its article documents.
            obj.articles.refresh_fingerprints()


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    list_display = ("__str__", "section", "status", "published_at", "language_status")
    list_filter = ("section", "status", MissingTranslationFilter)
    list_select_related = ("section",)
    search_fields = ("title_zh_hans", "title_en", "body_zh_hans", "body_en")
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "published_at"
    readonly_fields = ("fingerprint", "created_by", "created_at", "updated_by", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "summary", "body")}),
        (_("Publication"), {"fields": ("section", "slug", "status", "published_at")}),
        (
            _("Record"),
            {
                "fields": readonly_fields,
                "classes": ("collapse",),
            },
        ),
    )

    @admin.display(description=_("languages"))
    def language_status(self, article):
        complete = set(article.languages)
        return " · ".join(
            f"{LANGUAGE_LABELS.get(code, code)} {'✓' if code in complete else '—'}"
            for code, _name in settings.LANGUAGES
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
