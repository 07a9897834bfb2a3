"""Who may see, edit and contact a card: the one place the directory's rules live.

Views, the photo route, search hydration and the API all ask here, so a rule changes in one
spot. The meaning of "signed in", "staff", "owner" and "may see" is the platform's
(``webapp.core.permissions``); this module adds the directory's own rules. Anything a viewer
may not see must look absent (404), never forbidden, so the existence of a draft does not leak.
"""

from __future__ import annotations

from typing import Any

from webapp.core.permissions import is_owner, is_staff, may_see, signed_in, visible_visibilities
from webapp.directory.models import ClientProfile, ContactMessage, MemberProfile

Card = MemberProfile | ClientProfile


def can_view(user: Any, card: Card | None) -> bool:
    """Public: anyone; community: signed-in users; draft (or anything else): the owner only."""
    return may_see(user, card)


def can_edit(user: Any, card: Card | None) -> bool:
    """Only the owner edits a card; staff moderate reports but do not edit members' words."""
    return is_owner(user, card)


def can_publish(user: Any, card: Card | None) -> bool:
    """The owner, once their address is confirmed: throw-away sign-ups cannot put cards before
    the public (spam, impersonation) in the days before unverified accounts are purged."""
    return can_edit(user, card) and bool(getattr(user, "is_verified", False))


def can_contact(user: Any, card: Card | None) -> bool:
    """A signed-in, verified account may write to a published card it can see that accepts contact.

    A card needs somewhere to deliver to: its owner's account or, for an imported card, its
    private contact address. Nobody writes to their own card.
    """
    if card is None or not signed_in(user) or not getattr(user, "is_verified", False):
        return False
    if not card.is_published or not card.accepts_contact or not can_view(user, card):
        return False
    if is_owner(user, card):
        return False
    return card.user_id is not None or bool(card.contact_email)


def may_show_contact_form(user: Any, card: Card | None) -> bool:
    """Show the "write to" entry point (unverified users then learn they must verify first)."""
    return bool(
        card is not None
        and card.is_published
        and card.accepts_contact
        and (card.user_id is not None or card.contact_email)
        and not is_owner(user, card)
    )


def is_recipient(user: Any, message: ContactMessage | None) -> bool:
    """The signed-in user received this relay message."""
    return bool(
        message is not None
        and signed_in(user)
        and message.recipient_user_id is not None
        and message.recipient_user_id == user.id
    )


def card_kind(card: Card) -> str:
    """ "member" or "client": the search entity and URL kind of a card."""
    return "member" if isinstance(card, MemberProfile) else "client"


__all__ = [
    "Card",
    "can_contact",
    "can_edit",
    "can_publish",
    "can_view",
    "card_kind",
    "is_owner",
    "is_recipient",
    "is_staff",
    "may_show_contact_form",
    "visible_visibilities",
]
