"""How closely an encoder ranks like a reference encoder: the fixed text set and the metrics.

Shared by tests/indexer/test_minilm_agreement.py (which asserts them) and bench/encoder.py (which
prints them for each quantisation recipe and CPU), so that both measure the same thing: the
judged member cards of tests/relevance, searched with a fixed set of their queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from tests.relevance.harness import LANGS, TYPES, load_cards, load_queries

#: Queries per language and query type: 4 languages × 4 types × 3 = 48 queries.
PER_LANG_AND_TYPE = 3
TOP_K = 10


def card_text(card: dict[str, Any]) -> str:
    """A card as the encoder sees it, in the shape of ``member_embed_text`` (trade, sectors and
    place first, then headline, skills and bio), without the app that builds the real one."""
    lead = card["function"]
    if card.get("sectors"):
        lead += f" ({', '.join(card['sectors'])})"
    if card.get("place"):
        lead += f" in {card['place']}"
    parts = [lead, card.get("headline", "").strip().rstrip(".")]
    if card.get("skills"):
        parts.append("Skills: " + ", ".join(card["skills"]))
    return ". ".join(p for p in parts if p) + ". " + card.get("bio", "")


def card_texts() -> list[str]:
    """The 257 judged cards (nl/fr/de/en), in file order."""
    return [card_text(card) for card in load_cards()]


def query_texts() -> list[str]:
    """The first queries of each language × type in the judged file: bare trades, trade + place,
    natural requests and job descriptions, in nl/fr/de/en."""
    taken: dict[tuple[str, str], list[str]] = defaultdict(list)
    for query in load_queries(split="all"):
        group = taken[(query.lang, query.type)]
        if len(group) < PER_LANG_AND_TYPE:
            group.append(query.text)
    return [text for lang in LANGS for kind in TYPES for text in taken[(lang, kind)]]


def _ranks(scores: np.ndarray) -> np.ndarray:
    ranks = np.empty_like(scores)
    ranks[np.argsort(scores)] = np.arange(len(scores), dtype=scores.dtype)
    return ranks


@dataclass(frozen=True)
class Agreement:
    """Our vectors next to the reference's: per text and per query's ranking of the cards."""

    #: Cosine of each card vector (batch ``encode``) with the reference's.
    card_cosines: np.ndarray
    #: Cosine of each query vector (``encode_query``) with the reference's.
    query_cosines: np.ndarray
    #: Per query: the share of the reference's top 10 cards that are also in ours.
    top_overlap: np.ndarray
    #: Per query: Spearman's rank correlation of the card scores over all cards.
    spearman: np.ndarray
    #: Per query: the share of the reference's top 5 cards that are in our top 10 (the first page
    #: shows what the reference ranks best, whatever happens at the tenth place's near-ties).
    top5_in_top10: np.ndarray
    #: Per query: the reference's best card is among our first three.
    top1_in_top3: np.ndarray

    def summary(self) -> dict[str, float]:
        """The figures bench/encoder.py prints."""
        return {
            "card_cos_min": float(self.card_cosines.min()),
            "card_cos_mean": float(self.card_cosines.mean()),
            "query_cos_min": float(self.query_cosines.min()),
            "query_cos_mean": float(self.query_cosines.mean()),
            "top10_overlap_min": float(self.top_overlap.min()),
            "top10_overlap_mean": float(self.top_overlap.mean()),
            "spearman_min": float(self.spearman.min()),
            "spearman_mean": float(self.spearman.mean()),
            "top5_in_top10_min": float(self.top5_in_top10.min()),
            "top5_in_top10_mean": float(self.top5_in_top10.mean()),
            "top1_in_top3": float(self.top1_in_top3.mean()),
        }


def agreement(
    cards: np.ndarray, queries: np.ndarray, ref_cards: np.ndarray, ref_queries: np.ndarray
) -> Agreement:
    """Compare L2-normalised (texts, dims) matrices of the same cards and queries."""
    ours = queries @ cards.T
    theirs = ref_queries @ ref_cards.T
    overlap, spearman, top5, top1 = [], [], [], []
    for mine, ref in zip(ours, theirs, strict=True):
        ref_top = np.argsort(-ref)[:TOP_K]
        my_order = np.argsort(-mine)
        overlap.append(len(set(ref_top) & set(my_order[:TOP_K])) / TOP_K)
        spearman.append(float(np.corrcoef(_ranks(mine), _ranks(ref))[0, 1]))
        top5.append(len(set(ref_top[:5]) & set(my_order[:TOP_K])) / 5)
        top1.append(ref_top[0] in my_order[:3])
    return Agreement(
        card_cosines=(cards * ref_cards).sum(axis=1),
        query_cosines=(queries * ref_queries).sum(axis=1),
        top_overlap=np.array(overlap),
        spearman=np.array(spearman),
        top5_in_top10=np.array(top5),
        top1_in_top3=np.array(top1),
    )
