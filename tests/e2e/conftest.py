"""A live Kring server (waitress, background workers on) and Debian's Chromium through Playwright.

One server and one browser for the whole e2e package keep it fast. Every browser context
records what its pages did: console errors, uncaught page errors, CSP violations (reported
by an init script, so the check does not depend on console wording), the HTML of every page
it saw and the headers of every document response.
"""

from __future__ import annotations

import email
import functools
import json
import os
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
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


# ------------------------------------------------------------------------------ layout checks
#
# One call checks one page the way a visitor sees it, at one width and in one language:
#
#     report = check_layout(visitor, "/directory", name="directory", lang="nl", width="phone",
#                           first_result="li.result")
#
# It asserts no sideways scroll, one <h1> and no skipped heading level, (on the phone) the first
# result on the first screen, no serious or critical axe-core violation; it saves a screenshot
# (and the axe findings) under E2E_ARTIFACTS. tests/e2e/test_layout.py runs it over the main
# pages in the four languages at both widths; another module's page is one more PageCheck there.

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Where screenshots and axe findings go: $E2E_ARTIFACTS, default .cache/e2e-artifacts (gitignored).
ARTIFACTS_DIR = Path(os.environ.get("E2E_ARTIFACTS") or REPO_ROOT / ".cache" / "e2e-artifacts")
#: axe-core from npm, installed by scripts/setup-test (never committed); $AXE_CORE_JS overrides.
AXE_JS = Path(
    os.environ.get("AXE_CORE_JS")
    or REPO_ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
)
#: Viewports: a laptop and a common phone (iPhone 12–15 CSS size). 360 px is checked too.
WIDTHS: dict[str, tuple[int, int]] = {"desktop": (1280, 800), "phone": (390, 844), "small": (360, 740)}
LANGS = ("nl", "fr", "de", "en")
#: axe impacts that fail a page; "moderate" and "minor" are only written to the artifacts.
AXE_FAILING = ("serious", "critical")

_OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const scroll = document.scrollingElement.scrollWidth;
  const culprits = [];
  if (scroll > width) {
    for (const el of document.querySelectorAll("body *")) {
      const box = el.getBoundingClientRect();
      // A box past the edge, or text running out of a box that fits (a long word in a chip).
      const spills = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible";
      if (box.width && (box.right > width + 1 || (spills && box.left + el.scrollWidth > width + 1))) {
        const classes = typeof el.className === "string" ? el.className.trim() : "";
        culprits.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
          (classes ? "." + classes.split(/\\s+/).join(".") : "") + " right=" + Math.round(box.right));
        if (culprits.length >= 8) break;
      }
    }
  }
  return {width, scroll, culprits};
}"""

_HEADINGS_JS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
  .filter((h) => !h.closest("[hidden]"))
  .map((h) => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""

_FIRST_SCREEN_JS = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const box = el.getBoundingClientRect();
  return {top: box.top + window.scrollY, height: box.height, screen: window.innerHeight};
}"""

_AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


@dataclass
class LayoutReport:
    """What check_layout saw on one page; also written next to its screenshot."""

    name: str
    lang: str
    width: str
    url: str
    scroll_width: int
    inner_width: int
    headings: list[tuple[int, str]]
    first_result_top: float | None
    violations: list[dict[str, Any]]
    screenshot: Path
    #: Where the time went: loading and measuring, the screenshot, axe.
    seconds: dict[str, float] = field(default_factory=dict)

    def serious(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["impact"] in AXE_FAILING]


_written: list[Path] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say where this run's screenshots went (they are the issue's "artifacts")."""
    if _written:
        terminalreporter.write_line(f"e2e: {len(_written)} screenshots and axe reports in {ARTIFACTS_DIR}")


def heading_problems(headings: list[tuple[int, str]]) -> list[str]:
    """One h1 first, and never a level skipped on the way down (h1 → h3)."""
    problems = []
    levels = [level for level, _ in headings]
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} <h1> elements")
    if levels and levels[0] != 1:
        problems.append(f"the first heading is an <h{levels[0]}>: {headings[0][1]!r}")
    for (before, _), (level, text) in zip(headings, headings[1:], strict=False):
        if level > before + 1:
            problems.append(f"<h{before}> then <h{level}> {text!r}")
    return problems


def axe_available() -> bool:
    return AXE_JS.is_file()


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text("utf-8")


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now: id, impact, help and up to five targets."""
    # Not add_script_tag: that inserts an inline <script>, which the site's CSP blocks (as it
    # should). Evaluating through the DevTools protocol is outside the page's CSP.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;undefined")
    return page.evaluate(_AXE_RUN_JS)


def check_layout(
    visitor: BrowserSession,
    path: str,
    *,
    name: str,
    lang: str,
    width: str,
    first_result: str | None = None,
    expect_status: int = 200,
    axe: bool = True,
) -> LayoutReport:
    """Open ``path`` at ``width`` (a key of WIDTHS) and assert the layout holds; see the notes above.

    ``first_result`` is a CSS selector that must match (results are there) and, on the phone
    widths, start within the first screen. The axe check runs when axe-core is installed
    (scripts/setup-test) and ``axe`` is true; without axe-core it is skipped, never passed.
    """
    started = time.perf_counter()
    w, h = WIDTHS[width]
    visitor.page.set_viewport_size({"width": w, "height": h})
    visitor.goto(path, expect_status=expect_status)
    page = visitor.page
    where = f"{name} [{lang}, {width} {w}px] {page.url}"

    html_lang = page.evaluate("() => document.documentElement.lang")
    assert html_lang == lang, f"{where}: page is in {html_lang!r}"

    overflow = page.evaluate(_OVERFLOW_JS)
    headings = [tuple(x) for x in page.evaluate(_HEADINGS_JS)]
    top = None
    if first_result:
        box = page.evaluate(_FIRST_SCREEN_JS, first_result)
        assert box is not None, f"{where}: no {first_result!r} on the page (no results?)"
        top = box["top"]

    loaded = time.perf_counter()
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS_DIR / f"{name}-{lang}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    _written.append(shot)
    shot_taken = time.perf_counter()

    violations: list[dict[str, Any]] = []
    if axe and axe_available():
        violations = run_axe(page)
    done = time.perf_counter()

    report = LayoutReport(
        name=name,
        lang=lang,
        width=width,
        url=page.url,
        scroll_width=overflow["scroll"],
        inner_width=overflow["width"],
        headings=headings,  # type: ignore[arg-type]
        first_result_top=top,
        violations=violations,
        screenshot=shot,
        seconds={
            "load": round(loaded - started, 3),
            "screenshot": round(shot_taken - loaded, 3),
            "axe": round(done - shot_taken, 3),
        },
    )
    shot.with_suffix(".json").write_text(
        json.dumps(asdict(report), default=str, indent=1, ensure_ascii=False)
    )

    assert overflow["scroll"] <= overflow["width"], (
        f"{where}: scrolls sideways, {overflow['scroll']} px wide in {overflow['width']} px; "
        f"wider elements: {overflow['culprits']}"
    )
    problems = heading_problems(report.headings)
    assert not problems, f"{where}: heading outline: {problems}; headings {report.headings}"
    if top is not None and w <= 420:
        assert top + 40 <= h, (
            f"{where}: the first result starts at {top:.0f} px, below the first screen ({h} px)"
        )
    serious = report.serious()
    assert not serious, f"{where}: axe-core: " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}) at {v['nodes']}" for v in serious
    )
    return report
