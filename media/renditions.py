"""Renditions: each picture in the crops, widths and formats that pages ask for.

Which renditions a picture has is a pure function of the picture (its size, whether it has
transparency, its focal point), so a page can name them all before they exist. They are made
once, off the request path (media/tasks.py); until one is there, its address redirects to the
original (media/views.py), so a page never waits for or breaks on a missing one.
"""

import io
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as Picture
from PIL import ImageOps

from .models import CONTENT_TYPES, Image

# Widths of the uncropped picture (article pages): from a phone to a wide screen at 2x.
WIDTHS = (320, 480, 640, 800, 1024, 1280, 1600)
# Widths of the 16:9 crop (cards in lists, and the social card at 1200).
CARD_WIDTHS = (320, 480, 640, 960, 1200)
# Social cards and JSON-LD ask for pictures at least 1200 px wide in three shapes.
SHARE_WIDTH = 1200
CROPS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
FULL = "full"

# What each format is written with: fast enough for a 24-megapixel upload in seconds.
_ENCODERS = {
    "avif": ("AVIF", {"quality": 55, "speed": 6}),
    "webp": ("WEBP", {"quality": 78, "method": 4}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "png": ("PNG", {"compress_level": 6}),
}


@dataclass(frozen=True)
class Rendition:
    path: str  # in the media storage, and under MEDIA_URL
    width: int
    height: int
    format: str  # avif, webp, jpg or png

    @property
    def url(self) -> str:
        return f"{settings.MEDIA_URL}{self.path}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def fallback_format(image: Image) -> str:
    """What every browser shows: JPEG, or PNG where the picture has transparency."""
    return "png" if image.has_alpha else "jpg"


def formats(image: Image) -> list[str]:
    """Best first, as ``<source>`` elements list them."""
    return ["avif", "webp", fallback_format(image)]


def crop_box(image: Image, kind: str) -> tuple[int, int, int, int]:
    """The part of the picture a crop shows (left, top, right, bottom), as large as the shape
    allows, centred on the focal point as far as the edges let it."""
    if kind == FULL:
        return (0, 0, image.width, image.height)
    across, down = CROPS[kind]
    width = min(image.width, image.height * across // down)
    height = min(image.height, width * down // across)
    left = _clamp(round(image.focal_x * image.width - width / 2), 0, image.width - width)
    top = _clamp(round(image.focal_y * image.height - height / 2), 0, image.height - height)
    return (left, top, left + width, top + height)


def _clamp(value: int, lowest: int, highest: int) -> int:
    return max(lowest, min(value, highest))


def _widths(available: int, wanted: tuple[int, ...], largest: int) -> list[int]:
    """``wanted`` widths below ``available``, and the largest the picture allows: never
    wider than the picture (no upscaling)."""
    widths = [width for width in wanted if width < min(available, largest)]
    return sorted({*widths, min(available, largest)})


def planned(image: Image, kind: str = FULL, picture_formats=None) -> dict[str, list[Rendition]]:
    """The renditions of one crop, by format, narrowest first."""
    left, top, right, bottom = crop_box(image, kind)
    width, height = right - left, bottom - top
    if kind == FULL:
        widths, label = _widths(width, WIDTHS, WIDTHS[-1]), FULL
    else:
        widths = _widths(width, CARD_WIDTHS, SHARE_WIDTH)
        label = f"{kind}-{round(image.focal_x * 1000)}-{round(image.focal_y * 1000)}"
    found = {}
    for format_ in picture_formats or formats(image):
        found[format_] = [
            Rendition(
                path=f"renditions/{image.id}/{label}-{w}.{format_}",
                width=w,
                height=max(1, round(w * height / width)),
                format=format_,
            )
            for w in widths
        ]
    return found


def share_image(image: Image, kind: str = "16x9") -> Rendition:
    """The crop that social cards and search engines show: as close to 1200 px wide as the
    picture allows, as JPEG (or PNG), which every reader of OpenGraph takes."""
    return planned(image, kind, [fallback_format(image)])[fallback_format(image)][-1]


def every_rendition(image: Image) -> list[Rendition]:
    """All a picture's renditions: the whole picture and the 16:9 crop in every format, and
    the other crops for sharing."""
    made = [r for renditions in planned(image).values() for r in renditions]
    made += [r for renditions in planned(image, "16x9").values() for r in renditions]
    made += [share_image(image, kind) for kind in CROPS if kind != "16x9"]
    return made


def open_original(image: Image, largest_needed: float = 1.0) -> Picture.Image:
    """The stored picture, turned as its orientation says, decoded at no more than about
    ``largest_needed`` of its size where the format can (JPEG decodes at 1/2, 1/4, 1/8)."""
    with default_storage.open(image.name, "rb") as stored:
        data = stored.read()
    picture = Picture.open(io.BytesIO(data))
    if largest_needed < 1 and picture.format in ("JPEG", "MPO"):
        size = (
            math.ceil(picture.width * largest_needed),
            math.ceil(picture.height * largest_needed),
        )
        picture.draft("RGB", size)
    picture.load()
    picture = ImageOps.exif_transpose(picture)
    mode = "RGBA" if image.has_alpha else "RGB"
    return picture if picture.mode == mode else picture.convert(mode)


def make(image: Image) -> int:
    """Make the renditions of ``image`` that are not stored yet; returns how many were made."""
    missing = [r for r in every_rendition(image) if not default_storage.exists(r.path)]
    if not missing:
        return 0
    largest = max(_scale_needed(image, rendition) for rendition in missing)
    picture = open_original(image, largest)
    scale = picture.width / image.width
    for rendition in missing:
        kind = _kind_of(rendition)
        box = tuple(edge * scale for edge in crop_box(image, kind))
        resized = picture.resize(
            (rendition.width, rendition.height),
            Picture.Resampling.LANCZOS,
            box=box,
            reducing_gap=3.0,
        )
        encoder, options = _ENCODERS[rendition.format]
        output = io.BytesIO()
        resized.save(output, encoder, **options)
        default_storage.save(rendition.path, ContentFile(output.getvalue()))
    return len(missing)


def _kind_of(rendition: Rendition) -> str:
    label = rendition.path.rsplit("/", 1)[1].split("-", 1)[0]
    return label if label in CROPS else FULL


def _scale_needed(image: Image, rendition: Rendition) -> float:
    left, _top, right, _bottom = crop_box(image, _kind_of(rendition))
    return min(1.0, rendition.width / (right - left))
