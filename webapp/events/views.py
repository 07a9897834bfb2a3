"""The events calendar: list and month views, event pages, create/edit, RSVP, attendees, feeds, groups.

Views stay thin: permissions from ``events.permissions``, logic in ``events.service``, the search
from ``core.search.page.run``. Anything a viewer may not see or manage is a 404 and changes nothing.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.core.forms import place_error
from webapp.core.i18n import current_language
from webapp.core.models import utcnow
from webapp.core.permissions import is_staff, visible_visibilities
from webapp.core.places import PlaceResolution, place_choices, resolve_place
from webapp.core.search import wake_indexer
from webapp.core.search.params import ParamError
from webapp.core.security import no_store
from webapp.events import ics, service
from webapp.events.documents import category_label, load_events
from webapp.events.forms import (
    DATETIME_FORMAT,
    DigestForm,
    EmptyForm,
    EventForm,
    GroupForm,
    GroupRoleForm,
    MailAttendeesForm,
    OccurrenceForm,
    RsvpForm,
    parse_local,
)
from webapp.events.models import CATEGORIES, Event, EventGroup, GroupMember, Rsvp
from webapp.events.permissions import (
    can_edit_event,
    can_edit_group,
    is_group_member,
    is_group_organiser,
    may_create_event,
    may_create_group,
    may_organise_as,
    may_rsvp,
    may_see_event,
    may_see_group,
)
from webapp.events.recurrence import local, next_occurrence, occurrences
from webapp.events.search import NEAR_ME_KM, for_you, member_place, search_events
from webapp.extensions import db
from webapp.taxonomy.labels import taxonomy_label

bp = Blueprint("events", __name__, template_folder="templates")
UTC = UTC
FEED_MAX = 500


def _commit_and_wake() -> None:
    db.session.commit()
    wake_indexer()


def _event_or_404(event_id: int) -> Event:
    event = load_events([event_id]).get(event_id)
    if not may_see_event(current_user, event):
        abort(404)
    return event  # type: ignore[return-value]


def _managed_or_404(event_id: int) -> Event:
    event = load_events([event_id]).get(event_id)
    if not can_edit_event(current_user, event):
        abort(404)
    no_store()
    return event  # type: ignore[return-value]


# ------------------------------------------------------------------------------- calendar pages


def _month(value: str) -> date:
    try:
        year, month = (int(p) for p in value.split("-", 1))
        return date(year, month, 1)
    except (ValueError, TypeError):
        today = utcnow().date()
        return date(today.year, today.month, 1)


@bp.get("/events")
def index():
    """The calendar: a list (soonest first without words) or a month grid, with the search's filters."""
    lang = current_language()
    if current_user.is_authenticated:
        no_store()
    view = request.args.get("view", "list")
    args = request.args.copy()
    near_card = member_place(current_user)
    if args.get("near") == "me" and near_card is not None and not args.get("place"):
        args["place"], args["radius_km"] = str(near_card.place_id), args.get("radius_km") or str(NEAR_ME_KM)
    month = None
    if view == "month":
        month = _month(request.args.get("month", ""))
        last = date(month.year, month.month, pycalendar.monthrange(month.year, month.month)[1])
        args["from"], args["to"] = month.isoformat(), last.isoformat()
    week = None
    if view == "week":
        try:
            picked = date.fromisoformat(request.args.get("week", ""))
        except ValueError:
            picked = utcnow().date()
        week = picked - timedelta(days=picked.weekday())
        args["from"], args["to"] = week.isoformat(), (week + timedelta(days=6)).isoformat()
    error: ParamError | None = None
    page = None
    results: list[Any] = []
    try:
        if month or week:
            page, results = _whole_period(args, lang)
        else:
            page = search_events(args, current_user, lang)
            results = page.results
    except ParamError as exc:
        error = exc
    grid = _month_grid(month, results) if month else (_week_grid(week, results) if week else None)
    html = render_template(
        "events/calendar.html",
        page=page,
        error=error,
        view=view,
        month=month,
        grid=grid,
        args=request.args,
        categories=[(c, category_label(c, lang)) for c in CATEGORIES],
        prev_month=_shift(month, -1) if month else None,
        next_month=_shift(month, 1) if month else None,
        week=week,
        prev_week=(week - timedelta(days=7)).isoformat() if week else None,
        next_week=(week + timedelta(days=7)).isoformat() if week else None,
        feed_url=url_for("events.feed", **_feed_args(request.args), _external=True),
        webcal=ics.webcal,
        may_create=may_create_event(current_user),
        near_me=near_card is not None,
    )
    return html, (400 if error else 200)


#: A month or week view shows every event of its period, fetched this many per search page,
#: up to PERIOD_MAX events (the search's deepest page is far beyond).
PERIOD_PAGE = 50
PERIOD_MAX = 2000


def _whole_period(args: Any, lang: str) -> tuple[Any, list[Any]]:
    """The first search page (facets, notices) and the results of every page of the period."""
    args = args.copy()
    args["per_page"] = str(PERIOD_PAGE)
    first = None
    results: list[Any] = []
    seen: set[int] = set()
    for number in range(1, PERIOD_MAX // PERIOD_PAGE + 1):
        args["page"] = str(number)
        page = search_events(args, current_user, lang)
        first = first or page
        for result in page.results:
            if result.id not in seen:
                seen.add(result.id)
                results.append(result)
        if number >= page.pages or not page.results:
            break
    return first, results


def _shift(month: date, n: int) -> str:
    year, m = month.year + (month.month - 1 + n) // 12, (month.month - 1 + n) % 12 + 1
    return f"{year:04d}-{m:02d}"


def _feed_args(args: Any) -> dict[str, Any]:
    keep = ("q", "place", "radius_km", "sector", "category", "language", "group", "city", "country", "region")
    return {k: args.getlist(k) for k in keep if args.getlist(k)}


def _week_grid(week: date, results: list[Any]) -> list[list[dict[str, Any]]]:
    """One row: the seven days from Monday ``week``, each with its occurrences."""
    by_day = _occurrences_by_day(week, week + timedelta(days=6), results)
    return [
        [
            {"day": d, "in_month": True, "entries": sorted(by_day.get(d, []), key=lambda i: i["time"])}
            for d in (week + timedelta(days=n) for n in range(7))
        ]
    ]


def _occurrences_by_day(
    first_day: date, last_day: date, results: list[Any]
) -> dict[date, list[dict[str, Any]]]:
    """The occurrences of ``results`` on each day from ``first_day`` to ``last_day`` (event's zone)."""
    by_day: dict[date, list[dict[str, Any]]] = {}
    until = datetime.combine(last_day + timedelta(days=2), datetime.min.time(), UTC)
    for result in results:
        event = result.row
        for occ in occurrences(event, until=until):
            day = local(occ.start, event.timezone).date()
            if first_day <= day <= last_day:
                by_day.setdefault(day, []).append(
                    {
                        "title": result.title,
                        "url": url_for("events.event", event_id=event.id),
                        "time": local(occ.start, event.timezone).strftime("%H:%M"),
                        "moved": occ.moved,
                    }
                )
    return by_day


def _month_grid(month: date, results: list[Any]) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of days, each with the occurrences falling on it in the event's zone."""
    last_day = date(month.year, month.month, pycalendar.monthrange(month.year, month.month)[1])
    by_day = _occurrences_by_day(month, last_day, results)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                {
                    "day": d,
                    "in_month": d.month == month.month,
                    "entries": sorted(by_day.get(d, []), key=lambda i: i["time"]),
                }
                for d in week
            ]
        )
    return weeks


# ------------------------------------------------------------------------------- the event page


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    """One event in the reader's language first, with a switcher to its other languages."""
    ev = _event_or_404(event_id)
    lang = current_language()
    if ev.visibility != "public" or current_user.is_authenticated:
        no_store()
    texts = service.ordered_texts(ev, lang)
    shown = request.args.get("text")
    current = next((t for t in texts if t.lang == shown), texts[0] if texts else None)
    upcoming = [o for o in occurrences(ev, include_cancelled=True) if o.end >= utcnow()][:12]
    mine = service.own_rsvp(ev, current_user)
    organiser = can_edit_event(current_user, ev)
    public_attendees = [r for r in service.attendees(ev, "going") if r.public]
    return render_template(
        "events/event.html",
        event=ev,
        texts=texts,
        current=current,
        upcoming=upcoming,
        next_occ=next_occurrence(ev),
        local=local,
        mine=mine,
        position=service.waiting_position(mine) if mine is not None and mine.status == "waiting" else None,
        organiser=organiser,
        may_rsvp=may_rsvp(current_user, ev),
        open=service.registration_open(ev),
        category=category_label(ev.category, lang),
        rsvp_form=RsvpForm(),
        occurrence_form=OccurrenceForm(),
        public_attendees=public_attendees,
        member_name=service.member_name,
        ics_url=url_for("events.event_ics", event_id=ev.id, _external=True),
        webcal=ics.webcal,
    )


def _organisers(user: Any) -> list[tuple[str, str]]:
    options = []
    if getattr(user, "is_member", False) or is_staff(user):
        options.append(("member", _("Me")))
    for group in service.user_groups(user, "organiser"):
        options.append((f"group:{group.id}", group.name))
    if is_staff(user):
        options.append(("staff", _("The cooperative (staff)")))
    return options


def _event_form(ev: Event | None) -> EventForm:
    form = EventForm()
    form.setup(current_language(), _organisers(current_user))
    if request.method == "GET" and ev is not None:
        texts = ev.texts
        for n, text in enumerate(texts[:3], start=1):
            getattr(form, f"lang_{n}").data = text.lang
            getattr(form, f"title_{n}").data = text.title
            getattr(form, f"description_{n}").data = text.description
        form.category.data = ev.category
        form.organiser.data = f"group:{ev.group_id}" if ev.organiser_kind == "group" else ev.organiser_kind
        form.languages.data = list(ev.languages or [])
        form.sectors.data = ev.sectors
        form.timezone.data = ev.timezone
        form.start.data = local(ev.starts_at, ev.timezone).strftime(DATETIME_FORMAT)
        form.end.data = local(ev.ends_at, ev.timezone).strftime(DATETIME_FORMAT)
        form.rrule.data = ev.rrule
        form.venue.data = ev.venue
        form.place.data = ev.place_name
        form.online_url.data = ev.online_url
        form.capacity.data = ev.capacity
        if ev.registration_deadline:
            form.registration_deadline.data = local(ev.registration_deadline, ev.timezone).strftime(
                DATETIME_FORMAT
            )
        form.status.data = ev.status
        form.visibility.data = ev.visibility if ev.visibility != "draft" else "community"
    elif request.method == "GET":
        form.lang_1.data = current_language()
        form.languages.data = [current_language()]
    return form


def _save(ev: Event | None):
    form = _event_form(ev)
    resolution: PlaceResolution | None = None
    if form.validate_on_submit():
        resolution = resolve_place(form.place.data, choice=form.place_choice.data, current=ev)
        kind, _sep, group = form.organiser.data.partition(":")
        group_id = int(group) if group.isdigit() else None
        if not may_organise_as(current_user, kind, group_id):
            form.organiser.errors = list(form.organiser.errors) + [_("You cannot organise in this name.")]
        elif not place_error(form, resolution):
            tz = form.timezone.data
            data = service.EventData(
                texts=form.texts(),
                category=form.category.data,
                languages=form.languages.data or [],
                sectors=form.sectors.data or [],
                timezone=tz,
                starts_at=parse_local(form.start.data, tz),  # type: ignore[arg-type]
                ends_at=parse_local(form.end.data, tz),  # type: ignore[arg-type]
                rrule=form.rrule.data or None,
                venue=form.venue.data,
                place=resolution.place if resolution.status in ("ok", "kept") else None,
                online_url=form.online_url.data,
                capacity=None,
                registration_deadline=parse_local(form.registration_deadline.data, tz),
                organiser_kind=kind,
                group_id=group_id,
            )
            if ev is None:
                ev = service.create_event(current_user, data)
            else:
                data.capacity = ev.capacity
                service.update_event(ev, data)
            service.set_capacity(ev, form.capacity.data)
            service.set_status(ev, form.status.data, form.visibility.data, actor_id=current_user.id)
            _commit_and_wake()
            flash(_("The event is saved."), "success")
            return redirect(url_for("events.event", event_id=ev.id))
    return render_template(
        "events/edit.html", form=form, event=ev, place_choices=place_choices(resolution)
    ), (400 if request.method == "POST" else 200)


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new():
    """Members, group organisers and staff organise events; it starts as a draft unless published."""
    if not may_create_event(current_user):
        abort(404)
    no_store()
    return _save(None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    """Only organisers edit (others: 404, nothing changed)."""
    return _save(_managed_or_404(event_id))


@bp.post("/events/<int:event_id>/occurrence")
@login_required
def occurrence(event_id: int):
    """Cancel, move or restore one occurrence of a recurring event."""
    ev = _managed_or_404(event_id)
    form = OccurrenceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        original = datetime.fromisoformat(form.original.data).astimezone(UTC)
    except ValueError:
        abort(400)
    known = {o.original_start for o in occurrences(ev, include_cancelled=True)}
    if original not in known:
        abort(400)
    if form.action.data == "cancel":
        service.set_occurrence(ev, original, cancelled=True)
    elif form.action.data == "restore":
        service.restore_occurrence(ev, original)
    else:
        start = parse_local(form.start.data, ev.timezone)
        end = parse_local(form.end.data, ev.timezone)
        if start is None:
            flash(_("Give the new start of this date."), "error")
            return redirect(url_for("events.event", event_id=ev.id))
        if end is None or end <= start:
            end = start + (ev.ends_at - ev.starts_at)
        service.set_occurrence(
            ev, original, cancelled=False, starts_at=start.astimezone(UTC), ends_at=end.astimezone(UTC)
        )
    _commit_and_wake()
    flash(_("The date is updated."), "success")
    return redirect(url_for("events.event", event_id=ev.id))


# ------------------------------------------------------------------------------- RSVP and attendees


@bp.post("/events/<int:event_id>/rsvp")
@login_required
def rsvp(event_id: int):
    """Going or not going; a full event puts you on the waiting list, first come first served."""
    ev = _event_or_404(event_id)
    form = RsvpForm()
    if not form.validate_on_submit():
        abort(400)
    going = form.going.data == "yes"
    if going and not may_rsvp(current_user, ev):
        abort(404)
    try:
        row = service.rsvp(ev.id, current_user, going, public=bool(form.public.data))
    except service.RsvpError:
        flash(_("Registration for this event is closed."), "error")
        return redirect(url_for("events.event", event_id=event_id))
    if row is None or row.status == "not_going":
        flash(_("You are not going."), "success")
    elif row.status == "going":
        flash(_("You are going. See you there!"), "success")
    else:
        flash(
            _("The event is full: you are on the waiting list. We mail you when a place frees up."), "success"
        )
    return redirect(url_for("events.event", event_id=event_id))


@bp.get("/events/<int:event_id>/attendees")
@login_required
def attendees(event_id: int):
    """The attendee list: private to organisers."""
    ev = _managed_or_404(event_id)
    rows = [r for r in service.attendees(ev) if r.status != "not_going"]
    return render_template(
        "events/attendees.html",
        event=ev,
        rows=rows,
        member_name=service.member_name,
        title=service.display_title(ev, current_language()),
        form=EmptyForm(),
        mail_form=MailAttendeesForm(),
    )


@bp.get("/events/<int:event_id>/attendees.csv")
@login_required
def attendees_csv(event_id: int):
    ev = _managed_or_404(event_id)
    response = Response(service.attendees_csv(ev), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="event-{ev.id}-attendees.csv"'
    return response


@bp.post("/events/<int:event_id>/attendees/<int:rsvp_id>/promote")
@login_required
def promote(event_id: int, rsvp_id: int):
    """The organiser's override: let one waiting person in (one more place), logged in the audit."""
    ev = _managed_or_404(event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    row = service.organiser_promote(ev.id, rsvp_id, current_user)
    if row is None:
        abort(404)
    flash(_("The person is going now; the capacity grew by one."), "success")
    return redirect(url_for("events.attendees", event_id=event_id))


@bp.post("/events/<int:event_id>/mail")
@login_required
def mail(event_id: int):
    """Mail everyone going, through the outbox (addresses are never shown)."""
    ev = _managed_or_404(event_id)
    form = MailAttendeesForm()
    if not form.validate_on_submit():
        rows = [r for r in service.attendees(ev) if r.status != "not_going"]
        return render_template(
            "events/attendees.html",
            event=ev,
            rows=rows,
            member_name=service.member_name,
            title=service.display_title(ev, current_language()),
            form=EmptyForm(),
            mail_form=form,
        ), 400
    count = service.mail_attendees(ev, current_user, form.subject.data, form.body.data)
    db.session.commit()
    flash(_("Your message goes to %(n)d people.", n=count), "success")
    return redirect(url_for("events.attendees", event_id=event_id))


# ------------------------------------------------------------------------------- feeds


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    """One event as a calendar file (published and visible to this viewer; drafts never)."""
    ev = _event_or_404(event_id)
    if not ev.is_published or ev.visibility not in visible_visibilities(current_user):
        abort(404)
    name = service.display_title(ev, current_language())
    return ics.feed_response(ics.calendar([ev], name=name, lang=current_language()), f"event-{ev.id}.ics")


@bp.get("/events/feed.ics")
def feed():
    """Public events with the calendar's filters; never drafts, never community events."""
    args = request.args.copy()
    args["per_page"] = "50"
    events: list[Event] = []
    try:
        for page_no in range(1, FEED_MAX // 50 + 1):
            args["page"] = str(page_no)
            page = search_events(args, None, current_language())
            events += [r.row for r in page.results if r.row.visibility == "public"]
            if page_no >= page.pages:
                break
    except ParamError as exc:
        return Response(f"{exc.parameter}: {exc.message}\n", status=400, mimetype="text/plain")
    # Cancelled events left search: the feed still tells calendars they are off.
    events += _recently_cancelled(args)
    return ics.feed_response(
        ics.calendar(events, name=_("Kring events"), lang=current_language()), "events.ics"
    )


def _recently_cancelled(args: Any) -> list[Event]:
    """Public cancelled events still ahead (so subscribed calendars learn of the cancellation)."""
    if any(args.get(k) for k in ("q", "place", "sector", "category", "language", "group", "city")):
        return []
    rows = db.session.scalars(
        select(Event)
        .where(
            Event.visibility == "public",
            Event.cancelled.is_(True),
            Event.ends_at >= utcnow() - timedelta(days=1),
        )
        .limit(100)
    )
    return [r for r in rows if next_occurrence(r) is not None or not r.rrule]


@bp.get("/events/me/<token>.ics")
def private_feed(token: str):
    """A member's own events (going or waiting) behind a secret URL: community events included."""
    user = service.user_for_token(token)
    if user is None:
        abort(404)
    events = [e for e in service.going_events(user) if e.is_published]
    lang = user.locale or "en"
    body = ics.calendar(events, name=_("My Kring events"), lang=lang, alarm_minutes=60)
    response = ics.feed_response(body, "my-events.ics")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/events/mine")
@login_required
def mine():
    """What I go to, what I organise, my groups, and my private feed."""
    no_store()
    token = service.feed_token(current_user)
    db.session.commit()
    feed_url = url_for("events.private_feed", token=token, _external=True)
    going = service.upcoming([e for e in service.going_events(current_user)])
    organised = service.organised_events(current_user)
    statuses = {
        r.event_id: r.status for r in db.session.scalars(select(Rsvp).where(Rsvp.user_id == current_user.id))
    }
    return render_template(
        "events/mine.html",
        going=going,
        organised=organised,
        feed_url=feed_url,
        webcal=ics.webcal(feed_url),
        statuses=statuses,
        groups=service.user_groups(current_user),
        title=service.display_title,
        lang=current_language(),
        local=local,
        form=EmptyForm(),
        for_you=for_you(current_user, current_language()),
        digest_form=DigestForm(weekly=service.wants_digest(current_user)),
    )


@bp.post("/events/mine/digest")
@login_required
def digest():
    """Switch the weekly mail of new events that fit me on or off."""
    form = DigestForm()
    if not form.validate_on_submit():
        abort(400)
    service.set_digest(current_user, bool(form.weekly.data))
    db.session.commit()
    flash(_("Your choice is saved."), "success")
    return redirect(url_for("events.mine"))


@bp.post("/events/mine/feed/reset")
@login_required
def reset_feed():
    """A new secret: the old feed URL stops working at once."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.reset_feed_token(current_user)
    db.session.commit()
    flash(_("Your private feed has a new address; the old one no longer works."), "success")
    return redirect(url_for("events.mine"))


# ------------------------------------------------------------------------------- groups


@bp.get("/events/groups")
def groups():
    """Sector groups the viewer may see."""
    rows = list(
        db.session.scalars(
            select(EventGroup)
            .where(EventGroup.visibility.in_(visible_visibilities(current_user)))
            .order_by(EventGroup.name)
        )
    )
    return render_template("events/groups.html", groups=rows, may_create=may_create_group(current_user))


@bp.get("/events/groups/mine")
@login_required
def my_groups():
    """The groups I am in, with my role, drafts of mine included."""
    no_store()
    roles = {
        m.group_id: m.role
        for m in db.session.scalars(select(GroupMember).where(GroupMember.user_id == current_user.id))
    }
    return render_template(
        "events/my_groups.html",
        groups=service.user_groups(current_user),
        roles=roles,
        may_create=may_create_group(current_user),
    )


def _group_form(grp: EventGroup | None) -> GroupForm:
    form = GroupForm()
    form.setup(current_language())
    if request.method == "GET" and grp is not None:
        form.name.data = grp.name
        form.description.data = grp.description
        form.sectors.data = grp.sectors
        form.place.data = grp.place_name
        form.visibility.data = grp.visibility
    return form


def _save_group(grp: EventGroup | None):
    form = _group_form(grp)
    resolution: PlaceResolution | None = None
    if form.validate_on_submit():
        resolution = resolve_place(form.place.data, choice=form.place_choice.data, current=grp)
        if not place_error(form, resolution):
            data = service.GroupData(
                name=form.name.data,
                description=form.description.data,
                sectors=form.sectors.data or [],
                place=resolution.place if resolution.status in ("ok", "kept") else None,
            )
            if grp is None:
                grp = service.create_group(current_user, data, form.visibility.data)
            else:
                service.update_group(grp, data, form.visibility.data, actor_id=current_user.id)
            _commit_and_wake()
            flash(_("The group is saved."), "success")
            return redirect(url_for("events.group", group_id=grp.id))
    return render_template(
        "events/group_edit.html", form=form, group=grp, place_choices=place_choices(resolution)
    ), (400 if request.method == "POST" else 200)


@bp.route("/events/groups/new", methods=["GET", "POST"])
@login_required
def new_group():
    """Verified members and staff start a group; they become its first organiser."""
    if not may_create_group(current_user):
        abort(404)
    no_store()
    return _save_group(None)


def _managed_group_or_404(group_id: int) -> EventGroup:
    grp = db.session.get(EventGroup, group_id)
    if not can_edit_group(current_user, grp):
        abort(404)
    no_store()
    return grp  # type: ignore[return-value]


@bp.route("/events/groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit_group(group_id: int):
    """Only its organisers edit a group (others: 404, nothing changed)."""
    return _save_group(_managed_group_or_404(group_id))


@bp.post("/events/groups/<int:group_id>/organisers")
@login_required
def group_role(group_id: int):
    """Appoint one of the group's members organiser, or step an organiser back (never the last)."""
    grp = _managed_group_or_404(group_id)
    form = GroupRoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.set_group_role(grp, form.member.data, form.role.data, actor_id=current_user.id)
    except service.GroupRoleError as exc:
        db.session.rollback()
        if str(exc) == "not a member":
            abort(404)
        flash(_("A group keeps at least one organiser: name another one first."), "error")
        return redirect(url_for("events.group", group_id=group_id))
    db.session.commit()
    flash(_("The organisers are updated."), "success")
    return redirect(url_for("events.group", group_id=group_id))


def _group_or_404(group_id: int) -> EventGroup:
    group = db.session.get(EventGroup, group_id)
    if not may_see_group(current_user, group):
        abort(404)
    return group  # type: ignore[return-value]


@bp.get("/events/groups/<int:group_id>")
def group(group_id: int):
    """A group: its description, upcoming events and its members who published their card."""
    grp = _group_or_404(group_id)
    if current_user.is_authenticated or grp.visibility != "public":
        no_store()
    events = db.session.scalars(
        select(Event).where(
            Event.group_id == grp.id,
            Event.visibility.in_(visible_visibilities(current_user)),
            Event.cancelled.is_(False),
        )
    )
    members = []
    from webapp.accounts.models import User

    for user in db.session.scalars(
        select(User).join(GroupMember, GroupMember.user_id == User.id).where(GroupMember.group_id == grp.id)
    ):
        card = getattr(user, "member_profile", None)
        if card is not None and card.visibility in visible_visibilities(current_user):
            members.append(card)
    organiser = is_group_organiser(current_user, grp.id)
    roster = []
    if organiser:  # organisers manage the whole list (names only, never addresses)
        rows = service.group_members(grp)
        users = {
            u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r.user_id for r in rows])))
        }
        roster = [(r, service.member_name(users[r.user_id])) for r in rows if r.user_id in users]
    return render_template(
        "events/group.html",
        group=grp,
        upcoming=service.upcoming(events),
        members=members,
        member=is_group_member(current_user, grp.id),
        organiser=organiser,
        roster=roster,
        organisers=service.organiser_count(grp),
        role_form=GroupRoleForm(),
        sectors=[taxonomy_label("sector", code, current_language()) for code in grp.sectors],
        title=service.display_title,
        lang=current_language(),
        local=local,
        form=EmptyForm(),
    )


@bp.post("/events/groups/<int:group_id>/join")
@login_required
def join(group_id: int):
    grp = _group_or_404(group_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.join_group(grp, current_user)
    db.session.commit()
    flash(_("You joined the group."), "success")
    return redirect(url_for("events.group", group_id=grp.id))


@bp.post("/events/groups/<int:group_id>/leave")
@login_required
def leave(group_id: int):
    grp = _group_or_404(group_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if service.leave_group(grp, current_user):
        db.session.commit()
        flash(_("You left the group."), "success")
    else:
        flash(_("A group keeps at least one organiser: name another one before you leave."), "error")
    return redirect(url_for("events.group", group_id=grp.id))


# ------------------------------------------------------------------------------- home and dashboard


def home_section(viewer: Any) -> dict[str, Any] | None:
    """The next events on the home page (what this viewer may see)."""
    lang = current_language()
    try:
        page = search_events({"per_page": "5"}, viewer, lang)
    except ParamError:
        return None
    if not page.results:
        return None
    return {"template": "events/_home.html", "results": page.results}


def dashboard_section(user: Any) -> dict[str, Any] | None:
    if user is None or not user.is_authenticated:
        return None
    going = service.upcoming(service.going_events(user))[:5]
    return {
        "template": "events/_dashboard.html",
        "going": going,
        "title": service.display_title,
        "lang": current_language(),
        "local": local,
    }
