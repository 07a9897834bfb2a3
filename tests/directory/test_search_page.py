"""The directory search pages (/directory, /directory/clients) and the home-page section, on the
real embedded backend with the real encoders."""

from __future__ import annotations

import re
import socket
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.cards import CORPUS, SECRET_EMAIL_DOMAIN, make_member, visible_text
from tests.factories import code, place


@pytest.fixture
def web(corpus):
    """An anonymous browser on the corpus app."""
    return corpus[0].test_client()


def names(html: str) -> list[str]:
    """Card names in result order (the <h3> of each result)."""
    found = re.findall(r'<li class="result">.*?<h3>(.*?)</h3>', html, flags=re.S)
    return [" ".join(visible_text(h).split()).replace(" community", "") for h in found]


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def test_browse_shows_public_cards_to_anonymous_and_community_cards_when_signed_in(web, corpus_member):
    anonymous = names(get(web, "/directory?per_page=50"))
    assert "Anna Peeters" in anonymous and "Luc Dubois" in anonymous
    assert "Koen Janssens" not in anonymous  # community card
    assert not any("Drafty" in n for n in anonymous)  # draft
    public = [c for c in CORPUS if c.get("visibility", "public") == "public"]
    assert len(anonymous) == len(public)

    signed_in = names(get(corpus_member, "/directory?per_page=50"))
    assert "Koen Janssens" in signed_in
    assert not any("Drafty" in n for n in signed_in)
    assert len(signed_in) == len(public) + 1


def test_drafts_never_appear_even_when_searched_by_name(web, corpus_member):
    for client in (web, corpus_member):
        for query in ("q=Drafty+Draftsman", "q=unpublished+draft+photographer", "q=photographer&per_page=50"):
            html = get(client, f"/directory?{query}")
            assert not any("Drafty" in n for n in names(html))
            assert "must never show" not in html and "Unpublished photographer" not in html


def result_blocks(html: str) -> dict[str, str]:
    """Result name → its <li> block."""
    blocks = re.findall(r'<li class="result">.*?</li>', html, flags=re.S)
    return {names(block)[0]: block for block in blocks}


def test_fotograaf_gand_finds_the_english_photographer_in_ghent(web):
    html = get(web, "/directory?q=fotograaf+Gand")
    found = names(html)
    # An English card ("Photographer") from a Dutch trade name, first: the place named without
    # a cue word scales the relevance of nearby matches, so the Ghent photographer outranks the
    # photographers 40-170 km away (and nobody unrelated in Ghent outranks a photographer).
    assert found[0] == "Anna Peeters"
    # Every result is a photographer or close to Ghent; nobody unrelated far away.
    text = visible_text(html)
    assert "Ghent" in text  # the interpretation names the place
    anna = result_blocks(html)["Anna Peeters"]
    assert "less than 1 km away" in anna and "photographer" in anna


def test_fotograaf_in_gent_with_a_cue_filters_to_ghent(web):
    html = get(web, "/directory?q=fotograaf+in+Gent")
    found = names(html)
    assert found[0] == "Anna Peeters"
    assert set(found) <= {"Anna Peeters", "Tom Wouters"}  # Ghent only; the draft never
    assert "near Ghent, 25 km" in html


def test_pres_de_namur_filters_by_radius(web):
    html = get(web, "/directory?q=pr%C3%A8s+de+Namur")
    found = names(html)
    assert set(found) == {"Luc Dubois", "Hélène Rousseau"}  # the two Namur cards; Charleroi is ~35 km
    assert "25" in visible_text(html)
    wider = get(web, "/directory?q=pr%C3%A8s+de+Namur&radius_km=50")
    assert "Nora El Amrani" in names(wider)  # Charleroi
    assert "Anna Peeters" not in names(wider)


def test_interpretation_parts_can_be_undone(web):
    html = get(web, "/directory?q=fotograaf+in+Gent")
    undo = [u for u in links(html) if "noplace=1" in u or "nofunction=" in u]
    assert any("noplace=1" in u for u in undo)
    assert any("nofunction=" in u for u in undo)
    without_place = get(web, next(u for u in undo if "noplace=1" in u))
    # No radius filter any more: photographers elsewhere come back.
    assert {"Camille Hanot", "Wim Jacobs"} <= set(names(without_place))


def test_ambiguous_place_offers_alternatives(web):
    html = get(web, "/directory?q=photographer+in+Bergen")
    assert "Did you mean another place?" in html
    alternatives = [u for u in links(html) if "place" in parse_qs(urlsplit(u).query)]
    assert alternatives
    countries = set()
    for url in alternatives:
        place_id = int(parse_qs(urlsplit(url).query)["place"][0])
        from webapp.taxonomy import get_gazetteer

        countries.add(get_gazetteer().get(place_id).country)
    assert "NL" in countries or "NO" in countries or "DE" in countries


def test_filters_and_facet_counts(web, corpus_member):
    photography = code("sector", "photography")
    html = get(web, f"/directory?sector={photography}&per_page=50")
    found = set(names(html))
    assert found == {"Anna Peeters", "Camille Hanot", "Lotte de Vries", "Wim Jacobs"}
    # Country facet counts over the filtered set, with a link that adds the filter.
    country_facet = re.search(r"<h3>Country</h3>\s*<ul>(.*?)</ul>", html, flags=re.S).group(1)
    counts = dict(re.findall(r"<a [^>]*>([^<]+)</a> <span class=\"count\">(\d+)</span>", country_facet))
    assert counts == {"Belgium": "3", "Netherlands": "1"}
    # Signed in, the community photographer counts too.
    html = get(corpus_member, f"/directory?sector={photography}&per_page=50")
    country_facet = re.search(r"<h3>Country</h3>\s*<ul>(.*?)</ul>", html, flags=re.S).group(1)
    assert "Koen Janssens" in names(html)
    assert (
        dict(re.findall(r">([^<]+)</a> <span class=\"count\">(\d+)</span>", country_facet))["Belgium"] == "4"
    )

    assert set(names(get(web, "/directory?country=NL"))) == {"Lotte de Vries"}
    assert set(names(get(web, "/directory?language=de&per_page=50"))) == {"Jonas Weber", "Greta Schmitz"}
    function = code("function", "translator")
    assert set(names(get(web, f"/directory?function={function}&country=BE"))) == {
        "Marie Lefèvre",
        "Greta Schmitz",
    }
    ghent = place("Ghent")
    assert set(names(get(web, f"/directory?city={ghent.id}"))) == {"Anna Peeters", "Tom Wouters"}


def test_pagination(web):
    first = names(get(web, "/directory?per_page=5"))
    second = names(get(web, "/directory?per_page=5&page=2"))
    assert len(first) == 5 and len(second) == 5
    assert not set(first) & set(second)


def test_no_results_suggests_a_wider_radius_and_dropping_filters(web):
    photography = code("sector", "photography")
    html = get(web, f"/directory?sector={photography}&place=Eupen&radius_km=10")
    assert names(html) == []
    assert "No cards match" in html
    suggestions = links(html)
    assert any("radius_km=50" in u for u in suggestions)
    assert any("place=Eupen" in u and "sector=" not in u for u in suggestions)  # drop the sector filter


def test_bad_parameters_show_the_form_with_a_message(web):
    response = web.get("/directory?per_page=500")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "per_page" in html and 'name="q"' in html


def test_script_in_cards_is_escaped_and_highlights_are_marked(web):
    html = get(web, "/directory?q=posters")
    main = html.split('<main id="main"', 1)[1]
    assert "<script" not in main.lower()
    assert "onerror=" not in main.replace("onerror=alert(2)", "") or "<img" not in main
    assert "<img src=x" not in main
    assert "&lt;script&gt;" in main
    assert "<mark>" in main  # matched words highlighted, built from escaped text
    # The query itself is echoed (search box, interpretation) escaped too.
    echoed = get(web, "/directory?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+near+Gent")
    assert "<script>alert(1)" not in echoed and "&lt;script&gt;alert(1)" in echoed
    refused = web.get("/directory?place=%3Cb%3Ebold%3C%2Fb%3E")
    assert refused.status_code == 400 and "<b>bold" not in refused.get_data(as_text=True)


def test_why_line_explains_the_match(web):
    html = get(web, "/directory?q=photographer+near+Gent&radius_km=50")
    why = {
        name: re.search(r'<p class="why">(.*?)</p>', block, flags=re.S).group(1)
        for name, block in result_blocks(html).items()
    }
    assert why["Anna Peeters"] == "photographer · less than 1 km away"
    assert why["Wim Jacobs"].startswith("photographer · 3")  # Bruges is ~39 km from Ghent


def test_lexical_why_mentions_the_matched_word(web):
    html = get(web, "/directory?q=weddings+portraits&mode=lexical")
    assert names(html)[0] == "Anna Peeters"
    why = re.findall(r'<p class="why">(.*?)</p>', html, flags=re.S)[0]
    assert "matched" in why and "weddings" in why


def test_client_directory(web, corpus_member):
    found = set(names(get(web, "/directory/clients")))
    assert found == {"Theater Oost", "Studio Meuse"}
    assert names(get(web, "/directory/clients?q=theater"))[0] == "Theater Oost"


def test_home_page_section_and_nav(web):
    html = get(web, "/")
    assert 'href="/directory"' in html
    section = html.split("Newest in the directory", 1)[1].split("</section>", 1)[0]
    shown = re.findall(r"<h3>(.*?)</h3>", section, flags=re.S)
    assert 0 < len(shown) <= 6
    text = visible_text(section)
    assert "Koen Janssens" not in text and "Drafty" not in text


def test_no_email_address_on_any_search_page(web, corpus_member):
    urls = [
        "/",
        "/directory",
        "/directory?per_page=50",
        "/directory?q=photographer",
        "/directory?q=fotograaf+Gand",
        "/directory/clients",
        "/directory?q=traductrice&mode=semantic",
        "/directory?q=nothing+matches+zzzz",
    ]
    for client in (web, corpus_member):
        for url in urls:
            html = client.get(url).get_data(as_text=True)
            assert SECRET_EMAIL_DOMAIN not in html
            assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", visible_text(html)), url


# --- mutations and failures: a fresh app per test ------------------------------------------------------


def test_unpublish_disappears_from_search_after_the_outbox_drains(app, client, db):
    from webapp.core.search import drain_all
    from webapp.directory import service

    card = make_member(CORPUS[0])
    other = make_member(CORPUS[9], 9)
    db.session.commit()
    drain_all()
    assert names(get(client, "/directory?q=photographer"))[0] == "Anna Peeters"

    service.set_visibility(card, "draft", actor_id=None)
    db.session.commit()
    # Before the worker runs the index still holds the card; hydration drops it anyway.
    assert "Anna Peeters" not in names(get(client, "/directory?q=photographer"))
    assert drain_all().deleted == 1
    assert "Anna Peeters" not in names(get(client, "/directory?per_page=50"))
    assert names(get(client, "/directory?per_page=50")) == ["Jonas Weber"]
    assert other.id


def test_community_card_switched_to_public_shows_to_anonymous(app, client, db):
    from webapp.core.search import drain_all
    from webapp.directory import service

    koen = make_member(CORPUS[3], 3)
    db.session.commit()
    drain_all()
    assert names(get(client, "/directory")) == []
    service.set_visibility(koen, "public", actor_id=None)
    db.session.commit()
    drain_all()
    assert names(get(client, "/directory")) == ["Koen Janssens"]


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dead_backend_config(app_config):
    """Settings pointing the search at an Elasticsearch that is not there."""
    app_config.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=f"http://127.0.0.1:{_dead_port()}")
    return app_config


def test_dead_backend_degrades_to_the_database_within_a_second(dead_backend_config, app, client, db):
    import indexer.backends.elastic  # noqa: F401 - importing the client library is start-up work too
    from indexer.embeddings import load_embedders
    from webapp.taxonomy.understand import understand

    # Encoders, taxonomy and gazetteer load once per process (seconds, cold): that cost is
    # start-up, not the backend's failure mode, so it is paid before the clock starts.
    load_embedders(app.config["EMBEDDING_MODEL"], cache_dir=app.config["MODEL_CACHE_DIR"])
    understand("photographer near Gent", "en")
    for n, spec in enumerate(CORPUS[:6]):
        make_member(spec, n)
    db.session.commit()  # the outbox keeps the rows; nothing reaches the dead backend

    started = time.monotonic()
    response = client.get("/directory?q=photographer")
    elapsed = time.monotonic() - started
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert elapsed < 1.0
    assert "Limited search" in html
    found = names(html)
    assert "Anna Peeters" in found
    assert "Koen Janssens" not in found and not any("Drafty" in n for n in found)

    # The circuit is open now: the next answers do not even try the backend.
    started = time.monotonic()
    response = client.get("/api/v1/members/search?q=fotograaf&place=Gent")
    assert time.monotonic() - started < 0.5
    data = response.get_json()
    assert response.status_code == 200 and data["degraded"] is True
    assert [r["name"] for r in data["results"]] == ["Anna Peeters"]
    assert SECRET_EMAIL_DOMAIN not in response.get_data(as_text=True)


# --- the controls: what was understood, and how to change it (issue 8) ---------------------------


def place_field(html: str) -> str:
    return re.search(r'<input id="f-place"[^>]*value="([^"]*)"', html).group(1)


def switch_links(html: str) -> dict[str, tuple[str, bool]]:
    """The place switch: label → (href, current)."""
    nav = re.search(r'<nav class="chips place-switch".*?</nav>', html, flags=re.S).group(0)
    found = re.findall(r'<a class="chip" href="([^"]+)"( aria-current="true")?>(.*?)</a>', nav)
    return {visible_text(label): (href.replace("&amp;", "&"), bool(cur)) for href, cur, label in found}


def test_place_field_holds_the_understood_place_and_the_radius_shows_only_when_it_applies(web):
    within = get(web, "/directory?q=fotograaf+in+Gent")
    assert place_field(within) == "Ghent"  # understood from the words, shown in the field
    assert 'name="place_mode" value="within"' in within
    assert re.search(r'<option value="25" selected>', within)  # the radius that applies
    near = get(web, "/directory?q=fotograaf+Gent")
    assert place_field(near) == "Ghent"
    assert 'name="place_mode" value="near"' in near
    assert 'id="f-radius"' not in near  # nearer first: no radius applies, none is shown
    nothing = get(web, "/directory?q=fotograaf")
    assert place_field(nothing) == "" and 'id="f-radius"' not in nothing
    typed = get(web, "/directory?place=Namur&radius_km=50")
    assert place_field(typed) == "Namur" and re.search(r'<option value="50" selected>', typed)


def test_submitting_the_filled_place_field_keeps_the_same_search(web):
    """The form sends the understood place back with its mode: the same cards, not a new search."""
    for q, mode in (("fotograaf+Gent", "near"), ("fotograaf+in+Gent", "within")):
        first = get(web, f"/directory?q={q}")
        again = get(web, f"/directory?q={q}&place=Ghent&place_mode={mode}")
        assert names(again) == names(first)


def test_switch_between_near_first_and_within_the_radius(web):
    near = get(web, "/directory?q=fotograaf+Gent")
    links_ = switch_links(near)
    assert links_["Near Ghent first"][1] is True and links_["Only within 25 km of Ghent"][1] is False
    assert {"Camille Hanot", "Lotte de Vries"} <= set(names(near))  # far photographers still there
    within = get(web, links_["Only within 25 km of Ghent"][0])
    assert set(names(within)) <= {"Anna Peeters", "Tom Wouters"}  # Ghent only
    assert "near Ghent, 25 km" in within
    back = switch_links(within)
    assert back["Only within 25 km of Ghent"][1] is True
    assert set(names(get(web, back["Near Ghent first"][0]))) == set(names(near))
    assert "place-switch" not in get(web, "/directory?q=fotograaf")  # no place, no switch


def test_divider_between_the_recognised_trade_and_other_trades(web):
    html = get(web, "/directory?q=musician+in+Gent")
    ordered = re.findall(r'<li class="(result|divider)">.*?<h([23])>(.*?)</h\2>', html, flags=re.S)
    labels = [" ".join(visible_text(text).split()) if kind == "result" else "|" for kind, _h, text in ordered]
    # The Ghent musician first, then the divider, then the Ghent photographer.
    assert labels == ["Tom Wouters", "|", "Anna Peeters"]
    assert "Other trades nearby" in html
    # Nobody of the trade within the radius: other trades (if any match at all) only under the
    # divider, and the page offers the wider radius with its counts.
    html = get(web, "/directory?q=photographer+in+Brussels")
    if '<li class="result">' in html:
        assert html.index('<li class="divider">') < html.index('<li class="result">')
    assert "Photographer: nothing within 25 km of Brussels" in visible_text(html)
    # Without a place the divider says so without "nearby"; every card above it is a photographer.
    html = get(web, "/directory?q=fotograaf&per_page=50")
    assert "Other trades</h2>" in html and "Other trades nearby" not in html
    above = html.split('<li class="divider">')[0]
    assert set(names(above)) == {"Anna Peeters", "Camille Hanot", "Lotte de Vries", "Wim Jacobs"}
    # No trade recognised: no divider.
    assert 'class="divider"' not in get(web, "/directory?q=zzqqxx")


def test_few_cards_within_the_radius_offers_a_wider_radius_and_everywhere_with_counts(web, corpus_member):
    html = get(web, "/directory?q=fotograaf+in+Gent")
    block = re.search(r'<p class="notice widen".*?</p>', html, flags=re.S).group(0)
    assert "Photographer: only 1 card within 25 km of Ghent" in visible_text(block)
    offers = re.findall(r'<a href="([^"]+)">(.*?)</a> \((\d+)\)', block)
    assert [label for _h, label, _n in offers] == ["widen to 50 km", "everywhere, nearest first"]
    for href, _label, count in offers:
        page = get(web, href.replace("&amp;", "&"))
        photographers = page.split('<li class="divider">')[0]
        # The count is what the link shows: the photographers there, no more, no fewer.
        assert len(names(photographers)) == int(count)
    assert int(offers[1][2]) == 4  # Ghent, Mons, Amsterdam, Bruges (the community card: not anonymous)
    # Counts keep the viewer's visibility: a member also counts the community photographer.
    member = get(corpus_member, "/directory?q=fotograaf+in+Gent")
    member_offers = re.findall(r'<a href="[^"]+">(.*?)</a> \((\d+)\)', member)
    assert dict(member_offers)["everywhere, nearest first"] == "5"
    # Nobody of the trade within the radius.
    html = get(web, "/directory?q=photographer+in+Brussels")
    assert "Photographer: nothing within 25 km of Brussels" in visible_text(html)


def test_no_widen_offer_when_the_radius_holds_more_than_a_page(web):
    assert 'class="notice widen"' not in get(web, "/directory?place=Namur&radius_km=500&per_page=5")
    assert 'class="notice widen"' not in get(web, "/directory?q=fotograaf+Gent")  # near: no radius


@pytest.mark.parametrize(
    ("lang", "switch", "divider", "widen"),
    [
        ("en", "Near Ghent first", "Other trades nearby", "widen to 50 km"),
        ("nl", "Eerst dicht bij Gent", "Andere beroepen in de buurt", "uitbreiden tot 50 km"),
        ("fr", "D’abord près de Gand", "Autres métiers à proximité", "élargir à 50 km"),
        ("de", "Zuerst in der Nähe von Gent", "Andere Berufe in der Nähe", "auf 50 km erweitern"),
    ],
)
def test_controls_in_four_languages(web, lang, switch, divider, widen):
    response = web.get("/directory?q=musician+in+Gent", headers={"Accept-Language": lang})
    html = response.get_data(as_text=True)
    text = visible_text(html)
    assert switch in text and divider in text and widen in text


def test_wider_counts_drop_an_unpublished_card_at_once(app, client, db):
    """The counts are searches with the page's visibility and its lagging-outbox exclusions: a card
    made a draft leaves them before the indexer has caught up (nothing is cached)."""
    from webapp.core.search import drain_all
    from webapp.directory import service

    anna = make_member(CORPUS[0])  # photographer, Ghent
    make_member(CORPUS[8], 8)  # photographer, Mons
    make_member(CORPUS[11], 11)  # musician, Ghent
    db.session.commit()
    drain_all()

    def everywhere() -> int:
        data = client.get("/api/v1/members/search?q=musician+in+Gent").get_json()
        return data["query"]["wider"][-1]["total"]

    data = client.get("/api/v1/members/search?q=fotograaf+in+Gent").get_json()
    assert data["query"]["wider"][-1]["total"] == 2
    service.set_visibility(anna, "draft", actor_id=None)
    db.session.commit()
    data = client.get("/api/v1/members/search?q=fotograaf+in+Gent").get_json()
    assert data["query"]["wider"][-1]["total"] == 1  # before the outbox drains
    assert "Anna Peeters" not in visible_text(get(client, "/directory?q=fotograaf+in+Gent"))
    assert everywhere() == 1


def test_the_search_box_carries_the_place_mode_only_with_a_place_parameter(web):
    searchbox = r'<form class="searchbox".*?</form>'
    typed = re.search(searchbox, get(web, "/directory?q=fotograaf&place=Gent&place_mode=near"), re.S).group(0)
    assert 'name="place_mode" value="near"' in typed
    # A place understood from the words: new words are understood afresh ("in Leuven" filters).
    from_text = re.search(searchbox, get(web, "/directory?q=fotograaf+Gent&place_mode=within"), re.S).group(0)
    assert "place_mode" not in from_text


def test_result_rows_keep_the_cards_sector_order_and_cards_without_sectors(app, db):
    """Hydration's one query (result_rows): sectors in the card's own order, a card without a
    sector still there, and visibility read fresh from the database on every call."""
    from webapp.core.search.documents import result_rows
    from webapp.directory.models import MemberProfile, MemberSector

    spec = {**CORPUS[0], "sectors": ["music", "photography", "events"]}
    card = make_member(spec)
    bare = make_member({**CORPUS[9], "sectors": []}, 9)
    db.session.commit()
    assert card.sectors == [code("sector", s) for s in spec["sectors"]]
    rows = result_rows(
        MemberProfile, [card.id, bare.id, 999_999], ("display_name",), (MemberSector, MemberSector.profile_id)
    )
    assert set(rows) == {card.id, bare.id}
    assert rows[card.id].sectors == card.sectors and rows[card.id].display_name == "Anna Peeters"
    assert rows[bare.id].sectors == [] and rows[card.id].visibility == "public"
    db.session.execute(
        MemberProfile.__table__.update().where(MemberProfile.id == card.id).values(visibility="draft")
    )
    assert result_rows(MemberProfile, [card.id], ())[card.id].visibility == "draft"
