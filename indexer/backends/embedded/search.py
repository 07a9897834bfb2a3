"""One query against one snapshot of the embedded backend: filters, legs, fusion, order, hits.

Match set (total, facet counts, pagination) for a text query: documents whose lexical
score is at least ``fusion.LEXICAL_MATCH_FLOOR`` of the best one, plus the vector legs'
neighbours above their zero point; without text: every document passing the filters.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np

from indexer import fusion
from indexer.backends.embedded.segments import _VIS_CODES, _Memory, _State
from indexer.backends.embedded.store import _Index
from indexer.geo import bounding_box, haversine_km_many, within_lon
from indexer.text import TypoIndex, fold, highlight_marks, query_langs, stems, words
from indexer.types import (
    HL_END,
    HL_START,
    SOONEST_FIELD,
    Explanation,
    Hit,
    RangeFilter,
    SearchQuery,
    SearchResult,
)

BACKEND_NAME = "embedded"
#: Below this share of the rows passing the filters, vectors are scored for those rows only.
SELECTIVE_SCAN = 0.3
#: Leg ranks reported in Hit.legs are exact down to this rank (a partial sort per leg).
RANK_DEPTH = 1000
#: Vector legs of one query are scanned in parallel on this many threads.
SCAN_THREADS = 2
#: Below this many rows the legs are scanned one after the other in the request's thread: a scan
#: of a thousand vectors takes tens of microseconds, handing it to a pool thread (a wake-up, the
#: GIL back and forth) costs more, and on a loaded machine far more; from 10k rows on a scan
#: takes milliseconds and two side by side save one.
PARALLEL_SCAN_ROWS = 5_000
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _scan_pool() -> ThreadPoolExecutor:
    """Threads for the vector scans of one query (one per leg, single-threaded BLAS each)."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=SCAN_THREADS, thread_name_prefix="vector-scan")
    return _pool


def _variants(word: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    """A query word's index terms: its stems, plus the word itself (names are not stemmed)."""
    found = stems(word, langs)
    return found if word in found else (*found, word)


#: The vocabulary's TypoIndex is rebuilt when the vocabulary grew by more than this share.
TYPO_INDEX_SLACK = 0.01
_typo_lock = threading.Lock()


def _typo_terms(mem: _Memory, variants: tuple[str, ...]) -> list[str]:
    """Vocabulary terms within the typo budget of any of a word's variants, nearest first, at
    most ``fusion.FUZZY_MAX_TERMS``. The index over the vocabulary is kept on the memory and
    rebuilt only when the vocabulary grew noticeably (new words from new cards)."""
    cached = getattr(mem, "_typo_index", None)
    size = len(mem.vocab)
    if cached is None or size > cached[0] * (1 + TYPO_INDEX_SLACK):
        with _typo_lock:
            cached = getattr(mem, "_typo_index", None)
            if cached is None or size > cached[0] * (1 + TYPO_INDEX_SLACK):
                terms = [t for t in list(mem.vocab) if t.isalpha()]
                cached = (size, TypoIndex(terms))
                mem._typo_index = cached  # type: ignore[attr-defined]
    found: dict[str, int] = {}
    for variant in variants:
        for term, edits in cached[1].close(variant, max_hits=fusion.FUZZY_MAX_TERMS):
            if term in mem.vocab and edits < found.get(term, 99):
                found[term] = edits
    return sorted(found, key=lambda t: (found[t], t))[: fusion.FUZZY_MAX_TERMS]


class _Searcher:
    """One query against one snapshot."""

    def __init__(
        self,
        index: _Index,
        mem: _Memory,
        state: _State,
        query: SearchQuery,
        vectors: dict[str, np.ndarray],
        weights: dict[str, float],
    ) -> None:
        self.index = index
        self.mem = mem
        self.st = state
        self.q = query
        self.vectors = vectors
        self.weights = {leg: w for leg, w in weights.items() if w > 0}
        self.has_text = bool(query.text.strip()) and bool(self.weights)

    # filters ----------------------------------------------------------------------------------

    def _id_rows(self, ids: Sequence[str]) -> np.ndarray:
        """Boolean mask of the rows of these document ids (the few a query excludes)."""
        out = np.zeros(self.st.n, dtype=bool)
        offsets = {id(seg): off for seg, off in zip(self.st.segments, self.st.offsets, strict=False)}
        for doc_id in ids:
            where = self.mem.where.get(str(doc_id))
            if where is None:
                continue
            seg, row = where
            off = offsets.get(id(seg))
            if off is not None and row < len(seg) and seg.ids[row] == str(doc_id):
                out[off + row] = True
        return out

    def _facet_rows(self, field: str, values: Sequence[str]) -> np.ndarray:
        """Boolean mask of rows having any of ``values`` in ``field``."""
        out = np.zeros(self.st.n, dtype=bool)
        codes = [self.mem.facet_codes.get(field, {}).get(v) for v in values]
        codes = [c for c in codes if c is not None]
        if not codes:
            return out
        for seg, off in zip(self.st.segments, self.st.offsets, strict=False):
            matrix = seg.facets.get(field)
            if matrix is None:
                continue
            usable = [c for c in codes if c < matrix.shape[1]]
            if usable:
                rows = matrix[:, usable].indices
                out[off + rows] = True
        return out

    def _filter(self) -> tuple[np.ndarray, np.ndarray | None]:
        st, q = self.st, self.q
        codes = [_VIS_CODES[v] for v in q.visibility if v in _VIS_CODES]
        allowed = np.zeros(256, dtype=bool)
        allowed[codes] = True
        mask = st.alive & allowed[st.vis]
        for field, values in q.filters.items():
            if values:
                mask &= self._facet_rows(field, values)
        for flt in q.ranges:
            mask &= self._range_rows(flt)
        if q.exclude:
            mask &= ~self._id_rows(q.exclude)
        distance = None
        origin = q.geo or q.near
        if origin is not None:
            distance = np.full(st.n, np.nan)
        if q.geo is not None:
            mask &= self._within(q.geo.lat, q.geo.lon, q.geo.radius_km, mask, distance)
        if q.near is not None and q.geo is None:
            self._within(q.near.lat, q.near.lon, q.near.radius_km, mask, distance)
        return mask, distance

    def _range_rows(self, flt: RangeFilter) -> np.ndarray:
        """Boolean mask of rows whose ``flt.field`` intervals stand in ``flt.relation`` to the period."""
        parts = [seg.ranges[flt.field].matches(flt.start, flt.end, flt.relation) for seg in self.st.segments]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)

    def _soonest_keys(self) -> np.ndarray:
        """Per row: the start of its first ``when`` interval ending at or after the query's bound."""
        bound = self.q.soonest_from()
        parts = [seg.ranges[SOONEST_FIELD].first_start_ending_from(bound) for seg in self.st.segments]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float64)

    def _within(
        self, lat0: float, lon0: float, radius: float, mask: np.ndarray, distance: np.ndarray
    ) -> np.ndarray:
        """Rows within ``radius`` km (bounding box first, haversine on the survivors); fills ``distance``."""
        st = self.st
        lat_lo, lat_hi, half_width = bounding_box(lat0, lon0, radius)
        with np.errstate(invalid="ignore"):
            box = mask & (st.lat >= lat_lo) & (st.lat <= lat_hi)
            rows = np.flatnonzero(box)
            rows = rows[within_lon(st.lon[rows], lon0, half_width)]
        d = haversine_km_many(st.lat[rows], st.lon[rows], lat0, lon0)
        distance[rows] = d
        out = np.zeros(st.n, dtype=bool)
        out[rows[d <= radius]] = True
        return out

    # legs -------------------------------------------------------------------------------------

    def _query_words(self) -> tuple[list[tuple[str, tuple[str, ...], float]], set[str]]:
        langs = query_langs(self.q.lang)
        own = words(self.q.text)
        result: list[tuple[str, tuple[str, ...], float]] = []
        seen: set[str] = set()
        vocab = self.mem.vocab
        for word in own:
            if word not in seen:
                seen.add(word)
                variants = _variants(word, langs)
                result.append((word, variants, 1.0))
                if not any(v in vocab for v in variants):
                    # A word no card has: perhaps a typo ("fotgraaf"); its close vocabulary
                    # terms count at FUZZY_WEIGHT (Elasticsearch: fuzziness AUTO).
                    close = _typo_terms(self.mem, variants)
                    if close:
                        result.append((word + "~", tuple(close), fusion.FUZZY_WEIGHT))
        for phrase in self.q.expansions:
            for word in words(phrase):
                if word not in seen:
                    seen.add(word)
                    # Expansions come from the taxonomy in any language: stem every way.
                    result.append((word, _variants(word, query_langs(None)), fusion.EXPANSION_WEIGHT))
        all_stems = {s for _, variants, _ in result for s in variants}
        return result, all_stems

    def _lexical(self, qwords: list[tuple[str, tuple[str, ...], float]]) -> tuple[np.ndarray, np.ndarray]:
        """BM25F per row, and per row the share of the query's idf mass its matched words carry
        (``fusion.lexical_coverage``: one rare word of a six-word request is a weak match)."""
        st, vocab = self.st, self.mem.vocab
        scores = np.zeros(st.n, dtype=np.float32)
        covered = np.zeros(st.n, dtype=np.float32)
        mass = 0.0
        n_docs = max(st.n_alive, 1)
        postings: dict[int, list[tuple[int, np.ndarray, np.ndarray]]] = {}
        idf: dict[int, float] = {}
        for _, variants, _ in qwords:
            for term in variants:
                tid = vocab.get(term)
                if tid is None or tid in postings:
                    continue
                parts = []
                df = 0
                for seg, off, alive in zip(st.segments, st.offsets, st.alive_parts, strict=False):
                    if tid >= seg.lex.shape[1]:
                        continue
                    lo, hi = seg.lex.indptr[tid], seg.lex.indptr[tid + 1]
                    if hi > lo:
                        rows = seg.lex.indices[lo:hi]
                        df += int(alive[rows].sum())
                        parts.append((int(off), rows, seg.lex.data[lo:hi]))
                postings[tid] = parts
                idf[tid] = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        unseen_idf = math.log(1 + (n_docs + 0.5) / 0.5)
        by_expansion = np.zeros(st.n, dtype=bool)
        for name, variants, weight in qwords:
            tids = [vocab[t] for t in variants if t in vocab and postings.get(vocab[t])]
            # Coverage is of the user's own words: an expansion (the understood trade's labels
            # in other languages) neither adds to the mass nor covers it, a typo's close terms
            # cover their word at their lower weight.
            own = weight == 1.0
            expansion = not own and not name.endswith("~")
            if own:
                # A word no card has still counts in the query's mass (at the idf of a df-0 term):
                # a request whose distinctive word matched nothing is not covered by the rest.
                mass += max((idf[t] for t in tids), default=unseen_idf)
            if not tids:
                continue
            if len(tids) == 1:
                tid = tids[0]
                factor = np.float32(weight * idf[tid])
                for off, rows, data in postings[tid]:
                    scores[off + rows] += data * factor
                    if expansion:
                        by_expansion[off + rows] = True
                    else:
                        covered[off + rows] += factor
            else:  # a word stemmed several ways matches through its best variant only
                best = np.zeros(st.n, dtype=np.float32)
                cover = np.zeros(st.n, dtype=np.float32)
                for tid in tids:
                    factor = np.float32(weight * idf[tid])
                    for off, rows, data in postings[tid]:
                        idx = off + rows
                        best[idx] = np.maximum(best[idx], data * factor)
                        cover[idx] = np.maximum(cover[idx], factor)
                scores += best
                if expansion:
                    by_expansion |= cover > 0
                else:
                    covered += cover
        coverage = np.minimum(covered / np.float32(mass), 1.0) if mass else np.ones(st.n, np.float32)
        # A card found only through the expansions matches what was understood, not what was typed.
        coverage[by_expansion] = np.maximum(coverage[by_expansion], np.float32(fusion.EXPANSION_WEIGHT))
        return scores, coverage.astype(np.float32, copy=False)

    def _vector(self, leg: str, mask: np.ndarray) -> np.ndarray:
        """Cosine similarity per row (-inf outside ``mask``)."""
        st = self.st
        qvec = np.asarray(self.vectors[leg], dtype=np.float32).reshape(-1)
        sims = np.full(st.n, -np.inf, dtype=np.float32)
        selected = int(mask.sum())
        if not selected:
            return sims
        selective = selected < SELECTIVE_SCAN * st.n
        for seg, off in zip(st.segments, st.offsets, strict=False):
            matrix = seg.vecs.get(leg)
            if matrix is None or matrix.shape[1] != qvec.shape[0]:
                continue
            seg_mask = mask[off : off + len(seg)]
            if selective:
                rows = np.flatnonzero(seg_mask)
                if rows.size:
                    sims[off + rows] = matrix[rows] @ qvec
            else:
                part = matrix @ qvec
                sims[off : off + len(seg)] = np.where(seg_mask, part, -np.inf)
        return sims

    # ranking ----------------------------------------------------------------------------------

    def run(self) -> SearchResult:
        q, st = self.q, self.st
        mask, distance = self._filter()
        legs_raw: dict[str, np.ndarray] = {}
        legs_norm: dict[str, np.ndarray] = {}
        qwords: list = []
        query_stems: set[str] = set()
        if self.has_text:
            matched = np.zeros(st.n, dtype=bool)
            if fusion.LEXICAL in self.weights:
                qwords, query_stems = self._query_words()
                raw, coverage = self._lexical(qwords)
                raw[~mask] = 0
                # Coverage weighs the lexical leg against the vectors; alone it ranks by BM25.
                hybrid = any(leg != fusion.LEXICAL for leg in self.weights)
                norm = fusion.normalise_lexical(raw, coverage if hybrid else None)
                legs_raw[fusion.LEXICAL] = raw
                legs_norm[fusion.LEXICAL] = norm
                matched |= norm > 0
            vector_legs = [leg for leg in self.weights if leg != fusion.LEXICAL and leg in self.vectors]
            if len(vector_legs) > 1 and st.n >= PARALLEL_SCAN_ROWS:  # independent, GIL released: side by side
                scans = dict(
                    zip(
                        vector_legs,
                        _scan_pool().map(lambda leg: self._vector(leg, mask), vector_legs),
                        strict=True,
                    )
                )
            else:
                scans = {leg: self._vector(leg, mask) for leg in vector_legs}
            tops = {}
            for leg in vector_legs:
                finite_sims = scans[leg][np.isfinite(scans[leg])]
                if finite_sims.size:
                    tops[leg] = float(finite_sims.max())
            counted = fusion.gated_legs(tops)
            for leg in vector_legs:
                sims = scans[leg]
                if leg not in counted:
                    continue  # nothing close enough in meaning: the leg contributes nothing
                finite = np.flatnonzero(np.isfinite(sims))
                depth = min(fusion.VECTOR_DEPTH, finite.size)
                if depth == 0:
                    continue
                top_rows = finite[np.argpartition(-sims[finite], depth - 1)[:depth]]
                top, floor = fusion.vector_bounds(np.sort(sims[top_rows])[::-1], leg)
                norm = np.zeros(st.n, dtype=np.float32)
                norm[finite] = fusion.normalise_vector(sims[finite], top, floor)
                legs_raw[leg] = sims
                legs_norm[leg] = norm
                matched |= norm > 0
            candidates = matched & mask
            score = fusion.fuse_dense(legs_norm, self.weights) if legs_norm else np.zeros(st.n, np.float32)
        else:
            candidates = mask
            score = np.zeros(st.n, dtype=np.float32)
        score = score.astype(np.float32, copy=True)
        boost_masks = {f: self._facet_rows(f, v) for f, v in q.boosts.items() if v}
        bonuses = fusion.boost_bonuses(q) if self.has_text else dict.fromkeys(boost_masks, fusion.BOOST_BONUS)
        for field, bmask in boost_masks.items():
            score += np.float32(bonuses.get(field, fusion.BOOST_BONUS)) * bmask
        if q.near is not None and distance is not None:
            near_distance = distance
            if q.geo is not None:  # distances are reported from geo; the preference is about near
                near_distance = np.full(st.n, np.nan)
                self._within(q.near.lat, q.near.lon, q.near.radius_km, mask, near_distance)
            near = np.nan_to_num(near_distance, nan=np.inf)
            within = np.flatnonzero(near <= q.near.radius_km)
            if self.has_text:  # scale the relevance of every match by its distance (fusion.decay)
                rows_c = np.flatnonzero(candidates & ~np.isnan(st.lat))
                km = haversine_km_many(st.lat[rows_c], st.lon[rows_c], q.near.lat, q.near.lon)
                factor = fusion.near_factor(km, q.near.radius_km, fusion.near_gain(q))
                score[rows_c] *= factor.astype(np.float32)
            else:  # browsing: no relevance to scale, nearer first
                score[within] += np.float32(fusion.NEAR_BONUS) * (
                    1 - 0.5 * near[within] / max(q.near.radius_km, 1e-6)
                ).astype(np.float32)
        if self.has_text and fusion.trade_first(q) and "function" in boost_masks:
            score += np.float32(fusion.TRADE_TIER) * boost_masks["function"]  # the trade first
        rows = np.flatnonzero(candidates)
        total = int(rows.size)
        facets = self._facet_counts(candidates)
        sort = self._effective_sort(distance)
        if sort == "distance" and q.geo is None and distance is not None:
            # A proximity preference measured only its own radius: nearest first needs every match.
            unmeasured = rows[np.isnan(distance[rows]) & ~np.isnan(st.lat[rows])]
            distance[unmeasured] = haversine_km_many(
                st.lat[unmeasured], st.lon[unmeasured], q.near.lat, q.near.lon
            )
        page = self._order(rows, score, distance, sort)
        hits = self._hits(
            page, score, distance, legs_raw, legs_norm, candidates, qwords, query_stems, boost_masks
        )
        return SearchResult(total=total, hits=hits, facets=facets, backend=BACKEND_NAME)

    def _effective_sort(self, distance: np.ndarray | None) -> str:
        """As ``elastic_queries.effective_sort``: distance needs a point, relevance needs text or
        preferences (else most recent first)."""
        q = self.q
        sort = q.sort
        if sort == "distance" and distance is None:
            sort = "relevance"
        if sort == "relevance" and not self.has_text and not q.boosts and q.near is None:
            sort = "recent"
        return sort

    def _order(
        self, rows: np.ndarray, score: np.ndarray, distance: np.ndarray | None, sort: str
    ) -> np.ndarray:
        """The page's rows: by the sort key, then score, then id (as Elasticsearch's sort clauses)."""
        q, st = self.q, self.st
        need = q.offset + q.limit
        if need <= 0 or rows.size == 0 or q.offset >= rows.size:
            return rows[:0]
        if sort == "relevance":
            primary = -score[rows].astype(np.float64)
            secondary = -st.recent[rows]
        elif sort == "recent":
            primary = -st.recent[rows]
            secondary = -score[rows].astype(np.float64)
        elif sort == "name":
            primary = st.name_key[rows].astype(np.float64)
            secondary = -score[rows].astype(np.float64)
        elif sort == "soonest":
            primary = self._soonest_keys()[rows]
            secondary = -score[rows].astype(np.float64)
        else:  # distance
            primary = np.nan_to_num(distance[rows], nan=np.inf)
            secondary = -score[rows].astype(np.float64)
        primary = np.nan_to_num(primary, nan=np.inf, posinf=np.inf, neginf=-np.inf)
        secondary = np.nan_to_num(secondary, nan=np.inf)
        if rows.size > need * 4 + 64:
            # Keep everything tied with the need-th primary key, then sort exactly.
            kth = np.partition(primary, need - 1)[need - 1]
            keep = primary <= kth
            rows, primary, secondary = rows[keep], primary[keep], secondary[keep]
        order = np.lexsort((rows, secondary, primary))
        ranked = rows[order]
        if sort == "name":
            # The numeric key covers 12 characters; settle longer ties by the full name.
            located = st.locate(ranked)
            keys = zip(
                st.name_key[ranked].tolist(),
                [fold(seg.names[r]) for seg, r in located],
                secondary[order].tolist(),
                [seg.ids[r] for seg, r in located],
                ranked.tolist(),
                strict=True,
            )
            ranked = np.array([k[4] for k in sorted(keys)], dtype=np.int64)
        else:
            ranked = self._ties_by_id(ranked, primary[order], secondary[order], q.offset, need)
        return ranked[q.offset : need]

    def _ties_by_id(
        self, ranked: np.ndarray, primary: np.ndarray, secondary: np.ndarray, lo: int, hi: int
    ) -> np.ndarray:
        """Rows tied on both keys ordered by id, for the groups that reach into [lo, hi): pages
        then agree with Elasticsearch's final ``id`` sort. ``ranked`` holds every row of a group
        it holds a row of (the partition above keeps whole ties)."""
        if ranked.size < 2:
            return ranked
        tied = (primary[1:] == primary[:-1]) & (secondary[1:] == secondary[:-1])
        if not tied.any():
            return ranked
        starts = np.flatnonzero(np.concatenate(([True], ~tied)))
        ends = np.append(starts[1:], ranked.size)
        chosen = (ends > lo) & (starts < hi) & (ends - starts > 1)
        for a, b in zip(starts[chosen].tolist(), ends[chosen].tolist(), strict=True):
            group = ranked[a:b]
            ranked[a:b] = group[np.argsort(self._ids_of(group), kind="stable")]
        return ranked

    def _ids_of(self, rows: np.ndarray) -> np.ndarray:
        """The ids of ``rows`` as a numpy string array (gathered per segment, no loop per row)."""
        st = self.st
        seg_of = np.searchsorted(st.offsets, rows, side="right") - 1
        parts = [(s, np.flatnonzero(seg_of == s)) for s in np.unique(seg_of).tolist()]
        arrays = [st.segments[s].id_array() for s, _ in parts]
        out = np.empty(rows.size, dtype=max((a.dtype for a in arrays), key=lambda d: d.itemsize))
        for (s, where), ids in zip(parts, arrays, strict=True):
            out[where] = ids[rows[where] - st.offsets[s]]
        return out

    def _facet_counts(self, candidates: np.ndarray) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {}
        if not self.q.facets:
            return out
        weights = candidates.astype(np.float32)
        for field in self.q.facets:
            values = self.mem.facet_values.get(field)
            if values is None:
                continue
            counts = np.zeros(len(values), dtype=np.float64)
            for seg, off in zip(self.st.segments, self.st.offsets, strict=False):
                matrix = seg.facets.get(field)
                if matrix is None or matrix.shape[1] == 0:
                    continue
                part = matrix.T @ weights[off : off + len(seg)]
                counts[: len(part)] += part
            nonzero = np.flatnonzero(counts > 0)
            pairs = [(values[i], int(round(counts[i]))) for i in nonzero]
            pairs.sort(key=lambda p: (-p[1], p[0]))
            out[field] = pairs
        return out

    @staticmethod
    def _leg_ranks(leg_scores: np.ndarray, cand_rows: np.ndarray, page: np.ndarray) -> dict[int, int]:
        """1-based rank of each page row within the leg, among the candidates: exact for the leg's
        top RANK_DEPTH (one partial sort), counted for the rare hit beyond it."""
        values = leg_scores[cand_rows]
        out: dict[int, int] = {}
        page_ranks = np.zeros(page.size, dtype=np.int64)
        if values.size:
            k = min(RANK_DEPTH, values.size)
            top = np.argpartition(-values, k - 1)[:k]
            top = top[np.argsort(-values[top], kind="stable")]
            # Each page row's position in that order, looked up for the page's rows only (no
            # dictionary of the whole top): 0 where a row is not in it.
            in_top = cand_rows[top]
            where = {row: i for i, row in enumerate(page.tolist())}
            hits = np.flatnonzero(np.isin(in_top, page))
            for i in hits.tolist():
                page_ranks[where[int(in_top[i])]] = i + 1
        for i, row in enumerate(page.tolist()):
            rank = int(page_ranks[i])
            out[row] = rank if rank else int(np.count_nonzero(values > leg_scores[row])) + 1
        return out

    def _hits(
        self,
        page: np.ndarray,
        score: np.ndarray,
        distance: np.ndarray | None,
        legs_raw: dict[str, np.ndarray],
        legs_norm: dict[str, np.ndarray],
        candidates: np.ndarray,
        qwords: list,
        query_stems: set[str],
        boost_masks: dict[str, np.ndarray],
    ) -> list[Hit]:
        if page.size == 0:
            return []
        located = self.st.locate(page)
        ids = [seg.ids[r] for seg, r in located]
        stored = self.index.stored_docs(ids)
        cand_rows = np.flatnonzero(candidates)
        ranks = {leg: self._leg_ranks(values, cand_rows, page) for leg, values in legs_raw.items()}
        hits = []
        for row, doc_id in zip(page.tolist(), ids, strict=True):
            doc = stored.get(doc_id)
            fields, facets = (doc.fields, doc.facets) if doc is not None else ({}, {})
            # A copy: callers may change their hit's payload, the cached document stays as stored.
            hit = Hit(id=doc_id, score=round(float(score[row]), 6), payload=dict(doc.payload) if doc else {})
            if distance is not None and not math.isnan(distance[row]):
                hit.distance_km = round(float(distance[row]), 2)
            why: list[Explanation] = []
            lexical = legs_raw.get(fusion.LEXICAL)
            if lexical is not None and lexical[row] > 0:
                hit.legs[fusion.LEXICAL] = (ranks[fusion.LEXICAL][row], float(lexical[row]))
                matched_terms: list[str] = []
                matched_fields: list[str] = []
                for field in fields:
                    marked = highlight_marks(doc.marks(field), query_stems, HL_START, HL_END)  # type: ignore[union-attr]
                    if marked is None:
                        continue
                    hit.highlights[field] = marked[0]
                    matched_fields.append(field)
                    for word in marked[1]:
                        if word.lower() not in (t.lower() for t in matched_terms):
                            matched_terms.append(word)
                if matched_fields:
                    why.append(Explanation("lexical", {"terms": matched_terms, "fields": matched_fields}))
            for leg, sims in legs_raw.items():
                if leg == fusion.LEXICAL or not np.isfinite(sims[row]):
                    continue
                hit.legs[leg] = (ranks[leg][row], float(sims[row]))
                if legs_norm[leg][row] > 0:
                    why.append(
                        Explanation("semantic", {"similarity": round(float(sims[row]), 3), "model": leg})
                    )
            for field, bmask in boost_masks.items():
                if bmask[row]:
                    for value in self.q.boosts[field]:
                        if value in facets.get(field, ()):
                            why.append(Explanation("boost", {"facet": field, "value": value}))
            if hit.distance_km is not None:
                why.append(Explanation("distance", {"km": hit.distance_km}))
            hit.why = why
            hits.append(hit)
        return hits
