"""Fusing the lexical leg and one vector leg per embedder, aware of the query's language.

Why not plain reciprocal-rank fusion: RRF(k=60) of BM25 + MiniLM loses to the
vector leg alone on long descriptive queries, and a plain sum or RRF of USE +
MiniLM throws away most of USE's cross-language gain (issue 3's table: USE finds
English cards from nl/fr/de trade names at R@10 .71-.93, MiniLM at .14-.36, the
sum at .57-.71). So each leg gets a weight from the query language and length,
scores are normalised per leg (lexical: relative to the best match; vectors:
min-max between the best similarity and the similarity at ``VECTOR_DEPTH``), and
the fused score is the weighted sum divided by the sum of weights (so it stays in
[0, 1] and bonuses for boosts / proximity have a fixed meaning).

Tuning: every knob is a named constant below. ``LANG_WEIGHTS`` (per language, per
leg), ``LEXICAL_LENGTH_FACTORS`` (short trade-name queries lean on the lexical
leg whose ``labels`` field carries trade names across languages, long
descriptions lean on the vectors), ``VECTOR_DEPTH`` / ``VECTOR_FLOOR`` (which
vector neighbours count as matches), ``EXPANSION_WEIGHT``, ``BOOST_BONUS`` and
``NEAR_BONUS``. Tests or the relevance bench may override them with
``set_tuning(...)`` / ``tuning(...)`` rather than editing the module.

Preferences (what query understanding recognised) come after the legs:

- a recognised function or sector adds a bonus (``FIELD_BOOSTS``), smaller the longer the
  request (``BOOST_LENGTH_FACTORS``): in "fotograaf" the trade word *is* the query, in a
  three-sentence job description a word that happens to be a trade or sector name
  ("Beleuchtung" in a café fit-out, "website" in a translation request) is one detail;
- a place *multiplies* the relevance of nearby matches (``NEAR_GAIN`` × ``closeness``) instead
  of adding a constant: a constant big enough to lift the one local photographer for
  "fotograaf Gand" also lifts every unrelated card in Ghent above photographers elsewhere,
  while a factor only lifts cards that already match the request. Without text (browsing)
  there is no relevance to scale, so proximity then adds ``NEAR_BONUS`` as before.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import numpy as np

from indexer.text import words
from indexer.types import SearchQuery

LEXICAL = "lexical"
USE_M3 = "use_m3"
MINILM = "minilm"

#: Leg weights by query language (query understanding's guess; None = unknown).
#: nl/fr/de: the multilingual USE carries meaning across languages, the English MiniLM
#: barely (R@10 .00-.36 from non-English queries) – it only gets a token weight.
#: en: MiniLM is the stronger English encoder, USE still helps with cards in nl/fr/de; with
#: two encoders reading the query's language natively the lexical leg counts half (tuned on the
#: judged set's tune split: 0.2-0.6 is a plateau, 0.7-1.0 lets single rare words such as
#: "wedding" pull wedding planners into "a DJ for our wedding").
LANG_WEIGHTS: dict[str | None, dict[str, float]] = {
    "en": {LEXICAL: 0.5, USE_M3: 0.7, MINILM: 1.0},
    "nl": {LEXICAL: 1.0, USE_M3: 1.0, MINILM: 0.1},
    "fr": {LEXICAL: 1.0, USE_M3: 1.0, MINILM: 0.1},
    "de": {LEXICAL: 1.0, USE_M3: 1.0, MINILM: 0.1},
    None: {LEXICAL: 1.0, USE_M3: 1.0, MINILM: 0.35},
}
#: Weight of a vector leg not named above (an ``EMBEDDING_MODEL`` directory; multilingual
#: in production, so it is trusted in every language).
OTHER_VECTOR_WEIGHT = 1.0

#: Multiplier of the lexical weight by the number of the user's content words
#: (upper bound inclusive → factor; the last entry catches everything longer). Long requests
#: keep half their lexical weight (0.3 before the concept lexicon gave their object words a way
#: into cards of other languages).
LEXICAL_LENGTH_FACTORS: tuple[tuple[float, float], ...] = (
    (1, 2.0),
    (2, 1.6),
    (4, 0.8),
    (7, 0.6),
    (math.inf, 0.5),
)

#: Weight of an expansion term (e.g. the English labels of a recognised Dutch trade name)
#: relative to one of the user's own words.
EXPANSION_WEIGHT = 0.5

#: Weight of a vocabulary word found from a misspelt query word (embedded: ``TypoIndex`` over
#: the index vocabulary for words no card has; Elasticsearch: the ``fuzziness: AUTO`` clause)
#: relative to an exact word: a typo match is evidence, not as much as the word itself.
FUZZY_WEIGHT = 0.5
#: A query word is expanded to at most this many close vocabulary words (embedded backend).
FUZZY_MAX_TERMS = 3

#: A document counts as a lexical match (total, facets, fusion) when its BM25 is at least this
#: share of the best match: a long request otherwise "matches" every card sharing one common word.
LEXICAL_MATCH_FLOOR = 0.1
#: How much a lexical match's share of the query's idf mass counts (``normalise_lexical``):
#: 0 = relative BM25 only (the old behaviour), 1 = proportional to the coverage.
#: 0.5 since the concept lexicon (webapp/taxonomy/concepts.py): a request's intent words now reach
#: cards in other languages through expansions, which cover less of the request's own words than
#: a same-language card does; the square root keeps that from hiding them (tuned on the large
#: set's tune split, see tests/relevance/README.md "Figures").
LEXICAL_COVERAGE_EXPONENT = 0.5

#: Vector neighbours considered per leg: they count as matches (total, facets) and the
#: similarity at this rank is the 0 of the leg's normalised score.
VECTOR_DEPTH = 100
#: Absolute similarity floors per model: below this a neighbour is noise, not a match.
#: (0.25 for USE cut the relevant card of a third of the large set's queries: cross-language
#: similarities of a Dutch request to an English card are often 0.15-0.25; the per-query gate
#: below now keeps nonsense out instead.)
VECTOR_FLOOR: dict[str, float] = {USE_M3: 0.1, MINILM: 0.1}
DEFAULT_VECTOR_FLOOR = 0.25
#: Per model: the best similarity of the query to any card must reach this, or the leg
#: contributes nothing to this query (nonsense finds nothing "close in meaning"). Calibrated
#: with ``python -m bench.semantic_floor`` (figures in bench/README.md).
VECTOR_GATE: dict[str, float] = {USE_M3: 0.18, MINILM: 0.0}
DEFAULT_VECTOR_GATE = 0.0
#: A leg whose gate another leg decides (see ``gated_legs``).
GATE_BY: dict[str, str] = {MINILM: USE_M3}

#: Added to the (0..1) fused score per boost field a document satisfies (fields not in
#: FIELD_BOOSTS; browsing without text uses it for every field).
BOOST_BONUS = 0.2
#: Bonus per boosted field with text: a recognised function names the trade asked for; a
#: sector only the field of work (and sector words are often just objects: "foto's", "video").
FIELD_BOOSTS: dict[str, float] = {"function": 0.25, "sector": 0.1}
#: Multiplier of the boosts by the number of the user's content words (upper bound inclusive).
#: Past six words none: in a job description a trade or sector word is mostly an object
#: ("comédiens" in a make-up request, "kapper" in a bookkeeping one) and its boost pushed the
#: right card out of the top ten on the large set's tune split.
BOOST_LENGTH_FACTORS: tuple[tuple[float, float], ...] = (
    (3, 1.0),
    (6, 0.5),
    (math.inf, 0.0),
)
#: Without text: added to the score of a document within ``near.radius_km``, decaying to half
#: at the edge (the order of a browse by place preference).
NEAR_BONUS = 0.12
#: With text: a match within ``near.radius_km`` has its score multiplied by
#: ``1 + NEAR_GAIN * closeness`` (closeness 1 at the centre, 0 at the edge) when the place is a
#: preference (named without a cue word: "fotograaf Gand").
NEAR_GAIN = 1.0
#: Distance (km) at which ``decay`` is 1/2: proximity matters over tens of kilometres.
NEAR_SCALE_KM = 40.0
#: Queries of at most this many content words that name a recognised trade put that trade's
#: cards first (``trade_first``), by adding TRADE_TIER after everything else.
TRADE_FIRST_MAX_WORDS = 3
TRADE_TIER = 10.0
#: The same inside a radius filter ("fotograaf in Gent": every match is in the place already),
#: where proximity only decides between matches of about the same relevance.
NEAR_GAIN_IN_FILTER = 0.1

#: A leg's confident hits keep a place in the fused top (issue 8: hybrid lost, on German
#: requests, cards the lexical leg alone ranked 1st-3rd, because the fused sum follows USE's
#: weight; descriptions lost MRR the same way). Each leg's best ``GUARANTEE_TOP`` hits whose
#: normalised score is at least ``GUARANTEE_MIN_VALUE`` (the lexical leg's is scaled by its
#: coverage of the request, so a one-word match of a long request does not qualify; a vector
#: leg's best is 1 by construction) are lifted, when lower, to just above the fused score at
#: rank ``GUARANTEE_RANK`` – in their leg's order, before boosts and proximity. Only legs with
#: at least ``GUARANTEE_MIN_SHARE`` of the query's weight take part (MiniLM's token weight on
#: nl/fr/de requests does not). 0 = off. Tuned on the large set's tune split.
GUARANTEE_TOP = 3
GUARANTEE_RANK = 3
GUARANTEE_MIN_VALUE = 0.7
GUARANTEE_MIN_SHARE = 0.2

_TUNABLE = (
    "LANG_WEIGHTS",
    "OTHER_VECTOR_WEIGHT",
    "LEXICAL_LENGTH_FACTORS",
    "EXPANSION_WEIGHT",
    "FUZZY_WEIGHT",
    "FUZZY_MAX_TERMS",
    "LEXICAL_MATCH_FLOOR",
    "LEXICAL_COVERAGE_EXPONENT",
    "VECTOR_DEPTH",
    "VECTOR_FLOOR",
    "DEFAULT_VECTOR_FLOOR",
    "VECTOR_GATE",
    "DEFAULT_VECTOR_GATE",
    "GATE_BY",
    "BOOST_BONUS",
    "FIELD_BOOSTS",
    "BOOST_LENGTH_FACTORS",
    "NEAR_BONUS",
    "NEAR_GAIN",
    "NEAR_GAIN_IN_FILTER",
    "NEAR_SCALE_KM",
    "TRADE_FIRST_MAX_WORDS",
    "TRADE_TIER",
    "GUARANTEE_TOP",
    "GUARANTEE_RANK",
    "GUARANTEE_MIN_VALUE",
    "GUARANTEE_MIN_SHARE",
)

#: What an entity may set for itself (``set_entity_tuning``): a factor on the lexical leg's weight
#: and the proximity gains. The constants above were tuned on the members' judged sets; events and
#: listings have their own judged sets (tests/events/relevance_set, tests/p2p/relevance/judged)
#: and are not cards: one goes to an event in person, so a meetup 200 km away is a poor match
#: for "illustrators Ghent" however close its text is. An entity without an entry uses the
#: module's values.
ENTITY_TUNABLE = ("LEXICAL_SCALE", "NEAR_GAIN", "NEAR_GAIN_IN_FILTER")
ENTITY_TUNING: dict[str, dict[str, float]] = {}


def set_tuning(**values: object) -> None:
    """Override tuning constants by name (for the relevance bench); unknown names raise."""
    unknown = set(values) - set(_TUNABLE)
    if unknown:
        raise KeyError(f"unknown tuning constants: {sorted(unknown)}")
    globals().update(values)


@contextlib.contextmanager
def tuning(**values: object) -> Iterator[None]:
    """Temporarily override tuning constants (restored on exit)."""
    saved = {name: globals()[name] for name in values if name in _TUNABLE}
    set_tuning(**values)
    try:
        yield
    finally:
        globals().update(saved)


def set_entity_tuning(entity: str, **values: float) -> None:
    """Set an entity's own values of ``ENTITY_TUNABLE`` (the web layer's entity specs do, at
    start); unknown names raise, an empty call resets the entity to the module's values."""
    unknown = set(values) - set(ENTITY_TUNABLE)
    if unknown:
        raise KeyError(f"unknown entity tuning: {sorted(unknown)}")
    ENTITY_TUNING[entity] = {name: float(value) for name, value in values.items()}


def entity_value(entity: str, name: str) -> float:
    """The entity's value of an ``ENTITY_TUNABLE`` name, else the module's (LEXICAL_SCALE: 1)."""
    own = ENTITY_TUNING.get(entity, {})
    if name in own:
        return own[name]
    return 1.0 if name == "LEXICAL_SCALE" else float(globals()[name])


def _by_length(table: tuple[tuple[float, float], ...], n_words: int) -> float:
    for bound, factor in table:
        if n_words <= bound:
            return factor
    return table[-1][1]


def length_factor(n_words: int) -> float:
    """Multiplier of the lexical leg's weight for a query of ``n_words`` content words."""
    return _by_length(LEXICAL_LENGTH_FACTORS, n_words)


def boost_bonuses(query: SearchQuery) -> dict[str, float]:
    """Bonus per boosted field a document satisfies, for this query.

    With text, a function boost weighs more than a sector boost and both shrink with the
    length of the request (see the module docstring); without text every field adds
    ``BOOST_BONUS`` (the browse order, unchanged)."""
    fields = [name for name, values in query.boosts.items() if values]
    n_words = len(words(query.text))
    if not n_words:
        return dict.fromkeys(fields, BOOST_BONUS)
    factor = _by_length(BOOST_LENGTH_FACTORS, n_words)
    return {name: FIELD_BOOSTS.get(name, BOOST_BONUS) * factor for name in fields}


def closeness(km: np.ndarray | float, radius_km: float) -> np.ndarray:
    """1 at the centre, falling linearly to 0 at ``radius_km`` and 0 beyond (NaN → 0)."""
    km = np.asarray(km, dtype=np.float64)
    out = 1.0 - np.nan_to_num(km, nan=np.inf) / max(float(radius_km), 1e-6)
    return np.clip(out, 0.0, 1.0)


def near_gain(query: SearchQuery) -> float:
    """NEAR_GAIN for a proximity preference, NEAR_GAIN_IN_FILTER when the query also has a
    radius filter (the page passes the filter's place as ``near`` too)."""
    return entity_value(query.entity, "NEAR_GAIN" if query.geo is None else "NEAR_GAIN_IN_FILTER")


def decay(km: np.ndarray | float) -> np.ndarray:
    """Smooth proximity: 1 at the place, 1/2 at ``NEAR_SCALE_KM``, 1/4 at three times that, and
    never quite 0 (NaN → 0). Not cut at the radius: among photographers, one 50 km away still
    goes before one in Stockholm (issue 8: "fotograaf Gent" put Stockholm before Brussels)."""
    km = np.nan_to_num(np.asarray(km, dtype=np.float64), nan=np.inf)
    return 1.0 / (1.0 + np.maximum(km, 0.0) / NEAR_SCALE_KM)


def near_factor(km: np.ndarray | float, radius_km: float, gain: float | None = None) -> np.ndarray:
    """What a text match's score is multiplied by at ``km`` from the preferred place:
    ``1 + gain × decay(km)`` (``radius_km`` no longer cuts it; kept for the callers' shape)."""
    return 1.0 + (NEAR_GAIN if gain is None else gain) * decay(km)


def trade_first(query: SearchQuery) -> bool:
    """A short query naming a recognised trade ("Tontechniker Köln", "fotograaf"): cards of that
    trade rank before any other (``TRADE_TIER``); in a longer request a trade word is one
    detail and only adds its boost."""
    return bool(query.boosts.get("function")) and 0 < len(words(query.text)) <= TRADE_FIRST_MAX_WORDS


def trade_tier(query: SearchQuery, functions: Sequence[str]) -> float:
    """What a document with these function codes gets added last (0 or ``TRADE_TIER``)."""
    if not trade_first(query):
        return 0.0
    return TRADE_TIER if set(functions) & set(query.boosts.get("function", ())) else 0.0


def leg_weights(query: SearchQuery, embedder_names: Sequence[str]) -> dict[str, float]:
    """Fusion weight per leg for this query; legs with weight 0 are not run at all
    (so a "lexical" query never pays for a query embedding)."""
    if not query.text.strip():
        return {}
    table = LANG_WEIGHTS.get(query.lang) or LANG_WEIGHTS[None]
    weights: dict[str, float] = {}
    if query.mode in ("hybrid", "lexical"):
        n_words = len(words(query.text))
        if n_words or query.expansions:
            weights[LEXICAL] = table.get(LEXICAL, 1.0) * (
                length_factor(n_words) * entity_value(query.entity, "LEXICAL_SCALE")
                if query.mode == "hybrid"
                else 1.0
            )
    if query.mode in ("hybrid", "semantic"):
        for name in embedder_names:
            weights[name] = table.get(name, OTHER_VECTOR_WEIGHT)
    return {leg: w for leg, w in weights.items() if w > 0}


def vector_floor(leg: str) -> float:
    return VECTOR_FLOOR.get(leg, DEFAULT_VECTOR_FLOOR)


def vector_gate(leg: str) -> float:
    """The similarity the best card must reach for the leg to count at all (``VECTOR_GATE``)."""
    return VECTOR_GATE.get(leg, DEFAULT_VECTOR_GATE)


def gated_legs(tops: dict[str, float]) -> set[str]:
    """Vector legs that count for this query, from each leg's best similarity: a leg whose best
    card stays under its gate found nothing ("zzqqxx"). The multilingual leg vouches for the
    others (``GATE_BY``): MiniLM gives random letters similarities as high as real English
    requests get, so it cannot tell nonsense by itself (bench/semantic_floor.py)."""
    passed = {leg for leg, top in tops.items() if top >= vector_gate(leg)}
    out = set()
    for leg in tops:
        judge = GATE_BY.get(leg)
        if judge is not None and judge in tops:
            if judge in passed:
                out.add(leg)
        elif leg in passed:
            out.add(leg)
    return out


def normalise_lexical(scores: np.ndarray, coverage: np.ndarray | None = None) -> np.ndarray:
    """BM25 relative to the best match of this query; 0 where nothing matched or below
    LEXICAL_MATCH_FLOOR.

    With ``coverage`` (per document, the share of the query's idf mass its matched words carry)
    the relative score is multiplied by ``coverage ** LEXICAL_COVERAGE_EXPONENT``: relative
    normalisation alone gives the best lexical match 1.0 even when it shares one word of a
    twelve-word request ("organiser", "concert") with the query, and that full-weight vote
    pushed the vector legs' good answers out of the top ten (issue 8)."""
    top = float(scores.max()) if scores.size else 0.0
    if top <= 0:
        return np.zeros_like(scores, dtype=np.float32)
    out = (scores / np.float32(top)).astype(np.float32)
    out[out < LEXICAL_MATCH_FLOOR] = 0
    if coverage is not None and LEXICAL_COVERAGE_EXPONENT:
        out *= np.clip(coverage, 0.0, 1.0).astype(np.float32) ** np.float32(LEXICAL_COVERAGE_EXPONENT)
    return out


def vector_bounds(sorted_desc: np.ndarray, leg: str) -> tuple[float, float]:
    """(top, zero point) of a vector leg from its similarities, best first: the zero point is
    the similarity at VECTOR_DEPTH (or the model's floor if higher)."""
    floor = vector_floor(leg)
    if sorted_desc.size >= VECTOR_DEPTH:
        floor = max(floor, float(sorted_desc[VECTOR_DEPTH - 1]))
    top = float(sorted_desc[0]) if sorted_desc.size else floor
    return top, floor


def normalise_vector(scores: np.ndarray, top: float, floor: float) -> np.ndarray:
    """Min-max between the zero point and the best similarity, clipped to [0, 1]."""
    span = max(top - floor, 1e-6)
    out = (scores - floor) / span
    np.clip(out, 0.0, 1.0, out=out)
    return out.astype(np.float32, copy=False)


@dataclass
class FusedHit:
    id: str
    score: float
    #: leg → (1-based rank, raw score) for the legs that returned this document.
    legs: dict[str, tuple[int, float]] = field(default_factory=dict)
    #: leg → weighted normalised contribution to ``score`` (before bonuses).
    contributions: dict[str, float] = field(default_factory=dict)


def fuse(
    legs: dict[str, list[tuple[str, float]]],
    weights: dict[str, float],
    *,
    bonuses: dict[str, float] | None = None,
    factors: dict[str, float] | None = None,
    tiers: dict[str, float] | None = None,
) -> list[FusedHit]:
    """Fuse ranked lists (best first) from each leg into one ranking.

    For backends that get per-leg top-k lists (Elasticsearch's _msearch): vector legs
    should be fetched VECTOR_DEPTH deep so the normalisation matches the embedded
    backend's. ``bonuses`` adds a per-document amount (boosts) after fusion, then
    ``factors`` multiplies (proximity, ``near_factor``), then ``tiers`` adds (``trade_tier``).
    """
    tops = {leg: max(s for _, s in ranked) for leg, ranked in legs.items() if leg != LEXICAL and ranked}
    counted = gated_legs(tops)
    legs = {leg: ranked for leg, ranked in legs.items() if leg == LEXICAL or leg in counted}
    total_weight = sum(w for leg, w in weights.items() if leg in legs and w > 0) or 1.0
    hits: dict[str, FusedHit] = {}
    normalised: dict[str, dict[str, float]] = {}
    for leg, ranked in legs.items():
        weight = weights.get(leg, 0.0)
        if weight <= 0 or not ranked:
            continue
        raw = np.array([score for _, score in ranked], dtype=np.float32)
        if leg == LEXICAL:
            norm = normalise_lexical(raw)
        else:
            top, floor = vector_bounds(np.sort(raw)[::-1], leg)
            norm = normalise_vector(raw, top, floor)
        for rank, ((doc_id, score), value) in enumerate(zip(ranked, norm, strict=True), start=1):
            if value <= 0:
                continue  # below the leg's floor: not a match
            hit = hits.get(doc_id)
            if hit is None:
                hit = hits[doc_id] = FusedHit(doc_id, 0.0)
            hit.legs[leg] = (rank, float(score))
            contribution = weight * float(value) / total_weight
            hit.contributions[leg] = contribution
            hit.score += contribution
            normalised.setdefault(leg, {})[doc_id] = float(value)
    if hits and normalised:
        order = list(hits)
        lifted = guarantee_leg_tops(
            np.array([hits[d].score for d in order], dtype=np.float32),
            {
                leg: np.array([values.get(d, 0.0) for d in order], dtype=np.float32)
                for leg, values in normalised.items()
            },
            weights,
        )
        for doc_id, value in zip(order, lifted, strict=True):
            hits[doc_id].score = float(value)
    for doc_id, bonus in (bonuses or {}).items():
        if doc_id in hits:
            hits[doc_id].score += bonus
    for doc_id, factor in (factors or {}).items():
        if doc_id in hits:
            hits[doc_id].score *= factor
    for doc_id, tier in (tiers or {}).items():
        if doc_id in hits:
            hits[doc_id].score += tier
    return sorted(hits.values(), key=lambda h: (-h.score, h.id))


def fuse_dense(
    normalised: dict[str, np.ndarray],
    weights: dict[str, float],
) -> np.ndarray:
    """The same weighted sum over whole score vectors (embedded backend): each array holds a
    leg's normalised score per row, 0 where the leg did not match."""
    total_weight = sum(w for leg, w in weights.items() if leg in normalised and w > 0) or 1.0
    out: np.ndarray | None = None
    for leg, values in normalised.items():
        weight = weights.get(leg, 0.0)
        if weight <= 0:
            continue
        term = values * np.float32(weight / total_weight)
        out = term if out is None else out + term
    if out is None:
        raise ValueError("no leg with a positive weight")
    return guarantee_leg_tops(out, normalised, weights)


def guarantee_leg_tops(
    score: np.ndarray, normalised: dict[str, np.ndarray], weights: dict[str, float]
) -> np.ndarray:
    """``score`` (the fused sum per document) with each qualifying leg's best hits lifted into the
    fused top ``GUARANTEE_RANK`` (see ``GUARANTEE_TOP``). Documents no leg matched stay as
    they are; a lifted document lands just above the score at that rank, in its leg's order, so
    the lift moves it into the top without reordering what is already there."""
    n = int(score.size)
    if GUARANTEE_TOP <= 0 or n == 0:
        return score
    total = sum(w for leg, w in weights.items() if leg in normalised and w > 0) or 1.0
    picks: list[tuple[int, int]] = []
    for leg, values in normalised.items():
        weight = weights.get(leg, 0.0)
        if weight <= 0 or weight / total < GUARANTEE_MIN_SHARE:
            continue
        m = min(GUARANTEE_TOP, n)
        rows = np.argpartition(-values, m - 1)[:m]
        rows = rows[np.lexsort((rows, -values[rows]))]
        picks += [
            (rank, int(row))
            for rank, row in enumerate(rows)
            if values[row] > 0 and values[row] >= GUARANTEE_MIN_VALUE
        ]
    if not picks:
        return score
    k = min(GUARANTEE_RANK, n)
    threshold = float(np.partition(score, n - k)[n - k])
    out = score.copy()
    step = 1e-4
    for rank, row in sorted(picks):
        floor = threshold + step * (GUARANTEE_TOP - rank)
        if out[row] < floor:
            # Same leg rank: the better fused score first (``score`` is below the threshold).
            out[row] = floor + step * 0.5 * float(score[row]) / max(threshold, 1e-6)
    return out
