"""The record of what changed, kept in the database beside the content (see newsroom/changes.py)."""

from django.db import models


class ChangeCounter(models.Model):
    """The number of the latest change readers could see. There is one row; every change takes
    the next number inside its own transaction, and the row's lock puts concurrent changes in
    order, so a number read by anyone means every change up to it has committed."""

    number = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_change_counter")]

    def __str__(self) -> str:
        return str(self.number)


class PageKey(models.Model):
    """Something pages show, by the key they carry for it (``site``, ``article-12``,
    ``section-3``), and the number of the last change to it."""

    name = models.CharField(max_length=100, unique=True)
    changed = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.changed}"
