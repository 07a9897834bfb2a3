"""Nobody can lock the owner out of their account (issue 7.3).

25 wrong passwords from any mix of addresses trip the account's limit. Before, the correct
password then answered 429 too, for an hour, for the owner as for everyone. Now a browser that
signed in to the account before (a signed device cookie) is not held by the account limit, and
when the limit trips the owner gets one mail with a one-time sign-in link.
"""

from __future__ import annotations

import re

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user

WRONG = "not the password at all"


def _attempt(client, email: str, password: str):
    token = csrf_token(client, "/signin")
    return client.post("/signin", data={"csrf_token": token, "email": email, "password": password})


def _from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _trip_the_account_limit(app, email: str) -> list[int]:
    return [_attempt(_from(app, f"192.0.2.{i + 1}"), email, WRONG).status_code for i in range(26)]


def _link_mails(user) -> list:
    from sqlalchemy import select

    from webapp.core.models import MailMessage
    from webapp.extensions import db

    rows = db.session.scalars(
        select(MailMessage).where(MailMessage.to_addr == user.email).order_by(MailMessage.id)
    )
    return [m for m in rows if "/signin/link/" in m.body_text]


def test_the_owners_own_device_still_signs_in_while_strangers_are_held_off(app):
    owner = make_user("owner@example.org")
    laptop = _from(app, "198.51.100.7")
    assert _attempt(laptop, owner.email, PASSWORD).status_code == 302  # signed in once: remembered
    laptop.post("/signout", data={"csrf_token": csrf_token(laptop, "/account")})

    statuses = _trip_the_account_limit(app, owner.email)
    assert statuses[:24] == [200] * 24 and statuses[24:] == [429, 429]  # the laptop's sign-in counted once
    assert _attempt(_from(app, "203.0.113.50"), owner.email, PASSWORD).status_code == 429  # a new device
    assert _attempt(laptop, owner.email, PASSWORD).status_code == 302  # the owner's own browser


def test_the_owner_gets_one_sign_in_link_that_works_once(app):
    owner = make_user("owner@example.org")
    statuses = _trip_the_account_limit(app, owner.email)
    assert statuses[25] == 429
    _attempt(_from(app, "192.0.2.99"), owner.email, WRONG)  # more tries: still one mail
    [mail] = _link_mails(owner)
    path = re.search(r"https?://[^/\s]+(/signin/link/\S+)", mail.body_text).group(1)

    phone = _from(app, "203.0.113.9")
    page = phone.get(path)
    assert page.status_code == 200 and "Sign me in" in page.get_data(as_text=True)
    assert phone.get("/account").status_code == 302  # opening the link alone signs nobody in
    response = phone.post(path, data={"csrf_token": csrf_token(phone, path)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert phone.get("/account").status_code == 200
    # Spent: the same link no longer works, for anyone.
    assert _from(app, "203.0.113.10").get(path).status_code == 400
    # And the phone is now a known device: its password sign-in passes the account limit.
    phone.post("/signout", data={"csrf_token": csrf_token(phone, "/account")})
    assert _attempt(phone, owner.email, PASSWORD).status_code == 302


def test_an_unknown_address_gets_the_same_429_and_no_mail(app):
    from sqlalchemy import func, select

    from webapp.core.models import MailMessage
    from webapp.extensions import db

    statuses = _trip_the_account_limit(app, "nobody@example.org")
    assert statuses[25] == 429
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_a_forged_device_cookie_counts_for_nothing(app):
    owner = make_user("owner@example.org")
    _trip_the_account_limit(app, owner.email)
    forger = _from(app, "203.0.113.66")
    forger.set_cookie("kring_device", "WyJhYmMiXQ.forged-signature")
    assert _attempt(forger, owner.email, PASSWORD).status_code == 429
