"""The article document: the one canonical text of a published article.

It is the export format, the import format and what the fingerprint hashes (see DESIGN.md,
"The article document"). Everything here is a pure function of its arguments, so the exporter,
the importer, the ``.md`` view and the stored fingerprint cannot drift apart.
"""

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

FRONT_MATTER_FENCE = "+++"
LANGUAGE_MARKER_PREFIX = "<!-- lang:"
_LANGUAGE_MARKER = re.compile(r"<!-- lang: ([a-z]+(?:-[a-z]+)*) -->")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TOML_ERROR_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")
_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


@dataclass(frozen=True)
class LanguageVersion:
    """One language's text of an article: what a reader sees in that language."""

    title: str
    summary: str
    body: str
    # The lead image's texts in this language (the picture itself is the document's ``image``).
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""


# The optional keys of a language table, after the title and summary, in the order written.
IMAGE_TEXT_KEYS = ("image_alt", "image_caption", "image_credit")
# The optional front-matter lists of slugs, after ``image``: the byline, then the topics.
SLUG_LIST_KEYS = ("authors", "topics")
# How a document names a picture: its Git blob id and the extension of its format.
IMAGE_NAME = re.compile(r"[0-9a-f]{40}\.(?:jpg|png|webp|gif|avif)")
# A figure in a body: Markdown's image syntax with the media: scheme.
_FIGURE_REFERENCE = re.compile(r"\]\(\s*<?media:([^\s)>]*)")


@dataclass(frozen=True)
class ArticleDocument:
    """An article as its document holds it. ``versions`` maps language codes to their text;
    ``image`` names the lead image (``<id>.<ext>``), if there is one; ``authors`` is the byline
    and ``topics`` the article's topics, in order, as slugs."""

    section: str
    slug: str
    published: datetime
    versions: dict[str, LanguageVersion] = field(default_factory=dict)
    image: str = ""
    authors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def images(self) -> list[str]:
        """Every picture the document shows: the lead image, then each body's figures."""
        names = [self.image] if self.image else []
        for version in self.versions.values():
            names += [name for _line, name in figure_references(version.body)]
        return list(dict.fromkeys(names))


# What Markdown would read as markup in alt text, and in a link title: escaped with a backslash,
# so a figure shows the texts exactly as they are.
_ALT_MARKUP = re.compile(r"([\\`*_\[\]<>&!])")
_TITLE_MARKUP = re.compile(r'(["\\&])')


def figure_line(name: str, alt: str, caption: str) -> str:
    """The Markdown of a figure showing picture ``name`` with ``alt`` and ``caption``."""
    alt = _ALT_MARKUP.sub(r"\\\1", " ".join(alt.split()))
    caption = _TITLE_MARKUP.sub(r"\\\1", " ".join(caption.split()))
    return f"![{alt}](media:{name}" + (f' "{caption}")' if caption else ")")


def figure_references(body: str) -> list[tuple[int, str]]:
    """Each ``media:`` picture a body shows, with its line in the body (1-based)."""
    found = []
    for number, line in enumerate((body or "").split("\n"), start=1):
        found += [(number, match.group(1)) for match in _FIGURE_REFERENCE.finditer(line)]
    return found


class DocumentError(ValueError):
    """A document that cannot be read, with the line a person should look at."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def normalize_body(text: str | None) -> str:
    """The body as the document stores it: ``\\n`` line ends, no trailing spaces, no outer blank
    lines."""
    lines = [line.rstrip(" \t") for line in (text or "").replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# What pages, feeds and sitemaps cannot carry (XML 1.0 allows tab, line ends and printable
# characters): control characters, lone surrogates and the two non-characters.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Word processors break lines within a paragraph with a vertical tab; a form feed is a page break.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def normalize_field(field: str, text: str | None) -> str:
    """A translated field's text as it is stored: the body as :func:`normalize_body` gives it,
    other fields with ``\n`` line ends (browsers send ``\r\n``); a pasted vertical tab or form
    feed is a line end (a space in a title), and other characters pages and feeds cannot carry
    are left out."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_LINE_BREAKS)
    if field in ("title", "name", *IMAGE_TEXT_KEYS):
        text = text.replace("\n", " ")
    text = UNWRITABLE.sub("", text)
    return normalize_body(text) if field == "body" else text


def describe_unwritable(text: str) -> str | None:
    """``None`` if pages and feeds can carry ``text``, else which character they cannot."""
    found = UNWRITABLE.search(text or "")
    return f"U+{ord(found.group()):04X}" if found else None


# Publication times a calendar, a database and a feed reader all handle alike.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def find_language_marker(body: str | None) -> int | None:
    """The 1-based line of ``body`` that starts with ``<!-- lang:``, or None: such a line would
    split the document, so a body may not contain one."""
    for number, line in enumerate((body or "").splitlines(), start=1):
        if line.startswith(LANGUAGE_MARKER_PREFIX):
            return number
    return None


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string, escaped exactly as DESIGN.md prescribes."""
    characters = []
    for character in value:
        if character in _TOML_ESCAPES:
            characters.append(_TOML_ESCAPES[character])
        elif unicodedata.category(character) == "Cc":
            characters.append(f"\\u{ord(character):04X}")
        else:
            characters.append(character)
    return '"' + "".join(characters) + '"'


def build(document: ArticleDocument, *, languages: list[str], timezone: tzinfo) -> bytes:
    """The document's bytes. ``languages`` gives the site's language order; versions in other
    languages are not written."""
    codes = [code for code in languages if code in document.versions]
    published = document.published.astimezone(timezone).replace(microsecond=0)
    lines = [
        FRONT_MATTER_FENCE,
        f"section = {toml_string(document.section)}",
        f"slug = {toml_string(document.slug)}",
        f"published = {published.isoformat()}",
        "languages = [" + ", ".join(toml_string(code) for code in codes) + "]",
    ]
    if document.image:
        lines.append(f"image = {toml_string(document.image)}")
    for key in SLUG_LIST_KEYS:
        if slugs := getattr(document, key):
            lines.append(f"{key} = [" + ", ".join(toml_string(slug) for slug in slugs) + "]")
    for code in codes:
        version = document.versions[code]
        lines += ["", f"[{code}]", f"title = {toml_string(version.title)}"]
        for key in ("summary", *IMAGE_TEXT_KEYS):
            if getattr(version, key):
                lines.append(f"{key} = {toml_string(getattr(version, key))}")
    lines.append(FRONT_MATTER_FENCE)
    for code in codes:
        lines += ["", f"<!-- lang: {code} -->", "", normalize_body(document.versions[code].body)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def fingerprint(data: bytes) -> str:
    """The Git blob id of ``data``: what ``git hash-object --stdin`` prints for the same bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def parse(data: bytes, *, languages: list[str]) -> ArticleDocument:
    """Read a document, raising :class:`DocumentError` with the line of the first problem.

    ``languages`` are the codes the site publishes in. Windows line ends are accepted; anything
    that would be lost or misread on import is refused rather than guessed at.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DocumentError(line, "the file is not UTF-8 text") from error
    if text.startswith("\ufeff"):
        raise DocumentError(
            1, "the file starts with a byte order mark; save it as UTF-8 without BOM"
        )
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[0] != FRONT_MATTER_FENCE:
        raise DocumentError(1, 'the first line must be "+++", which opens the front matter')
    try:
        closing = lines.index(FRONT_MATTER_FENCE, 1)
    except ValueError:
        raise DocumentError(
            1, 'the front matter opened here is never closed by a "+++" line'
        ) from None
    front = _FrontMatter(lines[1:closing], first_line=2, languages=languages)
    return front.document(_read_bodies(lines, closing + 1, front))


def line_of_field(data: bytes, field: str, code: str | None = None) -> int:
    """The line of a well-formed document where ``field`` (``slug``, ``published``, ``title``,
    ``summary`` or ``body``; the last three in language ``code``) is written, so that a problem
    found later (by the database's rules) points at it; 1 when it is written nowhere."""
    lines = data.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    if field == "body":
        marker = f"{LANGUAGE_MARKER_PREFIX} {code} -->"
        return next((n for n, line in enumerate(lines, 1) if line == marker), 1)
    closing = next((n for n, line in enumerate(lines[1:], 1) if line == FRONT_MATTER_FENCE), 1)
    table = code if field in _FrontMatter._LANGUAGE_KEYS else None
    return _line_of(lines[1:closing], 2, field, table)


def _line_of(lines: list[str], first_line: int, key: str, table: str | None) -> int:
    """The line of the front matter ``lines`` (the first is ``first_line``) where ``key`` is set
    (in ``table``), else the table's header, else the first."""
    header = re.compile(r'\s*\[\s*"?([^"\]]+)"?\s*\]')
    assignment = re.compile(rf'\s*"?{re.escape(key)}"?\s*=')
    current = None
    table_line = None
    for offset, line in enumerate(lines):
        if match := header.match(line):
            current = match.group(1).strip()
            if current == table and table_line is None:
                table_line = offset + first_line
        elif current == table and assignment.match(line):
            return offset + first_line
    return table_line or first_line


class _FrontMatter:
    """The TOML between the fences, with enough of its layout kept to point at a line."""

    _TOP_LEVEL_KEYS = ("section", "slug", "published", "languages")
    _OPTIONAL_KEYS = ("image", *SLUG_LIST_KEYS)
    _LANGUAGE_KEYS = ("title", "summary", *IMAGE_TEXT_KEYS)

    def __init__(self, lines: list[str], *, first_line: int, languages: list[str]):
        self.lines = lines
        self.first_line = first_line
        self.site_languages = languages
        try:
            self.values = tomllib.loads("\n".join(lines))
        except tomllib.TOMLDecodeError as error:
            message = str(error)
            position = _TOML_ERROR_POSITION.search(message)
            if position and position.group(1):
                line = int(position.group(1)) + first_line - 1
            else:
                line = first_line + len(lines) - 1
            reason = _TOML_ERROR_POSITION.sub("", message)
            raise DocumentError(line, f"the front matter is not valid TOML: {reason}") from None
        self.languages = self._check_languages()

    def line_of(self, key: str, table: str | None = None) -> int:
        return _line_of(self.lines, self.first_line, key, table)

    def fail(self, message: str, key: str, table: str | None = None):
        raise DocumentError(self.line_of(key, table), message)

    def _check_languages(self) -> list[str]:
        for key in self.values:
            known_keys = self._TOP_LEVEL_KEYS + self._OPTIONAL_KEYS
            if key not in known_keys and key not in self.site_languages:
                known = ", ".join(known_keys + tuple(self.site_languages))
                self.fail(f"unknown key or language {key!r}; expected one of {known}", key, key)
        for key in self._TOP_LEVEL_KEYS:
            if key not in self.values:
                raise DocumentError(self.first_line, f"the front matter has no {key!r}")
        codes = self.values["languages"]
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            self.fail('"languages" must be a non-empty list of language codes', "languages")
        for code in codes:
            if code not in self.site_languages:
                supported = ", ".join(self.site_languages)
                self.fail(f"unknown language {code!r}; Newsroom publishes {supported}", "languages")
        if len(set(codes)) != len(codes):
            self.fail('"languages" lists a language twice', "languages")
        for code in self.site_languages:
            if code in self.values and code not in codes:
                self.fail(f"there is a [{code}] table but {code!r} is not in languages", code, code)
        return codes

    def _string(self, key: str, table: str | None = None, *, required: bool = True) -> str:
        values = self.values if table is None else self.values.get(table, {})
        if key not in values:
            if required:
                where = f"[{table}]" if table else "the front matter"
                self.fail(f"{where} has no {key!r}", key, table)
            return ""
        value = values[key]
        if not isinstance(value, str):
            self.fail(f"{key!r} must be a string", key, table)
        if character := describe_unwritable(value):
            self.fail(f"{key!r} holds a control character ({character}); remove it", key, table)
        return value

    def _published(self) -> datetime:
        value = self.values["published"]
        if not isinstance(value, datetime) or value.tzinfo is None:
            self.fail(
                '"published" must be a date and time with its offset, '
                "like 2026-03-14T08:05:00+08:00",
                "published",
            )
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            self.fail(
                f'"published" must fall between the years {EARLIEST_YEAR} and {LATEST_YEAR}',
                "published",
            )
        return value

    def _slug(self, key: str) -> str:
        value = self._string(key)
        if not _SLUG.fullmatch(value):
            self.fail(f"{key!r} must use only a-z, 0-9 and single hyphens, got {value!r}", key)
        return value

    def _version(self, code: str, body: str) -> LanguageVersion:
        table = self.values.get(code)
        if not isinstance(table, dict):
            self.fail(f"{code!r} is in languages but there is no [{code}] table", "languages")
        for key in table:
            if key not in self._LANGUAGE_KEYS:
                expected = ", ".join(self._LANGUAGE_KEYS)
                self.fail(f"unknown key {key!r} in [{code}]; expected {expected}", key, code)
        title = self._string("title", code)
        if not title.strip():
            self.fail(f"the title in [{code}] is empty", "title", code)
        optional = {
            key: self._string(key, code, required=False) for key in ("summary", *IMAGE_TEXT_KEYS)
        }
        for key in IMAGE_TEXT_KEYS:
            if optional[key] and not self.values.get("image"):
                self.fail(f"{key!r} in [{code}] but the document has no image", key, code)
        return LanguageVersion(title=title, body=body, **optional)

    def _image(self) -> str:
        value = self._string("image", required=False)
        if value and not IMAGE_NAME.fullmatch(value):
            self.fail(
                '"image" must name a picture by its id and format, like '
                '"3f2a…(40 hexadecimal digits).jpg"',
                "image",
            )
        return value

    def _slug_list(self, key: str) -> tuple[str, ...]:
        """An optional list of slugs (``authors``, ``topics``), each once, in order."""
        value = self.values.get(key, [])
        if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
            self.fail(f'"{key}" must be a list of slugs, like ["li-wei", "jane-roe"]', key)
        for slug in value:
            if not _SLUG.fullmatch(slug):
                self.fail(f'"{key}" lists {slug!r}; a slug uses only a-z, 0-9 and hyphens', key)
        if len(set(value)) != len(value):
            twice = next(slug for slug in value if value.count(slug) > 1)
            self.fail(f'"{key}" lists {twice!r} twice', key)
        return tuple(value)

    def document(self, bodies: dict[str, str]) -> ArticleDocument:
        return ArticleDocument(
            section=self._slug("section"),
            slug=self._slug("slug"),
            published=self._published(),
            versions={code: self._version(code, bodies[code]) for code in self.languages},
            image=self._image(),
            authors=self._slug_list("authors"),
            topics=self._slug_list("topics"),
        )


def _read_bodies(lines: list[str], start: int, front: _FrontMatter) -> dict[str, str]:
    """Split the text after the front matter at its ``<!-- lang: CODE -->`` lines."""
    bodies: dict[str, list[str]] = {}
    marker_lines: dict[str, int] = {}
    current = None
    expected = list(front.languages)
    for offset, line in enumerate(lines[start:]):
        number = start + offset + 1
        if line.startswith(LANGUAGE_MARKER_PREFIX):
            match = _LANGUAGE_MARKER.fullmatch(line)
            if not match:
                raise DocumentError(
                    number, 'a language line must read exactly "<!-- lang: CODE -->"'
                )
            code = match.group(1)
            if code in bodies:
                raise DocumentError(
                    number,
                    f"a second <!-- lang: {code} --> line (the first is on line "
                    f"{marker_lines[code]}); a body may not contain a line starting with "
                    '"<!-- lang:"',
                )
            if code not in front.languages:
                raise DocumentError(number, f"{code!r} is not listed in languages")
            if code != expected[0]:
                raise DocumentError(
                    number, f"bodies must follow the order of languages: expected {expected[0]!r}"
                )
            expected.pop(0)
            current = code
            bodies[code] = []
            marker_lines[code] = number
        elif current is None:
            if line.strip():
                raise DocumentError(number, "text before the first <!-- lang: CODE --> line")
        else:
            if character := describe_unwritable(line):
                raise DocumentError(number, f"a control character ({character}); remove it")
            bodies[current].append(line)
    if expected:
        front.fail(f"there is no <!-- lang: {expected[0]} --> body", "languages")
    normalized = {code: normalize_body("\n".join(body)) for code, body in bodies.items()}
    for code, body in normalized.items():
        if not body:
            raise DocumentError(marker_lines[code], f"the {code} body is empty")
    return normalized
