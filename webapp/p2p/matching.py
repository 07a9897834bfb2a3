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


def _matches(listing: Listing, viewer: Any) -> tuple[list[Result], str]:
    if listing.status != "active":
        return [], ""
    try:
        page = run("listing", match_params(listing), viewer)
    except ParamError:
        return [], ""
    return [r for r in page.results if r.id != listing.id][:MATCHES_SHOWN], page.text


def matches_for(listing: Listing, viewer: Any) -> list[Result]:
    """Best fitting listings of the other side this viewer may see (never the listing itself)."""
    return _matches(listing, viewer)[0]


def why_texts(result: Result, query_text: str) -> dict[str, str]:
    """A match's why line in every site language, from the search's own explanations: a notice is
    queued while the requester's language is current, its mail goes out in the recipient's."""
    from flask import current_app
    from flask_babel import force_locale

    from webapp.core.search import entities
    from webapp.core.search.explain import explain

    if result.hit is None:
        return {}
    tags = entities()["listing"].page.tags(result.row)
    texts = {}
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            texts[lang] = " · ".join(explain(result.hit, lang, tags, query_text))[:300]
    return texts


# --- the daily "wanted" digest ------------------------------------------------------------------

#: Never more than this many requests in one member's digest; one digest a day at most.
DIGEST_MAX = 5


def queue_notices(request: Listing, viewer: Any) -> int:
    """A request went active: the owners of the offers that fit it get a notice for their next digest
    (once per member and request; never the requester). ``viewer`` is the requester, whose view of
    the board (community listings included) the matching search uses. The caller commits."""
    from sqlalchemy import select

    from webapp.accounts.models import User
    from webapp.core.mail import mail_language
    from webapp.extensions import db
    from webapp.p2p.models import BoardNotice

    if request.type != "request" or request.status != "active":
        return 0
    queued = 0
    results, query_text = _matches(request, viewer)
    for result in results:
        owner_id = result.row.user_id
        if owner_id is None or owner_id == request.user_id:
            continue
        exists = db.session.scalar(
            select(BoardNotice.id).where(
                BoardNotice.user_id == owner_id, BoardNotice.listing_id == request.id
            )
        )
        if exists is None:
            texts = why_texts(result, query_text)
            owner = db.session.get(User, owner_id)
            why = texts.get(mail_language(owner.locale if owner else None)) or " · ".join(result.why)[:300]
            db.session.add(BoardNotice(user_id=owner_id, listing_id=request.id, why=why, why_texts=texts))
            queued += 1
    return queued


def wants_digest(user_id: int) -> bool:
    from webapp.extensions import db
    from webapp.p2p.models import BoardPreference

    preference = db.session.get(BoardPreference, user_id)
    return preference is None or preference.digest


def set_digest(user_id: int, wanted: bool) -> None:
    from webapp.extensions import db
    from webapp.p2p.models import BoardPreference

    preference = db.session.get(BoardPreference, user_id)
    if preference is None:
        preference = BoardPreference(user_id=user_id)
        db.session.add(preference)
    preference.digest = wanted


def send_digests(today: Any = None) -> int:
    """One mail a day per member with waiting notices (at most DIGEST_MAX requests, still active and
    published; the rest wait for the next day); members who opted out get nothing and their
    notices are dropped. Returns the number of mails queued; commits."""
    from datetime import date

    from sqlalchemy import select

    from webapp.accounts.models import User
    from webapp.core.mail import external_url, mail_language, send_template
    from webapp.core.models import utcnow
    from webapp.extensions import db
    from webapp.p2p.models import BoardNotice, BoardPreference

    today = today or date.today()
    now = utcnow()
    pending = list(
        db.session.scalars(select(BoardNotice).where(BoardNotice.sent_at.is_(None)).order_by(BoardNotice.id))
    )
    by_user: dict[int, list[BoardNotice]] = {}
    for notice in pending:
        by_user.setdefault(notice.user_id, []).append(notice)
    mails = 0
    for user_id, notices in by_user.items():
        user = db.session.get(User, user_id)
        preference = db.session.get(BoardPreference, user_id)
        if user is None or (preference is not None and not preference.digest):
            for notice in notices:
                notice.sent_at = now
            continue
        if preference is not None and preference.last_digest_on == today:
            continue  # already had today's digest
        items = []
        for notice in notices:
            listing = db.session.get(Listing, notice.listing_id)
            if listing is None or listing.visibility == "draft":
                notice.sent_at = now  # gone or no longer shown: nothing to tell
                continue
            if len(items) < DIGEST_MAX:
                items.append(
                    {
                        "title": listing.title,
                        # The recipient's language as it is now (they may have changed it).
                        "why": (notice.why_texts or {}).get(mail_language(user.locale)) or notice.why,
                        "url": external_url("p2p.listing", listing_id=listing.id),
                    }
                )
                notice.sent_at = now
        if not items:
            continue
        send_template(
            user.email,
            "p2p/mail/digest.txt",
            lang=user.locale,
            kind="p2p",
            user_id=user.id,
            items=items,
            settings_url=external_url("p2p.mine"),
        )
        if preference is None:
            preference = BoardPreference(user_id=user_id)
            db.session.add(preference)
        preference.last_digest_on = today
        mails += 1
    db.session.commit()
    return mails
