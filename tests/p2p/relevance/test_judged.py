"""The board's judged set (tests/p2p/relevance/judged, see its README): it is consistent, and on
its held-out queries the hybrid search is not worse than either leg alone in any query language,
through the real service, the outbox, the embedded backend with the real encoders and the API.
No floor is tuned to this machine: hybrid is compared with the legs measured in the same run."""

from __future__ import annotations

from collections import Counter

from tests.judged import legs_beating_hybrid
from tests.p2p.relevance import harness as H

LANGS = ("nl", "fr", "de", "en")


def test_the_judged_set_is_consistent():
    listings = H.load("listings.jsonl", H.JUDGED)
    queries = H.load("queries.jsonl", H.JUDGED)
    keys = [row["key"] for row in listings]
    assert len(keys) == len(set(keys)) >= 80
    assert {row["language"] for row in listings} == set(LANGS)
    assert {row["kind"] for row in listings} == {"equipment", "workspace", "mentoring", "coaching", "service"}
    assert {row["type"] for row in listings} == {"offer", "request"}
    assert len(queries) >= 60 and len({q["q"] for q in queries}) == len(queries)
    for query in queries:
        assert query["relevant"], query
        assert set(query["relevant"]) <= set(keys), query
        assert set(query["relevant"].values()) <= {1, 2}, query
        assert 2 in query["relevant"].values(), query
    for lang in LANGS:
        mine = [q for q in queries if q["lang"] == lang]
        assert [q["split"] for q in mine] == [("tune", "heldout")[i % 2] for i in range(len(mine))]
        assert Counter(q["split"] for q in mine)["heldout"] >= len(mine) / 3
    # Cross-language queries: a best listing is written in another language (most of the other
    # queries' relevant listings are too: a cluster has one listing per language).
    by_key = {row["key"]: row for row in listings}
    for query in (q for q in queries if q["type"] == "cross"):
        best = [k for k, g in query["relevant"].items() if g == 2]
        assert any(by_key[k]["language"] != query["lang"] for k in best), query
    other = [k for q in queries for k in q["relevant"] if by_key[k]["language"] != q["lang"]]
    assert len(other) > sum(len(q["relevant"]) for q in queries) / 2


def test_hybrid_is_not_worse_than_either_leg_on_held_out_queries_in_every_language(app):
    rows = H.per_query(app, H.build(app, H.JUDGED), H.JUDGED)
    means = H.mean(rows, ("split", "lang"))
    worse = legs_beating_hybrid(means, H.load("queries.jsonl", H.JUDGED), LANGS)
    assert not worse, worse
    # Far below the measured figures (MRR .71-.94 per language): a broken leg or index fails it.
    assert all(means[("heldout", lang, "hybrid")]["mrr"] >= 0.4 for lang in LANGS), means
