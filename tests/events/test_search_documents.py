"""What an event's search document carries for cross-language search: the trades its texts name,
in the four languages (lexical leg), and who it is for in English (the encoders' text)."""

from __future__ import annotations

from webapp.events.documents import event_document, event_embed_text


def test_a_dutch_title_s_trade_is_searchable_in_the_other_languages(app):
    from tests.events.helpers import make_event

    event = make_event(title="Netwerkavond illustratoren", sectors=("visual_arts",))
    doc = event_document(event)
    labels = doc.fields["labels"].split(" | ")
    assert {"Illustrator", "Illustrateur", "Illustratorin", "Visual arts"} <= set(labels)
    assert doc.embed_text == (
        "Netwerkavond illustratoren. networking event, network drinks. For Illustrator, Visual arts. "
        "Kom kennismaken met collega's.. Antwerp, Belgium"
    )


def test_the_encoders_read_the_english_text_when_there_is_one(app):
    from tests.events.helpers import make_event

    event = make_event(
        texts=[
            ("fr", "Apéro des traducteurs", "Un verre entre traductrices et traducteurs."),
            ("en", "Translators' drinks", "Drinks for freelance translators."),
        ],
        languages=("fr", "en"),
    )
    text = event_embed_text(event, ["translator"])
    assert text.startswith("Translators' drinks. networking event, network drinks. For Translator. ")
    assert "Drinks for freelance translators." in text
    # Both titles stay in the lexical fields.
    assert "Apéro des traducteurs" in event_document(event).fields["title"]


def test_the_calendar_and_the_board_register_their_own_fusion_values(app):
    from indexer import fusion
    from webapp.events.search import FUSION as EVENT_FUSION
    from webapp.p2p.search import FUSION as LISTING_FUSION

    assert fusion.ENTITY_TUNING["event"] == EVENT_FUSION
    assert fusion.ENTITY_TUNING["listing"] == LISTING_FUSION
    assert "member" not in fusion.ENTITY_TUNING
