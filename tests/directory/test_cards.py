"""Member and client cards: creating, editing, places, publishing, who sees what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form, sign_in
from tests.factories import audit_events, client_card, code, fresh, make_user, member_card, outbox_rows, place


def member_form(**extra) -> dict:
    data = {
        "display_name": "Anna Peeters",
        "function_code": "",
        "function_text": "",
        "headline": "Portrait and event photographer",
        "bio": "I photograph weddings and company events.\n\nStudio in Ghent.",
        "skills": "portraits, studio lighting, Portraits",
        "place": "",
        "website": "",
        "card_language": "en",
        "accepts_contact": "y",
        "availability": ["assignments"],
        "experience_years": "",
        "experience_level": "",
    }
    data.update(extra)
    return data


def client_form(**extra) -> dict:
    data = {
        "name": "Theater Oost",
        "description": "City theatre.",
        "contact_person": "Els",
        "place": "",
        "website": "",
        "card_language": "nl",
        "accepts_contact": "y",
    }
    data.update(extra)
    return data


def _count(model) -> int:
    from webapp.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def member(app, client):
    """A signed-in verified member without a card."""
    user = make_user("anna@private.example")
    sign_in(client, user)
    return user


def _create(client, **extra):
    return post_form(client, "/directory/card", member_form(**extra), token_from="/directory/card")


def _edit(client, card, **extra):
    url = f"/directory/members/{card.id}/edit"
    return post_form(client, url, member_form(**extra), token_from=url)


# ------------------------------------------------------------------------------- creating


def test_a_new_card_is_a_draft_only_its_owner_sees(app, client, member, staff):
    from webapp.directory.models import MemberProfile

    assert client.get("/directory/card").status_code == 200
    photography, photographer = code("sector", "photography"), code("function", "photographer")
    response = _create(
        client,
        sectors=[photography],
        function_code=photographer,
        place="Ghent",
        languages=["nl", "en"],
        experience_years="12",
        experience_level="senior",
        website="https://anna.example",
        availability=["assignments", "mentoring"],
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    card = db_card(MemberProfile)
    assert response.headers["Location"].endswith(f"/directory/members/{card.id}")
    assert card.visibility == "draft" and card.published_at is None
    assert card.user_id == member.id
    assert card.sectors == [photography] and card.function_code == photographer
    assert card.skills == ["portraits", "studio lighting"]
    assert sorted(card.languages) == ["en", "nl"]
    assert (card.experience_years, card.experience_level) == (12, "senior")
    assert (card.open_to_assignments, card.open_to_collaborations, card.open_to_mentoring) == (
        True,
        False,
        True,
    )
    assert card.email_public is False and card.accepts_contact is True
    assert card.place_id == place("Ghent").id and card.country == "BE" and card.lat and card.lon
    assert [(r.entity, r.entity_id, r.op) for r in outbox_rows()] == [("member", card.id, "upsert")]

    page = client.get(f"/directory/members/{card.id}")
    assert page.status_code == 200 and "Draft" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert app.test_client().get(f"/directory/members/{card.id}").status_code == 404
    assert sign_in(app.test_client(), make_user()).get(f"/directory/members/{card.id}").status_code == 404
    assert sign_in(app.test_client(), staff).get(f"/directory/members/{card.id}").status_code == 404


def db_card(model):
    from webapp.extensions import db

    db.session.expire_all()
    return db.session.scalar(select(model).order_by(model.id.desc()))


def test_card_page_shows_everything_and_the_disclaimer(app, client, member):
    from webapp.directory.models import MemberProfile

    _create(
        client,
        sectors=[code("sector", "photography")],
        function_code=code("function", "photographer"),
        place="Ghent",
        website="anna.example",
        experience_years="7",
    )
    card = db_card(MemberProfile)
    assert card.website == "https://anna.example"
    html = client.get(f"/directory/members/{card.id}").get_data(as_text=True)
    for text in (
        "Anna Peeters",
        "Portrait and event photographer",
        "studio lighting",
        "https://anna.example",
        "7 years",
        "not liable",
    ):
        assert text in html, text
    assert "Ghent" in html or "Gent" in html


def test_card_language_of_the_viewer_names_the_place(app, client, member):
    from webapp.directory.models import MemberProfile

    _create(client, place="Gent")
    card = db_card(MemberProfile)
    post_form(client, "/language", {"lang": "fr"}, token_from="/directory/card")
    html = client.get(f"/directory/members/{card.id}").get_data(as_text=True)
    assert "Gand" in html


@pytest.mark.parametrize(
    ("names", "lang"),
    [
        (("Gand", "Gent", "Ghent"), "en"),
        (("Bruxelles", "Brussel", "Brüssel", "Brussels"), "en"),
        (("Liège", "Luik", "Lüttich", "Liege"), "en"),
        (("Anvers", "Antwerpen", "Antwerp"), "fr"),
    ],
)
def test_place_names_in_any_language_give_the_same_place(app, client, member, names, lang):
    from webapp.directory.models import MemberProfile

    seen = set()
    card = None
    for name in names:
        response = _create(client, place=name) if card is None else _edit(client, card, place=name)
        assert response.status_code == 302, (name, response.get_data(as_text=True)[-3000:])
        card = db_card(MemberProfile)
        seen.add((card.place_id, card.country, round(card.lat, 3), round(card.lon, 3)))
    assert len(seen) == 1 and next(iter(seen))[1] == "BE"


def test_unknown_place_says_so_and_loses_nothing(app, client, member):
    from webapp.directory.models import MemberProfile

    response = _create(
        client,
        place="Qwxzyville-sur-Rien",
        headline="A headline worth keeping",
        bio="A bio I typed for ten minutes.",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "We do not know a place called" in html and "Qwxzyville-sur-Rien" in html
    assert "A headline worth keeping" in html and "A bio I typed for ten minutes." in html
    assert _count(MemberProfile) == 0


def test_ambiguous_place_offers_a_choice(app, client, member):
    from webapp.core.places import resolve_place
    from webapp.directory.models import MemberProfile

    with app.test_request_context("/"):
        resolution = resolve_place("Bergen", lang="en")
    assert resolution.status == "ambiguous" and len(resolution.choices) >= 2
    countries = {p.country for p in resolution.choices}
    assert "BE" in countries and len(countries) >= 2

    response = _create(client, place="Bergen")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'name="place_choice"' in html and "Several places have this name" in html
    assert _count(MemberProfile) == 0

    other = next(p for p in resolution.choices if p.country != "BE")
    assert _create(client, place="Bergen", place_choice=str(other.id)).status_code == 302
    card = db_card(MemberProfile)
    assert card.place_id == other.id and card.country == other.country
    # Saving again without touching the place keeps the chosen one.
    assert _edit(client, card, place=card.place_name, headline="Changed").status_code == 302
    assert db_card(MemberProfile).place_id == other.id


def test_clearing_the_place_removes_it(app, client, member):
    from webapp.directory.models import MemberProfile

    _create(client, place="Namur")
    card = db_card(MemberProfile)
    assert card.place_id
    assert _edit(client, card, place="").status_code == 302
    card = db_card(MemberProfile)
    assert (card.place_id, card.place_name, card.lat, card.country) == (None, None, None, None)


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example",
        "//evil.example",
        "http://",
        "https://exa mple.org",
        'https://example.org/"onmouseover="alert(1)',
    ],
)
def test_website_must_be_http_or_https(app, client, member, website):
    from webapp.directory.models import MemberProfile

    response = _create(client, website=website)
    assert response.status_code == 400
    assert "Only web addresses starting with http:// or https://" in response.get_data(as_text=True)
    assert _count(MemberProfile) == 0


def test_length_limits(app, client, member):
    from webapp.directory.models import MemberProfile

    assert _create(client, headline="x" * 161).status_code == 400
    assert _create(client, bio="x" * 4001).status_code == 400
    assert _create(client, display_name="").status_code == 400
    assert _create(client, skills=", ".join(f"skill{i}" for i in range(31))).status_code == 400
    assert _count(MemberProfile) == 0
    assert _create(client, headline="x" * 160, bio="y" * 4000).status_code == 302


def test_edit_binds_only_declared_fields(app, client, member):
    from webapp.directory.models import MemberProfile

    victim = make_user()
    _create(client)
    card = db_card(MemberProfile)
    version = card.version
    response = _edit(
        client,
        card,
        headline="New headline",
        user_id=str(victim.id),
        visibility="public",
        version="999",
        published_at="2020-01-01",
        external_id="stolen",
        contact_email="x@evil.example",
        role="admin",
        id="12345",
    )
    assert response.status_code == 302
    card = db_card(MemberProfile)
    assert card.headline == "New headline"
    assert card.user_id == member.id and card.visibility == "draft" and card.published_at is None
    assert card.version == version + 1 and card.external_id is None and card.contact_email is None
    assert fresh(member).role == "user"


def test_every_change_bumps_the_version_and_queues_the_index_once(app, client, member):
    from webapp.directory.models import MemberProfile

    _create(client)
    card = db_card(MemberProfile)
    v1, rows = card.version, len(outbox_rows())
    assert _edit(client, card, headline="Another").status_code == 302
    card = db_card(MemberProfile)
    assert card.version == v1 + 1 and len(outbox_rows()) == rows + 1
    # Saving the same values again changes nothing.
    assert _edit(client, card, headline="Another").status_code == 302
    assert db_card(MemberProfile).version == v1 + 1 and len(outbox_rows()) == rows + 1


def test_only_members_have_member_cards_and_only_clients_client_cards(app, client):
    sign_in(client, make_user(account_type="client"))
    assert client.get("/directory/card").status_code == 404
    assert post_form(client, "/directory/card", member_form()).status_code == 404
    member_client = sign_in(app.test_client(), make_user())
    assert member_client.get("/directory/organisation").status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in_to_edit(app, client):
    for url in ("/directory/card", "/directory/organisation", "/directory/messages"):
        response = client.get(url)
        assert response.status_code == 302 and "/signin" in response.headers["Location"]


# ------------------------------------------------------------------------------- publishing


def test_publishing_asks_who_may_see_it_and_is_recorded(app, client, member):
    from webapp.directory.models import MemberProfile
    from webapp.directory.service import POLICY_VERSION

    _create(client)
    card = db_card(MemberProfile)
    url = f"/directory/cards/member/{card.id}/publish"
    page = client.get(url).get_data(as_text=True)
    assert 'value="community"' in page and 'value="public"' in page

    assert post_form(client, url, {}, token_from=url).status_code == 400  # no choice, no change
    assert db_card(MemberProfile).visibility == "draft"

    version, rows = db_card(MemberProfile).version, len(outbox_rows())
    assert post_form(client, url, {"visibility": "community"}, token_from=url).status_code == 302
    card = db_card(MemberProfile)
    assert card.visibility == "community" and card.published_at is not None
    assert card.version == version + 1 and len(outbox_rows()) == rows + 1
    (event,) = audit_events("directory.publish")
    assert event.actor_id == member.id and event.subject_user_id == member.id
    assert event.detail["visibility"] == "community" and event.detail["previous"] == "draft"
    assert event.detail["policy_version"] == POLICY_VERSION and event.created_at is not None

    anon, other = app.test_client(), sign_in(app.test_client(), make_user(account_type="client"))
    assert anon.get(f"/directory/members/{card.id}").status_code == 404
    assert other.get(f"/directory/members/{card.id}").status_code == 200

    assert post_form(client, url, {"visibility": "public"}, token_from=url).status_code == 302
    assert anon.get(f"/directory/members/{card.id}").status_code == 200

    # One click hides it everywhere.
    assert post_form(client, f"/directory/cards/member/{card.id}/unpublish").status_code == 302
    card = db_card(MemberProfile)
    assert card.visibility == "draft" and card.published_at is None
    assert anon.get(f"/directory/members/{card.id}").status_code == 404
    assert other.get(f"/directory/members/{card.id}").status_code == 404
    assert client.get(f"/directory/members/{card.id}").status_code == 200
    (event,) = audit_events("directory.unpublish")
    assert event.detail["previous"] == "public" and event.detail["policy_version"] == POLICY_VERSION
    assert outbox_rows()[-1].entity_id == card.id


def test_publish_refuses_unknown_visibilities(app, client, member):
    from webapp.directory.models import MemberProfile

    _create(client)
    card = db_card(MemberProfile)
    url = f"/directory/cards/member/{card.id}/publish"
    assert post_form(client, url, {"visibility": "everyone"}, token_from=url).status_code == 400
    assert db_card(MemberProfile).visibility == "draft"


VIEWERS = ("anonymous", "member", "client", "staff", "owner")
EXPECTED = {
    "public": {"anonymous": 200, "member": 200, "client": 200, "staff": 200, "owner": 200},
    "community": {"anonymous": 404, "member": 200, "client": 200, "staff": 200, "owner": 200},
    "draft": {"anonymous": 404, "member": 404, "client": 404, "staff": 404, "owner": 200},
}


@pytest.mark.parametrize("kind", ["member", "client"])
@pytest.mark.parametrize("visibility", ["public", "community", "draft"])
def test_who_sees_which_card(app, staff, kind, visibility):
    owner = make_user(account_type=kind)
    card = (member_card if kind == "member" else client_card)(owner, visibility=visibility)
    viewers = {
        "anonymous": app.test_client(),
        "member": sign_in(app.test_client(), make_user()),
        "client": sign_in(app.test_client(), make_user(account_type="client")),
        "staff": sign_in(app.test_client(), staff),
        "owner": sign_in(app.test_client(), owner),
    }
    url = f"/directory/{kind}s/{card.id}"
    for viewer, expected in EXPECTED[visibility].items():
        assert viewers[viewer].get(url).status_code == expected, viewer
    assert viewers["member"].get(f"/directory/{kind}s/{card.id + 1000}").status_code == 404


def test_email_is_shown_only_when_the_owner_made_it_public(app, client):
    from webapp.directory import service
    from webapp.extensions import db

    owner = make_user("shy.member@private.example")
    card = member_card(owner, visibility="public")
    sign_in(client, make_user())
    assert "shy.member@private.example" not in client.get(f"/directory/members/{card.id}").get_data(
        as_text=True
    )
    service.update_card(card, {"email_public": True})
    db.session.commit()
    assert "shy.member@private.example" in client.get(f"/directory/members/{card.id}").get_data(as_text=True)


def test_email_public_is_off_by_default_in_the_form(app, client, member):
    html = client.get("/directory/card").get_data(as_text=True)
    import re

    checkbox = re.search(r'<input[^>]*name="email_public"[^>]*>', html).group(0)
    assert "checked" not in checkbox


def test_delete_card_removes_it_and_tells_the_index(app, client, member):
    from webapp.directory.models import MemberProfile

    _create(client)
    card_id = db_card(MemberProfile).id
    assert post_form(client, f"/directory/cards/member/{card_id}/delete").status_code == 302
    assert _count(MemberProfile) == 0
    last = outbox_rows()[-1]
    assert (last.entity, last.entity_id, last.op) == ("member", card_id, "delete")
    assert audit_events("directory.delete")[-1].detail["profile_id"] == card_id
    assert client.get(f"/directory/members/{card_id}").status_code == 404


# ------------------------------------------------------------------------------- client cards


def test_client_card_lifecycle(app, client):
    from webapp.directory.models import ClientProfile

    user = make_user(account_type="client")
    sign_in(client, user)
    assert client.get("/directory/organisation").status_code == 200
    theatre = code("sector", "performing arts")
    response = post_form(
        client,
        "/directory/organisation",
        client_form(sectors=[theatre], place="Gent", website="https://oost.example"),
        token_from="/directory/organisation",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    card = db_card(ClientProfile)
    assert card.visibility == "draft" and card.user_id == user.id and card.sectors == [theatre]
    assert card.place_id == place("Ghent").id
    assert [(r.entity, r.entity_id) for r in outbox_rows()] == [("client", card.id)]
    assert app.test_client().get(f"/directory/clients/{card.id}").status_code == 404

    url = f"/directory/cards/client/{card.id}/publish"
    assert post_form(client, url, {"visibility": "public"}, token_from=url).status_code == 302
    html = app.test_client().get(f"/directory/clients/{card.id}").get_data(as_text=True)
    assert "Theater Oost" in html and "City theatre." in html and "Els" in html and "not liable" in html

    edit = f"/directory/clients/{card.id}/edit"
    assert post_form(client, edit, client_form(name="Theater Oost vzw"), token_from=edit).status_code == 302
    assert db_card(ClientProfile).name == "Theater Oost vzw"
    assert outbox_rows()[-1].entity == "client"


# ------------------------------------------------------------------------------- dashboard


def test_dashboard_shows_your_card_with_its_status_and_buttons(app, client, member):
    from webapp.directory.models import MemberProfile

    html = client.get("/account").get_data(as_text=True)
    assert "Create my card" in html and "/directory/card" in html
    _create(client)
    card = db_card(MemberProfile)
    html = client.get("/account").get_data(as_text=True)
    assert "Draft" in html and f"/directory/cards/member/{card.id}/publish" in html
    url = f"/directory/cards/member/{card.id}/publish"
    post_form(client, url, {"visibility": "public"}, token_from=url)
    html = client.get("/account").get_data(as_text=True)
    assert "Public" in html and f"/directory/cards/member/{card.id}/unpublish" in html


def test_client_dashboard_offers_the_organisation_card(app, client):
    sign_in(client, make_user(account_type="client"))
    html = client.get("/account").get_data(as_text=True)
    assert "/directory/organisation" in html
