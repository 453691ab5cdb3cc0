"""Write every published article's document to ``DIR/<section>/<slug>.md``, and every picture
they show to ``DIR/media/<id>.<ext>`` (the bytes its id hashes)."""

from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article


class Command(BaseCommand):
    help = (
        "Export every published article as DIR/<section>/<slug>.md (the article document) and "
        "the pictures they show as DIR/media/<id>.<ext>."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="where to write; created if missing")

    def handle(self, directory, **options):
        root = Path(directory)
        if root.exists() and not root.is_dir():
            raise CommandError(f"{root} exists and is not a folder.")
        articles = (
            Article.objects.filter(status=Article.Status.PUBLISHED)
            .select_related("section", "image")
            .with_bylines()
            .with_topics()
            .order_by("section__slug", "slug")
        )
        count, pictures = 0, set()
        try:
            for article in articles.iterator(chunk_size=500):
                path = root / article.section.slug / f"{article.slug}.md"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(article.document_bytes())
                count += 1
                for name in article.image_names() - pictures:
                    self.write_picture(root / "media", name)
                    pictures.add(name)
        except OSError as error:
            raise CommandError(f"Cannot write to {root}: {error.strerror}.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {count} article(s) and {len(pictures)} picture(s) to {root}."
            )
        )

    def write_picture(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with default_storage.open(name, "rb") as stored:
                (folder / name).write_bytes(stored.read())
        except FileNotFoundError:
            raise CommandError(f"{name} is missing from the media storage.") from None
