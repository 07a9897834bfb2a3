"""The personal-data registry: every model that points at a user is exported and erased, or excluded."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import ForeignKey, Integer, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tests.factories import make_user
from webapp.core.models import AuditEvent, MailMessage
from webapp.core.privacy import (
    EXCLUDED_MODELS,
    PersonalData,
    covered_models,
    erase_user,
    exclude_model,
    export_user_data,
    register_personal_data,
    uncovered_models,
    user_reference_columns,
)


class _Scratch(DeclarativeBase):
    """A separate registry, so the app's own metadata stays untouched."""


class _ScratchUser(_Scratch):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)


class _Bookmark(_Scratch):
    __tablename__ = "bookmarks"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))


class _Log(_Scratch):
    __tablename__ = "logs"
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_user_id: Mapped[int | None] = mapped_column(Integer)


def test_every_model_referring_to_a_user_is_exported_or_excluded(app):
    """GDPR Art. 20/17: a new model with a user column must register with webapp.core.privacy."""
    missing = uncovered_models(app)
    assert not missing, "models with a user reference neither registered nor excluded: " + ", ".join(
        f"{cls.__name__}({', '.join(cols)})"
        for cls, cols in sorted(missing.items(), key=lambda i: i[0].__name__)
    )


def test_every_exclusion_has_a_reason():
    assert all(isinstance(reason, str) and len(reason) > 20 for reason in EXCLUDED_MODELS.values())


def test_the_walk_finds_foreign_keys_and_user_id_columns(app):
    found = {(cls.__name__, col) for cls, col in user_reference_columns()}
    assert ("MailMessage", "user_id") in found  # a plain integer column named user_id
    assert ("AuditEvent", "subject_user_id") in found
    assert ("AuditEvent", "actor_id") in found
    assert ("MemberProfile", "user_id") in found  # a real foreign key to users.id
    assert not any(cls == "User" for cls, _ in found)


def test_the_meta_test_would_catch_an_unregistered_model(app):
    mappers = list(_Scratch.registry.mappers)
    missing = uncovered_models(app, mappers)
    assert set(missing) == {_Bookmark, _Log}
    assert missing[_Bookmark] == ["owner"] and missing[_Log] == ["sender_user_id"]
    register_personal_data(app, PersonalData("bookmarks", models=[_Bookmark]))
    exclude_model(_Log, "a scratch model for this test, holds nothing personal")
    try:
        assert uncovered_models(app, mappers) == {}
    finally:
        EXCLUDED_MODELS.pop(_Log)
        app.extensions["kring_personal_data"] = [
            e for e in app.extensions["kring_personal_data"] if e.name != "bookmarks"
        ]


def test_accounts_registers_itself(app):
    from webapp.accounts.models import User

    assert {User, AuditEvent} <= covered_models(app)
    assert MailMessage in EXCLUDED_MODELS


def test_export_and_erase_call_every_entry_in_order(app, db):
    calls: list[str] = []
    register_personal_data(
        app,
        PersonalData(
            "notes",
            export=lambda user: {"notes": [f"note of {user.id}"]},
            erase=lambda user: calls.append(f"erase {user.id}"),
            order=10,
        ),
    )
    user = make_user("reg@example.org")
    data = export_user_data(user)
    assert data["notes"] == {"notes": [f"note of {user.id}"]}
    assert data["account"]["email"] == "reg@example.org"
    user_id = user.id
    erase_user(user)
    assert calls == [f"erase {user_id}"]


def test_a_failing_eraser_rolls_everything_back(app, db):
    def boom(user):
        raise RuntimeError("search index down")

    register_personal_data(app, PersonalData("fragile", erase=boom))
    user = make_user("keep-me@example.org")
    with pytest.raises(RuntimeError):
        erase_user(user)
    from webapp.accounts.models import User

    assert db.session.scalar(select(User).where(User.email == "keep-me@example.org")) is not None


def test_registering_the_same_name_replaces_the_entry():
    app = Flask(__name__)
    register_personal_data(app, PersonalData("x", export=lambda u: 1))
    register_personal_data(app, PersonalData("x", export=lambda u: 2))
    assert len(app.extensions["kring_personal_data"]) == 1
    assert app.extensions["kring_personal_data"][0].export(None) == 2
