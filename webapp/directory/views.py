"""Directory blueprint: search pages, card pages, editing, publishing, photos, the contact relay, reports.

Every route that touches a card asks permissions.py; what a viewer may not see or
change answers 404, so the existence of a draft never leaks. Searching is the platform's
(``webapp.core.search.page``); the pages here only render it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.core.forms import place_error
from webapp.core.i18n import current_language
from webapp.core.maps import MapPoint, build_map
from webapp.core.models import audit
from webapp.core.places import PlaceResolution, place_choices, resolve_place
from webapp.core.ratelimit import wait_text
from webapp.core.search import wake_indexer
from webapp.core.search.page import run as run_search_page
from webapp.core.search.params import MAX_WINDOW, ParamError
from webapp.core.security import no_store
from webapp.core.vocabulary import CONTENT_LANGUAGES
from webapp.directory import photos, relay, service
from webapp.directory.forms import (
    ClientCardForm,
    ContactForm,
    MemberCardForm,
    PublishForm,
    ReportForm,
    filter_choices,
)
from webapp.directory.models import (
    AbuseReport,
    ClientProfile,
    ContactBlock,
    ContactMessage,
    MemberProfile,
)
from webapp.directory.permissions import (
    can_contact,
    can_edit,
    can_publish,
    can_view,
    card_kind,
    is_owner,
    is_recipient,
    is_staff,
    may_show_contact_form,
)
from webapp.directory.search import newest_cards
from webapp.extensions import db
from webapp.taxonomy.labels import place_label, place_name_label, taxonomy_label

bp = Blueprint("directory", __name__, template_folder="templates")

KINDS = ("member", "client")
RADIUS_CHOICES = (5, 10, 25, 50, 100, 250)

# ------------------------------------------------------------------------------- helpers


def _card_or_404(kind: str, profile_id: int, *, edit: bool = False) -> service.Card:  # type: ignore[name-defined]
    if kind not in KINDS:
        abort(404)
    card = service.get_card(kind, profile_id)
    allowed = can_edit(current_user, card) if edit else can_view(current_user, card)
    if not allowed:
        abort(404)
    return card


def _card_url(card: Any) -> str:
    return url_for(f"directory.{card_kind(card)}", profile_id=card.id)


def _commit_and_wake() -> None:
    db.session.commit()
    wake_indexer()


def _private_page(card: Any) -> None:
    """Pages with non-public content must not sit in shared caches."""
    if card is None or card.visibility != "public" or is_owner(current_user, card):
        no_store()


def _place_text(card: Any, lang: str) -> str:
    return (place_name_label(card, lang) if card is not None else None) or ""


def _default_card_language(lang: str) -> str:
    return lang if lang in CONTENT_LANGUAGES else "en"


def card_url(kind: str, profile_id: int) -> str:
    """The card page of a "member" or "client" card."""
    return url_for(f"directory.{kind}", profile_id=profile_id)


def photo_url(filename: str | None) -> str | None:
    return url_for("directory.photo", filename=filename) if filename else None


def _check_upload(form: MemberCardForm) -> tuple[bool, bytes | None]:
    """Check an uploaded photo; (ok, clean WebP bytes). A refused photo puts a message on the field.

    Checked on every submission, with the other fields, so all problems show at once.
    """
    upload = form.photo.data
    if not upload or not getattr(upload, "filename", ""):
        return True, None
    try:
        return True, photos.process_photo(upload.stream)
    except photos.PhotoError as exc:
        form.photo.errors = list(form.photo.errors) + [photos.photo_message(exc.code)]
        return False, None


# ------------------------------------------------------------------------------- search pages


def _field_labels() -> dict[str, str]:
    """Parameter names as the form shows them, for error messages."""
    return {
        "q": _("Search"),
        "place": _("Place"),
        "radius_km": _("Within"),
        "years_min": _("Experience"),
        "years_max": _("Experience"),
        "sector": _("Sector"),
        "function": _("Function"),
        "country": _("Country"),
        "region": _("Region"),
        "city": _("City"),
        "language": _("Language"),
        "mode": _("Mode"),
        "page": _("Page"),
        "per_page": _("Results per page"),
        "sort": _("Sort"),
    }


def _render_search(entity: str):
    lang = current_language()
    if current_user.is_authenticated:
        no_store()  # community cards: never in a shared cache, gone from history once unpublished
    error: ParamError | None = None
    page = None
    past_end = None
    try:
        page = run_search_page(entity, request.args, current_user, lang)
    except ParamError as exc:
        error = exc
    if error is not None and error.parameter == "page":
        # A page number past what can be shown ("999", "0", "x"): say where results end instead.
        error, past_end = None, _past_end(entity, lang)
    elif page is not None and page.params.page > page.pages:
        past_end = _past_end(entity, lang, page)
    view = "map" if request.args.get("view") == "map" else "list"
    result_map = None
    if page is not None and view == "map":
        result_map = build_map(
            MapPoint(r.row.lat, r.row.lon, r.title, card_url(entity, r.id)) for r in page.results
        )
    endpoint = "directory.index" if entity == "member" else "directory.clients"
    kept = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "view"}
    view_urls = {"list": url_for(endpoint, **kept), "map": url_for(endpoint, **kept, view="map")}
    html = render_template(
        "directory/search.html",
        entity=entity,
        view_urls=view_urls,
        page=page,
        view=view,
        result_map=result_map,
        error=error,
        choices=filter_choices(lang, current_app.config.get("GAZETTEER_COUNTRIES", ())),
        radius_choices=RADIUS_CHOICES,
        args=request.args,
        card_url=card_url,
        photo_url=photo_url,
        field_labels=_field_labels(),
        past_end=past_end,
    )
    return html, (400 if error else 404 if past_end else 200)


def _past_end(entity: str, lang: str, page: Any = None) -> dict[str, Any]:
    """ "There is no page 7; results end at page 6": the page asked for, the last one, its link."""
    if page is None:
        args = request.args.copy()
        args.pop("page", None)
        page = run_search_page(entity, args, current_user, lang)
    last = max(1, min(page.pages, MAX_WINDOW // page.params.per_page)) if page.total else 0
    endpoint = "directory.index" if entity == "member" else "directory.clients"
    return {
        "asked": (request.args.get("page") or "")[:12],
        "last": last,
        "url": url_for(endpoint, **page.page_args(max(last, 1))),
        "total": page.total,
    }


@bp.get("/directory")
def index():
    """Members: one search box, filters, facets, results that explain themselves."""
    return _render_search("member")


@bp.get("/directory/clients")
def clients():
    """The company directory, on the same machinery."""
    return _render_search("client")


# ------------------------------------------------------------------------------- card pages


def _card_page(kind: str, profile_id: int):
    if kind in KINDS and not current_user.is_authenticated:
        if not can_view(current_user, service.get_card(kind, profile_id)):
            # Community cards show to signed-in people: say so, and nothing else. The same page (and
            # status) answers for drafts and ids that do not exist, so it tells nobody which is which.
            no_store()
            next_path = card_url(kind, profile_id)
            return render_template("directory/card_signin.html", kind=kind, next_path=next_path), 404
    card = _card_or_404(kind, profile_id)
    _private_page(card)
    title = card.display_name if kind == "member" else card.name
    return render_template(
        f"directory/card_{kind}.html",
        card=card,
        # Wide enough (250 km) to show the coast or the borders around the place.
        card_map=build_map([MapPoint(card.lat, card.lon, title)], width=320, height=220, min_span_km=250),
        info=service.card_summary(card),
        owner=is_owner(current_user, card),
        show_contact=may_show_contact_form(current_user, card),
    )


@bp.get("/directory/members/<int:profile_id>")
def member(profile_id: int):
    """A member card, to whoever may see it: public → anyone, community → signed in, draft → owner."""
    return _card_page("member", profile_id)


@bp.get("/directory/clients/<int:profile_id>")
def client(profile_id: int):
    """An organisation's card, under the same rules."""
    return _card_page("client", profile_id)


@bp.get("/directory/photos/<filename>")
def photo(filename: str):
    """A card photo, only where the card itself may be seen."""
    path = photos.photo_path(filename)
    card = None
    if path is not None:
        card = db.session.scalar(select(MemberProfile).where(MemberProfile.photo_filename == filename))
    if card is None or not can_view(current_user, card) or not path.exists():
        abort(404)
    response = send_file(path, mimetype="image/webp", conditional=True, etag=True, max_age=0)
    if card.visibility == "public":
        response.headers["Cache-Control"] = "public, max-age=300"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------- editing


def _member_initial(card: MemberProfile | None, lang: str) -> dict[str, Any]:
    if card is None:
        return {
            "accepts_contact": True,
            "email_public": False,
            "availability": ["assignments"],
            "card_language": _default_card_language(lang),
        }
    return {
        "display_name": card.display_name,
        "function_code": card.function_code or "",
        "function_text": card.function_text,
        "sectors": card.sectors,
        "place": _place_text(card, lang),
        "experience_years": card.experience_years,
        "experience_level": card.experience_level or "",
        "headline": card.headline,
        "bio": card.bio,
        "skills": ", ".join(card.skills or []),
        "languages": card.languages,
        "website": card.website,
        "email_public": card.email_public,
        "availability": service.availability(card),
        "card_language": card.card_language or lang,
        "accepts_contact": card.accepts_contact,
    }


def _client_initial(card: ClientProfile | None, lang: str) -> dict[str, Any]:
    if card is None:
        return {"accepts_contact": True, "card_language": _default_card_language(lang)}
    return {
        "name": card.name,
        "sectors": card.sectors,
        "place": _place_text(card, lang),
        "website": card.website,
        "description": card.description,
        "contact_person": card.contact_person,
        "card_language": card.card_language or lang,
        "accepts_contact": card.accepts_contact,
    }


@dataclass(frozen=True)
class _EditKind:
    """How the edit page of one kind of card differs from the other's."""

    form: type
    initial: Callable[[Any, str], dict[str, Any]]
    values: Callable[[Any, PlaceResolution], dict[str, Any]]
    template: str
    created: Callable[[], str]
    saved: Callable[[], str]
    #: Member cards have a photo.
    photo: bool


EDIT_KINDS = {
    "member": _EditKind(
        form=MemberCardForm,
        initial=_member_initial,
        values=service.member_values_from_form,
        template="directory/edit_member.html",
        created=lambda: _("Your card is saved as a draft: only you can see it until you publish it."),
        saved=lambda: _("Your card is saved."),
        photo=True,
    ),
    "client": _EditKind(
        form=ClientCardForm,
        initial=_client_initial,
        values=service.client_values_from_form,
        template="directory/edit_client.html",
        created=lambda: _(
            "Your organisation's card is saved as a draft: only you can see it until you publish it."
        ),
        saved=lambda: _("Your organisation's card is saved."),
        photo=False,
    ),
}


def _edit_card(kind: str, profile_id: int | None):
    """Create (first save makes a draft) or edit the signed-in user's own card of ``kind``."""
    edit = EDIT_KINDS[kind]
    if current_user.account_type != kind:
        abort(404)
    no_store()
    card = service.own_card(current_user) if profile_id is None else _card_or_404(kind, profile_id, edit=True)
    lang = current_language()
    form = edit.form(data=edit.initial(card, lang))
    form.setup_choices(lang)
    resolution = None
    photo_again = False
    if form.is_submitted():
        # Every check runs on every submission: the page lists all problems at once.
        valid = form.validate()
        place_ok = not form.place.errors
        if place_ok:
            resolution = resolve_place(
                form.place.data, lang=lang, choice=form.place_choice.data, current=card
            )
            place_ok = not place_error(form, resolution)
        photo_ok, payload = _check_upload(form) if edit.photo else (True, None)
        if valid and place_ok and photo_ok:
            new_photo = photos.store_processed(payload) if payload else None
            old_photo = None
            try:
                card, created = service.save_card(kind, current_user, card, edit.values(form, resolution))
                if new_photo:
                    old_photo = service.set_photo(card, new_photo)
                _commit_and_wake()
            except Exception:
                db.session.rollback()
                photos.delete_photo(new_photo)
                raise
            photos.delete_photo(old_photo)
            flash(edit.created() if created else edit.saved(), "success")
            return redirect(card_url(kind, card.id))
        # A good photo sent with a form that failed elsewhere: browsers cannot refill a file input.
        photo_again = payload is not None
    status = 400 if request.method == "POST" else 200
    return render_template(
        edit.template,
        form=form,
        card=card,
        place_choices=place_choices(resolution, lang),
        photo_again=photo_again,
    ), status


@bp.route("/directory/card", methods=["GET", "POST"], defaults={"profile_id": None}, endpoint="edit_member")
@bp.route("/directory/members/<int:profile_id>/edit", methods=["GET", "POST"], endpoint="edit_member")
@login_required
def edit_member(profile_id: int | None):
    """The signed-in member's own card."""
    return _edit_card("member", profile_id)


@bp.route(
    "/directory/organisation", methods=["GET", "POST"], defaults={"profile_id": None}, endpoint="edit_client"
)
@bp.route("/directory/clients/<int:profile_id>/edit", methods=["GET", "POST"], endpoint="edit_client")
@login_required
def edit_client(profile_id: int | None):
    """The signed-in client's organisation card."""
    return _edit_card("client", profile_id)


@bp.post("/directory/members/<int:profile_id>/photo/delete")
@login_required
def delete_photo(profile_id: int):
    card = _card_or_404("member", profile_id, edit=True)
    old = service.set_photo(card, None)
    _commit_and_wake()
    photos.delete_photo(old)
    flash(_("Your photo is removed."), "success")
    return redirect(url_for("directory.edit_member", profile_id=card.id))


# ------------------------------------------------------------------------------- publishing


@bp.route("/directory/cards/<kind>/<int:profile_id>/publish", methods=["GET", "POST"])
@login_required
def publish(kind: str, profile_id: int):
    """Publishing asks who may see the card; the choice is recorded with the policy version."""
    card = _card_or_404(kind, profile_id, edit=True)
    no_store()
    form = PublishForm(data={"visibility": card.visibility if card.is_published else None})
    if not can_publish(current_user, card):
        return render_template("directory/publish.html", form=form, card=card, kind=kind, unverified=True), (
            403 if request.method == "POST" else 200
        )
    if form.validate_on_submit():
        service.set_visibility(card, form.visibility.data, actor_id=current_user.id)
        _commit_and_wake()
        if form.visibility.data == "public":
            flash(
                _("Your card is published: everyone can see it, including visitors who are not signed in."),
                "success",
            )
        else:
            flash(_("Your card is published: signed-in members and clients can see it."), "success")
        return redirect(_card_url(card))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "directory/publish.html", form=form, card=card, kind=kind, policy_version=service.policy_version()
    ), status


@bp.post("/directory/cards/<kind>/<int:profile_id>/unpublish")
@login_required
def unpublish(kind: str, profile_id: int):
    """One click hides the card everywhere: pages, search, the API."""
    card = _card_or_404(kind, profile_id, edit=True)
    if service.set_visibility(card, "draft", actor_id=current_user.id):
        _commit_and_wake()
    flash(_("Your card is unpublished: only you can see it now."), "success")
    return redirect(_card_url(card))


@bp.post("/directory/cards/<kind>/<int:profile_id>/delete")
@login_required
def delete(kind: str, profile_id: int):
    card = _card_or_404(kind, profile_id, edit=True)
    photo_file = service.delete_card(card, actor_id=current_user.id)
    _commit_and_wake()
    photos.delete_photo(photo_file)
    flash(_("Your card is deleted."), "success")
    return redirect(url_for("accounts.dashboard"))


# ------------------------------------------------------------------------------- contact relay


RELAY_MESSAGES = {
    "blocked": lambda: _("This card does not accept messages from you."),
    "subject": lambda: _(
        "The subject must be a single line of at most %(n)d characters.", n=relay.SUBJECT_MAX
    ),
    "body": lambda: _(
        "The message must be between %(a)d and %(b)d characters.", a=relay.BODY_MIN, b=relay.BODY_MAX
    ),
    "not_allowed": lambda: _("This card cannot receive messages."),
}


def _rate_message(retry_after: int) -> str:
    """The contact limit, with the time the limiter knows (its exact Retry-After)."""
    return _(
        "You have sent many messages recently. You can send the next one in %(wait)s; "
        "your message is still below.",
        wait=wait_text(retry_after),
    )


@bp.route("/directory/contact/<kind>/<int:profile_id>", methods=["GET", "POST"])
def contact(kind: str, profile_id: int):
    """Write to a card through the relay: the recipient's address is never shown to the sender."""
    card = _card_or_404(kind, profile_id)
    if not may_show_contact_form(current_user, card):
        abort(404)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    no_store()
    form = ContactForm()
    error = None
    status = 200
    headers: dict[str, str] = {}
    if not current_user.is_verified:
        error = _("Please confirm your e-mail address first: only verified accounts can send messages.")
        status = 403 if request.method == "POST" else 200
    elif form.validate_on_submit():
        try:
            relay.send_message(current_user, card, form.subject.data, form.body.data)
        except relay.RelayError as exc:
            db.session.rollback()
            if exc.code == "rate":
                error = _rate_message(exc.retry_after)
            else:
                error = RELAY_MESSAGES.get(exc.code, RELAY_MESSAGES["not_allowed"])()
            status = {"rate": 429, "blocked": 403, "not_allowed": 403}.get(exc.code, 400)
            if exc.code == "subject":
                form.subject.errors = list(form.subject.errors) + [error]
                error = None
            if exc.code == "rate":
                headers["Retry-After"] = str(exc.retry_after)
        else:
            db.session.commit()
            flash(
                _("Your message is on its way. The recipient will see your e-mail address as Reply-To."),
                "success",
            )
            return redirect(_card_url(card))
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "directory/contact.html",
            form=form,
            card=card,
            kind=kind,
            error=error,
            verified=current_user.is_verified,
            can_send=can_contact(current_user, card),
        ),
        status,
        headers,
    )


@bp.get("/directory/messages")
@login_required
def messages():
    """Messages received through the relay, with block and report buttons; current blocks."""
    no_store()
    blocks = relay.blocks_of(current_user)
    return render_template(
        "directory/contact_messages.html",
        received=relay.received_messages(current_user),
        blocks=blocks,
        blocked_ids={b.blocked_user_id for b in blocks},
        report_token=relay.report_token,
    )


def _message_for_reporting(message_id: int) -> tuple[ContactMessage, bool]:
    """The message and whether the viewer acts as its signed-in recipient; 404 for anyone else.

    Recipients with an account act signed in; cards without an account (imported) get a
    signed link in the mail instead.
    """
    message = db.session.get(ContactMessage, message_id)
    if message is None:
        abort(404)
    if is_recipient(current_user, message):
        return message, True
    if message.recipient_user_id is None and relay.token_matches(request.args.get("t"), message):
        return message, False
    if (
        message.recipient_user_id is not None
        and not current_user.is_authenticated
        and relay.token_matches(request.args.get("t"), message)
    ):
        abort(current_app.login_manager.unauthorized())  # type: ignore[attr-defined]
    abort(404)


@bp.route("/directory/messages/<int:message_id>/report", methods=["GET", "POST"])
def report(message_id: int):
    message, signed_in = _message_for_reporting(message_id)
    no_store()
    form = ReportForm()
    if form.validate_on_submit():
        relay.report_message(
            message, reporter_id=current_user.id if signed_in else None, reason=form.reason.data
        )
        if signed_in and form.block.data:
            relay.block_sender(current_user, message)
        db.session.commit()
        flash(_("Thank you: staff will look at this message."), "success")
        return redirect(url_for("directory.messages") if signed_in else url_for("core.home"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "directory/contact_report.html", form=form, message=message, signed_in=signed_in
    ), status


@bp.post("/directory/messages/<int:message_id>/block")
@login_required
def block(message_id: int):
    message = db.session.get(ContactMessage, message_id)
    if not is_recipient(current_user, message):
        abort(404)
    if relay.block_sender(current_user, message) is not None:
        db.session.commit()
        flash(_("This sender can no longer write to you through the platform."), "success")
    return redirect(url_for("directory.messages"))


@bp.post("/directory/blocks/<int:block_id>/delete")
@login_required
def unblock(block_id: int):
    found = db.session.get(ContactBlock, block_id)
    if found is None or found.user_id != current_user.id:
        abort(404)
    relay.unblock(found)
    db.session.commit()
    flash(_("The block is lifted."), "success")
    return redirect(url_for("directory.messages"))


# ------------------------------------------------------------------------------- staff


@bp.get("/directory/staff/reports")
@login_required
def staff_reports():
    """Abuse reports for staff; each look is audit-logged (they see other people's messages)."""
    if not is_staff(current_user):
        abort(404)
    no_store()
    status = request.args.get("status", "open")
    if status not in ("open", "handled"):
        status = "open"
    items = relay.reports(status)
    audit(
        "directory.staff_view_reports",
        actor_id=current_user.id,
        subject_user_id=None,
        status=status,
        report_ids=[r.id for r in items][:200],
    )
    db.session.commit()
    # Messages and their senders' cards in a few queries, not a few per report.
    messages = {
        m.id: m
        for m in db.session.scalars(
            select(ContactMessage).where(ContactMessage.id.in_({r.message_id for r in items}))
        )
    }
    sender_ids = {m.sender_id for m in messages.values() if m.sender_id is not None}
    sender_cards: dict[int, Any] = {}
    for model in (ClientProfile, MemberProfile):  # a member card wins over a client card
        for card in db.session.scalars(select(model).where(model.user_id.in_(sender_ids))):
            sender_cards[card.user_id] = card
    rows = []
    for item in items:
        message = messages.get(item.message_id)
        sender_id = message.sender_id if message is not None else None
        rows.append({"report": item, "message": message, "sender_card": sender_cards.get(sender_id)})
    return render_template("directory/staff_reports.html", rows=rows, status=status)


@bp.post("/directory/staff/reports/<int:report_id>/handle")
@login_required
def handle_report(report_id: int):
    if not is_staff(current_user):
        abort(404)
    item = db.session.get(AbuseReport, report_id)
    if item is None:
        abort(404)
    if relay.handle_report(item, current_user):
        db.session.commit()
        flash(_("Report marked as handled."), "success")
    return redirect(url_for("directory.staff_reports"))


# ------------------------------------------------------------------------------- site frame


def home_search(viewer: Any) -> dict[str, Any]:
    """The search box at the top of the home page."""
    return {"template": "directory/_home_search.html", "slot": "hero"}


def home_about(viewer: Any) -> dict[str, Any]:
    """What the directory does, for members and for clients, under "What you can do here"."""
    return {"template": "directory/_home_about.html", "slot": "about"}


def home_newest(viewer: Any) -> dict[str, Any] | None:
    """The newest cards the viewer may see; nothing when there are none yet."""
    lang = current_language()
    cards = newest_cards(viewer, limit=6)
    if not cards:
        return None
    items = []
    for card in cards:
        function = taxonomy_label("function", card.function_code, lang) or (card.function_text or "")
        items.append(
            {
                "name": card.display_name,
                "url": card_url("member", card.id),
                "function": function,
                "place": place_label(card, lang) or "",
                "headline": card.headline or "",
                "photo": photo_url(card.photo_filename),
            }
        )
    return {"template": "directory/search_home.html", "cards": items}


def dashboard_section(user: Any) -> dict[str, Any] | None:
    """ "Your card" on the account dashboard: status and the edit/publish/unpublish buttons."""
    if user is None or not user.is_authenticated:
        return None
    card = service.own_card(user)
    kind = "member" if user.is_member else "client"
    return {
        "template": "directory/_dashboard_card.html",
        "card": card,
        "kind": kind,
        "card_url": _card_url(card) if card is not None else None,
        "edit_url": url_for("directory.edit_member" if kind == "member" else "directory.edit_client"),
        "open_reports": relay.open_report_count() if is_staff(user) else None,
    }
