"""The article form's live preview: each language's column shows its text as readers will
see it, rendered by the same Markdown renderer as the article page (articles.rendering)."""

import json

from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _

from articles.models import BODY_MAX_CHARACTERS, figures_in
from articles.rendering import render_markdown
from articles.slugs import proposed_slug


class LivePreviewViews:
    """Mixed into ArticleAdmin: ``preview/``, answering a language's texts with their HTML."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.live_preview_view)
        return [path("preview/", view, name="articles_article_live_preview"), *super().get_urls()]

    def live_preview_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            return JsonResponse({"error": _("You may not write articles.")}, status=403)
        try:
            texts = json.loads(request.body or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            texts = None
        language = texts.get("language") if isinstance(texts, dict) else None
        if language not in dict(settings.LANGUAGES):
            return JsonResponse({"error": _("Send a language and its texts as JSON.")}, status=400)
        title, summary, body = (texts.get(name) for name in ("title", "summary", "body"))
        if not all(isinstance(text, str | None) for text in (title, summary, body)):
            return JsonResponse({"error": _("Texts must be strings.")}, status=400)
        if body and len(body) > BODY_MAX_CHARACTERS:
            return JsonResponse({"error": _("This body is too long to preview.")}, status=400)
        html = render_to_string(
            "admin/articles/article/live_preview.html",
            {
                "title": title,
                "summary": summary,
                "body": render_markdown(body or "", figures_in(body)),
            },
            request=request,
        )
        answer = {"html": html}
        if language != "en":  # an address for an article that has no English title (yet)
            answer["slug"] = proposed_slug("", title)
        return JsonResponse(answer)
