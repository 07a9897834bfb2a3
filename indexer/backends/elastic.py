"""Elasticsearch backend: one index per entity behind an alias, hybrid search fused here.

Construction (what ``indexer.backends.create_backend("elasticsearch", ...)`` does)::

    ElasticsearchBackend(
        ELASTICSEARCH_URL, prefix=SEARCH_INDEX_PREFIX, timeout=SEARCH_TIMEOUT_S,
        ca_certs=ELASTICSEARCH_CA_CERTS, ca_fingerprint=ELASTICSEARCH_CA_FINGERPRINT,
        api_key=ELASTICSEARCH_API_KEY,
    )

Connecting. A default self-managed Elasticsearch 8/9 serves HTTPS with a certificate signed
by its own CA (``config/certs/http_ca.crt``) and wants credentials. Pass the CA file
(``ca_certs``) *or* the SHA-256 fingerprint of that CA (``ca_fingerprint``, hex with or
without colons, as Elasticsearch prints it at first start and as
``openssl x509 -fingerprint -sha256 -noout -in http_ca.crt`` shows it; the transport
pins any certificate of the chain the server sends), and an API key (``api_key``: the
``encoded`` value of the create-API-key answer, or ``id:api_key``) or a user in the URL
(``https://user:password@host:9200``). A certificate from a public CA needs neither
(certifi's bundle is used).

Versions: the pinned 8.x client sends ``compatible-with=8`` and works with Elasticsearch 8.x
and 9.x (the client's compatibility matrix: a client works with its own major and the next);
``health()`` is ok for those and not for any other major. Needs Elasticsearch >= 8.12
(``int8_hnsw``); ``knn`` inside ``_msearch``, ``distance_feature`` and pre-filtered kNN are
on the free Basic licence. The ``rrf`` retriever needs an Enterprise licence (or trial): it
is only used with ``use_retriever=True`` (or ``"auto"``, which asks the licence API once),
and a 403 switches back to client-side fusion for the life of the process.

Reads go through the alias ``<prefix>-<entity>`` (first index ``<prefix>-<entity>-initial``,
made by ``ensure_index``); ``rebuild`` takes a lock (a document in ``<prefix>-_locks``, so two
rebuilds of one entity never run at once), fills a new index ``<prefix>-<entity>-<timestamp>``
through the alias ``<prefix>-<entity>-building`` (writers in every process write there too
while it fills), then moves the alias in one ``_aliases`` call and drops the old index. Every
bulk write sets ``require_alias``: a write to a lost alias (or to a building alias a failed
rebuild removed) fails instead of auto-creating an index with a dynamic mapping.

Request-path safe (bounded by ``timeout``, SEARCH_TIMEOUT_S, in total, no retries, a dead or
hung cluster raises ``BackendUnavailable`` or, for ``health``, answers not ok):
``search``, ``count``, ``health``, and ``ensure_index`` while the index exists (one mapping
lookup; that is what the web process does when it builds its service). Setup and background
calls, to be made off the request path: ``ensure_index`` when it has to create the index or
add fields (``setup_timeout``), ``rebuild``, ``upsert``, ``delete``, ``ids``
(``bulk_timeout``/``setup_timeout``). Timeouts apply per connect and per read of a request.

Retries: the transport never retries. Bulk writes are retried by the bulk helper alone, per
document and per request, on 429/502/503/504, at most ``max_retries`` times with exponential
back-off from ``initial_backoff`` (0.5, 1, 2 s); a timeout or a connection error fails the
call at once, and the search outbox retries it later with its own back-off.

An index that needs a rebuild never blocks one: ``ensure_index`` does not raise for it (vector
fields with other dims, a concrete index squatting the alias name, a changed configuration);
it logs why and ``reindex_needed()``/``health()`` report it until a ``rebuild`` in this
process replaces the index. ``flask indexer reindex`` therefore always gets to rebuild.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Literal, Mapping, Sequence

import numpy as np
from elasticsearch import ApiError, ConflictError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch import __versionstr__ as CLIENT_VERSION

from indexer.backends import elastic_queries as q
from indexer.backends.base import BackendUnavailable, RebuildConflict
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
#: What the bulk helper retries, for a whole request or one document, with back-off.
BULK_RETRY_STATUSES = (429, 502, 503, 504)
#: The longest pause between two bulk retries.
MAX_BACKOFF = 8.0
#: Setup calls (create an index, add fields, swap aliases, delete indices, the rebuild lock).
SETUP_TIMEOUT = 10.0
#: int8_hnsw dense vectors need this server version.
MIN_SERVER_VERSION = (8, 12)
CLIENT_MAJOR = int(CLIENT_VERSION.split(".")[0])
#: A rebuild lock whose heartbeat is older than this belongs to a crashed rebuild.
LOCK_STALE_AFTER = 600.0
#: A running rebuild renews its lock at most this often (on its writes, and before the swap).
LOCK_HEARTBEAT = 30.0
#: A request is not started with less time than this left in its budget.
MIN_REQUEST_TIME = 0.02

_LOCK_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "owner": {"type": "keyword"},
        "index": {"type": "keyword"},
        "started": {"type": "double"},
        "heartbeat": {"type": "double"},
    },
}
_LOCK_SETTINGS = {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}}


class RebuildInProgress(RebuildConflict):
    """Another process is rebuilding this entity's index (its lock is fresh)."""


class RebuildLockLost(RebuildConflict):
    """This rebuild's lock was taken over (it looked stale), or its index was removed: the
    rebuild stops and must not swap."""


def server_problem(server_version: str) -> str | None:
    """Why this client cannot serve a server of that version, or None when it can.

    The client works with its own major and the next one (it sends ``compatible-with``
    its own major); int8_hnsw needs ``MIN_SERVER_VERSION``.
    """
    match = re.match(r"(\d+)\.(\d+)", server_version or "")
    if not match:
        return f"unknown Elasticsearch version {server_version!r}"
    major, minor = int(match.group(1)), int(match.group(2))
    if major not in (CLIENT_MAJOR, CLIENT_MAJOR + 1):
        return (
            f"the elasticsearch client {CLIENT_VERSION} talks to Elasticsearch {CLIENT_MAJOR}.x and "
            f"{CLIENT_MAJOR + 1}.x, the server is {server_version}: install the client of the server's "
            "major version"
        )
    if (major, minor) < MIN_SERVER_VERSION:
        return f"Elasticsearch {server_version} is too old: int8_hnsw vectors need 8.12 or newer"
    return None


def _unavailable(exc: Exception, what: str) -> BackendUnavailable:
    return BackendUnavailable(f"elasticsearch {what} failed: {type(exc).__name__}: {exc}")


def _error_type(exc: ApiError) -> str | None:
    body = exc.body
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        return body["error"].get("type")
    return None


@contextmanager
def _guard(what: str, *, missing: str | None = None) -> Iterator[None]:
    """Turn "cannot answer now" errors into BackendUnavailable; ``missing``: a 404 too (with
    that explanation). Other API errors (a request we built wrongly) stay what they are."""
    try:
        yield
    except BackendUnavailable:
        raise
    except NotFoundError as exc:
        if missing is not None:
            raise BackendUnavailable(f"elasticsearch {what}: {missing}") from exc
        raise
    except TransportError as exc:
        raise _unavailable(exc, what) from exc
    except ApiError as exc:
        if exc.status_code in UNAVAILABLE_STATUSES:
            raise _unavailable(exc, what) from exc
        raise


class _Budget:
    """The time one request-path call may take: each request it sends gets what is left."""

    def __init__(self, client: Elasticsearch, seconds: float) -> None:
        self._client = client
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def client(self) -> Elasticsearch:
        left = self._ends - time.monotonic()
        if left < MIN_REQUEST_TIME:
            raise BackendUnavailable(f"elasticsearch: the request budget of {self.seconds:g} s is used up")
        return self._client.options(request_timeout=left, max_retries=0, retry_on_timeout=False)


@dataclass
class _Lock:
    entity: str
    owner: str
    index: str
    started: float
    seq_no: int
    primary_term: int
    beat_at: float

    def document(self, now: float) -> dict[str, Any]:
        return {"owner": self.owner, "index": self.index, "started": self.started, "heartbeat": now}


def connection_options(
    url: str,
    *,
    ca_certs: str | os.PathLike[str] | None = None,
    ca_fingerprint: str | None = None,
    api_key: str | tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The ``Elasticsearch(...)`` keyword arguments for TLS and credentials, checked early:
    a wrong setting should fail at start-up with its name, not as a TLS error later."""
    options: dict[str, Any] = {}
    tls = ca_certs or ca_fingerprint
    if tls and not url.lower().startswith("https://"):
        raise ValueError(
            "ELASTICSEARCH_CA_CERTS/ELASTICSEARCH_CA_FINGERPRINT need an https:// ELASTICSEARCH_URL"
        )
    if ca_certs and ca_fingerprint:
        raise ValueError(
            "set ELASTICSEARCH_CA_CERTS or ELASTICSEARCH_CA_FINGERPRINT, not both (the fingerprint "
            "would replace the certificate check)"
        )
    if ca_certs:
        path = os.fspath(ca_certs)
        if not os.path.isfile(path):
            raise ValueError(f"ELASTICSEARCH_CA_CERTS: no such file {path!r}")
        options["ca_certs"] = path
    if ca_fingerprint:
        digest = re.sub(r"[\s:]", "", ca_fingerprint).lower()
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError(
                "ELASTICSEARCH_CA_FINGERPRINT must be a SHA-256 fingerprint (64 hex digits, colons allowed)"
            )
        options["ssl_assert_fingerprint"] = digest
    if api_key:
        if isinstance(api_key, str) and ":" in api_key:
            key_id, _, secret = api_key.partition(":")
            options["api_key"] = (key_id, secret)
        else:
            options["api_key"] = api_key
    return options


class _Writer:
    """Writes into the index a rebuild is filling, through its building alias."""

    def __init__(self, backend: ElasticsearchBackend, lock: _Lock, index: str, target: str) -> None:
        self._backend = backend
        self._lock = lock
        self.index = index
        self.target = target

    def upsert(self, docs: Sequence[Document], vectors: dict[str, np.ndarray]) -> BulkReport:
        self._backend._heartbeat(self._lock)
        report = self._backend._bulk_index(self.target, docs, vectors)
        gone = [i for i, why in report.errors.items() if why.startswith("index_not_found_exception")]
        if gone:
            # require_alias refused the write: the index being filled was removed under us.
            raise RebuildLockLost(f"{self.target} no longer exists (the index {self.index} was removed)")
        return report

    def delete(self, ids: Sequence[str]) -> None:
        self._backend._heartbeat(self._lock)
        self._backend._bulk_delete(self.target, ids)


class ElasticsearchBackend:
    """The SearchBackend protocol on an Elasticsearch 8.x or 9.x cluster."""

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
        setup_timeout: float = SETUP_TIMEOUT,
        chunk_size: int = 500,
        max_retries: int = 3,
        initial_backoff: float = 0.5,
        synonyms: Sequence[str] | None = None,
        ca_certs: str | os.PathLike[str] | None = None,
        ca_fingerprint: str | None = None,
        api_key: str | None = None,
        lock_stale_after: float = LOCK_STALE_AFTER,
    ) -> None:
        """``refresh`` makes writes visible before ``upsert`` returns (tests; costly in bulk).
        ``synonyms`` overrides the rules read from search_config/synonyms/ (tests).
        ``ca_certs``, ``ca_fingerprint``, ``api_key``: see the module docstring; ``client``
        (tests) replaces all connection settings."""
        if client is None:
            if not url:
                raise ValueError("ELASTICSEARCH_URL is not set")
            options = connection_options(
                url, ca_certs=ca_certs, ca_fingerprint=ca_fingerprint, api_key=api_key
            )
            # Two clients, two connection pools: a bulk request hanging for bulk_timeout never
            # holds a connection a search is waiting for. No transport retries in either.
            client = Elasticsearch(
                url, request_timeout=timeout, max_retries=0, retry_on_timeout=False, **options
            )
            background = Elasticsearch(
                url, request_timeout=setup_timeout, max_retries=0, retry_on_timeout=False, **options
            )
            self._owns_client = True
        else:
            if ca_certs or ca_fingerprint or api_key:
                raise ValueError("pass connection settings or a client, not both")
            background = client
            self._owns_client = False
        q.alias_name(prefix, "x")  # validates the prefix early
        self.prefix = prefix
        self.timeout = float(timeout)
        self.url = url
        self._client = client
        self._background = background
        self._admin = background.options(request_timeout=setup_timeout, max_retries=0, retry_on_timeout=False)
        self._bulk = background.options(request_timeout=bulk_timeout, max_retries=0, retry_on_timeout=False)
        self._use_retriever = use_retriever
        self.refresh = refresh
        self.chunk_size = chunk_size
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self.lock_stale_after = lock_stale_after
        self._synonyms = list(synonyms) if synonyms is not None else None
        #: entity → {"required": [...], "recommended": [...]}, as ensure_index last saw it.
        self._reindex: dict[str, dict[str, list[str]]] = {}
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # --- names and helpers ----------------------------------------------------------

    def alias(self, entity: str) -> str:
        return q.alias_name(self.prefix, entity)

    def synonyms(self) -> list[str]:
        return self._synonyms if self._synonyms is not None else q.load_synonyms()

    def _budget(self, seconds: float | None = None) -> _Budget:
        return _Budget(self._client, self.timeout if seconds is None else seconds)

    def _indices_of(self, alias: str) -> list[str]:
        """Concrete indices behind an alias ([] when the alias does not exist)."""
        try:
            return sorted(self._admin.indices.get_alias(name=alias).body)
        except NotFoundError:
            return []

    @staticmethod
    def _mappings_behind(client: Elasticsearch, name: str) -> dict[str, dict[str, Any]]:
        """{concrete index: mappings} for an alias (or an index of that name); {} when missing."""
        try:
            body = client.indices.get_mapping(index=name).body
        except NotFoundError:
            return {}
        return {index: dict(value.get("mappings") or {}) for index, value in body.items()}

    def reindex_needed(self) -> dict[str, dict[str, list[str]]]:
        """Entities whose index should be rebuilt, as ``ensure_index`` found them in this process:
        ``required`` (vector search cannot work, or the alias is broken) and ``recommended``
        (the configuration changed; the index still answers as before)."""
        return {entity: {k: list(v) for k, v in state.items()} for entity, state in self._reindex.items()}

    def _note(self, entity: str, required: list[str], recommended: list[str]) -> None:
        if not required and not recommended:
            self._reindex.pop(entity, None)
            return
        self._reindex[entity] = {"required": required, "recommended": recommended}
        for reason in required:
            log.error("search index of %s must be rebuilt (flask indexer reindex): %s", entity, reason)
        for reason in recommended:
            log.warning("search index of %s should be rebuilt (flask indexer reindex): %s", entity, reason)

    # --- index management -----------------------------------------------------------

    def ensure_index(self, entity: str, dims: dict[str, int]) -> None:
        """Create the entity's first index with its alias, or add missing fields in place.

        While the index exists this is one mapping lookup within the request timeout. What a
        rebuild must fix is noted (``reindex_needed``), never raised: the rebuild must run.
        """
        alias = self.alias(entity)
        with _guard("ensure_index"):
            mappings = self._mappings_behind(self._budget().client(), alias)
            if not mappings:
                self._create_initial(entity, dims)
                return
            if alias in mappings:
                why = (
                    f"{alias} is a concrete index, not an alias (a write made it while the alias was missing)"
                )
                self._note(entity, [why], [])
                return
            synonyms = self.synonyms()
            required: list[str] = []
            recommended: list[str] = []
            for index, current in sorted(mappings.items()):
                must, should = q.index_problems(current, dims, synonyms)
                required += [f"{index}: {reason}" for reason in must]
                recommended += [f"{index}: {reason}" for reason in should]
                mismatched = q.vector_dims_mismatch(current, dims)
                update = q.mapping_update(current, {n: d for n, d in dims.items() if n not in mismatched})
                if update is not None:
                    self._admin.indices.put_mapping(index=index, **update)
            self._note(entity, required, recommended)

    def _create_initial(self, entity: str, dims: Mapping[str, int]) -> None:
        alias = self.alias(entity)
        initial = q.initial_index_name(self.prefix, entity)
        body = q.index_body(dims, self.synonyms())
        try:
            # Index and alias in one request: readers never see one without the other.
            self._admin.indices.create(index=initial, aliases={alias: {}}, **body)
        except ApiError as exc:
            if _error_type(exc) != "resource_already_exists_exception":
                raise
            # Another worker created it first (same fixed name): fine once the alias exists.
            if not self._mappings_behind(self._admin, alias):
                self._note(entity, [f"{initial} exists but the alias {alias} does not"], [])
                return
        self._note(entity, [], [])

    @contextmanager
    def rebuild(self, entity: str, dims: dict[str, int]) -> Iterator[_Writer]:
        """Fill a new index; on a clean exit swap the alias atomically and drop the old one.

        Raises RebuildInProgress while another process rebuilds the entity.
        """
        alias = self.alias(entity)
        building = q.building_alias(self.prefix, entity)
        new = q.index_name(self.prefix, entity)
        body = q.index_body(dims, self.synonyms())
        refresh_interval = body["settings"]["index"].get("refresh_interval", "1s")
        body["settings"]["index"]["refresh_interval"] = "-1"  # bulk load without refreshes
        with _guard("rebuild"):
            lock = self._acquire_lock(entity, new)
        try:
            with _guard("rebuild"):
                # What a crashed rebuild left behind (its building alias still points at it):
                # no other rebuild runs, we hold the lock.
                for stale in self._indices_of(building):
                    self._admin.indices.delete(index=stale)
                self._admin.indices.create(index=new, aliases={building: {}}, **body)
            try:
                yield _Writer(self, lock, new, building)
            except BaseException:
                self._drop_abandoned(new)
                raise
            try:
                with _guard("rebuild swap"):
                    self._admin.indices.put_settings(
                        index=new, settings={"index": {"refresh_interval": refresh_interval}}
                    )
                    self._admin.indices.refresh(index=new)
                    self._heartbeat(lock, force=True)  # still ours: nobody took over meanwhile
                    behind = self._mappings_behind(self._admin, alias)
                    squatter = alias in behind
                    old = [] if squatter else [i for i in sorted(behind) if i != new]
                    doomed = list(old)
                    orphan = q.initial_index_name(self.prefix, entity)
                    if orphan not in behind and self._admin.indices.exists(index=orphan):
                        doomed.append(orphan)  # an -initial index that lost its alias
            except BaseException:
                self._drop_abandoned(new)
                raise
            with _guard("rebuild swap"):
                # Not dropped on a failure from here on: a timed-out swap may have happened.
                actions = q.alias_swap_actions(alias, new, old, building=building, squatter=squatter)
                self._admin.indices.update_aliases(actions=actions)
                for index in doomed:
                    try:
                        self._admin.indices.delete(index=index)
                    except NotFoundError:
                        pass
            self._note(entity, [], [])
        finally:
            self._release_lock(lock)

    def _drop_abandoned(self, index: str) -> None:
        try:
            self._admin.indices.delete(index=index)
        except NotFoundError:
            pass
        except (ApiError, TransportError):
            # Its building alias still points at it: the next rebuild drops it.
            log.exception("could not delete the abandoned index %s", index)

    # --- the rebuild lock -------------------------------------------------------------

    def _lock_index(self) -> str:
        return q.lock_index_name(self.prefix)

    def _acquire_lock(self, entity: str, index: str) -> _Lock:
        """One lock document per entity, created only if absent (409 otherwise); a lock whose
        heartbeat is older than ``lock_stale_after`` is taken over with a compare-and-set."""
        name = self._lock_index()
        try:
            self._admin.indices.create(index=name, settings=_LOCK_SETTINGS, mappings=_LOCK_MAPPINGS)
        except ApiError as exc:
            if _error_type(exc) != "resource_already_exists_exception":
                raise
        now = time.time()
        lock = _Lock(entity, self._owner, index, now, -1, -1, now)
        for _ in range(2):
            try:
                resp = self._admin.create(index=name, id=entity, document=lock.document(now), refresh=False)
                break
            except ConflictError:
                pass
            try:
                held = self._admin.get(index=name, id=entity).body
            except NotFoundError:
                continue  # released in between: try to create it again
            resp = self._take_over_if_stale(lock, held)
            break
        else:
            raise RebuildInProgress(f"{entity} is being rebuilt by another process")
        lock.seq_no, lock.primary_term = int(resp["_seq_no"]), int(resp["_primary_term"])
        return lock

    def _take_over_if_stale(self, lock: _Lock, held: Mapping[str, Any]) -> Any:
        source = held.get("_source") or {}
        age = lock.started - float(source.get("heartbeat") or 0.0)
        if age < self.lock_stale_after:
            raise RebuildInProgress(
                f"{lock.entity} is being rebuilt by {source.get('owner')} into {source.get('index')} "
                f"(last heartbeat {age:.0f} s ago); wait for it to finish"
            )
        log.warning(
            "taking over the rebuild lock of %s from %s (no heartbeat for %.0f s)",
            lock.entity,
            source.get("owner"),
            age,
        )
        try:
            return self._admin.index(
                index=self._lock_index(),
                id=lock.entity,
                document=lock.document(lock.started),
                if_seq_no=held["_seq_no"],
                if_primary_term=held["_primary_term"],
            )
        except ConflictError:
            raise RebuildInProgress(
                f"another process took over the stale rebuild lock of {lock.entity}"
            ) from None

    def _heartbeat(self, lock: _Lock, *, force: bool = False) -> None:
        now = time.time()
        if not force and now - lock.beat_at < LOCK_HEARTBEAT:
            return
        try:
            with _guard("rebuild lock"):
                resp = self._admin.index(
                    index=self._lock_index(),
                    id=lock.entity,
                    document=lock.document(now),
                    if_seq_no=lock.seq_no,
                    if_primary_term=lock.primary_term,
                )
        except (ConflictError, NotFoundError):
            raise RebuildLockLost(
                f"the rebuild lock of {lock.entity} was taken over or removed: this rebuild stops"
            ) from None
        lock.seq_no, lock.primary_term, lock.beat_at = int(resp["_seq_no"]), int(resp["_primary_term"]), now

    def _release_lock(self, lock: _Lock) -> None:
        try:
            self._admin.delete(
                index=self._lock_index(),
                id=lock.entity,
                if_seq_no=lock.seq_no,
                if_primary_term=lock.primary_term,
            )
        except (ConflictError, NotFoundError):
            log.warning("the rebuild lock of %s was no longer ours at release", lock.entity)
        except (ApiError, TransportError):
            # It goes stale by itself after lock_stale_after.
            log.exception("could not release the rebuild lock of %s", lock.entity)

    # --- writes ---------------------------------------------------------------------

    def _streaming_bulk(
        self, actions: list[dict[str, Any]], **params: Any
    ) -> Iterator[tuple[bool, dict[str, Any]]]:
        """The one retry layer: the helper retries rejected documents and 429/5xx answers with
        exponential back-off; the transport underneath never retries."""
        if self.refresh:
            params["refresh"] = "wait_for" if self.refresh == "wait_for" else "true"
        return helpers.streaming_bulk(
            self._bulk,
            actions,
            chunk_size=self.chunk_size,
            max_retries=self.max_retries,
            initial_backoff=self.initial_backoff,
            max_backoff=MAX_BACKOFF,
            retry_on_status=BULK_RETRY_STATUSES,
            raise_on_error=False,
            raise_on_exception=True,
            **params,
        )

    def _bulk_index(
        self, target: str, docs: Sequence[Document], vectors: Mapping[str, np.ndarray]
    ) -> BulkReport:
        """Index into an alias only (``require_alias``): never auto-create an index."""
        report = BulkReport()
        if not docs:
            return report
        actions = q.bulk_actions(target, docs, vectors)
        with _guard("bulk"):
            for ok, item in self._streaming_bulk(actions, require_alias=True):
                info = next(iter(item.values()))
                if ok:
                    report.indexed += 1
                elif info.get("status") == 409:
                    # The index holds a newer version: not an error.
                    report.stale += 1
                else:
                    report.errors[str(info.get("_id"))] = _reason(info)
        return report

    def _bulk_delete(self, target: str, ids: Sequence[str]) -> None:
        # Deletes never auto-create an index (Elasticsearch >= 6 without external versions), so
        # they need no require_alias; a missing index is an error, a missing document is not.
        if not ids:
            return
        errors = {}
        with _guard("bulk delete"):
            for ok, item in self._streaming_bulk(q.delete_actions(target, [str(i) for i in ids])):
                info = next(iter(item.values()))
                if not ok and not (info.get("status") == 404 and not info.get("error")):
                    errors[str(info.get("_id"))] = _reason(info)
        if errors:
            raise RuntimeError(f"delete failed for {len(errors)} document(s): {errors}")

    def _write_targets(self, entity: str) -> list[str]:
        """The alias, plus the building alias while a rebuild fills its index (in any process)."""
        building = q.building_alias(self.prefix, entity)
        extra = [building] if self._admin.indices.exists_alias(name=building) else []
        return [self.alias(entity), *extra]

    def upsert(self, entity: str, docs: Sequence[Document], vectors: dict[str, np.ndarray]) -> BulkReport:
        with _guard("upsert"):
            live, *building = self._write_targets(entity)
        report = self._bulk_index(live, docs, vectors)
        for target in building:
            extra = self._bulk_index(target, docs, vectors)
            if extra.errors:
                # The rebuild may just have swapped (its building alias is gone): the live alias
                # got the write. Otherwise the rebuild's replay writes these rows again.
                log.warning("writing to the index being rebuilt (%s) failed: %s", target, extra.errors)
        return report

    def delete(self, entity: str, ids: Sequence[str]) -> None:
        with _guard("delete"):
            live, *building = self._write_targets(entity)
        self._bulk_delete(live, [str(i) for i in ids])
        for target in building:
            try:
                self._bulk_delete(target, [str(i) for i in ids])
            except (RuntimeError, BackendUnavailable) as exc:
                log.warning("deleting from the index being rebuilt (%s) failed: %s", target, exc)

    # --- reads ----------------------------------------------------------------------

    def count(self, entity: str) -> int:
        """Documents behind the alias (0 when it does not exist). Request-path safe."""
        with _guard("count"):
            try:
                return int(self._budget().client().count(index=self.alias(entity)).body["count"])
            except NotFoundError:
                return 0

    def ids(self, entity: str) -> set[str]:
        with _guard("ids"):
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

    def health(self) -> dict[str, Any]:
        """Cluster status, versions, index sizes and what needs a rebuild; never raises,
        answers within the request timeout (at most a second) in total."""
        budget = self._budget(min(self.timeout, 1.0))
        out: dict[str, Any] = {"ok": False, "backend": self.name, "client_version": CLIENT_VERSION}
        reindex = self.reindex_needed()
        if reindex:
            out["reindex"] = reindex
        try:
            info = budget.client().info().body
            server_version = str(info.get("version", {}).get("number", "?"))
            out["server_version"] = server_version
            problem = server_problem(server_version)
            if problem:
                out["error"] = problem
            cluster = budget.client().cluster.health().body
            out.update(cluster=cluster.get("cluster_name"), status=cluster.get("status"))
            rows = budget.client().cat.indices(index=f"{self.prefix}-*", format="json", bytes="b").body
            try:
                aliases = budget.client().indices.get_alias(name=f"{self.prefix}-*").body
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
            required = any(state["required"] for state in reindex.values())
            out["ok"] = cluster.get("status") in ("green", "yellow") and problem is None and not required
        except (TransportError, ApiError, BackendUnavailable) as exc:
            out["error"] = f"{type(exc).__name__}: {exc}"
        return out

    # --- search ---------------------------------------------------------------------

    def _retriever_enabled(self, budget: _Budget) -> bool:
        if self._use_retriever == "auto":
            try:
                licence = budget.client().license.get().body.get("license", {})
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
        """Same match set and order as the embedded backend (see elastic_queries); one round trip
        (two when the match set must be counted on the server), within the request timeout in
        total. A missing index raises BackendUnavailable, so the database answers instead."""
        started = time.perf_counter()
        budget = self._budget()
        alias = self.alias(query.entity)
        has_text = bool(query.text.strip())
        vector_legs = (
            [n for n in sorted(vectors) if weights.get(n, 0) > 0 and vectors[n] is not None]
            if has_text and query.mode != "lexical"
            else []
        )
        lexical = has_text and query.mode != "semantic" and weights.get("lexical", 0) > 0
        if not (lexical or vector_legs):
            result = self._search_browse(budget, alias, query)
        else:
            order = q.effective_sort(query, has_text=True)
            result = None
            if order == "relevance" and lexical + len(vector_legs) > 1 and self._retriever_enabled(budget):
                result = self._search_retriever(budget, alias, query, vectors, weights, vector_legs, lexical)
            if result is None:
                result = self._search_fused(
                    budget, alias, query, vectors, weights, vector_legs, lexical, order
                )
        result.took_ms = (time.perf_counter() - started) * 1000.0
        result.backend = self.name
        return result

    def _missing(self, alias: str) -> str:
        return f"no index behind {alias} (ensure_index or `flask indexer reindex` makes it)"

    def _search_browse(self, budget: _Budget, alias: str, query: SearchQuery) -> SearchResult:
        """No text: the filtered set ranked by preferences or sorted, paged by Elasticsearch."""
        from indexer import fusion

        body = q.browse_body(query, boost_bonus=fusion.BOOST_BONUS, near_bonus=fusion.NEAR_BONUS)
        with _guard("search", missing=self._missing(alias)):
            resp = budget.client().search(index=alias, **_body_kwargs(body)).body
        return self._ranked_result(resp, query)

    def _search_fused(
        self,
        budget: _Budget,
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
        with _guard("msearch", missing=self._missing(alias)):
            resp = budget.client().msearch(searches=q.msearch_payload(alias, bodies)).body
        by_leg: dict[str, dict[str, Any]] = {}
        for name, answer in zip(names, resp["responses"], strict=True):
            error = answer.get("error")
            if error:
                if _is_missing_index(error):
                    raise BackendUnavailable(f"elasticsearch {name} leg: {self._missing(alias)}")
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
            counted = self._match_set(budget, alias, query, top, vector_ids, order)
            return SearchResult(
                total=q.total_of(counted), hits=hits, facets=q.facets_of(counted, query.facets)
            )

        if top is None and not vector_ids:
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets})
        page = self._match_set(budget, alias, query, top, vector_ids, order)
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
        self,
        budget: _Budget,
        alias: str,
        query: SearchQuery,
        top: float | None,
        vector_ids: list[str],
        order: str,
    ) -> dict[str, Any]:
        body = q.match_set_body(query, lexical_top=top, vector_ids=vector_ids, order=order)
        with _guard("search", missing=self._missing(alias)):
            return budget.client().search(index=alias, **_body_kwargs(body)).body

    def _search_retriever(
        self,
        budget: _Budget,
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
        with _guard("search", missing=self._missing(alias)):
            try:
                resp = budget.client().search(index=alias, **_body_kwargs(body)).body
            except ApiError as exc:
                if exc.status_code not in (400, 403):
                    raise
                # 403: not licensed (Basic); 400: a version whose rrf lacks a feature we ask for.
                log.warning("the rrf retriever failed (%s); fusing on the client from now on", exc)
                self._use_retriever = False
                return None
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
            self._background.close()


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
    tiers: dict[str, float] = {}
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
        tier = q.preference_tier(query, source)
        if tier:
            tiers[doc_id] = tier
    return fusion.fuse(legs, weights, bonuses=bonuses, factors=factors, tiers=tiers)


def _is_missing_index(error: Any) -> bool:
    return isinstance(error, Mapping) and error.get("type") == "index_not_found_exception"
