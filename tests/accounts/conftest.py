"""Helpers for the accounts tests: signing in through the form (what these tests are about), reading
mailed links. Users, the session sign-in, CSRF and factories are shared: tests/conftest.py and
tests/factories.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import post_form
from tests.factories import PASSWORD

LINK = re.compile(r"https?://[^/\s]+(/\S+)")


def signin(client: FlaskClient, email: str, password: str = PASSWORD, **extra: Any) -> TestResponse:
    """POST the sign-in form with a token read from the sign-in page."""
    data = {"email": email, "password": password, **extra}
    return post_form(client, "/signin", data, token_from="/signin")


def is_signed_in(client: FlaskClient) -> bool:
    """Whether the client's session opens the account page (what "signed in" means to a visitor)."""
    return client.get("/account").status_code == 200


def mailed_links(body: str) -> list[str]:
    """Paths of the links in a mail body (the host is BASE_URL)."""
    return LINK.findall(body)


@pytest.fixture
def req(app):
    """A request context, for service functions that translate messages."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def auth_client(client, user):
    """A client signed in as ``user`` through the sign-in form."""
    response = signin(client, user.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
