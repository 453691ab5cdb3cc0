from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from articles.byline_fields import CheckedAutocomplete
from articles.named_admin import NamedAdmin, NamedForm

from . import merging
from .models import Topic, TopicAlias


class TopicForm(NamedForm):
    merge_into = forms.ModelChoiceField(
        Topic.objects.all(),
        required=False,
        label=_("Merge into"),
        help_text=_(
            "Move this topic's articles to the topic chosen here and delete this one; its "
            "address redirects there. Their documents name topics, so published articles get "
            "new fingerprints."
        ),
        widget=CheckedAutocomplete(TopicAlias._meta.get_field("topic"), admin.site),
    )

    class Meta:
        model = Topic
        fields = ["slug", "name", "description"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        alias = TopicAlias.objects.filter(slug=slug).select_related("topic").first()
        if alias is not None and self.instance.pk is None:
            raise forms.ValidationError(
                _("“%(slug)s” was merged into “%(topic)s” and its address leads there.")
                % {"slug": slug, "topic": alias.topic}
            )
        return slug

    def clean_merge_into(self):
        into = self.cleaned_data.get("merge_into")
        if into is not None and into.pk == self.instance.pk:
            raise forms.ValidationError(_("A topic cannot be merged into itself."))
        return into


@admin.register(Topic)
class TopicAdmin(NamedAdmin):
    form = TopicForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Merge"), {"fields": ["merge_into"]})]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        into = form.cleaned_data.get("merge_into")
        if into is not None:
            count = merging.merge(obj, into, user=request.user)
            request.merged_into = into
            self.message_user(
                request,
                _("Merged into “%(topic)s”: %(count)d published articles have new fingerprints.")
                % {"topic": into, "count": count},
                messages.SUCCESS,
            )

    def response_change(self, request, obj):
        into = getattr(request, "merged_into", None)
        if into is not None:
            return self.response_post_save_change(request, into)
        return super().response_change(request, obj)
