"""Search backends behind one protocol (indexer.backends.base.SearchBackend), chosen from settings."""

from __future__ import annotations

import os

from indexer.backends.base import BackendUnavailable, SearchBackend

__all__ = ["BackendUnavailable", "SearchBackend", "create_backend"]


def create_backend(
    kind: str,
    *,
    data_dir: str | os.PathLike[str],
    url: str | None = None,
    prefix: str = "kring",
    timeout: float = 0.8,
    ca_certs: str | os.PathLike[str] | None = None,
    ca_fingerprint: str | None = None,
    api_key: str | None = None,
) -> SearchBackend:
    """ "embedded" (default: SQLite + in-memory index under data_dir/search) or "elasticsearch".

    ``ca_certs`` (ELASTICSEARCH_CA_CERTS: the cluster's CA file), ``ca_fingerprint``
    (ELASTICSEARCH_CA_FINGERPRINT: its SHA-256, the alternative) and ``api_key``
    (ELASTICSEARCH_API_KEY) reach a default self-managed cluster (HTTPS, own CA, security on);
    the embedded backend ignores them. The Elasticsearch client is imported only when asked
    for, so the embedded setup never pays for it.
    """
    kind = (kind or "embedded").strip().lower()
    if kind == "embedded":
        from indexer.backends.embedded import EmbeddedBackend

        return EmbeddedBackend(data_dir)
    if kind in ("elasticsearch", "elastic"):
        from indexer.backends.elastic import ElasticsearchBackend

        return ElasticsearchBackend(
            url=url,
            prefix=prefix,
            timeout=timeout,
            ca_certs=ca_certs or None,
            ca_fingerprint=ca_fingerprint or None,
            api_key=api_key or None,
        )
    raise ValueError(f"unknown search backend {kind!r} (expected 'embedded' or 'elasticsearch')")
