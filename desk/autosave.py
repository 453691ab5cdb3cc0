"""Autosave and presence for the article form.

While the form is open, the browser (static/js/desk.js) reports every ``HEARTBEAT_SECONDS``:
the form's fields when they changed since its last report, kept as the person's
:class:`~desk.models.UnsavedText`, and that the person is there (:class:`~desk.models.Presence`).
The answer names who else has the article open. Reopening the form offers the kept text back;
saving the article forgets it. The version check of ``articles.forms`` stays the final word:
restored text carries the version it started from, so it merges with saves made since.
"""

import json
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import translations
from articles.documents import UNWRITABLE
from articles.forms import text_of_field, translated_fields

from .models import Presence, UnsavedText

HEARTBEAT_SECONDS = 5
# Someone is there while their form reported this recently (two missed reports and a margin).
PRESENCE_SECONDS = 3 * HEARTBEAT_SECONDS
FORM_KEY = re.compile(r"[A-Za-z0-9-]{8,40}")


class AutosaveViews:
    """Mixed into ArticleAdmin: ``<id>/autosave/`` and ``autosave/new/`` (the add form)."""

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path("autosave/new/", view(self.autosave_view), name="articles_article_autosave_new"),
            path(
                "<path:object_id>/autosave/",
                view(self.autosave_view),
                name="articles_article_autosave",
            ),
        ]
        return urls + super().get_urls()

    def autosave_view(self, request, object_id=None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = None
        if object_id is not None:
            article = self.get_object(request, object_id)
            if article is None or not self.has_view_permission(request, article):
                raise Http404(_("There is no such article, or you may not see it."))
        may_write = (
            self.has_add_permission(request)
            if article is None
            else self.has_change_permission(request, article)
        )
        try:
            report = Report.read(request.body, is_new=article is None)
        except ValueError as error:
            return JsonResponse({"error": str(error)}, status=400)
        if report.fields is not None and not may_write:
            raise PermissionDenied
        kept = kept_texts(request.user, article, report.form_key)
        if report.discard:  # one's own kept text can always be let go
            kept.delete()
        elif report.fields is not None:
            keep(request.user, article, report.fields, report.base_version, report.form_key)
        others = []
        if article is not None and may_write:  # reading the archive is not editing
            if report.is_leaving:
                Presence.objects.filter(person=request.user, article=article).delete()
            else:
                Presence.objects.update_or_create(person=request.user, article=article)
            others = others_here(article, request.user)
        saved = kept.values_list("saved_at", flat=True).first()
        return JsonResponse({"kept_at": saved and local_time(saved), "others": others})


def kept_texts(person, article, form_key: str = ""):
    """What ``person`` kept of ``article`` (of the new article form ``form_key``)."""
    texts = UnsavedText.objects.filter(person=person, article=article)
    return texts.filter(form_key=form_key) if article is None else texts


def keep(person, article, fields: dict, base_version: int | None, form_key: str = "") -> None:
    UnsavedText.objects.update_or_create(
        person=person,
        article=article,
        form_key="" if article is not None else form_key,
        defaults={"fields": fields, "base_version": base_version},
    )


class Report:
    """What a form's browser sent: ``{"fields": {name: text}, "base_version": n}`` to keep its
    text, ``{"discard": true}`` to drop it, ``{"leaving": true}`` when the page closes, or
    ``{}`` only to say the person is still there. A new article's form adds its
    ``"form_key"``."""

    def __init__(self, fields, base_version, discard, is_leaving, form_key):
        self.fields, self.base_version = fields, base_version
        self.discard, self.is_leaving, self.form_key = discard, is_leaving, form_key

    @classmethod
    def read(cls, body: bytes, *, is_new: bool) -> "Report":
        try:
            data = json.loads(body or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(_("The report is not JSON.")) from error
        if not isinstance(data, dict):
            raise ValueError(_("The report must be a JSON object."))
        fields = data.get("fields")
        if fields is not None and not (
            isinstance(fields, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())
        ):
            raise ValueError(_("“fields” must map field names to texts."))
        if fields is not None:  # kept as they would be saved: no NUL, no lone surrogate
            fields = {name: UNWRITABLE.sub("", text) for name, text in fields.items()}
        base_version = data.get("base_version")
        if base_version is not None and not (
            isinstance(base_version, int) and not isinstance(base_version, bool)
            and 0 < base_version < 2**31
        ):  # fmt: skip
            raise ValueError(_("“base_version” must be a version number."))
        form_key = data.get("form_key", "")
        if is_new and not (isinstance(form_key, str) and FORM_KEY.fullmatch(form_key)):
            raise ValueError(_("A new article's report names its form (“form_key”)."))
        return cls(
            fields,
            base_version,
            data.get("discard") is True,
            data.get("leaving") is True,
            form_key if is_new else "",
        )


def others_here(article, person) -> list[str]:
    """The names of the other people with ``article``'s form open now."""
    recently = timezone.now() - timedelta(seconds=PRESENCE_SECONDS)
    here = (
        Presence.objects.filter(article=article, seen_at__gte=recently)
        .exclude(person=person)
        .select_related("person")
        .order_by("since")
    )
    return [presence.person.get_full_name() or presence.person.get_username() for presence in here]


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def form_context(request, article) -> dict:
    """What the article form shows and its script needs: where to report, the text this
    person left unsaved (when it differs from the article; offered when the form is opened,
    not over text just posted), and who else is here."""
    saved = article if article is not None and article.pk else None
    if saved is None:
        url = reverse("admin:articles_article_autosave_new")
    else:
        url = reverse("admin:articles_article_autosave", kwargs={"object_id": saved.pk})
    kept = None
    if request.method == "GET":
        kept = UnsavedText.objects.filter(person=request.user, article=saved)
        kept = kept.order_by("-saved_at").first()
    if kept is not None and not differs(kept.fields, saved):
        kept.delete()
        kept = None
    return {
        "url": url,
        "interval": HEARTBEAT_SECONDS,
        "unsaved": kept,
        "unsaved_time": kept and local_time(kept.saved_at),
        "unsaved_data": kept
        and {"fields": kept.fields, "base_version": kept.base_version, "form_key": kept.form_key},
        "unsaved_texts": kept and labelled(kept.fields),
        "request_limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "may_insert_pictures": request.user.has_perm("media.view_image"),
        "others": others_here(saved, request.user) if saved else [],
    }


def labelled(fields: dict) -> list[tuple[str, str]]:
    """The kept texts that have something in them, each with its language and field."""
    names = dict(settings.LANGUAGES)
    shown = []
    for name, value in fields.items():
        text = text_of_field(name) or (
            ("note", name.removeprefix("note_").replace("_", "-"))
            if name.startswith("note_")
            else None
        )
        if text and value.strip() and text[1] in names:
            field, code = text
            label = translations.FIELD_NAMES.get(field, _("correction note"))
            shown.append((f"{names[code]} · {label}", value))
    return shown


def differs(fields: dict, article) -> bool:
    """Whether kept ``fields`` hold any text that ``article`` (``None``: a new one) lacks."""
    for name, value in fields.items():
        text = text_of_field(name)
        if text is not None:
            saved = translations.text(article, *text) if article is not None else ""
            if not translations.same_text(text[0], value, saved):
                return True
        elif name.startswith("note_") and value.strip():
            return True
    return False


def keep_posted(request, article) -> None:
    """Keep the texts of a save that could not be made (the article moved on to a step this
    person may not edit in): they are offered back, to copy, when the article is opened."""
    names = [*translated_fields(*translations.TEXT_FIELDS), *translated_fields("note"), "slug"]
    fields = {name: request.POST[name] for name in names if name in request.POST}
    version = request.POST.get("base_version", "")
    keep(request.user, article, fields, int(version) if version.isdigit() else None)


def forget(person, article, form_key: str = "") -> None:
    """The article was saved (``None`` and the form's key: a new article was added): what this
    person kept of it is in it now."""
    kept_texts(person, article, form_key).delete()
