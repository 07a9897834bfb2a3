"""Fixtures shared by every test: a fresh app and data directory per test, real services."""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any, Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.databases import BACKENDS, PostgresDatabases, PostgresUnavailable, SQLiteDatabases, open_databases
from tests.factories import make_user

REPO = Path(__file__).resolve().parent.parent
#: Exported/quantised model files survive between runs (the export costs seconds, once).
MODEL_CACHE = Path(os.environ.get("MODEL_CACHE_DIR", REPO / ".cache" / "models"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=BACKENDS,
        default=os.environ.get("TEST_DATABASE") or "sqlite",
        help="database every test app runs on (default: $TEST_DATABASE or sqlite); "
        "postgresql starts a throwaway cluster",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Set before collection: some modules build an app at import time (the access matrix).
    DATABASES.backend = config.getoption("--database")
    if DATABASES.backend == "postgresql":
        # Apps that tests never dispose of leave psycopg connections for the garbage collector, which
        # warns (sqlite3 stays silent on Python 3.11); their databases are dropped after each test.
        quiet = "ignore:.*was deleted while still open:ResourceWarning"
        config.addinivalue_line("filterwarnings", quiet)  # inside tests
        warnings.filterwarnings("ignore", ".*was deleted while still open", ResourceWarning)  # between them
    config.addinivalue_line(
        "markers",
        "db: database-sensitive (concurrency, migrations, ids); `make test` runs these on PostgreSQL too",
    )


#: Test files that take minutes each. Under pytest-xdist (``make test`` runs ``-n 2 --dist loadfile``)
#: they are handed out first, so no worker is left alone with one of them while the other idles.
LONG_FILES = ("tests/test_access_matrix.py", "tests/e2e/", "tests/relevance/", "tests/p2p/relevance/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: every worker sorts the same way
        items.sort(key=lambda item: not item.nodeid.startswith(LONG_FILES))  # stable: order kept within


class _Databases:
    """The session's test databases, opened on first use (a run without apps never starts PostgreSQL)."""

    def __init__(self) -> None:
        self.backend = "sqlite"
        self._workdir: Path | None = None
        self._opened: SQLiteDatabases | PostgresDatabases | None = None
        self._failure: str | None = None

    def get(self) -> SQLiteDatabases | PostgresDatabases:
        if self._failure:
            pytest.skip(self._failure)
        if self._opened is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="kring-test-db-"))
            try:
                self._opened = open_databases(self.backend, self._workdir)
            except PostgresUnavailable as exc:
                self._failure = f"TEST_DATABASE=postgresql but PostgreSQL cannot run here: {exc}"
                pytest.skip(self._failure)
        return self._opened

    @property
    def opened(self) -> SQLiteDatabases | PostgresDatabases | None:
        return self._opened

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()
            self._opened = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)


DATABASES = _Databases()


def database_url_for(data_dir: str | Path) -> str:
    """The database of ``data_dir``: a clone of the session's migrated template (same dir, same DB)."""
    return DATABASES.get().url_for(data_dir)


def pytest_unconfigure(config: pytest.Config) -> None:
    DATABASES.close()  # a PostgreSQL cluster is stopped and removed, even after a collection error


@pytest.fixture(scope="session", autouse=True)
def _test_databases():
    """The session's databases (opened on first use, closed when pytest ends)."""
    return DATABASES


@pytest.fixture(autouse=True)
def _drop_test_databases(_test_databases, tmp_path: Path):
    """Databases made for this test's tmp_path are dropped after it (module-wide ones live on)."""
    opened = _test_databases.opened
    mark = opened.mark() if opened else 0
    yield
    if _test_databases.opened is not None:
        _test_databases.opened.drop_since(mark, tmp_path)


def app_settings(data_dir: str | Path, **overrides: Any) -> dict[str, Any]:
    """Settings for a test app on ``data_dir``: its own database cloned from the migrated template,
    embedded search, no background threads, no demo, mail to files, whatever the environment says."""
    if "DATABASE_URL" not in overrides:
        overrides["DATABASE_URL"] = database_url_for(data_dir)
    return {
        "DATA_DIR": str(data_dir),
        "TESTING": True,
        "BACKGROUND_WORKERS": False,
        "DEMO_ON_FIRST_START": False,
        "MODEL_CACHE_DIR": str(MODEL_CACHE),
        "SECRET_KEY": "test-secret",
        "SEARCH_BACKEND": "embedded",
        "ELASTICSEARCH_URL": None,
        "MAIL_URL": None,
        **overrides,
    }


class Clock:
    """The rate limiter's clock (``RATELIMIT_CLOCK``) under the test's control.

    It starts at midnight UTC, where every window of every rule (a minute, an hour, a day) begins,
    and moves only when the test says so: a burst never straddles two windows, and a test shows a
    limit lifting by moving time instead of sleeping until the wall clock turns a window.
    """

    #: 2026-01-01T00:00:00Z.
    START = 1_767_225_600.0

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    """The test's rate-limit clock, at the start of a day (``clock.advance(60)`` turns a minute)."""
    return Clock()


@pytest.fixture
def app_config(tmp_path: Path, clock: Clock) -> dict:
    """Settings for a test app: a fresh DATA_DIR, no background threads, the test's clock."""
    return app_settings(tmp_path / "data", RATELIMIT_CLOCK=clock)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Flask reuses an app context that is already pushed (the ``app`` fixture pushes
    one), which would share ``g`` (the signed-in user, the locale) and the database
    session between requests of different clients. After each request the test's
    own session is expired so it reads what the request committed.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003 - same signature as FlaskClient.open
        from flask.globals import _cv_app

        token = _cv_app.set(None)
        try:
            response = super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
        if _cv_app.get(None) is not None:
            from webapp.extensions import db

            db.session.expire_all()
        return response


@pytest.fixture
def app(app_config: dict):
    """The application, bound to a fresh data directory."""
    from webapp import create_app
    from webapp.core.search import close_service

    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    ctx = application.app_context()
    ctx.push()
    yield application
    close_service(application)
    from webapp.extensions import db

    db.session.remove()
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def client(app):
    """A browser-like test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def db(app):
    """The SQLAlchemy handle, inside the app context."""
    from webapp.extensions import db as _db

    return _db


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """Read a CSRF token the way a browser gets one: from a rendered form (every page's layout
    carries the language form, so any page that renders will do)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def post_form(
    client: FlaskClient, url: str, data: dict | None = None, *, token_from: str = "/", **kwargs: Any
) -> TestResponse:
    """POST a form with a valid CSRF token, as the browser would."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(url, data=payload, **kwargs)


def sign_in(client: FlaskClient, user: Any) -> FlaskClient:
    """Leave ``client`` signed in as ``user`` (a User, or its Flask-Login id) the way a fresh sign-in
    does, without the form: only the sign-in tests (tests/accounts) need to go through the form.

    Returns the client, so ``sign_in(app.test_client(), user)`` is a signed-in browser.
    """
    from webapp.core.models import utcnow

    with client.session_transaction() as sess:
        sess["_user_id"] = user if isinstance(user, str) else user.get_id()
        sess["_fresh"] = True
        sess["fresh_at"] = utcnow().timestamp()
    return client


@pytest.fixture
def user(app) -> Any:
    """A verified member, ann@example.org, with the factory password."""
    return make_user("ann@example.org")


@pytest.fixture
def other_user(app) -> Any:
    """A second verified account, a client: bob@example.org."""
    return make_user("bob@example.org", account_type="client")


@pytest.fixture
def staff(app) -> Any:
    """A verified staff member (role "staff"): sees abuse reports, not other people's drafts."""
    return make_user("sam.staff@example.org", role="staff")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    """The small search corpus (tests/api/cards.py) indexed in one app per test module, read-only:
    (app, card ids by name)."""
    from tests.api.cards import corpus_app

    with corpus_app(str(tmp_path_factory.mktemp("corpus"))) as (app, ids):
        yield app, ids


@pytest.fixture
def corpus_member(corpus) -> FlaskClient:
    """A browser on the corpus app, signed in as a new verified member."""
    app = corpus[0]
    with app.app_context():  # the corpus app keeps no context pushed between requests
        return sign_in(app.test_client(), make_user())


def in_threads(app: Any, work: Callable[[int], None], count: int, *, timeout: float = 120) -> None:
    """Run ``work(0)`` … ``work(count - 1)`` in as many threads, each in its own app context and
    database session, released together so they really overlap (what concurrency tests are about);
    an error in any thread, or one still running after ``timeout`` seconds, fails the test."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        from webapp.extensions import db

        with app.app_context():
            try:
                barrier.wait()
                work(n)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert errors == []
    assert not [t for t in threads if t.is_alive()], f"threads still running after {timeout} s"


class CapturingHandler:
    """What the test SMTP server received, one dict per message (envelope and parsed message)."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd API
        from email import message_from_bytes
        from email.policy import default

        msg = message_from_bytes(envelope.content, policy=default)
        self.messages.append(
            {"envelope_to": list(envelope.rcpt_tos), "mail_from": envelope.mail_from, "msg": msg}
        )
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port; `.messages` holds what it received."""
    from aiosmtpd.controller import Controller

    handler = CapturingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp://127.0.0.1:{port}"
    handler.port = port
    yield handler
    controller.stop()
