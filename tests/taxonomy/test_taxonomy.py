"""The taxonomy data and its lookups: labels, resolution in four languages, term spotting."""

from __future__ import annotations

import re

import pytest

from webapp.taxonomy.taxonomy import DATA_FILE, Taxonomy
from webapp.taxonomy.text import LANGS, fold, normalize

CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def test_sizes_and_shape(taxonomy):
    assert 28 <= len(taxonomy.sectors) <= 35
    assert 250 <= len(taxonomy.functions) <= 350
    for kind, entries in (("sector", taxonomy.sectors), ("function", taxonomy.functions)):
        for code, entry in entries.items():
            assert CODE.match(code), code
            assert entry.kind == kind and entry.code == code
            assert set(entry.labels) == set(LANGS), code
            assert all(entry.labels[lang].strip() for lang in LANGS), code
    for code, entry in taxonomy.functions.items():
        assert entry.sectors, code
        assert all(s in taxonomy.sectors for s in entry.sectors), code


def test_every_sector_has_functions(taxonomy):
    used = {s for f in taxonomy.functions.values() for s in f.sectors}
    assert used == set(taxonomy.sectors)


def test_a_surface_shared_by_two_codes_is_rejected():
    data = {
        "sectors": [{"code": "a", "labels": dict.fromkeys(LANGS, "Alpha"), "synonyms": {}}],
        "functions": [
            {
                "code": "x",
                "sectors": ["a"],
                "labels": dict.fromkeys(LANGS, "Xer"),
                "synonyms": {"nl": ["Same"]},
            },
            {
                "code": "y",
                "sectors": ["a"],
                "labels": dict.fromkeys(LANGS, "Yer"),
                "synonyms": {"fr": ["sāme"]},
            },
        ],
    }
    with pytest.raises(ValueError, match="used by x and y"):
        Taxonomy(data)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # labels and synonyms, feminine forms, in the four languages; case and accents ignored
        ("photographer", "photographer"),
        ("fotograaf", "photographer"),
        ("fotografe", "photographer"),
        ("Photographe", "photographer"),
        ("Fotografin", "photographer"),
        ("translator", "translator"),
        ("vertaalster", "translator"),
        ("TRADUCTRICE", "translator"),
        ("Übersetzerin", "translator"),
        ("ubersetzer", "translator"),
        ("sound engineer", "sound_engineer"),
        ("geluidstechnicus", "sound_engineer"),
        ("ingénieur du son", "sound_engineer"),
        ("ingenieure du son", "sound_engineer"),
        ("Tontechniker", "sound_engineer"),
        ("Toningenieur", "sound_engineer"),
        ("grafisch ontwerpster", "graphic_designer"),
        ("graphiste", "graphic_designer"),
        ("Grafikerin", "graphic_designer"),
        ("comédienne", "actor"),
        ("Schauspielerin", "actor"),
        ("kinésithérapeute", "physiotherapist"),
        ("sound_engineer", "sound_engineer"),  # the code itself
        ("photographers", "photographer"),  # plural through stemming
        ("vertalers", "translator"),
    ],
)
def test_resolve_function(taxonomy, text, code):
    assert taxonomy.resolve("function", text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Music", "music"),
        ("muziek", "music"),
        ("Musique", "music"),
        ("Musik", "music"),
        ("podiumkunsten", "performing_arts"),
        ("arts de la scène", "performing_arts"),
        ("Darstellende Kunst", "performing_arts"),
        ("fotografie", "photography"),
        ("Écriture & traduction", "writing_translation"),
        ("informatique", "it_web"),
    ],
)
def test_resolve_sector(taxonomy, text, code):
    assert taxonomy.resolve("sector", text) == code


def test_resolve_unknown_and_empty(taxonomy):
    assert taxonomy.resolve("function", "astronaut") is None
    assert taxonomy.resolve("function", "") is None
    assert taxonomy.resolve("function", None) is None
    with pytest.raises(ValueError):
        taxonomy.resolve("colour", "red")


def test_labels_per_language(taxonomy):
    assert taxonomy.label("function", "photographer", "nl") == "Fotograaf"
    assert taxonomy.label("function", "photographer", "fr") == "Photographe"
    assert taxonomy.label("function", "translator", "de") == "Übersetzer"
    assert taxonomy.label("function", "translator", None) == "Translator"
    assert taxonomy.label("function", "translator", "xx") == "Translator"
    assert taxonomy.label("sector", "no_such_code", "nl") == "no_such_code"


def test_choices_are_sorted_by_label_in_the_language(taxonomy):
    for lang in LANGS:
        choices = taxonomy.choices("sector", lang)
        assert len(choices) == len(taxonomy.sectors)
        labels = [fold(label) for _, label in choices]
        assert labels == sorted(labels)
    assert ("photography", "Photographie") in taxonomy.choices("sector", "fr")


def test_all_labels_cover_four_languages_and_synonyms(taxonomy):
    labels = taxonomy.all_labels("function", "photographer")
    assert labels[:4] == ["Photographer", "Fotograaf", "Photographe", "Fotograf"]
    assert "Fotografin" in labels and "fotografe" in labels
    assert len({normalize(x) for x in labels}) == len(labels)
    assert taxonomy.all_labels("function", "nope") == []


def test_find_terms_longest_match_and_offsets(taxonomy):
    text = "Sound engineer near Namur who also does lighting"
    matches = taxonomy.find_terms(text)
    assert [(m.kind, m.code, m.lang) for m in matches] == [
        ("function", "sound_engineer", "en"),
        ("function", "lighting_technician", "en"),
    ]
    assert text[matches[0].start : matches[0].end] == matches[0].surface == "Sound engineer"


def test_find_terms_is_accent_insensitive_and_multiword(taxonomy):
    matches = taxonomy.find_terms("cherche ingenieure du son et metteuse en scene")
    assert [(m.code, m.lang) for m in matches] == [("sound_engineer", "fr"), ("stage_director", "fr")]
    assert matches[0].surface == "ingenieure du son"


def test_find_terms_whole_words_only(taxonomy):
    # "kok" (cook) inside "kokosnoot" and "chef" inside "chefs-d'oeuvre" stay unmatched
    assert taxonomy.find_terms("kokosnoot") == []
    assert [m.code for m in taxonomy.find_terms("a boom operator")] == ["boom_operator"]


def test_find_terms_language_of_the_surface(taxonomy):
    (m,) = taxonomy.find_terms("fotograaf")
    assert m.lang == "nl"
    (m,) = taxonomy.find_terms("Fotograf")
    assert m.lang == "de"
    (m,) = taxonomy.find_terms("DJ")
    assert m.code == "dj" and m.lang is None  # the same word in every language


def test_find_terms_forgives_plurals_and_irregular_forms(taxonomy):
    codes = [m.code for m in taxonomy.find_terms("fotografen, traductrices, geluidstechnici, Kameraleute")]
    assert codes == ["photographer", "translator", "sound_engineer", "camera_operator"]


def test_ambiguous_words_are_not_spotted_in_free_text(taxonomy):
    # "recherche" is a French sector label but usually means "looking for"
    assert taxonomy.resolve("sector", "recherche") == "research"
    assert [m.code for m in taxonomy.find_terms("Je recherche un photographe")] == ["photographer"]


def test_data_file_is_one_entry_per_line():
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    entry_lines = [line for line in lines if line.lstrip().startswith('{"code"')]
    assert len(entry_lines) >= 280
