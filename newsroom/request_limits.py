"""What a request may carry, checked before anything reads it.

No address or cookie holds a NUL character, which PostgreSQL cannot store or compare: one in the
path, the query or a cookie is a 400, not a database error (``AddressMiddleware``, before the
session is looked up).

The desk accepts articles of a megabyte of text per language, so the request limit
(``DATA_UPLOAD_MAX_MEMORY_SIZE``) is 25 MB. Nobody else sends forms worth that: a body over
Django's own default limit is refused (413) unless it comes from someone signed in to the desk
(``BodySizeMiddleware``, after the session and the user are known, before any view or the CSRF
check reads the body).
"""

from django.http import HttpResponse, HttpResponseBadRequest

READER_BODY_LIMIT = 2_621_440  # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


class AddressMiddleware:
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
        return self.get_response(request)


class BodySizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH") or ""
        if (
            length.isascii()
            and length.isdigit()
            and int(length) > READER_BODY_LIMIT
            and not request.user.is_staff
        ):
            return HttpResponse(
                "This request is too large.\n", status=413, content_type="text/plain"
            )
        return self.get_response(request)
