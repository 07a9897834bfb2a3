"""A small directory for the search tests: real cards through the directory service, real
gazetteer places, the real embedded backend and encoders (loaded once per process).

Shared by tests/directory/test_search_*.py and tests/api/; module-scoped apps keep the
corpus built once per test module.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

from tests.conftest import app_settings
from tests.factories import client_card, code, member_card, place

SECRET_EMAIL_DOMAIN = "private-mail.example"


#: (name, function, sectors, place, country, card language, spoken, visibility, headline, bio, skills)
CORPUS: list[dict[str, Any]] = [
    dict(
        name="Anna Peeters",
        years=12,
        function="photographer",
        sectors=["photography"],
        place="Ghent",
        lang="en",
        languages=["nl", "en"],
        headline="Portrait and event photographer",
        bio="I photograph weddings, company events and portraits, with careful studio lighting.",
        skills=["portraits", "studio lighting"],
    ),
    dict(
        name="Luc Dubois",
        years=3,
        function="sound engineer",
        sectors=["music"],
        place="Namur",
        lang="fr",
        languages=["fr"],
        headline="Ingénieur du son pour concerts et théâtre",
        bio="Je fais la sonorisation de concerts et aussi l'éclairage de petites salles.",
        skills=["sonorisation", "éclairage"],
    ),
    dict(
        name="Sophie Lambert",
        years=25,
        function="lighting technician",
        sectors=["events"],
        place="Liège",
        lang="fr",
        languages=["fr", "en"],
        headline="Technicienne lumière",
        bio="Conception lumière pour spectacles et événements en Wallonie.",
        skills=["DMX"],
    ),
    dict(
        name="Koen Janssens",
        years=15,
        function="photographer",
        sectors=["photography"],
        place="Antwerp",
        lang="nl",
        languages=["nl"],
        visibility="community",
        headline="Fotograaf voor bedrijven",
        bio="Bedrijfsreportages en productfotografie in Antwerpen.",
        skills=["productfotografie"],
    ),
    dict(
        name="Drafty Draftsman",
        years=30,
        function="photographer",
        sectors=["photography"],
        place="Ghent",
        lang="en",
        languages=["en"],
        visibility="draft",
        headline="Unpublished photographer",
        bio="This card is a draft and must never show.",
        skills=[],
    ),
    dict(
        name="Eve <script>alert(1)</script>",
        function="graphic designer",
        sectors=["design"],
        place="Brussels",
        lang="en",
        languages=["en"],
        headline="Designer <script>alert('x')</script> of posters",
        bio="Posters and logos. <script>alert(document.cookie)</script> <img src=x onerror=alert(2)>",
        skills=["posters"],
    ),
    dict(
        name="Marie Lefèvre",
        function="translator",
        sectors=["writing"],
        place="Brussels",
        lang="fr",
        languages=["fr", "nl", "en"],
        headline="Traductrice juridique FR-NL",
        bio="Traduction de contrats et de documents officiels.",
        skills=["traduction juridique"],
    ),
    dict(
        name="Pieter Claes",
        function="graphic designer",
        sectors=["design"],
        place="Leuven",
        lang="nl",
        languages=["nl", "en"],
        headline="Grafisch ontwerper",
        bio="Huisstijlen, affiches en boekontwerp.",
        skills=["huisstijl"],
    ),
    dict(
        name="Camille Hanot",
        function="photographer",
        sectors=["photography"],
        place="Mons",
        lang="fr",
        languages=["fr"],
        headline="Photographe de spectacles",
        bio="Photos de théâtre et de danse à Mons et dans le Hainaut.",
        skills=["photo de scène"],
    ),
    dict(
        name="Jonas Weber",
        function="web developer",
        sectors=["IT & web"],
        place="Aachen",
        lang="de",
        languages=["de", "en"],
        headline="Webentwickler",
        bio="Webseiten und Shops für kleine Firmen.",
        skills=["Python", "Django"],
    ),
    dict(
        name="Lotte de Vries",
        function="photographer",
        sectors=["photography"],
        place="Amsterdam",
        lang="nl",
        languages=["nl"],
        headline="Fotograaf",
        bio="Reportages en portretten.",
        skills=["portretten"],
    ),
    dict(
        name="Tom Wouters",
        function="musician",
        sectors=["music"],
        place="Ghent",
        lang="nl",
        languages=["nl"],
        headline="Gitarist en componist",
        bio="Speelt in bands en schrijft filmmuziek.",
        skills=["gitaar"],
    ),
    dict(
        name="Hélène Rousseau",
        function="actor",
        sectors=["performing arts"],
        place="Namur",
        lang="fr",
        languages=["fr"],
        headline="Comédienne",
        bio="Théâtre jeune public et lectures.",
        skills=["voix off"],
    ),
    dict(
        name="Bart Maes",
        function="video editor",
        sectors=["film"],
        place="Mechelen",
        lang="nl",
        languages=["nl"],
        headline="Videomonteur",
        bio="Montage van documentaires en bedrijfsfilms.",
        skills=["montage"],
    ),
    dict(
        name="Greta Schmitz",
        function="translator",
        sectors=["writing"],
        place="Eupen",
        lang="de",
        languages=["de", "fr"],
        headline="Übersetzerin DE-FR",
        bio="Fachübersetzungen und Lektorat.",
        skills=["Lektorat"],
    ),
    dict(
        name="Nora El Amrani",
        function="sound engineer",
        sectors=["music"],
        place="Charleroi",
        lang="fr",
        languages=["fr", "ar"],
        headline="Ingénieure du son studio",
        bio="Mixage et mastering.",
        skills=["mixage"],
    ),
    dict(
        name="Wim Jacobs",
        function="photographer",
        sectors=["photography"],
        place="Bruges",
        lang="nl",
        languages=["nl"],
        headline="Architectuurfotograaf",
        bio="Gebouwen en interieurs.",
        skills=["architectuur"],
    ),
    dict(
        name="Ines Costa",
        function="illustrator",
        sectors=["design"],
        place="Lille",
        lang="fr",
        languages=["fr", "pt"],
        headline="Illustratrice jeunesse",
        bio="Albums pour enfants.",
        skills=["aquarelle"],
    ),
]

CLIENTS: list[dict[str, Any]] = [
    dict(
        name="Theater Oost",
        sectors=["performing arts"],
        place="Ghent",
        lang="nl",
        description="Stadstheater dat freelancers zoekt voor licht en geluid.",
    ),
    dict(
        name="Studio Meuse",
        sectors=["music"],
        place="Namur",
        lang="fr",
        description="Studio d'enregistrement.",
    ),
    dict(
        name="Hidden Client",
        sectors=["design"],
        place="Leuven",
        lang="nl",
        visibility="draft",
        description="Not published.",
    ),
]


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
