"""The board's cross-language relevance set and its scorer, through the real stack: listings made
by the real service, indexed by the outbox on the embedded backend with the real encoders, queried
through ``GET /api/v1/listings/search``.

``python -m tests.p2p.relevance.harness`` prints recall@5, MRR and nDCG@5 per split and mode;
``tests/p2p/relevance/test_relevance.py`` holds a floor on the held-out split. The queries were
written and judged before looking at any result; "dev" was looked at while choosing the kind
words in ``webapp/p2p/documents.py``, "heldout" was not.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODES = ("lexical", "semantic", "hybrid")
K = 5


def load(name: str) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def build(app: Any) -> dict[int, str]:
    """Every judged listing, active and public, owned by one member; ids → keys."""
    from tests.factories import make_user
    from tests.p2p.helpers import index_now, make_listing

    owner = make_user("relevance-owner@example.org")
    ids = {}
    for row in load("listings.jsonl"):
        listing = make_listing(
            owner,
            title=row["title"],
            description=row["description"],
            type=row["type"],
            kind=row["kind"],
            language=row["language"],
            where=row["place"],
            sectors=row["sectors"],
            pickup_address=None,
        )
        ids[listing.id] = row["key"]
    index_now()
    return ids


def score(ranked: list[str], relevant: dict[str, int]) -> dict[str, float]:
    top = ranked[:K]
    hits = [key for key in top if key in relevant]
    recall = len(hits) / min(len(relevant), K)
    mrr = next((1.0 / (i + 1) for i, key in enumerate(top) if key in relevant), 0.0)
    dcg = sum((2 ** relevant.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(top))
    ideal = sorted(relevant.values(), reverse=True)[:K]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return {"recall@5": recall, "mrr": mrr, "ndcg@5": dcg / idcg if idcg else 0.0}


def evaluate(app: Any, ids: dict[int, str]) -> dict[tuple[str, str], dict[str, float]]:
    """(split, mode) → mean metrics."""
    client = app.test_client()
    sums: dict[tuple[str, str], dict[str, float]] = {}
    counts: dict[tuple[str, str], int] = {}
    for query in load("queries.jsonl"):
        for mode in MODES:
            body = client.get(
                "/api/v1/listings/search", query_string={"q": query["q"], "mode": mode}
            ).get_json()
            ranked = [ids.get(r["id"], "?") for r in body["results"]]
            key = (query["split"], mode)
            metrics = score(ranked, query["relevant"])
            sums.setdefault(key, dict.fromkeys(metrics, 0.0))
            for name, value in metrics.items():
                sums[key][name] += value
            counts[key] = counts.get(key, 0) + 1
    return {
        key: {name: value / counts[key] for name, value in metrics.items()} for key, metrics in sums.items()
    }


def main() -> None:
    from tests.conftest import DATABASES, app_settings
    from webapp import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(app_settings(Path(tmp) / "data"))
        with app.app_context():
            results = evaluate(app, build(app))
        DATABASES.close()
    queries = load("queries.jsonl")
    for split in ("dev", "heldout"):
        n = sum(q["split"] == split for q in queries)
        print(f"{split} ({n} queries, {len(load('listings.jsonl'))} listings in nl/fr/de/en)")
        for mode in MODES:
            m = results[(split, mode)]
            print(f"  {mode:9s} recall@5 {m['recall@5']:.3f}  MRR {m['mrr']:.3f}  nDCG@5 {m['ndcg@5']:.3f}")


if __name__ == "__main__":
    main()
