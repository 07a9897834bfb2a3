"""GET /api/v1/members/search, /api/v1/members/<id> and the OpenAPI document, on the real
embedded backend with the real encoders."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.api.cards import SECRET_EMAIL_DOMAIN
from tests.factories import code

SEARCH = "/api/v1/members/search"


@pytest.fixture
def api(corpus):
    """An anonymous API caller."""
    return corpus[0].test_client()


@pytest.fixture
def ids(corpus):
    """The corpus cards' ids by name."""
    return corpus[1]


def search(client, query: str = "", status: int = 200) -> dict:
    response = client.get(f"{SEARCH}?{query}")
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_data(as_text=True)
    assert SECRET_EMAIL_DOMAIN not in body
    assert "<" not in body and ">" not in body  # markup characters always travel as \u escapes
    return json.loads(body)


def names(data: dict) -> list[str]:
    return [r["name"] for r in data["results"]]


def test_shape_is_exactly_the_documented_one(api):
    data = search(api, "q=fotograaf+Gand")
    assert set(data) == {
        "total",
        "page",
        "per_page",
        "query",
        "results",
        "facets",
        "degraded",
        "no_good_match",
    }
    assert set(data["query"]) == {
        "text",
        "place",
        "sectors",
        "functions",
        "trade",
        "wider",
        "unknown_place",
        "did_you_mean",
    }
    assert set(data["query"]["place"]) == {"name", "lat", "lon", "country", "radius_km", "mode", "from_text"}
    assert data["results"]
    for hit in data["results"]:
        assert set(hit) == {
            "id",
            "name",
            "function",
            "sectors",
            "place",
            "country",
            "distance_km",
            "score",
            "why",
            "of_trade",
        }
        assert isinstance(hit["id"], int) and isinstance(hit["score"], float)
        assert isinstance(hit["why"], list) and all(isinstance(w, str) for w in hit["why"])
    assert set(data["facets"]) == {"sector", "function", "country", "language"}
    for values in data["facets"].values():
        for value in values:
            assert set(value) == {"key", "label", "count"}
    assert data["page"] == 1 and data["per_page"] == 20 and data["degraded"] is False


def test_fotograaf_gand(api):
    data = search(api, "q=fotograaf+Gand")
    photographer = code("function", "photographer")
    assert data["query"]["functions"] == [photographer]
    assert data["query"]["place"]["country"] == "BE"
    # Named without a cue: nearer cards rank first, nothing is dropped.
    assert data["query"]["place"]["radius_km"] is None
    by_name = {r["name"]: r for r in data["results"]}
    anna = by_name["Anna Peeters"]  # an English card found from a Dutch trade name and a French place name
    assert anna["function"] == photographer and anna["country"] == "BE"
    assert anna["distance_km"] < 1
    assert anna["why"] == ["photographer", "less than 1 km away"]
    assert by_name["Lotte de Vries"]["distance_km"] > 150  # not dropped: only a preference


def test_pres_de_namur_is_a_radius_filter(api):
    data = search(api, "q=pr%C3%A8s+de+Namur")
    assert data["query"]["place"]["radius_km"] == 25
    assert data["query"]["text"] == ""
    assert sorted(names(data)) == ["Hélène Rousseau", "Luc Dubois"]
    assert all(r["distance_km"] <= 25 for r in data["results"])
    data = search(api, "place=Namur&radius_km=60&sort=distance")
    distances = [r["distance_km"] for r in data["results"]]
    assert distances == sorted(distances) and max(distances) <= 60
    assert "Nora El Amrani" in names(data)


def test_visibility_anonymous_versus_signed_in(api, corpus_member, ids):
    anonymous = names(search(api, "per_page=50"))
    signed_in = names(search(corpus_member, "per_page=50"))
    assert "Koen Janssens" not in anonymous and "Koen Janssens" in signed_in
    assert not any("Drafty" in n for n in anonymous + signed_in)
    assert set(signed_in) - set(anonymous) == {"Koen Janssens"}

    koen, draft, anna = ids["Koen Janssens"], ids["Drafty Draftsman"], ids["Anna Peeters"]
    assert api.get(f"/api/v1/members/{koen}").status_code == 404
    assert corpus_member.get(f"/api/v1/members/{koen}").status_code == 200
    for client in (api, corpus_member):
        response = client.get(f"/api/v1/members/{draft}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == 404
    assert api.get("/api/v1/members/999999").status_code == 404

    card = api.get(f"/api/v1/members/{anna}")
    assert card.status_code == 200
    body = card.get_data(as_text=True)
    assert SECRET_EMAIL_DOMAIN not in body and "@" not in body
    assert card.get_json()["name"] == "Anna Peeters"


def test_filters_and_facets(api):
    photography = code("sector", "photography")
    data = search(api, f"sector={photography}&per_page=50")
    assert data["total"] == 4
    assert {r["name"] for r in data["results"]} == {
        "Anna Peeters",
        "Camille Hanot",
        "Lotte de Vries",
        "Wim Jacobs",
    }
    countries = {f["key"]: f["count"] for f in data["facets"]["country"]}
    assert countries == {"BE": 3, "NL": 1}
    assert {f["key"]: f["label"] for f in data["facets"]["country"]}["BE"] == "Belgium"
    sectors = {f["key"]: f["count"] for f in data["facets"]["sector"]}
    assert sectors == {photography: 4}
    # Labels follow the caller's language.
    french = api.get(f"{SEARCH}?sector={photography}", headers={"Accept-Language": "fr"}).get_json()
    assert {f["key"]: f["label"] for f in french["facets"]["country"]}["BE"] == "Belgique"
    # Labels and codes are both accepted; repeated and comma-separated values are alternatives.
    assert search(api, "sector=Fotografie")["total"] == 4
    assert search(api, "country=NL,DE")["total"] == 2
    assert search(api, "country=NL&country=DE")["total"] == 2
    assert {r["name"] for r in search(api, "language=de")["results"]} == {"Jonas Weber", "Greta Schmitz"}
    brussels = {"Eve <script>alert(1)</script>", "Marie Lefèvre"}
    assert {r["name"] for r in search(api, "region=BE.BRU")["results"]} == brussels
    assert {r["name"] for r in search(api, "country=BE&region=BRU")["results"]} == brussels
    assert {r["name"] for r in search(api, "city=Gand")["results"]} == {"Anna Peeters", "Tom Wouters"}


def test_recognised_function_boosts_without_dropping(api):
    data = search(api, "q=fotograaf+portretten&per_page=50")
    assert data["query"]["functions"] == [code("function", "photographer")]
    assert data["results"][0]["function"] == code("function", "photographer")
    undone = search(api, f"q=fotograaf+portretten&nofunction={code('function', 'photographer')}")
    assert undone["query"]["functions"] == []


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_modes(api, mode):
    data = search(api, f"q=traductrice+juridique&mode={mode}")
    assert data["results"][0]["name"] == "Marie Lefèvre"


def test_paging(api):
    first = search(api, "per_page=3")
    second = search(api, "per_page=3&page=2")
    assert first["total"] == second["total"] >= 6
    assert len(first["results"]) == 3 and not set(names(first)) & set(names(second))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("per_page=51", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=9000&per_page=50", "page"),
        ("mode=fuzzy", "mode"),
        ("radius_km=abc", "radius_km"),
        ("radius_km=0", "radius_km"),
        ("radius_km=nan", "radius_km"),
        ("place=Atlantis-sur-Mer", "place"),
        ("sector=underwater-basket-weaving", "sector"),
        ("function=dragon+tamer", "function"),
        ("country=BEL", "country"),
        ("language=dutch", "language"),
        ("region=%3Cscript%3E", "region"),
        ("sort=random", "sort"),
        ("sort=soonest", "sort"),  # members have no dates: not an order they offer
        ("years_min=many", "years_min"),
        ("years_min=20&years_max=10", "years_max"),
        ("q=" + "x" * 301, "q"),
        ("place=Namur&place_mode=inside", "place_mode"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(api, query, parameter):
    data = search(api, query, status=400)
    assert data["error"]["code"] == 400
    assert data["error"]["parameter"] == parameter
    assert data["error"]["message"]


def test_years_of_experience_filter_inside_the_engine(api, corpus_member):
    """A range filter: totals and facets count only the cards in the range, drafts never show."""
    data = search(api, "years_min=10&sort=name")
    assert names(data) == ["Anna Peeters", "Sophie Lambert"]  # 12 and 25; Koen (15) is community
    assert data["total"] == 2 and sum(v["count"] for v in data["facets"]["country"]) == 2
    assert names(search(corpus_member, "years_min=10&sort=name")) == [
        "Anna Peeters",
        "Koen Janssens",
        "Sophie Lambert",
    ]
    assert names(search(api, "years_min=10&years_max=20&sort=name")) == ["Anna Peeters"]
    assert names(search(api, "years_max=5")) == ["Luc Dubois"]
    # With words the filter still holds: the photographer in range first, nobody out of range.
    found = names(search(api, "q=photographer&years_min=10"))
    assert found[0] == "Anna Peeters" and set(found) <= {"Anna Peeters", "Sophie Lambert"}


def test_script_in_a_card_travels_as_data_not_markup(api):
    response = api.get(f"{SEARCH}?q=posters")
    body = response.get_data(as_text=True)
    assert "<script" not in body and "\\u003cscript" in body
    assert response.get_json()["results"][0]["name"] == "Eve <script>alert(1)</script>"


def test_api_is_read_only_and_needs_no_csrf(api):
    assert api.post(SEARCH).status_code == 405
    assert api.get(SEARCH).status_code == 200  # no token, no cookie needed


def test_openapi_document_describes_the_search(api):
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import validate

    response = api.get("/api/v1/openapi.yaml")
    assert response.status_code == 200
    spec = yaml.safe_load(response.get_data(as_text=True))
    assert spec["openapi"].startswith("3.1")
    validate(spec)  # a valid OpenAPI 3.1 document

    def check(schema_name: str, instance: dict) -> None:
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
        Draft202012Validator(schema).validate(instance)

    check("MemberSearchResult", search(api, "q=fotograaf+Gand"))
    check("MemberSearchResult", search(api, "place=Namur&sector=music"))
    check("Error", search(api, "per_page=99", status=400))
    assert {"/members/search", "/members/{id}"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    data = search(api, "q=fotograaf+Gand")
    # The document and the answer agree, level by level.
    assert set(schemas["MemberSearchResult"]["properties"]) == set(data)
    assert set(schemas["QueryInterpretation"]["properties"]) == set(data["query"])
    assert set(schemas["Place"]["properties"]) == set(data["query"]["place"])
    assert set(schemas["MemberHit"]["properties"]) == set(data["results"][0])
    assert set(schemas["FacetValue"]["properties"]) == set(data["facets"]["sector"][0])
    documented = {p["name"] for p in spec["paths"]["/members/search"]["get"]["parameters"]}
    assert {
        "q",
        "place",
        "radius_km",
        "sector",
        "function",
        "country",
        "language",
        "years_min",
        "years_max",
        "mode",
        "page",
        "per_page",
    } <= documented
    card = api.get(f"/api/v1/members/{data['results'][0]['id']}").get_json()
    assert set(schemas["MemberCard"]["properties"]) == set(card)
    check("MemberCard", card)
    check("Error", api.get("/api/v1/members/999999").get_json())


# --- what was understood, and how to change it (issue 8) -------------------------------------------


def test_query_says_how_the_place_applies_and_place_mode_switches_it(api):
    near = search(api, "q=fotograaf+Gent")["query"]["place"]
    assert near["mode"] == "near" and near["radius_km"] is None and near["from_text"] is True
    within = search(api, "q=fotograaf+in+Gent")["query"]["place"]
    assert within["mode"] == "within" and within["radius_km"] == 25
    switched = search(api, "q=fotograaf+Gent&place_mode=within")
    assert switched["query"]["place"]["mode"] == "within" and switched["query"]["place"]["radius_km"] == 25
    assert names(switched) == names(search(api, "q=fotograaf+in+Gent"))
    unfiltered = search(api, "q=fotograaf+in+Gent&place_mode=near")
    assert unfiltered["query"]["place"]["radius_km"] is None
    assert {"Camille Hanot", "Lotte de Vries"} <= set(names(unfiltered))  # nothing left out
    # A place parameter is a radius unless switched; it is not "from the text".
    typed = search(api, "place=Namur")["query"]["place"]
    assert typed["mode"] == "within" and typed["from_text"] is False
    assert search(api, "place=Namur&place_mode=near")["query"]["place"]["radius_km"] is None


def test_results_say_whether_they_are_of_the_recognised_trade(api):
    data = search(api, "q=musician+in+Gent")
    assert data["query"]["trade"] == [code("function", "musician")]
    assert [(r["name"], r["of_trade"]) for r in data["results"]] == [
        ("Tom Wouters", True),
        ("Anna Peeters", False),
    ]
    # Only a sector recognised: the sector decides.
    data = search(api, "q=photography")
    assert data["query"]["functions"] == [] and data["query"]["trade"] == ["photography"]
    flags = [(r["of_trade"], "photography" in r["sectors"]) for r in data["results"]]
    assert all(of == has for of, has in flags) and (True, True) in flags and (False, False) in flags
    nothing = search(api, "q=zzqqxx")
    assert nothing["query"]["trade"] == [] and all(r["of_trade"] is None for r in nothing["results"])


def test_wider_counts_match_the_wider_searches_and_keep_visibility(api, corpus_member):
    data = search(api, "q=fotograaf+in+Gent")
    wider = data["query"]["wider"]
    assert [w["radius_km"] for w in wider] == [50, None]
    photographer = code("function", "photographer")
    for offer in wider:
        mode = "within" if offer["radius_km"] else "near"
        radius = f"&radius_km={offer['radius_km']:g}" if offer["radius_km"] else ""
        shown = search(api, f"q=fotograaf+in+Gent&place_mode={mode}{radius}&per_page=50")
        assert sum(1 for r in shown["results"] if r["function"] == photographer) == offer["total"]
    assert wider[1]["total"] == 4
    # The signed-in member also counts the community photographer (Antwerp); never the draft.
    member = search(corpus_member, "q=fotograaf+in+Gent")["query"]["wider"]
    assert member[1]["total"] == 5
    # Near first, or a radius holding more than a page: no counts are computed.
    assert search(api, "q=fotograaf+Gent")["query"]["wider"] == []
    assert search(api, "place=Namur&radius_km=500&per_page=5")["query"]["wider"] == []
