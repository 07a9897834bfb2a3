"""openapi.yaml against real answers: members, board listings and events imported through the real
importers (`flask directory|p2p|events import`), indexed by the real embedded backend, and every
collection's search, detail and error answers validated against the document's schemas."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.conftest import app_settings, sign_in
from tests.factories import make_user

BRUSSELS = ZoneInfo("Europe/Brussels")


def _day(days: int) -> str:
    """The Brussels date ``days`` from now (search periods are Brussels days)."""
    return (datetime.now(BRUSSELS).date() + timedelta(days=days)).isoformat()


def _local(days: int, hour: int) -> str:
    """A local Brussels time ``days`` from now, as the events importer reads it (no offset)."""
    moment = datetime.now(BRUSSELS) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


MEMBERS = [
    {
        "external_id": "oa-m1",
        "name": "Sophie Son",
        "function": "sound engineer",
        "sectors": ["film_audiovisual"],
        "place": "Gent",
        "country": "BE",
        "visibility": "public",
        "card_language": "fr",
    },
    {
        "external_id": "oa-m2",
        "name": "Lotte Lijn",
        "function": "graphic designer",
        "sectors": ["Grafisch ontwerp"],
        "place": "Antwerpen",
        "country": "BE",
        "visibility": "public",
        "card_language": "nl",
    },
    {
        "external_id": "oa-m3",
        "name": "Hidden Hans",
        "function": "photographer",
        "sectors": ["photography"],
        "place": "Brussel",
        "country": "BE",
        "visibility": "draft",
    },
]


def _listing(external_id: str, owner: str, **fields: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "owner": owner,
        "type": "offer",
        "kind": "equipment",
        "sectors": [],
        "country": "BE",
        "status": "active",
        "visibility": "public",
        **fields,
    }


LISTINGS = [
    _listing(
        "oa-pl1",
        "oa-m1",
        title="Sono à prêter",
        description="Deux enceintes, une table de mixage et les câbles.",
        sectors=["film_audiovisual"],
        place="Gand",
        language="fr",
        available_from=_day(1),
        available_to=_day(90),
    ),
    _listing(
        "oa-pl2",
        "oa-m2",
        type="request",
        kind="mentoring",
        title="Mentor gezocht",
        description="Startende grafisch ontwerper zoekt een mentor voor het eerste jaar.",
        place="Antwerpen",
        sectors=["design_graphics"],
        language="nl",
    ),
    _listing(
        "oa-pl3",
        "oa-m3",
        kind="workspace",
        title="Desk in a photo studio",
        description="A desk and daylight in a shared studio.",
        place="Brussel",
        language="en",
        visibility="community",
        slots=[{"weekday": 1, "from": "09:00", "to": "13:00"}],
    ),
    _listing(
        "oa-pl4",
        "oa-m1",
        title="Lichtset (concept)",
        description="Nog niet klaar.",
        place="Gent",
        language="nl",
        status="draft",
    ),
]


def _event(external_id: str, days: int, **fields: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "category": "networking",
        "languages": ["nl"],
        "sectors": [],
        "start": _local(days, 19),
        "end": _local(days, 21),
        "timezone": "Europe/Brussels",
        "venue": "Zaal De Kring",
        "country": "BE",
        "status": "published",
        "visibility": "public",
        **fields,
    }


EVENTS = [
    {
        "type": "group",
        "external_id": "oa-g1",
        "name": "Illustratoren Vlaanderen",
        "description": "Tekenaars.",
        "sectors": ["Grafisch ontwerp"],
        "place": "Antwerpen",
        "country": "BE",
        "visibility": "public",
    },
    _event(
        "oa-ev1",
        11,
        title="Netwerkevent fotografie",
        description="Fotografen ontmoeten elkaar.",
        place="Antwerpen",
        capacity=40,
        group="oa-g1",
        sectors=["photography"],
    ),
    _event(
        "oa-ev2",
        3,
        title={"fr": "Rencontre des illustrateurs", "en": "Illustrators' meetup"},
        description={"fr": "Meetup des illustrateurs à Liège.", "en": "Illustrators meet in Liège."},
        category="sector_meetup",
        languages=["fr", "en"],
        place="Liège",
        rrule="FREQ=WEEKLY;COUNT=6",
    ),
    _event(
        "oa-ev3",
        5,
        title="Infosessie (afgelast)",
        description="Gaat niet door.",
        category="info_session",
        place="Gent",
        status="cancelled",
    ),
    _event(
        "oa-ev4",
        6,
        title="Concept workshop",
        description="Nog een concept.",
        category="workshop",
        place="Gent",
        status="draft",
    ),
    _event(
        "oa-ev5",
        7,
        title="Ledenvergadering",
        description="Voor de leden.",
        category="cooperative_meeting",
        place="Brussel",
        visibility="community",
    ),
]


def _import(app: Any, tmp: Path, group: str, records: list[dict[str, Any]]) -> None:
    path = tmp / f"{group}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=[group, "import", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    """One app for the module, its members, listings, a group and events imported from JSONL and
    indexed: (app, ids by external_id)."""
    from sqlalchemy import select

    from webapp import create_app
    from webapp.core.search import close_service, drain_all
    from webapp.events.models import Event
    from webapp.extensions import db
    from webapp.p2p.models import Listing

    tmp = tmp_path_factory.mktemp("openapi")
    app = create_app(app_settings(tmp / "data", RATELIMIT_ENABLED=False))
    with app.app_context():
        _import(app, tmp, "directory", MEMBERS)
        _import(app, tmp, "p2p", LISTINGS)
        _import(app, tmp, "events", EVENTS)
        report = drain_all()
        assert not report.errors, report.errors
        ids = {r.external_id: r.id for r in db.session.scalars(select(Listing))}
        ids |= {r.external_id: r.id for r in db.session.scalars(select(Event))}
        db.session.remove()
    try:
        yield app, ids
    finally:
        with app.app_context():
            close_service(app)
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def spec(world) -> dict[str, Any]:
    """The document as the API serves it, checked to be valid OpenAPI 3.1."""
    from openapi_spec_validator import validate

    response = world[0].test_client().get("/api/v1/openapi.yaml")
    assert response.status_code == 200
    document = yaml.safe_load(response.get_data(as_text=True))
    assert document["openapi"].startswith("3.1")
    validate(document)
    return document


@pytest.fixture
def anon(world):
    return world[0].test_client()


@pytest.fixture
def member(world):
    """A signed-in member (sees community rows)."""
    app = world[0]
    with app.app_context():
        return sign_in(app.test_client(), make_user())


def check(spec: dict[str, Any], name: str, instance: Any) -> None:
    """``instance`` validates against components/schemas/``name`` (formats date and date-time checked,
    required properties present), and no object in it has a property the document does not name."""
    from jsonschema import Draft202012Validator, FormatChecker

    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(instance)
    _same_keys(spec, spec["components"]["schemas"][name], instance, name)


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _same_keys(spec: dict[str, Any], schema: dict[str, Any], instance: Any, where: str) -> None:
    schema = _resolve(spec, schema)
    if "oneOf" in schema and instance is not None:
        schema = next(_resolve(spec, s) for s in schema["oneOf"] if s.get("type") != "null")
    if isinstance(instance, dict) and "properties" in schema:
        assert set(instance) <= set(schema["properties"]), f"{where}: {sorted(instance)}"
        for key, value in instance.items():
            _same_keys(spec, schema["properties"][key], value, f"{where}.{key}")
    elif isinstance(instance, list) and "items" in schema:
        for n, item in enumerate(instance):
            _same_keys(spec, schema["items"], item, f"{where}[{n}]")


def get(client: Any, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def param_names(spec: dict[str, Any], path: str) -> set[str]:
    out = set()
    for param in spec["paths"][path]["get"]["parameters"]:
        if "$ref" in param:
            param = spec["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
        out.add(param["name"])
    return out


def test_document_covers_every_collection(spec):
    for collection in ("members", "listings", "events"):
        assert {f"/{collection}/search", f"/{collection}/{{id}}"} <= set(spec["paths"])
    assert param_names(spec, "/listings/search") >= {
        "q",
        "place",
        "radius_km",
        "kind",
        "type",
        "sector",
        "language",
        "available_from",
        "available_to",
        "mode",
        "page",
        "per_page",
    }
    assert param_names(spec, "/events/search") >= {
        "q",
        "place",
        "radius_km",
        "sector",
        "category",
        "language",
        "group",
        "from",
        "to",
        "mode",
        "page",
        "per_page",
    }


def test_listing_answers_match_the_document(spec, world, anon, member):
    ids = world[1]
    queries = {
        "q=PA-installatie+lenen": ["oa-pl1"],
        "q=mentor+voor+een+startende+grafisch+ontwerper": ["oa-pl2"],
        "place=Gent&radius_km=10": ["oa-pl1"],
        f"available_from={_day(5)}&available_to={_day(8)}&kind=equipment&type=offer": ["oa-pl1"],
        "type=request&language=nl&sector=design_graphics": ["oa-pl2"],
        "sector=film_audiovisual&mode=lexical&q=enceintes": ["oa-pl1"],
    }
    for query, expected in queries.items():
        data = get(anon, f"/api/v1/listings/search?{query}")
        check(spec, "ListingSearchResult", data)
        found = [r["id"] for r in data["results"]]
        assert found[: len(expected)] == [ids[e] for e in expected], (query, found)
    browse = get(anon, "/api/v1/listings/search")
    check(spec, "ListingSearchResult", browse)
    assert {r["id"] for r in browse["results"]} == {ids["oa-pl1"], ids["oa-pl2"]}  # not community, not draft
    everything = get(member, "/api/v1/listings/search?per_page=50")
    check(spec, "ListingSearchResult", everything)
    hits = {r["id"]: r for r in everything["results"]}
    assert set(hits) == {ids["oa-pl1"], ids["oa-pl2"], ids["oa-pl3"]}
    assert hits[ids["oa-pl1"]]["owner_name"] == "Sophie Son" and hits[ids["oa-pl1"]]["place"] == "Gent"
    assert hits[ids["oa-pl3"]]["owner_name"] != "Hidden Hans"  # a draft card's name stays hidden
    for external_id in ("oa-pl1", "oa-pl2"):
        detail = get(anon, f"/api/v1/listings/{ids[external_id]}")
        check(spec, "Listing", detail)
        assert detail["external_id"] == external_id
    windows = get(anon, f"/api/v1/listings/{ids['oa-pl1']}")["availability"]
    assert windows == [{"from": _day(1), "to": _day(90)}]
    desk = get(member, f"/api/v1/listings/{ids['oa-pl3']}")
    check(spec, "Listing", desk)
    assert desk["slots"] == [{"weekday": 1, "from": "09:00", "to": "13:00"}]
    for hidden, client in (("oa-pl3", anon), ("oa-pl4", member)):
        check(spec, "Error", get(client, f"/api/v1/listings/{ids[hidden]}", status=404))
    check(spec, "Error", get(anon, "/api/v1/listings/999999", status=404))


def test_event_answers_match_the_document(spec, world, anon, member):
    ids = world[1]
    queries = {
        "q=meetup+illustrateurs+Li%C3%A8ge": ["oa-ev2"],
        "q=netwerkevent+fotografie+Antwerpen": ["oa-ev1"],
        "category=sector_meetup&language=fr": ["oa-ev2"],
        f"from={_day(9)}&to={_day(11)}": ["oa-ev2", "oa-ev1"],  # the weekly one's 2nd occurrence first
        "place=Antwerpen&radius_km=20": ["oa-ev1"],
        "": ["oa-ev2", "oa-ev1"],  # soonest first
    }
    for query, expected in queries.items():
        data = get(anon, f"/api/v1/events/search?{query}")
        check(spec, "EventSearchResult", data)
        found = [r["id"] for r in data["results"]]
        assert found[: len(expected)] == [ids[e] for e in expected], (query, found)
        assert not {ids["oa-ev3"], ids["oa-ev4"], ids["oa-ev5"]} & set(found)  # cancelled, draft, community
        for hit in data["results"]:
            assert datetime.fromisoformat(hit["start"]).utcoffset() is not None  # ISO with offset
    group_id = get(anon, f"/api/v1/events/{ids['oa-ev1']}")["group"]
    group = get(anon, f"/api/v1/events/search?group={group_id}")
    check(spec, "EventSearchResult", group)
    assert [r["id"] for r in group["results"]] == [ids["oa-ev1"]]
    signed_in = get(member, "/api/v1/events/search?per_page=50")
    check(spec, "EventSearchResult", signed_in)
    assert ids["oa-ev5"] in [r["id"] for r in signed_in["results"]]
    for external_id, client in (("oa-ev1", anon), ("oa-ev2", anon), ("oa-ev3", anon), ("oa-ev5", member)):
        detail = get(client, f"/api/v1/events/{ids[external_id]}")
        check(spec, "Event", detail)
        assert detail["external_id"] == external_id
    assert get(anon, f"/api/v1/events/{ids['oa-ev3']}")["status"] == "cancelled"
    recurring = get(anon, f"/api/v1/events/{ids['oa-ev2']}")
    assert recurring["rrule"] == "FREQ=WEEKLY;COUNT=6"
    assert {t["lang"] for t in recurring["texts"]} == {"fr", "en"}
    for hidden, client in (("oa-ev4", member), ("oa-ev5", anon)):
        check(spec, "Error", get(client, f"/api/v1/events/{ids[hidden]}", status=404))
    check(spec, "Error", get(anon, "/api/v1/events/999999", status=404))


def test_member_answers_match_the_document(spec, anon):
    data = get(anon, "/api/v1/members/search?q=sound+engineer+Gent")
    check(spec, "MemberSearchResult", data)
    assert [r["name"] for r in data["results"]][:1] == ["Sophie Son"]
    assert "Hidden Hans" not in [r["name"] for r in get(anon, "/api/v1/members/search")["results"]]
    check(spec, "MemberCard", get(anon, f"/api/v1/members/{data['results'][0]['id']}"))
    check(spec, "Error", get(anon, "/api/v1/members/999999", status=404))


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("listings", "kind=boat", "kind"),
        ("listings", "type=swap", "type"),
        ("listings", f"available_from={_day(9)}&available_to={_day(2)}", "available_to"),
        ("listings", "available_from=soon", "available_from"),
        ("listings", "per_page=99", "per_page"),
        ("events", "category=party", "category"),
        ("events", "from=next-week", "from"),
        ("events", "group=abc", "group"),
        ("events", "mode=fuzzy", "mode"),
        ("events", "sort=recent", "sort"),
    ],
)
def test_bad_parameters_answer_the_documented_error(spec, anon, path, query, parameter):
    error = get(anon, f"/api/v1/{path}/search?{query}", status=400)
    check(spec, "Error", error)
    assert error["error"]["code"] == 400 and error["error"]["parameter"] == parameter
    assert "400" in spec["paths"][f"/{path}/search"]["get"]["responses"]


def test_every_documented_choice_is_accepted(spec, anon):
    """The enums in the document are the values the code takes: each one answers 200."""
    results = {"/listings/search": "ListingSearchResult", "/events/search": "EventSearchResult"}
    tried = 0
    for path in ("/listings/search", "/events/search"):
        for param in spec["paths"][path]["get"]["parameters"]:
            if "$ref" in param:
                param = spec["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
            schema = param["schema"].get("items", param["schema"])
            for value in schema.get("enum", []):
                data = get(anon, f"/api/v1{path}?{param['name']}={value}")
                check(spec, results[path], data)
                tried += 1
    assert tried >= 5 + 2 + 6 + 3 * 2 + 4 * 2 + 2  # kinds, types, categories, modes, sorts, place modes
