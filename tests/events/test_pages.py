"""Event pages: create and edit (organisers only; others get 404 and change nothing), the language
switcher, the calendar's list and month views, search and the JSON API (drafts and community
events follow the platform's rules in every mode), groups."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import post_form, sign_in
from tests.events.helpers import make_event, soon
from tests.factories import code, fresh, make_user
from webapp.core.search import drain_search
from webapp.events.models import Event, EventGroup, GroupMember
from webapp.extensions import db as _db

BRUSSELS = ZoneInfo("Europe/Brussels")


def _form(**changes):
    start = soon(days=20)
    data = {
        "lang_1": "nl",
        "title_1": "Netwerkavond illustratoren",
        "description_1": "Een avond voor illustratoren.",
        "lang_2": "fr",
        "title_2": "Soirée réseau des illustrateurs",
        "description_2": "Une soirée pour les illustrateurs.",
        "lang_3": "",
        "title_3": "",
        "category": "networking",
        "organiser": "member",
        "languages": ["nl", "fr"],
        "timezone": "Europe/Brussels",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "rrule": "",
        "venue": "De Studio, Kerkstraat 1",
        "place": "Gent",
        "online_url": "",
        "capacity": "30",
        "registration_deadline": "",
        "status": "published",
        "visibility": "public",
    }
    data.update(changes)
    return data


def test_member_creates_event_and_only_organisers_edit(app, db, user):
    client = sign_in(app.test_client(), user)
    assert client.get("/events/new").status_code == 200
    response = post_form(client, "/events/new", _form(), token_from="/events/new")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    event = db.session.scalar(_db.select(Event))
    assert event.user_id == user.id and event.capacity == 30 and event.visibility == "public"
    assert event.place_name and event.timezone == "Europe/Brussels"
    assert local_hour(event) == 19
    stranger = sign_in(app.test_client(), make_user())
    before = (event.version, event.texts[0].title)
    assert stranger.get(f"/events/{event.id}/edit").status_code == 404
    assert post_form(stranger, f"/events/{event.id}/edit", _form(title_1="Hacked")).status_code == 404
    assert (fresh(event).version, fresh(event).texts[0].title) == before
    client_account = sign_in(app.test_client(), make_user(account_type="client"))
    assert client_account.get("/events/new").status_code == 404
    # The organiser edits; posting user_id or going_count changes nothing.
    response = post_form(
        client,
        f"/events/{event.id}/edit",
        _form(title_1="Nieuwe titel", user_id=str(stranger_id(stranger)), going_count="99"),
        token_from=f"/events/{event.id}/edit",
    )
    assert response.status_code == 302
    ev = fresh(event)
    assert ev.texts[0].title == "Nieuwe titel" and ev.user_id == user.id and ev.going_count == 0


def stranger_id(client) -> int:
    with client.session_transaction() as sess:
        return int(sess["_user_id"].split(":")[0])


def local_hour(event: Event) -> int:
    return event.starts_at.astimezone(BRUSSELS).hour


def test_bad_input_keeps_what_was_typed(app, db, user):
    client = sign_in(app.test_client(), user)
    response = post_form(
        client, "/events/new", _form(end="2020-01-01T10:00", rrule="FREQ=NEVER"), token_from="/events/new"
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Netwerkavond illustratoren" in html and "Soirée réseau des illustrateurs" in html
    assert "The end must come after the start." in html
    assert "repetition rule is not valid" in html
    assert db.session.scalar(_db.select(_db.func.count()).select_from(Event)) == 0


def test_group_organiser_only_for_own_group(app, db, user):
    group = EventGroup(name="Illustratoren Vlaanderen", visibility="public")
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMember(group_id=group.id, user_id=user.id, role="organiser"))
    db.session.commit()
    other = make_user()
    client = sign_in(app.test_client(), other)
    response = post_form(
        client, "/events/new", _form(organiser=f"group:{group.id}"), token_from="/events/new"
    )
    assert response.status_code == 400  # not a choice for them
    owner = sign_in(app.test_client(), user)
    response = post_form(owner, "/events/new", _form(organiser=f"group:{group.id}"), token_from="/events/new")
    assert response.status_code == 302
    event = db.session.scalar(_db.select(Event))
    assert event.group_id == group.id
    co = make_user()
    db.session.add(GroupMember(group_id=group.id, user_id=co.id, role="organiser"))
    db.session.commit()
    assert sign_in(app.test_client(), co).get(f"/events/{event.id}/edit").status_code == 200


def test_language_switcher_shows_readers_language_first(app, db, user):
    event = make_event(
        user, texts=[("nl", "Netwerkavond", "Nederlandse tekst"), ("fr", "Soirée réseau", "Texte français")]
    )
    client = app.test_client()
    html = client.get(f"/events/{event.id}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert html.index("Soirée réseau") < html.index("Texte français")
    assert "<h1>Soirée réseau</h1>" in html
    html = client.get(f"/events/{event.id}?text=nl", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "<h1>Netwerkavond</h1>" in html
    html = client.get(f"/events/{event.id}", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "<h1>Netwerkavond</h1>" in html  # no German text: the organiser's first language


def test_visibility_of_event_pages(app, db, user):
    draft = make_event(user, status="draft")
    community = make_event(user, visibility="community")
    anon, member = app.test_client(), sign_in(app.test_client(), make_user())
    assert anon.get(f"/events/{draft.id}").status_code == 404
    assert member.get(f"/events/{draft.id}").status_code == 404
    assert sign_in(app.test_client(), user).get(f"/events/{draft.id}").status_code == 200
    assert anon.get(f"/events/{community.id}").status_code == 404
    assert member.get(f"/events/{community.id}").status_code == 200


def test_calendar_list_search_and_api(app, db, user):
    sound = code("sector", "audiovisual")
    later = make_event(
        user,
        title="Later event",
        start=soon(days=40),
        city="Liège",
        languages=("fr",),
        texts=[("fr", "Rencontre des illustrateurs", "Meetup des illustrateurs à Liège")],
        category="sector_meetup",
    )
    first = make_event(user, title="Netwerkevent fotografie", start=soon(days=5), sectors=(sound,))
    make_event(user, title="Leden netwerk", visibility="community", start=soon(days=3))
    make_event(user, title="Concept netwerk", status="draft", start=soon(days=2))
    drain_search()
    anon = app.test_client()
    data = anon.get("/api/v1/events/search").get_json()
    assert [r["id"] for r in data["results"]] == [first.id, later.id]  # soonest first, public only
    hit = data["results"][0]
    assert set(hit) >= {
        "id",
        "external_id",
        "title",
        "category",
        "start",
        "end",
        "timezone",
        "place",
        "distance_km",
        "score",
        "why",
        "url",
        "ics_url",
    }
    assert hit["start"].endswith(("+01:00", "+02:00")) and hit["timezone"] == "Europe/Brussels"
    member = sign_in(app.test_client(), make_user())
    titles = [r["title"] for r in member.get("/api/v1/events/search").get_json()["results"]]
    assert "Leden netwerk" in titles and "Concept netwerk" not in titles
    for mode in ("lexical", "semantic", "hybrid"):
        titles = [
            r["title"] for r in anon.get(f"/api/v1/events/search?q=netwerk&mode={mode}").get_json()["results"]
        ]
        assert "Concept netwerk" not in titles and "Leden netwerk" not in titles
    found = anon.get("/api/v1/events/search?q=meetup illustrateurs Liège").get_json()["results"]
    assert found and found[0]["id"] == later.id
    only = anon.get("/api/v1/events/search?category=sector_meetup").get_json()["results"]
    assert [r["id"] for r in only] == [later.id]
    assert [r["id"] for r in anon.get("/api/v1/events/search?language=fr").get_json()["results"]] == [
        later.id
    ]
    near = anon.get("/api/v1/events/search?place=Antwerpen&radius_km=20").get_json()["results"]
    assert [r["id"] for r in near] == [first.id]
    period = soon(days=30).date().isoformat()
    assert [r["id"] for r in anon.get(f"/api/v1/events/search?from={period}").get_json()["results"]] == [
        later.id
    ]
    assert anon.get("/api/v1/events/search?category=nope").status_code == 400
    detail = anon.get(f"/api/v1/events/{later.id}").get_json()
    assert detail["texts"][0]["title"] == "Rencontre des illustrateurs" and "going" in detail
    page = anon.get("/events").get_data(as_text=True)
    assert page.index("Netwerkevent fotografie") < page.index("Rencontre des illustrateurs")
    assert "Concept netwerk" not in page


def test_recurring_event_next_occurrence_in_period(app, db, user):
    start = soon(days=3)
    event = make_event(user, title="Maandelijkse meetup", start=start, rrule="FREQ=WEEKLY;COUNT=10")
    drain_search()
    frm = to = (start + timedelta(days=14)).date().isoformat()
    data = app.test_client().get(f"/api/v1/events/search?from={frm}&to={to}").get_json()
    (hit,) = data["results"]
    assert hit["id"] == event.id
    got = datetime.fromisoformat(hit["start"])
    assert got.date().isoformat() == frm  # the third occurrence, the one inside the period
    assert got.astimezone(BRUSSELS).hour == 19


def test_month_view(app, db, user):
    start = soon(days=10)
    make_event(user, title="Maandoverzicht", start=start)
    drain_search()
    html = app.test_client().get(f"/events?view=month&month={start:%Y-%m}").get_data(as_text=True)
    assert "Maandoverzicht" in html and "month-grid" in html


def test_groups_join_leave_and_members(app, db, user):
    from tests.factories import member_card

    group = EventGroup(name="Geluid & licht Brussel", visibility="public")
    db.session.add(group)
    db.session.commit()
    member = make_user()
    member_card(member, visibility="public", display_name="Zichtbaar Lid")
    client = sign_in(app.test_client(), member)
    assert (
        post_form(
            client, f"/events/groups/{group.id}/join", token_from=f"/events/groups/{group.id}"
        ).status_code
        == 302
    )
    html = app.test_client().get(f"/events/groups/{group.id}").get_data(as_text=True)
    assert "Zichtbaar Lid" in html
    assert (
        post_form(
            client, f"/events/groups/{group.id}/leave", token_from=f"/events/groups/{group.id}"
        ).status_code
        == 302
    )
    assert db.session.get(GroupMember, (group.id, member.id)) is None
    hidden = EventGroup(name="Verborgen", visibility="draft")
    db.session.add(hidden)
    db.session.commit()
    assert app.test_client().get(f"/events/groups/{hidden.id}").status_code == 404
    assert post_form(client, f"/events/groups/{hidden.id}/join").status_code == 404


def test_cancel_and_move_one_occurrence_only_by_organiser(app, db, user):
    start = soon(days=3)
    event = make_event(user, start=start, rrule="FREQ=WEEKLY;COUNT=4")
    from webapp.events.recurrence import occurrences

    second = occurrences(fresh(event))[1].original_start
    stranger = sign_in(app.test_client(), make_user())
    data = {"original": second.isoformat(), "action": "cancel"}
    assert post_form(stranger, f"/events/{event.id}/occurrence", data).status_code == 404
    assert fresh(event).exceptions == []
    owner = sign_in(app.test_client(), user)
    assert (
        post_form(owner, f"/events/{event.id}/occurrence", data, token_from=f"/events/{event.id}").status_code
        == 302
    )
    assert [o.original_start for o in occurrences(fresh(event))][1] != second
    assert (
        post_form(
            owner,
            f"/events/{event.id}/occurrence",
            {"original": "2001-01-01T00:00:00+00:00", "action": "cancel"},
        ).status_code
        == 400
    )


@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en"])
def test_pages_render_in_every_language(app, db, user, lang):
    event = make_event(user)
    drain_search()
    client = sign_in(app.test_client(), user)
    for url in (
        "/events",
        "/events?view=month",
        "/events?view=week",
        f"/events/{event.id}",
        "/events/new",
        f"/events/{event.id}/edit",
        f"/events/{event.id}/attendees",
        "/events/mine",
        "/events/groups",
    ):
        assert client.get(url, headers={"Accept-Language": lang}).status_code == 200, url


def test_near_me_and_events_that_fit_with_why(app, db, user):
    from tests.factories import member_card, place
    from webapp.core.places import place_values

    photo = code("sector", "photography")
    member_card(user, display_name="Ann", sectors=[photo], **place_values(place("Gent")))
    make_event(user, title="Fotografen Gent", city="Gent", sectors=(photo,))
    make_event(user, title="Fotografen Arlon", city="Arlon", sectors=(photo,))
    make_event(user, title="Koks Gent", city="Gent")
    drain_search()
    client = sign_in(app.test_client(), user)
    html = client.get("/events?near=me").get_data(as_text=True)
    assert "Fotografen Gent" in html and "Koks Gent" in html and "Fotografen Arlon" not in html
    mine = client.get("/events/mine").get_data(as_text=True)
    section = mine[mine.index("Events that fit you") :]
    assert "Fotografen Gent" in section and "Fotografen Arlon" not in section.split("</section>")[0]
    assert "your sector: " in section and "km from Gent" in section
    assert "Koks Gent" not in section.split("</section>")[0]


def test_week_view(app, db, user):
    start = soon(days=10)
    make_event(user, title="Weekoverzicht", start=start)
    make_event(user, title="Volgende week", start=start + timedelta(days=7))
    drain_search()
    html = app.test_client().get(f"/events?view=week&week={start:%Y-%m-%d}").get_data(as_text=True)
    assert "Weekoverzicht" in html and "Volgende week" not in html
    assert app.test_client().get("/events?view=week&week=nonsense").status_code == 200


def test_a_start_in_year_9999_is_refused_not_a_500(app, db, user):
    """A year-9999 event once saved, then broke its page (500) and stayed failing in the search outbox."""
    from webapp.events.forms import parse_local

    client = sign_in(app.test_client(), user)
    response = post_form(
        client,
        "/events/new",
        _form(start="9999-12-31T19:00", end="9999-12-31T21:00", rrule=""),
        token_from="/events/new",
    )
    assert response.status_code == 400
    assert "Netwerkavond illustratoren" in response.get_data(as_text=True)
    assert db.session.scalar(_db.select(_db.func.count()).select_from(Event)) == 0
    assert parse_local("0001-01-01T00:00", "Europe/Brussels") is None
    assert parse_local("2027-03-18T19:00", "Europe/Brussels") is not None


def test_dates_read_in_the_readers_language(app, db, user):
    """Pages and mails said "2027-03-04 19:00" in every language; the booking pages already name the day."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from webapp.events.service import when_text

    start = datetime(2027, 3, 4, 19, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    event = make_event(user, start=start, rrule="FREQ=MONTHLY;BYDAY=1TH;COUNT=3")
    client = app.test_client()
    expected = {
        "fr": "jeudi 4 mars 2027 19:00",
        "nl": "donderdag 4 maart 2027 19:00",
        "de": "4. März 2027 19:00",
    }
    for lang, text in expected.items():
        html = client.get(f"/events/{event.id}", headers={"Accept-Language": lang}).get_data(as_text=True)
        assert text in html, lang
    html = client.get(f"/events/{event.id}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "jeudi 1 avril 2027 19:00" in html  # the list of dates too
    with app.test_request_context("/"):
        assert when_text(event, "nl", start).startswith("donderdag 4 maart 2027 19:00")


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=MINUTELY;COUNT=5", "FREQ=HOURLY;INTERVAL=2"])
def test_a_rule_repeating_within_the_day_is_refused(app, db, user, rule):
    """An event every second was saved and sent to calendar apps in its feed: repeat daily or longer."""
    from webapp.events.recurrence import check_rrule

    with pytest.raises(ValueError):
        check_rrule(rule)
    assert check_rrule("freq=weekly;count=3") == "FREQ=WEEKLY;COUNT=3"
    client = sign_in(app.test_client(), user)
    response = post_form(client, "/events/new", _form(rrule=rule), token_from="/events/new")
    assert response.status_code == 400
    assert "repetition rule is not valid" in response.get_data(as_text=True)
    assert db.session.scalar(_db.select(_db.func.count()).select_from(Event)) == 0
