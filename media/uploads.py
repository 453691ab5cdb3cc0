"""Taking a picture into the library: check it, remove where and with what it was taken, name it
by its bytes, store it once.

Location and device metadata (EXIF, XMP, IPTC, comments) are removed before anything is stored,
for the safety of sources. JPEG, PNG and WebP lose only those blocks, never a pixel: their
containers are rewritten without them (a JPEG keeps its orientation). A GIF or AVIF that carries
metadata is written again without it. The credit and caption the file carried are read first and
proposed to the editor.
"""

import contextlib
import hashlib
import io
import struct
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import ExifTags, IptcImagePlugin, UnidentifiedImageError
from PIL import Image as Picture

from .models import EXTENSIONS, Image
from .tasks import request_renditions

# What Pillow calls each format, and the extension Newsroom stores it with. A camera's
# multi-picture JPEG (MPO) is a JPEG.
_EXTENSION_OF_FORMAT = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif",
                        "AVIF": "avif"}  # fmt: skip
# Names a file may have for each format.
_NAMES_OF = {"jpg": {"jpg", "jpeg", "jpe"}, "png": {"png"}, "webp": {"webp"}, "gif": {"gif"},
             "avif": {"avif"}}  # fmt: skip


@dataclass
class Received:
    """A picture taken into the library, and what its file proposed for its texts."""

    image: Image
    is_new: bool
    proposed: dict[str, str] = field(default_factory=dict)  # credit, caption


def blob_id(data: bytes) -> str:
    """The Git blob id of ``data``: what ``git hash-object`` prints for a file of these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def receive(upload, *, user=None) -> Received:
    """Check ``upload`` (a file with a ``name``), strip its metadata and store it, or return the
    picture the library already has with the same bytes. Raises ValidationError with a message
    for the editor."""
    name = getattr(upload, "name", "") or ""
    if upload.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s MB; a picture may be at most %(limit)s MB.")
            % {
                "name": name,
                "size": f"{upload.size / 2**20:.1f}",
                "limit": f"{settings.IMAGE_MAX_BYTES / 2**20:.0f}",
            },
            code="too_large",
        )
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    picture, extension = inspect(data, name)
    proposed = proposals(picture)
    stored = without_metadata(data, picture, extension)
    return store(stored, extension, user=user, proposed=proposed)


def inspect(data: bytes, name: str) -> tuple[Picture.Image, str]:
    """The decoded picture and its extension, after every check an upload must pass."""
    named = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    accepted = ", ".join(extension.upper() for extension in EXTENSIONS)
    with warnings.catch_warnings():
        # Above MAX_IMAGE_PIXELS Pillow only warns; a picture that large is refused here.
        warnings.simplefilter("error", Picture.DecompressionBombWarning)
        try:
            picture = Picture.open(io.BytesIO(data))
            extension = _EXTENSION_OF_FORMAT.get(picture.format)
            if extension is None:
                raise UnidentifiedImageError
            if named and named not in _NAMES_OF[extension]:
                raise ValidationError(
                    _(
                        "%(name)s is named as %(named)s but holds a %(format)s picture. Rename "
                        "it to .%(extension)s, or upload the file you meant."
                    )
                    % {
                        "name": name,
                        "named": named.upper(),
                        "format": extension.upper(),
                        "extension": extension,
                    },
                    code="wrong_name",
                )
            _check_size(name, picture.width, picture.height)
            picture.load()
        except (Picture.DecompressionBombWarning, Picture.DecompressionBombError):
            raise ValidationError(
                _(
                    "%(name)s decodes to more pixels than a picture may have (at most "
                    "%(limit).0f megapixels). Make it smaller first."
                )
                % {"name": name or _("The file"), "limit": settings.IMAGE_MAX_PIXELS / 1e6},
                code="too_many_pixels",
            ) from None
        except UnidentifiedImageError:
            raise ValidationError(
                _("%(name)s is not a picture Newsroom can read. Upload %(formats)s.")
                % {"name": name or _("The file"), "formats": accepted},
                code="not_an_image",
            ) from None
        except (OSError, SyntaxError, ValueError, struct.error):
            raise ValidationError(
                _("%(name)s could not be read to the end: it may be damaged or cut short.")
                % {"name": name or _("The file")},
                code="damaged",
            ) from None
    return picture, extension


def _check_size(name: str, width: int, height: int) -> None:
    pixels = width * height
    if pixels > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            _(
                "%(name)s is %(width)d × %(height)d pixels (%(megapixels).0f megapixels); a "
                "picture may have at most %(limit).0f megapixels. Make it smaller first."
            )
            % {
                "name": name,
                "width": width,
                "height": height,
                "megapixels": pixels / 1e6,
                "limit": settings.IMAGE_MAX_PIXELS / 1e6,
            },
            code="too_many_pixels",
        )


# EXIF fields that name who made the picture and what it shows.
_EXIF_CREDIT = (ExifTags.Base.Artist, ExifTags.Base.Copyright)
_EXIF_CAPTION = (ExifTags.Base.ImageDescription,)
# IPTC datasets (record 2): by-line, credit, copyright notice; caption/abstract.
_IPTC_CREDIT = ((2, 110), (2, 80), (2, 116))
_IPTC_CAPTION = ((2, 120),)


def proposals(picture: Picture.Image) -> dict[str, str]:
    """The credit and caption the file carries in its IPTC or EXIF fields, if any."""
    found = {}
    iptc, exif = {}, {}
    with contextlib.suppress(OSError, SyntaxError, ValueError, IndexError, struct.error):
        iptc = IptcImagePlugin.getiptcinfo(picture) or {}
    with contextlib.suppress(OSError, SyntaxError, ValueError, IndexError, struct.error):
        exif = picture.getexif()
    for key, iptc_sets, exif_tags in (
        ("credit", _IPTC_CREDIT, _EXIF_CREDIT),
        ("caption", _IPTC_CAPTION, _EXIF_CAPTION),
    ):
        values = [iptc.get(dataset) for dataset in iptc_sets] + [exif.get(t) for t in exif_tags]
        for value in values:
            text = _as_text(value[0] if isinstance(value, list) and value else value)
            if text:
                found[key] = text
                break
    return found


def _as_text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\x00", " ").split())[:200]


def orientation_of(picture: Picture.Image) -> int:
    """The EXIF orientation (1: as stored); 1 when the EXIF cannot be read."""
    with contextlib.suppress(OSError, SyntaxError, ValueError, IndexError, struct.error):
        return picture.getexif().get(ExifTags.Base.Orientation, 1)
    return 1


def has_transparency(picture: Picture.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info


def without_metadata(data: bytes, picture: Picture.Image, extension: str) -> bytes:
    """``data`` without location, device and other metadata (see the module's docstring)."""
    if extension == "jpg":
        return _jpeg_without_metadata(data, orientation_of(picture))
    if extension == "png":
        return _png_without_metadata(data)
    if extension == "webp":
        return _webp_without_metadata(data)
    if not any(key in picture.info for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment")):
        return data
    output = io.BytesIO()
    picture.info.pop("comment", None)  # Pillow would write it back
    if extension == "gif":
        picture.save(output, "GIF", save_all=True)
    else:
        picture.save(output, "AVIF", quality=90)
    return output.getvalue()


# JPEG segments kept: the JFIF header (APP0), colour profiles (APP2) and Adobe's colour
# transform (APP14). Everything else before the scan (EXIF, XMP, IPTC, comments, makers'
# notes) goes; the compressed picture itself is copied as it is.
_KEPT_JPEG_APPS = {0xE0, 0xE2, 0xEE}


def _jpeg_without_metadata(data: bytes, orientation) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValidationError(_("The JPEG file does not start as a JPEG does."), code="damaged")
    parts, position = [b"\xff\xd8"], 2
    if orientation and orientation != 1:
        exif = Picture.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        payload = b"Exif\x00\x00" + exif.tobytes()
        parts.append(b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload)
    while position < len(data):
        if data[position] != 0xFF:
            raise ValidationError(_("The JPEG file is damaged."), code="damaged")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the picture, up to its end (not what follows it,
            # such as a camera's second picture with metadata of its own)
            end = data.find(b"\xff\xd9", position)
            parts.append(data[position : end + 2] if end != -1 else data[position:])
            break
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        segment = data[position : position + 2 + length]
        is_app = 0xE0 <= marker <= 0xEF or marker == 0xFE
        is_index_of_pictures = marker == 0xE2 and segment[4:8] == b"MPF\x00"
        if not is_app or (marker in _KEPT_JPEG_APPS and not is_index_of_pictures):
            parts.append(segment)
        position += 2 + length
    return b"".join(parts)


_DROPPED_PNG_CHUNKS = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def _png_without_metadata(data: bytes) -> bytes:
    parts, position = [data[:8]], 8
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        kind = data[position + 4 : position + 8]
        chunk = data[position : position + 12 + length]
        if kind not in _DROPPED_PNG_CHUNKS:
            parts.append(chunk)
        position += 12 + length
        if kind == b"IEND":
            break
    return b"".join(parts)


def _webp_without_metadata(data: bytes) -> bytes:
    parts, position = [], 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        length = struct.unpack("<I", data[position + 4 : position + 8])[0]
        chunk = data[position : position + 8 + length + (length & 1)]
        if kind == b"VP8X":  # the extended header's flags: no EXIF (0x08), no XMP (0x04)
            chunk = chunk[:8] + bytes([chunk[8] & ~0x0C & 0xFF]) + chunk[9:]
        if kind not in (b"EXIF", b"XMP "):
            parts.append(chunk)
        position += 8 + length + (length & 1)
    body = b"WEBP" + b"".join(parts)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# EXIF orientations that turn the picture a quarter: its width is its stored height.
_TURNED = {5, 6, 7, 8}


def store(data: bytes, extension: str, *, user=None, proposed=None) -> Received:
    """Keep ``data`` (already stripped) as the picture its bytes name, once."""
    image_id = blob_id(data)
    existing = Image.objects.filter(pk=image_id).first()
    if existing is not None:
        return Received(existing, False, proposed or {})
    picture = Picture.open(io.BytesIO(data))
    width, height = picture.size
    if orientation_of(picture) in _TURNED:
        width, height = height, width
    image = Image(
        id=image_id,
        format=extension,
        width=width,
        height=height,
        size=len(data),
        has_alpha=has_transparency(picture),
        uploaded_by=user,
    )
    for key, value in (proposed or {}).items():
        setattr(image, f"{key}_{_language_of(value)}", value)
    name = image.name
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    try:
        with transaction.atomic():
            image.save(force_insert=True)
    except IntegrityError:  # the same bytes, uploaded at the same moment by someone else
        return Received(Image.objects.get(pk=image_id), False, proposed or {})
    request_renditions(image)
    return Received(image, True, proposed or {})


def _language_of(text: str) -> str:
    """Which language's field a proposed text goes to: Chinese if it has Han characters."""
    has_han = any("\u4e00" <= character <= "\u9fff" for character in text)
    return "zh_hans" if has_han else "en"
