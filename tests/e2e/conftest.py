"""A live Kring server (waitress, background workers on) and Debian's Chromium through Playwright.

One server and one browser for the whole e2e package keep it fast. Every browser context
records what its pages did: console errors, uncaught page errors, CSP violations (reported
by an init script, so the check does not depend on console wording), the HTML of every page
it saw and the headers of every document response.
"""

from __future__ import annotations

import email
import shutil
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import app_settings

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

#: Reported by the page itself on every CSP violation (init scripts run before the page's own).
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " on " + e.documentURI);
});
"""


@dataclass
class LiveServer:
    app: Any
    base_url: str
    data_dir: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def mails(self) -> list[EmailMessage]:
        """Every mail the file backend wrote, oldest first."""
        folder = self.data_dir / "mail"
        if not folder.exists():
            return []
        return [
            email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for p in sorted(folder.glob("*.eml"))
        ]

    def wait_for_mail(self, predicate: Callable[[EmailMessage], bool], timeout: float = 15.0) -> EmailMessage:
        """The first mail matching ``predicate``, once the mail worker has written it."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.mails():
                if predicate(message):
                    return message
            if time.monotonic() > deadline:
                seen = [(m["To"], m["Subject"]) for m in self.mails()]
                raise AssertionError(f"no matching mail within {timeout}s; mails written: {seen}")
            time.sleep(0.2)


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app served by waitress on a free port, with the mail and search workers running."""
    import waitress

    from webapp import create_app
    from webapp.core.search import close_service
    from webapp.extensions import db

    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    app = create_app(
        app_settings(
            data_dir,
            TESTING=False,
            BACKGROUND_WORKERS=True,
            SECRET_KEY="e2e-secret",
            # Every flow signs in from 127.0.0.1; the throttle itself is tested in tests/accounts.
            RATELIMIT_SIGNIN_IP="100/60",
        )
    )
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=6)
    base_url = f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    app.config["BASE_URL"] = base_url  # links in mails point at this server
    thread = threading.Thread(target=server.run, name="e2e-waitress", daemon=True)
    thread.start()
    yield LiveServer(app=app, base_url=base_url, data_dir=Path(app.config["DATA_DIR"]))
    for worker in app.extensions.get("kring_workers", []):
        worker.stop()
    for worker in app.extensions.get("kring_workers", []):
        worker.join(timeout=10)
    server.close()
    thread.join(timeout=5)
    close_service(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """Debian's Chromium (never a downloaded one); the e2e tests skip when it is not installed."""
    executable = shutil.which("chromium")
    if not executable:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium): browser e2e tests skipped"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


def _is_ignorable(message: Any) -> bool:
    """The browser's own favicon probe: not something a page asked for (reported separately)."""
    location = getattr(message, "location", None) or {}
    return urlsplit(location.get("url") or "").path == "/favicon.ico"


@dataclass
class BrowserSession:
    """One browser context (one visitor) and its page, recording everything the checks need."""

    name: str
    context: Any
    page: Any
    base_url: str
    #: (message, resource url) of console errors, page errors and CSP violations.
    problems: list[tuple[str, str]] = field(default_factory=list)
    #: Document URLs this visitor opened expecting an error status (404 pages are not console errors).
    expected_errors: set[str] = field(default_factory=set)
    #: (url, html) of every page this visitor saw, after it loaded.
    seen: list[tuple[str, str]] = field(default_factory=list)
    #: (url, status, headers) of every document (navigation) response.
    documents: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    favicon_404: bool = False

    def _on_console(self, message: Any) -> None:
        if message.type != "error" and "Content Security Policy" not in message.text:
            return
        if _is_ignorable(message):
            self.favicon_404 = True
            return
        where = (message.location or {}).get("url", "")
        self.problems.append((f"console {message.type}: {message.text} [on {self.page.url}]", where))

    def _on_response(self, response: Any) -> None:
        if response.request.resource_type == "document":
            self.documents.append((response.url, response.status, dict(response.headers)))

    def record(self) -> str:
        """Keep the current page's HTML (what the visitor saw) and return it."""
        self.page.wait_for_load_state("load")
        html = self.page.content()
        self.seen.append((self.page.url, html))
        return html

    def goto(self, path: str, *, expect_status: int | None = 200) -> Any:
        url = self.base_url + path if path.startswith("/") else path
        if expect_status is not None and expect_status >= 400:
            self.expected_errors.add(url)
        response = self.page.goto(url)
        assert response is not None, f"no response for {path}"
        if expect_status is not None:
            assert response.status == expect_status, (
                f"{self.name}: GET {path} answered {response.status}, expected {expect_status}"
            )
        self.record()
        return response

    def submit(self, selector: str, *, expect_status: int | None = None) -> Any:
        """Click a submit button (or link) and wait for the page it leads to (a success unless
        ``expect_status`` says otherwise, e.g. 400 for a form shown again with its errors)."""
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        response = navigation.value
        assert response is not None, f"{self.name}: clicking {selector} loaded nothing"
        if expect_status is None:
            assert response.status < 400, (
                f"{self.name}: clicking {selector} → {response.url} {response.status}"
            )
        else:
            assert response.status == expect_status, (
                f"{self.name}: clicking {selector} → {response.url} {response.status}, "
                f"expected {expect_status}"
            )
            if expect_status >= 400:
                self.expected_errors.add(response.url)
        self.record()
        return self.page

    def path(self) -> str:
        return urlsplit(self.page.url).path

    def unexpected_problems(self) -> list[str]:
        return [
            text
            for text, where in self.problems
            if not (
                where in self.expected_errors and text.startswith("console error: Failed to load resource")
            )
        ]

    def assert_clean(self) -> None:
        """No console error, page error or CSP violation on any page this visitor saw; CSP on each."""
        problems = self.unexpected_problems()
        assert not problems, f"{self.name}: " + "\n".join(problems)
        for url, status, headers in self.documents:
            csp = headers.get("content-security-policy", "")
            for directive in (
                "script-src 'self'",
                "object-src 'none'",
                "base-uri 'none'",
                "frame-ancestors 'none'",
            ):
                assert directive in csp, f"{self.name}: CSP on {url} ({status}) lacks {directive!r}: {csp!r}"
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{self.name}: weak CSP on {url}"
            assert headers.get("x-content-type-options") == "nosniff", f"{self.name}: no nosniff on {url}"
            assert headers.get("referrer-policy"), f"{self.name}: no Referrer-Policy on {url}"
            if urlsplit(url).path.startswith("/account"):
                assert "no-store" in headers.get("cache-control", ""), (
                    f"{self.name}: account page {url} cacheable"
                )


class Browsers:
    """Creates visitors (browser contexts) and closes them after the test."""

    def __init__(self, chromium: Any, live: LiveServer) -> None:
        self.chromium = chromium
        self.live = live
        self.sessions: list[BrowserSession] = []

    def new(self, name: str, *, locale: str = "en-GB") -> BrowserSession:
        context = self.chromium.new_context(locale=locale, base_url=self.live.base_url)
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_REPORTER)
        page = context.new_page()
        session = BrowserSession(name=name, context=context, page=page, base_url=self.live.base_url)
        page.on("console", session._on_console)
        page.on(
            "pageerror", lambda exc: session.problems.append((f"page error: {exc} [on {page.url}]", page.url))
        )
        page.on("response", session._on_response)
        self.sessions.append(session)
        return session

    def assert_clean(self) -> None:
        for session in self.sessions:
            session.assert_clean()

    def close(self) -> None:
        for session in self.sessions:
            session.context.close()


@pytest.fixture
def browsers(chromium: Any, live_server: LiveServer) -> Iterator[Browsers]:
    """Browser sessions for one test (``browsers.new(name)``), closed after it."""
    factory = Browsers(chromium, live_server)
    yield factory
    factory.close()


def poll(check: Callable[[], Any], *, timeout: float, interval: float = 0.3, what: str = "condition") -> Any:
    """Call ``check`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
