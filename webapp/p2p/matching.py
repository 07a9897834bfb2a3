""" "Wanted" matching: the offers that fit a request, the open requests an offer could answer.

The board's own search does the work (same kind, the other type, text meaning in any language
through the encoders, nearer first from the listing's place, available over the request's
window), so each match carries the search's "why" line.
"""

from __future__ import annotations

from typing import Any

from webapp.core.search.page import Result, run
from webapp.core.search.params import ParamError
from webapp.p2p.models import Listing

MATCHES_SHOWN = 5


def match_params(listing: Listing) -> dict[str, Any]:
    """The board search that finds the other side of ``listing``."""
    params: dict[str, Any] = {
        "q": listing.title,
        "kind": listing.kind,
        "type": "offer" if listing.type == "request" else "request",
        "per_page": str(MATCHES_SHOWN + 1),
    }
    if listing.place_id:
        params["place"] = str(listing.place_id)
        params["radius_km"] = "50"
    window = listing.windows[0] if listing.type == "request" and listing.windows else None
    if window is not None and window.starts_on and window.ends_on:
        params["available_from"] = window.starts_on.isoformat()
        params["available_to"] = window.ends_on.isoformat()
    return params


def matches_for(listing: Listing, viewer: Any) -> list[Result]:
    """Best fitting listings of the other side this viewer may see (never the listing itself)."""
    if listing.status != "active":
        return []
    try:
        page = run("listing", match_params(listing), viewer)
    except ParamError:
        return []
    return [r for r in page.results if r.id != listing.id][:MATCHES_SHOWN]
