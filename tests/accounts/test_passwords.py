"""Passwords: length rules only, a blocklist, exact comparison, argon2id, upgrade of old hashes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.security import generate_password_hash

from tests.accounts.conftest import signin
from tests.factories import make_user
from webapp.accounts import service
from webapp.accounts.service import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    common_passwords,
    hash_password,
    password_problems,
    verify_password,
)

FIXTURE_OK = dict(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def test_blocklist_is_a_few_thousand_lowercase_entries():
    words = common_passwords()
    assert len(words) >= 3000
    assert all(w == w.lower() and len(w) >= PASSWORD_MIN for w in words)
    for common in ("password", "12345678", "wachtwoord", "motdepasse", "azertyuiop", "passwort", "qwerty123"):
        assert common in words


@pytest.mark.parametrize(
    "password", ["password", "Password1", "12345678", "Wachtwoord123", "azerty123", "iloveyou"]
)
def test_blocklisted_passwords_are_refused(req, password):
    assert password_problems(password)


@settings(max_examples=150, **FIXTURE_OK)
@given(
    length=st.integers(min_value=0, max_value=PASSWORD_MAX + 60),
    alphabet=st.sampled_from(["abcdefghij", "ÄéßøЖ漢字 ", "0123456789!?", "\U0001f600xyz"]),
    seed=st.randoms(use_true_random=False),
)
def test_any_length_between_min_and_max_is_accepted_without_composition_rules(req, length, alphabet, seed):
    password = "".join(seed.choice(alphabet) for _ in range(length))
    problems = password_problems(password)
    if password.lower() in common_passwords():
        assert problems
    elif PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        assert problems == [], (len(password), problems)
    else:
        assert problems


@pytest.mark.parametrize(
    ("length", "ok"), [(7, False), (8, True), (128, True), (PASSWORD_MAX, True), (PASSWORD_MAX + 1, False)]
)
def test_length_boundaries(req, length, ok):
    password = ("tram-vélo-" * 200)[:length]
    assert (password_problems(password) == []) is ok


def test_password_equal_to_the_address_is_refused(req):
    assert password_problems("ann.peeters@example.org", email="ann.peeters@example.org")


@settings(max_examples=12, **FIXTURE_OK)
@given(st.text(min_size=1, max_size=200))
def test_comparison_is_exact(app, password):
    hashed = hash_password(password)

    class Row:  # verify_password reads and may rewrite one attribute
        password_hash = hashed

    assert verify_password(Row, password)
    for variant in {password + " ", " " + password, password.swapcase(), password[:-1]} - {password}:
        assert not verify_password(Row, variant)


def test_stored_hash_is_argon2id_with_configured_parameters(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_long_passphrase_is_not_truncated(app):
    long = "zeer lange wachtzin " * 50  # 1000 characters
    user = make_user(password=long)
    assert verify_password(user, long)
    assert not verify_password(user, long[:-1])
    assert not verify_password(user, long[:72])  # bcrypt would have accepted this


@pytest.mark.parametrize("method", ["pbkdf2:sha256:600000", "scrypt"])
def test_old_werkzeug_hash_upgrades_at_sign_in(app, client, db, method):
    user = make_user("old@example.org")
    user.password_hash = generate_password_hash("an old but fine password", method=method)
    db.session.commit()
    response = signin(client, "old@example.org", "an old but fine password")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user, "an old but fine password")


def test_old_hash_with_wrong_password_stays_and_fails(app, client, db):
    user = make_user("old2@example.org")
    old = generate_password_hash("an old but fine password", method="pbkdf2:sha256:600000")
    user.password_hash = old
    db.session.commit()
    assert signin(client, "old2@example.org", "not the password").status_code == 200
    db.session.refresh(user)
    assert user.password_hash == old


def test_hash_with_outdated_parameters_is_rehashed(app, db):
    user = make_user()
    weak = service._hasher_for(time_cost=1, memory_cost=8192, parallelism=1).hash(
        "correct horse battery staple"
    )
    user.password_hash = weak
    db.session.commit()
    assert verify_password(user, "correct horse battery staple")
    assert user.password_hash != weak
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_configured_parameters_are_used(app):
    app.config["ARGON2_TIME_COST"] = 3
    assert hash_password("x" * 10).startswith("$argon2id$v=19$m=19456,t=3,p=1$")


def test_garbage_hash_never_verifies(app, db):
    user = make_user()
    for stored in ["", "plain-text-password", "$argon2id$broken", "md5:abc"]:
        user.password_hash = stored
        assert not verify_password(user, "plain-text-password")
