"""What a request may carry, checked before anything reads it.

The desk accepts articles of a megabyte of text per language, so the request limit
(``DATA_UPLOAD_MAX_MEMORY_SIZE``) is 25 MB. Readers' pages, and the desk's sign-in, take no forms
worth that: a body over Django's own default limit, sent anywhere but the signed-in desk, is
refused (413). No address or cookie
holds a NUL character, which PostgreSQL cannot store or compare: one in the path, the query or
a cookie is a 400, not a database error.
"""

from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse

READER_BODY_LIMIT = 2_621_440  # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for value in request.COOKIES.values())
        ):
            return HttpResponseBadRequest(
                "An address may not hold a NUL character (%00).\n", content_type="text/plain"
            )
        length = request.META.get("CONTENT_LENGTH") or ""
        if (
            length.isascii()
            and length.isdigit()
            and int(length) > READER_BODY_LIMIT
            and not takes_articles(request.path)
        ):
            return HttpResponse(
                "This request is too large.\n", status=413, content_type="text/plain"
            )
        return self.get_response(request)


def takes_articles(path: str) -> bool:
    """Whether ``path`` is the desk's, where articles are written, rather than its sign-in."""
    return path.startswith(reverse("admin:index")) and path != reverse("admin:login")
