"""Elasticsearch synonym files generated from the taxonomy (Solr equivalence format).

One line per function or sector: every label and synonym in the four languages, folded the
way the index analyzers fold (lowercase + asciifolding; apostrophes and hyphens are kept so
the analyzer's own tokenizer and elision filter treat "chanteur d'opéra" in the file exactly
as in a query), so "fotograaf" in a query also matches "photographer" in a card. The files live in
``search_config/synonyms/`` and are committed; a test keeps them equal to what
``synonym_lines`` produces, so the taxonomy and the index never drift apart. Regenerate with
``python -m webapp.taxonomy.synonyms``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from webapp.taxonomy import get_taxonomy
from webapp.taxonomy.taxonomy import Kind
from webapp.taxonomy.text import fold, normalize

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DIRECTORY = REPO / "search_config" / "synonyms"
FILES: dict[Kind, str] = {"function": "functions.txt", "sector": "sectors.txt"}
HEADER = (
    "# Generated from webapp/taxonomy/data/taxonomy.json by `python -m webapp.taxonomy.synonyms`.\n"
    "# Solr equivalence format, lowercased and accent-folded. Do not edit by hand.\n"
)


def synonym_term(surface: str) -> str:
    """A label as the synonym file spells it: folded, single spaces, no Solr syntax."""
    cleaned = fold(surface).replace(",", " ").replace("=>", " ")
    return " ".join(cleaned.split())


def synonym_lines(kind: Kind = "function") -> list[str]:
    """Equivalence lines ("photographer, fotograaf, photographe, fotograf, fotografin")."""
    taxonomy = get_taxonomy()
    entries = taxonomy.functions if kind == "function" else taxonomy.sectors
    ambiguous = taxonomy._no_terms
    lines = []
    for code in entries:
        terms: list[str] = []
        for surface in taxonomy.all_labels(kind, code):
            if normalize(surface) in ambiguous:
                continue
            term = synonym_term(surface)
            if term and term not in terms:
                terms.append(term)
        if len(terms) > 1:
            lines.append(", ".join(terms))
    return lines


def render(kind: Kind) -> str:
    return HEADER + "\n".join(synonym_lines(kind)) + "\n"


def write_synonym_files(directory: str | Path = DEFAULT_DIRECTORY) -> list[Path]:
    """Write functions.txt and sectors.txt into ``directory``; returns the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, name in FILES.items():
        path = directory / name
        path.write_text(render(kind), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_synonym_files(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIRECTORY):
        print(written)
