"""Fixtures for the taxonomy tests: the shared taxonomy and gazetteer (loaded once per run)."""

from __future__ import annotations

import pytest

from webapp.taxonomy import get_gazetteer, get_taxonomy


@pytest.fixture(scope="session")
def taxonomy():
    """The process-wide taxonomy."""
    return get_taxonomy()


@pytest.fixture(scope="session")
def gazetteer():
    """The process-wide gazetteer for the default countries (BE,NL,FR,DE,LU,AT,ES,IT,SE)."""
    return get_gazetteer()
