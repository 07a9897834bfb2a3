"""The intent/object lexicon (webapp/taxonomy/concepts.py): what it finds in requests, what it
adds to the lexical leg, and that an intent word reaches a card of another language through the
real embedded backend."""

from __future__ import annotations

import json

import pytest

from webapp.taxonomy.concepts import DATA, get_lexicon
from webapp.taxonomy.text import LANGS, normalize, tokenize
from webapp.taxonomy.understand import understand


def concepts(text: str) -> list[str]:
    return [c.id for c in get_lexicon().find(tokenize(text))]


def test_every_concept_has_words_in_the_four_languages_and_a_unique_id():
    data = json.loads(DATA.read_text("utf-8"))["concepts"]
    ids = [c["id"] for c in data]
    assert len(ids) == len(set(ids))
    for entry in data:
        for lang in LANGS:
            assert entry[lang], f"{entry['id']} has no {lang} word"
            assert all(normalize(w) for w in entry[lang])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("someone to film our wedding", ["video", "wedding"]),
        ("Wer legt auf unserer Hochzeit auf?", ["wedding"]),
        ("photographe pour notre mariage", ["wedding"]),
        ("huwelijksfeest in de zomer", ["wedding", "party"]),  # compound: first and last part
        ("Wir suchen jemanden für Produktfotos", ["product", "photo"]),
        ("Geburtstagsfeier", ["birthday"]),  # a word of the lexicon itself wins over its parts
        ("réparations dans la maison", ["repair", "house"]),  # plural ending
        ("gestion Instagram", ["social_media"]),
        ("visite guidée de la vieille ville", ["tour", "old_town"]),  # phrases, longest first
    ],
)
def test_concepts_of_requests(text, expected):
    assert concepts(text) == expected


def test_short_or_function_words_are_no_concepts():
    assert concepts("festival") == ["festival"]  # not "fest" + "ival"
    assert concepts("les de la het een") == []
    assert concepts("zzqqxx") == []


def test_expansions_carry_intent_words_across_languages():
    result = understand("Wer legt auf unserer Hochzeit auf?")
    assert [c.id for c in result.concepts] == ["wedding"]
    assert {"wedding", "huwelijk", "mariage"} <= set(result.expansions)
    assert "Hochzeit" not in result.expansions  # what was typed is not repeated


def test_trade_and_place_words_are_left_to_the_taxonomy_and_gazetteer():
    result = understand("fotograaf Gent")
    assert result.concepts == []
    assert result.expansions[0] == "Photographer"
    # "Fotostudio" would be a photo concept; a recognised trade span is not read again.
    assert understand("Hochzeitsfotograf Köln").concepts == []


@pytest.fixture
def wedding_cards(app):
    """Two English DJ cards in Brussels, one listing weddings; indexed by the real backend."""
    from tests.api.cards import seed

    spec = {"function": "dj", "sectors": ["music"], "place": "Brussels", "lang": "en", "languages": ["en"]}
    seed(
        [
            {
                **spec,
                "name": "Dee Conference",
                "headline": "DJ for conferences and trade fairs",
                "bio": "Background music for conferences, fairs and openings.",
            },
            {
                **spec,
                "name": "Dee Wedding",
                "headline": "DJ for weddings and company parties",
                "bio": "Sets for weddings and company parties until late.",
            },
        ],
        [],
    )


@pytest.mark.parametrize(
    "text", ["Wer legt auf unserer Hochzeit Musik auf?", "Wie draait er op ons trouwfeest?"]
)
def test_an_intent_word_reaches_the_card_that_mentions_it_in_another_language(client, wedding_cards, text):
    """Lexical leg alone: without the lexicon neither card shares a word with the request."""
    answer = client.get("/api/v1/members/search", query_string={"q": text, "mode": "lexical"}).get_json()
    names = [r["name"] for r in answer["results"]]
    assert names and names[0] == "Dee Wedding", names
