"""`flask p2p import FILE.jsonl`: idempotent on external_id, bad lines reported by number, the rest
imported and searchable."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.factories import member_card


def _line(**changes) -> str:
    record = {
        "external_id": "pl-1",
        "owner": "m-1",
        "type": "offer",
        "kind": "equipment",
        "title": "Sono à prêter",
        "description": "Deux enceintes et une table de mixage.",
        "sectors": ["Muziek"],
        "place": "Gand",
        "country": "BE",
        "language": "fr",
        "available_from": "2027-01-01",
        "available_to": "2027-06-30",
        "status": "active",
        "visibility": "public",
    }
    record.update(changes)
    return json.dumps({k: v for k, v in record.items() if v is not None})


def test_import_is_idempotent_and_reports_bad_lines(app, db, user, tmp_path):
    from webapp.p2p.models import Listing

    card = member_card(user, visibility="public", display_name="Sophie Son")
    card.external_id = "m-1"
    db.session.commit()
    lines = [
        _line(),
        "{not json",
        _line(external_id="pl-2", kind="boat"),
        _line(external_id="pl-3", owner="nobody"),
        _line(
            external_id="pl-4",
            title="Bureau in een atelier",
            kind="workspace",
            language="nl",
            available_from=None,
            available_to=None,
            status="paused",
            visibility="community",
        ),
        _line(external_id="pl-5", available_from="2027-07-01", available_to="2027-06-01"),
    ]
    path = tmp_path / "listings.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["p2p", "import", str(path)])
    assert result.exit_code == 1
    assert "2 created, 0 updated, 0 unchanged, 4 bad lines" in result.output
    for number in (2, 3, 4, 6):
        assert f"line {number}:" in result.output
    rows = {r.external_id: r for r in db.session.scalars(select(Listing))}
    assert set(rows) == {"pl-1", "pl-4"}
    sono = rows["pl-1"]
    assert sono.user_id == user.id and sono.profile_id == card.id and sono.visibility == "public"
    assert sono.place_name == "Gent" and [
        (w.starts_on.isoformat(), w.ends_on.isoformat()) for w in sono.windows
    ] == [("2027-01-01", "2027-06-30")]
    assert rows["pl-4"].windows == [] and rows["pl-4"].visibility == "draft"  # paused: not shown

    again = runner.invoke(args=["p2p", "import", str(path)])
    assert "0 created, 0 updated, 2 unchanged, 4 bad lines" in again.output
    path.write_text(_line(title="Sono à prêter (grande)") + "\n", encoding="utf-8")
    third = runner.invoke(args=["p2p", "import", str(path)])
    assert third.exit_code == 0 and "0 created, 1 updated" in third.output
    assert (
        db.session.scalar(select(Listing.title).where(Listing.external_id == "pl-1"))
        == "Sono à prêter (grande)"
    )
    hits = app.test_client().get("/api/v1/listings/search?q=sono").get_json()["results"]
    assert [h["external_id"] for h in hits] == ["pl-1"] and hits[0]["owner_name"] == "Sophie Son"


def test_import_takes_weekly_slots_idempotently_and_reports_bad_ones(app, db, user, tmp_path):
    from webapp.p2p.models import Listing

    card = member_card(user, visibility="public", display_name="Sophie Son")
    card.external_id = "m-1"
    db.session.commit()
    slots = [
        {"weekday": "0-4", "from": "09:00", "to": "12:00"},
        {"weekday": 1, "from": "14:00", "to": "18:00"},
    ]
    lines = [
        _line(external_id="pl-m", kind="mentoring", title="Mentorat en graphisme", slots=slots),
        _line(external_id="pl-x", kind="mentoring", slots=[{"weekday": 1, "from": "18:00", "to": "14:00"}]),
        _line(external_id="pl-y", kind="equipment", slots=slots),
        _line(external_id="pl-z", kind="mentoring", slots="Tuesdays"),
    ]
    path = tmp_path / "slots.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["p2p", "import", str(path)])
    assert "1 created, 0 updated, 0 unchanged, 3 bad lines" in result.output, result.output
    assert "line 2: a weekly slot ends before it starts" in result.output
    assert "line 3: weekly slots are for workspace, mentoring and coaching" in result.output
    assert "line 4: slots:" in result.output
    listing = db.session.scalar(select(Listing).where(Listing.external_id == "pl-m"))
    assert [(s.weekday, f"{s.starts_at:%H:%M}") for s in listing.slots] == [
        (0, "09:00"),
        (1, "09:00"),
        (1, "14:00"),
        (2, "09:00"),
        (3, "09:00"),
        (4, "09:00"),
    ]
    again = runner.invoke(args=["p2p", "import", str(path)])
    assert "0 created, 0 updated, 1 unchanged" in again.output
    path.write_text(_line(external_id="pl-m", kind="mentoring", title="Mentorat en graphisme") + "\n")
    assert "1 unchanged" in runner.invoke(args=["p2p", "import", str(path)]).output  # no key: kept
    detail = app.test_client().get(f"/api/v1/listings/{listing.id}").get_json()
    assert {"weekday": 1, "from": "14:00", "to": "18:00"} in detail["slots"]
