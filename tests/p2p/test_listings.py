"""Listings: pages, permissions, and the search index following status, audience and hiding in
every mode, on the real embedded backend with the real encoders; the JSON API's shape."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.p2p.helpers import index_now, make_listing, soon

MODES = ("hybrid", "lexical", "semantic")


def _ids(client, query: str) -> list[int]:
    response = client.get(f"/api/v1/listings/search?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [r["id"] for r in response.get_json()["results"]]


def test_create_through_the_form_starts_as_a_draft_and_activating_publishes(app, db, user):
    from webapp.p2p.models import Listing

    client = sign_in(app.test_client(), user)
    response = post_form(
        client,
        "/board/new",
        {
            "type": "offer",
            "kind": "equipment",
            "title": "Sewing machine to lend",
            "description": "A Bernina.",
            "language": "en",
            "place": "Gent",
            "audience": "public",
            "user_id": "999",
            "status": "active",
        },
        token_from="/board/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    listing = db.session.scalars(select(Listing)).one()
    assert listing.user_id == user.id and listing.status == "draft" and listing.visibility == "draft"
    assert listing.place_name == "Gent"
    index_now()
    assert _ids(app.test_client(), "q=sewing+machine") == []
    assert post_form(client, f"/board/listings/{listing.id}/status", {"status": "active"}).status_code == 302
    index_now()
    assert _ids(app.test_client(), "q=sewing+machine") == [listing.id]


def test_bad_input_keeps_what_was_typed(app, user):
    client = sign_in(app.test_client(), user)
    response = post_form(
        client,
        "/board/new",
        {
            "type": "offer",
            "kind": "equipment",
            "title": "",
            "description": "Kept description text",
            "language": "en",
            "place": "Nowhereville-sur-Rien",
            "audience": "public",
        },
        token_from="/board/new",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kept description text" in html and "Nowhereville-sur-Rien" in html


@pytest.mark.parametrize("mode", MODES)
def test_paused_closed_hidden_and_drafts_leave_search_in_every_mode(app, db, user, staff, mode):
    from webapp.p2p import service

    listing = make_listing(
        user,
        title="Rehearsal room with piano",
        kind="workspace",
        description="A soundproof rehearsal room for bands, evenings and weekends.",
    )
    index_now()
    query = f"q=rehearsal+room&mode={mode}"
    assert listing.id in _ids(app.test_client(), query)
    for change in ("paused", "hide", "closed", "draft"):
        if change == "hide":
            service.set_status(listing, "active", actor_id=user.id)
            service.hide_listing(listing, staff_id=staff.id, hidden=True)
        else:
            service.hide_listing(listing, staff_id=staff.id, hidden=False)
            service.set_status(listing, change, actor_id=user.id)
        db.session.commit()
        index_now()
        assert listing.id not in _ids(app.test_client(), query), change
        assert app.test_client().get(f"/api/v1/listings/{listing.id}").status_code == 404
        service.set_status(listing, "active", actor_id=user.id)
        service.hide_listing(listing, staff_id=staff.id, hidden=False)
        db.session.commit()
        index_now()
        assert listing.id in _ids(app.test_client(), query), f"back after {change}"


def test_community_listings_only_for_signed_in(app, user, other_user):
    listing = make_listing(user, audience="community")
    index_now()
    anonymous = app.test_client()
    assert _ids(anonymous, "q=PA+system") == []
    assert anonymous.get(f"/api/v1/listings/{listing.id}").status_code == 404
    assert anonymous.get(f"/board/listings/{listing.id}").status_code == 404
    member = sign_in(app.test_client(), other_user)
    assert _ids(member, "q=PA+system") == [listing.id]
    assert member.get(f"/board/listings/{listing.id}").status_code == 200


def test_api_answers_in_the_documented_shape(app, user):
    listing = make_listing(user)
    index_now()
    body = app.test_client().get("/api/v1/listings/search?q=PA+system&place=Gent&radius_km=10").get_json()
    assert body["total"] == 1
    [hit] = body["results"]
    assert set(hit) >= {
        "id",
        "external_id",
        "title",
        "kind",
        "type",
        "owner_name",
        "place",
        "distance_km",
        "score",
        "why",
        "url",
    }
    assert hit["kind"] == "equipment" and hit["type"] == "offer" and hit["place"] == "Gent"
    assert hit["url"].endswith(f"/board/listings/{listing.id}")
    assert body["query"]["place"]["radius_km"] == 10
    detail = app.test_client().get(f"/api/v1/listings/{listing.id}").get_json()
    assert detail["title"] == "PA system to lend"
    assert "Veldstraat" not in str(detail) and "@" not in str(detail)  # pick-up address, e-mails


def test_filters_kind_type_and_availability(app, db, user, other_user):
    from webapp.p2p import service

    offer = make_listing(user, windows=[(soon(1), soon(60))])
    make_listing(user, title="PA system wanted", type="request")
    make_listing(user, title="Desk in a sound studio", kind="workspace")
    index_now()
    anon = app.test_client()
    assert _ids(anon, "type=offer&kind=equipment") == [offer.id]
    assert offer.id in _ids(anon, f"available_from={soon(5)}&available_to={soon(8)}")
    assert offer.id not in _ids(anon, f"available_from={soon(50)}&available_to={soon(70)}")  # past the window
    booking = service.request_booking(offer, other_user, soon(5), soon(8))
    db.session.commit()
    service.accept_booking(booking.id, actor_id=user.id)
    index_now()
    assert offer.id not in _ids(anon, f"available_from={soon(7)}&available_to={soon(9)}")  # booked
    assert offer.id in _ids(anon, f"available_from={soon(10)}&available_to={soon(12)}")
    assert anon.get("/api/v1/listings/search?kind=boat").status_code == 400


def test_nobody_edits_or_switches_someone_elses_listing(app, db, user, other_user):
    from webapp.p2p.models import Listing

    listing = make_listing(user)
    before = (listing.title, listing.status, listing.version)
    intruder = sign_in(app.test_client(), other_user)
    assert intruder.get(f"/board/listings/{listing.id}/edit").status_code == 404
    data = {"type": "offer", "kind": "equipment", "title": "Hacked", "language": "en", "audience": "public"}
    assert post_form(intruder, f"/board/listings/{listing.id}/edit", data).status_code == 404
    assert (
        post_form(intruder, f"/board/listings/{listing.id}/status", {"status": "closed"}).status_code == 404
    )
    assert post_form(intruder, f"/board/listings/{listing.id}/hide").status_code == 404
    db.session.expire_all()
    again = db.session.get(Listing, listing.id)
    assert (again.title, again.status, again.version) == before


def test_staff_hide_is_audited_and_reports_are_handled(app, db, user, other_user, staff):
    from webapp.core.models import AuditEvent
    from webapp.p2p.models import ListingReport

    listing = make_listing(user)
    reporter = sign_in(app.test_client(), other_user)
    response = post_form(reporter, f"/board/listings/{listing.id}/report", {"reason": "Looks like a scam"})
    assert response.status_code == 302
    moderator = sign_in(app.test_client(), staff)
    assert "Looks like a scam" in moderator.get("/board/staff/reports").get_data(as_text=True)
    assert post_form(moderator, f"/board/listings/{listing.id}/hide", {"hidden": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(ListingReport)).one().status == "handled"
    assert (
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "p2p.listing.hide")).one().actor_id
        == staff.id
    )
    assert app.test_client().get(f"/board/listings/{listing.id}").status_code == 404


def test_home_page_shows_the_newest_listings(app, user):
    make_listing(user, title="Van for a day")
    html = app.test_client().get("/").get_data(as_text=True)
    assert "Van for a day" in html


def test_mentoring_offer_shows_the_mentors_card(app, db, user):
    from tests.factories import member_card

    member_card(user, visibility="public", display_name="Mira Mentor", headline="Graphic designer, 20 years")
    listing = make_listing(user, title="Mentoring for starting designers", kind="mentoring")
    html = app.test_client().get(f"/board/listings/{listing.id}").get_data(as_text=True)
    assert "Mira Mentor" in html and "/directory/members/" in html


def test_dates_at_the_calendars_edge_are_refused_not_a_500(app, db, user, other_user):
    """Year 9999 (a real date) once broke the listing page, the booking form and the index."""
    from webapp.core.text import InputError
    from webapp.p2p import service
    from webapp.p2p.models import Listing

    client = sign_in(app.test_client(), user)
    response = post_form(
        client,
        "/board/new",
        {
            "type": "offer",
            "kind": "equipment",
            "title": "Van for a day",
            "description": "Kept description text",
            "language": "en",
            "audience": "public",
            "available_from": "9999-12-30",
            "available_to": "9999-12-31",
        },
        token_from="/board/new",
    )
    assert response.status_code == 400
    assert "Kept description text" in response.get_data(as_text=True)
    assert db.session.scalars(select(Listing)).all() == []
    with pytest.raises(InputError):
        service.parse_windows([("2027-01-01", "9999-12-31")])

    listing = make_listing(user)
    for month in ("9999-12", "0001-01", "1-1"):
        assert client.get(f"/board/listings/{listing.id}?month={month}").status_code == 200, month
    borrower = sign_in(app.test_client(), other_user)
    response = post_form(
        borrower,
        f"/board/listings/{listing.id}/book",
        {"starts_on": "9999-12-30", "ends_on": "9999-12-31"},
        token_from=f"/board/listings/{listing.id}",
    )
    assert response.status_code == 400
