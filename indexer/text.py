"""Lexical analysis for the embedded backend: fold, tokenise, drop stop words, stem.

Same chain for documents and queries (like FTS5's unicode61 with
remove_diacritics 2, plus Snowball stemming): case and accents are folded
("Liège" = "liege"), tokens are stemmed with the language of the document or
query. The ``labels`` field holds a card's taxonomy labels in all four
languages, so its tokens are stemmed with every language's stemmer; a query
whose language is unknown is stemmed every way too (each word matches through
its best variant, never through several at once).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

import numpy as np
import snowballstemmer

LANGS = ("nl", "fr", "de", "en")
_STEMMER_NAMES = {"nl": "dutch", "fr": "french", "de": "german", "en": "english"}
_stemmers = {lang: snowballstemmer.stemmer(name) for lang, name in _STEMMER_NAMES.items()}

#: Function words of the four languages that would only add noise (and cost: their postings
#: are the longest). Conservative: nothing that is also a content word in another language.
STOP_WORDS = frozenset(
    """
    a an and are at be by for from has have i in is it its of on or that the this to was we were
    with you your our us me my can who what where which how do does did not no
    de het een en van in op te dat die is met voor zijn er aan als ook om bij naar uit
    wie kan kunnen ons onze mijn je jij u we wij hij zij ze dit deze nog maar wat of
    le la les un une des du et en au aux pour par sur dans avec qui que est sont il elle nous vous
    je tu ce cette ces son sa ses leur leurs mon ma mes notre nos votre vos pas ne se qu l d s
    der die das den dem des ein eine einen einem einer und ist sind mit fur von zu im auf aus bei
    wer kann konnen wir ihr sie er es ich du uns unser unsere mein meine nicht auch oder als am
    """.split()
)

_TOKEN = re.compile(r"\w+", re.UNICODE)


#: Letters that NFKD does not decompose into a base letter + accents, mapped as Elasticsearch's
#: ``asciifolding`` maps them (applied after casefold, so only lowercase forms are needed; ``ŀ``
#: before NFKD, which would leave a middle dot).
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "ŀ": "l",
        "ß": "ss",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "ĸ": "q",
        "ſ": "s",
        "ƒ": "f",
        "’": "'",
    }
)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Casefold, strip accents and spell special letters in ASCII (é → e, ß → ss, ø → o, æ → ae,
    ł → l, þ → th), the way an ``asciifolding`` + ``lowercase`` analyzer sees text: the one
    folding of the project, so the index, Elasticsearch and the web layer agree that "Ørsted" is
    "orsted". Cached because vocabularies are Zipfian."""
    word = word.casefold()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LETTERS)


def words(text: str) -> list[str]:
    """Folded tokens without stop words (one-letter tokens go too: "foto's" → "foto")."""
    out = []
    for raw in _TOKEN.findall(text):
        word = fold(raw)
        if len(word) > 1 and word not in STOP_WORDS:
            out.append(word)
    return out


#: Fields indexed as folded words without stemming: names are not inflected words.
UNSTEMMED_FIELDS = frozenset({"title"})
#: Fields holding words in all four languages (stemmed as each of them).
MULTILINGUAL_FIELDS = frozenset({"labels", "concepts"})


@lru_cache(maxsize=400_000)
def stem(word: str, lang: str) -> str:
    """Snowball stem (C PyStemmer when installed: ~1 µs instead of ~40 µs a word); words with
    digits are left alone."""
    stemmer = _stemmers.get(lang)
    if stemmer is None or not word.isalpha():
        return word
    return stemmer.stemWord(word)


def stems(word: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    """The distinct stems of a folded word in the given languages (order kept)."""
    seen: list[str] = []
    for lang in langs:
        s = stem(word, lang)
        if s not in seen:
            seen.append(s)
    return tuple(seen)


def doc_langs(lang: str | None, field: str) -> tuple[str, ...]:
    """Stemmer languages for a document field: none for names, all four for the multilingual
    labels and concepts (and for cards of unknown language), else the card's language."""
    if field in UNSTEMMED_FIELDS:
        return ()
    if field in MULTILINGUAL_FIELDS or lang not in _stemmers:
        return LANGS
    return (lang,)


def query_langs(lang: str | None) -> tuple[str, ...]:
    return (lang,) if lang in _stemmers else LANGS


def field_terms(text: str, langs: tuple[str, ...]) -> tuple[dict[str, int], int]:
    """term → frequency for one field, and the field length in words.

    With several languages a word adds each distinct stem once (so a label word
    matches a query stemmed in any of the four languages).
    """
    tf: dict[str, int] = {}
    tokens = words(text)
    if not langs:
        for word in tokens:
            tf[word] = tf.get(word, 0) + 1
    elif len(langs) == 1:
        lang = langs[0]
        for word in tokens:
            s = stem(word, lang)
            tf[s] = tf.get(s, 0) + 1
    else:
        for word in tokens:
            for s in stems(word, langs):
                tf[s] = tf.get(s, 0) + 1
    return tf, len(tokens)


@lru_cache(maxsize=200_000)
def _highlight_keys(token: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    """A token's folded form and stems, () for stop words: what ``highlight`` compares per token,
    cached because it runs over every field of every hit on a page (vocabularies are Zipfian)."""
    word = fold(token)
    if len(word) < 2 or word in STOP_WORDS:
        return ()
    return (word, *stems(word, langs))


class FieldMarks:
    """One field's tokens, analysed once for highlighting: each token's span and surface word,
    and per comparison key (folded form, stems) the tokens that carry it. A stored document's
    fields are the same for every query, so the embedded backend keeps these with its cached
    documents and each query only looks up its own stems (``highlight_marks``)."""

    __slots__ = ("text", "spans", "surface", "by_key")

    def __init__(self, text: str, langs: tuple[str, ...]) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = []
        self.surface: list[str] = []
        self.by_key: dict[str, list[int]] = {}
        for m in _TOKEN.finditer(text):
            keys = _highlight_keys(m.group(), langs)
            if not keys:
                continue
            i = len(self.spans)
            self.spans.append(m.span())
            self.surface.append(m.group())
            for key in dict.fromkeys(keys):
                self.by_key.setdefault(key, []).append(i)


def highlight(
    text: str,
    query_stems: set[str],
    langs: tuple[str, ...],
    start: str,
    end: str,
    max_chars: int = 200,
) -> tuple[str, list[str]] | None:
    """A snippet of ``text`` with every token whose stem is in ``query_stems`` wrapped in markers,
    and the matched surface words; None when nothing matched. Long texts are cut to a window
    around the first match."""
    return highlight_marks(FieldMarks(text, langs), query_stems, start, end, max_chars)


def highlight_marks(
    marks: FieldMarks,
    query_stems: set[str] | frozenset[str],
    start: str,
    end: str,
    max_chars: int = 200,
) -> tuple[str, list[str]] | None:
    """``highlight`` of an analysed field: the same snippet and words, without re-reading the text."""
    hit: set[int] = set()
    by_key = marks.by_key
    for key in query_stems:
        found = by_key.get(key)
        if found:
            hit.update(found)
    if not hit:
        return None
    text = marks.text
    spans = [marks.spans[i] for i in sorted(hit)]
    matched: list[str] = []
    for i in sorted(hit):
        if marks.surface[i] not in matched:
            matched.append(marks.surface[i])
    lo, hi = 0, len(text)
    if len(text) > max_chars:
        first = spans[0][0]
        lo = max(0, first - max_chars // 4)
        # Start on a word boundary.
        if lo > 0:
            space = text.find(" ", lo)
            lo = space + 1 if 0 <= space < first else lo
        hi = min(len(text), lo + max_chars)
        if hi < len(text):
            space = text.rfind(" ", lo, hi)
            hi = space if space > spans[0][1] else hi
    parts: list[str] = ["…" if lo > 0 else ""]
    pos = lo
    for s, e in spans:
        if s < lo or e > hi:
            continue
        parts.append(text[pos:s])
        parts.append(start + text[s:e] + end)
        pos = e
    parts.append(text[pos:hi])
    if hi < len(text):
        parts.append("…")
    return "".join(parts), matched


def typo_budget(word: str) -> int:
    """Edits a typed word may be away from what was meant, as Elasticsearch's ``fuzziness: AUTO``
    (0 up to 2 letters, 1 for 3-5, 2 from 6), but one less for words under 8 letters: with a
    vocabulary of thousands of short words one edit already reaches a neighbour ("maler" /
    "mailer"), so short words get 1 only from 5 letters on."""
    n = len(word)
    if n < 5:
        return 0
    return 1 if n < 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours), or
    ``limit + 1`` as soon as it must exceed ``limit`` (bounded: cheap for the many misses)."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        lo = limit + 1
        ca = a[i - 1]
        for j in range(1, lb + 1):
            cost = 0 if ca == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            lo = min(lo, v)
        if lo > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[lb], limit + 1)


class TypoIndex:
    """Words of a vocabulary found again from a misspelling, fast enough for the request path.

    Why a letter histogram: each edit changes a word's letter counts by at most 2 (L1), so
    ``|hist(a) - hist(b)|₁ > 2 × limit`` rules a candidate out with one numpy pass over the
    whole vocabulary; only the few left are measured with ``edit_distance``. The first letter
    must match (Elasticsearch's ``prefix_length: 1``)."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = [w for w in dict.fromkeys(words) if w]
        self._lengths = np.array([len(w) for w in self.words], dtype=np.int16)
        self._first = np.array([ord(w[0]) for w in self.words], dtype=np.int32)
        self._hist = np.zeros((len(self.words), 27), dtype=np.int16)
        for row, word in enumerate(self.words):
            self._hist[row] = _histogram(word)

    def close(self, word: str, limit: int | None = None, max_hits: int = 5) -> list[tuple[str, int]]:
        """Vocabulary words within ``limit`` edits (default ``typo_budget``), nearest first."""
        limit = typo_budget(word) if limit is None else limit
        if limit <= 0 or not word or not self.words:
            return []
        ok = (self._first == ord(word[0])) & (np.abs(self._lengths - len(word)) <= limit)
        rows = np.flatnonzero(ok)
        if rows.size:
            l1 = np.abs(self._hist[rows] - _histogram(word)).sum(axis=1)
            rows = rows[l1 <= 2 * limit]
        out = []
        for row in rows.tolist():
            cand = self.words[row]
            if cand == word:
                continue
            d = edit_distance(word, cand, limit)
            if d <= limit:
                out.append((cand, d))
        out.sort(key=lambda p: (p[1], p[0]))
        return out[:max_hits]


def _histogram(word: str) -> np.ndarray:
    h = np.zeros(27, dtype=np.int16)
    for ch in word:
        o = ord(ch) - 97
        h[o if 0 <= o < 26 else 26] += 1
    return h


def close_words(
    word: str, vocabulary: Sequence[str], limit: int | None = None, max_hits: int = 5
) -> list[tuple[str, int]]:
    """``TypoIndex(vocabulary).close(word)`` for a one-off look-up (tests, small lists)."""
    return TypoIndex(vocabulary).close(word, limit, max_hits)
