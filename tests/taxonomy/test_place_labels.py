"""The hand-written place and region labels file: what the gazetteer relies on, and clear errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from webapp.taxonomy.places_data import (
    DATA_FILE,
    LANG_COUNTRIES,
    PLACE_LABELS,
    REGION_LABELS,
    PlaceLabelsError,
    load_place_labels,
    place_labels,
)


def test_module_names_are_the_loaded_tables():
    assert place_labels() is place_labels()
    assert (PLACE_LABELS, REGION_LABELS, LANG_COUNTRIES) == tuple(load_place_labels())
    assert len(PLACE_LABELS) > 150 and all(isinstance(gid, int) for gid in PLACE_LABELS)
    assert all(len(labels) == 4 for labels in PLACE_LABELS.values())
    assert PLACE_LABELS[2797656] == ("Ghent", "Gent", "Gand", "Gent")
    assert REGION_LABELS["BE"]["WAL"] == ("Wallonia", "Wallonië", "Wallonie", "Wallonien")
    assert REGION_LABELS["NL"]["01"] == "Drenthe"
    assert LANG_COUNTRIES["fr"] == ("FR", "LU")


def test_every_labelled_place_is_the_gazetteers_in_the_country_it_is_filed_under(gazetteer):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for country, entries in data["places"].items():
        for gid, entry in entries.items():
            place = gazetteer.get(int(gid))
            assert place is not None, gid
            assert (place.country, place.name) == (country, entry["geonames"]), gid


def _write(tmp_path: Path, edit: Callable[[dict], object]) -> Path:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "place_labels.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["places"]["BE"]["2800866"].pop("de"),
            r"places\.BE\.2800866: expected an object with the keys",
        ),
        (
            lambda d: d["places"]["BE"]["2800866"].update(fr=""),
            r"places\.BE\.2800866\.fr: expected a non-empty",
        ),
        (lambda d: d["places"]["NL"].update(Gent={}), r"places\.NL\.Gent: a geonames id is a number"),
        (lambda d: d["regions"]["BE"].update(BRU=["Brussels"]), r"regions\.BE\.BRU: expected an object"),
        (lambda d: d.pop("lang_countries"), r"lang_countries: missing"),
    ],
)
def test_a_malformed_file_fails_naming_file_and_key(tmp_path, edit, message):
    path = _write(tmp_path, edit)
    with pytest.raises(PlaceLabelsError, match=message) as caught:
        load_place_labels(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_invalid_json_names_the_file(tmp_path):
    path = tmp_path / "place_labels.json"
    path.write_text(DATA_FILE.read_text(encoding="utf-8").replace('"BE": {', '"BE" {', 1), encoding="utf-8")
    with pytest.raises(PlaceLabelsError, match=r"place_labels\.json: Expecting ':' delimiter: line \d+"):
        load_place_labels(path)
