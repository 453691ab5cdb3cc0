"""Work done off the request path by the task worker (django-tasks; ``manage.py db_worker``)."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import renditions
from .models import Image


@task()
def make_renditions(image_id: str) -> int:
    """Make the renditions ``image_id`` does not have yet; returns how many were made."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:  # deleted meanwhile
        return 0
    return make_and_record(image)


def make_and_record(image: Image) -> int:
    """Make the renditions ``image`` lacks, and record that it has them all (for the focal
    point it had, unless that moved meanwhile); returns how many were made."""
    made = renditions.make(image)
    focal = [image.focal_x, image.focal_y]
    Image.objects.filter(pk=image.pk, focal_x=image.focal_x, focal_y=image.focal_y).update(
        renditions_made={"focal": focal, "at": timezone.now().isoformat()}
    )
    return made


def request_renditions(image: Image) -> None:
    """Ask the worker for the renditions of ``image`` once the current transaction commits."""
    transaction.on_commit(lambda: make_renditions.enqueue(image.id))
