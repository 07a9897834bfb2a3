"""The SearchBackend protocol both backends implement and the contract tests check."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Iterable, Protocol, Sequence, runtime_checkable

import numpy as np

from indexer.types import BulkReport, Document, SearchQuery, SearchResult


class BackendUnavailable(RuntimeError):
    """The backend cannot answer now (down, timed out, circuit open)."""


class RebuildConflict(RuntimeError):
    """Another process is rebuilding the same entity (or took the rebuild over): try again later."""


@runtime_checkable
class RebuildWriter(Protocol):
    def upsert(self, docs: Sequence[Document], vectors: dict[str, np.ndarray]) -> BulkReport: ...

    def delete(self, ids: Sequence[str]) -> None: ...


@runtime_checkable
class SearchBackend(Protocol):
    """An index per entity; vectors of each embedder in their own field.

    ``vectors`` maps an embedder name to a float32 matrix, one L2-normalised row
    per document (for ``upsert``) or a single row for the query (``search``).
    """

    name: str

    def ensure_index(self, entity: str, dims: dict[str, int]) -> None:
        """Create the index if missing, or migrate it (new fields) in place."""

    def upsert(self, entity: str, docs: Sequence[Document], vectors: dict[str, np.ndarray]) -> BulkReport:
        """Insert or replace; a document whose version is lower than the stored one is skipped."""

    def delete(self, entity: str, ids: Sequence[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    def search(
        self, query: SearchQuery, vectors: dict[str, np.ndarray], weights: dict[str, float]
    ) -> SearchResult:
        """Answer a query. ``weights`` maps leg names ("lexical", embedder names) to fusion weights;
        a leg with weight 0 is not run."""

    def count(self, entity: str) -> int: ...

    def ids(self, entity: str) -> set[str]:
        """Every document id in the index (for orphan checks after a reindex)."""

    def health(self) -> dict[str, Any]:
        """{"ok": bool, ...backend details such as index sizes}."""

    def rebuild(self, entity: str, dims: dict[str, int]) -> AbstractContextManager[RebuildWriter]:
        """Build a fresh index beside the live one and swap it in on a clean exit."""

    def close(self) -> None: ...


def batched(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
