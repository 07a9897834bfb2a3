"""/functions/suggest: the function picker's type-ahead, labels and synonyms of the four languages."""

from __future__ import annotations

import pytest


def _suggest(client, q: str, lang: str = "en", **extra) -> list[dict]:
    response = client.get("/functions/suggest", query_string={"q": q, "lang": lang, **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize(
    ("q", "lang", "label"),
    [
        ("photog", "en", "Photographer"),
        ("fotograaf", "en", "Photographer"),  # a Dutch word in an English page
        ("fotograaf", "fr", "Photographe"),
        ("photographe", "de", "Fotograf"),
        ("ingénieur du s", "nl", None),  # multi-word prefixes work; label checked below
    ],
)
def test_any_language_finds_the_function_labelled_in_the_readers_language(client, q, lang, label):
    answers = _suggest(client, q, lang)
    assert answers, f"nothing for {q!r}"
    if label:
        assert answers[0]["label"] == label
    else:
        assert answers[0]["id"] == "sound_engineer"


def test_answers_say_what_they_matched_when_it_is_another_word(client):
    (first, *_) = _suggest(client, "fotograaf", "en")
    assert first == {"id": "photographer", "label": "Photographer", "matched": "Fotograaf"}
    plain = _suggest(client, "Photographer", "en")[0]
    assert plain["id"] == "photographer" and "matched" not in plain


def test_prefix_of_the_whole_label_ranks_before_a_later_word(client):
    ids = [a["id"] for a in _suggest(client, "photo", "fr", limit=10)]
    assert ids[0] == "photographer"
    assert "wedding_photographer" in ids  # "Photographe de mariage"


def test_suggest_is_bounded_and_validates(client):
    assert len(_suggest(client, "a", "en", limit=20)) == 20
    assert len(_suggest(client, "a", "en")) == 10
    assert _suggest(client, "zzzzqqq") == []
    for query, parameter in (
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "ph", "lang": "xx"}, "lang"),
        ({"q": "ph", "limit": "21"}, "limit"),
        ({"q": "ph", "limit": "many"}, "limit"),
    ):
        response = client.get("/functions/suggest", query_string=query)
        assert response.status_code == 400
        assert response.get_json()["parameter"] == parameter


def test_every_answer_is_a_function_the_card_form_accepts(client):
    from webapp.taxonomy import get_taxonomy

    functions = get_taxonomy().functions
    for q in ("a", "e", "s", "m", "pro"):
        for answer in _suggest(client, q, "nl", limit=20):
            assert answer["id"] in functions
