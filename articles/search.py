"""Search over both languages of every published article.

Text is turned into *terms* by the application, the same way for what is indexed and for what is
searched: English words are lowercased and stemmed (Snowball), so ``distilled`` finds
``distillation``; Chinese, which has no spaces, becomes overlapping character bigrams, as CJK
analyzers do, so any query of two or more characters finds the articles that contain it. Digits
and other Latin-script words are kept as they are.

A query of one Chinese character (``港``) matches every indexed term that *begins* with it: the
bigram that starts at each place the character stands, except at the end of a run of Chinese
(before punctuation, a space or a Latin word), where no bigram starts. So each run is indexed
with its last character too: one more term for about every ten characters of news copy (a
Chinese article's stored terms grow by 7%, its tsvector by 11%; indexing every character alone
would add 65% to the terms), and each character still costs at most one term.

British and American spellings are indexed and searched as one: each English word is stemmed
as its American spelling, so ``harbour`` and ``harbor`` are both the term ``harbor``, and no
query needs expanding. :func:`stem` spells a word the American way by two rules and a list:

- ``-our`` after two letters or more, a vowel among them, becomes ``-or``: colour, harbour,
  favourite, neighbourhood (not four, hour, court, mourn, scour);
- a stem ending in ``-is`` or ``-ys`` is spelled with a ``z``: organise, realisation,
  criticised, analyse; not the three stems of ``_NOT_ISE``, whose ``-is-`` belongs to the word;
- ``_SPELLINGS`` for the rest: centre, metre, theatre, defence, licence, programme, grey, ….

Checked against the word lists of Debian's ``wbritish`` and ``wamerican``: of the 1,325
British spellings there whose American twin is in the other list, 1,284 are stemmed as their twin
(the others are rare: medical ``ae`` and ``oe``, compounds of ``-tre``); and no two words are
joined that their American spellings would keep apart, but rare ones (``amour`` and ``amoral``).

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

# Stems whose -is- is part of the word, not a British -ise (paradise, improvise, imprecise):
# spelled with a z, they would be taken for parade, improve, imprecation.
_NOT_ISE = frozenset({"paradis", "improvis", "imprecis"})
_VOWEL = re.compile("[aeiouy]")

# British spellings that the rules of _american_stem() leave, and their American twins.
_BRITISH_AMERICAN = """
    centre center  epicentre epicenter  centrepiece centerpiece  theatre theater  metre meter
    kilometre kilometer  centimetre centimeter  millimetre millimeter  litre liter
    millilitre milliliter  fibre fiber  sombre somber  spectre specter  lustre luster
    meagre meager  sabre saber  sceptre scepter  manoeuvre maneuver
    defence defense  offence offense  licence license  pretence pretense  practise practice
    grey gray  programme program  catalogue catalog  aluminium aluminum  sulphur sulfur
    jewellery jewelry  plough plow  sceptic skeptic  mould mold  judgement judgment
    pyjamas pajamas  tonne ton  artefact artifact  aeroplane airplane  enquiry inquiry
    enquire inquire  skilful skillful  fuelled fueled  dialled dialed  trialled trialed
    medallist medalist  woollen woolen  paediatric pediatric  paediatrician pediatrician
    anaemia anemia  anaesthetic anesthetic  leukaemia leukemia  oestrogen estrogen
    diarrhoea diarrhea  foetus fetus  haemorrhage hemorrhage  encyclopaedia encyclopedia
    orthopaedic orthopedic  gynaecology gynecology
"""


def _american_stem(word: str) -> str:
    """The Snowball stem of a lowercased word spelled the American way by the two rules of the
    module's docstring. They look at the stem, where the suffixes are gone (``colourful`` is
    ``colour``), and change the word at the same place, so that it is stemmed as the American
    word would be (``recognisable`` as ``recognizable``, ``recognise`` as ``recognize``)."""
    root = spelled = _stemmer.stemWord(word)
    changed = word
    our = root.find("our", 2)
    if our != -1 and _VOWEL.search(root[:our]) and changed[our : our + 3] == "our":
        changed = changed[:our] + "or" + changed[our + 3 :]
        spelled = spelled[:our] + "or" + spelled[our + 3 :]
    end = len(spelled) - 2
    is_ise = spelled.endswith(("is", "ys")) and changed[end : end + 2] == spelled[-2:]
    if is_ise and len(spelled) > 4 and root not in _NOT_ISE:
        changed = changed[: end + 1] + "z" + changed[end + 2 :]
    return root if changed == word else _stemmer.stemWord(changed)


def _spelling_list(pairs: str) -> dict[str, str]:
    """The stems of a list of British and American twins, each British one to its twin."""
    words = pairs.split()
    twins = zip(words[::2], words[1::2], strict=True)
    stems = [(_american_stem(british), _american_stem(american)) for british, american in twins]
    return {british: american for british, american in stems if british != american}


_SPELLINGS = _spelling_list(_BRITISH_AMERICAN)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lowercased word, spelled the American way (``harbour`` and
    ``harbor`` are both ``harbor``). Kept for reuse: news copy repeats its words, and stemming
    is most of the cost of indexing an article."""
    found = _american_stem(word)
    return _SPELLINGS.get(found, found)


def terms(text: str) -> list[str]:
    """The search terms of ``text`` as indexed: stems of words; bigrams of Chinese and the last
    character of each run of it."""
    return list(each_term(text))


def each_term(text: str, *, indexing: bool = True):
    """:func:`terms`, one at a time, for a reader that may stop early. A query's terms
    (``indexing=False``) leave out the last characters: its bigrams already ask for them."""
    for match in _RUNS.finditer(text or ""):
        run = match.group()
        if _HAN_RUN.fullmatch(run):
            yield from _bigrams(run)
            if indexing and len(run) > 1:
                yield run[-1]
        else:
            yield stem(run.lower())


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def is_character(term: str) -> bool:
    """Whether ``term`` is one Chinese character, which matches every indexed term that begins
    with it: the bigrams it begins, and the last character of a run."""
    return len(term) == 1 and _HAN_RUN.fullmatch(term) is not None


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
    alike (at least its first 28,000 characters of Chinese, each of which gives at most one
    term; more, as words repeat)."""
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
    for term in each_term(query[:MAX_QUERY_LENGTH], indexing=False):
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
    # raw tsquery; a lone character asks for the terms that begin with it (港:*).
    raw = " & ".join(f"{term}:*" if is_character(term) else term for term in wanted)
    tsquery = SearchQuery(raw, search_type="raw", config="simple")
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
    found = [_stored(term) for term in wanted]
    for term in found:
        queryset = queryset.filter(Q(search_title__contains=term) | Q(search_body__contains=term))
    matches = queryset.order_by("-published_at", "-pk").values_list(
        "pk", "search_title", "search_body"
    )
    ranked = [
        (sum(3 * title.count(t) + body.count(t) for t in found), pk) for pk, title, body in matches
    ]
    # Best first; equal ranks keep the newest first (sorted() is stable).
    return [pk for _rank, pk in sorted(ranked, key=lambda pair: -pair[0])]


def _stored(term: str) -> str:
    """What ``LIKE`` looks for to find ``term`` in the stored terms: the whole term, or for a
    lone character the start of a term."""
    return f" {term}" if is_character(term) else f" {term} "


# Showing where a result matched.


@dataclass(frozen=True)
class Excerpt:
    """A passage of one language version, as (text, is_match) pieces."""

    language: str
    pieces: list[tuple[str, bool]]


def _match_spans(
    text: str, wanted: list[str], *, reach: int | None = None
) -> list[tuple[int, int]]:
    """Where ``text`` matches a query term: (start, end) pairs, in order, touching ones joined.
    With ``reach``, the reading stops at the first word or run of Chinese that begins ``reach``
    characters or more after the first match."""
    wanted_set = set(wanted)
    spans: list[tuple[int, int]] = []

    def mark(start: int, end: int) -> None:
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))

    for match in _RUNS.finditer(text):
        run, start = match.group(), match.start()
        if reach is not None and spans and start >= spans[0][0] + reach:
            break
        if _HAN_RUN.fullmatch(run):
            for offset, character in enumerate(run):
                bigram = run[offset : offset + 2]
                if len(bigram) == 2 and bigram in wanted_set:
                    mark(start + offset, start + offset + 2)
                elif character in wanted_set:  # a one-character query
                    mark(start + offset, start + offset + 1)
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
    # The passage ends less than ``length`` after the first match: nothing further is read.
    spans = _match_spans(flat, wanted, reach=length)
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
