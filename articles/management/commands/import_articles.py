"""Create or update articles from article documents (files, or folders of ``.md`` files).

Every file is read and checked before anything is written; one bad file changes nothing, and its
message names the file, the line and the problem.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import documents, revisions
from articles.models import Article, Section, field_suffix, language_codes
from newsroom import changes


class ImportProblem(Exception):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")


class Command(BaseCommand):
    help = (
        "Import article documents (DESIGN.md format) as published articles, creating or updating "
        "them by section and slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a .md file or a folder")
        parser.add_argument(
            "--draft", action="store_true", help="import as drafts instead of publishing"
        )

    def handle(self, *args, paths, draft=False, **options):
        files = self.collect_files([Path(p) for p in paths])
        problems, parsed = [], []
        for path in files:
            try:
                parsed.append((path, self.read(path)))
            except ImportProblem as problem:
                problems.append(str(problem))
        if not problems:
            problems = self.check_against_database(parsed, draft=draft)
        if problems:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {problem}" for problem in problems)
            )
        with changes.batch():  # one transaction, recorded as one change
            created, updated = self.write(parsed, draft=draft)
        state = "drafts" if draft else "published"
        summary = f"{created} created, {updated} updated"
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(parsed)} article(s) as {state}: {summary}.")
        )

    def collect_files(self, paths: list[Path]) -> list[Path]:
        files = []
        for path in paths:
            if path.is_dir():
                found = sorted(path.rglob("*.md"))
                if not found:
                    raise CommandError(f"{path}: the folder holds no .md files.")
                files.extend(found)
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder.")
        return files

    def read(self, path: Path) -> documents.ArticleDocument:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ImportProblem(path, 1, f"cannot be read ({error.strerror})") from error
        try:
            return documents.parse(data, languages=language_codes())
        except documents.DocumentError as error:
            raise ImportProblem(path, error.line, error.message) from error

    def check_against_database(self, parsed, *, draft: bool) -> list[str]:
        """Run the model's own validation on every article before any is saved."""
        problems = []
        seen: dict[tuple[str, str], Path] = {}
        for path, document in parsed:
            key = (document.section, document.slug)
            if key in seen:
                problems.append(f"{path}:1: the same article as {seen[key]} ({'/'.join(key)})")
                continue
            seen[key] = path
            section = Section.objects.filter(slug=document.section).first()
            if section is None:
                section = self.new_section(document.section)
                try:
                    section.full_clean()
                except ValidationError as error:
                    problems.append(f"{path}:2: section {document.section!r}: {_join(error)}")
                    continue
            article = self.article_for(section, document, draft=draft)
            is_new_section = section.pk is None
            try:
                article.full_clean(
                    exclude=["section"] if is_new_section else None,
                    validate_unique=not is_new_section,
                    validate_constraints=not is_new_section,
                )
            except ValidationError as error:
                problems.append(f"{path}:1: {_join(error)}")
        return problems

    def write(self, parsed, *, draft: bool) -> tuple[int, int]:
        created = updated = 0
        for path, document in parsed:
            section = Section.objects.filter(slug=document.section).first()
            if section is None:
                section = self.new_section(document.section)
                section.save()
                changes.changed(changes.SITE)  # the navigation shows it
                self.stdout.write(f"Created section {section.slug!r} named {section.name_en!r}.")
            article = self.article_for(section, document, draft=draft)
            is_new = article.pk is None
            revisions.save_article(article, note=f"Imported from {path.name}")
            created += is_new
            updated += not is_new
        return created, updated

    @staticmethod
    def new_section(slug: str) -> Section:
        return Section(slug=slug, name_en=slug.replace("-", " ").title())

    @staticmethod
    def article_for(section: Section, document: documents.ArticleDocument, *, draft: bool):
        article = None
        if section.pk is not None:
            article = Article.objects.filter(section=section, slug=document.slug).first()
        article = article or Article(section=section, slug=document.slug)
        # The document is all of the article: a language it leaves out is emptied.
        for code in language_codes():
            version = document.versions.get(code, documents.LanguageVersion("", "", ""))
            suffix = field_suffix(code)
            setattr(article, f"title_{suffix}", version.title)
            setattr(article, f"summary_{suffix}", version.summary)
            setattr(article, f"body_{suffix}", version.body)
        article.published_at = document.published
        article.status = Article.Status.DRAFT if draft else Article.Status.PUBLISHED
        return article


def _join(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
