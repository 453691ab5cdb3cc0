"""Make every rendition the library's pictures lack: after restoring the originals from a backup,
after moving to another store, or to make them here rather than on the task worker."""

from django.core.management.base import BaseCommand

from media.models import Image
from media.tasks import make_and_record


class Command(BaseCommand):
    help = "Make the renditions that pictures in the media library do not have yet."

    def handle(self, *args, **options):
        made = pictures = 0
        for image in Image.objects.order_by("uploaded_at").iterator(chunk_size=200):
            count = make_and_record(image)
            made += count
            pictures += bool(count)
        self.stdout.write(self.style.SUCCESS(f"Made {made} rendition(s) of {pictures} picture(s)."))
