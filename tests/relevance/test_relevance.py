"""Hybrid search must beat lexical-only and semantic-only on the held-out judged queries.

The judged set (cards.jsonl, queries.jsonl) is described in tests/relevance/README.md; the
figures behind these assertions come from ``python -m bench.relevance --split held`` (both
held-out sets: "heldout", and "heldout2", written and judged blind after tuning).
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import MODEL_CACHE, database_url_for
from tests.relevance import harness


@pytest.fixture(scope="module")
def judged():
    """The judged cards and queries, read once for the module."""
    return harness.load_cards(), harness.load_queries()


def test_judged_set_is_consistent(judged):
    """Every judged id exists, every query has a relevant card, languages and splits are balanced."""
    cards, queries = judged
    assert harness.check_data(cards, queries) == []

    card_langs = Counter(c["card_language"] for c in cards)
    assert set(card_langs) == set(harness.LANGS)
    assert min(card_langs.values()) >= 0.2 * len(cards), card_langs

    per_lang = Counter(q.lang for q in queries)
    assert set(per_lang) == set(harness.LANGS)
    assert min(per_lang.values()) >= 40, per_lang
    for lang in harness.LANGS:
        mine = [q for q in queries if q.lang == lang]
        first = [q for q in mine if q.split != "heldout2"]
        held = sum(q.split == "heldout" for q in first)
        assert 0.4 <= held / len(first) <= 0.6, (lang, held, len(first))
        assert sum(q.split == "heldout2" for q in mine) >= 20, lang
        for kind in harness.TYPES:
            splits = {q.split for q in mine if q.type == kind}
            assert splits == set(harness.SPLITS), (lang, kind, splits)


def test_queries_cross_languages(judged):
    """Most relevant cards of a query are written in another language: cross-language is the point."""
    cards, queries = judged
    lang_of = {c["external_id"]: c["card_language"] for c in cards}
    for lang in harness.LANGS:
        pairs = [(q, cid) for q in queries if q.lang == lang for cid in q.relevant]
        other = sum(lang_of[cid] != lang for _, cid in pairs)
        assert other / len(pairs) >= 0.5, (lang, other, len(pairs))
        # and at least a third of the queries are answered only (or mostly) by other-language cards
        mostly_other = sum(
            1
            for q in queries
            if q.lang == lang and sum(lang_of[c] != lang for c in q.relevant) * 2 > len(q.relevant)
        )
        assert mostly_other * 3 >= sum(q.lang == lang for q in queries), (lang, mostly_other)


def test_metrics_on_known_rankings():
    """The metric functions themselves: capped recall, first-hit MRR, graded nDCG."""
    rel = {"a": 2, "b": 1, "c": 1}
    assert harness.recall_at_k(["x", "a", "y", "b"], rel, 10) == pytest.approx(2 / 3)
    assert harness.recall_at_k(["a"], {str(i): 1 for i in range(15)} | {"a": 2}, 10) == pytest.approx(1 / 10)
    assert harness.reciprocal_rank(["x", "y", "b"], rel) == pytest.approx(1 / 3)
    assert harness.reciprocal_rank(["x"] * 10 + ["a"], rel) == 0.0
    assert harness.ndcg_at_k(["a", "b", "c"], rel) == pytest.approx(1.0)
    assert harness.ndcg_at_k(["b", "a", "c"], rel) < 1.0
    assert harness.ndcg_at_k([], rel) == 0.0


@pytest.fixture(scope="module")
def heldout_scores(tmp_path_factory):
    """The judged cards imported and indexed once; every held-out query in the three modes."""
    data_dir = tmp_path_factory.mktemp("relevance") / "data"
    stack = harness.build_stack(data_dir, model_cache=MODEL_CACHE, DATABASE_URL=database_url_for(data_dir))
    try:
        assert stack.import_errors == [], stack.import_errors[:5]
        assert stack.drain_failed == 0
        assert len(stack.external_ids) == len(harness.load_cards())
        ranked = harness.run_queries(stack, harness.load_queries(split="held"))
    finally:
        stack.close()
    assert not any(r.degraded for r in ranked), "search answered from the degraded fallback"
    return harness.score(ranked)


@pytest.mark.parametrize("lang", harness.LANGS)
def test_hybrid_beats_lexical_and_semantic_heldout(heldout_scores, lang):
    """Per query language: hybrid R@10 and MRR ≥ both single legs, strictly better on at least one."""
    verdict = harness.hybrid_verdict(heldout_scores)[lang]
    table = harness.format_table([s for s in heldout_scores if s.query.lang == lang], ("lang",))
    h, lx, se = verdict["hybrid"], verdict["lexical"], verdict["semantic"]
    for metric in ("recall", "mrr"):
        assert h[metric] >= lx[metric] - 1e-9, f"hybrid {metric} < lexical\n{table}"
        assert h[metric] >= se[metric] - 1e-9, f"hybrid {metric} < semantic\n{table}"
    for name, other in (("lexical", lx), ("semantic", se)):
        assert h["recall"] > other["recall"] or h["mrr"] > other["mrr"], (
            f"hybrid not better than {name}\n{table}"
        )
