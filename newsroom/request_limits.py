"""Long request bodies only where they are wanted.

The desk accepts articles of a megabyte of text per language, so the request limit
(``DATA_UPLOAD_MAX_MEMORY_SIZE``) is 25 MB. Readers' pages take no forms worth that: a body over
Django's own default limit, sent anywhere but the desk, is refused before anything reads it.
"""

from django.http import HttpResponse
from django.urls import reverse

READER_BODY_LIMIT = 2_621_440  # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH") or ""
        if (
            length.isdigit()
            and int(length) > READER_BODY_LIMIT
            and not request.path.startswith(reverse("admin:index"))
        ):
            return HttpResponse(
                "This request is too large.\n", status=413, content_type="text/plain"
            )
        return self.get_response(request)
