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


def test_card_words_split_the_cards_own_compounds():
    """Card side: a card's compounds and plurals name concepts too, and the card gets the
    concept's words in the four languages (the indexed ``concepts`` field)."""
    lexicon = get_lexicon()
    for text in (
        "Huwelijksreportages in Antwerpen",
        "Hochzeitsreportagen und Porträts",
        "Photos de mariages",
    ):
        words = {normalize(w) for w in lexicon.card_words(text).replace("\n", " | ").split(" | ")}
        assert {"wedding", "huwelijk", "mariage", "hochzeit"} <= words, (text, words)
    assert "wedding" not in lexicon.card_words("Film editor for documentaries and features")
    assert lexicon.card_words(None, "", "zzqqxx") == ""


@pytest.fixture
def wedding_trades(app):
    """Issue 8's "someone to film our wedding in Antwerp": wedding videographers and
    photographers whose cards (nl, de, fr) name weddings only inside compounds or plurals, and
    English film editors, a costume designer and an actor in Antwerp, who share "film" but not
    the occasion."""
    from tests.api.cards import seed

    seed(
        [
            {
                "name": "Wim Beeld",
                "function": "videographer",
                "sectors": ["film"],
                "place": "Mechelen",
                "lang": "nl",
                "languages": ["nl"],
                "headline": "Huwelijksreportages en bedrijfsfilms",
                "bio": (
                    "Ik maak huwelijksreportages: van de ceremonie tot het openingsdansje, "
                    "gemonteerd tot een korte film."
                ),
            },
            {
                "name": "Greta Linse",
                "function": "photographer",
                "sectors": ["photography"],
                "place": "Kontich",
                "lang": "de",
                "languages": ["de"],
                "headline": "Hochzeitsreportagen und Porträts",
                "bio": "Hochzeitsreportagen in Flandern und im Rheinland, auf Wunsch mit Kurzvideo.",
            },
            {
                "name": "Amélie Objectif",
                "function": "photographer",
                "sectors": ["photography"],
                "place": "Anvers",
                "lang": "fr",
                "languages": ["fr"],
                "headline": "Photographe de mariages",
                "bio": "Reportages de mariages et de baptêmes, photo et vidéo, en Belgique.",
            },
            {
                "name": "Ed Cutter",
                "function": "film editor",
                "sectors": ["film"],
                "place": "Antwerp",
                "lang": "en",
                "languages": ["en"],
                "headline": "Film editor for documentaries and features",
                "bio": "I edit film: documentaries, short films and commercials, from rushes to final cut.",
            },
            {
                "name": "Fiona Frame",
                "function": "film editor",
                "sectors": ["film"],
                "place": "Antwerp",
                "lang": "en",
                "languages": ["en"],
                "headline": "Editing and colour grading for film and TV",
                "bio": "Editor of feature films and TV series; colour grading and sound sync.",
            },
            {
                "name": "Cora Stitch",
                "function": "costume designer",
                "sectors": ["theatre"],
                "place": "Antwerp",
                "lang": "en",
                "languages": ["en"],
                "headline": "Costume designer for film and theatre",
                "bio": "Costumes for film shoots, theatre and opera, from sketch to fitting.",
            },
            {
                "name": "Alex Stage",
                "function": "actor",
                "sectors": ["theatre"],
                "place": "Antwerp",
                "lang": "en",
                "languages": ["en"],
                "headline": "Actor for film, theatre and commercials",
                "bio": "Screen and stage actor; film, short films, commercials and voice work.",
            },
        ],
        [],
    )


def test_the_wedding_request_reaches_wedding_cards_in_any_language(client, wedding_trades):
    """Through the API: the three wedding cards (nl/de/fr, the occasion only in
    "huwelijksreportages", "Hochzeitsreportagen", "mariages") are the lexical leg's first three
    (card-side compound splitting; before it, the Dutch and German cards shared no word with the
    request), and in hybrid (the default) all three are in the top five, the videographer
    first, above the costume designer and the actor although those are in Antwerp and say
    "film". Not yet reached: the film editors still come before the two photographers in
    hybrid (both encoders put them there; see tests/relevance/README.md "Figures")."""

    def names(mode: str) -> list[str]:
        answer = client.get(
            "/api/v1/members/search",
            query_string={"q": "someone to film our wedding in Antwerp", "mode": mode},
        ).get_json()
        return [r["name"] for r in answer["results"]]

    wedding = {"Wim Beeld", "Greta Linse", "Amélie Objectif"}
    assert set(names("lexical")[:3]) == wedding
    hybrid = names("hybrid")
    assert wedding <= set(hybrid[:5]) and hybrid[0] == "Wim Beeld", hybrid
    last_wedding = max(hybrid.index(n) for n in wedding)
    assert all(last_wedding < hybrid.index(n) for n in ("Cora Stitch", "Alex Stage") if n in hybrid), hybrid
