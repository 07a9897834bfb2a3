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
) -> SearchBackend:
    """ "embedded" (default: SQLite + in-memory index under data_dir/search) or "elasticsearch".

    The Elasticsearch client is imported only when asked for, so the embedded setup never pays for it.
    """
    kind = (kind or "embedded").strip().lower()
    if kind == "embedded":
        from indexer.backends.embedded import EmbeddedBackend

        return EmbeddedBackend(data_dir)
    if kind in ("elasticsearch", "elastic"):
        from indexer.backends.elastic import ElasticsearchBackend

        return ElasticsearchBackend(url=url, prefix=prefix, timeout=timeout)
    raise ValueError(f"unknown search backend {kind!r} (expected 'embedded' or 'elasticsearch')")
