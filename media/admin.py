"""The media library in the desk: upload (several files at once, dropped or picked), find by
caption, credit and alt text in either language, set the focal point by clicking the picture,
and see where each picture is used. A picture in use cannot be deleted."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from articles import documents
from articles.admin import LanguageColumns
from newsroom import changes

from . import renditions, uploads
from .models import Image
from .tasks import request_renditions


def figure_line(image: Image, code: str) -> str:
    """How a body in language ``code`` shows ``image``, with its alt text and caption."""
    return documents.figure_line(
        image.name, image.text_in("alt", code), image.text_in("caption", code)
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input, as Django's documentation shows for uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(file, initial) for file in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Pictures"),
        help_text=_(
            "Drop pictures here or choose them: JPEG, PNG, WebP, GIF or AVIF. Where and with "
            "what a picture was taken is removed before it is stored."
        ),
    )


@admin.register(Image)
class ImageAdmin(LanguageColumns, TranslationAdmin):
    # The picture's name heads its row (a link); the thumbnail beside it is a look, not a link.
    list_display = ("__str__", "thumbnail", "credit", "dimensions", "use_count", "uploaded_at")
    search_fields = (
        "alt_zh_hans", "alt_en", "caption_zh_hans", "caption_en", "credit_zh_hans", "credit_en",
        "=id",
    )  # fmt: skip
    translated = ("alt", "caption", "credit")
    readonly_fields = ("preview", "original", "dimensions", "renditions_state", "used_in")
    add_form_template = "admin/media/image/upload.html"

    class Media:
        js = ("js/media_library.js",)

    def get_fieldsets(self, request, obj=None):
        return (
            (None, {"fields": ("preview", "focal_x", "focal_y")}),
            *self.language_fieldsets(),
            (_("File"), {"fields": ("original", "dimensions", "renditions_state", "used_in")}),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in ("focal_x", "focal_y"):
            if name in form.base_fields:
                form.base_fields[name].widget = forms.HiddenInput()
        return form

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("uses")

    @admin.display(description=_("preview"))
    def thumbnail(self, image):
        small = self.smallest(image)
        return format_html(
            '<img class="library-thumbnail" src="{}" width="{}" height="{}" alt="">',
            small.url,
            min(small.width, 120),
            round(min(small.width, 120) * small.height / small.width),
        )

    @admin.display(description=_("size"))
    def dimensions(self, image):
        return f"{image.width} × {image.height} · {image.size / 2**20:.1f} MB"

    @admin.display(description=_("used in"))
    def use_count(self, image):
        return len(image.uses.all())

    @admin.display(description=_("picture"))
    def preview(self, image):
        shown = renditions.planned(image, renditions.FULL)[renditions.fallback_format(image)][-1]
        return format_html(
            '<div class="focal-picker">'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-picker__mark" aria-hidden="true"></span></div>'
            '<p class="help">{}</p>',
            shown.url,
            shown.width,
            shown.height,
            image.alt,
            _(
                "Click the picture where its subject is: crops for cards and social cards keep "
                "that point in view."
            ),
        )

    @admin.display(description=_("original"))
    def original(self, image):
        figure = documents.figure_line(image.name, image.alt, image.caption)  # this language
        return format_html(
            '<a href="{}">{}</a><br><span class="help">{}</span>'
            '<p>{}</p><code class="figure-markdown">{}</code>',
            image.url,
            image.name,
            _("git hash-object on this file prints its id."),
            _("To show it in a body, copy this line into it (the alt text and caption in the "
              "body's language):"),
            figure,
        )  # fmt: skip

    @admin.display(description=_("renditions"))
    def renditions_state(self, image):
        if image.has_renditions:
            return _("All %(count)d made.") % {"count": len(renditions.every_rendition(image))}
        return _("Being made; pages show the original until they are ready.")

    @admin.display(description=_("used in"))
    def used_in(self, image):
        uses = image.uses.select_related("article")
        if not uses:
            return _("No article uses this picture.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:articles_article_change", args=[use.article_id]), use.article)
                    for use in uses
                ),
            ),
        )

    def get_urls(self):
        figures = self.admin_site.admin_view(self.figures_view)
        return [path("figures/", figures, name="media_image_figures"), *super().get_urls()]

    def figures_view(self, request):
        """Pictures matching ``?q=`` (as the library's search finds them), with what a figure
        in each language is written with: the article form's "Insert picture"."""
        if not self.has_view_permission(request):
            return JsonResponse({"error": _("You may not see the media library.")}, status=403)
        query = request.GET.get("q", "")[:200]
        found, _duplicates = self.get_search_results(request, self.get_queryset(request), query)
        return JsonResponse(
            {
                "pictures": [
                    {
                        "name": image.name,
                        "thumbnail": self.smallest(image).url,
                        "label": str(image),
                        # What a body in each language shows it with.
                        "figures": {
                            code: documents.figure_line(
                                image.name,
                                image.text_in("alt", code),
                                image.text_in("caption", code),
                            )
                            for code, _name in settings.LANGUAGES
                        },
                    }
                    for image in found[:12]
                ]
            }
        )

    @staticmethod
    def smallest(image):
        """The narrowest rendition, for thumbnails."""
        return renditions.planned(image, renditions.FULL)[renditions.fallback_format(image)][0]

    def add_view(self, request, form_url="", extra_context=None):
        """Upload: each file becomes a picture in the library (or finds the one it already is);
        one file opens its page to fill in its texts."""
        if not self.has_add_permission(request):
            return super().add_view(request, form_url, extra_context)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            received, refused = [], []
            for upload in form.cleaned_data["files"]:
                try:
                    with transaction.atomic():
                        received.append(uploads.receive(upload, user=request.user))
                except ValidationError as error:
                    refused.append(" ".join(error.messages))
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            if received:
                self.tell_received(request, received)
            if len(received) == 1 and not refused:
                return HttpResponseRedirect(
                    reverse("admin:media_image_change", args=[received[0].image.pk])
                )
            if received:
                return HttpResponseRedirect(reverse("admin:media_image_changelist"))
            form.add_error("files", refused[0] if refused else _("Choose a picture."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload pictures"),
            "form": form,
            "opts": self.model._meta,
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.add_form_template, context)

    def tell_received(self, request, received) -> None:
        new = [item for item in received if item.is_new]
        known = len(received) - len(new)
        said = []
        if new:
            said.append(
                ngettext(
                    "%(count)d picture added to the library.",
                    "%(count)d pictures added to the library.",
                    len(new),
                )
                % {"count": len(new)}
            )
        if known:
            said.append(
                ngettext(
                    "%(count)d was there already and is reused.",
                    "%(count)d were there already and are reused.",
                    known,
                )
                % {"count": known}
            )
        if any(item.proposed for item in received):
            said.append(str(_("Credit and caption were proposed from the file's own fields.")))
        self.message_user(request, " ".join(said), messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"focal_x", "focal_y"} & set(form.changed_data):
            # Crops follow the focal point: new ones are made, and pages showing it change.
            request_renditions(obj)
            changes.changed(obj.page_key)
