"""Search over both languages of every published article.

Text is turned into *terms* by the application, the same way for what is indexed and for what is
searched: English words are lowercased and stemmed (Snowball), so ``distilled`` finds
``distillation``; Chinese, which has no spaces, becomes overlapping character bigrams, as CJK
analyzers do, so any query of two or more characters finds the articles that contain it. Digits
and other Latin-script words are kept as they are.

On PostgreSQL the terms are matched by full-text search on ``search_vector`` (a ``'simple'``
tsvector that a trigger keeps from the terms, titles weighted above bodies) through a GIN index,
and ranked with ``ts_rank``, so no database extension is needed. Ranking looks at the most
recent ``MAX_CANDIDATES`` matches: a word found in most of the archive still answers at once.
Elsewhere (SQLite) the same terms are matched with ``LIKE`` and ranked in Python: slower, same
results.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q

# A query longer than this is cut: nobody types more, and terms cost work.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 24
MAX_CANDIDATES = 1000
EXCERPT_LENGTH = 160

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")
_HAN_RUN = re.compile(rf"[{_HAN}]+")


_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lowercased word. Kept for reuse: news copy repeats its words, and
    stemming is most of the cost of indexing an article."""
    return _stemmer.stemWord(word)


def terms(text: str) -> list[str]:
    """The search terms of ``text``: stems of words, bigrams of Chinese."""
    found = []
    for run in _RUNS.findall(text or ""):
        if _HAN_RUN.fullmatch(run):
            found.extend(_bigrams(run))
        else:
            found.append(stem(run.lower()))
    return found


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(*texts: str | None) -> str:
    """What is stored for matching: the terms, space-separated, with spaces at both ends so that
    ``LIKE '% term %'`` finds whole terms."""
    words = [term for text in texts for term in terms(text or "")]
    return f" {' '.join(words)} " if words else ""


def query_terms(query: str) -> list[str]:
    """The distinct terms of a reader's query, in order. Operators and punctuation vanish."""
    unique = []
    for term in terms(query[:MAX_QUERY_LENGTH]):
        if term not in unique:
            unique.append(term)
    return unique[:MAX_TERMS]


def search(queryset, query: str):
    """``queryset`` narrowed to the articles matching every term of ``query``, best first.
    Returns the queryset and the query's terms (empty when there is nothing to look for)."""
    wanted = query_terms(query)
    if not wanted:
        return queryset.none(), wanted
    if connection.vendor == "postgresql":
        return _postgres_search(queryset, wanted), wanted
    return _portable_search(queryset, wanted), wanted


def search_vector():
    """What migration 0004 indexed before the stored vector of 0006 replaced it."""
    return SearchVector("search_title", "search_body", config="simple")


def _postgres_search(queryset, wanted: list[str]):
    # Our terms hold only letters, digits and Han characters, so joining them with & is a safe
    # raw tsquery.
    tsquery = SearchQuery(" & ".join(wanted), search_type="raw", config="simple")
    recent_matches = (
        queryset.filter(search_vector=tsquery)
        .order_by("-published_at", "-pk")
        .values("pk")[:MAX_CANDIDATES]
    )
    return (
        queryset.filter(pk__in=recent_matches)
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .order_by("-rank", "-published_at", "-pk")
    )


def _portable_search(queryset, wanted: list[str]):
    for term in wanted:
        queryset = queryset.filter(
            Q(search_title__contains=f" {term} ") | Q(search_body__contains=f" {term} ")
        )
    matches = list(queryset.order_by("-published_at", "-pk"))
    for article in matches:
        title, body = article.search_title, article.search_body
        article.rank = sum(3 * title.count(f" {t} ") + body.count(f" {t} ") for t in wanted)
    matches.sort(key=lambda article: -article.rank)
    return matches


# Showing where a result matched.


@dataclass(frozen=True)
class Excerpt:
    """A passage of one language version, as (text, is_match) pieces."""

    language: str
    pieces: list[tuple[str, bool]]


def highlight(text: str, wanted: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, the ones that match a query term marked."""
    wanted_set = set(wanted)
    marked = [False] * len(text)
    for match in _RUNS.finditer(text):
        run, start = match.group(), match.start()
        if _HAN_RUN.fullmatch(run):
            for offset, bigram in enumerate(_bigrams(run)):
                if bigram in wanted_set:
                    for i in range(start + offset, start + offset + len(bigram)):
                        marked[i] = True
        elif stem(run.lower()) in wanted_set:
            for i in range(start, start + len(run)):
                marked[i] = True
    pieces = []
    for character, is_match in zip(text, marked, strict=True):
        if pieces and pieces[-1][1] == is_match:
            pieces[-1] = (pieces[-1][0] + character, is_match)
        else:
            pieces.append((character, is_match))
    return pieces


def excerpt(text: str, wanted: list[str], length: int = EXCERPT_LENGTH) -> list[tuple[str, bool]]:
    """The passage of ``text`` around its first match, highlighted."""
    flat = " ".join((text or "").split())
    pieces = highlight(flat, wanted)
    first = 0
    position = 0
    for piece, is_match in pieces:
        if is_match:
            first = position
            break
        position += len(piece)
    start = max(0, first - length // 3)
    end = start + length
    window, position = [], 0
    for piece, is_match in pieces:
        piece_start, piece_end = position, position + len(piece)
        position = piece_end
        if piece_end <= start or piece_start >= end:
            continue
        window.append((piece[max(0, start - piece_start) : end - piece_start], is_match))
    if start > 0:
        window.insert(0, ("… ", False))
    if end < len(flat):
        window.append((" …", False))
    return window


def has_match(pieces: list[tuple[str, bool]]) -> bool:
    return any(is_match for _piece, is_match in pieces)
