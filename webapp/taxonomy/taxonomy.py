"""Sectors and functions (occupations) with labels and synonyms in en/nl/fr/de.

The data lives in ``data/taxonomy.json`` (one entry per line, reviewed like code). This
module indexes it for the three things the rest of the app needs: showing a label in the
reader's language, resolving what someone typed ("fotografe", "Übersetzerin") to a code,
and spotting trade words inside a free-text query (``find_terms``), which is what lets a
Dutch query find an English card.

Plurals and inflections ("fotografen", "traductrices", "Übersetzerinnen", "geluidstechnici")
are generated per language from each label with a few suffix rules, not found by stemming:
a stemmer run over words of every language conflates "Programm" with "programmeur" and
"performance" with "performer"; rules tied to the label's own language do not.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from indexer.text import TypoIndex
from webapp.taxonomy.text import LANGS, Token, fold, normalize, tokenize

Kind = Literal["sector", "function"]
KINDS: tuple[Kind, ...] = ("sector", "function")

DATA_FILE = Path(__file__).with_name("data") / "taxonomy.json"

#: Words shorter than this are not inflected ("dj", "vj", "kok" stay exact).
_MIN_INFLECT = 4


@dataclass(frozen=True)
class Entry:
    """A sector or a function. ``sectors`` is empty for sectors themselves."""

    kind: Kind
    code: str
    labels: dict[str, str]
    synonyms: dict[str, list[str]]
    sectors: list[str] = field(default_factory=list)

    def label(self, lang: str | None) -> str:
        return self.labels.get(lang or "en") or self.labels["en"]

    def surfaces(self) -> list[tuple[str, str]]:
        """(lang, text) for every label and synonym."""
        out = [(lang, self.labels[lang]) for lang in LANGS if self.labels.get(lang)]
        out += [(lang, s) for lang in LANGS for s in self.synonyms.get(lang, [])]
        return out


@dataclass(frozen=True)
class TermMatch:
    """A taxonomy term found in text: ``text[start:end] == surface``.

    ``lang`` is the language the matched words belong to, or None when they are shared by
    several languages ("designer", "DJ") or matched only through a shared stem.
    """

    kind: Kind
    code: str
    start: int
    end: int
    lang: str | None
    surface: str


#: Typed words of at least this many letters may be two edits from a taxonomy word, shorter
#: ones one (``fuzzy_term``); under 5 letters none (``indexer.text.typo_budget``).
FUZZY_TWO_EDITS_FROM = 10


class Taxonomy:
    """Read-only index over the taxonomy data; build once per process (``get_taxonomy``)."""

    def __init__(self, data: dict) -> None:
        self.sectors: dict[str, Entry] = {}
        self.functions: dict[str, Entry] = {}
        for raw in data["sectors"]:
            entry = Entry("sector", raw["code"], raw["labels"], raw["synonyms"])
            self.sectors[entry.code] = entry
        for raw in data["functions"]:
            entry = Entry("function", raw["code"], raw["labels"], raw["synonyms"], list(raw["sectors"]))
            self.functions[entry.code] = entry
        self._no_terms = {normalize(s) for s in data.get("no_terms", [])}

        # normalized surface → code, per kind; surface → languages it belongs to (any kind).
        self._exact: dict[Kind, dict[str, str]] = {k: {} for k in KINDS}
        self._langs: dict[str, set[str]] = defaultdict(set)
        # token tuple → [(kind, code)] for free-text matching (exact folded words).
        self._phrases: dict[tuple[str, ...], list[tuple[Kind, str]]] = defaultdict(list)
        # inflected token tuple → {(kind, code): langs}; ambiguous forms are dropped below.
        forms: dict[tuple[str, ...], dict[tuple[Kind, str], set[str]]] = {}
        self.max_words = 1
        for kind in KINDS:
            for entry in self._entries(kind).values():
                for lang, surface in entry.surfaces():
                    key = normalize(surface)
                    if not key:
                        continue
                    previous = self._exact[kind].setdefault(key, entry.code)
                    if previous != entry.code:
                        raise ValueError(f"{kind} surface {surface!r} used by {previous} and {entry.code}")
                    self._langs[key].add(lang)
                    if key in self._no_terms:
                        continue
                    words = tuple(key.split())
                    if (kind, entry.code) not in self._phrases[words]:
                        self._phrases[words].append((kind, entry.code))
                    self.max_words = max(self.max_words, len(words))
                    target = (kind, entry.code)
                    for form in inflections(words, lang):
                        forms.setdefault(form, {}).setdefault(target, set()).add(lang)
        self._forms: dict[tuple[str, ...], list[tuple[Kind, str, frozenset[str]]]] = {}
        phrases = self._phrases
        for form, targets in forms.items():
            if form in phrases:
                continue  # an exact surface always wins
            if len(targets) == 1:
                ((kind, code), langs) = next(iter(targets.items()))
                self._forms[form] = [(kind, code, frozenset(langs))]
            elif len(targets) == 2 and len({kind for kind, _ in targets}) == 2:
                self._forms[form] = [(k, c, frozenset(langs)) for (k, c), langs in targets.items()]
            # else: two codes of one kind share this form: not sure enough to match it

        # one-word surfaces and their inflected forms, for typo-tolerant matching
        self._one_words: dict[str, set[tuple[Kind, str]]] = defaultdict(set)
        for words, targets in self._phrases.items():
            if len(words) == 1:
                self._one_words[words[0]].update(targets)
        for form, found in self._forms.items():
            if len(form) == 1:
                self._one_words[form[0]].update((kind, code) for kind, code, _ in found)
        self._typos = TypoIndex(sorted(self._one_words))

    def fuzzy_term(self, word: str) -> tuple[Kind, str, str, int] | None:
        """(kind, code, known word, edits) for a typed word that is no taxonomy word but within
        the typo budget of exactly one term's word ("fotgraaf" → photographer, "fotograaf";
        "Tontechnicker" → sound_engineer): the nearest wins, functions before sectors, and a tie
        between two codes at the same distance means we are not sure (None)."""
        key = normalize(word)
        if " " in key or not key.isalpha() or key in self._one_words or key in self._no_terms:
            return None
        # Two edits only for long words: "organiser" is two edits from "organist".
        hits = self._typos.close(key, 1 if len(key) < FUZZY_TWO_EDITS_FROM else 2, max_hits=20)
        if not hits:
            return None
        best = hits[0][1]
        targets = {(known, t) for known, d in hits if d == best for t in self._one_words[known]}
        functions = {(k, t) for k, t in targets if t[0] == "function"}
        chosen = functions or targets
        codes = {t for _, t in chosen}
        if len(codes) != 1:
            return None
        known, (kind, code) = sorted(chosen)[0]
        return kind, code, known, best

    # -- lookups ---------------------------------------------------------------------------
    def _entries(self, kind: Kind) -> dict[str, Entry]:
        if kind == "sector":
            return self.sectors
        if kind == "function":
            return self.functions
        raise ValueError(f"kind must be 'sector' or 'function', not {kind!r}")

    def get(self, kind: Kind, code: str) -> Entry | None:
        return self._entries(kind).get(code)

    def label(self, kind: Kind, code: str, lang: str | None = None) -> str:
        """Label in ``lang`` (English fallback); an unknown code is shown as itself."""
        entry = self._entries(kind).get(code)
        return entry.label(lang) if entry else code

    def resolve(self, kind: Kind, text: str | None) -> str | None:
        """Code for a code, label or synonym in any language (accents and case ignored);
        plurals and inflected forms of a label resolve too ("fotografen")."""
        if not text or not text.strip():
            return None
        entries = self._entries(kind)
        raw = text.strip()
        if raw in entries:
            return raw
        key = normalize(raw)
        if key.replace(" ", "_") in entries:
            return key.replace(" ", "_")
        code = self._exact[kind].get(key)
        if code:
            return code
        for target_kind, target_code, _ in self._forms.get(tuple(key.split()), ()):
            if target_kind == kind:
                return target_code
        return None

    def choices(self, kind: Kind, lang: str | None) -> list[tuple[str, str]]:
        """(code, label) pairs for a <select>, sorted by the label as a reader would."""
        pairs = [(code, entry.label(lang)) for code, entry in self._entries(kind).items()]
        return sorted(pairs, key=lambda p: (fold(p[1]), p[0]))

    def all_labels(self, kind: Kind, code: str) -> list[str]:
        """Every label and synonym (four languages), deduplicated: a document's ``labels`` field."""
        entry = self._entries(kind).get(code)
        if entry is None:
            return []
        seen: set[str] = set()
        out = []
        for _, surface in entry.surfaces():
            key = normalize(surface)
            if key not in seen:
                seen.add(key)
                out.append(surface)
        return out

    def surface_langs(self, text: str) -> set[str]:
        """Languages in which ``text`` is a label or synonym of anything (empty when none)."""
        return set(self._langs.get(normalize(text), ()))

    # -- free text -------------------------------------------------------------------------
    def find_terms(self, text: str, tokens: list[Token] | None = None) -> list[TermMatch]:
        """Sector and function terms in ``text``: longest match first, whole words only,
        accents and case ignored, plurals and feminine forms included.

        One span that is both a sector and a function term yields both matches.
        """
        tokens = tokenize(text) if tokens is None else tokens
        out: list[TermMatch] = []
        i = 0
        while i < len(tokens):
            hit: list[tuple[Kind, str, str | None]] = []
            n = 0
            for n in range(min(self.max_words, len(tokens) - i), 0, -1):
                hit = self._match(tuple(t.folded for t in tokens[i : i + n]))
                if hit:
                    break
            if not hit:
                i += 1
                continue
            start, end = tokens[i].start, tokens[i + n - 1].end
            for kind, code, lang in hit:
                out.append(TermMatch(kind, code, start, end, lang, text[start:end]))
            i += n
        return out

    def _match(self, words: tuple[str, ...]) -> list[tuple[Kind, str, str | None]]:
        targets = self._phrases.get(words)
        if targets:
            langs = self._langs[" ".join(words)]
            lang = next(iter(langs)) if len(langs) == 1 else None
            return [(kind, code, lang) for kind, code in targets]
        found = self._forms.get(words)
        if not found:
            return []
        if len({kind for kind, _, _ in found}) == 2:
            # "vertalingen" inflects a sector word, "vertalers" a function: keep what the
            # form most plainly names, the person, when both kinds claim it.
            found = [f for f in found if f[0] == "function"]
        return [(kind, code, next(iter(langs)) if len(langs) == 1 else None) for kind, code, langs in found]


# -- inflection ------------------------------------------------------------------------------

_VOWELS = "aeiou"


def _word_forms(word: str, lang: str) -> set[str]:
    """Plural and inflected forms of one folded word in ``lang`` (a few regular rules)."""
    if len(word) < _MIN_INFLECT or not word.isalpha():
        return set()
    forms: set[str] = set()
    if lang == "en":
        forms.add(word + "s")
        if word.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(word + "es")
        if word.endswith("y") and word[-2] not in _VOWELS:
            forms.add(word[:-1] + "ies")
        if word.endswith("man"):
            forms.add(word[:-3] + "men")
    elif lang == "nl":
        forms.update({word + "s", word + "en"})
        if word.endswith("e"):
            forms.add(word + "n")
        if word.endswith("es"):
            forms.add(word + "sen")  # lerares → leraressen
        if word.endswith("us"):
            forms.add(word[:-2] + "i")  # technicus → technici
        if word.endswith("man"):
            forms.update({word[:-3] + "lieden", word[:-3] + "mensen"})
        # fotograaf → fotografen, tuinarchitect stays: a long vowel before the last consonant
        if len(word) > 4 and word[-1] not in _VOWELS and word[-2] == word[-3] and word[-2] in _VOWELS:
            forms.add(word[:-2] + word[-1] + "en")
        # short vowel + consonant doubles: tolk stays, kapper: "kap" rare; "schrijnwerker" +s
        if (
            len(word) > 3
            and word[-1] not in _VOWELS + "wy"
            and word[-2] in _VOWELS
            and word[-3] not in _VOWELS
        ):
            forms.add(word + word[-1] + "en")
    elif lang == "fr":
        forms.add(word + "s")
        if word.endswith(("eau", "eu")):
            forms.add(word + "x")
        if word.endswith("al"):
            forms.add(word[:-2] + "aux")
    elif lang == "de":
        forms.update({word + "e", word + "en", word + "n", word + "s"})
        if word.endswith("in"):
            forms.add(word + "nen")  # Fotografin → Fotografinnen
        if word.endswith("mann"):
            forms.update({word[:-4] + "leute", word[:-4] + "manner"})
        if word.endswith("er") or word.endswith("el"):
            forms.add(word + "n")
    forms.discard(word)
    return forms


def inflections(words: tuple[str, ...], lang: str) -> set[tuple[str, ...]]:
    """Forms of a (multi-)word label: each word inflected alone, and all at once with the
    language's plain plural ("designers graphiques", "sound engineers")."""
    out: set[tuple[str, ...]] = set()
    for i, word in enumerate(words):
        for form in _word_forms(word, lang):
            out.add(words[:i] + (form,) + words[i + 1 :])
    if len(words) > 1 and lang in ("en", "fr", "nl"):
        plural = tuple(w + "s" if len(w) >= _MIN_INFLECT and w.isalpha() else w for w in words)
        if plural != words:
            out.add(plural)
    return out


def load_taxonomy(path: Path = DATA_FILE) -> Taxonomy:
    """Build the index from the data file (a few tens of milliseconds)."""
    with path.open(encoding="utf-8") as f:
        return Taxonomy(json.load(f))
