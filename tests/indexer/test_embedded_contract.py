"""The backend contract on the embedded backend (SQLite + in-memory index)."""

from __future__ import annotations

import pytest

from indexer.backends.embedded import EmbeddedBackend
from tests.indexer.contract import BackendContract


class TestEmbeddedBackend(BackendContract):
    @pytest.fixture
    def backend(self, tmp_path):
        """A fresh embedded backend in its own data directory."""
        backend = EmbeddedBackend(tmp_path)
        yield backend
        backend.close()
