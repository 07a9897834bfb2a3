"""Bulk import: good and bad lines, idempotent re-import, visibility, places, accounts, the CLI."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.factories import audit_events, code, outbox_rows, place

pytestmark = pytest.mark.db  # database-sensitive: `make test` runs it on PostgreSQL too


def _line(**record) -> str:
    return json.dumps(record, ensure_ascii=False)


def _members():
    from webapp.directory.models import MemberProfile
    from webapp.extensions import db

    db.session.expire_all()
    return {m.external_id: m for m in db.session.scalars(select(MemberProfile))}


def _clients():
    from webapp.directory.models import ClientProfile
    from webapp.extensions import db

    db.session.expire_all()
    return {c.external_id: c for c in db.session.scalars(select(ClientProfile))}


GOOD = [
    dict(
        external_id="m1",
        name="Anna Peeters",
        function="photographer",
        sectors=["photography"],
        place="Gand",
        country="BE",
        languages=["nl", "en"],
        headline="Fotografe",
        bio="Portretten en reportages.",
        skills=["portraits", "studio"],
        website="https://anna.example",
        published=True,
        card_language="nl",
        email="anna@private.example",
        experience_years=12,
        availability=["assignments", "mentoring"],
    ),
    dict(
        external_id="m2",
        name="Luc Dubois",
        function="Ingénieur du son",
        sectors=["musique"],
        lat=50.4669,
        lon=4.8675,
        place="Namur",
        country="BE",
        languages=["fr"],
        visibility="community",
        card_language="fr",
    ),
    dict(
        external_id="m3",
        name="Dragon Tamer",
        function="Professional dragon tamer",
        sectors=[],
        place="Lüttich",
        card_language="de",
        published=False,
    ),
]


def test_good_and_bad_lines(app):
    from webapp.directory.importer import import_records

    lines = [
        _line(**GOOD[0]),
        "{not json",
        _line(**GOOD[1]),
        _line(external_id="bad1", sectors=["photography"]),  # no name
        "",
        _line(external_id="bad2", name="X", sectors=["underwater basket weaving"]),
        _line(external_id="bad3", name="Y", website="javascript:alert(1)"),
        _line(external_id="bad4", name="Z", place="Qwxzyville-sur-Rien"),
        _line(name="No id"),
        _line(external_id="bad5", name="W", visibility="everyone"),
        _line(
            type="client",
            external_id="c1",
            name="Theater Oost",
            sectors=["performing arts"],
            place="Gent",
            description="Stadstheater.",
            contact_person="Els",
            visibility="public",
            email="info@oost.example",
        ),
        _line(**GOOD[2]),
        "[1, 2]",
    ]
    report = import_records(lines)
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert [n for n, _ in report.errors] == [2, 4, 6, 7, 8, 9, 10, 13]
    messages = dict(report.errors)
    assert "JSON" in messages[2] and "name" in messages[4] and "sector" in messages[6]
    assert "http" in messages[7] and "place" in messages[8] and "external_id" in messages[9]
    assert "visibility" in messages[10]

    members = _members()
    assert set(members) == {"m1", "m2", "m3"}
    anna = members["m1"]
    assert anna.function_code == code("function", "photographer") and anna.function_text is None
    assert anna.sectors == [code("sector", "photography")]
    assert anna.place_id == place("Ghent").id and anna.country == "BE"
    assert anna.visibility == "public" and anna.published_at is not None
    assert anna.contact_email == "anna@private.example" and anna.user_id is None and not anna.email_public
    assert anna.skills == ["portraits", "studio"] and sorted(anna.languages) == ["en", "nl"]
    assert anna.open_to_mentoring and not anna.open_to_collaborations and anna.experience_years == 12

    luc = members["m2"]
    assert luc.function_code == code("function", "sound engineer")
    assert luc.sectors == [code("sector", "music")]
    assert (luc.lat, luc.lon) == (50.4669, 4.8675) and luc.place_id == place("Namur").id
    assert luc.visibility == "community"

    tamer = members["m3"]
    assert tamer.function_code is None and tamer.function_text == "Professional dragon tamer"
    assert tamer.visibility == "draft" and tamer.place_id == place("Liège").id

    (theatre,) = _clients().values()
    assert theatre.name == "Theater Oost" and theatre.visibility == "public"
    assert theatre.contact_email == "info@oost.example" and theatre.place_id == place("Ghent").id

    kinds = sorted((r.entity, r.entity_id) for r in outbox_rows())
    assert kinds == sorted([("member", m.id) for m in members.values()] + [("client", theatre.id)])
    published = audit_events("directory.publish")
    assert {e.detail["via"] for e in published} == {"import"} and len(published) == 3


def test_reimport_is_idempotent_and_updates_only_what_changed(app):
    from webapp.directory.importer import import_records

    lines = [_line(**r) for r in GOOD]
    assert import_records(lines).created == 3
    versions = {k: m.version for k, m in _members().items()}
    queued = len(outbox_rows())

    again = import_records(lines)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 3, [])
    assert {k: m.version for k, m in _members().items()} == versions
    assert len(outbox_rows()) == queued

    changed = dict(GOOD[1], headline="Now with a headline")
    report = import_records([_line(**GOOD[0]), _line(**changed), _line(**GOOD[2])])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    members = _members()
    assert members["m2"].version == versions["m2"] + 1 and members["m2"].headline == "Now with a headline"
    assert members["m1"].version == versions["m1"]
    assert [(r.entity, r.entity_id) for r in outbox_rows()[queued:]] == [("member", members["m2"].id)]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"published": True}, "public"),
        ({"published": False}, "draft"),
        ({}, "draft"),
        ({"visibility": "community"}, "community"),
        ({"visibility": "public"}, "public"),
        ({"visibility": "draft", "published": True}, "draft"),
        ({"visibility": "community", "published": True}, "community"),
    ],
)
def test_visibility_mapping(app, record, expected):
    from webapp.directory.importer import import_records

    report = import_records([{"external_id": "v", "name": "Vera", **record}])
    assert report.errors == []
    assert _members()["v"].visibility == expected


def test_unpublishing_through_import_hides_the_card_and_is_recorded(app):
    from webapp.directory.importer import import_records

    import_records([{"external_id": "u", "name": "Ursula", "published": True}])
    version = _members()["u"].version
    report = import_records([{"external_id": "u", "name": "Ursula", "published": False}])
    assert report.updated == 1
    card = _members()["u"]
    assert card.visibility == "draft" and card.published_at is None and card.version == version + 1
    assert audit_events("directory.unpublish")[-1].detail["previous"] == "public"
    assert app.test_client().get(f"/directory/members/{card.id}").status_code == 404


@pytest.mark.parametrize(
    "names",
    [
        [("Gand", "fr"), ("Gent", "nl"), ("Gent", "de"), ("Ghent", "en")],
        [("Bruxelles", "fr"), ("Brussel", "nl"), ("Brüssel", "de"), ("Brussels", "en")],
        [("Liège", "fr"), ("Luik", "nl"), ("Lüttich", "de"), ("Liege", "en")],
        [("Anvers", "fr"), ("Antwerpen", "nl"), ("Antwerpen", "de"), ("Antwerp", "en")],
        [("Mons", "fr"), ("Bergen", "nl"), ("Mons", "de"), ("Mons", "en")],
    ],
)
def test_place_by_name_in_four_languages(app, names):
    from webapp.directory.importer import import_records

    records = [
        {"external_id": f"p{i}", "name": f"Person {i}", "place": name, "card_language": lang}
        for i, (name, lang) in enumerate(names)
    ]
    report = import_records(records)
    assert report.errors == []
    places = {(m.place_id, m.country) for m in _members().values()}
    assert len(places) == 1 and next(iter(places))[1] == "BE"


def test_coordinates_without_a_known_place_are_kept_as_given(app):
    from webapp.directory.importer import import_records

    report = import_records(
        [
            {
                "external_id": "sea",
                "name": "Offshore",
                "lat": 51.9,
                "lon": 2.5,
                "place": "North Sea Platform",
                "country": "BE",
            },
            {"external_id": "bad", "name": "Bad", "lat": 95, "lon": 2},
            {"external_id": "half", "name": "Half", "lat": 50.0},
        ]
    )
    assert [n for n, _ in report.errors] == [2, 3]
    card = _members()["sea"]
    assert (card.lat, card.lon, card.place_id, card.place_name, card.country) == (
        51.9,
        2.5,
        None,
        "North Sea Platform",
        "BE",
    )


def test_account_true_creates_a_verified_account_with_an_unusable_password(app):
    from webapp.accounts.models import User
    from webapp.accounts.service import verify_password
    from webapp.directory.importer import import_records
    from webapp.extensions import db

    record = {
        "external_id": "acc",
        "name": "Account Holder",
        "email": "Holder+demo@Example.org",
        "account": True,
        "published": True,
        "card_language": "fr",
    }
    assert import_records([record]).created == 1
    user = db.session.scalar(select(User))
    card = _members()["acc"]
    assert card.user_id == user.id and card.contact_email is None
    assert user.is_verified and user.account_type == "member" and user.locale == "fr"
    assert not verify_password(user, "") and not verify_password(user, user.password_hash)
    assert not user.password_hash.startswith("$argon2")

    again = import_records([record])
    assert again.unchanged == 1 and db.session.scalar(select(func.count()).select_from(User)) == 1

    client_record = {
        "type": "client",
        "external_id": "acc-client",
        "name": "Org",
        "email": "holder@example.org",
        "account": True,
    }
    report = import_records([client_record])
    assert report.created == 0 and "member account" in report.errors[0][1]


def test_an_id_used_by_the_other_kind_is_refused(app):
    from webapp.directory.importer import import_records

    import_records([{"external_id": "same", "name": "Member"}])
    report = import_records([{"type": "client", "external_id": "same", "name": "Client"}])
    assert report.errors and report.errors[0][0] == 1 and _clients() == {}


def test_progress_is_reported_per_line(app):
    from webapp.directory.importer import import_records

    seen: list[int] = []
    import_records([_line(**r) for r in GOOD] + ["", "{bad"], progress=seen.append)
    assert seen == [1, 2, 3, 4, 5]


def test_cli_imports_reports_bad_lines_and_indexes(app, tmp_path):
    from indexer.types import SearchQuery
    from webapp.core.search import outbox_status, run_search

    path = tmp_path / "cards.jsonl"
    path.write_text(
        "\n".join([_line(**r) for r in GOOD] + ["{oops", _line(external_id="x")]) + "\n", encoding="utf-8"
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "3 created, 0 updated, 0 unchanged, 2 bad lines" in result.output
    assert "line 4:" in result.output and "line 5:" in result.output
    assert "index:" in result.output and "2 indexed, 1 removed" in result.output  # the draft is not indexed
    assert outbox_status()["queued"] == 0

    found = run_search(SearchQuery(entity="member", text="Anna Peeters", visibility=("public",)))
    assert [h.id for h in found.hits][:1] == [str(_members()["m1"].id)]
    hidden = run_search(SearchQuery(entity="member", text="Dragon Tamer", visibility=("public", "community")))
    assert str(_members()["m3"].id) not in [h.id for h in hidden.hits]

    result = runner.invoke(args=["directory", "import", "--no-index", str(path)])
    assert "0 created, 0 updated, 3 unchanged, 2 bad lines" in result.output and "index:" not in result.output
