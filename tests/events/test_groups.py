"""Sector groups for people: verified members and staff start one (and organise it), only its
organisers edit it and appoint or remove organisers among its members (a group keeps at least one;
every change audit-logged), "my groups"; every route as owner, other member, anonymous, staff."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.events.helpers import make_event
from tests.factories import audit_events, code, fresh, make_user
from webapp.core.search import drain_search
from webapp.events import service
from webapp.events.models import EventGroup, GroupMember
from webapp.extensions import db as _db


def _group_form(**changes):
    data = {
        "name": "Illustratoren Vlaanderen",
        "sectors": [code("sector", "audiovisual")],
        "place": "Gent",
        "description": "Wie tekent in Vlaanderen.\n\nWe zien elkaar elke maand.",
        "visibility": "public",
    }
    data.update(changes)
    return data


def _groups() -> list[EventGroup]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(EventGroup).order_by(EventGroup.id)))


def _role(group, user) -> str | None:
    _db.session.expire_all()
    row = _db.session.get(GroupMember, (group.id, user.id))
    return row.role if row else None


def _new(client, **changes):
    return post_form(client, "/events/groups/new", _group_form(**changes), token_from="/events/groups/new")


def test_who_may_start_a_group(app, db, user, other_user, staff):
    assert app.test_client().get("/events/groups/new").status_code == 302  # to the sign-in page
    assert post_form(app.test_client(), "/events/groups/new", _group_form()).status_code == 302
    client_account = sign_in(app.test_client(), other_user)
    assert client_account.get("/events/groups/new").status_code == 404
    assert post_form(client_account, "/events/groups/new", _group_form()).status_code == 404
    unverified = sign_in(app.test_client(), make_user(verified=False))
    assert unverified.get("/events/groups/new").status_code == 404
    assert post_form(unverified, "/events/groups/new", _group_form()).status_code == 404
    assert _groups() == []

    member = sign_in(app.test_client(), user)
    assert "Start a sector group" in member.get("/events/groups").get_data(as_text=True)
    assert member.post("/events/groups/new", data=_group_form()).status_code == 400  # no CSRF token
    assert _groups() == []
    response = _new(member)
    assert response.status_code == 302
    (group,) = _groups()
    assert response.headers["Location"].endswith(f"/events/groups/{group.id}")
    assert group.name == "Illustratoren Vlaanderen" and group.user_id == user.id
    assert group.place_name and group.place_id and group.lat is not None  # resolved by the gazetteer
    assert group.sectors == [code("sector", "audiovisual")] and group.visibility == "public"
    assert _role(group, user) == "organiser"
    assert [a.detail.get("group_id") for a in audit_events("events.group_create")] == [group.id]
    # Staff start groups too.
    assert _new(sign_in(app.test_client(), staff), name="Staff group").status_code == 302
    assert [g.name for g in _groups()] == ["Illustratoren Vlaanderen", "Staff group"]


def test_bad_input_is_explained_and_creates_nothing(app, db, user):
    member = sign_in(app.test_client(), user)
    response = _new(member, place="Nowhereville-sur-Rien")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "We do not know a place called" in html
    assert "Wie tekent in Vlaanderen." in html  # nothing typed is lost
    assert _new(member, name="").status_code == 400
    assert _new(member, name="Line\nbreak").status_code == 400
    assert _new(member, visibility="secret").status_code == 400
    assert _groups() == []
    response = _new(member, name="<script>alert(1)</script> & co")
    page = member.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    )


def test_only_organisers_edit(app, db, user, staff):
    owner = sign_in(app.test_client(), user)
    _new(owner)
    (group,) = _groups()
    url = f"/events/groups/{group.id}/edit"
    other = make_user()
    other_client = sign_in(app.test_client(), other)
    service.join_group(group, other)  # a plain member of the group is no organiser either
    _db.session.commit()
    before = (group.name, group.description, group.visibility)
    for client in (other_client, sign_in(app.test_client(), staff)):
        assert client.get(url).status_code == 404
        assert post_form(client, url, _group_form(name="Hacked")).status_code == 404
        assert "Edit the group" not in client.get(f"/events/groups/{group.id}").get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 302
    assert post_form(anonymous, url, _group_form(name="Hacked")).status_code == 302
    g = fresh(group)
    assert (g.name, g.description, g.visibility) == before

    assert owner.get(url).status_code == 200
    response = post_form(
        owner,
        url,
        _group_form(name="Illustratoren Gent", place="Antwerpen", user_id=str(other.id)),
        token_from=url,
    )
    assert response.status_code == 302
    g = fresh(group)
    assert g.name == "Illustratoren Gent" and g.place_name and "Antwerp" in g.place_name
    assert g.user_id == user.id
    assert [a.detail.get("group_id") for a in audit_events("events.group_edit")] == [group.id]
    # A draft group is its organisers' only.
    assert post_form(owner, url, _group_form(visibility="draft"), token_from=url).status_code == 302
    assert app.test_client().get(f"/events/groups/{group.id}").status_code == 404
    assert other_client.get(f"/events/groups/{group.id}").status_code == 404
    assert owner.get(f"/events/groups/{group.id}").status_code == 200


def test_renaming_a_group_reindexes_its_events(app, db, user):
    owner = sign_in(app.test_client(), user)
    _new(owner)
    (group,) = _groups()
    event = make_event(user, title="Tekenavond", organiser_kind="group", group_id=group.id)
    drain_search()
    url = f"/events/groups/{group.id}/edit"
    assert post_form(owner, url, _group_form(name="Zeefdrukkers Oost"), token_from=url).status_code == 302
    drain_search()
    found = app.test_client().get("/api/v1/events/search?q=zeefdrukkers&mode=lexical").get_json()["results"]
    assert [r["id"] for r in found] == [event.id]


def test_appoint_and_remove_organisers(app, db, user, staff):
    owner = sign_in(app.test_client(), user)
    _new(owner)
    (group,) = _groups()
    page = f"/events/groups/{group.id}"
    url = f"{page}/organisers"
    second, outsider = make_user(), make_user()
    second_client = sign_in(app.test_client(), second)
    assert post_form(second_client, f"{page}/join", token_from=page).status_code == 302
    assert _role(group, second) == "member"

    # Not an organiser: a plain member, staff, anonymous: refused, nothing changes.
    for client in (second_client, sign_in(app.test_client(), staff), sign_in(app.test_client(), outsider)):
        data = {"member": str(second.id), "role": "organiser"}
        assert post_form(client, url, data).status_code == 404
    assert (
        post_form(app.test_client(), url, {"member": str(second.id), "role": "organiser"}).status_code == 302
    )
    assert owner.post(url, data={"member": str(second.id), "role": "organiser"}).status_code == 400  # no CSRF
    assert _role(group, second) == "member" and audit_events("events.group_role") == []

    # Only organisers see the roster; it has names, never addresses.
    roster = owner.get(page).get_data(as_text=True)
    assert "Members and organisers" in roster and "Make organiser" in roster
    assert second.email not in roster
    assert "Members and organisers" not in second_client.get(page).get_data(as_text=True)
    assert "Members and organisers" not in app.test_client().get(page).get_data(as_text=True)

    # Someone outside the group cannot be appointed.
    assert (
        post_form(owner, url, {"member": str(outsider.id), "role": "organiser"}, token_from=page).status_code
        == 404
    )
    assert _role(group, outsider) is None
    # The last organiser cannot step back.
    response = post_form(owner, url, {"member": str(user.id), "role": "member"}, token_from=page)
    assert response.status_code == 302 and _role(group, user) == "organiser"
    assert "keeps at least one organiser" in owner.get(page).get_data(as_text=True)
    assert "Remove as organiser" not in owner.get(page).get_data(as_text=True)

    assert (
        post_form(owner, url, {"member": str(second.id), "role": "organiser"}, token_from=page).status_code
        == 302
    )
    assert _role(group, second) == "organiser"
    (appointed,) = audit_events("events.group_role")
    assert appointed.actor_id == user.id and appointed.subject_user_id == second.id
    assert appointed.detail["role"] == "organiser" and appointed.detail["group_id"] == group.id
    # The new organiser edits and may remove the first one, who then is a plain member.
    assert second_client.get(f"{page}/edit").status_code == 200
    data = {"member": str(user.id), "role": "member"}
    assert post_form(second_client, url, data, token_from=page).status_code == 302
    assert _role(group, user) == "member"
    assert owner.get(f"{page}/edit").status_code == 404
    assert [a.detail["role"] for a in audit_events("events.group_role")] == ["organiser", "member"]
    # And the group still has its one organiser, who cannot leave it.
    assert post_form(second_client, f"{page}/leave", token_from=page).status_code == 302
    assert _role(group, second) == "organiser"


def test_my_groups(app, db, user):
    assert app.test_client().get("/events/groups/mine").status_code == 302
    owner = sign_in(app.test_client(), user)
    _new(owner)
    _new(owner, name="Geheime kring", visibility="draft")
    joined = EventGroup(name="Fotografen Luik", visibility="public")
    _db.session.add(joined)
    _db.session.commit()
    service.join_group(joined, user)
    _db.session.commit()
    html = owner.get("/events/groups/mine").get_data(as_text=True)
    for name in ("Illustratoren Vlaanderen", "Geheime kring", "Fotografen Luik"):
        assert name in html
    assert html.count("You organise this group") == 2
    other = sign_in(app.test_client(), make_user())
    html = other.get("/events/groups/mine").get_data(as_text=True)
    assert "Illustratoren Vlaanderen" not in html and "You are in no group yet." in html
    assert "My groups" in owner.get("/events").get_data(as_text=True)
