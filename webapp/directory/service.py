"""Card logic shared by the views, the importer, the dashboard and the privacy hooks.

Functions here change rows and write the search outbox in the caller's transaction;
the caller commits (and, in a request, wakes the indexer afterwards). Every change
to a card bumps its version (``mark_changed``) so the index never keeps a stale copy.
Text cleaning, places, sectors, labels and publishing are platform vocabulary
(``webapp.core`` and ``webapp.taxonomy``); what is here is what only cards have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import select

from webapp.core import publishing
from webapp.core.i18n import current_language
from webapp.core.legal import POLICY_VERSION, current_policy_version
from webapp.core.models import audit, set_links
from webapp.core.places import PlaceResolution, place_values
from webapp.core.publishing import mark_changed
from webapp.core.search import queue_index
from webapp.core.text import InputError, clean_text, normalize_website, parse_tags
from webapp.core.vocabulary import CONTENT_LANGUAGES, FUNCTION_TEXT_MAX, SPOKEN_LANGUAGES
from webapp.directory.models import (
    EXPERIENCE_LEVELS,
    ClientProfile,
    ClientSector,
    MemberLanguage,
    MemberProfile,
    MemberSector,
)
from webapp.directory.permissions import Card, card_kind
from webapp.extensions import db
from webapp.taxonomy.labels import language_label, place_label, sector_labels, taxonomy_label

#: Version of the directory publication terms a publish/unpublish was made under (Art. 7 record).

HEADLINE_MAX = 160
BIO_MAX = 4000
DESCRIPTION_MAX = 4000
NAME_MAX = 120
CLIENT_NAME_MAX = 160
CONTACT_PERSON_MAX = 120
SKILL_MAX = 40
SKILLS_MAX = 30
EXPERIENCE_YEARS_MAX = 70

AVAILABILITY = ("assignments", "collaborations", "mentoring")


def parse_skills(value: Any) -> list[str]:
    """A member's skills: comma-separated tags (or a list), trimmed, de-duplicated, bounded."""
    return parse_tags(value, max_len=SKILL_MAX, max_count=SKILLS_MAX, what="skill")


def function_label(card: MemberProfile, lang: str | None = None) -> str | None:
    """What the card says the member does, in the viewer's language, plus their own words."""
    parts: list[str] = []
    if card.function_code:
        parts.append(taxonomy_label("function", card.function_code, lang))
    if card.function_text and (not parts or card.function_text.casefold() != parts[0].casefold()):
        parts.append(card.function_text)
    return " · ".join(p for p in parts if p) or None


# ------------------------------------------------------------------------------- reading cards


def _card_of(model: type, user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(model).where(model.user_id == user.id))


def member_card_of(user: Any) -> MemberProfile | None:
    return _card_of(MemberProfile, user)


def client_card_of(user: Any) -> ClientProfile | None:
    return _card_of(ClientProfile, user)


def own_card(user: Any) -> Card | None:
    """The card that goes with the account type: a member card for members, a client card for clients."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return member_card_of(user) if user.is_member else client_card_of(user)


def get_card(kind: str, profile_id: int) -> Card | None:
    kind_spec = KINDS.get(kind)
    return db.session.get(kind_spec.model, profile_id) if kind_spec else None


def public_email(card: Card) -> str | None:
    """The address shown on a card: only when its owner opted in (members only)."""
    if not isinstance(card, MemberProfile) or not card.email_public:
        return None
    if card.user is not None:
        return card.user.email
    return card.contact_email


def delivery_address(card: Card) -> str | None:
    """Where relay mail for this card goes: the owner's account address, else the private contact address."""
    if card.user_id is not None and card.user is not None:
        return card.user.email
    return card.contact_email


def availability(card: MemberProfile) -> list[str]:
    return [
        key
        for key, on in (
            ("assignments", card.open_to_assignments),
            ("collaborations", card.open_to_collaborations),
            ("mentoring", card.open_to_mentoring),
        )
        if on
    ]


# ------------------------------------------------------------------------------- writing cards

_PLACE_FIELDS = "place_id place_name country region lat lon"
_CARD_FIELDS = f"website card_language accepts_contact contact_email external_id {_PLACE_FIELDS}"


@dataclass(frozen=True)
class CardKind:
    """What differs between member and client cards when they are created and changed."""

    model: type
    sector_model: type
    #: The account type whose users own such cards.
    account_type: str
    #: The column holding the card's name.
    name_field: str
    #: Columns a form or an import may set (never user_id, visibility or version).
    fields: tuple[str, ...]
    defaults: Callable[[], dict[str, Any]]


KINDS: dict[str, CardKind] = {
    "member": CardKind(
        model=MemberProfile,
        sector_model=MemberSector,
        account_type="member",
        name_field="display_name",
        fields=tuple(
            f"""display_name function_code function_text headline bio skills experience_years
            experience_level email_public open_to_assignments open_to_collaborations open_to_mentoring
            {_CARD_FIELDS}""".split()
        ),
        defaults=lambda: {"skills": []},
    ),
    "client": CardKind(
        model=ClientProfile,
        sector_model=ClientSector,
        account_type="client",
        name_field="name",
        fields=tuple(f"name description contact_person {_CARD_FIELDS}".split()),
        defaults=dict,
    ),
}


def apply_values(card: Card, values: dict[str, Any]) -> bool:
    """Set the given columns (and "sectors"/"languages" lists); True when anything changed.

    Only names in the kind's ``fields`` are accepted, so a form or an import record can never
    set user_id, visibility or version through here.
    """
    kind = KINDS[card_kind(card)]
    changed = False
    for key, value in values.items():
        if key == "sectors":
            changed |= set_links(
                card.sector_links, kind.sector_model, "sector_code", list(value), ordered=True
            )
            continue
        if key == "languages":
            if not isinstance(card, MemberProfile):
                raise KeyError(key)
            changed |= set_links(card.language_links, MemberLanguage, "language", list(value), ordered=False)
            continue
        if key not in kind.fields:
            raise KeyError(key)
        if key == "skills":
            value = list(value or [])
        if getattr(card, key) != value:
            setattr(card, key, value)
            changed = True
    return changed


def create_card(kind: str, user: Any, values: dict[str, Any]) -> Card:
    """A new card is a draft: visible to its owner only until they publish it.

    ``user`` None creates a card without an account (an import's); otherwise the account type
    must match the kind (members have member cards, clients client cards).
    """
    spec = KINDS[kind]
    if user is not None and getattr(user, "account_type", None) != spec.account_type:
        raise InputError(f"only {spec.account_type}s have {kind} cards")
    card = spec.model(
        user_id=user.id if user is not None else None,
        visibility="draft",
        version=1,
        **{spec.name_field: values.get(spec.name_field) or ""},
        **spec.defaults(),
    )
    db.session.add(card)
    apply_values(card, values)
    db.session.flush()
    queue_index(kind, card.id)
    return card


def save_card(kind: str, user: Any, card: Card | None, values: dict[str, Any]) -> tuple[Card, bool]:
    """Create the user's card (a draft) or update the given one; (card, created). The caller commits."""
    if card is not None:
        update_card(card, values)
        return card, False
    return create_card(kind, user, values), True


def update_card(card: Card, values: dict[str, Any]) -> bool:
    """Apply changes; bumps the version and queues an index update only when something changed."""
    changed = apply_values(card, values)
    if changed:
        mark_changed(card)
    return changed


def policy_version() -> str:
    """The platform's terms and privacy notice in force (webapp.core.legal: one version to bump)."""
    return current_policy_version()


def set_visibility(
    card: Card, visibility: str, *, actor_id: int | None, via: str = "web", touch: bool = True
) -> bool:
    """Publish a card to "community" or "public", or back to "draft" (webapp.core.publishing)."""
    try:
        return publishing.set_visibility(
            card,
            visibility,
            actor_id=actor_id,
            action="directory",
            policy=policy_version(),
            via=via,
            touch=touch,
            kind=card_kind(card),
            profile_id=card.id,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def set_photo(card: MemberProfile, filename: str | None) -> str | None:
    """Point the card at a new stored photo (or none); returns the old file name for the caller to delete
    after the commit."""
    old = card.photo_filename
    if old == filename:
        return None
    card.photo_filename = filename
    mark_changed(card)
    return old


def delete_card(card: Card, *, actor_id: int | None, reason: str = "owner") -> str | None:
    """Remove a card and tell the index to drop it; returns the photo file to delete after commit."""
    kind = card_kind(card)
    photo = getattr(card, "photo_filename", None)
    queue_index(kind, card.id, "delete")
    audit(
        "directory.delete",
        actor_id=actor_id,
        subject_user_id=card.user_id,
        kind=kind,
        profile_id=card.id,
        reason=reason,
        policy_version=policy_version(),
    )
    db.session.delete(card)
    db.session.flush()
    return photo


# ------------------------------------------------------------------------------- form data → values


def _card_values(form: Any, place: PlaceResolution) -> dict[str, Any]:
    """What both card forms have; only declared fields are read (extra POST keys never are)."""
    values: dict[str, Any] = {
        "sectors": list(form.sectors.data or []),
        "website": normalize_website(form.website.data),
        "card_language": form.card_language.data if form.card_language.data in CONTENT_LANGUAGES else None,
        "accepts_contact": bool(form.accepts_contact.data),
    }
    if place.status in ("ok", "empty"):
        values.update(place_values(place.place))
    return values


def member_values_from_form(form: Any, place: PlaceResolution) -> dict[str, Any]:
    """Only the declared fields: extra POST keys (user_id, visibility, role) are never read."""
    availability_set = set(form.availability.data or [])
    values: dict[str, Any] = {
        "display_name": clean_text(form.display_name.data, max_len=NAME_MAX),
        "function_code": form.function_code.data or None,
        "function_text": clean_text(form.function_text.data, max_len=FUNCTION_TEXT_MAX),
        "experience_years": form.experience_years.data,
        "experience_level": form.experience_level.data or None,
        "headline": clean_text(form.headline.data, max_len=HEADLINE_MAX),
        "bio": clean_text(form.bio.data, multiline=True, max_len=BIO_MAX),
        "skills": parse_skills(form.skills.data),
        "languages": [code for code in SPOKEN_LANGUAGES if code in set(form.languages.data or [])],
        "email_public": bool(form.email_public.data),
        "open_to_assignments": "assignments" in availability_set,
        "open_to_collaborations": "collaborations" in availability_set,
        "open_to_mentoring": "mentoring" in availability_set,
        **_card_values(form, place),
    }
    if values["experience_level"] not in (None, *EXPERIENCE_LEVELS):
        values["experience_level"] = None
    return values


def client_values_from_form(form: Any, place: PlaceResolution) -> dict[str, Any]:
    return {
        "name": clean_text(form.name.data, max_len=CLIENT_NAME_MAX),
        "description": clean_text(form.description.data, multiline=True, max_len=DESCRIPTION_MAX),
        "contact_person": clean_text(form.contact_person.data, max_len=CONTACT_PERSON_MAX),
        **_card_values(form, place),
    }


def card_summary(card: Card, lang: str | None = None) -> dict[str, Any]:
    """What the card page and the dashboard show, computed once (labels in the viewer's language)."""
    lang = lang or current_language()
    data: dict[str, Any] = {
        "kind": card_kind(card),
        "place": place_label(card, lang),
        "sectors": sector_labels(card.sectors, lang),
    }
    if isinstance(card, MemberProfile):
        data.update(
            {
                "function": function_label(card, lang),
                "languages": [language_label(code, lang) for code in card.languages],
                "availability": availability(card),
                "email": public_email(card),
            }
        )
    return data


__all__ = [
    "AVAILABILITY",
    "KINDS",
    "POLICY_VERSION",
    "apply_values",
    "availability",
    "card_summary",
    "client_card_of",
    "client_values_from_form",
    "create_card",
    "delete_card",
    "delivery_address",
    "function_label",
    "get_card",
    "mark_changed",
    "member_card_of",
    "member_values_from_form",
    "own_card",
    "parse_skills",
    "public_email",
    "save_card",
    "set_photo",
    "set_visibility",
    "update_card",
]
