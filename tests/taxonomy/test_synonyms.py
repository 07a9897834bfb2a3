"""The Elasticsearch synonym files are generated from the taxonomy and must never drift."""

from __future__ import annotations

from webapp.taxonomy.synonyms import DEFAULT_DIRECTORY, FILES, render, synonym_lines, write_synonym_files


def test_committed_files_equal_what_the_taxonomy_produces():
    for kind, name in FILES.items():
        committed = (DEFAULT_DIRECTORY / name).read_text(encoding="utf-8")
        assert committed == render(kind), f"regenerate with: python -m webapp.taxonomy.synonyms ({name})"


def test_lines_are_folded_equivalence_lines(taxonomy):
    lines = synonym_lines("function")
    assert len(lines) == len(taxonomy.functions)
    photographer = next(line for line in lines if line.startswith("photographer,"))
    terms = photographer.split(", ")
    assert {"photographer", "fotograaf", "photographe", "fotograf", "fotografin"} <= set(terms)
    sound = next(line for line in lines if line.startswith("sound engineer,"))
    assert "ingenieur du son" in sound and "tontechniker" in sound and "geluidstechnicus" in sound
    for line in lines + synonym_lines("sector"):
        assert line == line.lower()
        assert "=>" not in line and "é" not in line and "ü" not in line
        terms = line.split(", ")
        assert len(terms) == len(set(terms)) >= 2


def test_ambiguous_words_stay_out_of_the_synonyms():
    research = next(line for line in synonym_lines("sector") if line.startswith("research,"))
    assert "recherche" not in research.split(", ")
    assert "recherche scientifique" in research


def test_write_synonym_files(tmp_path):
    paths = write_synonym_files(tmp_path)
    assert sorted(p.name for p in paths) == ["functions.txt", "sectors.txt"]
    assert (tmp_path / "sectors.txt").read_text(encoding="utf-8") == render("sector")
