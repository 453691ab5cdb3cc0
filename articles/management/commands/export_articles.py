"""Write every published article's document to ``DIR/<section>/<slug>.md``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article


class Command(BaseCommand):
    help = "Export every published article as DIR/<section>/<slug>.md (the article document)."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="where to write; created if missing")

    def handle(self, directory, **options):
        root = Path(directory)
        if root.exists() and not root.is_dir():
            raise CommandError(f"{root} exists and is not a folder.")
        articles = (
            Article.objects.filter(status=Article.Status.PUBLISHED)
            .select_related("section")
            .order_by("section__slug", "slug")
        )
        count = 0
        try:
            for article in articles.iterator(chunk_size=500):
                path = root / article.section.slug / f"{article.slug}.md"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(article.document_bytes())
                count += 1
        except OSError as error:
            raise CommandError(f"Cannot write to {root}: {error.strerror}.") from error
        self.stdout.write(self.style.SUCCESS(f"Exported {count} article(s) to {root}."))
