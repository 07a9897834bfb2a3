"""The board's database fallback: with the search backend dead, the board still answers (flagged
limited), and "available from … to …" means what it means in the index: inside one availability
window (open ends count, no window at all is any day) and no accepted, handed-over or returned
booking overlapping. Runs on SQLite and, with TEST_DATABASE=postgresql, on PostgreSQL."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import sign_in
from tests.factories import make_user
from tests.p2p.helpers import index_now, make_listing, soon


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dead_backend_config(app_config):
    """Settings pointing the search at an Elasticsearch that is not there."""
    app_config.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=f"http://127.0.0.1:{_dead_port()}")
    return app_config


def _board(user) -> dict[str, int]:
    """Listings whose availability over days 15..20 from today is known by construction."""
    from webapp.extensions import db
    from webapp.p2p import service

    borrower = make_user("borrower@example.org")

    def offer(title: str, windows=None, **kw) -> int:
        return make_listing(user, title=f"{title} camera", windows=windows, **kw).id

    ids = {
        "any_day": offer("Any day"),  # no window: available any day
        "inside": offer("Inside", [(soon(10), soon(40))]),
        "too_short": offer("Too short", [(soon(10), soon(17))]),
        "open_end": offer("Open end", [(soon(5), None)]),
        "open_start": offer("Open start", [(None, soon(30))]),
        # Two windows that together cover the period, neither alone: not available throughout.
        "split": offer("Split", [(soon(10), soon(17)), (soon(18), soon(40))]),
        "booked": offer("Booked"),
        "requested_only": offer("Requested only"),
        "booked_later": offer("Booked later"),
        "community": offer("Community", audience="community"),
        "draft": offer("Draft", status="draft"),
        "paused": offer("Paused", status="paused"),
    }
    listings = {k: db.session.get(service.Listing, v) for k, v in ids.items()}
    held = service.request_booking(listings["booked"], borrower, soon(19), soon(22))
    service.request_booking(listings["requested_only"], borrower, soon(16), soon(17))  # not accepted
    later = service.request_booking(listings["booked_later"], borrower, soon(21), soon(23))
    db.session.commit()
    service.accept_booking(held.id, actor_id=user.id)
    service.accept_booking(later.id, actor_id=user.id)
    return ids


AVAILABLE_15_20 = {"any_day", "inside", "open_end", "open_start", "requested_only", "booked_later"}
EVERY_ACTIVE_PUBLIC = AVAILABLE_15_20 | {"too_short", "split", "booked"}


def _found(client, ids: dict[str, int], query: str, *, degraded: bool) -> set[str]:
    response = client.get(f"/api/v1/listings/search?q=camera&per_page=50{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert data["degraded"] is degraded
    by_id = {v: k for k, v in ids.items()}
    return {by_id[r["id"]] for r in data["results"]}


def _period(a: int, b: int | None) -> str:
    out = f"&available_from={soon(a).isoformat()}"
    return out + (f"&available_to={soon(b).isoformat()}" if b is not None else "")


def test_the_fallback_answers_with_and_without_dates(dead_backend_config, app, db, user):
    ids = _board(user)
    client = app.test_client()
    assert _found(client, ids, "", degraded=True) == EVERY_ACTIVE_PUBLIC
    assert _found(client, ids, _period(15, 20), degraded=True) == AVAILABLE_15_20
    # From day 15 on, open-ended: only windows without an end (or no window) hold it, and any
    # booking from then on is in the way.
    assert _found(client, ids, _period(15, None), degraded=True) == {"any_day", "open_end", "requested_only"}
    # Days 24..25: after every booking; the open start window (to day 30) holds it.
    assert _found(client, ids, _period(24, 25), degraded=True) == {
        "any_day",
        "inside",
        "open_end",
        "open_start",
        "requested_only",
        "booked",
        "booked_later",
        "split",
    }
    # A member also sees the community listing; drafts and paused ones never show.
    member = sign_in(app.test_client(), make_user("reader@example.org"))
    assert _found(member, ids, _period(15, 20), degraded=True) == AVAILABLE_15_20 | {"community"}
    html = client.get(f"/board?q=camera{_period(15, 20)}").get_data(as_text=True)
    assert "Limited search" in html and "Inside camera" in html and "Too short camera" not in html


def test_the_fallback_and_the_index_agree_on_availability(app, db, user):
    """The same periods through the embedded backend and through the database fallback."""
    from indexer.types import SearchQuery
    from webapp.core.search.fallback import search_database
    from webapp.core.search.params import parse_ranges
    from webapp.p2p.search import AVAILABLE, LISTING_FALLBACK

    ids = _board(user)
    index_now()
    client = app.test_client()
    by_id = {v: k for k, v in ids.items()}
    for period in ((15, 20), (15, None), (24, 25), (1, 2), (19, 19), (11, 16)):
        query = _period(*period)
        indexed = _found(client, ids, query, degraded=False)
        args = dict(pair.split("=") for pair in query.lstrip("&").split("&"))
        _raw, ranges = parse_ranges(args, (AVAILABLE,))
        result = search_database(
            LISTING_FALLBACK, SearchQuery(entity="listing", text="camera", ranges=ranges, limit=50)
        )
        assert {by_id[int(h.id)] for h in result.hits} == indexed, period
