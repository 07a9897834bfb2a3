"""Query understanding: what place, radius, functions and sectors a free-text query names.

"sound engineer near Namur who also does lighting" → place Namur (a *filter*: it came with
the cue "near"), radius 25 km, functions sound_engineer + lighting_technician (*boosts*,
never filters), residual "sound engineer who also does lighting" for the lexical and vector
legs, and English/Dutch/French/German labels of the recognised trades as expansions.

Places are treated conservatively because many Belgian place names are ordinary words
(Boom, Mol, Spa, Peer, As, Ham, Lens, Zele ~ zèle): a word becomes a place only after a cue
("near", "in", "bij", "in de buurt van", "à", "près de", "bei", "in der Nähe von", ...) or
when it cannot be anything else — then it is only a proximity *preference*
(``place_filter`` False). Every interpreted part is listed in ``parts`` with the request
parameters that undo it, so the page can say "near Namur, 25 km · sound engineers first"
and offer to drop each part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from webapp.taxonomy import get_gazetteer, get_taxonomy
from webapp.taxonomy.concepts import Concept, get_lexicon
from webapp.taxonomy.gazetteer import Gazetteer, Place
from webapp.taxonomy.places_data import PLACE_LABELS
from webapp.taxonomy.taxonomy import Taxonomy, TermMatch
from webapp.taxonomy.text import ALL_STOPWORDS, LANGS, STOPWORDS, Token, normalize, tokenize
from webapp.taxonomy.wordlists import common_words

DEFAULT_RADIUS_KM = 25.0
MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 500.0
#: Longest place name tried, in words ("Saint-Josse-ten-Noode" is four).
MAX_PLACE_WORDS = 6
#: Queries are short; anything past this many words is searched but not interpreted.
MAX_TOKENS = 64
#: Without a cue, a one-word place must be at least this big (Kortenberg 17,774 is in).
NO_CUE_MIN_POPULATION = 10_000
#: A multi-word name without a cue ("La Louvière", "Sint-Niklaas") needs less.
NO_CUE_MIN_POPULATION_MULTI = 1_000
#: After a cue, a place that is also a common word still needs to be a real town ("in Mol").
CUE_COMMON_MIN_POPULATION = 2_000

#: Typo tolerance: a query of at most this many content words (a search-box query, where
#: trade names get misspelt) has its unknown words matched to taxonomy words within the typo
#: budget ("fotgraaf" → fotograaf). Longer requests are not corrected: their unknown words are
#: mostly ordinary words the taxonomy does not list, and a wrong guess would boost a trade.
FUZZY_MAX_WORDS = 3
#: "Did you mean …?" for a misspelt place: the place meant must be at least this big (without a
#: cue: "fotograaf Gnet") or, after a cue ("in Gnet"), at least FUZZY_PLACE_MIN_POPULATION_CUE.
FUZZY_PLACE_MIN_POPULATION = 50_000
FUZZY_PLACE_MIN_POPULATION_CUE = 5_000

#: Compound job titles ("Sportfotograaf", "Deutschlehrerin", "Hochzeitsfotograf"): Dutch and
#: German put the head of a compound last, so a word that *ends* in a function name of at
#: least this many letters, after a modifier of at least COMPOUND_MIN_MODIFIER letters,
#: names that function. Exact labels and synonyms always win ("Tuinaannemer" is a
#: gardener, not a contractor, because the taxonomy says so).
COMPOUND_MIN_HEAD = 5
COMPOUND_MIN_MODIFIER = 3
#: Languages that write compounds as one word.
COMPOUND_LANGS = frozenset({"nl", "de"})
#: Verb particles and prefixes: with them a word is a derived noun, not a compound
#: ("Einführung", "Durchführung", "Entführung" are no guided tours; "uitvoering" no "voering").
VERB_PREFIXES = frozenset(
    """ab an auf aus bei durch ein ent er fort ge her hin mit nach uber um unter ver vor weg
    wider zer zu zuruck aan af door mee na om onder op over toe uit voor be ont""".split()
)

#: Words that are hand-written place labels but too ordinary to be places without a cue
#: (nl "bergen" to store, "lessen" lessons, "komen" to come, "menen" to mean,
#: "vorst" frost, "wenen" to cry; en "forest", "vise", "waver", "flushing"; fr "jette",
#: "lierre" ivy, "trêves" truces, "gênes"; de "Halle" hall) and the examples of the brief.
NOT_PLACES_WITHOUT_CUE = frozenset(
    """bergen lessen komen menen vorst wenen forest vise waver flushing jette lierre
    treves genes halle hal lier rom boom mol ham spa as peer hove zele lens essen ans dour
    geel bree heist wellen""".split()
)

# Cue patterns: folded words, "{n}" = a number, "km" = any spelling of kilometres.
# "weak" cues ("a" without accent, "from", "uit", "aus", "sur", "te") are ordinary words
# too often: after them a place must not be a common word.
_CUES: list[tuple[str, str, bool]] = [
    # English
    ("en", "within {n} km of", False),
    ("en", "within {n} km from", False),
    ("en", "within {n} km around", False),
    ("en", "within a {n} km radius of", False),
    ("en", "{n} km around", False),
    ("en", "{n} km from", False),
    ("en", "{n} km of", False),
    ("en", "in the area of", False),
    ("en", "in the region of", False),
    ("en", "in the vicinity of", False),
    ("en", "close to", False),
    ("en", "based in", False),
    ("en", "near", False),
    ("en", "nearby", False),
    ("en", "around", False),
    ("en", "in", False),
    ("en", "from", True),
    # Dutch
    ("nl", "binnen {n} km van", False),
    ("nl", "binnen {n} km rond", False),
    ("nl", "binnen {n} km rondom", False),
    ("nl", "binnen een straal van {n} km rond", False),
    ("nl", "binnen een straal van {n} km van", False),
    ("nl", "binnen een straal van {n} km om", False),
    ("nl", "in een straal van {n} km rond", False),
    ("nl", "in een straal van {n} km van", False),
    ("nl", "in een straal van {n} km om", False),
    ("nl", "op {n} km van", False),
    ("nl", "{n} km rond", False),
    ("nl", "{n} km van", False),
    ("nl", "in de buurt van", False),
    ("nl", "in de omgeving van", False),
    ("nl", "in de regio", False),
    ("nl", "regio", False),
    ("nl", "omgeving", False),
    ("nl", "rondom", False),
    ("nl", "rond", False),
    ("nl", "nabij", False),
    ("nl", "bij", False),
    ("nl", "in", False),
    ("nl", "uit", True),
    ("nl", "te", True),
    # French
    ("fr", "dans un rayon de {n} km autour de", False),
    ("fr", "dans un rayon de {n} km autour d", False),
    ("fr", "dans un rayon de {n} km de", False),
    ("fr", "dans un rayon de {n} km d", False),
    ("fr", "dans un rayon de {n} km a", False),
    ("fr", "a moins de {n} km de", False),
    ("fr", "a moins de {n} km d", False),
    ("fr", "a {n} km de", False),
    ("fr", "a {n} km d", False),
    ("fr", "{n} km autour de", False),
    ("fr", "{n} km autour d", False),
    ("fr", "{n} km de", False),
    ("fr", "{n} km d", False),
    ("fr", "pres de", False),
    ("fr", "pres d", False),
    ("fr", "autour de", False),
    ("fr", "autour d", False),
    ("fr", "aux alentours de", False),
    ("fr", "aux alentours d", False),
    ("fr", "aux environs de", False),
    ("fr", "aux environs d", False),
    ("fr", "dans la region de", False),
    ("fr", "dans la region d", False),
    ("fr", "region de", False),
    ("fr", "a", False),  # strong only when typed "à" (see _is_weak)
    ("fr", "sur", True),
    # German
    ("de", "im umkreis von {n} km um", False),
    ("de", "im umkreis von {n} km von", False),
    ("de", "im umkreis von {n} km", False),
    ("de", "im {n} km umkreis um", False),
    ("de", "im {n} km umkreis von", False),
    ("de", "innerhalb von {n} km um", False),
    ("de", "innerhalb von {n} km von", False),
    ("de", "{n} km um", False),
    ("de", "{n} km von", False),
    ("de", "in der nahe von", False),
    ("de", "in der umgebung von", False),
    ("de", "nahe bei", False),
    ("de", "nahe", False),
    ("de", "rund um", False),
    ("de", "im raum", False),
    ("de", "um", False),
    ("de", "bei", False),
    ("de", "in", False),
    ("de", "aus", True),
]
_KM = frozenset({"km", "kms", "kilometer", "kilometers", "kilometre", "kilometres", "kilometern"})


@dataclass(frozen=True)
class _Cue:
    words: tuple[str, ...]
    langs: frozenset[str]
    weak: bool


def _build_cues() -> list[_Cue]:
    merged: dict[tuple[str, ...], tuple[set[str], bool]] = {}
    for lang, pattern, weak in _CUES:
        words = tuple(pattern.split())
        langs, was_weak = merged.get(words, (set(), weak))
        langs.add(lang)
        merged[words] = (langs, was_weak and weak)
    cues = [_Cue(words, frozenset(langs), weak) for words, (langs, weak) in merged.items()]
    return sorted(cues, key=lambda c: -len(c.words))


CUES = _build_cues()


@dataclass
class Interpretation:
    """What ``understand`` made of a query. Places are gazetteer ``Place``s."""

    text: str
    #: The text minus the place phrase (cue + place + radius words): what the legs search.
    residual: str
    #: Guessed query language ("nl", "fr", "de", "en") or None when unclear.
    lang: str | None = None
    place: Place | None = None
    radius_km: float | None = None
    #: The place came with a cue word ("near", "bij", "à", ...).
    place_cue: bool = False
    #: True → radius filter (cue or explicit parameter); False → proximity preference only.
    place_filter: bool = False
    #: "text" (found in the query) or "param" (explicit place parameter), None without place.
    place_source: str | None = None
    #: The place words as typed ("près de Liège") and their span in ``text``.
    place_phrase: str | None = None
    #: Other places with the same name, best first (Bergen NL when Mons was chosen).
    alternatives: list[Place] = field(default_factory=list)
    #: An explicit place parameter that matched nothing.
    unresolved_place: str | None = None
    #: Place words typed in the text that name no known place ("in Reykjavik", "Gnet").
    unknown_place: str | None = None
    #: The place probably meant by ``unknown_place`` (gazetteer label), for "did you mean".
    place_suggestion: str | None = None
    #: Misspelt words read as taxonomy words: {"typed", "meant", "start", "end"}.
    corrections: list[dict[str, Any]] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    #: Labels of recognised terms in the other languages (English first), then the words of
    #: the request's concepts in the four languages (``concepts.py``: "Hochzeit" → wedding, …).
    expansions: list[str] = field(default_factory=list)
    #: Intent and object concepts the request names (``webapp/taxonomy/concepts.py``).
    concepts: list[Concept] = field(default_factory=list)
    terms: list[TermMatch] = field(default_factory=list)
    #: Removable parts for the "undo" UI; see ``understand`` and ``undo_params``.
    parts: list[dict[str, Any]] = field(default_factory=list)

    def did_you_mean(self) -> str | None:
        """The query with misspelt trade words and an unknown place replaced by what they
        probably meant, or None when nothing was corrected (the page links to it)."""
        edits = [(c["start"], c["end"], c["meant"]) for c in self.corrections]
        if self.unknown_place and self.place_suggestion and self.unknown_place_span:
            edits.append((*self.unknown_place_span, self.place_suggestion))
        if not edits:
            return None
        out = self.text
        for start, end, meant in sorted(edits, reverse=True):
            out = out[:start] + meant + out[end:]
        return out if out != self.text else None

    #: Where ``unknown_place`` stands in ``text`` (start, end).
    unknown_place_span: tuple[int, int] | None = None

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """JSON form (the API's ``query`` object plus the interpretation details)."""
        gazetteer = get_gazetteer()
        place = None
        if self.place is not None:
            place = {
                "id": self.place.id,
                "name": gazetteer.label(self.place, lang),
                "lat": self.place.lat,
                "lon": self.place.lon,
                "country": self.place.country,
                "region": self.place.region,
                "radius_km": self.radius_km,
                "filter": self.place_filter,
            }
        return {
            "text": self.text,
            "residual": self.residual,
            "lang": self.lang,
            "place": place,
            "sectors": list(self.sectors),
            "functions": list(self.functions),
            "expansions": list(self.expansions),
            "parts": [dict(p) for p in self.parts],
            "unknown_place": self.unknown_place,
            "place_suggestion": self.place_suggestion,
            "corrections": [dict(c) for c in self.corrections],
            "did_you_mean": self.did_you_mean(),
        }


@dataclass
class _PlaceHit:
    start_token: int  # first token of the whole phrase (cue included)
    end_token: int  # one past the last place token
    name_start: int  # first token of the place name
    places: list[Place]
    cue: _Cue | None
    radius_km: float | None


class Understander:
    """Holds the taxonomy, gazetteer and word lists; ``understand()`` uses a shared one."""

    def __init__(self, taxonomy: Taxonomy, gazetteer: Gazetteer) -> None:
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
        self.common = common_words()
        curated: set[str] = set()
        for labels in PLACE_LABELS.values():
            curated.update(normalize(label) for label in labels)
        self.curated = frozenset(curated)

    # -- compounds --
    def compound_function(self, word: str) -> tuple[str, str] | None:
        """(code, head) when ``word`` is a Dutch/German compound ending in a function name
        ("sportfotograaf" → photographer, "fotograaf"), else None. Longest head first."""
        folded = normalize(word)
        if " " in folded or not folded.isalpha():
            return None
        for i in range(COMPOUND_MIN_MODIFIER, len(folded) - COMPOUND_MIN_HEAD + 1):
            head = folded[i:]
            if folded[:i] in VERB_PREFIXES:
                continue
            code = self.taxonomy.resolve("function", head)
            if code is None:
                continue
            langs = self.taxonomy.surface_langs(head)
            if langs and not langs & COMPOUND_LANGS:
                continue  # an English/French word at the end of a Dutch/German one is chance
            return code, head
        return None

    def compound_terms(self, text: str, tokens: list[Token], terms: list[TermMatch]) -> list[TermMatch]:
        """Function terms for words the taxonomy does not list but whose compound head it does."""
        covered = [(t.start, t.end) for t in terms]
        out = []
        for token in tokens:
            if any(s <= token.start < e for s, e in covered):
                continue
            if token.folded in ALL_STOPWORDS or token.folded in self.common:
                continue
            found = self.compound_function(token.text)
            if found is None:
                continue
            code, head = found
            langs = self.taxonomy.surface_langs(head) & COMPOUND_LANGS
            lang = next(iter(langs)) if len(langs) == 1 else None
            out.append(TermMatch("function", code, token.start, token.end, lang, token.text))
        return out

    def title_functions(self, title: str | None) -> list[str]:
        """Function codes a free-text job title names, in order: the whole title when the
        taxonomy knows it, else every function term in it ("Graphiste et webdesigner" →
        graphic_designer, web_designer; "Photographe d'architecture" → photographer), including
        compounds ("Sportfotograaf" → photographer)."""
        title = (title or "").strip()
        if not title:
            return []
        code = self.taxonomy.resolve("function", title)
        if code is not None:
            return [code]
        tokens = tokenize(title)[:MAX_TOKENS]
        terms = self.taxonomy.find_terms(title, tokens)
        terms = sorted(terms + self.compound_terms(title, tokens, terms), key=lambda t: t.start)
        return list(dict.fromkeys(t.code for t in terms if t.kind == "function"))

    # -- the entry point --
    def understand(
        self,
        text: str | None,
        lang_hint: str | None = None,
        place: str | int | None = None,
        radius_km: float | str | None = None,
        *,
        noplace: bool = False,
        nofunction: Iterable[str] = (),
        nosector: Iterable[str] = (),
    ) -> Interpretation:
        text = (text or "").strip()
        tokens = tokenize(text)[:MAX_TOKENS]
        terms = self.taxonomy.find_terms(text, tokens)
        terms = sorted(terms + self.compound_terms(text, tokens, terms), key=lambda t: t.start)
        corrections: list[dict[str, Any]] = []
        fuzzy = self.fuzzy_terms(text, tokens, terms, corrections)
        if fuzzy:
            terms = sorted(terms + fuzzy, key=lambda t: t.start)
        ui_lang = lang_hint if lang_hint in LANGS else None
        radius = _parse_radius(radius_km)

        hit = None if noplace else self._find_place(text, tokens, terms, ui_lang)
        lang = self._guess_lang(tokens, terms, hit, ui_lang)
        if hit is not None and hit.places:
            # Rank again now that the query language is known, if the UI gave none.
            if ui_lang is None and lang is not None:
                key = " ".join(t.folded for t in tokens[hit.name_start : hit.end_token])
                hit.places = self.gazetteer.resolve(key, lang) or hit.places

        result = Interpretation(text=text, residual=text, lang=lang, terms=terms, corrections=corrections)
        display = ui_lang or lang or "en"
        if hit is None and not noplace and place in (None, ""):
            self._unknown_place(result, tokens, terms, display)

        if hit is not None:
            start, end = tokens[hit.start_token].start, tokens[hit.end_token - 1].end
            result.place_phrase = text[start:end]
            result.residual = _cut(text, start, end)
        explicit = None
        if place not in (None, ""):
            candidates = self.gazetteer.resolve(str(place), ui_lang or lang)
            if candidates:
                explicit = candidates
            else:
                result.unresolved_place = str(place)

        if explicit:
            result.place, result.alternatives = explicit[0], explicit[1:6]
            result.place_filter, result.place_cue, result.place_source = True, False, "param"
            result.radius_km = radius or (hit.radius_km if hit is not None else None) or DEFAULT_RADIUS_KM
        elif hit is not None:
            result.place, result.alternatives = hit.places[0], hit.places[1:6]
            result.place_cue = hit.cue is not None
            result.place_filter = result.place_cue
            result.place_source = "text"
            result.radius_km = hit.radius_km or radius or DEFAULT_RADIUS_KM
        if result.place is not None:
            result.parts.append(self._place_part(result, hit, tokens, display))

        # Functions and sectors: boosts, in the order they were typed.
        skip_f, skip_s = set(nofunction), set(nosector)
        place_span = (
            (tokens[hit.start_token].start, tokens[hit.end_token - 1].end) if hit is not None else (-1, -1)
        )
        for term in terms:
            if place_span[0] <= term.start < place_span[1]:
                continue
            target, skip = (result.functions, skip_f) if term.kind == "function" else (result.sectors, skip_s)
            if term.code in skip or term.code in target:
                continue
            target.append(term.code)
            result.parts.append(
                {
                    "kind": term.kind,
                    "code": term.code,
                    "label": self.taxonomy.label(term.kind, term.code, display),
                    "surface": term.surface,
                    "start": term.start,
                    "end": term.end,
                    "source": "text",
                    "filter": False,
                    "undo": {"drop": [], "add": [["no" + term.kind, term.code]]},
                }
            )
        result.expansions = self._expansions(result, terms)
        skip = [(t.start, t.end) for t in terms]
        if hit is not None:
            skip.append((tokens[hit.start_token].start, tokens[hit.end_token - 1].end))
        result.concepts = get_lexicon().find(tokens, skip, lang=lang)
        typed = {t.folded for t in tokens} | {normalize(e) for e in result.expansions}
        for concept in result.concepts:
            for word in concept.expansions():
                if normalize(word) not in typed:
                    typed.add(normalize(word))
                    result.expansions.append(word)
        return result

    # -- typos --
    def fuzzy_terms(
        self, text: str, tokens: list[Token], terms: list[TermMatch], corrections: list[dict[str, Any]]
    ) -> list[TermMatch]:
        """Taxonomy terms for misspelt words of a short query ("Tontechnicker", "tradcteur"):
        words no term covers, no stop word, common word or place name, within the typo budget
        of one taxonomy word (``Taxonomy.fuzzy_term``). Each correction is appended to
        ``corrections`` for the "did you mean" link."""
        content = [t for t in tokens if t.folded not in ALL_STOPWORDS]
        if not content or len(content) > FUZZY_MAX_WORDS:
            return []
        covered = [(t.start, t.end) for t in terms]
        out = []
        for token in content:
            if any(s <= token.start < e for s, e in covered):
                continue
            folded = token.folded
            if folded in self.common or self.gazetteer.has_name(folded) or not folded.isalpha():
                continue
            found = self._fuzzy(folded)
            if found is None:
                continue
            kind, code, meant, _edits = found
            langs = self.taxonomy.surface_langs(meant)
            lang = next(iter(langs)) if len(langs) == 1 else None
            out.append(TermMatch(kind, code, token.start, token.end, lang, token.text))  # type: ignore[arg-type]
            corrections.append({"typed": token.text, "meant": meant, "start": token.start, "end": token.end})
        return out

    def _fuzzy(self, folded: str) -> tuple[str, str, str, int] | None:
        cache = self.__dict__.setdefault("_fuzzy_cache", {})
        if folded not in cache:
            if len(cache) > 20_000:
                cache.clear()
            cache[folded] = self.taxonomy.fuzzy_term(folded)
        return cache[folded]

    def _place_typos(self) -> Any:
        """A TypoIndex over the names of places of at least FUZZY_PLACE_MIN_POPULATION_CUE
        (built on first use), and name → biggest population."""
        index = self.__dict__.get("_place_typo_index")
        if index is None:
            from indexer.text import TypoIndex

            biggest = self.gazetteer.name_populations(FUZZY_PLACE_MIN_POPULATION_CUE)
            index = self.__dict__["_place_typo_index"] = (TypoIndex(sorted(biggest)), biggest)
        return index

    def suggest_place(self, word: str, *, cue: bool) -> tuple[Place, str] | None:
        """The place a misspelt name probably means ("Gnet" → Gent) and the folded name it is one
        edit from (a swap of two letters counts one): a name of a big enough place, the biggest
        if several."""
        folded = normalize(word)
        if len(folded) < 4 or not folded.isalpha():
            return None
        index, biggest = self._place_typos()
        floor = FUZZY_PLACE_MIN_POPULATION_CUE if cue else FUZZY_PLACE_MIN_POPULATION
        hits = [(k, d) for k, d in index.close(folded, 1, max_hits=10) if biggest.get(k, 0) >= floor]
        if not hits:
            return None
        key = max(hits, key=lambda kd: (-kd[1], biggest[kd[0]]))[0]
        places = self.gazetteer.resolve(key)
        return (places[0], key) if places else None

    def _suggest_cached(self, word: str, cue: bool) -> tuple[Place, str] | None:
        cache = self.__dict__.setdefault("_suggest_cache", {})
        key = (normalize(word), cue)
        if key not in cache:
            if len(cache) > 20_000:
                cache.clear()
            cache[key] = self.suggest_place(word, cue=cue)
        return cache[key]

    def _spelling(self, place: Place, key: str, typed: str) -> str:
        """The name meant, written as its own label would be ("gent" → "Gent", "liege" → "Liège"),
        so "did you mean" changes only the misspelt word, in the language it was typed in."""
        for label in [place.name, *PLACE_LABELS.get(place.id, ())]:
            if label and normalize(label) == key:
                return label
        return key.capitalize() if typed[:1].isupper() else key

    def _unknown_place(
        self, result: Interpretation, tokens: list[Token], terms: list[TermMatch], lang: str
    ) -> None:
        """Fill ``unknown_place`` / ``place_suggestion`` when the text names a place we do not
        know: a capitalised word after a cue ("in Reykjavik") or a misspelt big place ("Gnet")."""
        covered = [(t.start, t.end) for t in terms]
        for i, token in enumerate(tokens):
            if any(s <= token.start < e for s, e in covered) or token.folded in ALL_STOPWORDS:
                continue
            after_cue = False
            for cue in CUES:
                if (
                    len(cue.words) == 1
                    and i > 0
                    and tokens[i - 1].folded == cue.words[0]
                    and "{n}" not in cue.words
                ):
                    after_cue = not cue.weak
                    break
            capitalised = token.text[:1].isupper() and i > 0
            if not (after_cue or capitalised) or (token.folded in self.common and not after_cue):
                continue  # a place is typed after a cue or with a capital ("fotograaf Gnet")
            suggestion = self._suggest_cached(token.text, after_cue)
            if suggestion is None and not (after_cue and capitalised and token.folded not in self.common):
                continue
            result.unknown_place = token.text
            result.unknown_place_span = (token.start, token.end)
            if suggestion is not None:
                result.place_suggestion = self._spelling(suggestion[0], suggestion[1], token.text)
            return

    # -- places --
    def _find_place(
        self, text: str, tokens: list[Token], terms: list[TermMatch], lang: str | None
    ) -> _PlaceHit | None:
        term_spans = [(t.start, t.end) for t in terms]
        # 1. A place after a cue word: becomes a filter.
        for i in range(len(tokens)):
            for cue in CUES:
                matched = _match_cue(tokens, i, cue)
                if matched is None:
                    continue
                after, radius = matched
                weak = cue.weak or (cue.words == ("a",) and tokens[i].text not in ("à", "À"))
                found = self._place_at(tokens, after, term_spans, lang, cue=True, weak=weak)
                if found:
                    end, places = found
                    return _PlaceHit(i, end, after, places, cue, radius)
        # 2. A name that cannot be anything else: a proximity preference.
        for i in range(len(tokens)):
            found = self._place_at(tokens, i, term_spans, lang, cue=False, weak=False)
            if found:
                end, places = found
                return _PlaceHit(i, end, i, places, None, None)
        return None

    def _place_at(
        self,
        tokens: list[Token],
        i: int,
        term_spans: list[tuple[int, int]],
        lang: str | None,
        *,
        cue: bool,
        weak: bool,
    ) -> tuple[int, list[Place]] | None:
        if i >= len(tokens):
            return None
        for n in range(min(MAX_PLACE_WORDS, len(tokens) - i), 0, -1):
            words = [t.folded for t in tokens[i : i + n]]
            key = " ".join(words)
            if not self.gazetteer.has_name(key):
                continue
            start, end = tokens[i].start, tokens[i + n - 1].end
            # A trade word wins over a place: "a boom operator", "in Film".
            if any(s < end and e > start for s, e in term_spans):
                continue
            if all(w in ALL_STOPWORDS for w in words) or len(key) < 2:
                continue
            places = self.gazetteer.resolve(key, lang)
            if not places:
                continue
            if self._acceptable(words, key, places, cue=cue, weak=weak):
                return i + n, places
        return None

    def _acceptable(self, words: list[str], key: str, places: list[Place], *, cue: bool, weak: bool) -> bool:
        top = max(p.population for p in places)
        ordinary = key in NOT_PLACES_WITHOUT_CUE or all(w in self.common or w in ALL_STOPWORDS for w in words)
        curated = key in self.curated and key not in NOT_PLACES_WITHOUT_CUE
        if cue and not weak:
            return not ordinary or top >= CUE_COMMON_MIN_POPULATION or curated
        if ordinary and not curated:
            return False
        if curated or cue:  # a weak cue still vouches for a name that is no common word
            return True
        if len(words) == 1:
            return len(key) >= 3 and top >= NO_CUE_MIN_POPULATION
        return top >= NO_CUE_MIN_POPULATION_MULTI

    def _place_part(
        self, result: Interpretation, hit: _PlaceHit | None, tokens: list[Token], lang: str
    ) -> dict[str, Any]:
        place = result.place
        assert place is not None
        part: dict[str, Any] = {
            "kind": "place",
            "id": place.id,
            "label": self.gazetteer.label(place, lang),
            "country": place.country,
            "region": self.gazetteer.region_label(place.country, place.region, lang),
            "radius_km": result.radius_km,
            "filter": result.place_filter,
            "source": result.place_source,
            "surface": result.place_phrase,
            "start": None,
            "end": None,
            "alternatives": [self.gazetteer.describe(p, lang) for p in result.alternatives],
        }
        if result.place_source == "param":
            part["surface"] = None
            part["undo"] = {"drop": ["place", "radius_km"], "add": []}
        else:
            part["undo"] = {"drop": [], "add": [["noplace", "1"]]}
        if hit is not None and result.place_source == "text":
            part["start"] = tokens[hit.start_token].start
            part["end"] = tokens[hit.end_token - 1].end
        return part

    # -- language --
    def _guess_lang(
        self, tokens: list[Token], terms: list[TermMatch], hit: _PlaceHit | None, hint: str | None
    ) -> str | None:
        score = dict.fromkeys(LANGS, 0.0)
        seen_spans = set()
        for term in terms:
            if term.lang and (term.start, term.end) not in seen_spans:
                seen_spans.add((term.start, term.end))
                score[term.lang] += 2
        in_place = range(hit.name_start, hit.end_token) if hit is not None else range(0)
        for i, token in enumerate(tokens):
            if i in in_place:  # "la" in "Aix-la-Chapelle" says nothing about the query
                continue
            owners = [lang for lang in LANGS if token.folded in STOPWORDS[lang]]
            for owner in owners:
                # a word of one language is evidence; "in" (en/nl/de) only breaks ties
                score[owner] += 1 if len(owners) == 1 else 0.25
            if token.text in ("à", "À"):
                score["fr"] += 1
        if hit is not None:
            if hit.cue is not None and len(hit.cue.langs) == 1:
                score[next(iter(hit.cue.langs))] += 1
            key = " ".join(t.folded for t in tokens[hit.name_start : hit.end_token])
            labels = PLACE_LABELS.get(hit.places[0].id) if hit.places else None
            if labels:
                owners = [lang for lang, label in zip(LANGS, labels, strict=True) if normalize(label) == key]
                if len(owners) == 1:  # "Gand" is French, "Luik" Dutch, "Lüttich" German
                    score[owners[0]] += 1
        best = max(score.values())
        if best <= 0:
            return None
        leaders = [lang for lang in LANGS if score[lang] == best]
        if len(leaders) == 1:
            return leaders[0]
        return hint if hint in leaders else None

    # -- expansions --
    def _expansions(self, result: Interpretation, terms: list[TermMatch]) -> list[str]:
        typed = {normalize(t.surface) for t in terms}
        seen = set(typed)
        out = []
        for kind, codes in (("function", result.functions), ("sector", result.sectors)):
            for code in codes:
                entry = self.taxonomy.get(kind, code)  # type: ignore[arg-type]
                if entry is None:
                    continue
                for lang in ("en", "nl", "fr", "de"):
                    label = entry.labels.get(lang)
                    if label and normalize(label) not in seen:
                        seen.add(normalize(label))
                        out.append(label)
        return out


def _match_cue(tokens: list[Token], i: int, cue: _Cue) -> tuple[int, float | None] | None:
    """Index after the cue and the radius it names, or None if the cue is not at ``i``."""
    radius = None
    j = i
    for word in cue.words:
        if j >= len(tokens):
            return None
        token = tokens[j].folded
        if word == "{n}":
            if not token.isdigit():
                return None
            radius = float(token)
        elif word == "km":
            if token not in _KM:
                return None
        elif token != word:
            return None
        j += 1
    if radius is not None:
        radius = min(max(radius, MIN_RADIUS_KM), MAX_RADIUS_KM)
    return j, radius


def _parse_radius(value: float | str | None) -> float | None:
    if value in (None, ""):
        return None
    try:
        radius = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if radius != radius or radius <= 0:  # NaN or nonsense
        return None
    return min(max(radius, MIN_RADIUS_KM), MAX_RADIUS_KM)


def _cut(text: str, start: int, end: int) -> str:
    """``text`` without ``text[start:end]``, whitespace and dangling punctuation tidied."""
    left, right = text[:start].rstrip(), text[end:].lstrip()
    joined = f"{left} {right}".strip() if left and right else (left or right)
    joined = re.sub(r"\s+([?!.,;:])", r"\1", " ".join(joined.split()))
    return joined.strip(" ,;:-–—/")


_shared: dict[tuple[int, int], Understander] = {}


def get_understander() -> Understander:
    taxonomy, gazetteer = get_taxonomy(), get_gazetteer()
    key = (id(taxonomy), id(gazetteer))
    understander = _shared.get(key)
    if understander is None:
        understander = _shared[key] = Understander(taxonomy, gazetteer)
    return understander


def understand(
    text: str | None,
    lang_hint: str | None = None,
    place: str | int | None = None,
    radius_km: float | str | None = None,
    *,
    noplace: bool = False,
    nofunction: Iterable[str] = (),
    nosector: Iterable[str] = (),
) -> Interpretation:
    """Interpret a search query (see module docstring).

    ``lang_hint`` is the reader's UI language: it ranks ambiguous places and picks label
    languages; the query's own language is guessed from its words. ``place``/``radius_km``
    are explicit filter parameters (a place id or name): they always filter. ``noplace``,
    ``nofunction`` and ``nosector`` undo parts found in the text (the ``undo`` of each part
    in ``parts`` names them).
    """
    return get_understander().understand(
        text,
        lang_hint,
        place,
        radius_km,
        noplace=noplace,
        nofunction=nofunction,
        nosector=nosector,
    )


def title_functions(title: str | None) -> list[str]:
    """Function codes named by a free-text job title (see ``Understander.title_functions``):
    what a card whose title the taxonomy does not resolve is searched as."""
    return get_understander().title_functions(title)


def undo_params(
    params: Mapping[str, Any] | Iterable[tuple[str, Any]], part: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """Request parameters with ``part`` undone (and the page reset): feed to ``url_for``/urlencode.

    ``params`` may be a dict, a Werkzeug MultiDict (every value kept) or (key, value) pairs.
    """
    if hasattr(params, "items") and callable(params.items):
        try:
            pairs = list(params.items(multi=True))  # type: ignore[call-arg]
        except TypeError:
            pairs = list(params.items())  # type: ignore[union-attr]
    else:
        pairs = list(params)  # type: ignore[arg-type]
    undo = part.get("undo") or {}
    drop = set(undo.get("drop", [])) | {"page"}
    out = [(str(k), str(v)) for k, v in pairs if k not in drop]
    for key, value in undo.get("add", []):
        if (key, str(value)) not in out:
            out.append((key, str(value)))
    return out
