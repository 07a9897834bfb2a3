"""Deny by default and one authorization matrix (CHECKLIST 11, 12, 13, 18).

* ``test_anonymous_walk_*``: every rule in ``app.url_map`` is requested anonymously with its
  URL parameters filled from real rows (draft, community and public cards, other users'
  messages, blocks, reports); only the routes listed in ``PUBLIC_GET`` may answer 200, and
  only for public objects. A new route is walked automatically.
* ``test_matrix``: roles (anonymous, member, client, staff, admin, owner) × routes × methods,
  with the expected outcome written down here. ``test_every_rule_is_in_the_matrix`` fails
  when a rule of ``app.url_map`` has no entry (or an entry points at a rule that is gone),
  so a new route cannot ship without a decision about who may use it.
* Requests that must be refused (404, 405, 400, 403, sign-in redirect) are checked to change
  nothing: every table (except rate-limit counters) and the photo folder are compared.
* CHECKLIST 18: GET on every POST-only rule answers 405 to every role (cases generated from
  the url map) and in the anonymous walk; ``test_post_without_csrf_token_is_400`` posts every
  form without its token.

On PostgreSQL (``make test``'s second run) ``test_matrix`` and the CSRF test take a representative
subset (``representative``): every rule × method with every role and every case at least once,
not every combination a second time; SQLite runs the full matrix.

Everything runs against one app per module; after a request that was allowed to change the
world, its database and photo folder are restored from a copy, which keeps the ~1,450 cases at
about a minute of the test process's CPU time.
"""

from __future__ import annotations

import io
import itertools
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import DATABASES, IsolatedClient, app_settings, csrf_token, sign_in
from tests.factories import client_card, image_bytes, make_user, member_card

ROLES = ("anonymous", "member", "client", "staff", "admin", "owner")
SIGNED_IN = ROLES[1:]
SIGNIN = "/signin"


# ----------------------------------------------------------------------------------- the world


@dataclass
class World:
    """Real rows: one user per role plus the owners of the objects the URLs point at."""

    app: Any
    data_dir: Path
    #: user key → Flask-Login id ("<id>:<session token>").
    login_ids: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    P: int = 0  # member card, public (owner u_pub), with photo
    C: int = 0  # member card, community (owner u_com), with photo
    D: int = 0  # member card, draft (owner u_draft), with photo
    KP: int = 0  # client card, public (owner u_cpub)
    KD: int = 0  # client card, draft (owner u_cdraft)
    photo_P: str = ""
    photo_C: str = ""
    photo_D: str = ""
    message: int = 0  # "member" wrote to P; u_pub received it
    block: int = 0  # u_pub blocked "member"
    report: int = 0  # u_pub reported the message
    report_token: str = ""
    EP: int = 0  # event, public, weekly (organiser u_pub); "u_com" going, "client" waiting
    EC: int = 0  # event, community (organiser u_com)
    ED: int = 0  # event, draft (organiser u_draft)
    waiting: int = 0  # the waiting RSVP on EP
    GP: int = 0  # sector group, public
    GD: int = 0  # sector group, draft
    missing: int = 987654
    L_P: int = 0  # board listing, active public offer (owner u_pub)
    L_C: int = 0  # board listing, active community offer (owner u_com)
    L_D: int = 0  # board listing, draft (owner u_draft)
    B: int = 0  # booking of L_P requested by "member" (owner u_pub)
    B_ACC: int = 0  # booking of L_P accepted ("member" borrows)
    B_RET: int = 0  # booking of L_P returned ("member" borrowed): reviewable
    LPH_P: str = ""  # a photo of L_P (file name)
    LPH_C: str = ""  # a photo of L_C
    LPH_D: str = ""  # a photo of L_D
    LPH_P_ID: int = 0  # the photo row of LPH_P
    LPH_D_ID: int = 0  # the photo row of LPH_D

    def close(self) -> None:
        from webapp.core.search import close_service
        from webapp.extensions import db

        with self.app.app_context():
            close_service(self.app)
            db.session.remove()
            db.engine.dispose()


def build_world(data_dir: Path) -> World:
    """A fresh app on a fresh DATA_DIR, with the rows every URL of the matrix needs."""
    from webapp import create_app
    from webapp.directory import photos, relay, service
    from webapp.extensions import db

    app = create_app(app_settings(data_dir, SECRET_KEY="matrix-secret"))
    app.test_client_class = IsolatedClient
    world = World(app=app, data_dir=data_dir)
    with app.app_context():
        users = {
            key: make_user(f"{key.replace('_', '-')}@matrix.example", account_type=kind, role=role)
            for key, kind, role in (
                ("member", "member", "user"),
                ("client", "client", "user"),
                ("staff", "member", "staff"),
                ("admin", "member", "admin"),
                ("u_pub", "member", "user"),
                ("u_com", "member", "user"),
                ("u_draft", "member", "user"),
                ("u_cpub", "client", "user"),
                ("u_cdraft", "client", "user"),
            )
        }
        cards = {}
        for key, visibility in (("u_pub", "public"), ("u_com", "community"), ("u_draft", "draft")):
            card = member_card(
                users[key],
                visibility=visibility,
                commit=False,
                display_name=f"Card of {key}",
                headline=f"Headline of {key}",
            )
            service.set_photo(card, photos.store_photo(io.BytesIO(image_bytes("PNG", (32, 24)))))
            cards[key] = card
        for key, visibility in (("u_cpub", "public"), ("u_cdraft", "draft")):
            cards[key] = client_card(
                users[key], visibility=visibility, commit=False, name=f"Organisation of {key}"
            )
        db.session.commit()
        message = relay.send_message(
            users["member"], cards["u_pub"], "Hello", "Hello there, a first message."
        )
        db.session.flush()
        block = relay.block_sender(users["u_pub"], message)
        report = relay.report_message(message, reporter_id=users["u_pub"].id, reason="Unwanted")
        db.session.commit()
        world.login_ids = {k: u.get_id() for k, u in users.items()}
        world.user_ids = {k: u.id for k, u in users.items()}
        world.P, world.C, world.D = cards["u_pub"].id, cards["u_com"].id, cards["u_draft"].id
        world.KP, world.KD = cards["u_cpub"].id, cards["u_cdraft"].id
        world.photo_P = cards["u_pub"].photo_filename
        world.photo_C = cards["u_com"].photo_filename
        world.photo_D = cards["u_draft"].photo_filename
        world.message, world.block, world.report = message.id, block.id, report.id
        world.report_token = relay.report_token(message)
        _board_world(world, users)
        _build_events(world, users)
        db.session.remove()
    return world


def _board_world(world: World, users: dict[str, Any]) -> None:
    """The board's rows: listings of every visibility and bookings in three states."""
    from tests.p2p.helpers import make_listing, soon
    from webapp.extensions import db
    from webapp.p2p import service

    world.L_P = make_listing(users["u_pub"], title="Public PA system").id
    world.L_C = make_listing(
        users["u_com"], title="Community desk", kind="workspace", audience="community"
    ).id
    world.L_D = make_listing(users["u_draft"], title="Draft camera", status="draft").id
    listing = db.session.get(service.Listing, world.L_P)
    booking = service.request_booking(listing, users["member"], soon(3), soon(4))
    accepted = service.request_booking(listing, users["member"], soon(30), soon(31))
    returned = service.request_booking(listing, users["member"], soon(40), soon(41))
    db.session.commit()
    service.accept_booking(accepted.id, actor_id=users["u_pub"].id)
    service.accept_booking(returned.id, actor_id=users["u_pub"].id)
    returned = db.session.get(service.Booking, returned.id)
    service.change_booking(returned, "handover", actor_id=users["u_pub"].id)
    service.change_booking(returned, "return", actor_id=users["u_pub"].id)
    db.session.commit()
    world.B, world.B_ACC, world.B_RET = booking.id, accepted.id, returned.id
    _board_photos(world)


class RewindingUpload(io.BytesIO):
    """A file part a matrix case sends once per role: the test client closes the files it sent,
    which rewinds this one instead, so every role sends the same bytes."""

    def close(self) -> None:
        self.seek(0)


def _board_photos(world: World) -> None:
    """One photo on each board listing (the platform's upload rules, the board's folder)."""
    from webapp.core import photos
    from webapp.extensions import db
    from webapp.p2p import service
    from webapp.p2p.models import PHOTO_FOLDER

    made = {}
    for key in ("L_P", "L_C", "L_D"):
        listing = db.session.get(service.Listing, getattr(world, key))
        name = photos.store_photo(io.BytesIO(image_bytes("PNG", (32, 24))), PHOTO_FOLDER)
        made[key] = service.add_photo(listing, name)
    db.session.commit()
    world.LPH_P, world.LPH_C, world.LPH_D = (made[k].filename for k in ("L_P", "L_C", "L_D"))
    world.LPH_P_ID, world.LPH_D_ID = made["L_P"].id, made["L_D"].id


#: The world's events start here (a fixed local time, so a form can name an occurrence).
EVENT_START = "2030-03-07T19:00"


def _build_events(world: World, users: dict[str, Any]) -> None:
    """Events of every visibility, a full one with a waiting list, and two groups."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from webapp.events import service as events
    from webapp.events.models import EventGroup, GroupMember
    from webapp.extensions import db

    start = datetime.fromisoformat(EVENT_START).replace(tzinfo=ZoneInfo("Europe/Brussels"))
    made = {}
    for key, visibility in (("u_pub", "public"), ("u_com", "community"), ("u_draft", "draft")):
        data = events.EventData(
            texts=[("en", f"Event of {key}", "A meetup.")],
            category="networking",
            languages=["en"],
            sectors=[],
            timezone="Europe/Brussels",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            rrule="FREQ=WEEKLY;COUNT=5" if key == "u_pub" else None,
            capacity=1 if key == "u_pub" else None,
        )
        event = events.create_event(users[key], data)
        events.set_status(
            event,
            "draft" if visibility == "draft" else "published",
            visibility if visibility != "draft" else "community",
            actor_id=users[key].id,
        )
        made[key] = event
    groups = {}
    for key, visibility in (("public", "public"), ("draft", "draft")):
        group = EventGroup(name=f"Group {key}", visibility=visibility)
        db.session.add(group)
        groups[key] = group
    db.session.flush()
    # u_pub organises the public group, u_com is a plain member of it.
    db.session.add(GroupMember(group_id=groups["public"].id, user_id=users["u_pub"].id, role="organiser"))
    db.session.add(GroupMember(group_id=groups["public"].id, user_id=users["u_com"].id, role="member"))
    db.session.commit()
    events.rsvp(made["u_pub"].id, users["u_com"], True)
    waiting = events.rsvp(made["u_pub"].id, users["client"], True)
    world.EP, world.EC, world.ED = made["u_pub"].id, made["u_com"].id, made["u_draft"].id
    world.waiting = waiting.id
    world.GP, world.GD = groups["public"].id, groups["draft"].id


def snapshot(world: World) -> dict[str, Any]:
    """Everything a request could change: every table's rows (rate-limit counters aside) and photos."""
    from sqlalchemy import select

    from webapp.extensions import db

    state: dict[str, Any] = {}
    with world.app.app_context():
        for table in db.metadata.sorted_tables:
            if "rate" in table.name and "limit" in table.name:
                continue  # refused requests may count against a limit: that is the point of limits
            rows = db.session.execute(select(table)).all()
            state[table.name] = sorted(repr(tuple(r)) for r in rows)
        db.session.remove()
    photo_dir = world.data_dir / "photos"
    state["_files"] = sorted(p.name for p in photo_dir.rglob("*")) if photo_dir.exists() else []
    return state


class WorldHolder:
    """One app and world per module; its data is restored from a copy after a request that was
    allowed to change it (restoring a file is much faster than building the world again)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.world: World | None = None
        self.baseline: dict[str, Any] | None = None
        self.dirty = False

    def _files(self, data_dir: Path) -> list[Path]:
        return [data_dir / "photos"] if (data_dir / "photos").exists() else []

    def get(self) -> tuple[World, dict[str, Any]]:
        if self.world is None:
            self.world = build_world(self.root / "data")
            self._dispose()
            DATABASES.get().save(self.root / "data")
            shutil.copytree(self.root / "data", self.root / "template")
            self.baseline = snapshot(self.world)
        elif self.dirty:
            self._dispose()
            data, template = self.root / "data", self.root / "template"
            for path in self._files(data):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
            for path in self._files(template):
                shutil.copytree(path, data / path.name)
            DATABASES.get().restore(data)
        self.dirty = False
        return self.world, self.baseline  # type: ignore[return-value]

    def _dispose(self) -> None:
        from webapp.extensions import db

        assert self.world is not None
        with self.world.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def discard(self) -> None:
        """The world changed: restore it before the next test."""
        self.dirty = True

    def close(self) -> None:
        if self.world is not None:
            self.world.close()


@pytest.fixture(scope="module")
def holder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorldHolder]:
    """The module's one world, restored after each test that changed it."""
    h = WorldHolder(tmp_path_factory.mktemp("matrix"))
    yield h
    h.close()


def client_as(world: World, user_key: str | None) -> Any:
    """A test client, signed in as ``user_key`` unless that is None."""
    client = world.app.test_client()
    return sign_in(client, world.login_ids[user_key]) if user_key is not None else client


def outcome(response: Any) -> str:
    """ "login" for a redirect to the sign-in page, "redirect" for any other, else the status code."""
    if response.status_code in (301, 302, 303, 307, 308):
        return "login" if urlsplit(response.headers.get("Location", "")).path == SIGNIN else "redirect"
    return str(response.status_code)


# ----------------------------------------------------------------------------------- the matrix


def E(default: str | None = None, *, signed: str | None = None, **roles: str) -> dict[str, str]:
    """Expected outcome per role: ``default`` for all, ``signed`` for every signed-in role, then overrides."""
    expect = {role: default for role in ROLES}
    if signed is not None:
        expect.update({role: signed for role in SIGNED_IN})
    expect.update(roles)
    missing = [r for r, v in expect.items() if v is None]
    assert not missing, f"no expectation for {missing}"
    return expect  # type: ignore[return-value]


# Shorthands for the most common shapes.
OWNER_ONLY_GET = E("404", anonymous="login", owner="200")
OWNER_ONLY_POST = E("404", anonymous="login", owner="redirect")
SIGNED_IN_PAGE = E("200", anonymous="login")
ALL_200 = E("200")

CARD_EDIT = {"display_name": "Hacked name", "headline": "Hacked headline", "card_language": "en"}
ORG_EDIT = {"name": "Hacked organisation", "card_language": "en"}
NEW_PASSWORD = "a brand new long passphrase"
MESSAGE = {"subject": "Hello", "body": "Hello there, this is a message for you."}


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    #: The url_map rule this case exercises (exactly as ``str(rule)``).
    rule: str
    url: Callable[[World], str]
    expect: dict[str, str]
    #: The user acting as "owner": the owner of the object in the URL (u_pub by default).
    owner: str = "u_pub"
    data: dict[str, Any] = field(default_factory=dict)


def _cases() -> list[Case]:
    """The matrix. Each line: id, method, url_map rule, URL (filled from the world), expected outcome
    per role, the user acting as "owner", and the form data a POST sends (with a valid CSRF token)."""
    c: list[Case] = []

    def add(
        id_: str,
        method: str,
        rule: str,
        url: Callable[[World], str] | str,
        expect: dict[str, str],
        owner: str = "u_pub",
        data: dict[str, Any] | None = None,
    ) -> None:
        url_fn = url if callable(url) else (lambda w, u=url: u)
        c.append(Case(id_, method, rule, url_fn, expect, owner, dict(data or {})))

    member_page = "/directory/members/<int:profile_id>"
    client_page = "/directory/clients/<int:profile_id>"
    photo = "/directory/photos/<filename>"
    edit_member = "/directory/members/<int:profile_id>/edit"
    edit_client = "/directory/clients/<int:profile_id>/edit"
    delete_photo = "/directory/members/<int:profile_id>/photo/delete"
    publish = "/directory/cards/<kind>/<int:profile_id>/publish"
    unpublish = "/directory/cards/<kind>/<int:profile_id>/unpublish"
    delete_card = "/directory/cards/<kind>/<int:profile_id>/delete"
    contact = "/directory/contact/<kind>/<int:profile_id>"
    report = "/directory/messages/<int:message_id>/report"
    api_member = "/api/v1/<collection>/<int:item_id>"
    signup = {
        "email": "newcomer@matrix.example",
        "password": NEW_PASSWORD,
        "account_type": "member",
        "locale": "en",
        "accept_terms": "y",
    }
    wrong = {"password": "not the password"}
    nobody = {"email": "nobody@matrix.example"}

    # fmt: off
    # --- core
    add("home", "GET", "/", "/", ALL_200)
    add("healthz", "GET", "/healthz", "/healthz", ALL_200)
    add("language", "POST", "/language", "/language", E("redirect"), data={"lang": "nl", "next": "/"})
    add("static", "GET", "/static/<path:filename>", "/static/css/site.css", ALL_200)
    add("privacy", "GET", "/privacy", "/privacy", ALL_200)
    add("terms", "GET", "/terms", "/terms", ALL_200)
    add("imprint", "GET", "/imprint", "/imprint", ALL_200)

    # --- accounts (owner = u_pub, a member with a card)
    add("signup", "GET", "/signup", "/signup", E("redirect", anonymous="200"))
    add("signup.post", "POST", "/signup", "/signup", E("redirect"), data=signup)
    add("signup_sent", "GET", "/signup/sent", "/signup/sent", ALL_200)
    add("verify.bad", "GET", "/verify/<token>", "/verify/not-a-valid-token", E("400"))
    add("verify.bad.post", "POST", "/verify/<token>", "/verify/not-a-valid-token", E("400"))
    add("verify.resend", "POST", "/account/verify/resend", "/account/verify/resend",
        E("redirect", anonymous="login"))
    add("signin", "GET", "/signin", "/signin", E("redirect", anonymous="200"))
    add("signin.post", "POST", "/signin", "/signin", E("200"), data={**nobody, **wrong})
    add("signout", "POST", "/signout", "/signout", E("redirect"))
    add("reauth", "GET", "/reauth", "/reauth", SIGNED_IN_PAGE)
    add("reauth.post", "POST", "/reauth", "/reauth", SIGNED_IN_PAGE, data=wrong)
    add("reset_request", "GET", "/reset", "/reset", ALL_200)
    add("reset_request.post", "POST", "/reset", "/reset", E("redirect"), data=nobody)
    add("signin_link.bad", "GET", "/signin/link/<token>", "/signin/link/not-a-valid-token", E("400"))
    add("signin_link.bad.post", "POST", "/signin/link/<token>", "/signin/link/not-a-valid-token", E("400"))
    add("reset.bad", "GET", "/reset/<token>", "/reset/not-a-valid-token", E("400"))
    add("reset.bad.post", "POST", "/reset/<token>", "/reset/not-a-valid-token", E("400"),
        data={"password": NEW_PASSWORD})
    add("dashboard", "GET", "/account", "/account", SIGNED_IN_PAGE)
    add("settings", "GET", "/account/settings", "/account/settings", SIGNED_IN_PAGE)
    add("settings.post", "POST", "/account/settings", "/account/settings", E("redirect", anonymous="login"),
        data={"locale": "de"})
    add("password.post", "POST", "/account/password", "/account/password", E("400", anonymous="login"),
        data={"current_password": "not the password", "new_password": NEW_PASSWORD})
    add("email", "GET", "/account/email", "/account/email", SIGNED_IN_PAGE)
    add("email.post", "POST", "/account/email", "/account/email", E("redirect", anonymous="login"),
        data={"email": "changed@matrix.example"})
    add("email_confirm.bad", "GET", "/account/email/confirm/<token>", "/account/email/confirm/not-a-token",
        E("400"))
    add("email_confirm.bad.post", "POST", "/account/email/confirm/<token>",
        "/account/email/confirm/not-a-token", E("400"))
    add("export", "GET", "/account/export", "/account/export", SIGNED_IN_PAGE)
    add("export.post", "POST", "/account/export", "/account/export", SIGNED_IN_PAGE)
    add("export.zip.post", "POST", "/account/export", "/account/export", SIGNED_IN_PAGE,
        data={"submit_zip": "1"})
    add("consent.post", "POST", "/account/consent", "/account/consent", E("redirect", anonymous="login"))
    add("delete_account", "GET", "/account/delete", "/account/delete", SIGNED_IN_PAGE)
    add("delete_account.post", "POST", "/account/delete", "/account/delete", SIGNED_IN_PAGE, data=wrong)

    # --- directory: search pages
    add("directory", "GET", "/directory", "/directory", ALL_200)
    add("directory.clients", "GET", "/directory/clients", "/directory/clients", ALL_200)

    # --- directory: card pages (public → all, community → signed in, draft → owner)
    add("member.public", "GET", member_page, lambda w: f"/directory/members/{w.P}", ALL_200)
    add("member.community", "GET", member_page, lambda w: f"/directory/members/{w.C}",
        E("200", anonymous="404"), owner="u_com")
    add("member.draft", "GET", member_page, lambda w: f"/directory/members/{w.D}",
        E("404", owner="200"), owner="u_draft")
    add("member.missing", "GET", member_page, lambda w: f"/directory/members/{w.missing}", E("404"))
    add("client.public", "GET", client_page, lambda w: f"/directory/clients/{w.KP}", ALL_200, owner="u_cpub")
    add("client.draft", "GET", client_page, lambda w: f"/directory/clients/{w.KD}",
        E("404", owner="200"), owner="u_cdraft")
    add("photo.public", "GET", photo, lambda w: f"/directory/photos/{w.photo_P}", ALL_200)
    add("photo.community", "GET", photo, lambda w: f"/directory/photos/{w.photo_C}",
        E("200", anonymous="404"), owner="u_com")
    add("photo.draft", "GET", photo, lambda w: f"/directory/photos/{w.photo_D}",
        E("404", owner="200"), owner="u_draft")
    add("photo.missing", "GET", photo, "/directory/photos/0000000000000000.webp", E("404"))

    # --- directory: own card (members only) and organisation card (clients only)
    add("own_card", "GET", "/directory/card", "/directory/card", E("200", anonymous="login", client="404"))
    add("own_card.post", "POST", "/directory/card", "/directory/card",
        E("redirect", anonymous="login", client="404"), data=CARD_EDIT)
    add("edit_member.public", "GET", edit_member, lambda w: f"/directory/members/{w.P}/edit", OWNER_ONLY_GET)
    add("edit_member.public.post", "POST", edit_member, lambda w: f"/directory/members/{w.P}/edit",
        OWNER_ONLY_POST, data=CARD_EDIT)
    add("edit_member.draft", "GET", edit_member, lambda w: f"/directory/members/{w.D}/edit",
        OWNER_ONLY_GET, owner="u_draft")
    add("edit_member.draft.post", "POST", edit_member, lambda w: f"/directory/members/{w.D}/edit",
        OWNER_ONLY_POST, owner="u_draft", data=CARD_EDIT)
    add("own_org", "GET", "/directory/organisation", "/directory/organisation",
        E("404", anonymous="login", client="200", owner="200"), owner="u_cpub")
    add("own_org.post", "POST", "/directory/organisation", "/directory/organisation",
        E("404", anonymous="login", client="redirect", owner="redirect"), owner="u_cpub", data=ORG_EDIT)
    add("edit_client.public", "GET", edit_client, lambda w: f"/directory/clients/{w.KP}/edit",
        OWNER_ONLY_GET, owner="u_cpub")
    add("edit_client.public.post", "POST", edit_client, lambda w: f"/directory/clients/{w.KP}/edit",
        OWNER_ONLY_POST, owner="u_cpub", data=ORG_EDIT)
    add("edit_client.draft.post", "POST", edit_client, lambda w: f"/directory/clients/{w.KD}/edit",
        OWNER_ONLY_POST, owner="u_cdraft", data=ORG_EDIT)
    add("delete_photo.public", "POST", delete_photo, lambda w: f"/directory/members/{w.P}/photo/delete",
        OWNER_ONLY_POST)
    add("delete_photo.draft", "POST", delete_photo, lambda w: f"/directory/members/{w.D}/photo/delete",
        OWNER_ONLY_POST, owner="u_draft")

    # --- directory: publish, unpublish, delete
    add("publish.member.draft", "GET", publish, lambda w: f"/directory/cards/member/{w.D}/publish",
        OWNER_ONLY_GET, owner="u_draft")
    add("publish.member.draft.post", "POST", publish, lambda w: f"/directory/cards/member/{w.D}/publish",
        OWNER_ONLY_POST, owner="u_draft", data={"visibility": "public"})
    add("publish.member.community.post", "POST", publish, lambda w: f"/directory/cards/member/{w.C}/publish",
        OWNER_ONLY_POST, owner="u_com", data={"visibility": "public"})
    add("publish.client.draft.post", "POST", publish, lambda w: f"/directory/cards/client/{w.KD}/publish",
        OWNER_ONLY_POST, owner="u_cdraft", data={"visibility": "public"})
    add("publish.badkind", "GET", publish, lambda w: f"/directory/cards/event/{w.P}/publish",
        E("404", anonymous="login"))
    add("unpublish.member.public", "POST", unpublish, lambda w: f"/directory/cards/member/{w.P}/unpublish",
        OWNER_ONLY_POST)
    add("unpublish.member.community", "POST", unpublish, lambda w: f"/directory/cards/member/{w.C}/unpublish",
        OWNER_ONLY_POST, owner="u_com")
    add("unpublish.client.public", "POST", unpublish, lambda w: f"/directory/cards/client/{w.KP}/unpublish",
        OWNER_ONLY_POST, owner="u_cpub")
    add("delete.member.public", "POST", delete_card, lambda w: f"/directory/cards/member/{w.P}/delete",
        OWNER_ONLY_POST)
    add("delete.member.draft", "POST", delete_card, lambda w: f"/directory/cards/member/{w.D}/delete",
        OWNER_ONLY_POST, owner="u_draft")
    add("delete.client.draft", "POST", delete_card, lambda w: f"/directory/cards/client/{w.KD}/delete",
        OWNER_ONLY_POST, owner="u_cdraft")

    # --- directory: contact relay (nobody writes to their own card; "member" is blocked by u_pub)
    add("contact.member.public", "GET", contact, lambda w: f"/directory/contact/member/{w.P}",
        E("200", anonymous="login", owner="404"))
    add("contact.member.public.post", "POST", contact, lambda w: f"/directory/contact/member/{w.P}",
        E("redirect", anonymous="login", member="403", owner="404"), data=MESSAGE)
    add("contact.member.community", "GET", contact, lambda w: f"/directory/contact/member/{w.C}",
        E("200", anonymous="404", owner="404"), owner="u_com")
    add("contact.member.community.post", "POST", contact, lambda w: f"/directory/contact/member/{w.C}",
        E("redirect", anonymous="404", owner="404"), owner="u_com", data=MESSAGE)
    add("contact.member.draft", "GET", contact, lambda w: f"/directory/contact/member/{w.D}", E("404"),
        owner="u_draft")
    add("contact.member.draft.post", "POST", contact, lambda w: f"/directory/contact/member/{w.D}", E("404"),
        owner="u_draft", data=MESSAGE)
    add("contact.client.public", "GET", contact, lambda w: f"/directory/contact/client/{w.KP}",
        E("200", anonymous="login", owner="404"), owner="u_cpub")
    add("contact.client.draft.post", "POST", contact, lambda w: f"/directory/contact/client/{w.KD}", E("404"),
        owner="u_cdraft", data=MESSAGE)

    # --- directory: received messages, blocks, reports (owner = the recipient u_pub)
    add("messages", "GET", "/directory/messages", "/directory/messages", SIGNED_IN_PAGE)
    add("block.post", "POST", "/directory/messages/<int:message_id>/block",
        lambda w: f"/directory/messages/{w.message}/block", OWNER_ONLY_POST)
    add("report", "GET", report, lambda w: f"/directory/messages/{w.message}/report", E("404", owner="200"))
    add("report.post", "POST", report, lambda w: f"/directory/messages/{w.message}/report",
        E("404", owner="redirect"), data={"reason": "Spam", "block": "y"})
    add("report.token", "GET", report, lambda w: f"/directory/messages/{w.message}/report?t={w.report_token}",
        E("404", anonymous="login", owner="200"))
    add("report.missing", "GET", report, lambda w: f"/directory/messages/{w.missing}/report", E("404"))
    add("unblock.post", "POST", "/directory/blocks/<int:block_id>/delete",
        lambda w: f"/directory/blocks/{w.block}/delete", OWNER_ONLY_POST)

    # --- directory: staff
    add("staff_reports", "GET", "/directory/staff/reports", "/directory/staff/reports",
        E("404", anonymous="login", staff="200", admin="200"))
    add("handle_report.post", "POST", "/directory/staff/reports/<int:report_id>/handle",
        lambda w: f"/directory/staff/reports/{w.report}/handle",
        E("404", anonymous="login", staff="redirect", admin="redirect"))

    # --- JSON API: published cards only, even for their owner
    api_search = "/api/v1/<collection>/search"
    add("api.search", "GET", api_search, "/api/v1/members/search", ALL_200)
    add("api.search.unknown", "GET", api_search, "/api/v1/clients/search", E("404"))
    add("api.member.public", "GET", api_member, lambda w: f"/api/v1/members/{w.P}", ALL_200)
    add("api.member.community", "GET", api_member, lambda w: f"/api/v1/members/{w.C}",
        E("200", anonymous="404"), owner="u_com")
    add("api.member.draft", "GET", api_member, lambda w: f"/api/v1/members/{w.D}", E("404"), owner="u_draft")
    add("api.unknown", "GET", api_member, lambda w: f"/api/v1/clients/{w.KP}", E("404"))
    add("api.openapi", "GET", "/api/v1/openapi.yaml", "/api/v1/openapi.yaml", ALL_200)

    # --- peer-to-peer board (owner = u_pub: owns L_P and the bookings; "member" is their borrower)
    from tests.p2p.helpers import soon

    lst = "/board/listings/<int:listing_id>"
    bkg = "/board/bookings/<int:booking_id>"
    listing_form = {"type": "offer", "kind": "equipment", "title": "Hacked listing", "description": "x",
                    "language": "en", "audience": "public"}
    book = {"starts_on": soon(3).isoformat(), "ends_on": soon(4).isoformat(), "note": "Please"}
    members_only = E("200", anonymous="login", client="404")
    add("board", "GET", "/board", "/board", ALL_200)
    add("board.mine", "GET", "/board/mine", "/board/mine", SIGNED_IN_PAGE)
    add("board.new", "GET", "/board/new", "/board/new", members_only)
    add("board.new.post", "POST", "/board/new", "/board/new", E("redirect", anonymous="login", client="404"),
        data=listing_form)
    add("board.listing.public", "GET", lst, lambda w: f"/board/listings/{w.L_P}", ALL_200)
    add("board.listing.community", "GET", lst, lambda w: f"/board/listings/{w.L_C}",
        E("200", anonymous="404"), owner="u_com")
    add("board.listing.draft", "GET", lst, lambda w: f"/board/listings/{w.L_D}", E("404", owner="200"),
        owner="u_draft")
    add("board.listing.missing", "GET", lst, lambda w: f"/board/listings/{w.missing}", E("404"))
    add("board.edit", "GET", f"{lst}/edit", lambda w: f"/board/listings/{w.L_P}/edit", OWNER_ONLY_GET)
    add("board.edit.post", "POST", f"{lst}/edit", lambda w: f"/board/listings/{w.L_P}/edit", OWNER_ONLY_POST,
        data=listing_form)
    add("board.edit.draft.post", "POST", f"{lst}/edit", lambda w: f"/board/listings/{w.L_D}/edit",
        OWNER_ONLY_POST, owner="u_draft", data=listing_form)
    add("board.status.post", "POST", f"{lst}/status", lambda w: f"/board/listings/{w.L_P}/status",
        OWNER_ONLY_POST, data={"status": "paused"})
    add("board.status.draft.post", "POST", f"{lst}/status", lambda w: f"/board/listings/{w.L_D}/status",
        OWNER_ONLY_POST, owner="u_draft", data={"status": "active"})
    add("board.report.post", "POST", f"{lst}/report", lambda w: f"/board/listings/{w.L_P}/report",
        E("redirect", anonymous="login", owner="404"), data={"reason": "Spam"})
    add("board.report.draft.post", "POST", f"{lst}/report", lambda w: f"/board/listings/{w.L_D}/report",
        E("404", anonymous="login"), owner="u_draft", data={"reason": "Spam"})
    add("board.hide.post", "POST", f"{lst}/hide", lambda w: f"/board/listings/{w.L_P}/hide",
        E("404", anonymous="login", staff="redirect", admin="redirect"), data={"hidden": "1"})
    add("board.hide.draft.post", "POST", f"{lst}/hide", lambda w: f"/board/listings/{w.L_D}/hide",
        E("404", anonymous="login"), owner="u_draft", data={"hidden": "1"})
    add("board.staff_reports", "GET", "/board/staff/reports", "/board/staff/reports",
        E("404", anonymous="login", staff="200", admin="200"))
    add("board.book.post", "POST", f"{lst}/book", lambda w: f"/board/listings/{w.L_P}/book",
        E("redirect", anonymous="login", owner="404"), data=book)
    add("board.book.draft.post", "POST", f"{lst}/book", lambda w: f"/board/listings/{w.L_D}/book",
        E("404", anonymous="login"), owner="u_draft", data=book)
    add("board.bookings", "GET", "/board/bookings", "/board/bookings", SIGNED_IN_PAGE)
    add("board.digest.post", "POST", "/board/digest", "/board/digest", E("redirect", anonymous="login"),
        data={"digest": "0"})
    parties = E("404", anonymous="login", member="200", owner="200")
    add("board.booking", "GET", bkg, lambda w: f"/board/bookings/{w.B}", parties)
    add("board.booking.missing", "GET", bkg, lambda w: f"/board/bookings/{w.missing}",
        E("404", anonymous="login"))
    add("board.accept.post", "POST", f"{bkg}/<action>", lambda w: f"/board/bookings/{w.B}/accept",
        E("404", anonymous="login", owner="redirect"))
    add("board.decline.post", "POST", f"{bkg}/<action>", lambda w: f"/board/bookings/{w.B}/decline",
        E("404", anonymous="login", owner="redirect"))
    add("board.cancel.post", "POST", f"{bkg}/<action>", lambda w: f"/board/bookings/{w.B}/cancel",
        E("404", anonymous="login", member="redirect", owner="redirect"))
    add("board.handover.post", "POST", f"{bkg}/<action>", lambda w: f"/board/bookings/{w.B_ACC}/handover",
        E("404", anonymous="login", owner="redirect"))
    add("board.badaction.post", "POST", f"{bkg}/<action>", lambda w: f"/board/bookings/{w.B}/delete",
        E("404", anonymous="login"))
    add("board.message.post", "POST", f"{bkg}/messages", lambda w: f"/board/bookings/{w.B}/messages",
        E("404", anonymous="login", member="redirect", owner="redirect"), data={"body": "Hello"})
    add("board.review.post", "POST", f"{bkg}/review", lambda w: f"/board/bookings/{w.B_RET}/review",
        E("404", anonymous="login", member="redirect", owner="redirect"), data={"rating": "5"})
    add("board.review.requested.post", "POST", f"{bkg}/review", lambda w: f"/board/bookings/{w.B}/review",
        E("404", anonymous="login"), data={"rating": "5", "text": "Fine"})
    add("board.ics", "GET", f"{bkg}/booking.ics", lambda w: f"/board/bookings/{w.B_ACC}/booking.ics", parties)
    add("board.ics.requested", "GET", f"{bkg}/booking.ics", lambda w: f"/board/bookings/{w.B}/booking.ics",
        E("404", anonymous="login"))
    lphoto = "/board/photos/<filename>"
    photo_upload = {"photo": (RewindingUpload(image_bytes("PNG", (30, 20))), "desk.png")}
    add("board.photo.public", "GET", lphoto, lambda w: f"/board/photos/{w.LPH_P}", ALL_200)
    add("board.photo.community", "GET", lphoto, lambda w: f"/board/photos/{w.LPH_C}",
        E("200", anonymous="404"), owner="u_com")
    add("board.photo.draft", "GET", lphoto, lambda w: f"/board/photos/{w.LPH_D}", E("404", owner="200"),
        owner="u_draft")
    add("board.photo.card", "GET", lphoto, lambda w: f"/board/photos/{w.photo_P}", E("404"))
    add("board.photos.post", "POST", f"{lst}/photos", lambda w: f"/board/listings/{w.L_P}/photos",
        OWNER_ONLY_POST, data=photo_upload)
    add("board.photos.draft.post", "POST", f"{lst}/photos", lambda w: f"/board/listings/{w.L_D}/photos",
        OWNER_ONLY_POST, owner="u_draft", data=photo_upload)
    add("board.photo.delete.post", "POST", f"{lst}/photos/<int:photo_id>/delete",
        lambda w: f"/board/listings/{w.L_P}/photos/{w.LPH_P_ID}/delete", OWNER_ONLY_POST)
    add("board.photo.delete.other.post", "POST", f"{lst}/photos/<int:photo_id>/delete",
        lambda w: f"/board/listings/{w.L_P}/photos/{w.LPH_D_ID}/delete", E("404", anonymous="login"))
    add("api.listings.search", "GET", api_search, "/api/v1/listings/search", ALL_200)
    add("api.listing.public", "GET", api_member, lambda w: f"/api/v1/listings/{w.L_P}", ALL_200)
    add("api.listing.community", "GET", api_member, lambda w: f"/api/v1/listings/{w.L_C}",
        E("200", anonymous="404"), owner="u_com")
    add("api.listing.draft", "GET", api_member, lambda w: f"/api/v1/listings/{w.L_D}", E("404"),
        owner="u_draft")
    # --- events (owner = the organiser; others, staff included, get 404 on what they do not organise)
    ev_page = "/events/<int:event_id>"
    ev_edit = "/events/<int:event_id>/edit"
    ev_ics = "/events/<int:event_id>.ics"
    ev_group = "/events/groups/<int:group_id>"
    event_form = {
        "lang_1": "en", "title_1": "Edited event", "category": "networking", "organiser": "member",
        "languages": "en", "timezone": "Europe/Brussels", "start": EVENT_START, "end": "2030-03-07T21:00",
        "status": "draft", "visibility": "community", "place": "",
    }
    add("events", "GET", "/events", "/events", ALL_200)
    add("events.month", "GET", "/events", "/events?view=month&month=2030-03", ALL_200)
    add("events.week", "GET", "/events", "/events?view=week&week=2030-03-04", ALL_200)
    add("events.new", "GET", "/events/new", "/events/new", E("200", anonymous="login", client="404"))
    add("events.new.post", "POST", "/events/new", "/events/new",
        E("redirect", anonymous="login", client="404"), data=event_form)
    add("event.public", "GET", ev_page, lambda w: f"/events/{w.EP}", ALL_200)
    add("event.community", "GET", ev_page, lambda w: f"/events/{w.EC}", E("200", anonymous="404"),
        owner="u_com")
    add("event.draft", "GET", ev_page, lambda w: f"/events/{w.ED}", E("404", owner="200"), owner="u_draft")
    add("event.missing", "GET", ev_page, lambda w: f"/events/{w.missing}", E("404"))
    add("event.edit", "GET", ev_edit, lambda w: f"/events/{w.EP}/edit", OWNER_ONLY_GET)
    add("event.edit.post", "POST", ev_edit, lambda w: f"/events/{w.EP}/edit", OWNER_ONLY_POST,
        data=event_form)
    add("event.edit.draft.post", "POST", ev_edit, lambda w: f"/events/{w.ED}/edit", OWNER_ONLY_POST,
        owner="u_draft", data=event_form)
    add("event.occurrence.post", "POST", "/events/<int:event_id>/occurrence",
        lambda w: f"/events/{w.EP}/occurrence", OWNER_ONLY_POST,
        data={"original": "2030-03-14T18:00:00+00:00", "action": "cancel"})
    add("event.rsvp.post", "POST", "/events/<int:event_id>/rsvp", lambda w: f"/events/{w.EP}/rsvp",
        E("redirect", anonymous="login"), data={"going": "yes"})
    add("event.rsvp.draft.post", "POST", "/events/<int:event_id>/rsvp", lambda w: f"/events/{w.ED}/rsvp",
        E("404", anonymous="login"), owner="u_draft", data={"going": "yes"})
    add("event.attendees", "GET", "/events/<int:event_id>/attendees", lambda w: f"/events/{w.EP}/attendees",
        OWNER_ONLY_GET)
    add("event.attendees.csv", "GET", "/events/<int:event_id>/attendees.csv",
        lambda w: f"/events/{w.EP}/attendees.csv", OWNER_ONLY_GET)
    add("event.promote.post", "POST", "/events/<int:event_id>/attendees/<int:rsvp_id>/promote",
        lambda w: f"/events/{w.EP}/attendees/{w.waiting}/promote", OWNER_ONLY_POST)
    add("event.mail.post", "POST", "/events/<int:event_id>/mail", lambda w: f"/events/{w.EP}/mail",
        OWNER_ONLY_POST, data={"subject": "Hello", "body": "See you there."})
    add("event.ics.public", "GET", ev_ics, lambda w: f"/events/{w.EP}.ics", ALL_200)
    add("event.ics.community", "GET", ev_ics, lambda w: f"/events/{w.EC}.ics", E("200", anonymous="404"),
        owner="u_com")
    add("event.ics.draft", "GET", ev_ics, lambda w: f"/events/{w.ED}.ics", E("404"), owner="u_draft")
    add("events.feed", "GET", "/events/feed.ics", "/events/feed.ics?category=networking", ALL_200)
    add("events.private_feed.bad", "GET", "/events/me/<token>.ics", "/events/me/not-a-token.ics", E("404"))
    add("events.mine", "GET", "/events/mine", "/events/mine", SIGNED_IN_PAGE)
    add("events.digest.post", "POST", "/events/mine/digest", "/events/mine/digest",
        E("redirect", anonymous="login"), data={"weekly": "y"})
    add("events.reset_feed.post", "POST", "/events/mine/feed/reset", "/events/mine/feed/reset",
        E("redirect", anonymous="login"))
    add("events.groups", "GET", "/events/groups", "/events/groups", ALL_200)
    add("events.group.public", "GET", ev_group, lambda w: f"/events/groups/{w.GP}", ALL_200)
    add("events.group.draft", "GET", ev_group, lambda w: f"/events/groups/{w.GD}", E("404"))
    add("events.join.post", "POST", "/events/groups/<int:group_id>/join",
        lambda w: f"/events/groups/{w.GP}/join", E("redirect", anonymous="login"))
    add("events.join.draft.post", "POST", "/events/groups/<int:group_id>/join",
        lambda w: f"/events/groups/{w.GD}/join", E("404", anonymous="login"))
    add("events.leave.post", "POST", "/events/groups/<int:group_id>/leave",
        lambda w: f"/events/groups/{w.GP}/leave", E("redirect", anonymous="login"))
    group_form = {"name": "Edited group", "description": "A group.", "place": "", "visibility": "public"}
    ev_group_edit = "/events/groups/<int:group_id>/edit"
    add("events.new_group", "GET", "/events/groups/new", "/events/groups/new",
        E("200", anonymous="login", client="404"))
    add("events.new_group.post", "POST", "/events/groups/new", "/events/groups/new",
        E("redirect", anonymous="login", client="404"), data=group_form)
    add("events.edit_group", "GET", ev_group_edit, lambda w: f"/events/groups/{w.GP}/edit", OWNER_ONLY_GET)
    add("events.edit_group.post", "POST", ev_group_edit, lambda w: f"/events/groups/{w.GP}/edit",
        OWNER_ONLY_POST, data=group_form)
    add("events.edit_group.draft", "GET", ev_group_edit, lambda w: f"/events/groups/{w.GD}/edit",
        E("404", anonymous="login"))
    # Nobody may name a non-member organiser (the owner's own appointments: tests/events/test_groups.py).
    add("events.group_role.post", "POST", "/events/groups/<int:group_id>/organisers",
        lambda w: f"/events/groups/{w.GP}/organisers", E("404", anonymous="login"),
        data={"member": "999999", "role": "organiser"})
    add("events.my_groups", "GET", "/events/groups/mine", "/events/groups/mine", SIGNED_IN_PAGE)
    add("api.events.search", "GET", api_search, "/api/v1/events/search?category=networking", ALL_200)
    add("api.event.public", "GET", api_member, lambda w: f"/api/v1/events/{w.EP}", ALL_200)
    add("api.event.community", "GET", api_member, lambda w: f"/api/v1/events/{w.EC}",
        E("200", anonymous="404"), owner="u_com")
    add("api.event.draft", "GET", api_member, lambda w: f"/api/v1/events/{w.ED}", E("404"), owner="u_draft")

    # --- taxonomy: place autocomplete (public reference data)
    add("places.suggest", "GET", "/places/suggest", "/places/suggest?q=Gan&lang=fr", ALL_200)
    add("functions.suggest", "GET", "/functions/suggest", "/functions/suggest?q=fotog&lang=fr", ALL_200)
    # fmt: on
    return c


def _rules(app: Any) -> dict[str, set[str]]:
    """str(rule) → methods (HEAD and OPTIONS aside), merged over rules sharing a path."""
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        out.setdefault(str(rule), set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return out


def _rule_methods_once() -> dict[str, set[str]]:
    if "rules" not in _RULES:
        from webapp import create_app

        data_dir = tempfile.mkdtemp(prefix="kring-rules-")
        app = create_app(app_settings(data_dir, SECRET_KEY="x"))
        _RULES["rules"] = _rules(app)
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()
        shutil.rmtree(data_dir, ignore_errors=True)
    return _RULES["rules"]


_RULES: dict[str, dict[str, set[str]]] = {}
CASES = _cases()


def _get_405_cases() -> list[Case]:
    """GET on every POST-only rule answers 405 to everyone (a link can never change state)."""
    rules = _rule_methods_once()
    seen: set[str] = set()
    out = []
    for case in CASES:
        if case.method == "POST" and "GET" not in rules.get(case.rule, {"GET"}) and case.rule not in seen:
            seen.add(case.rule)
            out.append(
                Case(
                    case.id.removesuffix(".post") + ".get405",
                    "GET",
                    case.rule,
                    case.url,
                    E("405"),
                    case.owner,
                )
            )
    return out


ALL_CASES = CASES + _get_405_cases()
POST_CASES = [c for c in CASES if c.method == "POST"]
#: The roles the CSRF test posts as.
CSRF_ROLES = ("anonymous", "member", "owner")


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in ALL_CASES]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]


def test_every_rule_is_in_the_matrix() -> None:
    """A route without a matrix entry fails here: decide who may use it and add a Case."""
    rules = _rule_methods_once()
    covered = {(c.rule, c.method) for c in ALL_CASES}
    required = {(rule, method) for rule, methods in rules.items() for method in methods}
    required |= {(rule, "GET") for rule, methods in rules.items() if "GET" not in methods}
    missing = sorted(required - covered)
    stale = sorted(covered - required)
    assert not missing, f"rules × methods with no entry in the authorization matrix: {missing}"
    assert not stale, f"matrix entries for rules or methods the app does not have: {stale}"


def _run(world: World, case: Case, role: str, *, with_csrf: bool = True) -> Any:
    user_key = None if role == "anonymous" else (case.owner if role == "owner" else role)
    client = client_as(world, user_key)
    url = case.url(world)
    if case.method == "GET":
        response = client.get(url)
    else:
        data = dict(case.data)
        if with_csrf:
            data["csrf_token"] = csrf_token(client, "/signup/sent")  # a page every role gets
        response = client.post(url, data=data)
    response.close()  # file responses (photos, assets) hold an open file until closed
    return response


#: Outcomes after which nothing at all may have changed.
REFUSALS = {"login", "400", "403", "404", "405"}


def representative(cases: list[Case], roles: tuple[str, ...]) -> list[tuple[Case, str]]:
    """(case, role) pairs covering every rule × method with every role, and every case, at least once.

    The cases of one rule × method (say ``/events/<id>`` for a public, a community, a draft and a
    missing event) take the roles in turn: case i gets role i mod len(roles), and a rule with fewer
    cases than roles goes round its cases again, so no role of any route is left out and no case is
    either. What the second database can break (queries, constraints, what a refused request may
    write) shows in these; every combination again would prove what SQLite's full run already did.
    """
    groups: dict[tuple[str, str], list[Case]] = {}
    for case in cases:
        groups.setdefault((case.rule, case.method), []).append(case)
    pairs = []
    for group in groups.values():
        for i in range(max(len(group), len(roles))):
            pairs.append((group[i % len(group)], roles[i % len(roles)]))
    return pairs


def matrix_pairs(cases: list[Case], roles: tuple[str, ...]) -> list[tuple[Case, str]]:
    """Every case × role on SQLite; on PostgreSQL the representative subset (``make test`` runs both)."""
    if DATABASES.backend == "postgresql":
        return representative(cases, roles)
    return [(case, role) for case in cases for role in roles]


def _params(pairs: list[tuple[Case, str]]) -> list[Any]:
    return [pytest.param(case, role, id=f"{case.id}-{role}") for case, role in pairs]


def test_representative_subset_covers_every_route_role_and_case() -> None:
    """The PostgreSQL subset leaves out no rule × method × role and no case, and repeats nothing."""
    for cases, roles in ((ALL_CASES, ROLES), (POST_CASES, CSRF_ROLES)):
        pairs = representative(cases, roles)
        assert len(pairs) == len(set((c.id, r) for c, r in pairs))
        assert {(c.rule, c.method, r) for c, r in pairs} == {
            (c.rule, c.method, r) for c in cases for r in roles
        }
        assert {c.id for c, _ in pairs} == {c.id for c in cases}
        assert len(pairs) < len(cases) * len(roles)


@pytest.mark.parametrize(("case", "role"), _params(matrix_pairs(ALL_CASES, ROLES)))
def test_matrix(holder: WorldHolder, case: Case, role: str) -> None:
    """Role × route × method gives the outcome written in the matrix; refusals change nothing."""
    world, baseline = holder.get()
    response = _run(world, case, role)
    got = outcome(response)
    after = snapshot(world)
    changed = after != baseline
    if changed:
        holder.discard()  # the next test gets a fresh world
    expected = case.expect[role]
    assert got == expected, (
        f"{case.method} {case.url(world)} as {role}: expected {expected}, got {got} "
        f"(status {response.status_code}, Location {response.headers.get('Location')})"
    )
    if expected in REFUSALS:
        assert not changed, (
            f"{case.method} {case.url(world)} as {role} was refused ({got}) but changed: "
            + ", ".join(k for k in after if after[k] != baseline.get(k))
        )


@pytest.mark.parametrize(("case", "role"), _params(matrix_pairs(POST_CASES, CSRF_ROLES)))
def test_post_without_csrf_token_is_400(holder: WorldHolder, case: Case, role: str) -> None:
    """CHECKLIST 18: every form POST without its CSRF token is refused with 400 and changes nothing."""
    world, baseline = holder.get()
    response = _run(world, case, role, with_csrf=False)
    changed = snapshot(world) != baseline
    if changed:
        holder.discard()
    assert response.status_code == 400, (
        f"POST {case.url(world)} as {role} without CSRF: {response.status_code}"
    )
    assert not changed, f"POST {case.url(world)} as {role} without CSRF changed data"


# ----------------------------------------------------------------------------------- anonymous walk


#: The only endpoints an anonymous visitor may get a 200 from (objects: only public ones).
PUBLIC_GET = {
    "core.home",
    "core.healthz",
    "core.privacy",
    "core.terms",
    "core.imprint",
    "static",
    "accounts.signup",
    "accounts.signup_sent",
    "accounts.signin",
    "accounts.reset_request",
    "directory.index",
    "directory.clients",
    "directory.member",
    "directory.client",
    "directory.photo",
    "api.search",
    "api.detail",
    "api.openapi",
    "taxonomy.places_suggest",
    "taxonomy.functions_suggest",
    "p2p.index",
    "p2p.listing",
    "p2p.photo",
    "events.index",
    "events.event",
    "events.event_ics",
    "events.feed",
    "events.groups",
    "events.group",
}


def _fillers(world: World) -> dict[str, list[str]]:
    """Values for each URL parameter name: ids of real rows of every visibility, and a missing one."""
    from webapp.directory.models import ClientProfile, MemberProfile
    from webapp.extensions import db

    with world.app.app_context():
        profile_ids = sorted(
            {str(i) for i in db.session.scalars(db.select(MemberProfile.id))}
            | {str(i) for i in db.session.scalars(db.select(ClientProfile.id))}
        )
        db.session.remove()
    return {
        "profile_id": profile_ids + [str(world.missing)],
        "item_id": profile_ids + [str(world.missing)],
        "kind": ["member", "client"],
        "filename": [world.photo_P, world.photo_C, world.photo_D, world.LPH_P, world.LPH_C, world.LPH_D]
        + ["css/site.css", "js/site.js"],
        "photo_id": [str(world.LPH_P_ID), str(world.LPH_D_ID), str(world.missing)],
        "message_id": [str(world.message), str(world.missing)],
        "block_id": [str(world.block)],
        "report_id": [str(world.report)],
        "token": ["not-a-valid-token"],
        "collection": ["members", "clients", "events", "listings"],
        "listing_id": [str(world.L_P), str(world.L_C), str(world.L_D), str(world.missing)],
        "booking_id": [str(world.B), str(world.B_ACC), str(world.missing)],
        "action": ["accept", "delete"],
        "event_id": [str(world.EP), str(world.EC), str(world.ED), str(world.missing)],
        "rsvp_id": [str(world.waiting)],
        "group_id": [str(world.GP), str(world.GD), str(world.missing)],
    }


def _public_object(world: World, endpoint: str, values: dict[str, str]) -> bool:
    """Whether the object a URL points at may be shown to everyone."""
    from webapp.directory.models import ClientProfile, MemberProfile
    from webapp.extensions import db

    with world.app.app_context():
        try:
            if endpoint == "p2p.listing" or (
                endpoint == "api.detail" and values.get("collection") == "listings"
            ):
                from webapp.p2p.models import Listing

                listing = db.session.get(Listing, int(values.get("listing_id") or values["item_id"]))
                return listing is not None and listing.visibility == "public"
            if endpoint == "p2p.photo":
                from webapp.p2p.models import Listing, ListingPhoto

                photo = db.session.scalar(
                    db.select(ListingPhoto).where(ListingPhoto.filename == values["filename"])
                )
                listing = db.session.get(Listing, photo.listing_id) if photo is not None else None
                return listing is not None and listing.visibility == "public"
            if endpoint in ("events.event", "events.event_ics") or (
                endpoint == "api.detail" and values.get("collection") == "events"
            ):
                from webapp.events.models import Event

                event = db.session.get(Event, int(values.get("event_id") or values["item_id"]))
                return event is not None and event.visibility == "public"
            if endpoint == "events.group":
                from webapp.events.models import EventGroup

                group = db.session.get(EventGroup, int(values["group_id"]))
                return group is not None and group.visibility == "public"
            if endpoint == "api.detail" and values.get("collection") != "members":
                return False  # no such collection: nothing is public there
            if endpoint in ("directory.member", "api.detail"):
                card = db.session.get(MemberProfile, int(values.get("profile_id") or values["item_id"]))
            elif endpoint == "directory.client":
                card = db.session.get(ClientProfile, int(values["profile_id"]))
            elif endpoint == "directory.photo":
                card = db.session.scalar(
                    db.select(MemberProfile).where(MemberProfile.photo_filename == values["filename"])
                )
            else:
                return True
            return card is not None and card.visibility == "public"
        finally:
            db.session.remove()


def _walk_urls(world: World) -> Iterator[tuple[str, str, dict[str, str], set[str]]]:
    fillers = _fillers(world)
    for rule in world.app.url_map.iter_rules():
        args = sorted(rule.arguments - set((rule.defaults or {}).keys()))
        unknown = [a for a in args if a not in fillers]
        assert not unknown, f"{rule}: no filler for URL parameter(s) {unknown}: add them to _fillers"
        for combo in itertools.product(*(fillers[a] for a in args)):
            values = dict(zip(args, combo, strict=True))
            is_asset = values.get("filename", "").startswith(("css/", "js/"))
            if "filename" in values and is_asset != (rule.endpoint == "static"):
                continue  # asset paths for the static route, photo names for the photo route
            built = rule.build(values, append_unknown=False)
            assert built is not None, f"{rule}: cannot build a URL from {values}"
            url = built[1]
            yield rule.endpoint, url, values, rule.methods - {"HEAD", "OPTIONS"}


def test_anonymous_walk_denies_by_default(holder: WorldHolder) -> None:
    """CHECKLIST 11: walk app.url_map anonymously; only public pages of public objects answer 200."""
    world, baseline = holder.get()
    client = world.app.test_client()
    leaks, errors, walked = [], [], 0
    for endpoint, url, values, methods in _walk_urls(world):
        response = client.get(url)
        response.close()
        walked += 1
        status = response.status_code
        if status >= 500:
            errors.append((url, status))
        if status == 200 and not (endpoint in PUBLIC_GET and _public_object(world, endpoint, values)):
            leaks.append((endpoint, url))
        if "GET" not in methods and status != 405:
            errors.append((url, f"GET on a POST-only route answered {status}, not 405"))
    assert walked > 40, f"only {walked} URLs walked: the fillers or url map look wrong"
    assert not leaks, f"non-public routes answering 200 to an anonymous visitor: {leaks}"
    assert not errors, errors
    assert snapshot(world) == baseline, "anonymous GETs changed data"


def test_anonymous_walk_reaches_public_objects(holder: WorldHolder) -> None:
    """The walk is not vacuous: the public card, client card and photo do answer 200 anonymously."""
    world, _ = holder.get()
    client = world.app.test_client()
    for url in (
        f"/directory/members/{world.P}",
        f"/directory/clients/{world.KP}",
        f"/directory/photos/{world.photo_P}",
        f"/api/v1/members/{world.P}",
    ):
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url
