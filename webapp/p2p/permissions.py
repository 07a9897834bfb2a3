"""Who may see, change, book and moderate on the board: the one place its rules live.

Anything a viewer may not see or act on answers 404 (never 403), so a draft, a paused listing
or someone else's booking does not even show that it exists.
"""

from __future__ import annotations

from typing import Any

from webapp.core.permissions import is_owner, is_staff, may_see, signed_in
from webapp.p2p.models import Booking, Listing


def can_view(user: Any, listing: Listing | None) -> bool:
    """Active published listings by audience; the owner always; staff also paused or hidden ones
    (to judge reports), never drafts."""
    if listing is None:
        return False
    if may_see(user, listing):
        return True
    return is_staff(user) and listing.status != "draft"


def can_edit(user: Any, listing: Listing | None) -> bool:
    return is_owner(user, listing)


def can_create(user: Any) -> bool:
    """Members post on the board (clients hire, they do not lend among members)."""
    return signed_in(user) and bool(getattr(user, "is_member", False))


def can_book(user: Any, listing: Listing | None) -> bool:
    """A verified member who is not the owner, on an active offer they can see."""
    return bool(
        listing is not None
        and signed_in(user)
        and getattr(user, "is_verified", False)
        and listing.type == "offer"
        and listing.visibility != "draft"
        and may_see(user, listing)
        and not is_owner(user, listing)
        and listing.user_id is not None
    )


def can_report(user: Any, listing: Listing | None) -> bool:
    return bool(
        listing is not None and signed_in(user) and may_see(user, listing) and not is_owner(user, listing)
    )


def is_party(user: Any, booking: Booking | None) -> bool:
    """The owner or the borrower of the booking: nobody else sees or touches it."""
    return bool(
        booking is not None and signed_in(user) and user.id in {booking.owner_id, booking.borrower_id}
    )


__all__ = ["can_book", "can_create", "can_edit", "can_report", "can_view", "is_party", "is_staff"]
