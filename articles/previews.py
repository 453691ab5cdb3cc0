"""Previews: any revision, exactly as readers will see it, for editors and for signed links.

A preview link carries the revision's id signed with the site's ``SECRET_KEY`` and a timestamp;
it stops working after ``PREVIEW_LINK_MAX_AGE`` seconds. Without a valid link a draft stays 404.
"""

from django.conf import settings
from django.core import signing
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from .models import Revision

PREVIEW_SALT = "articles.preview"


def preview_url(revision: Revision, language: str) -> str:
    token = signing.dumps(revision.pk, salt=PREVIEW_SALT, compress=True)
    with translation.override(language):
        return reverse("articles:preview", kwargs={"token": token})


def revision_for_token(token: str) -> Revision | None:
    """The revision a preview link names, or None if the link is forged or has expired."""
    try:
        pk = signing.loads(token, salt=PREVIEW_SALT, max_age=settings.PREVIEW_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return Revision.objects.select_related("article__section").filter(pk=pk).first()


def render_revision(request, article, revision, language, *, language_urls=None):
    """The reader's article page for ``revision`` in ``language``, marked as a preview and
    never cached."""
    shown = revision.as_article(article)
    with translation.override(language):
        response = TemplateResponse(
            request,
            "articles/article.html",
            {
                "article": shown,
                "versions": shown.versions_for_reader(language),
                "document_url": None,
                "preview_of": revision,
                "language_urls": language_urls,
            },
        )
        response.render()
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Language"] = language
    return response
