"""The desk's lists of people and topics: each in a column per language, found by name in
either language or by slug, which is fixed once saved (article documents name it)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from newsroom import changes

from .admin import LanguageColumns


class NamedForm(forms.ModelForm):
    """Refuses a save over someone else's, made since the form was opened; the person's text
    stays in the form, and saving again replaces the other version knowingly."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.errors:
            return cleaned
        current = type(self.instance)._base_manager.select_for_update().get(pk=self.instance.pk)
        if cleaned.get("base_version") != current.version:
            self.data = self.data.copy()
            self.data[self.add_prefix("base_version")] = current.version
            raise forms.ValidationError(
                _(
                    "Someone saved this while you were editing it. Your text is still in the "
                    "form: save again to replace their version with yours."
                ),
                code="conflict",
            )
        return cleaned


class NamedAdmin(changes.RecordedOnce, LanguageColumns, TranslationAdmin):
    form = NamedForm
    translated = ("name", "description")
    list_display = ("__str__", "slug")
    search_fields = ("name_zh_hans", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    extra_fields: tuple[str, ...] = ()  # the model's own, after the slug

    def get_fieldsets(self, request, obj=None):
        fields = ["slug", *self.extra_fields, "base_version"]
        return [*self.language_fieldsets(), (self.model._meta.verbose_name, {"fields": fields})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else [*readonly, "slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def save_model(self, request, obj, form, change):
        if change and form.cleaned_data.get("base_version") is not None:
            obj.version = form.cleaned_data["base_version"]
        super().save_model(request, obj, form, change)
        if change:  # the pages that show its name: its own, its articles', lists with them
            changes.changed(obj.page_key)

    def delete_model(self, request, obj):
        keys = [obj.page_key, obj.list_key]
        super().delete_model(request, obj)
        changes.changed(*keys)

    def delete_queryset(self, request, queryset):
        keys = [key for row in queryset for key in (row.page_key, row.list_key)]
        super().delete_queryset(request, queryset)
        changes.changed(*keys)
