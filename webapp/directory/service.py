"""Card logic shared by the views, the importer, the dashboard and the privacy hooks.

Functions here change rows and write the search outbox in the caller's transaction;
the caller commits (and, in a request, wakes the indexer afterwards). Every change
to a card bumps its version (``card.touch()``) so the index never keeps a stale copy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from sqlalchemy import select

from webapp.core.i18n import current_language
from webapp.core.models import audit, utcnow
from webapp.core.search import queue_index
from webapp.directory.models import (
    CARD_LANGUAGES,
    EXPERIENCE_LEVELS,
    VISIBILITIES,
    ClientProfile,
    ClientSector,
    MemberLanguage,
    MemberProfile,
    MemberSector,
)
from webapp.directory.permissions import Card, card_kind
from webapp.extensions import db

#: Version of the directory publication terms a publish/unpublish was made under (Art. 7 record).
POLICY_VERSION = "directory-2025-1"

HEADLINE_MAX = 160
BIO_MAX = 4000
DESCRIPTION_MAX = 4000
NAME_MAX = 120
CLIENT_NAME_MAX = 160
FUNCTION_TEXT_MAX = 120
CONTACT_PERSON_MAX = 120
WEBSITE_MAX = 300
SKILL_MAX = 40
SKILLS_MAX = 30
SECTORS_MAX = 5
EXPERIENCE_YEARS_MAX = 70

#: Languages a member may say they speak (ISO 639-1); labels come from Babel in the viewer's language.
SPOKEN_LANGUAGES = tuple(
    "nl fr de en es it pt pl ro lb sv da no fi el hu cs sk bg hr sl sr lt lv et ru uk tr ar fa he "
    "zh ja ko hi sw wa".split()
)

AVAILABILITY = ("assignments", "collaborations", "mentoring")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CardError(ValueError):
    """A value a card cannot take; the message is safe to show to the user."""


# ------------------------------------------------------------------------------- small helpers


def clean_text(value: Any, *, multiline: bool = False, max_len: int | None = None) -> str | None:
    """Trimmed text without control characters (keeps line breaks in multi-line fields); '' → None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = " ".join(text.split())
    text = _CONTROL.sub("", text).strip()
    if max_len is not None and len(text) > max_len:
        raise CardError(f"longer than {max_len} characters")
    return text or None


def normalize_website(value: Any) -> str | None:
    """Accept only absolute http(s) URLs with a host: no javascript:, data: or relative links."""
    text = clean_text(value)
    if not text:
        return None
    if len(text) > WEBSITE_MAX:
        raise CardError("website address too long")
    if "://" not in text and re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", text, re.I):
        text = "https://" + text  # "example.org" is what people type
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in text:
        raise CardError("only http:// or https:// web addresses")
    if any(c in text for c in "<>\"'\\"):
        raise CardError("not a valid web address")
    return text


def parse_skills(value: Any) -> list[str]:
    """Comma- (or semicolon-/line-) separated tags, or a list: trimmed, de-duplicated, bounded."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;\n]", str(value))
    skills: list[str] = []
    seen: set[str] = set()
    for item in items:
        tag = clean_text(item)
        if not tag:
            continue
        if len(tag) > SKILL_MAX:
            raise CardError(f"a skill is longer than {SKILL_MAX} characters: {tag[:SKILL_MAX]}…")
        key = tag.casefold()
        if key not in seen:
            seen.add(key)
            skills.append(tag)
    if len(skills) > SKILLS_MAX:
        raise CardError(f"at most {SKILLS_MAX} skills")
    return skills


# ------------------------------------------------------------------------------- taxonomy


def taxonomy():  # -> webapp.taxonomy Taxonomy
    from webapp.taxonomy import get_taxonomy

    return get_taxonomy()


def gazetteer():  # -> webapp.taxonomy Gazetteer
    from webapp.taxonomy import get_gazetteer

    return get_gazetteer()


def resolve_sectors(values: Iterable[Any]) -> list[str]:
    """Sector codes or labels (any language) → codes, in the given order; unknown ones raise."""
    tax = taxonomy()
    codes: list[str] = []
    for value in values or []:
        text = clean_text(value)
        if not text:
            continue
        code = text if text in tax.sectors else tax.resolve("sector", text)
        if code is None:
            raise CardError(f"unknown sector: {text}")
        if code not in codes:
            codes.append(code)
    if len(codes) > SECTORS_MAX:
        raise CardError(f"at most {SECTORS_MAX} sectors")
    return codes


def resolve_function(value: Any) -> tuple[str | None, str | None]:
    """A function code or free text → (code, free text); text the taxonomy does not know stays text."""
    text = clean_text(value, max_len=FUNCTION_TEXT_MAX)
    if not text:
        return None, None
    tax = taxonomy()
    if text in tax.functions:
        return text, None
    code = tax.resolve("function", text)
    if code:
        return code, None
    # A title the taxonomy does not know as a whole may still name a trade ("Sportfotograaf",
    # "Photographe d'architecture"): file the card under it and keep the member's own words.
    from webapp.taxonomy.understand import title_functions

    named = title_functions(text)
    return (named[0] if named else None), text


def taxonomy_label(kind: str, code: str | None, lang: str | None = None) -> str:
    """A sector or function label in the viewer's language; an unknown code shows as itself."""
    if not code:
        return ""
    return taxonomy().label(kind, code, lang or current_language())


def function_label(card: MemberProfile, lang: str | None = None) -> str | None:
    """What the card says the member does, in the viewer's language, plus their own words."""
    parts: list[str] = []
    if card.function_code:
        parts.append(taxonomy_label("function", card.function_code, lang))
    if card.function_text and (not parts or card.function_text.casefold() != parts[0].casefold()):
        parts.append(card.function_text)
    return " · ".join(p for p in parts if p) or None


def sector_labels(codes: Iterable[str], lang: str | None = None) -> list[str]:
    return [taxonomy_label("sector", code, lang) for code in codes]


def language_label(code: str, lang: str | None = None) -> str:
    from babel import Locale

    return Locale.parse(lang or current_language()).languages.get(code) or code


def country_label(code: str | None, lang: str | None = None) -> str:
    """A country's name in the viewer's language (CLDR); the code itself when unknown."""
    if not code:
        return ""
    from babel import Locale

    return Locale.parse(lang or current_language()).territories.get(code.upper(), code.upper())


# ------------------------------------------------------------------------------- places


@dataclass
class PlaceResolution:
    """What a typed place name became: one place, a choice to make, nothing, or unchanged."""

    status: str  # "ok" | "empty" | "ambiguous" | "unknown" | "kept"
    text: str = ""
    place: Any = None
    choices: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "empty", "kept")


#: Candidates further than this from one another are "another place with the same name".
_SAME_PLACE_KM = 15.0
#: A candidate this many times bigger than every homonym is what people mean ("Mons" is not
#: the French village of 1,500); below that, the user chooses ("Halle", "Bergen").
_DOMINANCE = 10


def _km(a: Any, b: Any) -> float:
    from webapp.taxonomy import haversine_km

    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def distinct_places(candidates: Iterable[Any]) -> list[Any]:
    """Drop near-duplicates (a city and its own district under one name) so choices are real ones;
    the first candidate always stays."""
    kept: list[Any] = []
    for place in candidates:
        if all(_km(place, other) > _SAME_PLACE_KM for other in kept):
            kept.append(place)
    return kept


def resolve_place(
    text: Any,
    *,
    lang: str | None = None,
    choice: Any = None,
    current: Card | None = None,
    max_choices: int = 6,
) -> PlaceResolution:
    """Turn what the user typed into one gazetteer place, or say why not.

    "Gand", "Gent" and "Ghent" resolve alike. A name shared by places in different
    countries or regions (Bergen, Halle) is ambiguous: the user picks, the first
    offered being the gazetteer's best guess (Belgium first). ``choice`` is the id the
    user picked; ``current`` keeps a card's place when its name was left as it was.
    """
    name = clean_text(text, max_len=120) or ""
    if not name:
        return PlaceResolution("empty")
    gaz = gazetteer()
    if current is not None and current.place_id and current.place_name:
        shown = {current.place_name.casefold()}
        place = gaz.get(current.place_id)
        if place is not None:
            shown.add(gaz.label(place, lang or current_language()).casefold())
        if name.casefold() in shown and not choice:
            return PlaceResolution("kept", name, place)
    candidates = list(gaz.resolve(name, lang=lang or current_language()))
    if choice not in (None, ""):
        try:
            choice_id = int(choice)
        except (TypeError, ValueError):
            choice_id = None
        for place in candidates:
            if place.id == choice_id:
                return PlaceResolution("ok", name, place)
    if not candidates:
        return PlaceResolution("unknown", name)
    named = [p for p in candidates if gaz.is_own_name(p, name)]
    distinct = distinct_places(named or candidates)
    top = distinct[0]
    if len(distinct) == 1 or all(p.population * _DOMINANCE <= top.population for p in distinct[1:]):
        return PlaceResolution("ok", name, top)
    return PlaceResolution("ambiguous", name, None, distinct[:max_choices])


def place_from_coordinates(
    lat: float, lon: float, *, name: str | None = None, country: str | None = None, max_km: float = 30.0
) -> Any:
    """The known place for a point: the one of that name (and country) nearest to it, or, without a
    name, the gazetteer's nearest sizeable place; None when nothing lies within ``max_km``."""
    gaz = gazetteer()
    if not name:
        place = gaz.nearest(lat, lon, max_km=max_km)
        return place if place is not None and (not country or place.country == country) else None

    class _Point:
        pass

    point = _Point()
    point.lat, point.lon = lat, lon  # type: ignore[attr-defined]
    best, best_km = None, max_km
    for place in gaz.resolve(name, country=country):
        km = _km(point, place)
        if km <= best_km:
            best, best_km = place, km
    return best


def place_values(place: Any) -> dict[str, Any]:
    """The card columns a gazetteer place fills."""
    if place is None:
        return {
            "place_id": None,
            "place_name": None,
            "country": None,
            "region": None,
            "lat": None,
            "lon": None,
        }
    return {
        "place_id": int(place.id),
        "place_name": place.name,
        "country": place.country,
        "region": place.region or None,
        "lat": float(place.lat),
        "lon": float(place.lon),
    }


def place_name_label(card: Card, lang: str | None = None) -> str | None:
    """The card's place name in the viewer's language ("Gand" for a French reader)."""
    if not card.place_name:
        return None
    if card.place_id:
        gaz = gazetteer()
        place = gaz.get(card.place_id)
        if place is not None:  # else the place left the gazetteer: the stored name still does
            return gaz.label(place, lang or current_language())
    return card.place_name


def place_label(card: Card, lang: str | None = None) -> str | None:
    """The card's place in the viewer's language, with its country ("Gand, Belgique")."""
    name = place_name_label(card, lang)
    if name is None:
        return None
    country = country_label(card.country, lang)
    return f"{name}, {country}" if country else name


# ------------------------------------------------------------------------------- reading cards


def member_card_of(user: Any) -> MemberProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(MemberProfile).where(MemberProfile.user_id == user.id))


def client_card_of(user: Any) -> ClientProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(ClientProfile).where(ClientProfile.user_id == user.id))


def own_card(user: Any) -> Card | None:
    """The card that goes with the account type: a member card for members, a client card for clients."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return member_card_of(user) if user.is_member else client_card_of(user)


def get_card(kind: str, profile_id: int) -> Card | None:
    model = {"member": MemberProfile, "client": ClientProfile}.get(kind)
    return db.session.get(model, profile_id) if model else None


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

MEMBER_FIELDS = tuple(
    """display_name function_code function_text headline bio skills experience_years experience_level
    email_public open_to_assignments open_to_collaborations open_to_mentoring website card_language
    accepts_contact contact_email external_id place_id place_name country region lat lon""".split()
)
CLIENT_FIELDS = tuple(
    """name description contact_person website card_language accepts_contact contact_email external_id
    place_id place_name country region lat lon""".split()
)


def _set_links(
    card: Card, link_cls: type, attr: str, value_attr: str, values: list[str], ordered: bool
) -> bool:
    """Update a card's sector/language links in place; True when anything changed."""
    links = getattr(card, attr)
    current = [getattr(link, value_attr) for link in links]
    if current == values or (not ordered and sorted(current) == sorted(values)):
        return False
    wanted = set(values)
    for link in list(links):
        if getattr(link, value_attr) not in wanted:
            links.remove(link)
    present = {getattr(link, value_attr): link for link in links}
    for position, value in enumerate(values):
        link = present.get(value)
        if link is None:
            kwargs = {value_attr: value}
            if ordered:
                kwargs["position"] = position
            links.append(link_cls(**kwargs))
        elif ordered:
            link.position = position
    if ordered:
        links.sort(key=lambda link: link.position)
    return True


def apply_values(card: Card, values: dict[str, Any]) -> bool:
    """Set the given columns (and "sectors"/"languages" lists); True when anything changed.

    Only names in MEMBER_FIELDS/CLIENT_FIELDS are accepted, so a form or an import record
    can never set user_id, visibility or version through here.
    """
    allowed = MEMBER_FIELDS if isinstance(card, MemberProfile) else CLIENT_FIELDS
    changed = False
    for key, value in values.items():
        if key == "sectors":
            link_cls = MemberSector if isinstance(card, MemberProfile) else ClientSector
            changed |= _set_links(card, link_cls, "sector_links", "sector_code", list(value), ordered=True)
            continue
        if key == "languages":
            if not isinstance(card, MemberProfile):
                raise KeyError(key)
            changed |= _set_links(
                card, MemberLanguage, "language_links", "language", list(value), ordered=False
            )
            continue
        if key not in allowed:
            raise KeyError(key)
        if key == "skills":
            value = list(value or [])
        if getattr(card, key) != value:
            setattr(card, key, value)
            changed = True
    return changed


def mark_changed(card: Card) -> None:
    """Bump the version and tell the index, in the caller's transaction."""
    card.touch()
    db.session.flush()
    queue_index(card_kind(card), card.id)


def create_member_card(user: Any, values: dict[str, Any]) -> MemberProfile:
    """A new member card is a draft: visible to its owner only until they publish it."""
    if user is not None and not getattr(user, "is_member", False):
        raise CardError("only members have member cards")
    card = MemberProfile(
        user_id=user.id if user is not None else None,
        display_name=values.get("display_name") or "",
        visibility="draft",
        version=1,
        skills=[],
    )
    db.session.add(card)
    apply_values(card, values)
    db.session.flush()
    queue_index("member", card.id)
    return card


def create_client_card(user: Any, values: dict[str, Any]) -> ClientProfile:
    if user is not None and not getattr(user, "is_client", False):
        raise CardError("only clients have client cards")
    card = ClientProfile(
        user_id=user.id if user is not None else None,
        name=values.get("name") or "",
        visibility="draft",
        version=1,
    )
    db.session.add(card)
    apply_values(card, values)
    db.session.flush()
    queue_index("client", card.id)
    return card


def save_card(kind: str, user: Any, card: Card | None, values: dict[str, Any]) -> tuple[Card, bool]:
    """Create the user's card (a draft) or update the given one; (card, created). The caller commits."""
    if card is not None:
        update_card(card, values)
        return card, False
    create = create_member_card if kind == "member" else create_client_card
    return create(user, values), True


def update_card(card: Card, values: dict[str, Any]) -> bool:
    """Apply changes; bumps the version and queues an index update only when something changed."""
    changed = apply_values(card, values)
    if changed:
        mark_changed(card)
    return changed


def policy_version() -> str:
    return (
        current_app.config.get("DIRECTORY_POLICY_VERSION", POLICY_VERSION)
        if has_app_context()
        else POLICY_VERSION
    )


def set_visibility(
    card: Card, visibility: str, *, actor_id: int | None, via: str = "web", touch: bool = True
) -> bool:
    """Publish to "community" or "public", or back to "draft"; audit-logged with the policy version.

    Unpublishing takes effect everywhere at once: pages and the API check visibility on
    every read, and the outbox row makes the indexer drop the card from search.
    ``touch=False`` is for a caller that bumps the version and queues the index itself.
    """
    if visibility not in VISIBILITIES:
        raise CardError("unknown visibility")
    previous = card.visibility
    if previous == visibility:
        return False
    card.visibility = visibility
    if visibility == "draft":
        card.published_at = None
    elif previous == "draft" or card.published_at is None:
        card.published_at = utcnow()
    if touch:
        mark_changed(card)
    audit(
        "directory.unpublish" if visibility == "draft" else "directory.publish",
        actor_id=actor_id,
        subject_user_id=card.user_id,
        kind=card_kind(card),
        profile_id=card.id,
        visibility=visibility,
        previous=previous,
        policy_version=policy_version(),
        via=via,
    )
    return True


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


def member_values_from_form(form: Any, place: PlaceResolution) -> dict[str, Any]:
    """Only the declared fields: extra POST keys (user_id, visibility, role) are never read."""
    availability_set = set(form.availability.data or [])
    values: dict[str, Any] = {
        "display_name": clean_text(form.display_name.data, max_len=NAME_MAX),
        "function_code": form.function_code.data or None,
        "function_text": clean_text(form.function_text.data, max_len=FUNCTION_TEXT_MAX),
        "sectors": list(form.sectors.data or []),
        "experience_years": form.experience_years.data,
        "experience_level": form.experience_level.data or None,
        "headline": clean_text(form.headline.data, max_len=HEADLINE_MAX),
        "bio": clean_text(form.bio.data, multiline=True, max_len=BIO_MAX),
        "skills": parse_skills(form.skills.data),
        "languages": [code for code in SPOKEN_LANGUAGES if code in set(form.languages.data or [])],
        "website": normalize_website(form.website.data),
        "email_public": bool(form.email_public.data),
        "open_to_assignments": "assignments" in availability_set,
        "open_to_collaborations": "collaborations" in availability_set,
        "open_to_mentoring": "mentoring" in availability_set,
        "card_language": form.card_language.data if form.card_language.data in CARD_LANGUAGES else None,
        "accepts_contact": bool(form.accepts_contact.data),
    }
    if values["experience_level"] not in (None, *EXPERIENCE_LEVELS):
        values["experience_level"] = None
    if place.status in ("ok", "empty"):
        values.update(place_values(place.place))
    return values


def client_values_from_form(form: Any, place: PlaceResolution) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": clean_text(form.name.data, max_len=CLIENT_NAME_MAX),
        "sectors": list(form.sectors.data or []),
        "website": normalize_website(form.website.data),
        "description": clean_text(form.description.data, multiline=True, max_len=DESCRIPTION_MAX),
        "contact_person": clean_text(form.contact_person.data, max_len=CONTACT_PERSON_MAX),
        "card_language": form.card_language.data if form.card_language.data in CARD_LANGUAGES else None,
        "accepts_contact": bool(form.accepts_contact.data),
    }
    if place.status in ("ok", "empty"):
        values.update(place_values(place.place))
    return values


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
    "CardError",
    "POLICY_VERSION",
    "PlaceResolution",
    "SPOKEN_LANGUAGES",
    "apply_values",
    "availability",
    "card_summary",
    "clean_text",
    "client_card_of",
    "client_values_from_form",
    "create_client_card",
    "create_member_card",
    "country_label",
    "delete_card",
    "delivery_address",
    "distinct_places",
    "function_label",
    "get_card",
    "language_label",
    "mark_changed",
    "member_card_of",
    "member_values_from_form",
    "normalize_website",
    "own_card",
    "parse_skills",
    "place_from_coordinates",
    "place_label",
    "place_name_label",
    "place_values",
    "public_email",
    "resolve_function",
    "save_card",
    "resolve_place",
    "resolve_sectors",
    "sector_labels",
    "set_photo",
    "set_visibility",
    "taxonomy_label",
    "update_card",
]
