"""A small multilingual lexicon of intent and object words ("wedding", "trouwfeest", "mariage",
"Hochzeit"; "Produktfotos"; "btw-aangifte"), for requests that name what is needed rather than
the trade that does it.

Why: the taxonomy carries trade and sector names across languages, but "Wer legt auf unserer
Hochzeit Musik auf?" names no trade; its words must still reach the English DJ card that lists
"weddings and company parties". Query understanding finds the concepts of a request (whole
words, simple plural endings, and — in Dutch and German — the parts of a compound:
"trouwfeest" is wedding + party, "Produktfotos" product + photo) and adds every other word of
each concept, in the four languages, to the lexical leg as expansions (at
``indexer.fusion.EXPANSION_WEIGHT``). The data is ``data/concepts.json``; it is a mechanism for
all requests, not a list of the judged queries.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from webapp.taxonomy.text import ALL_STOPWORDS, LANGS, Token, normalize, tokenize

DATA = Path(__file__).resolve().parent / "data" / "concepts.json"

#: Endings a concept word may carry in a request (plurals, Dutch/German inflection).
ENDINGS = ("", "s", "es", "en", "n", "e", "er", "x")
#: A compound's first part must have at least this many letters, its last part
#: COMPOUND_MIN_TAIL, and what remains of the word COMPOUND_MIN_REST ("trouwfeest" is "trouw" +
#: "feest", "Produktfotos" "Produkt" + "fotos").
COMPOUND_MIN_HEAD = 5
COMPOUND_MIN_TAIL = 4
COMPOUND_MIN_REST = 3
#: Languages whose words are compared with compound parts.
COMPOUND_LANGS = ("nl", "de")
#: At most this many concepts of one request are expanded (a long job description names
#: many objects; its expansions would outweigh its own words).
MAX_CONCEPTS = 6


@dataclass(frozen=True)
class Concept:
    id: str
    #: lang → the concept's words (as written, for the expansions).
    words: dict[str, tuple[str, ...]]
    #: lang → words that name the concept only in a text of that language ("Ton" is sound in
    #: German, a pronoun in French, a barrel in Dutch): never expansions, never read in a text
    #: of another or an unknown language.
    only: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def expansions(self) -> list[str]:
        """Every word of the concept, English first."""
        return [w for lang in LANGS for w in self.words.get(lang, ())]


class Lexicon:
    """Folded word (or phrase) → concepts, and the compound parts of Dutch and German."""

    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = concepts
        self.phrases: dict[tuple[str, ...], list[Concept]] = {}
        self.parts: dict[str, list[Concept]] = {}
        self.only: dict[str, dict[str, list[Concept]]] = {}
        for concept in concepts:
            for lang, forms in concept.words.items():
                for form in forms:
                    key = tuple(normalize(form).split())
                    if not key:
                        continue
                    self.phrases.setdefault(key, []).append(concept)
                    if lang in COMPOUND_LANGS and len(key) == 1 and len(key[0]) >= COMPOUND_MIN_TAIL:
                        self.parts.setdefault(key[0], []).append(concept)
            for lang, forms in concept.only.items():
                for form in forms:
                    key = normalize(form)
                    if key:
                        self.only.setdefault(lang, {}).setdefault(key, []).append(concept)
        self.max_words = max((len(k) for k in self.phrases), default=1)

    def _word(self, folded: str) -> list[Concept]:
        for ending in ENDINGS:
            if ending and not folded.endswith(ending):
                continue
            stem = folded[: len(folded) - len(ending)] if ending else folded
            found = self.phrases.get((stem,))
            if found:
                return found
        return []

    def _compound(self, folded: str) -> list[Concept]:
        """Concepts of the first and the last part of a Dutch or German compound ("trouwfeest" →
        wedding, party; "Produktfotos" → product, photo): the longest known part at each end."""
        out: list[Concept] = []
        n = len(folded)
        for i in range(n - COMPOUND_MIN_REST, COMPOUND_MIN_HEAD - 1, -1):
            if folded[:i] in self.parts:
                out += self.parts[folded[:i]]
                break
        for i in range(COMPOUND_MIN_REST, n - COMPOUND_MIN_TAIL + 1):
            found = self._part(folded[i:])
            if found:
                out += found
                break
        return out

    def _part(self, tail: str) -> list[Concept]:
        for ending in ENDINGS:
            if ending and not tail.endswith(ending):
                continue
            stem = tail[: len(tail) - len(ending)] if ending else tail
            if len(stem) >= COMPOUND_MIN_TAIL and stem in self.parts:
                return self.parts[stem]
        return []

    def find(
        self,
        tokens: list[Token],
        skip: list[tuple[int, int]] = (),
        limit: int | None = MAX_CONCEPTS,
        lang: str | None = None,
    ) -> list[Concept]:
        """The concepts named in these tokens, in order, each once (at most ``limit``; None: all);
        tokens starting inside a ``skip`` span (a recognised trade or place) are not read. A
        text known to be in ``lang`` also reads that language's ``only`` words."""
        only = self.only.get(lang, {}) if lang else {}
        out: dict[str, Concept] = {}
        tokens = [t for t in tokens if not any(s <= t.start < e for s, e in skip)]
        i = 0
        while i < len(tokens):
            matched = 0
            for n in range(min(self.max_words, len(tokens) - i), 1, -1):
                key = tuple(t.folded for t in tokens[i : i + n])
                if key in self.phrases:
                    for c in self.phrases[key]:
                        out.setdefault(c.id, c)
                    matched = n
                    break
            if matched:
                i += matched
                continue
            folded = tokens[i].folded
            i += 1
            if folded in only:
                found = only[folded]
            elif folded in ALL_STOPWORDS or not folded.isalpha():
                continue
            else:
                found = self._word(folded) or self._compound(folded)
            for c in found:
                out.setdefault(c.id, c)
        found = list(out.values())
        return found if limit is None else found[:limit]

    def card_words(self, *texts: str | None, lang: str | None = None) -> str:
        """The words of every concept a card's texts name, in the four languages, one concept a
        line (the indexed ``concepts`` field). Card side of the same lexicon: a Dutch card
        offering "huwelijksreportages" gets wedding / mariage / Hochzeit, so "someone to film our
        wedding" reaches it by the request's own word, in any language, not only through an
        expansion of the request."""
        concepts: dict[str, Concept] = {}
        for text in texts:
            if text:
                for concept in self.find(tokenize(text), limit=None, lang=lang):
                    concepts.setdefault(concept.id, concept)
        lines = []
        for concept in concepts.values():
            seen: dict[str, str] = {}
            for word in concept.expansions():
                seen.setdefault(normalize(word), word)
            lines.append(" | ".join(seen.values()))
        return "\n".join(lines)


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def load_lexicon(path: Path = DATA) -> Lexicon:
    data = json.loads(path.read_text(encoding="utf-8"))
    concepts = [
        Concept(
            entry["id"],
            {lang: tuple(entry.get(lang, ())) for lang in LANGS},
            {lang: tuple(words) for lang, words in entry.get("only", {}).items()},
        )
        for entry in data["concepts"]
    ]
    return Lexicon(concepts)


def get_lexicon() -> Lexicon:
    """The process-wide lexicon (loaded on first use)."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = load_lexicon()
    return _lexicon
