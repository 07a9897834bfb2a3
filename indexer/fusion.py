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
#: en: MiniLM is the stronger English encoder, USE still helps with cards in nl/fr/de.
LANG_WEIGHTS: dict[str | None, dict[str, float]] = {
    "en": {LEXICAL: 1.0, USE_M3: 0.7, MINILM: 1.0},
    "nl": {LEXICAL: 1.0, USE_M3: 1.0, MINILM: 0.1},
    "fr": {LEXICAL: 1.0, USE_M3: 1.0, MINILM: 0.1},
    "de": {LEXICAL: 1.0, USE_M3: 1.0, MINILM: 0.1},
    None: {LEXICAL: 1.0, USE_M3: 1.0, MINILM: 0.35},
}
#: Weight of a vector leg not named above (an ``EMBEDDING_MODEL`` directory; multilingual
#: in production, so it is trusted in every language).
OTHER_VECTOR_WEIGHT = 1.0

#: Multiplier of the lexical weight by the number of the user's content words
#: (upper bound inclusive → factor; the last entry catches everything longer).
LEXICAL_LENGTH_FACTORS: tuple[tuple[float, float], ...] = (
    (1, 1.3),
    (2, 1.1),
    (4, 0.8),
    (7, 0.5),
    (math.inf, 0.3),
)

#: Weight of an expansion term (e.g. the English labels of a recognised Dutch trade name)
#: relative to one of the user's own words.
EXPANSION_WEIGHT = 0.5

#: A document counts as a lexical match (total, facets, fusion) when its BM25 is at least this
#: share of the best match: a long request otherwise "matches" every card sharing one common word.
LEXICAL_MATCH_FLOOR = 0.1

#: Vector neighbours considered per leg: they count as matches (total, facets) and the
#: similarity at this rank is the 0 of the leg's normalised score.
VECTOR_DEPTH = 100
#: Absolute similarity floors per model: below this a neighbour is noise, not a match.
VECTOR_FLOOR: dict[str, float] = {USE_M3: 0.25, MINILM: 0.2}
DEFAULT_VECTOR_FLOOR = 0.25

#: Added to the (0..1) fused score per boost field a document satisfies.
BOOST_BONUS = 0.2
#: Added to the fused score of a document within ``near.radius_km``, decaying to half at the edge.
NEAR_BONUS = 0.12

_TUNABLE = (
    "LANG_WEIGHTS",
    "OTHER_VECTOR_WEIGHT",
    "LEXICAL_LENGTH_FACTORS",
    "EXPANSION_WEIGHT",
    "LEXICAL_MATCH_FLOOR",
    "VECTOR_DEPTH",
    "VECTOR_FLOOR",
    "DEFAULT_VECTOR_FLOOR",
    "BOOST_BONUS",
    "NEAR_BONUS",
)


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


def length_factor(n_words: int) -> float:
    for bound, factor in LEXICAL_LENGTH_FACTORS:
        if n_words <= bound:
            return factor
    return LEXICAL_LENGTH_FACTORS[-1][1]


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
                length_factor(n_words) if query.mode == "hybrid" else 1.0
            )
    if query.mode in ("hybrid", "semantic"):
        for name in embedder_names:
            weights[name] = table.get(name, OTHER_VECTOR_WEIGHT)
    return {leg: w for leg, w in weights.items() if w > 0}


def vector_floor(leg: str) -> float:
    return VECTOR_FLOOR.get(leg, DEFAULT_VECTOR_FLOOR)


def normalise_lexical(scores: np.ndarray) -> np.ndarray:
    """BM25 relative to the best match of this query; 0 where nothing matched or below
    LEXICAL_MATCH_FLOOR."""
    top = float(scores.max()) if scores.size else 0.0
    if top <= 0:
        return np.zeros_like(scores, dtype=np.float32)
    out = (scores / np.float32(top)).astype(np.float32)
    out[out < LEXICAL_MATCH_FLOOR] = 0
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
) -> list[FusedHit]:
    """Fuse ranked lists (best first) from each leg into one ranking.

    For backends that get per-leg top-k lists (Elasticsearch's _msearch): vector legs
    should be fetched VECTOR_DEPTH deep so the normalisation matches the embedded
    backend's. ``bonuses`` adds a per-document amount (boosts, proximity) after fusion.
    """
    total_weight = sum(w for leg, w in weights.items() if leg in legs and w > 0) or 1.0
    hits: dict[str, FusedHit] = {}
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
    for doc_id, bonus in (bonuses or {}).items():
        if doc_id in hits:
            hits[doc_id].score += bonus
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
    return out
