"""Every accounts route: methods, CSRF, anonymous access, no-store, the dashboard registry."""

from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader

from tests.accounts.conftest import signin
from webapp.core.site import register_dashboard_section

#: Every route of the blueprint: (path, methods that mutate, public?).
ROUTES = {
    "accounts.signup": ("/signup", True),
    "accounts.signup_sent": ("/signup/sent", True),
    "accounts.verify": ("/verify/tok", True),
    "accounts.resend_verification": ("/account/verify/resend", False),
    "accounts.signin": ("/signin", True),
    "accounts.signin_link": ("/signin/link/tok", True),
    "accounts.signout": ("/signout", True),
    "accounts.reauth": ("/reauth", False),
    "accounts.reset_request": ("/reset", True),
    "accounts.reset": ("/reset/tok", True),
    "accounts.dashboard": ("/account", False),
    "accounts.settings": ("/account/settings", False),
    "accounts.change_password": ("/account/password", False),
    "accounts.change_email": ("/account/email", False),
    "accounts.confirm_email": ("/account/email/confirm/tok", True),
    "accounts.export": ("/account/export", False),
    "accounts.delete": ("/account/delete", False),
    "accounts.consent": ("/account/consent", False),
}
POST_ONLY = {
    "accounts.signout",
    "accounts.resend_verification",
    "accounts.change_password",
    "accounts.consent",
}
GET_ONLY = {"accounts.dashboard", "accounts.signup_sent"}


def test_the_table_lists_every_route(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("accounts.")]
    assert {rule.endpoint for rule in rules} == set(ROUTES)
    assert {r.endpoint for r in rules if "POST" not in r.methods} == GET_ONLY
    assert {r.endpoint for r in rules if "GET" not in r.methods} == POST_ONLY


@pytest.mark.parametrize("endpoint", sorted(set(ROUTES) - GET_ONLY))
def test_post_without_csrf_token_is_refused(app, user, endpoint):
    client = app.test_client()
    signin(client, user.email)
    path, _public = ROUTES[endpoint]
    response = client.post(path, data={"email": "x@example.org", "password": "whatever long"})
    assert response.status_code == 400
    assert client.get("/account").status_code == 200  # still signed in: nothing happened


@pytest.mark.parametrize("endpoint", sorted(POST_ONLY))
def test_mutating_urls_refuse_get(client, endpoint):
    assert client.get(ROUTES[endpoint][0]).status_code == 405


@pytest.mark.parametrize("endpoint", sorted(GET_ONLY))
def test_read_only_pages_refuse_post(client, endpoint):
    from tests.conftest import post_form

    assert post_form(client, ROUTES[endpoint][0], token_from="/signin").status_code == 405


@pytest.mark.parametrize(
    "endpoint", sorted(e for e, (_, public) in ROUTES.items() if not public and e not in POST_ONLY)
)
def test_private_pages_send_anonymous_visitors_to_signin(client, endpoint):
    path = ROUTES[endpoint][0]
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/signin?next=")


@pytest.mark.parametrize("endpoint", sorted(e for e in ROUTES if e not in POST_ONLY))
def test_every_page_renders_and_is_never_cached(app, user, endpoint):
    client = app.test_client()
    signin(client, user.email)
    response = client.get(ROUTES[endpoint][0])
    assert response.status_code in (
        200,
        302,
        400,
    )  # bad tokens answer 400; sign-up/in redirect when signed in
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    if response.status_code != 302:
        html = response.get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html


def test_forms_carry_csrf_tokens(app, user):
    client = app.test_client()
    for path in ("/signup", "/signin", "/reset"):
        assert client.get(path).get_data(as_text=True).count('name="csrf_token"') >= 2  # page form + header
    signin(client, user.email)
    for path in ("/account/settings", "/account/email", "/account/export", "/account/delete", "/reauth"):
        html = client.get(path).get_data(as_text=True)
        assert html.count("<form") == html.count('name="csrf_token"'), path


def test_dashboard_shows_registered_sections(app, auth_client, user):
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"test/section.html": "<p class=test-section>{{ section.greeting }}</p>"}),
            app.jinja_env.loader,
        ]
    )
    seen = []

    def provider(u):
        seen.append(u.id)
        return {"template": "test/section.html", "greeting": f"Hello {u.email}"}

    register_dashboard_section(app, provider)
    register_dashboard_section(app, lambda u: None)  # nothing to show for this user
    html = auth_client.get("/account").get_data(as_text=True)
    assert "<p class=test-section>Hello ann@example.org</p>" in html
    assert seen == [user.id]


def test_dashboard_shows_the_account(auth_client):
    html = auth_client.get("/account").get_data(as_text=True)
    assert "ann@example.org" in html and "Member (freelancer)" in html
    assert "Please confirm your e-mail address" not in html  # verified
