"""``/media/<id>.<ext>`` (an original, the bytes its id hashes) and ``/media/renditions/…``,
read from the media storage (local files or object storage), to be kept by browsers and CDNs
for a year: an address never changes what it holds. A rendition not made yet redirects to the
original for the time being, and that answer is not kept. A rendition stays at its address
for good, even once the focal point has moved on."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from . import renditions
from .models import CONTENT_TYPES, Image

YEAR = 365 * 24 * 3600


@require_safe
def original(request, image_id: str, extension: str):
    image = Image.objects.filter(pk=image_id, format=extension).first()
    if image is None:
        raise Http404("No such picture.")
    return stored_file(image.name, image.content_type, etag=image.id)


@require_safe
def rendition(request, image_id: str, label: str, width: int, extension: str):
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        raise Http404("No such picture.")
    path = f"renditions/{image_id}/{label}-{width}.{extension}"
    is_planned = path in {r.path for r in renditions.every_rendition(image)}
    # Made once, kept for good: a crop around an earlier focal point stays at its address for
    # the pages and social cards that were given it.
    if (is_planned or label != renditions.FULL) and default_storage.exists(path):
        etag = f"{image_id}-{label}-{width}-{extension}"
        return stored_file(path, CONTENT_TYPES[extension], etag=etag)
    if not is_planned:
        raise Http404("No such rendition.")
    response = HttpResponseRedirect(image.url)
    patch_cache_control(response, no_store=True)
    return response


def stored_file(path: str, content_type: str, *, etag: str):
    try:
        stored = default_storage.open(path, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing from the media storage.") from None
    response = FileResponse(stored, content_type=content_type)
    response["ETag"] = f'"{etag}"'
    patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response
