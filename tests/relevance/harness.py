"""Relevance evaluation through the real stack: import judged cards, query the JSON API, score.

Shared by ``bench/relevance.py`` (prints the table) and ``tests/relevance/test_relevance.py``
(asserts hybrid beats both single legs on the held-out split). Only stable interfaces are
used: ``create_app``, the importer, the search outbox and ``GET /api/v1/members/search``, so
the figures are what a client of the API would see.

Metrics (per query, then averaged):

- recall@k: judged-relevant cards (grade ≥ 1) in the top k, divided by min(#relevant, k), so a
  query with 15 relevant photographers can still reach 1.0;
- MRR: 1 / rank of the first relevant card in the top k (0 when none);
- nDCG@k: graded gain 2^g − 1 (2 = perfect, 1 = acceptable), ideal from the judgements.
"""

from __future__ import annotations

import ast
import contextlib
import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CARDS = HERE / "cards.jsonl"
QUERIES = HERE / "queries.jsonl"
#: A second held-out set (split "heldout2"), written and judged blind after the fusion
#: had been tuned: fresh queries nobody had run through the system.
QUERIES_EXTRA = HERE / "queries_extra.jsonl"
#: The large set of issue 8 (``large/README.md``): ~1,000 demo cards, one English card per
#: target trade, natural requests / job descriptions / search-box words / typos.
LARGE = HERE / "large"
LARGE_CARDS = LARGE / "cards.jsonl"
LARGE_QUERIES = LARGE / "queries.jsonl"

MODES = ("lexical", "semantic", "hybrid")
LANGS = ("nl", "fr", "de", "en")
TYPES = ("trade", "trade_place", "natural", "description", "words", "typo")
SPLITS = ("tune", "heldout", "heldout2")
#: Names accepted by ``load_queries(split=...)``: a split, "held" (both held-out sets) or "all".
SPLIT_CHOICES = (*SPLITS, "held", "all")
K = 10


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Query:
    id: str
    lang: str
    type: str
    text: str
    split: str
    #: external_id → grade (2 = perfect, 1 = acceptable).
    relevant: dict[str, int]


def load_cards(path: Path = CARDS) -> list[dict[str, Any]]:
    """The judged member cards, in the importer's JSON-lines format."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_queries(path: Path | None = None, split: str = "all") -> list[Query]:
    """Judged queries of one file (default: both files); ``split`` is one of SPLIT_CHOICES."""
    wanted = {"all": set(SPLITS), "held": {"heldout", "heldout2"}}.get(split, {split})
    out = []
    for one in (path,) if path else (QUERIES, QUERIES_EXTRA):
        with open(one, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                raw = json.loads(line)
                q = Query(
                    raw["id"],
                    raw["lang"],
                    raw["type"],
                    raw["text"],
                    raw["split"],
                    {k: int(v) for k, v in raw["relevant"].items()},
                )
                if q.split in wanted:
                    out.append(q)
    return out


def check_data(cards: Sequence[dict[str, Any]], queries: Sequence[Query]) -> list[str]:
    """Consistency problems of the judged set (empty list = fine)."""
    problems: list[str] = []
    ids = [c.get("external_id") for c in cards]
    known = set(ids)
    if len(known) != len(ids):
        problems.append("duplicate external_id in cards")
    for c in cards:
        if c.get("visibility", "public" if c.get("published") else "draft") != "public":
            problems.append(f"card {c.get('external_id')} is not public (anonymous search cannot see it)")
        if c.get("card_language") not in LANGS:
            problems.append(f"card {c.get('external_id')} has no card_language")
    seen = set()
    for q in queries:
        if q.id in seen:
            problems.append(f"duplicate query id {q.id}")
        seen.add(q.id)
        if q.lang not in LANGS or q.type not in TYPES or q.split not in SPLITS:
            problems.append(f"query {q.id}: bad lang/type/split {q.lang}/{q.type}/{q.split}")
        if not any(g >= 1 for g in q.relevant.values()):
            problems.append(f"query {q.id} has no relevant card")
        for cid, g in q.relevant.items():
            if cid not in known:
                problems.append(f"query {q.id} judges unknown card {cid}")
            if g not in (1, 2):
                problems.append(f"query {q.id}: grade {g} for {cid} (use 1 or 2)")
    return problems


# --------------------------------------------------------------------------- stack


@dataclass
class Stack:
    """A Flask app holding the judged cards, indexed, plus an anonymous API client."""

    app: Any
    client: Any
    #: API result id (member profile id) → the card's external_id.
    external_ids: dict[int, str]
    import_summary: str
    import_errors: list[tuple[int, str]]
    index_seconds: float
    drain_failed: int

    def close(self) -> None:
        from webapp.core.search import close_service
        from webapp.extensions import db

        with self.app.app_context():
            close_service(self.app)
            db.session.remove()
            db.engine.dispose()


def app_config(data_dir: Path | str, model_cache: Path | str | None = None, **extra: Any) -> dict[str, Any]:
    """Settings of the evaluation app: a fresh data directory, embedded backend, no threads."""
    cfg: dict[str, Any] = {
        "DATA_DIR": str(data_dir),
        "TESTING": True,
        "BACKGROUND_WORKERS": False,
        "DEMO_ON_FIRST_START": False,
        "MODEL_CACHE_DIR": str(model_cache or (REPO / ".cache" / "models")),
        "SECRET_KEY": "relevance-bench",
        "SEARCH_BACKEND": "embedded",
        "ELASTICSEARCH_URL": None,
        "MAIL_URL": None,
        "RATELIMIT_ENABLED": False,
    }
    cfg.update(extra)
    return cfg


def build_stack(
    data_dir: Path | str,
    *,
    cards_path: Path = CARDS,
    model_cache: Path | str | None = None,
    **extra_config: Any,
) -> Stack:
    """Create the app, import the judged cards with the real importer, drain the search outbox."""
    from sqlalchemy import select

    from webapp import create_app
    from webapp.core.search import drain_all
    from webapp.directory.importer import import_records
    from webapp.directory.models import MemberProfile
    from webapp.extensions import db

    app = create_app(app_config(data_dir, model_cache, **extra_config))
    with app.app_context():
        report = import_records(load_cards(cards_path))
        started = time.perf_counter()
        drained = drain_all()
        index_seconds = time.perf_counter() - started
        rows = db.session.execute(select(MemberProfile.id, MemberProfile.external_id)).all()
        external_ids = {int(pid): ext for pid, ext in rows if ext}
        db.session.remove()
    return Stack(
        app,
        app.test_client(),
        external_ids,
        report.summary(),
        list(report.errors),
        index_seconds,
        drained.failed,
    )


@dataclass
class Ranked:
    query: Query
    mode: str
    ids: list[str]
    seconds: float
    #: What the API understood (place, functions, sectors), for failure analysis.
    understood: dict[str, Any] = field(default_factory=dict)
    degraded: bool = False


def search(stack: Stack, text: str, mode: str, k: int = K) -> tuple[list[str], dict[str, Any], bool]:
    """One API call; returns the ranked external ids, the API's ``query`` echo and its degraded flag."""
    resp = stack.client.get("/api/v1/members/search", query_string={"q": text, "mode": mode, "per_page": k})
    if resp.status_code != 200:
        raise RuntimeError(
            f"search {mode} {text!r}: HTTP {resp.status_code} {resp.get_data(as_text=True)[:300]}"
        )
    payload = resp.get_json()
    ids = [stack.external_ids.get(int(r["id"]), f"?{r['id']}") for r in payload["results"]]
    return ids, payload.get("query") or {}, bool(payload.get("degraded"))


def run_queries(
    stack: Stack, queries: Iterable[Query], modes: Sequence[str] = MODES, k: int = K
) -> list[Ranked]:
    """Every query in every mode, through the API."""
    out = []
    for q in queries:
        for mode in modes:
            started = time.perf_counter()
            ids, understood, degraded = search(stack, q.text, mode, k)
            out.append(Ranked(q, mode, ids, time.perf_counter() - started, understood, degraded))
    return out


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """``NAME=VALUE`` strings (VALUE a Python/JSON literal) → fusion tuning overrides."""
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"expected NAME=VALUE, not {item!r}")
        value = value.strip().replace("null", "None")
        out[name.strip()] = _keys_none(ast.literal_eval(value))
    return out


def _keys_none(value: Any) -> Any:
    """JSON cannot spell a None key (LANG_WEIGHTS uses one for 'language unknown'): accept "None"."""
    if isinstance(value, dict):
        return {(None if k in ("None", "null") else k): _keys_none(v) for k, v in value.items()}
    return value


@contextlib.contextmanager
def fusion_tuning(overrides: Mapping[str, Any]) -> Iterator[None]:
    """Apply fusion constant overrides for the duration (indexer.fusion.tuning)."""
    if not overrides:
        yield
        return
    from indexer import fusion

    with fusion.tuning(**overrides):
        yield


# --------------------------------------------------------------------------- metrics


def recall_at_k(ranked: Sequence[str], relevant: dict[str, int], k: int = K) -> float:
    rel = {c for c, g in relevant.items() if g >= 1}
    if not rel:
        return 0.0
    return len(rel.intersection(ranked[:k])) / min(len(rel), k)


def reciprocal_rank(ranked: Sequence[str], relevant: dict[str, int], k: int = K) -> float:
    for i, cid in enumerate(ranked[:k], start=1):
        if relevant.get(cid, 0) >= 1:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** relevant.get(cid, 0) - 1) / math.log2(i + 1) for i, cid in enumerate(ranked[:k], start=1))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 1) for i, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0


METRICS = {"recall": recall_at_k, "mrr": reciprocal_rank, "ndcg": ndcg_at_k}


@dataclass(frozen=True)
class Score:
    query: Query
    mode: str
    recall: float
    mrr: float
    ndcg: float
    ranked: tuple[str, ...]
    understood: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def score(results: Iterable[Ranked], k: int = K) -> list[Score]:
    return [
        Score(
            r.query,
            r.mode,
            recall_at_k(r.ids, r.query.relevant, k),
            reciprocal_rank(r.ids, r.query.relevant, k),
            ndcg_at_k(r.ids, r.query.relevant, k),
            tuple(r.ids),
            r.understood,
        )
        for r in results
    ]


def aggregate(scores: Iterable[Score], by: Sequence[str]) -> dict[tuple, dict[str, float]]:
    """Mean recall/MRR/nDCG grouped by any of "lang", "mode", "split", "type"."""
    groups: dict[tuple, list[Score]] = defaultdict(list)
    for s in scores:
        key = tuple(s.mode if f == "mode" else getattr(s.query, f) for f in by)
        groups[key].append(s)
    return {
        key: {
            "recall": sum(s.recall for s in g) / len(g),
            "mrr": sum(s.mrr for s in g) / len(g),
            "ndcg": sum(s.ndcg for s in g) / len(g),
            "n": len(g),
        }
        for key, g in sorted(groups.items())
    }


def hybrid_verdict(scores: Iterable[Score]) -> dict[str, dict[str, Any]]:
    """Per query language: does hybrid match or beat both single legs (and strictly beat on a metric)?"""
    agg = aggregate(scores, ("lang", "mode"))
    out = {}
    for lang in sorted({k[0] for k in agg}, key=lambda x: LANGS.index(x) if x in LANGS else 99):
        m = {mode: agg.get((lang, mode)) for mode in MODES}
        if any(v is None for v in m.values()):
            continue
        h, lx, se = m["hybrid"], m["lexical"], m["semantic"]
        ok_ge = all(h[x] >= o[x] - 1e-9 for x in ("recall", "mrr") for o in (lx, se))
        strict = all(h["recall"] > o["recall"] + 1e-9 or h["mrr"] > o["mrr"] + 1e-9 for o in (lx, se))
        out[lang] = {"ok": ok_ge and strict, "hybrid": h, "lexical": lx, "semantic": se}
    return out


# --------------------------------------------------------------------------- report


def format_table(scores: Sequence[Score], rows: Sequence[str] = ("lang",), title: str = "") -> str:
    """One line per group, the three modes side by side: R@10 / MRR / nDCG@10."""
    agg = aggregate(scores, (*rows, "mode"))
    keys = sorted({k[:-1] for k in agg}, key=_sort_key)
    head = " ".join(f"{r:<12}" for r in rows)
    lines = [title] if title else []
    lines.append(f"{head} {'n':>4} | " + " | ".join(f"{m:^20}" for m in MODES))
    lines.append(
        f"{'':<{len(head)}} {'':>4} | " + " | ".join(f"{'R@10':>6} {'MRR':>6} {'nDCG':>6}" for _ in MODES)
    )
    lines.append("-" * len(lines[-1]))
    for key in keys:
        cells = []
        n = 0
        for m in MODES:
            v = agg.get((*key, m))
            if v is None:
                cells.append(f"{'-':>6} {'-':>6} {'-':>6}")
                continue
            n = v["n"]
            cells.append(f"{v['recall']:6.3f} {v['mrr']:6.3f} {v['ndcg']:6.3f}")
        lines.append(" ".join(f"{str(k):<12}" for k in key) + f" {n:>4} | " + " | ".join(cells))
    return "\n".join(lines)


def _sort_key(key: tuple) -> tuple:
    order = {
        **{v: i for i, v in enumerate(LANGS)},
        **{v: i for i, v in enumerate(TYPES)},
        **{v: i for i, v in enumerate(SPLITS)},
    }
    return tuple(order.get(k, 99) for k in key)


def misses(scores: Sequence[Score], k: int = K) -> list[str]:
    """Per query: the three modes' R@10/RR and which relevant cards each mode missed."""
    by_q: dict[str, dict[str, Score]] = defaultdict(dict)
    for s in scores:
        by_q[s.query.id][s.mode] = s
    lines = []
    for qid, modes in by_q.items():
        q = next(iter(modes.values())).query
        rel = {c for c, g in q.relevant.items() if g >= 1}
        figs = "  ".join(
            f"{m[:3]} R={modes[m].recall:.2f} RR={modes[m].mrr:.2f}" for m in MODES if m in modes
        )
        lines.append(f"[{qid} {q.split}] {q.text[:90]}\n    {figs}")
        h = modes.get("hybrid")
        if h is not None:
            u = h.understood
            place = (u.get("place") or {}).get("name") if isinstance(u.get("place"), dict) else None
            lines.append(
                f"    understood: place={place} functions={u.get('functions')} sectors={u.get('sectors')}"
            )
        for m in MODES:
            if m not in modes:
                continue
            got = modes[m].ranked[:k]
            missed = sorted(rel - set(got), key=lambda c: -q.relevant[c])
            if missed:
                lines.append(f"    {m:<8} missed: " + ", ".join(f"{c}({q.relevant[c]})" for c in missed))
            lines.append(f"    {m:<8} top5:   " + ", ".join(("*" if c in rel else "") + c for c in got[:5]))
    return lines
