"""The events' database fallback (CHECKLIST 34): with the search backend dead, the calendar and
``/api/v1/events/search`` answer from the database within a second, flagged "limited search",
with the same filters and the same visibility rules (no drafts, no cancelled events, community
events only for those signed in)."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest

from tests.conftest import sign_in
from tests.events.helpers import make_event, soon
from tests.factories import code, make_user
from webapp.events import service
from webapp.events.models import EventGroup
from webapp.extensions import db as _db


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dead_backend_config(app_config):
    """Settings pointing the search at an Elasticsearch that is not there."""
    app_config.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=f"http://127.0.0.1:{_dead_port()}")
    return app_config


def _ids(client, query: str = "") -> list[int]:
    response = client.get(f"/api/v1/events/search{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert data["degraded"] is True
    return [r["id"] for r in data["results"]]


def _warm_up(app) -> None:
    """Encoders, taxonomy and gazetteer load once per process: start-up work, paid before the clock."""
    import indexer.backends.elastic  # noqa: F401 - importing the client library is start-up work too
    from indexer.embeddings import load_embedders
    from webapp.taxonomy.understand import understand

    load_embedders(app.config["EMBEDDING_MODEL"], cache_dir=app.config["MODEL_CACHE_DIR"])
    understand("meetup illustrateurs Liège", "fr")


def test_dead_backend_answers_from_the_database_within_a_second(dead_backend_config, app, db, user):
    _warm_up(app)
    photo = code("sector", "audiovisual")
    liege = make_event(
        user,
        texts=[
            ("fr", "Rencontre des illustrateurs", "Un meetup pour les illustrateurs de la région."),
            ("nl", "Ontmoeting illustratoren", "Een meetup voor illustratoren."),
        ],
        start=soon(days=40),
        city="Liège",
        languages=("fr", "nl"),
        category="sector_meetup",
    )
    antwerp = make_event(user, title="Netwerkevent fotografie", start=soon(days=5), sectors=(photo,))
    community = make_event(user, title="Leden netwerkavond", visibility="community", start=soon(days=3))
    draft = make_event(user, title="Concept netwerkavond", status="draft", start=soon(days=2))
    cancelled = make_event(user, title="Afgelaste netwerkavond", start=soon(days=4))
    service.set_status(cancelled, "cancelled", "public", actor_id=user.id)
    _db.session.commit()

    anon = app.test_client()
    started = time.monotonic()
    response = anon.get("/events")
    elapsed = time.monotonic() - started
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and elapsed < 1.0
    assert "Limited search" in html
    assert html.index("Netwerkevent fotografie") < html.index("Rencontre des illustrateurs")
    for hidden in ("Leden netwerkavond", "Concept netwerkavond", "Afgelaste netwerkavond"):
        assert hidden not in html

    started = time.monotonic()
    assert _ids(anon) == [antwerp.id, liege.id]  # soonest first, public only
    assert time.monotonic() - started < 1.0
    member = sign_in(app.test_client(), make_user())
    assert _ids(member) == [community.id, antwerp.id, liege.id]
    assert draft.id not in _ids(sign_in(app.test_client(), user))  # not even for its organiser here
    # Words in any of the event's languages, the category's words, the place's name.
    assert _ids(anon, "?q=illustratoren") == [liege.id]
    assert _ids(anon, "?q=ILLUSTRATEURS") == [liege.id]
    assert _ids(anon, "?q=netwerkevent") == [antwerp.id]
    assert _ids(member, "?q=leden") == [community.id]
    assert _ids(anon, "?q=leden") == []
    assert _ids(member, "?q=netwerkavond") == [community.id, antwerp.id]  # a word of "networking"
    assert _ids(anon, "?q=nothing+like+this") == []
    assert _ids(anon, "?q=100%25") == []  # LIKE wildcards are plain characters
    # The same filters as the index.
    assert _ids(anon, "?category=sector_meetup") == [liege.id]
    assert _ids(anon, "?language=fr") == [liege.id]
    assert _ids(anon, f"?sector={photo}") == [antwerp.id]
    assert _ids(anon, "?place=Antwerpen&radius_km=20") == [antwerp.id]
    assert _ids(anon, "?place=Liège&radius_km=20") == [liege.id]
    assert _ids(anon, f"?from={soon(days=30).date().isoformat()}") == [liege.id]
    assert _ids(anon, f"?to={soon(days=6).date().isoformat()}") == [antwerp.id]
    page = anon.get("/api/v1/events/search?category=networking").get_json()
    assert page["total"] == 1 and page["results"][0]["start"].endswith(("+01:00", "+02:00"))


def test_fallback_follows_groups_recurrences_and_cancelled_occurrences(dead_backend_config, app, db, user):
    _warm_up(app)
    group = EventGroup(name="Illustratoren Vlaanderen", visibility="public")
    _db.session.add(group)
    _db.session.commit()
    weekly = make_event(user, title="Wekelijkse tekenavond", start=soon(days=2), rrule="FREQ=WEEKLY;COUNT=6")
    grouped = make_event(user, title="Groepsavond", start=soon(days=60))
    grouped.group_id, grouped.organiser_kind = group.id, "group"
    _db.session.commit()
    anon = app.test_client()
    assert _ids(anon, f"?group={group.id}") == [grouped.id]
    assert _ids(anon, "?q=vlaanderen") == [grouped.id]  # the group's name is searched too
    # An occurrence three weeks on falls in a period that the first one does not.
    third = soon(days=16).date().isoformat()
    assert _ids(anon, f"?from={third}&to={third}") == [weekly.id]
    hit = anon.get(f"/api/v1/events/search?from={third}&to={third}").get_json()["results"][0]
    assert hit["start"].startswith(third)
    # Cancelling that occurrence takes the event out of that period, not out of others.
    occ = service.next_occurrence(weekly, soon(days=15))
    service.set_occurrence(weekly, occ.start, cancelled=True)
    _db.session.commit()
    assert _ids(anon, f"?from={third}&to={third}") == []
    assert weekly.id in _ids(anon, f"?from={(soon(days=2) + timedelta(days=7)).date().isoformat()}")
