"""Create articles from article documents (files, or folders of ``.md`` files), and update
existing ones only when asked.

Every file is read and checked before anything is written; one bad file changes nothing, and its
message names the file, the line and the problem. An article the desk already has is never
overwritten silently: a document identical to it changes nothing (no revision, no new
fingerprint), and one that differs is refused with what it would change unless ``--update`` is
given. An article is found by its section and slug, or by an address it or its section had
before (a section renamed in the desk does not come back as a duplicate).

The pictures a document shows (its ``image`` and its bodies' ``media:`` figures) are read from a
``media/`` folder beside it or in a folder given on the command line, unless the library has
them already. Each file must hash to its name. Their renditions are made before the command
ends, so the imported pages are complete at once.
"""

import struct
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from articles import documents, rendering, revisions, translations
from articles.models import (
    Article,
    ArticleAlias,
    Section,
    SectionAlias,
    field_suffix,
    language_codes,
)
from articles.named import named_after
from media import uploads
from media.models import Image
from media.tasks import make_and_record
from newsroom import changes
from people.models import Person
from topics.models import Topic, TopicAlias


class ImportProblem(Exception):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class Planned:
    """One document and what importing it does."""

    path: Path
    document: documents.ArticleDocument
    section: Section  # unsaved when the import creates it
    article: Article  # the existing article with the document's text set, or a new one
    differences: list[str]  # what would change in an existing article; empty if identical
    image_id: str | None  # the lead image, set when the article is saved

    @property
    def is_new(self) -> bool:
        return self.article.pk is None


class Command(BaseCommand):
    help = (
        "Import article documents (DESIGN.md format) as published articles. New articles are "
        "created; an existing one (same section and slug) is left alone when identical and "
        "replaced only with --update."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a .md file or a folder")
        parser.add_argument(
            "--draft", action="store_true", help="import as drafts instead of publishing"
        )
        parser.add_argument(
            "--media",
            action="append",
            default=[],
            metavar="DIR",
            help="a folder holding the pictures the documents show (<id>.<ext>); a media/ "
            "folder beside each document, or in each folder given, is looked in too",
        )
        parser.add_argument(
            "--renditions-later",
            action="store_true",
            help="leave the pictures' renditions to the task worker (manage.py db_worker) "
            "instead of making them before the command ends",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="replace existing articles whose text, time or status the documents change "
            "(each keeps its history; readers see it as corrected)",
        )

    def handle(self, *args, paths, draft=False, update=False, media=(), **options):
        renditions_later = options.get("renditions_later", False)
        files = self.collect_files([Path(p) for p in paths])
        problems, parsed = [], []
        for path in files:
            try:
                parsed.append((path, self.read(path)))
            except ImportProblem as problem:
                problems.append(str(problem))
        if problems:
            raise nothing_imported(problems)
        folders = [Path(folder) for folder in media]
        folders += [Path(p) / "media" for p in paths if Path(p).is_dir()]
        pictures, problems, warnings = find_pictures(parsed, folders)
        if problems:
            raise nothing_imported(problems)
        plans, problems = self.plan(parsed, draft=draft)
        if problems:
            raise nothing_imported(problems)
        changing = [plan for plan in plans if not plan.is_new and plan.differences]
        if changing and not update:
            raise nothing_imported(
                [
                    f"{plan.path}: would change {address(plan.article)}: "
                    + ", ".join(plan.differences)
                    for plan in changing
                ],
                advice="These articles are in the desk already, perhaps corrected by an editor. "
                "Run again with --update to replace them with the documents.",
            )
        with changes.batch():  # one transaction, recorded as one change
            for name, data in pictures.items():
                if data is not None:
                    uploads.store(data, name.rsplit(".", 1)[1])
            describe_new_pictures(plans, {name for name, data in pictures.items() if data})
            self.give_people_and_topics(plans)
            created, updated = self.write(plans)
        ids = [name.split(".")[0] for name in pictures]
        made = 0 if renditions_later else sum(
            make_and_record(image) for image in Image.objects.filter(pk__in=ids)
        )  # fmt: skip
        if made:
            self.stdout.write(f"Made {made} rendition(s) of {len(pictures)} picture(s).")
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        state = "drafts" if draft else "published"
        unchanged = len(plans) - created - updated
        summary = f"{created} created, {updated} updated, {unchanged} unchanged"
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(plans)} article(s) as {state}: {summary}.")
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

    def plan(self, parsed, *, draft: bool) -> tuple[list[Planned], list[str]]:
        """What each document does, checked by the model's own validation before any is
        saved."""
        plans, problems = [], []
        seen: dict[int | tuple[str, str], Path] = {}
        new_sections: dict[str, Section] = {}
        for path, document in parsed:
            section = find_section(document.section) or new_sections.get(document.section)
            if section is None:
                section = new_sections[document.section] = new_section(document.section)
                try:
                    section.full_clean()
                except ValidationError as error:
                    problems.append(f"{path}:2: section {document.section!r}: {_join(error)}")
                    continue
            for key in documents.SLUG_LIST_KEYS:
                longest = Person._meta.get_field("slug").max_length
                for slug in getattr(document, key):
                    if len(slug) > longest:
                        line = documents.line_of_field(path.read_bytes(), key)
                        problems.append(f"{path}:{line}: {key}: {slug!r} is longer than "
                                        f"{longest} characters")  # fmt: skip
            article = find_article(section, document)
            key = article.pk if article else (document.section, document.slug)
            if key in seen:
                problems.append(f"{path}:1: the same article as {seen[key]}")
                continue
            seen[key] = path
            plan = planned(path, document, section, article, draft=draft)
            is_new_section = section.pk is None
            try:
                plan.article.full_clean(
                    exclude=["section", "image"] if is_new_section else ["image"],
                    validate_unique=not is_new_section,
                    validate_constraints=not is_new_section,
                )
            except ValidationError as error:
                problems += [f"{path}:{line}: {message}" for line, message in placed(path, error)]
            plans.append(plan)
        return plans, problems

    def give_people_and_topics(self, plans: list[Planned]) -> None:
        """Give each article the byline and topics its document names, creating a person or a
        topic the site lacks, named after its slug (``li-wei`` → ``Li Wei``), and saying so. A
        topic merged into another is that other one."""
        people = named_rows(Person, {s for plan in plans for s in plan.document.authors})
        topics = named_rows(Topic, {s for plan in plans for s in plan.document.topics})
        for model, found in ((Person, people), (Topic, topics)):
            for slug, row in sorted(found.items()):
                if row.pk is None:
                    row.save()
                    self.stdout.write(f"Created {model.__name__.lower()} {slug!r} named "
                                      f"{row.name_en!r}.")  # fmt: skip
        for plan in plans:
            # What each person did is the desk's (documents name people only): kept.
            roles = {line.person.slug: line.role for line in plan.article.byline}
            plan.article.set_byline(
                [(people[slug], roles.get(slug, "")) for slug in plan.document.authors]
            )
            plan.article.set_topics([topics[slug] for slug in plan.document.topics])

    def write(self, plans: list[Planned]) -> tuple[int, int]:
        created = updated = 0
        for plan in plans:
            if plan.section.pk is None:
                plan.section.save()
                changes.changed(changes.SITE)  # the navigation shows it
                self.stdout.write(f"Created section {plan.section.slug!r} named "
                                  f"{plan.section.name_en!r}.")  # fmt: skip
            is_new = plan.is_new
            if not is_new and not plan.differences:
                continue
            if is_new:  # an article found stays where the desk put it
                plan.article.section = plan.section
            plan.article.image = Image.objects.get(pk=plan.image_id) if plan.image_id else None
            revisions.save_article(
                plan.article, note=f"Imported from {plan.path.name}", is_public_note=False
            )
            created += is_new
            updated += not is_new
        return created, updated


def find_pictures(parsed, folders: list[Path]) -> tuple[dict, list[str], list[str]]:
    """Every picture the documents show, by name: its bytes if the library does not have it
    yet (read from a ``media/`` folder beside the document or one of ``folders``), else None;
    the problems found (``file:line: problem``), and what the editor should know of the
    pictures taken in. A file given for a picture the library has is checked all the same:
    one that does not match its name is refused, never silently passed over."""
    pictures, problems, warnings = {}, [], []
    for path, document in parsed:
        for name in document.images():
            if name in pictures:
                continue
            line = line_of_picture(path, name)
            if not documents.IMAGE_NAME.fullmatch(name):
                problems.append(
                    f"{path}:{line}: media:{name} does not name a picture; write "
                    "media:<id>.<ext>, the id being what git hash-object prints for the file"
                )
                continue
            image_id, extension = name.split(".")
            in_library = Image.objects.filter(pk=image_id, format=extension).exists()
            candidates = [path.parent / "media" / name, *(folder / name for folder in folders)]
            found = next((c for c in candidates if c.is_file()), None)
            if found is None and not in_library:
                problems.append(f"{path}:{line}: {name} is not in the library, nor in "
                                f"{path.parent / 'media'} or a --media folder")  # fmt: skip
                continue
            data = found.read_bytes() if found else b""
            if found and uploads.blob_id(data) != image_id:
                problems.append(
                    f"{path}:{line}: {found} does not match its name: its bytes hash to "
                    f"{uploads.blob_id(data)}, not {image_id}"
                )
                continue
            if in_library:
                pictures[name] = None
                continue
            try:
                picture, extension = uploads.inspect(data, name)
                carries_metadata = uploads.without_metadata(data, picture, extension) != data
            except (ValidationError, struct.error, IndexError) as error:
                reason = " ".join(getattr(error, "messages", [])) or "the file is damaged"
                problems.append(f"{path}:{line}: {found}: {reason}")
                continue
            if carries_metadata:
                # Its id names these bytes, so it cannot be stripped here as an upload is.
                warnings.append(
                    f"{path}:{line}: {found} carries metadata (EXIF, XMP, IPTC or comments: "
                    "perhaps where and with what it was taken), published as it is because the "
                    "document names these bytes. To remove it, upload the picture through the "
                    "desk and name it by its new id."
                )
            pictures[name] = data
    return pictures, problems, warnings


def describe_new_pictures(plans: list[Planned], new: set[str]) -> None:
    """A picture the import brings into the library is described there as the first document
    that shows it describes it: the alt text, caption and credit of a lead image, the alt text
    and caption of a figure, in each language."""
    texts: dict[str, dict[str, dict[str, str]]] = {}  # name → field → language → text
    for plan in plans:
        for code, version in plan.document.versions.items():
            suffix = field_suffix(code)
            found = []
            if plan.document.image in new:
                found.append((plan.document.image, version.image_alt, version.image_caption,
                              version.image_credit))  # fmt: skip
            found += [(*figure, "") for figure in rendering.figures_of(version.body)]
            for name, alt, caption, credit in found:
                if name not in new:
                    continue
                described = texts.setdefault(name, {})
                for field, text in (("alt", alt), ("caption", caption), ("credit", credit)):
                    column = f"{field}_{suffix}"
                    longest = Image._meta.get_field(column).max_length  # a body's may be longer
                    if text:
                        described.setdefault(column, text[:longest])
    for name, fields in texts.items():
        Image.objects.filter(pk=name.split(".")[0]).update(**fields)


def line_of_picture(path: Path, name: str) -> int:
    """The first line of the document at ``path`` that names the picture ``name``."""
    lines = path.read_bytes().decode("utf-8", "replace").split("\n")
    return next((n for n, line in enumerate(lines, 1) if name in line), 1)


def nothing_imported(problems: list[str], advice: str = "") -> CommandError:
    lines = ["Nothing was imported:", *(f"  {problem}" for problem in problems)]
    return CommandError("\n".join(lines + ([advice] if advice else [])))


def find_section(slug: str) -> Section | None:
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        moved = SectionAlias.objects.select_related("section").filter(slug=slug).first()
        section = moved.section if moved else None
    return section


def named_rows(model, slugs: set[str]) -> dict:
    """The people or topics with these slugs by slug, unsaved new ones for those missing."""
    found = model.objects.in_bulk(list(slugs), field_name="slug") if slugs else {}
    if model is Topic:
        merged = TopicAlias.objects.select_related("topic").filter(slug__in=slugs - found.keys())
        found.update({alias.slug: alias.topic for alias in merged})
    for slug in slugs - found.keys():
        found[slug] = model(slug=slug, name_en=named_after(slug))
    return found


def new_section(slug: str) -> Section:
    return Section(slug=slug, name_en=slug.replace("-", " ").title())


def find_article(section: Section, document: documents.ArticleDocument) -> Article | None:
    """The article the document is about: at its address, or one that moved from it."""
    if section.pk is None:
        return None
    article = Article.objects.filter(section=section, slug=document.slug).first()
    if article is None:
        moved = ArticleAlias.objects.filter(
            section_slug__in=[document.section, section.slug], slug=document.slug
        ).first()
        article = Article.objects.filter(pk=moved.article_id).first() if moved else None
    return article


def planned(path, document, section, existing: Article | None, *, draft: bool) -> Planned:
    article = existing or Article(section=section, slug=document.slug)
    before = (revisions.texts_of(article), article.status, article.published_at)
    # The document is all of the article: a language it leaves out is emptied.
    for code in language_codes():
        version = document.versions.get(code, documents.LanguageVersion("", "", ""))
        suffix = field_suffix(code)
        setattr(article, f"title_{suffix}", version.title)
        setattr(article, f"summary_{suffix}", version.summary)
        setattr(article, f"body_{suffix}", version.body)
        for key in documents.IMAGE_TEXT_KEYS:
            setattr(article, f"{key}_{suffix}", getattr(version, key))
    article.published_at = document.published
    article.status = Article.Status.DRAFT if draft else Article.Status.PUBLISHED
    differences = differences_between(before, article) if existing else []
    if existing and existing.image_name != document.image:
        differences.append("lead image")
    if existing and tuple(person.slug for person in existing.authors) != document.authors:
        differences.append("byline")
    if existing and tuple(topic.slug for topic in existing.topics) != document.topics:
        differences.append("topics")
    image_id = document.image.split(".")[0] if document.image else None
    return Planned(path, document, section, article, differences, image_id)


def differences_between(before: tuple, after: Article) -> list[str]:
    """What a reader or an editor would see change, in words. ``before`` is the article's
    texts, status and time as they were."""
    texts, status, published_at = before
    found = []
    with translation.override("en"):  # the command speaks English, as its other messages do
        names = {code: str(name) for code, name in settings.LANGUAGES}
        for code, fields in revisions.texts_of(after).items():
            for field, new in fields.items():
                if not translations.same_text(field, texts[code][field], new):
                    found.append(f"{translations.FIELD_NAMES[field]} ({names[code]})")
    if status != after.status:
        found.append(f"status ({status} → {after.status})")
    if (published_at and published_at.replace(microsecond=0)) != after.published_at:
        found.append("publication time")
    return found


def address(article: Article) -> str:
    return f"{article.section.slug}/{article.slug}"


def placed(path: Path, error: ValidationError) -> list[tuple[int, str]]:
    """Each of the model's objections to a document, at the line of the key it is about."""
    if not hasattr(error, "error_dict"):
        return [(1, " ".join(error.messages))]
    data = path.read_bytes()
    found = []
    for name, messages in error.message_dict.items():
        field, _sep, suffix = name.partition("_")
        if name == "published_at":
            field, code = "published", None
        elif field in translations.TEXT_FIELDS and suffix:
            code = next((c for c in language_codes() if field_suffix(c) == suffix), None)
        else:  # slug, section, or a rule about the whole article (the slug is its address)
            field, code = ("slug" if name == "__all__" else name), None
        line = documents.line_of_field(data, field, code)
        found.append(
            (line, f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages))
        )
    return found


def _join(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
