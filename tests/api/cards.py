"""A small directory for the search tests: real cards through the directory service, real
gazetteer places, the real embedded backend and encoders (loaded once per process).

Shared by tests/directory/test_search_*.py and tests/api/; module-scoped apps keep the
corpus built once per test module.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from tests.conftest import app_settings
from tests.factories import client_card, code, member_card, place

SECRET_EMAIL_DOMAIN = "private-mail.example"


def _load(kind: str) -> list[dict[str, Any]]:
    """The corpus cards of one kind, from corpus.jsonl (a table, one card a line): ``kind`` (member or
    client), name, function, sectors, place (as people type it), lang (the card's language), languages
    spoken, years of experience, visibility (public unless said), headline, bio, skills; clients a
    description."""
    lines = Path(__file__).with_name("corpus.jsonl").read_text("utf-8").splitlines()
    cards = [json.loads(line) for line in lines]
    return [{k: v for k, v in card.items() if k != "kind"} for card in cards if card["kind"] == kind]


CORPUS: list[dict[str, Any]] = _load("member")
CLIENTS: list[dict[str, Any]] = _load("client")


def secret_email(n: int) -> str:
    """The n-th card's private contact address: never to be shown by any page or answer."""
    return f"owner{n}@{SECRET_EMAIL_DOMAIN}"


def _corpus_card(factory: Any, spec: dict[str, Any], email_n: int, **fields: Any) -> Any:
    """A card of the corpus without an account (as imported), published as the spec says; not committed."""
    from webapp.core.places import place_values

    return factory(
        False,
        visibility=spec.get("visibility", "public"),
        commit=False,
        sectors=[code("sector", s) for s in spec["sectors"]],
        card_language=spec.get("lang"),
        contact_email=secret_email(email_n),
        **place_values(place(spec["place"])),
        **fields,
    )


def make_member(spec: dict[str, Any], n: int = 0) -> Any:
    """The corpus member card of ``spec`` (its private address numbered ``n``)."""
    return _corpus_card(
        member_card,
        spec,
        n,
        display_name=spec["name"],
        function_code=code("function", spec["function"]),
        function_text=spec.get("function_text"),
        languages=spec.get("languages", []),
        headline=spec.get("headline"),
        bio=spec.get("bio"),
        skills=spec.get("skills", []),
        experience_years=spec.get("years"),
    )


def make_client(spec: dict[str, Any], n: int = 0) -> Any:
    """The corpus client card of ``spec`` (its private address numbered 1000 + ``n``)."""
    return _corpus_card(client_card, spec, 1000 + n, name=spec["name"], description=spec.get("description"))


def seed(members: list[dict[str, Any]] = CORPUS, clients: list[dict[str, Any]] = CLIENTS) -> dict[str, int]:
    """Create the cards, commit, and drain the search outbox into the real embedded index."""
    from webapp.core.search import drain_all
    from webapp.extensions import db

    ids: dict[str, int] = {}
    for n, spec in enumerate(members):
        ids[spec["name"]] = make_member(spec, n).id
    for n, spec in enumerate(clients):
        ids[spec["name"]] = make_client(spec, n).id
    db.session.commit()
    report = drain_all()
    assert not report.errors, report.errors
    return ids


@contextmanager
def corpus_app(data_dir: str) -> Iterator[tuple[Any, dict[str, int]]]:
    """An app with the corpus indexed, for a whole test module (read-only tests).

    No app context stays pushed while the tests run: each request then gets its own, so
    per-request caches (Flask-Login's user, Flask-Babel's locale in ``g``) never leak from
    one request to the next. Wrap direct database work in ``with app.app_context():``.
    """
    from webapp import create_app
    from webapp.core.search import close_service
    from webapp.extensions import db

    app = create_app(app_settings(data_dir, RATELIMIT_ENABLED=False))
    with app.app_context():
        ids = seed()
        db.session.remove()
    try:
        yield app, ids
    finally:
        with app.app_context():
            close_service(app)
            db.session.remove()
            db.engine.dispose()


def visible_text(html: str) -> str:
    """The page's text without its tags (attribute values, which repeat the query, drop out)."""
    return re.sub(r"<[^>]+>", " ", html)
