"""``manage.py backup PATH``: the whole database in one file (see newsroom/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom import backups


class Command(BaseCommand):
    help = (
        "Write a whole backup of the database (articles, drafts, revisions, sections, people, "
        "settings) to PATH: pg_dump's custom format on PostgreSQL, a copy on SQLite."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="PATH")

    def handle(self, *args, path: Path, **options):
        if path.exists():
            raise CommandError(f"{path} exists already; choose a new file for each backup.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such folder.")
        try:
            backups.back_up(path)
        except backups.BackupError as error:
            path.unlink(missing_ok=True)
            raise CommandError(f"No backup was made: {error}") from error
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({size:,} bytes)."))
