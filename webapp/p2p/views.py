"""Board blueprint: search, listing pages, editing and status, bookings with their thread,
reviews, reports and staff hiding.

Every route asks permissions.py; what a viewer may not see or act on answers 404 and changes
nothing. Searching is the platform's (``webapp.core.search.page``); the page only renders it.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.core import photos
from webapp.core.forms import place_error
from webapp.core.i18n import current_language
from webapp.core.permissions import visible_visibilities
from webapp.core.places import place_choices, resolve_place
from webapp.core.search import wake_indexer
from webapp.core.search.page import run as run_search_page
from webapp.core.search.params import ParamError
from webapp.core.security import no_store
from webapp.core.text import InputError
from webapp.extensions import db
from webapp.p2p import service
from webapp.p2p.forms import (
    SLOT_ROWS_EMPTY,
    BookingForm,
    ListingForm,
    MessageForm,
    PhotoForm,
    ReportForm,
    ReviewForm,
    SessionForm,
    weekday_name,
)
from webapp.p2p.models import KINDS, PHOTO_FOLDER, PHOTOS_MAX, STATUSES, TYPES, Booking, Listing, Review
from webapp.p2p.permissions import can_book, can_create, can_edit, can_report, can_view, is_party, is_staff
from webapp.p2p.search import kind_label, owner_name, type_label
from webapp.taxonomy import get_taxonomy
from webapp.taxonomy.labels import place_name_label, sector_labels

bp = Blueprint("p2p", __name__, template_folder="templates")

RADIUS_CHOICES = (5, 10, 25, 50, 100, 250)


def refusal_message(code: str, *, timed: bool = False) -> str:
    """Why a booking action could not happen, in words the member understands."""
    messages = {
        "taken": _(
            "Those days are already booked: another booking was accepted for them. Choose other days."
        ),
        "unavailable": _(
            "The owner marked some of those days as unavailable. Choose days inside the availability shown."
        ),
        "past": _("The first day is in the past."),
        "reversed": _("The last day comes before the first."),
        "dates": _("Choose the first and the last day."),
        "horizon": _("Bookings can be asked for at most a year ahead."),
        "too_long": _("A booking lasts at most %(n)d days.", n=service.BOOKING_MAX_DAYS),
        "own": _("This is your own listing."),
        "no_owner": _("This listing has no account behind it yet; contact its owner through the directory."),
        "not_bookable": _("This listing cannot be booked."),
        "state": _("This booking has changed in the meantime; nothing was done."),
        "not_found": _("This booking has changed in the meantime; nothing was done."),
        "review": _("You can no longer review this booking."),
        "session": _("Choose the day and the start and end time of the session."),
        "reversed_time": _("The session ends before it starts."),
        "too_short": _("A session lasts at least %(n)d minutes.", n=service.SESSION_MIN_MINUTES),
        "session_too_long": _("A session lasts at most %(n)d hours.", n=service.SESSION_MAX_HOURS),
        "no_slot": _("Choose a time inside one of the weekly slots shown on this page."),
    }
    if timed:
        messages["taken"] = _(
            "That time is already booked: another session was accepted for it. Choose another time."
        )
        messages["past"] = _("That time is in the past.")
        messages["unavailable"] = _(
            "The owner marked that day as unavailable. Choose a day inside the availability shown."
        )
    return messages.get(code, messages["state"])


# ------------------------------------------------------------------------------ weekly slots


def slot_lines(listing: Listing) -> list[str]:
    """The weekly slots as people say them: "Monday – Friday 09:00–17:00", "Tuesday 14:00–18:00".
    Three or more days in a row with the same hours make one line."""
    by_hours: dict[tuple[Any, Any], list[int]] = {}
    for slot in listing.slots:
        by_hours.setdefault((slot.starts_at, slot.ends_at), []).append(slot.weekday)
    lines: list[tuple[int, str]] = []
    for (start, end), days in by_hours.items():
        hours = f"{start:%H:%M}–{end:%H:%M}"
        runs: list[list[int]] = []
        for day in sorted(days):
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        for run in runs:
            if len(run) >= 3:
                label = f"{weekday_name(run[0])} – {weekday_name(run[-1])}"
                lines.append((run[0], f"{label} {hours}"))
            else:
                lines.extend((day, f"{weekday_name(day)} {hours}") for day in run)
    return [text for _day, text in sorted(lines, key=lambda x: (x[0], x[1]))]


def booking_when(booking: Booking, width: str = "full") -> str:
    """A booking's days, or a session's day and local times, in the reader's language."""
    if booking.timed:
        return _(
            "%(day)s, %(start)s–%(end)s",
            day=format_date(booking.starts_on, width),
            start=format_time(booking.starts_at, "HH:mm"),
            end=format_time(booking.ends_at, "HH:mm"),
        )
    return f"{format_date(booking.starts_on, width)} – {format_date(booking.ends_on, width)}"


def status_label(status: str) -> str:
    return {
        "draft": _("Draft"),
        "active": _("Active"),
        "paused": _("Paused"),
        "closed": _("Closed"),
        "requested": _("Requested"),
        "accepted": _("Accepted"),
        "handed_over": _("Handed over"),
        "returned": _("Returned"),
        "declined": _("Declined"),
        "cancelled": _("Cancelled"),
        "no_show": _("No-show"),
    }.get(status, status)


def action_label(action: str) -> str:
    return {
        "accept": _("Accept"),
        "decline": _("Decline"),
        "cancel": _("Cancel the booking"),
        "handover": _("Mark as handed over"),
        "return": _("Mark as returned"),
        "noshow": _("Mark as no-show"),
    }[action]


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "p2p_kind_label": kind_label,
        "p2p_type_label": type_label,
        "p2p_status_label": status_label,
        "p2p_action_label": action_label,
        "p2p_photos_max": PHOTOS_MAX,
        "p2p_when": booking_when,
    }


def _listing_or_404(listing_id: int, *, edit: bool = False) -> Listing:
    listing = db.session.get(Listing, listing_id)
    allowed = can_edit(current_user, listing) if edit else can_view(current_user, listing)
    if not allowed:
        abort(404)
    return listing  # type: ignore[return-value]


def _booking_or_404(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if not is_party(current_user, booking):
        abort(404)
    return booking  # type: ignore[return-value]


def _commit_and_wake() -> None:
    db.session.commit()
    wake_indexer()


# ------------------------------------------------------------------------------------- search


def _field_labels() -> dict[str, str]:
    return {
        "q": _("Search"),
        "place": _("Place"),
        "radius_km": _("Within"),
        "sector": _("Sector"),
        "kind": _("Kind"),
        "type": _("Offer or request"),
        "language": _("Language"),
        "country": _("Country"),
        "region": _("Region"),
        "city": _("City"),
        "available_from": _("Available from"),
        "available_to": _("Available until"),
        "mode": _("Mode"),
        "page": _("Page"),
        "per_page": _("Results per page"),
        "sort": _("Sort"),
    }


@bp.get("/board")
def index():
    """Offers and requests: one search box, filters (kind, offer/request, sector, place, dates)."""
    lang = current_language()
    if current_user.is_authenticated:
        no_store()
    error: ParamError | None = None
    page = None
    try:
        page = run_search_page("listing", request.args, current_user, lang)
    except ParamError as exc:
        error = exc
    html = render_template(
        "p2p/search.html",
        page=page,
        error=error,
        args=request.args,
        kinds=[(k, kind_label(k)) for k in KINDS],
        types=[(t, type_label(t)) for t in TYPES],
        sectors=get_taxonomy().choices("sector", lang),
        radius_choices=RADIUS_CHOICES,
        field_labels=_field_labels(),
        can_create=can_create(current_user),
    )
    return html, (400 if error else 200)


# ------------------------------------------------------------------------------------ listings


def month_grid(listing: Listing, month: date) -> list[list[tuple[date | None, str]]]:
    """Weeks (Monday first) of ``month``, each day with its state (free, booked, unavailable)."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    states = service.day_states(listing, first, last)
    weeks: list[list[tuple[date | None, str]]] = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([(d, states[d]) if d.month == first.month else (None, "") for d in week])
    return weeks


def _booking_form(item: Listing, form: Any = None) -> Any:
    """The listing's booking form (whole days, or a session at a time) with its pickers bounded:
    no day before today, none past the last available day (the server refuses whatever else is
    sent, with a message; static/js/board.js also marks the days that cannot be asked for)."""
    timed = service.is_timed(item)
    if form is None:
        form = SessionForm() if timed else BookingForm()
    bounds = {"min": date.today().isoformat()}
    ends = [w.ends_on for w in item.windows]
    if ends and all(ends):
        bounds["max"] = max(ends).isoformat()  # type: ignore[type-var]
    for name in ("day",) if timed else ("starts_on", "ends_on"):
        getattr(form, name).render_kw = dict(bounds, **{"data-closed-days": "closed-days"})
    return form


def _closed_days(item: Listing) -> str:
    """Runs of days that cannot be asked for, from today to the booking horizon, as
    "YYYY-MM-DD/YYYY-MM-DD" pairs (the board.js marks a picked day that falls in one)."""
    today = date.today()
    runs = service.closed_days(item, today, today + timedelta(days=service.BOOKING_HORIZON_DAYS))
    return " ".join(f"{a.isoformat()}/{b.isoformat()}" for a, b in runs)


def _listing_context(item: Listing, month: date) -> dict[str, Any]:
    """What the listing page shows besides its forms (shared by the page and a refused booking)."""
    lang = current_language()
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    timed = service.is_timed(item)
    return {
        "listing": item,
        "weeks": month_grid(item, month),
        "weekdays": [weekday_name(i, "EEE") for i in range(7)],
        "month": month,
        "prev_month": (month - timedelta(days=1)).replace(day=1),
        "next_month": (month + timedelta(days=32)).replace(day=1),
        "report_form": ReportForm(),
        "may_book": can_book(current_user, item),
        "may_report": can_report(current_user, item),
        "may_edit": can_edit(current_user, item),
        "staff": is_staff(current_user),
        "owner_name": owner_name(item),
        "place_label": place_name_label(item, lang) or "",
        "sector_names": sector_labels(item.sectors, lang),
        "reviews": service.listing_reviews(item.id),
        "today": date.today(),
        "timed": timed,
        "slot_lines": slot_lines(item),
        "booked_sessions": service.held_sessions(item, first, last) if timed else [],
        "closed_days": _closed_days(item) if item.type == "offer" else "",
    }


def _shown_month(day: date | None) -> date:
    """The month the calendar shows for a day: this month when none, or at the calendar's edge."""
    if day is None or not service.FIRST_DAY <= day <= service.LAST_DAY:
        day = date.today()
    return day.replace(day=1)


def _month_arg() -> date:
    raw = request.args.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-", 1))
        return _shown_month(date(year, month, 1))
    except ValueError:
        return _shown_month(None)


@bp.get("/board/listings/<int:listing_id>")
def listing(listing_id: int):
    """A listing with its month calendar, its reviews, and the booking form for members."""
    item = _listing_or_404(listing_id)
    if item.visibility != "public" or can_edit(current_user, item):
        no_store()
    month = _month_arg()
    mentor_card = None
    if item.kind in ("mentoring", "coaching") and item.type == "offer":
        card = item.profile or (getattr(item.user, "member_profile", None) if item.user else None)
        from webapp.core.permissions import may_see

        if card is not None and may_see(current_user, card):
            mentor_card = card
    from webapp.p2p.matching import matches_for

    return render_template(
        "p2p/listing.html",
        **_listing_context(item, month),
        booking_form=_booking_form(item),
        mentor_card=mentor_card,
        matches=matches_for(item, current_user),
    )


def _initial(listing: Listing | None, lang: str) -> dict[str, Any]:
    if listing is None:
        language = lang if lang in ("nl", "fr", "de", "en") else "en"
        return {"type": "offer", "kind": "equipment", "language": language, "audience": "community"}
    window = listing.windows[0] if listing.windows else None
    return {
        "type": listing.type,
        "kind": listing.kind,
        "title": listing.title,
        "description": listing.description,
        "language": listing.language,
        "sectors": listing.sectors,
        "conditions": listing.conditions,
        "pickup_address": listing.pickup_address,
        "audience": listing.audience,
        "place": place_name_label(listing, lang) or "",
        "available_from": window.starts_on if window else None,
        "available_to": window.ends_on if window else None,
        # The listing's weekly slots, one row each, then empty rows to add more.
        "slots": [
            {"weekday": str(slot.weekday), "starts_at": slot.starts_at, "ends_at": slot.ends_at}
            for slot in listing.slots
        ]
        + [{}] * SLOT_ROWS_EMPTY,
    }


def _edit(listing: Listing | None):
    no_store()
    lang = current_language()
    form = ListingForm(data=_initial(listing, lang))
    form.setup_choices(lang)
    resolution = None
    if form.validate_on_submit():
        resolution = resolve_place(form.place.data, lang=lang, choice=form.place_choice.data, current=listing)
        if not place_error(form, resolution):
            raw = {
                name: getattr(form, name).data
                for name in (
                    "type",
                    "kind",
                    "title",
                    "description",
                    "language",
                    "sectors",
                    "conditions",
                    "pickup_address",
                    "audience",
                )
            }
            raw["windows"] = [(form.available_from.data, form.available_to.data)]
            raw["slots"] = form.slot_rows()
            try:
                data = service.clean_listing_data(raw)
            except InputError as exc:
                target = form.slots if "slot" in str(exc) else form.title
                target.errors = list(target.errors) + [str(exc)]
            else:
                created = listing is None
                profile = getattr(current_user, "member_profile", None)
                item = service.save_listing(
                    listing,
                    data,
                    user_id=current_user.id,
                    place=resolution.place,
                    keep_place=resolution.status == "kept",
                    profile_id=profile.id if profile is not None else None,
                )
                _commit_and_wake()
                flash(
                    _("Your listing was saved as a draft. Make it active when it is ready.")
                    if created
                    else _("Your listing was saved."),
                    "success",
                )
                return redirect(url_for("p2p.listing", listing_id=item.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "p2p/edit.html",
        form=form,
        listing=listing,
        place_choices=place_choices(resolution, lang),
        photo_form=PhotoForm() if listing is not None else None,
    ), status


@bp.route("/board/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_create(current_user):
        abort(404)
    return _edit(None)


@bp.route("/board/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def edit(listing_id: int):
    return _edit(_listing_or_404(listing_id, edit=True))


# -------------------------------------------------------------------------------------- photos


@bp.get("/board/photos/<filename>")
def photo(filename: str):
    """A listing's photo, only to those who may see the listing itself (404 for anyone else)."""
    path = photos.photo_path(filename, PHOTO_FOLDER)
    row = service.photo_by_filename(filename) if path is not None else None
    item = db.session.get(Listing, row.listing_id) if row is not None else None
    if item is None or not can_view(current_user, item) or not path.exists():  # type: ignore[union-attr]
        abort(404)
    response = send_file(path, mimetype="image/webp", conditional=True, etag=True, max_age=0)  # type: ignore[arg-type]
    if item.visibility == "public" and not can_edit(current_user, item):
        response.headers["Cache-Control"] = "public, max-age=300"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/board/listings/<int:listing_id>/photos")
@login_required
def add_photo(listing_id: int):
    """The owner adds one photo (at most PHOTOS_MAX); checked, re-encoded and stored by the
    platform's upload rules. A refusal shows the edit page again with the reason."""
    item = _listing_or_404(listing_id, edit=True)
    no_store()
    photo_form = PhotoForm()
    error = None
    if photo_form.validate_on_submit():
        upload = photo_form.photo.data
        if len(item.photos) >= PHOTOS_MAX:
            error = _("A listing has at most %(n)d photos: remove one first.", n=PHOTOS_MAX)
        elif not upload or not getattr(upload, "filename", ""):
            error = _("Choose a photo first.")
        else:
            try:
                payload = photos.process_photo(upload.stream)
            except photos.PhotoError as exc:
                error = photos.photo_message(exc.code)
            else:
                filename = photos.store_processed(payload, PHOTO_FOLDER)
                try:
                    added = service.add_photo(item, filename)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    photos.delete_photo(filename, PHOTO_FOLDER)
                    raise
                if added is not None:
                    flash(_("The photo is added."), "success")
                    return redirect(url_for("p2p.edit", listing_id=item.id))
                photos.delete_photo(filename, PHOTO_FOLDER)  # another upload took the last place
                error = _("A listing has at most %(n)d photos: remove one first.", n=PHOTOS_MAX)
    else:
        abort(400)
    photo_form.photo.errors = [error]
    lang = current_language()
    form = ListingForm(formdata=None, data=_initial(item, lang))
    form.setup_choices(lang)
    return render_template(
        "p2p/edit.html",
        form=form,
        listing=item,
        place_choices=place_choices(None, lang),
        photo_form=photo_form,
    ), 400


@bp.post("/board/listings/<int:listing_id>/photos/<int:photo_id>/delete")
@login_required
def delete_photo(listing_id: int, photo_id: int):
    """The owner removes one photo; the file goes once the row is gone."""
    item = _listing_or_404(listing_id, edit=True)
    filename = service.remove_photo(item, photo_id)
    if filename is None:
        abort(404)
    db.session.commit()
    photos.delete_photo(filename, PHOTO_FOLDER)
    flash(_("The photo is removed."), "success")
    return redirect(url_for("p2p.edit", listing_id=item.id))


@bp.post("/board/listings/<int:listing_id>/status")
@login_required
def set_status(listing_id: int):
    """Draft → active → paused → closed: the owner's one-click switch."""
    item = _listing_or_404(listing_id, edit=True)
    status = request.form.get("status", "")
    if status not in STATUSES:
        abort(400)
    if status == "active" and not getattr(current_user, "is_verified", False):
        flash(_("Confirm your e-mail address before you make a listing active."), "error")
        return redirect(url_for("p2p.listing", listing_id=item.id))
    if service.set_status(item, status, actor_id=current_user.id):
        _commit_and_wake()
        if status == "active" and item.type == "request":
            from webapp.p2p.matching import queue_notices

            queue_notices(item, current_user)  # the fitting offers' owners hear of it in their digest
            db.session.commit()
        flash(_("The listing is now: %(status)s.", status=status_label(status)), "success")
    return redirect(url_for("p2p.listing", listing_id=item.id))


@bp.get("/board/mine")
@login_required
def mine():
    no_store()
    from webapp.p2p.matching import wants_digest

    return render_template(
        "p2p/mine.html",
        listings=service.my_listings(current_user.id),
        can_create=can_create(current_user),
        digest=wants_digest(current_user.id),
    )


@bp.post("/board/digest")
@login_required
def digest():
    """Switch the daily "wanted" digest on or off."""
    from webapp.p2p.matching import set_digest

    wanted = request.form.get("digest") == "1"
    set_digest(current_user.id, wanted)
    db.session.commit()
    if wanted:
        flash(_("You will get the daily digest of fitting requests."), "success")
    else:
        flash(_("You will no longer get the daily digest."), "success")
    return redirect(url_for("p2p.mine"))


@bp.post("/board/listings/<int:listing_id>/report")
@login_required
def report(listing_id: int):
    item = _listing_or_404(listing_id)
    if not can_report(current_user, item):
        abort(404)
    form = ReportForm()
    if not form.validate_on_submit():
        flash(_("Tell staff what is wrong."), "error")
        return redirect(url_for("p2p.listing", listing_id=item.id))
    service.report_listing(item, reporter_id=current_user.id, reason=form.reason.data)
    db.session.commit()
    flash(_("Thank you: staff will look at this listing."), "success")
    return redirect(url_for("p2p.listing", listing_id=item.id))


@bp.post("/board/listings/<int:listing_id>/hide")
@login_required
def hide(listing_id: int):
    """Staff take a listing off the board, or put it back (audit-logged)."""
    item = db.session.get(Listing, listing_id)
    if not is_staff(current_user) or item is None or item.status == "draft":
        abort(404)
    hidden = request.form.get("hidden", "1") == "1"
    if service.hide_listing(
        item, staff_id=current_user.id, hidden=hidden, reason=request.form.get("reason", "")
    ):
        _commit_and_wake()
        flash(
            _("The listing is hidden from the board.") if hidden else _("The listing is back on the board."),
            "success",
        )
    return redirect(url_for("p2p.listing", listing_id=item.id))


@bp.get("/board/staff/reports")
@login_required
def staff_reports():
    if not is_staff(current_user):
        abort(404)
    no_store()
    return render_template("p2p/staff_reports.html", reports=service.open_reports())


# ------------------------------------------------------------------------------------ bookings


@bp.post("/board/listings/<int:listing_id>/book")
@login_required
def book(listing_id: int):
    """Ask for days, or for a session at a time; what is unavailable or already booked is refused
    with a message, and what was typed stays in the form."""
    item = _listing_or_404(listing_id)
    if not can_book(current_user, item):
        abort(404)
    timed = service.is_timed(item)
    form = SessionForm() if timed else BookingForm()
    if form.validate_on_submit():
        try:
            if timed:
                booking = service.request_session(
                    item,
                    current_user,
                    form.day.data,
                    form.start_time.data,
                    form.end_time.data,
                    form.note.data or "",
                )
            else:
                booking = service.request_booking(
                    item, current_user, form.starts_on.data, form.ends_on.data, form.note.data or ""
                )
        except service.BookingRefused as exc:
            first = form.day if timed else form.starts_on
            first.errors = list(first.errors) + [refusal_message(exc.code, timed=timed)]
        else:
            db.session.commit()
            flash(_("Your request was sent to the owner."), "success")
            return redirect(url_for("p2p.booking", booking_id=booking.id))
    picked = form.day.data if timed else form.starts_on.data
    month = _shown_month(picked if isinstance(picked, date) else None)
    return render_template(
        "p2p/listing.html",
        **_listing_context(item, month),
        booking_form=_booking_form(item, form),
        mentor_card=None,
        matches=[],
    ), 400


@bp.get("/board/bookings")
@login_required
def bookings():
    no_store()
    return render_template("p2p/bookings.html", bookings=service.my_bookings(current_user.id))


@bp.get("/board/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int):
    """The booking between its two parties: state, actions, thread, address once accepted."""
    item = _booking_or_404(booking_id)
    no_store()
    review = service.own_review(item, current_user.id)
    reviews = list(db.session.scalars(select(Review).where(Review.booking_id == item.id)))
    return render_template(
        "p2p/booking.html",
        booking=item,
        role=service.party_role(current_user.id, item),
        actions=service.allowed_actions(current_user.id, item),
        show_address=service.may_see_address(current_user.id, item),
        message_form=MessageForm(),
        review_form=ReviewForm(data={"rating": str(review.rating), "text": review.text} if review else None),
        may_review=service.can_review(current_user.id, item),
        reviews=reviews,
    )


@bp.post("/board/bookings/<int:booking_id>/<action>")
@login_required
def act(booking_id: int, action: str):
    """accept | decline | cancel | handover | return | noshow, by the party allowed to."""
    item = _booking_or_404(booking_id)
    if action != "accept" and action not in service.TRANSITIONS:
        abort(404)
    if action not in service.allowed_actions(current_user.id, item):
        abort(404)
    try:
        if action == "accept":
            service.accept_booking(item.id, actor_id=current_user.id)
        else:
            service.change_booking(item, action, actor_id=current_user.id)
            db.session.commit()
    except service.BookingRefused as exc:
        db.session.rollback()
        flash(refusal_message(exc.code, timed=item.timed), "error")
        return redirect(url_for("p2p.booking", booking_id=booking_id)), 303
    wake_indexer()
    flash(_("Done: the other side was told by mail."), "success")
    return redirect(url_for("p2p.booking", booking_id=booking_id))


@bp.post("/board/bookings/<int:booking_id>/messages")
@login_required
def message(booking_id: int):
    item = _booking_or_404(booking_id)
    form = MessageForm()
    if form.validate_on_submit():
        service.post_message(item, sender_id=current_user.id, body=form.body.data)
        db.session.commit()
        flash(_("Message sent."), "success")
    else:
        flash(_("Write a message first."), "error")
    return redirect(url_for("p2p.booking", booking_id=item.id))


@bp.post("/board/bookings/<int:booking_id>/review")
@login_required
def review(booking_id: int):
    item = _booking_or_404(booking_id)
    if not service.can_review(current_user.id, item):
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        service.save_review(
            item, author_id=current_user.id, rating=int(form.rating.data), text=form.text.data or ""
        )
        db.session.commit()
        flash(_("Thank you for your review."), "success")
    return redirect(url_for("p2p.booking", booking_id=item.id))


@bp.get("/board/bookings/<int:booking_id>/booking.ics")
@login_required
def booking_ics(booking_id: int):
    """ "Add to my calendar": an accepted (or handed-over) booking as an all-day event, or a
    session with its times."""
    item = _booking_or_404(booking_id)
    if item.status not in ("accepted", "handed_over"):
        abort(404)
    domain = (
        (current_app.config.get("BASE_URL") or "kring.localhost").split("//")[-1].split("/")[0].split(":")[0]
    )
    response = Response(service.booking_ics(item, domain=domain), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="booking-{item.id}.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------- home and dashboard


def home_newest(viewer: Any) -> dict[str, Any] | None:
    """The board's newest offers and requests on the home page."""
    rows = service.newest_listings(visible_visibilities(viewer))
    if not rows:
        return None
    return {"template": "p2p/_home_newest.html", "listings": rows}


def dashboard_section(user: Any) -> dict[str, Any] | None:
    if not can_create(user) and not service.my_bookings(user.id):
        return None
    listings = service.my_listings(user.id)
    waiting = [b for b in service.my_bookings(user.id) if b.status == "requested" and b.owner_id == user.id]
    return {
        "template": "p2p/_dashboard.html",
        "listings": listings,
        "waiting": waiting,
        "can_create": can_create(user),
    }
