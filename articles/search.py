"""Search over both languages of every published article.

Text is turned into *terms* by the application, the same way for what is indexed and for what is
searched: English words are lowercased and stemmed (Snowball), so ``distilled`` finds
``distillation``; Chinese, which has no spaces, becomes overlapping character bigrams, as CJK
analyzers do, so any query of two or more characters finds the articles that contain it. Digits
and other Latin-script words are kept as they are.

On PostgreSQL the terms are matched by full-text search on ``search_vector`` (a ``'simple'``
tsvector that a trigger keeps from the terms, titles weighted above bodies) through a GIN index,
and ranked with ``ts_rank``, so no database extension is needed. Ranking looks at the most
recent ``MAX_CANDIDATES`` matches: a word found in most of the archive still answers at once
(ranking reads each candidate's whole vector, about 10 µs apiece).
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
MAX_CANDIDATES = 500
# Per language, of summary and body; two languages and the titles stay under PostgreSQL's 1 MB.
MAX_INDEXED_BYTES = 450_000
EXCERPT_LENGTH = 160
EXCERPT_SOURCE = 50_000

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
    return list(each_term(text))


def each_term(text: str):
    """:func:`terms`, one at a time, for a reader that may stop early."""
    for match in _RUNS.finditer(text or ""):
        run = match.group()
        if _HAN_RUN.fullmatch(run):
            yield from _bigrams(run)
        else:
            yield stem(run.lower())


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(*texts: str | None) -> str:
    """What is stored for matching: the terms, space-separated, with spaces at both ends so that
    ``LIKE '% term %'`` finds whole terms."""
    return joined([term for text in texts for term in terms(text or "")])


def joined(words: list[str]) -> str:
    return f" {' '.join(words)} " if words else ""


def bounded_terms(*texts: str | None) -> list[str]:
    """The terms of ``texts`` (one language's summary and body), as many as a search vector of
    ``MAX_INDEXED_BYTES`` holds. PostgreSQL refuses a tsvector over 1 MB, and a megabyte of
    Chinese has a million bigrams: a long article is found by its beginning, on every database
    alike (at least its first 28,000 characters of Chinese; more, as words repeat)."""
    found, size, seen = [], 0, {}
    for text in texts:
        for term in each_term(text or ""):
            # A term's first use costs its entry, its bytes and a position; a repeat only a
            # position, up to the 256 a vector keeps. An upper bound of what PostgreSQL stores.
            count = seen.get(term, 0)
            size += len(term.encode()) + 10 if count == 0 else 2 if count < 256 else 0
            if size > MAX_INDEXED_BYTES:
                return found
            seen[term] = count + 1
            found.append(term)
    return found


def query_terms(query: str) -> list[str]:
    """The distinct terms of a reader's query, in order. Operators and punctuation vanish."""
    unique = []
    for term in terms(query[:MAX_QUERY_LENGTH]):
        if term not in unique:
            unique.append(term)
    return unique[:MAX_TERMS]


@dataclass(frozen=True)
class Found:
    ids: list[int]  # the matching articles, best first
    terms: list[str]  # the query's terms; none when there was nothing to look for
    more: bool = False  # more articles matched than were ranked (see MAX_CANDIDATES)


def search(queryset, query: str) -> Found:
    """The articles of ``queryset`` matching every term of ``query``."""
    wanted = query_terms(query)
    if not wanted:
        return Found([], wanted)
    if connection.vendor == "postgresql":
        ids = list(ranked_matches(queryset, wanted))
        return Found(ids[:MAX_CANDIDATES], wanted, more=len(ids) > MAX_CANDIDATES)
    return Found(_portable_search(queryset, wanted), wanted)


def search_vector():
    """What migration 0004 indexed before the stored vector of 0006 replaced it."""
    return SearchVector("search_title", "search_body", config="simple")


def ranked_matches(queryset, wanted: list[str]):
    """PostgreSQL: the ids of the most recent matches (one more than are ranked, to tell
    whether there were more), best first."""
    # Our terms hold only letters, digits and Han characters, so joining them with & is a safe
    # raw tsquery.
    tsquery = SearchQuery(" & ".join(wanted), search_type="raw", config="simple")
    recent_matches = (
        queryset.filter(search_vector=tsquery)
        .order_by("-published_at", "-pk")
        .values("pk")[: MAX_CANDIDATES + 1]
    )
    return (
        queryset.filter(pk__in=recent_matches)
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .order_by("-rank", "-published_at", "-pk")
        .values_list("pk", flat=True)
    )


def _portable_search(queryset, wanted: list[str]):
    for term in wanted:
        queryset = queryset.filter(
            Q(search_title__contains=f" {term} ") | Q(search_body__contains=f" {term} ")
        )
    matches = queryset.order_by("-published_at", "-pk").values_list(
        "pk", "search_title", "search_body"
    )
    ranked = [
        (sum(3 * title.count(f" {t} ") + body.count(f" {t} ") for t in wanted), pk)
        for pk, title, body in matches
    ]
    # Best first; equal ranks keep the newest first (sorted() is stable).
    return [pk for _rank, pk in sorted(ranked, key=lambda pair: -pair[0])]


# Showing where a result matched.


@dataclass(frozen=True)
class Excerpt:
    """A passage of one language version, as (text, is_match) pieces."""

    language: str
    pieces: list[tuple[str, bool]]


def _match_spans(text: str, wanted: list[str]) -> list[tuple[int, int]]:
    """Where ``text`` matches a query term: (start, end) pairs, in order, touching ones joined."""
    wanted_set = set(wanted)
    spans: list[tuple[int, int]] = []

    def mark(start: int, end: int) -> None:
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))

    for match in _RUNS.finditer(text):
        run, start = match.group(), match.start()
        if _HAN_RUN.fullmatch(run):
            for offset, bigram in enumerate(_bigrams(run)):
                if bigram in wanted_set:
                    mark(start + offset, start + offset + len(bigram))
        elif stem(run.lower()) in wanted_set:
            mark(start, start + len(run))
    return spans


def _pieces(text: str, spans: list[tuple[int, int]], start: int, end: int):
    """``text[start:end]`` as (text, is_match) pieces."""
    pieces, position = [], start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        if span_start > position:
            pieces.append((text[position:span_start], False))
        pieces.append((text[span_start:span_end], True))
        position = span_end
    if position < end:
        pieces.append((text[position:end], False))
    return pieces


def highlight(text: str, wanted: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, the ones that match a query term marked."""
    return _pieces(text, _match_spans(text, wanted), 0, len(text))


def excerpt(text: str, wanted: list[str], length: int = EXCERPT_LENGTH) -> list[tuple[str, bool]]:
    """The passage of ``text`` around its first match in its first ``EXCERPT_SOURCE``
    characters (where the search index finds it too), highlighted: a result's work stays
    bounded however long its article."""
    flat = " ".join((text or "")[:EXCERPT_SOURCE].split())
    spans = _match_spans(flat, wanted)
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 3)
    end = min(start + length, len(flat))
    window = _pieces(flat, spans, start, end)
    if start > 0:
        window.insert(0, ("… ", False))
    if end < len(flat):
        window.append((" …", False))
    return window


def has_match(pieces: list[tuple[str, bool]]) -> bool:
    return any(is_match for _piece, is_match in pieces)
