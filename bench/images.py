"""A 6000 × 4000 JPEG through the media library: how long the desk's upload request takes (the
form, checks, metadata removal, hashing, storing; in process, without the network) and how long
the task worker then takes to make every rendition.

    DATABASE_URL=sqlite:////tmp/images.sqlite3 MEDIA_ROOT=/tmp/images python bench/images.py

Run it against a migrated database. Prints one JSON line (seconds, megabytes, counts).
"""

import io
import json
import os
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter


def photograph(width: int = 6000, height: int = 4000) -> bytes:
    """A camera-sized JPEG with detail everywhere (so it compresses like a photograph)."""
    picture = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(picture)
    for x in range(0, width, 40):
        draw.line((x, 0, width - x, height), fill=(x % 255, 120, 200), width=9)
    picture = picture.filter(ImageFilter.GaussianBlur(1.5))
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=92)
    return output.getvalue()


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from media import renditions
    from media.models import Image

    data = photograph()
    editor, _created = User.objects.get_or_create(
        username="bench-images", defaults={"is_staff": True, "is_superuser": True}
    )
    desk = Client(HTTP_HOST="127.0.0.1")
    desk.force_login(editor)
    started = time.perf_counter()
    answer = desk.post(
        "/admin/media/image/add/", {"files": SimpleUploadedFile("photograph.jpg", data)}
    )
    upload_seconds = time.perf_counter() - started
    if answer.status_code != 302:
        raise SystemExit(f"The upload was answered {answer.status_code}.")
    image = Image.objects.get(pk=answer["Location"].rstrip("/").split("/")[-2])
    started = time.perf_counter()
    made = renditions.make(image)
    rendition_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "upload_megabytes": round(len(data) / 2**20, 1),
                "upload_seconds": round(upload_seconds, 2),
                "renditions": made,
                "renditions_seconds": round(rendition_seconds, 2),
                "ready_seconds": round(upload_seconds + rendition_seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
