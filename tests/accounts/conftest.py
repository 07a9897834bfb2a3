"""Helpers for the accounts tests: signing in the way a browser does, reading mailed links."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token, post_form
from tests.factories import PASSWORD, make_user

LINK = re.compile(r"https?://[^/\s]+(/\S+)")


def signin(client, email: str, password: str = PASSWORD, **extra):
    """POST the sign-in form with a token read from the sign-in page."""
    data = {"email": email, "password": password, **extra}
    return post_form(client, "/signin", data, token_from="/signin")


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def mailed_links(body: str) -> list[str]:
    """Paths of the links in a mail body (the host is BASE_URL)."""
    return LINK.findall(body)


def outbox(to: str | None = None):
    from sqlalchemy import select

    from webapp.core.models import MailMessage
    from webapp.extensions import db

    query = select(MailMessage).order_by(MailMessage.id)
    if to:
        query = query.where(MailMessage.to_addr == to)
    return list(db.session.scalars(query))


@pytest.fixture
def req(app):
    """A request context, for service functions that translate messages."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def user(app):
    """A verified member with the factory password."""
    return make_user("ann@example.org")


@pytest.fixture
def other_user(app):
    """A second verified account."""
    return make_user("bob@example.org", account_type="client")


@pytest.fixture
def auth_client(client, user):
    """A client signed in as ``user``."""
    response = signin(client, user.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


__all__ = [
    "csrf_token",
    "is_signed_in",
    "mailed_links",
    "outbox",
    "post_form",
    "signin",
]
