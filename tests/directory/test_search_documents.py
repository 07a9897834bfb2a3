"""Cards as search documents (compared to literal documents, warehouse style), the database
fallback search, hydration without N+1 queries, and the home-page section."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from indexer.types import Document, GeoFilter, SearchQuery
from tests.api.cards import CORPUS, SECRET_EMAIL_DOMAIN, make_client, make_member
from tests.conftest import sign_in
from tests.factories import code, make_user, place

PUBLISHED_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _concepts(*ids: str) -> str:
    """The concepts field: per concept its words in the four languages (English first, each
    folded form once), one concept a line, in the order the card's texts name them."""
    from webapp.taxonomy.concepts import get_lexicon
    from webapp.taxonomy.text import normalize

    by_id = {c.id: c for c in get_lexicon().concepts}
    lines = []
    for concept_id in ids:
        words: dict[str, str] = {}
        for word in by_id[concept_id].expansions():
            words.setdefault(normalize(word), word)
        lines.append(" | ".join(words.values()))
    return "\n".join(lines)


def _labels(*pairs: tuple[str, str]) -> str:
    """The labels field: per tag the canonical English label first, then every label and synonym."""
    from webapp.taxonomy import get_taxonomy

    taxonomy = get_taxonomy()
    out: list[str] = []
    for kind, tag in pairs:
        for label in [taxonomy.label(kind, tag, "en"), *taxonomy.all_labels(kind, tag)]:
            if label.casefold() not in {x.casefold() for x in out}:
                out.append(label)
    return " | ".join(out)


@pytest.fixture
def ghent_photographer(db):
    """A fully filled member card with an account whose address must never reach the index."""
    from webapp.directory.models import MemberLanguage, MemberProfile, MemberSector

    ghent = place("Gent")
    user = make_user(f"anna@{SECRET_EMAIL_DOMAIN}")
    card = MemberProfile(
        user_id=user.id,
        display_name="Ánna Peeters",
        function_code="photographer",
        function_text="wedding photographer",
        headline="Portrait and event photographer",
        bio="I photograph weddings. " * 40,
        skills=["portraits", "studio lighting"],
        experience_years=12,
        email_public=True,
        contact_email=f"private@{SECRET_EMAIL_DOMAIN}",
        visibility="public",
        published_at=PUBLISHED_AT,
        version=7,
        card_language="en",
        website="https://anna.example",
        place_id=ghent.id,
        place_name="Gent",
        country="BE",
        region="VLG",
        lat=51.05,
        lon=3.71667,
        photo_filename="abc123.webp",
        sector_links=[
            MemberSector(sector_code="photography", position=0),
            MemberSector(sector_code="film_audiovisual", position=1),
        ],
        language_links=[MemberLanguage(language="nl"), MemberLanguage(language="en")],
    )
    db.session.add(card)
    db.session.commit()
    return card


def test_member_document(ghent_photographer):
    from webapp.directory.documents import member_document

    card = ghent_photographer
    bio_cut = ("I photograph weddings. " * 40)[:300].rsplit(" ", 1)[0] + "…"
    assert member_document(card) == Document(
        id=str(card.id),
        version=7,
        visibility="public",
        fields={
            "title": "Ánna Peeters",
            # The free text names a trade of its own: the card is searched as both.
            "labels": _labels(
                ("function", "photographer"),
                ("function", "wedding_photographer"),
                ("sector", "photography"),
                ("sector", "film_audiovisual"),
            ),
            "headline": "Portrait and event photographer",
            "keywords": "portraits | studio lighting | wedding photographer",
            "body": "I photograph weddings. " * 40,
            # "wedding" (the title and bio), "event" (headline), "lighting" (a skill).
            "concepts": _concepts("wedding", "event", "light"),
        },
        facets={
            "sector": ["photography", "film_audiovisual"],
            "function": ["photographer", "wedding_photographer"],
            "language": ["en", "nl"],
            "country": ["BE"],
            "region": ["BE.VLG"],
            "city": [str(card.place_id)],
        },
        location=(51.05, 3.71667),
        lang="en",
        embed_text=(
            "Photographer / Wedding photographer (Photography, Film & audiovisual) in Ghent, Belgium. "
            "Portrait and event photographer. Skills: portraits, studio lighting. " + bio_cut
        ),
        sort={"name": "anna peeters", "recent": PUBLISHED_AT.timestamp()},
        payload={
            "name": "Ánna Peeters",
            "function": "photographer",
            "function_text": "wedding photographer",
            "sectors": ["photography", "film_audiovisual"],
            "place": "Gent",
            "country": "BE",
            "headline": "Portrait and event photographer",
            "photo": "abc123.webp",
            "visibility": "public",
        },
        ranges={"years": [(12.0, 12.0)]},
    )


def test_canonical_english_labels_are_always_in_the_document(ghent_photographer):
    from webapp.directory.documents import member_document

    labels = member_document(ghent_photographer).fields["labels"].split(" | ")
    assert labels[0] == "Photographer"
    assert {"Fotograaf", "Photographe", "Fotograf", "Photography", "Film & audiovisual"} <= set(labels)


def test_a_title_the_taxonomy_does_not_resolve_is_searched_as_the_trades_it_names(ghent_photographer, db):
    """ "Graphiste et webdesigner" or "Sportfotograaf" stay free text on the card, but the
    document carries those trades' labels in every language and their function facet, so a
    Dutch "grafisch ontwerper" query finds the card and query understanding's boost reaches it."""
    from webapp.directory.documents import member_document

    card = ghent_photographer
    card.function_code, card.function_text = None, "Graphiste et webdesigner"
    doc = member_document(card)
    assert doc.facets["function"] == ["graphic_designer", "web_designer"]
    labels = doc.fields["labels"].split(" | ")
    assert labels[:1] == ["Graphic designer"] and {"Grafisch ontwerper", "Webdesigner"} <= set(labels)
    assert doc.embed_text.startswith("Graphic designer / Web designer (Graphiste et webdesigner) (")
    assert doc.payload["function"] is None  # what the card says is unchanged

    card.function_text = "Sportfotograaf"
    assert member_document(card).facets["function"] == ["photographer"]
    card.function_text = "Something else entirely"
    doc = member_document(card)
    assert "function" not in doc.facets and doc.embed_text.startswith("Something else entirely (")


def test_no_email_address_reaches_the_index_even_when_public(ghent_photographer):
    from webapp.directory.documents import member_document

    dumped = json.dumps(member_document(ghent_photographer).__dict__, default=str)
    assert SECRET_EMAIL_DOMAIN not in dumped and "@" not in dumped


def test_drafts_and_missing_rows_build_to_none(db):
    from webapp.directory.documents import build_clients, build_members, client_ids, member_ids

    draft = make_member({**CORPUS[4], "visibility": "draft"})
    community = make_member(CORPUS[3], 3)
    hidden_client = make_client({"name": "Hidden", "sectors": ["design"], "place": "Leuven"}, 0)
    hidden_client.visibility = "draft"
    db.session.commit()
    built = build_members([draft.id, community.id, 999])
    assert built[draft.id] is None and built[999] is None
    assert built[community.id].visibility == "community"
    assert list(member_ids()) == [community.id]
    assert build_clients([hidden_client.id]) == {hidden_client.id: None}
    assert list(client_ids()) == []


def test_client_document(db):
    from webapp.directory.documents import client_document

    card = make_client(
        {
            "name": "Theater Oost",
            "sectors": ["performing arts"],
            "place": "Gent",
            "lang": "nl",
            "description": "Stadstheater.",
        },
        1,
    )
    card.contact_person = "Jan Contactpersoon"
    db.session.commit()
    doc = client_document(card)
    assert doc.fields == {
        "title": "Theater Oost",
        "labels": _labels(("sector", "performing_arts")),
        "body": "Stadstheater.",
    }
    assert doc.facets == {
        "sector": ["performing_arts"],
        "country": ["BE"],
        "region": ["BE.VLG"],
        "city": [str(card.place_id)],
    }
    assert doc.embed_text == "Theater Oost (Performing arts) in Ghent, Belgium. Stadstheater."
    assert doc.payload == {
        "name": "Theater Oost",
        "sectors": ["performing_arts"],
        "place": "Gent",
        "country": "BE",
        "headline": "Stadstheater.",
        "visibility": "public",
    }
    dumped = json.dumps(doc.__dict__, default=str)
    assert "Contactpersoon" not in dumped and SECRET_EMAIL_DOMAIN not in dumped


# --- the database fallback -----------------------------------------------------------------------


@pytest.fixture
def cards(db):
    """The corpus in the database only (the fallback never touches the index)."""
    ids = {}
    for n, spec in enumerate(CORPUS):
        ids[spec["name"]] = make_member(spec, n).id
    db.session.commit()
    return ids


def fallback_names(**kwargs) -> tuple[list[str], object]:
    from webapp.core.search.fallback import search_database
    from webapp.directory.search import MEMBER_FALLBACK

    result = search_database(MEMBER_FALLBACK, SearchQuery(entity="member", **kwargs))
    assert result.degraded and result.backend == "database"
    return [h.payload["name"] for h in result.hits], result


def test_fallback_respects_visibility(cards):
    public, _ = fallback_names(limit=50)
    both, _ = fallback_names(limit=50, visibility=("public", "community"))
    assert "Koen Janssens" not in public and "Koen Janssens" in both
    assert not any("Drafty" in n for n in public + both)
    assert len(both) == len(public) + 1


def test_fallback_applies_range_filters(cards):
    """The database answers a years-of-experience range as the engine does; an unknown range field
    matches nothing rather than everything."""
    from indexer.types import RangeFilter

    found, result = fallback_names(ranges=(RangeFilter("years", 10, None, "within"),), sort="name")
    assert found == ["Anna Peeters", "Sophie Lambert"] and result.total == 2
    found, _ = fallback_names(ranges=(RangeFilter("years", 10, 20, "within"),), sort="name")
    assert found == ["Anna Peeters"]
    found, _ = fallback_names(ranges=(RangeFilter("years", 10, 20, "disjoint"),), limit=50)
    assert "Anna Peeters" not in found and "Luc Dubois" in found and "Marie Lefèvre" in found  # no years
    assert fallback_names(ranges=(RangeFilter("when", 0, 10, "overlaps"),))[0] == []


def test_fallback_filters_text_geo_sort_and_facets(cards):
    photography = code("sector", "photography")
    found, result = fallback_names(
        filters={"sector": (photography,)}, sort="name", facets=("country", "sector")
    )
    assert found == ["Anna Peeters", "Camille Hanot", "Lotte de Vries", "Wim Jacobs"]
    assert result.total == 4
    assert result.facets["country"] == [("BE", 3), ("NL", 1)]
    assert result.facets["sector"] == [(photography, 4)]

    assert fallback_names(filters={"language": ("de",)}, sort="name")[0] == ["Greta Schmitz", "Jonas Weber"]
    assert fallback_names(filters={"region": ("BE.BRU",)}, sort="name")[0] == [
        "Eve <script>alert(1)</script>",
        "Marie Lefèvre",
    ]
    ghent = place("Gent")
    assert fallback_names(filters={"city": (str(ghent.id),)}, sort="name")[0] == [
        "Anna Peeters",
        "Tom Wouters",
    ]

    # Plain substring match on name/headline/function text; a recognised function matches too.
    assert fallback_names(text="traductrice")[0] == ["Marie Lefèvre"]
    assert set(fallback_names(text="zzz", boosts={"function": (code("function", "translator"),)})[0]) == {
        "Marie Lefèvre",
        "Greta Schmitz",
    }

    namur = place("Namur")
    found, result = fallback_names(geo=GeoFilter(namur.lat, namur.lon, 40), sort="distance")
    assert set(found[:2]) == {"Luc Dubois", "Hélène Rousseau"} and found[2:] == ["Nora El Amrani"]
    assert [round(h.distance_km) for h in result.hits][-1] == 31
    assert all(h.distance_km <= 40 for h in result.hits)

    page_one, result = fallback_names(sort="name", limit=3)
    page_two, _ = fallback_names(sort="name", limit=3, offset=3)
    assert len(page_one) == 3 and not set(page_one) & set(page_two) and result.total == 16


# --- hydration, home page --------------------------------------------------------------------------


def test_hydration_makes_no_query_per_hit(app, client, db, cards):
    from webapp.core.search import drain_all

    drain_all()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001 - SQLAlchemy event signature
        statements.append(statement)

    client.get("/directory?per_page=2")  # warm up (taxonomy, gazetteer, encoders)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/directory?per_page=2").status_code == 200
        few = len(statements)
        statements.clear()
        assert client.get("/directory?per_page=15").status_code == 200
        many = len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert many == few, "queries grow with the number of hits"


def test_home_section_shows_at_most_six_newest_visible_cards(app, db):
    for n, spec in enumerate(CORPUS):
        make_member(spec, n)
    db.session.commit()
    # A fresh app context per request: Flask-Login caches the user in ``g``.
    with app.app_context():
        html = app.test_client().get("/").get_data(as_text=True)
    section = html.split("Newest in the directory", 1)[1].split("</section>", 1)[0]
    assert section.count('<li class="result">') == 6
    assert "Ines Costa" in section  # the newest
    assert "Drafty" not in section and "Koen Janssens" not in section
    assert SECRET_EMAIL_DOMAIN not in html

    # A community card published last: a signed-in member sees it first, an anonymous visitor not at all.
    from webapp.directory.models import MemberProfile

    koen = db.session.scalar(db.select(MemberProfile).where(MemberProfile.display_name == "Koen Janssens"))
    koen.published_at = datetime(2099, 1, 1, tzinfo=UTC)
    db.session.commit()
    member = app.test_client()
    sign_in(member, make_user())
    with app.app_context():
        assert "Koen Janssens" in member.get("/").get_data(as_text=True)
    with app.app_context():
        assert "Koen Janssens" not in app.test_client().get("/").get_data(as_text=True)
