"""Elasticsearch backend: one index per entity behind an alias, hybrid search fused here.

Construction (what ``indexer.backends.create_backend("elasticsearch", ...)`` does)::

    ElasticsearchBackend(ELASTICSEARCH_URL, prefix=SEARCH_INDEX_PREFIX, timeout=SEARCH_TIMEOUT_S)

Versions: the ``elasticsearch`` client's major version must equal the server's (the 8.x
client pinned in requirements.txt talks to an 8.x server; a 9.x server needs the 9.x
client; a 9.x client fails against an 8.x server). ``health()`` reports both and is not
ok on a mismatch. Needs Elasticsearch >= 8.12 (``int8_hnsw``); ``knn`` inside
``_msearch``, ``distance_feature`` and pre-filtered kNN are on the free Basic licence.
The ``rrf`` retriever needs an Enterprise licence (or trial): it is only used with
``use_retriever=True`` (or ``"auto"``, which asks the licence API once), and a 403
switches back to client-side fusion for the life of the process.

Reads go through the alias ``<prefix>-<entity>`` (first index ``<prefix>-<entity>-initial``,
made by ``ensure_index``); ``rebuild`` fills a new index
``<prefix>-<entity>-<timestamp>`` (also reachable as ``<prefix>-<entity>-building``, so
writers in every process write there too while it fills), then moves the alias in one
``_aliases`` call and drops the old index. The request path has a short timeout and no
retries: a dead cluster raises ``BackendUnavailable`` at once and the web layer answers
from the database. The bulk path retries (429 per document, timeouts per request).
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Any, Iterator, Literal, Mapping, Sequence

import numpy as np
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch import __versionstr__ as CLIENT_VERSION

from indexer.backends import elastic_queries as q
from indexer.backends.base import BackendUnavailable
from indexer.fusion import FusedHit
from indexer.types import (
    BulkReport,
    Document,
    Explanation,
    Hit,
    SearchQuery,
    SearchResult,
)

log = logging.getLogger(__name__)

#: API errors that mean "cannot answer now" rather than "the request is wrong".
UNAVAILABLE_STATUSES = frozenset({401, 403, 408, 429, 500, 502, 503, 504})


def _unavailable(exc: Exception, what: str) -> BackendUnavailable:
    return BackendUnavailable(f"elasticsearch {what} failed: {type(exc).__name__}: {exc}")


class _Writer:
    """Writes into one concrete index (the one a rebuild is filling)."""

    def __init__(self, backend: ElasticsearchBackend, index: str) -> None:
        self._backend = backend
        self.index = index

    def upsert(self, docs: Sequence[Document], vectors: dict[str, np.ndarray]) -> BulkReport:
        return self._backend._bulk_index(self.index, docs, vectors)

    def delete(self, ids: Sequence[str]) -> None:
        self._backend._bulk_delete(self.index, ids)


class ElasticsearchBackend:
    """The SearchBackend protocol on an Elasticsearch 8.x cluster."""

    name = "elasticsearch"

    def __init__(
        self,
        url: str | None,
        *,
        prefix: str = "kring",
        timeout: float = 0.8,
        client: Elasticsearch | None = None,
        use_retriever: bool | Literal["auto"] = False,
        refresh: bool | Literal["wait_for"] = False,
        bulk_timeout: float = 30.0,
        chunk_size: int = 500,
        max_retries: int = 3,
        initial_backoff: float = 0.5,
        synonyms: Sequence[str] | None = None,
        api_key: str | None = None,
    ) -> None:
        """``refresh`` makes writes visible before ``upsert`` returns (tests; costly in bulk).
        ``synonyms`` overrides the rules read from search_config/synonyms/ (tests). Credentials
        go in the URL (https://user:password@host:9200) or ``api_key``."""
        if client is None:
            if not url:
                raise ValueError("ELASTICSEARCH_URL is not set")
            # No transport retries by default: the request path must fail fast; the bulk
            # path asks for its own retries through .options().
            client = Elasticsearch(
                url, api_key=api_key, request_timeout=timeout, max_retries=0, retry_on_timeout=False
            )
            self._owns_client = True
        else:
            self._owns_client = False
        q.alias_name(prefix, "x")  # validates the prefix early
        self.prefix = prefix
        self.timeout = float(timeout)
        self.url = url
        self._client = client
        self._search = client.options(request_timeout=self.timeout, max_retries=0, retry_on_timeout=False)
        self._admin = client.options(
            request_timeout=max(self.timeout, 10.0), max_retries=1, retry_on_timeout=True
        )
        self._bulk = client.options(request_timeout=bulk_timeout, max_retries=2, retry_on_timeout=True)
        self._use_retriever = use_retriever
        self.refresh = refresh
        self.chunk_size = chunk_size
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self._synonyms = list(synonyms) if synonyms is not None else None

    # --- names and helpers ----------------------------------------------------------

    def alias(self, entity: str) -> str:
        return q.alias_name(self.prefix, entity)

    def synonyms(self) -> list[str]:
        return self._synonyms if self._synonyms is not None else q.load_synonyms()

    def _indices_of(self, alias: str) -> list[str]:
        """Concrete indices behind an alias ([] when the alias does not exist)."""
        try:
            return sorted(self._admin.indices.get_alias(name=alias).body)
        except NotFoundError:
            return []

    # --- index management -----------------------------------------------------------

    def ensure_index(self, entity: str, dims: dict[str, int]) -> None:
        """Create the entity's first index with its alias, or add missing fields in place."""
        alias = self.alias(entity)
        try:
            live = self._indices_of(alias)
            if not live:
                if self._admin.indices.exists(index=alias):
                    raise RuntimeError(f"{alias} is a concrete index, not an alias: delete it or reindex")
                body = q.index_body(dims, self.synonyms())
                try:
                    # Index and alias in one request: readers never see one without the other.
                    self._admin.indices.create(
                        index=q.initial_index_name(self.prefix, entity), aliases={alias: {}}, **body
                    )
                except ApiError as exc:
                    # Another worker created it first (same fixed name): fine once the alias exists.
                    if exc.status_code != 400 or not self._indices_of(alias):
                        raise
                    live = self._indices_of(alias)
                else:
                    return
            for index in live:
                current = self._admin.indices.get_mapping(index=index).body[index]["mappings"]
                version = (current.get("_meta") or {}).get("kring", {}).get("config_version")
                if version != q.config_version():
                    log.warning(
                        "%s uses search_config version %s, the code has %s: run `flask indexer reindex`",
                        index,
                        version,
                        q.config_version(),
                    )
                update = q.mapping_update(current, dims)
                if update is not None:
                    self._admin.indices.put_mapping(index=index, **update)
        except TransportError as exc:
            raise _unavailable(exc, "ensure_index") from exc

    @contextmanager
    def rebuild(self, entity: str, dims: dict[str, int]) -> Iterator[_Writer]:
        """Fill a new index; on a clean exit swap the alias atomically and drop the old one."""
        alias = self.alias(entity)
        building = q.building_alias(self.prefix, entity)
        new = q.index_name(self.prefix, entity)
        body = q.index_body(dims, self.synonyms())
        refresh_interval = body["settings"]["index"].get("refresh_interval", "1s")
        body["settings"]["index"]["refresh_interval"] = "-1"  # bulk load without refreshes
        try:
            # Drop what a crashed rebuild left behind (its building alias still points at it).
            for stale in self._indices_of(building):
                self._admin.indices.delete(index=stale)
            self._admin.indices.create(index=new, aliases={building: {}}, **body)
        except TransportError as exc:
            raise _unavailable(exc, "rebuild") from exc
        try:
            yield _Writer(self, new)
        except BaseException:
            try:
                self._admin.indices.delete(index=new)
            except (ApiError, TransportError):
                log.exception("could not delete the abandoned index %s", new)
            raise
        try:
            self._admin.indices.put_settings(
                index=new, settings={"index": {"refresh_interval": refresh_interval}}
            )
            self._admin.indices.refresh(index=new)
            old = [i for i in self._indices_of(alias) if i != new]
            actions = q.alias_swap_actions(alias, new, old) + [{"remove": {"index": new, "alias": building}}]
            self._admin.indices.update_aliases(actions=actions)
            for index in old:
                try:
                    self._admin.indices.delete(index=index)
                except NotFoundError:
                    pass
        except TransportError as exc:
            raise _unavailable(exc, "rebuild swap") from exc

    # --- writes ---------------------------------------------------------------------

    def _streaming_bulk(self, actions: list[dict[str, Any]]) -> Iterator[tuple[bool, dict[str, Any]]]:
        kwargs: dict[str, Any] = {}
        if self.refresh:
            kwargs["refresh"] = "wait_for" if self.refresh == "wait_for" else "true"
        return helpers.streaming_bulk(
            self._bulk,
            actions,
            chunk_size=self.chunk_size,
            max_retries=self.max_retries,
            initial_backoff=self.initial_backoff,
            raise_on_error=False,
            raise_on_exception=True,
            **kwargs,
        )

    def _bulk_index(
        self, target: str, docs: Sequence[Document], vectors: Mapping[str, np.ndarray]
    ) -> BulkReport:
        report = BulkReport()
        if not docs:
            return report
        actions = q.bulk_actions(target, docs, vectors)
        try:
            for ok, item in self._streaming_bulk(actions):
                info = next(iter(item.values()))
                if ok:
                    report.indexed += 1
                elif info.get("status") == 409:
                    # The index holds a newer version: not an error.
                    report.stale += 1
                else:
                    report.errors[str(info.get("_id"))] = _reason(info)
        except TransportError as exc:
            raise _unavailable(exc, "bulk") from exc
        except ApiError as exc:
            if exc.status_code in UNAVAILABLE_STATUSES:
                raise _unavailable(exc, "bulk") from exc
            raise
        return report

    def _bulk_delete(self, target: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        errors = {}
        try:
            for ok, item in self._streaming_bulk(q.delete_actions(target, ids)):
                info = next(iter(item.values()))
                if not ok and info.get("status") != 404:  # unknown ids are ignored
                    errors[str(info.get("_id"))] = _reason(info)
        except TransportError as exc:
            raise _unavailable(exc, "bulk delete") from exc
        if errors:
            raise RuntimeError(f"delete failed for {len(errors)} document(s): {errors}")

    def _write_targets(self, entity: str) -> list[str]:
        """The alias, plus the index a rebuild is filling (in this or another process)."""
        return [self.alias(entity), *self._indices_of(q.building_alias(self.prefix, entity))]

    def upsert(self, entity: str, docs: Sequence[Document], vectors: dict[str, np.ndarray]) -> BulkReport:
        try:
            live, *building = self._write_targets(entity)
        except TransportError as exc:
            raise _unavailable(exc, "upsert") from exc
        report = self._bulk_index(live, docs, vectors)
        for index in building:
            extra = self._bulk_index(index, docs, vectors)
            if extra.errors:
                log.warning("writing to the index being rebuilt (%s) failed: %s", index, extra.errors)
        return report

    def delete(self, entity: str, ids: Sequence[str]) -> None:
        try:
            targets = self._write_targets(entity)
        except TransportError as exc:
            raise _unavailable(exc, "delete") from exc
        for target in targets:
            self._bulk_delete(target, [str(i) for i in ids])

    # --- reads ----------------------------------------------------------------------

    def count(self, entity: str) -> int:
        try:
            return int(self._search.count(index=self.alias(entity))["count"])
        except NotFoundError:
            return 0
        except TransportError as exc:
            raise _unavailable(exc, "count") from exc

    def ids(self, entity: str) -> set[str]:
        try:
            hits = helpers.scan(
                self._admin,
                index=self.alias(entity),
                query={"query": {"match_all": {}}, "_source": False},
                size=5000,
                scroll="2m",
            )
            return {hit["_id"] for hit in hits}
        except NotFoundError:
            return set()
        except TransportError as exc:
            raise _unavailable(exc, "ids") from exc

    def health(self) -> dict[str, Any]:
        """Cluster status and index sizes; never raises, answers within about a second."""
        probe = self._client.options(
            request_timeout=min(self.timeout, 1.0), max_retries=0, retry_on_timeout=False
        )
        out: dict[str, Any] = {"ok": False, "backend": self.name, "client_version": CLIENT_VERSION}
        try:
            info = probe.info().body
            cluster = probe.cluster.health().body
            server_version = str(info.get("version", {}).get("number", "?"))
            out.update(
                cluster=cluster.get("cluster_name"),
                status=cluster.get("status"),
                server_version=server_version,
            )
            same_major = server_version.split(".")[0] == CLIENT_VERSION.split(".")[0]
            if not same_major:
                out["error"] = (
                    f"client {CLIENT_VERSION} and server {server_version} differ in major version: "
                    "install the elasticsearch client of the server's major version"
                )
            rows = probe.cat.indices(index=f"{self.prefix}-*", format="json", bytes="b").body
            try:
                aliases = probe.indices.get_alias(name=f"{self.prefix}-*").body
            except NotFoundError:
                aliases = {}
            indices = {}
            for row in rows:
                name = row.get("index")
                indices[name] = {
                    "aliases": sorted((aliases.get(name) or {}).get("aliases", {})),
                    "docs": int(row.get("docs.count") or 0),
                    "size_bytes": int(row.get("store.size") or 0),
                    "health": row.get("health"),
                }
            out["indices"] = indices
            out["ok"] = cluster.get("status") in ("green", "yellow") and same_major
        except (TransportError, ApiError) as exc:
            out["error"] = f"{type(exc).__name__}: {exc}"
        return out

    # --- search ---------------------------------------------------------------------

    def _retriever_enabled(self) -> bool:
        if self._use_retriever == "auto":
            try:
                licence = self._search.license.get().body.get("license", {})
                self._use_retriever = licence.get("status") == "active" and licence.get("type") in (
                    "enterprise",
                    "trial",
                )
            except (ApiError, TransportError):
                return False
        return bool(self._use_retriever)

    def search(
        self, query: SearchQuery, vectors: dict[str, np.ndarray], weights: dict[str, float]
    ) -> SearchResult:
        """Same match set and order as the embedded backend (see elastic_queries); one round trip."""
        started = time.perf_counter()
        alias = self.alias(query.entity)
        has_text = bool(query.text.strip())
        vector_legs = (
            [n for n in sorted(vectors) if weights.get(n, 0) > 0 and vectors[n] is not None]
            if has_text and query.mode != "lexical"
            else []
        )
        lexical = has_text and query.mode != "semantic" and weights.get("lexical", 0) > 0
        if not (lexical or vector_legs):
            result = self._search_browse(alias, query)
        else:
            order = q.effective_sort(query, has_text=True)
            result = None
            if order == "relevance" and lexical + len(vector_legs) > 1 and self._retriever_enabled():
                result = self._search_retriever(alias, query, vectors, weights, vector_legs, lexical)
            if result is None:
                result = self._search_fused(alias, query, vectors, weights, vector_legs, lexical, order)
        result.took_ms = (time.perf_counter() - started) * 1000.0
        result.backend = self.name
        return result

    def _call(self, what: str, fn: Any, **kwargs: Any) -> Any:
        try:
            return fn(**kwargs).body
        except TransportError as exc:
            raise _unavailable(exc, what) from exc
        except ApiError as exc:
            if exc.status_code in UNAVAILABLE_STATUSES:
                raise _unavailable(exc, what) from exc
            raise

    def _search_browse(self, alias: str, query: SearchQuery) -> SearchResult:
        """No text: the filtered set ranked by preferences or sorted, paged by Elasticsearch."""
        from indexer import fusion

        body = q.browse_body(query, boost_bonus=fusion.BOOST_BONUS, near_bonus=fusion.NEAR_BONUS)
        try:
            resp = self._call("search", self._search.search, index=alias, **_body_kwargs(body))
        except NotFoundError:
            return SearchResult(total=0, hits=[])
        return self._ranked_result(resp, query)

    def _search_fused(
        self,
        alias: str,
        query: SearchQuery,
        vectors: Mapping[str, np.ndarray],
        weights: Mapping[str, float],
        vector_legs: list[str],
        lexical: bool,
        order: str,
    ) -> SearchResult:
        """One _msearch (BM25 + a kNN request per embedder), fused here by indexer/fusion.py.

        Matches are the BM25 hits at or above the lexical match floor plus the vector
        neighbours fusion keeps, as in the embedded backend. When the BM25 leg came back
        with every such hit (it returned fewer than it was asked for, or already reached
        below the floor), total and facet counts are counted here; otherwise one more
        request counts them on the server (``match_set_body``). The BM25 leg is as deep as
        the requested page, so every page up to the total has hits (within the result
        window). Another order than relevance always takes that request: it returns the page
        sorted by Elasticsearch, ties by score (BM25, vector matches first), then id.
        """
        from indexer import fusion

        bodies: list[dict[str, Any]] = []
        names: list[str] = []
        depth = q.leg_depth(query)
        if lexical:
            bodies.append(q.bm25_body(query, size=depth))
            names.append("lexical")
        for name in vector_legs:
            bodies.append(q.knn_body(query, name, vectors[name], k=fusion.VECTOR_DEPTH))
            names.append(name)
        resp = self._call("msearch", self._search.msearch, searches=q.msearch_payload(alias, bodies))
        by_leg: dict[str, dict[str, Any]] = {}
        for name, answer in zip(names, resp["responses"], strict=True):
            error = answer.get("error")
            if error:
                if _is_missing_index(error):
                    return SearchResult(total=0, hits=[])
                raise BackendUnavailable(f"elasticsearch {name} leg failed: {error}")
            by_leg[name] = answer

        legs: dict[str, list[tuple[str, float]]] = {}
        sources: dict[str, dict[str, Any]] = {}
        for name in names:
            hits = q.leg_hits(by_leg[name])
            # kNN scores are (1 + cos) / 2; fusion's floors and the "why" speak cosine.
            legs[name] = hits if name == "lexical" else [(i, q.knn_similarity(s)) for i, s in hits]
            for raw in by_leg[name].get("hits", {}).get("hits", []):
                _keep_source(sources, raw)
        leg_weights = {name: weights.get(name, 0.0) for name in legs}
        fused = _fuse(query, legs, leg_weights, sources)
        lexical_hits = legs.get("lexical", [])
        top = lexical_hits[0][1] if lexical_hits else None
        vector_ids = [f.id for f in fused if any(leg != "lexical" for leg in f.contributions)]
        complete = (
            not lexical_hits
            or len(lexical_hits) < depth
            or lexical_hits[-1][1] < fusion.LEXICAL_MATCH_FLOOR * lexical_hits[0][1]
            or q.total_of(by_leg["lexical"]) <= len(lexical_hits)
        )

        if order == "relevance":
            hits = [
                self._hit(f.id, f.score, sources.get(f.id, {}), f.legs, query)
                for f in fused[query.offset : query.offset + query.limit]
            ]
            if complete:  # every match is in hand
                matched = [sources[f.id].get("_source") or {} for f in fused]
                return SearchResult(
                    total=len(fused), hits=hits, facets=q.count_facets({}, matched, query.facets)
                )
            counted = self._match_set(alias, query, top, vector_ids, order)
            return SearchResult(
                total=q.total_of(counted), hits=hits, facets=q.facets_of(counted, query.facets)
            )

        if top is None and not vector_ids:
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets})
        page = self._match_set(alias, query, top, vector_ids, order)
        page_hits = page.get("hits", {}).get("hits", [])
        # Scores of page documents the BM25 leg did not reach (lexical-only, below its depth):
        # fused again with their BM25 scores appended to the leg.
        known = {f.id: f for f in fused}
        extra = [
            (raw["_id"], float(raw.get("_score") or 0.0)) for raw in page_hits if raw["_id"] not in known
        ]
        if extra:
            for raw in page_hits:
                _keep_source(sources, raw)
            legs = {**legs, "lexical": [*lexical_hits, *sorted(extra, key=lambda h: (-h[1], h[0]))]}
            known = {f.id: f for f in _fuse(query, legs, leg_weights, sources)}
        hits = []
        for raw in page_hits:
            f = known.get(raw["_id"])
            merged = {**sources.get(raw["_id"], {}), **raw}
            hits.append(self._hit(raw["_id"], f.score if f else 0.0, merged, f.legs if f else {}, query))
        return SearchResult(total=q.total_of(page), hits=hits, facets=q.facets_of(page, query.facets))

    def _match_set(
        self, alias: str, query: SearchQuery, top: float | None, vector_ids: list[str], order: str
    ) -> dict[str, Any]:
        body = q.match_set_body(query, lexical_top=top, vector_ids=vector_ids, order=order)
        return self._call("search", self._search.search, index=alias, **_body_kwargs(body))

    def _search_retriever(
        self,
        alias: str,
        query: SearchQuery,
        vectors: Mapping[str, np.ndarray],
        weights: Mapping[str, float],
        vector_legs: list[str],
        lexical: bool,
    ) -> SearchResult | None:
        """Server-side rrf fusion (Enterprise licence). None when the cluster refuses it."""
        from indexer import fusion

        leg_weights = {name: weights.get(name, 0) for name in vector_legs}
        leg_weights["lexical"] = weights.get("lexical", 0) if lexical else 0
        k = max(fusion.VECTOR_DEPTH, query.offset + query.limit)
        body = q.retriever_body(query, {n: vectors[n] for n in vector_legs}, leg_weights, k=k)
        try:
            resp = self._search.search(index=alias, **_body_kwargs(body)).body
        except ApiError as exc:
            if exc.status_code in (400, 403):
                # 403: not licensed (Basic); 400: a version whose rrf lacks a feature we ask for.
                log.warning("the rrf retriever failed (%s); fusing on the client from now on", exc)
                self._use_retriever = False
                return None
            if exc.status_code == 404:
                return SearchResult(total=0, hits=[])
            if exc.status_code in UNAVAILABLE_STATUSES:
                raise _unavailable(exc, "search") from exc
            raise
        except TransportError as exc:
            raise _unavailable(exc, "search") from exc
        return self._ranked_result(resp, query)

    def _ranked_result(self, resp: Mapping[str, Any], query: SearchQuery) -> SearchResult:
        """A response ranked by Elasticsearch itself (browse, rrf retriever) as a SearchResult."""
        hits = [
            self._hit(raw["_id"], float(raw.get("_score") or 0.0), raw, {}, query)
            for raw in resp["hits"]["hits"]
        ]
        return SearchResult(total=q.total_of(resp), hits=hits, facets=q.facets_of(resp, query.facets))

    def _hit(
        self,
        doc_id: str,
        score: float,
        raw: Mapping[str, Any],
        legs: dict[str, tuple[int, float]],
        query: SearchQuery,
    ) -> Hit:
        source = raw.get("_source") or {}
        highlights = q.merge_highlights(raw.get("highlight") or {}, query.lang)
        distance = None
        point, location = q.point_of(query), q.location_of(source)
        if point is not None and location is not None:
            distance = round(q.haversine_km(point.lat, point.lon, *location), 2)
        why: list[Explanation] = []
        if highlights:
            why.append(
                Explanation(
                    "lexical", {"terms": q.highlighted_terms(highlights), "fields": sorted(highlights)}
                )
            )
        for name, (_rank, raw_score) in legs.items():
            if name != "lexical":
                why.append(Explanation("semantic", {"similarity": round(raw_score, 3), "model": name}))
        for facet in sorted(query.boosts):
            have = source.get(facet) or []
            have = have if isinstance(have, list) else [have]
            for value in query.boosts[facet]:
                if value in have:
                    why.append(Explanation("boost", {"facet": facet, "value": value}))
        if distance is not None:
            why.append(Explanation("distance", {"km": distance}))
        return Hit(
            id=doc_id,
            score=round(score, 6),
            payload=dict(source.get("payload") or {}),
            distance_km=distance,
            highlights=highlights,
            why=why,
            legs=legs,
        )

    def close(self) -> None:
        if self._owns_client:
            self._client.close()


# --- small helpers ----------------------------------------------------------------------


def _body_kwargs(body: dict[str, Any]) -> dict[str, Any]:
    """The client takes body keys as keyword arguments (``from`` is spelled ``from_``)."""
    kwargs = dict(body)
    if "from" in kwargs:
        kwargs["from_"] = kwargs.pop("from")
    return kwargs


def _reason(info: Mapping[str, Any]) -> str:
    error = info.get("error")
    if isinstance(error, Mapping):
        return f"{error.get('type')}: {error.get('reason')}"
    return str(error or f"status {info.get('status')}")


def _keep_source(sources: dict[str, dict[str, Any]], raw: dict[str, Any]) -> None:
    """Remember a hit's source; a highlighted copy (from a BM25 request) wins over a plain one."""
    known = sources.get(raw["_id"])
    if known is None or ("highlight" in raw and "highlight" not in known):
        sources[raw["_id"]] = raw


def _fuse(
    query: SearchQuery,
    legs: dict[str, list[tuple[str, float]]],
    weights: dict[str, float],
    sources: Mapping[str, Mapping[str, Any]],
) -> list[FusedHit]:
    """fusion.fuse with the preferences applied as the embedded backend applies them: boosts add,
    proximity scales the relevance of a match."""
    from indexer import fusion

    bonuses: dict[str, float] = {}
    factors: dict[str, float] = {}
    field_bonuses = fusion.boost_bonuses(query)
    for doc_id, raw in sources.items():
        source = raw.get("_source") or {}
        bonus = q.preference_bonus(
            query, source, boost_bonus=fusion.BOOST_BONUS, near_bonus=0.0, boost_bonuses=field_bonuses
        )
        if bonus:
            bonuses[doc_id] = bonus
        factor = q.preference_factor(query, source)
        if factor != 1.0:
            factors[doc_id] = factor
    return fusion.fuse(legs, weights, bonuses=bonuses, factors=factors)


def _is_missing_index(error: Any) -> bool:
    return isinstance(error, Mapping) and error.get("type") == "index_not_found_exception"
