"""Platform guarantees: SQLite pragmas and concurrency, rate limits, headers, safe redirects, i18n."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import in_threads
from tests.factories import FOREIGN_NEXT
from webapp.core.security import safe_next


def test_sqlite_pragmas(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection pragmas; PostgreSQL has no such settings")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.db
def test_concurrent_writers_never_see_database_is_locked(app, db):
    from webapp.core.models import AuditEvent

    def writer(n: int) -> None:
        for i in range(50):
            db.session.add(AuditEvent(action="test", actor_id=n, subject_user_id=i, detail={}))
            db.session.commit()

    in_threads(app, writer, 20)  # any "database is locked" fails it
    assert db.session.scalar(text("SELECT count(*) FROM audit_events")) == 1000


@pytest.mark.db
def test_rate_limiter_sliding_window(app, clock):
    from webapp.extensions import limiter

    assert limiter.now() == clock.now  # the app's RATELIMIT_CLOCK, not the wall clock
    verdicts = [limiter.hit("test", "k", "3/60") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    # The three hits at the window's first second fade over the next window: 3 × (1 − f) ≤ 2 at f = 1/3.
    assert verdicts[-1].retry_after == 80
    assert limiter.hit("test", "other", "3/60").allowed  # keys are independent
    assert not limiter.peek("test", "k", "3/60").allowed
    clock.advance(79.5)
    late = limiter.peek("test", "k", "3/60")
    assert not late.allowed and late.retry_after == 1
    clock.advance(0.5)
    assert limiter.peek("test", "k", "3/60").allowed  # the promised time
    assert limiter.hit("test", "k", "3/60").allowed
    # An explicit time still wins over the clock (other processes pass theirs).
    assert not limiter.hit("test", "k", "3/60", now=clock.now - 1).allowed


@pytest.mark.db
def test_rate_limits_are_shared_between_processes(app_config, clock):
    """Two app instances on one database behave as two worker processes (sharing one clock)."""
    from webapp import create_app
    from webapp.extensions import limiter

    first, second = create_app(app_config), create_app(app_config)

    def hits(count: int) -> list[bool]:
        allowed = []
        for i in range(count):
            with (first if i % 2 else second).app_context():
                allowed.append(limiter.hit("shared", "ip", "5/60").allowed)
        return allowed

    assert hits(6) == [True] * 5 + [False]
    clock.advance(120)  # two windows on, the first five no longer count
    assert hits(6) == [True] * 5 + [False]


@pytest.mark.parametrize("path", ["/", "/does-not-exist", "/healthz"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_error_page_is_generic_and_logged_once(app, client, caplog):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert b"secret internals" not in response.data
    assert response.headers["Content-Security-Policy"]
    assert sum("unhandled error" in r.message for r in caplog.records) == 1


@pytest.mark.parametrize("target", [*FOREIGN_NEXT, None])
def test_safe_next_refuses_foreign_targets(target):
    assert safe_next(target, "/account") == "/account"


@pytest.mark.parametrize("target", ["/directory?q=foto", "/account/settings"])
def test_safe_next_keeps_local_paths(target):
    assert safe_next(target, "/account") == target


def test_oversized_request_answers_413(client):
    response = client.post("/language", data={"lang": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413


def test_language_switch_needs_csrf_and_post(client):
    assert client.get("/language").status_code == 405
    assert client.post("/language", data={"lang": "fr"}).status_code == 400


@pytest.mark.parametrize(
    ("accept", "lang"), [("nl-BE,nl;q=0.9", "nl"), ("fr-BE", "fr"), ("de-DE,de", "de"), ("en-GB", "en")]
)
def test_language_from_the_browser(client, accept, lang):
    html = client.get("/", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html


def test_language_switch_is_remembered(client):
    from tests.conftest import post_form

    response = post_form(client, "/language", {"lang": "de", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="de">' in client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
