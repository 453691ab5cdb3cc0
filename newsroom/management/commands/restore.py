"""``manage.py restore PATH``: a backup made by ``manage.py backup`` into an empty database
(PostgreSQL: one just created, without migrations; SQLite: a new file). Stored pages are then
made stale everywhere, as ``purge_pages`` does."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from newsroom import backups


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="PATH")

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if not backups.is_empty():
            raise CommandError(
                "The database is not empty: restore into a new one (PostgreSQL: createdb, "
                "without migrating; SQLite: a new file), then point DATABASE_URL at it."
            )
        try:
            backups.restore(path)
        except backups.BackupError as error:
            raise CommandError(f"The restore failed: {error}") from error
        call_command("purge_pages", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
