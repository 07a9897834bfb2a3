"""The board's cross-language relevance sets and their scorer, through the real stack: listings
made by the real service, indexed by the outbox on the embedded backend with the real encoders,
queried through ``GET /api/v1/listings/search``.

Two sets: the first small one (``listings.jsonl``, ``queries.jsonl`` here; splits dev/heldout)
and the larger judged one in ``judged/`` (issue 10; splits tune/heldout, see its README).

    python -m tests.p2p.relevance.harness [--set small|judged]

prints recall@5, MRR and nDCG@5 per split and mode, and for the judged set per query language.
The queries were written and judged before looking at any result; "dev"/"tune" were looked at
while choosing the kind words and weights, "heldout" was not.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from tests.judged import mean

HERE = Path(__file__).resolve().parent
JUDGED = HERE / "judged"
MODES = ("lexical", "semantic", "hybrid")
K = 5


def load(name: str, directory: Path = HERE) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in (directory / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def build(app: Any, directory: Path = HERE) -> dict[int, str]:
    """Every judged listing, active and public, owned by one member; ids → keys."""
    from tests.factories import make_user
    from tests.p2p.helpers import index_now, make_listing

    owner = make_user("relevance-owner@example.org")
    ids = {}
    for row in load("listings.jsonl", directory):
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


def per_query(
    app: Any, ids: dict[int, str], directory: Path = HERE
) -> list[tuple[dict[str, Any], str, dict[str, float]]]:
    """(query, mode, metrics) for every query of the set in every mode."""
    client = app.test_client()
    out = []
    for query in load("queries.jsonl", directory):
        for mode in MODES:
            body = client.get(
                "/api/v1/listings/search", query_string={"q": query["q"], "mode": mode}
            ).get_json()
            ranked = [ids.get(r["id"], "?") for r in body["results"]]
            out.append((query, mode, score(ranked, query["relevant"])))
    return out


def evaluate(
    app: Any, ids: dict[int, str], directory: Path = HERE
) -> dict[tuple[str, str], dict[str, float]]:
    """(split, mode) → mean metrics."""
    return mean(per_query(app, ids, directory))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="small", choices=("small", "judged"))
    args = parser.parse_args()
    from tests.conftest import DATABASES, app_settings
    from webapp import create_app

    directory = JUDGED if args.set == "judged" else HERE
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(app_settings(Path(tmp) / "data"))
        with app.app_context():
            rows = per_query(app, build(app, directory), directory)
        DATABASES.close()
    queries = load("queries.jsonl", directory)
    splits = sorted({q["split"] for q in queries}, key=lambda s: s == "heldout")
    overall, by_lang = mean(rows), mean(rows, ("split", "lang"))
    n_listings = len(load("listings.jsonl", directory))
    for split in splits:
        n = sum(q["split"] == split for q in queries)
        print(f"{split} ({n} queries, {n_listings} listings in nl/fr/de/en)")
        for mode in MODES:
            m = overall[(split, mode)]
            print(f"  {mode:9s} recall@5 {m['recall@5']:.3f}  MRR {m['mrr']:.3f}  nDCG@5 {m['ndcg@5']:.3f}")
        if args.set == "judged":
            for lang in ("nl", "fr", "de", "en"):
                cells = "  ".join(
                    f"{mode[:3]} {by_lang[(split, lang, mode)]['recall@5']:.2f}/"
                    f"{by_lang[(split, lang, mode)]['mrr']:.2f}/{by_lang[(split, lang, mode)]['ndcg@5']:.2f}"
                    for mode in MODES
                )
                print(f"    {lang}  (R@5/MRR/nDCG@5)  {cells}")


if __name__ == "__main__":
    main()
