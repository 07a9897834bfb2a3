"""Typo tolerance of query understanding (issue 8): misspelt trade names are still recognised,
an unknown or misspelt place is reported with "did you mean", and long requests are left alone."""

from __future__ import annotations

import pytest

from indexer.text import TypoIndex, edit_distance, typo_budget
from webapp.taxonomy import get_taxonomy
from webapp.taxonomy.understand import understand


@pytest.mark.parametrize(
    ("typed", "code", "meant"),
    [
        ("fotgraaf", "photographer", "fotograaf"),
        ("tradcteur", "translator", "traducteur"),
        ("Tontechnicker", "sound_engineer", "tontechniker"),
        ("boekhoudr", "accountant", "boekhouder"),
        ("comptalbe", "accountant", "comptable"),  # two letters swapped: one edit
        ("Stadtfürer", "tour_guide", "stadtfuhrer"),
    ],
)
def test_misspelt_trade_names_are_recognised(typed, code, meant):
    interp = understand(typed)
    assert interp.functions == [code]
    assert interp.corrections == [{"typed": typed, "meant": meant, "start": 0, "end": len(typed)}]
    assert interp.did_you_mean() == meant
    assert interp.expansions  # the trade's labels in the other languages reach the lexical leg


def test_a_misspelt_trade_with_a_place_keeps_the_place():
    interp = understand("fotgraaf gent")
    assert interp.functions == ["photographer"]
    assert interp.place is not None and interp.place.name == "Gent"
    assert interp.did_you_mean() == "fotograaf gent"


@pytest.mark.parametrize(
    "text",
    [
        "fotograaf",  # spelt right: nothing to correct
        "zzqqxx",  # nothing close
        "Wer kann kleine Reparaturen in der Wohnung erledigen?",  # a request is not corrected
        "organiser",  # two edits from "organist", but short words get one edit only
    ],
)
def test_no_correction_where_none_is_meant(text):
    interp = understand(text)
    assert interp.corrections == [] and interp.did_you_mean() is None


def test_an_unknown_place_after_a_cue_is_reported():
    interp = understand("tolk in Reykjavik")
    assert interp.place is None
    assert interp.unknown_place == "Reykjavik"
    assert interp.to_dict()["unknown_place"] == "Reykjavik"


@pytest.mark.parametrize("text", ["fotograaf Gnet", "fotograaf in Gnet"])
def test_a_misspelt_place_gets_did_you_mean(text):
    interp = understand(text)
    assert interp.place is None and interp.unknown_place == "Gnet"
    assert interp.place_suggestion == "Gent"
    assert interp.did_you_mean() == text.replace("Gnet", "Gent")
    assert interp.to_dict()["did_you_mean"] == text.replace("Gnet", "Gent")


@pytest.mark.parametrize(
    "text", ["fotograaf Gent", "Wer kann kleine Reparaturen in der Wohnung erledigen?", "tolk in huis"]
)
def test_known_places_and_ordinary_words_are_no_unknown_place(text):
    assert understand(text).unknown_place is None


def test_edit_distance_is_bounded_and_counts_swaps_once():
    assert edit_distance("gnet", "gent", 1) == 1
    assert edit_distance("fotgraaf", "fotograaf", 2) == 1
    assert edit_distance("abcdef", "uvwxyz", 2) == 3  # stops at limit + 1
    assert edit_distance("same", "same", 0) == 0
    assert [typo_budget(w) for w in ("dj", "maler", "fotgraaf")] == [0, 1, 2]


def test_typo_index_finds_close_words_with_the_first_letter_right():
    index = TypoIndex(["fotograaf", "fotografie", "photograph", "vertaler", "gent"])
    assert index.close("fotgraaf") == [("fotograaf", 1)]
    assert index.close("otograaf") == []  # the first letter must match
    assert index.close("fotograaf") == []  # the word itself is no typo


def test_fuzzy_term_refuses_ties_between_two_trades():
    taxonomy = get_taxonomy()
    assert taxonomy.fuzzy_term("fotograaf") is None  # a known word is not a typo
    assert taxonomy.fuzzy_term("Tontechnicker")[:2] == ("function", "sound_engineer")
