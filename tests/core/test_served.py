"""The shipped server (`flask serve`, waitress) behind a reverse proxy, as a real process on loopback.

TRUSTED_PROXIES used to have no effect: waitress drops X-Forwarded-* unless told which proxy to
trust, so every visitor shared the proxy's address (ten failed sign-ins by anyone blocked
sign-in for everyone) and HSTS was never sent (issue 7.2). Here the proxy is this test,
connecting from 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import MODEL_CACHE, REPO, database_url_for


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`flask --app wsgi serve` in its own process, on its own data directory."""

    def __init__(self, data_dir: Path, *, port_from_env: bool = False, **env: str) -> None:
        self.port = _free_port()
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        inherited = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "HOST", "PORT")}
        environ = {
            **inherited,
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url_for(data_dir),
            "MODEL_CACHE_DIR": str(MODEL_CACHE),
            "DEMO_ON_FIRST_START": "0",
            "BACKGROUND_WORKERS": "0",
            "SECRET_KEY": "served-test",
            "PYTHONPATH": str(REPO),
            **({"PORT": str(self.port)} if port_from_env else {}),
            **env,
        }
        self.log = (data_dir / "serve.log").open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "wsgi",
                "serve",
                *([] if port_from_env else ["--port", str(self.port)]),
                "--threads",
                "4",
            ],
            cwd=REPO,
            env=environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {(data_dir / 'serve.log').read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("serve did not start listening within 60 s")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def form(self, path: str) -> tuple[str, str, str]:
        """GET a page with a form, as a new browser: (csrf token, session cookie, html)."""
        _status, got, html = self.request("GET", path)
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()
        return token, got["Set-Cookie"].split(";", 1)[0], html.decode()

    def post(self, path: str, cookie: str, fields: dict[str, str]):
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, urlencode(fields).encode(), headers)

    def output(self) -> str:
        self.log.flush()
        return (self.data_dir / "serve.log").read_text(errors="replace")

    def failed_signin(self, forwarded: str) -> int:
        """One wrong password from the client the proxy names in X-Forwarded-For."""
        headers = {"X-Forwarded-For": forwarded}
        _status, got, html = self.request("GET", "/signin", headers=headers)
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()
        cookie = got["Set-Cookie"].split(";", 1)[0]
        form = urlencode({"csrf_token": token, "email": "ann@example.org", "password": "wrong password 1"})
        status, _headers, _body = self.request(
            "POST",
            "/signin",
            form.encode(),
            {**headers, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        return status

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def served_behind_proxy(tmp_path):
    """The site served with one trusted proxy hop at 127.0.0.1."""
    server = Served(tmp_path / "proxied", TRUSTED_PROXIES="1", TRUSTED_PROXY="127.0.0.1")
    yield server
    server.close()


@pytest.fixture
def served_untrusting(tmp_path):
    """The site served with a trusted proxy somewhere else: this test's headers are not believed."""
    server = Served(tmp_path / "direct", TRUSTED_PROXIES="1", TRUSTED_PROXY="192.0.2.254")
    yield server
    server.close()


def test_each_client_behind_the_proxy_has_its_own_limit_and_https_gets_hsts(served_behind_proxy):
    server = served_behind_proxy
    statuses = [server.failed_signin("203.0.113.5") for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    # A client that forges an address of its own: the proxy appends the real one, which is what counts.
    assert server.failed_signin("198.51.100.1, 203.0.113.5") == 429
    # Another visitor behind the same proxy is not held off by the first one's failures.
    assert server.failed_signin("203.0.113.77") == 200
    status, headers, _body = server.request(
        "GET", "/", headers={"X-Forwarded-For": "203.0.113.77", "X-Forwarded-Proto": "https"}
    )
    assert status == 200 and "max-age" in headers.get("Strict-Transport-Security", "")
    status, headers, _body = server.request("GET", "/", headers={"X-Forwarded-For": "203.0.113.77"})
    assert "Strict-Transport-Security" not in headers  # plain http: no HSTS


def test_headers_from_an_untrusted_peer_are_ignored_and_huge_bodies_refused_unread(served_untrusting):
    server = served_untrusting
    # The forged addresses differ on every try, yet all share the peer's one limit.
    statuses = [server.failed_signin(f"203.0.113.{n}") for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    status, headers, _body = server.request("GET", "/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in headers
    # A body far over MAX_CONTENT_LENGTH is refused from its Content-Length, before anyone reads it.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest("POST", "/signin")
    conn.putheader("Content-Length", str(1024**3))
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.endheaders()
    started = time.monotonic()
    response = conn.getresponse()
    assert response.status == 413 and time.monotonic() - started < 5
    conn.close()


# ------------------------------------------------------------------- mail links (issue 9.3)


def test_mail_links_open_the_served_site(tmp_path, smtp_server):
    """`PORT=8000 make run`: the confirmation link in the mail opens this server, on its port."""
    server = Served(
        tmp_path / "mailing", port_from_env=True, MAIL_URL=smtp_server.url, BACKGROUND_WORKERS="1"
    )
    try:
        token, cookie, _html = server.form("/signup")
        fields = {
            "csrf_token": token,
            "email": "newcomer@example.org",
            "password": "zonnebloem tram velo",
            "account_type": "member",
            "locale": "en",
            "accept_terms": "y",
        }
        status, headers, _body = server.post("/signup", cookie, fields)
        assert status == 302 and headers["Location"].endswith("/signup/sent")
        deadline = time.monotonic() + 60
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        assert smtp_server.messages, f"no mail arrived: {server.output()[-2000:]}"
        body = smtp_server.messages[0]["msg"].get_body(preferencelist=("plain",)).get_content()
        [link] = re.findall(r"https?://\S+/verify/\S+", body)
        origin = f"http://127.0.0.1:{server.port}"
        assert link.startswith(origin + "/"), link
        # The link opens the served site: a button (GET changes nothing), and the POST confirms.
        path = link.removeprefix(origin)
        token, cookie, html = server.form(path)
        assert "Confirm my address" in html
        status, _headers, body = server.post(path, cookie, {"csrf_token": token})
        assert status == 200 and b"Your address is confirmed" in body
        # Nothing in the server's output warned about BASE_URL: it follows the served port.
        assert "BASE_URL is" not in server.output()
        # And the start line says where mails point.
        assert f"mail links: {origin}" in server.output()
    finally:
        server.close()


def test_an_explicit_base_url_that_disagrees_with_the_served_address_is_warned_about(tmp_path):
    server = Served(tmp_path / "wrong", BASE_URL="http://127.0.0.1:5000")
    try:
        status, _headers, _body = server.request("GET", "/healthz")
        assert status == 200
        output = server.output()
        assert (
            f"BASE_URL is http://127.0.0.1:5000 but this server listens on http://127.0.0.1:{server.port}"
            in output
        )
        # Once on the console (click) and once in the log.
        assert output.count("links in mails (address confirmation") == 2, output
    finally:
        server.close()


def test_the_access_log_writes_one_line_per_request_without_personal_data(tmp_path):
    server = Served(tmp_path / "logged")
    try:
        server.request("GET", "/signin?next=/account%3Femail%3Dann%40example.org%26q%3Dfotograaf+Gent")
        server.request("GET", "/verify/secret-token-abcdefghijklmnopqrstuvwxyz")
        server.request("GET", "/privacy", headers={"X-Forwarded-For": "203.0.113.9"})
        time.sleep(0.3)
        lines = [line for line in server.output().splitlines() if "kring.access" in line]
        assert len(lines) == 3, lines
        assert re.search(r"GET /signin 200 \d+\.\dms \d+B$", lines[0]), lines[0]
        assert re.search(r"GET /verify/<token> 400 ", lines[1]), lines[1]
        assert re.search(r"GET /privacy 200 ", lines[2]), lines[2]
        joined = "\n".join(lines)
        for secret in ("ann", "example.org", "fotograaf", "Gent", "secret-token", "203.0.113", "127.0.0.1"):
            assert secret not in joined, secret
    finally:
        server.close()


def test_access_log_off(tmp_path):
    server = Served(tmp_path / "quiet", ACCESS_LOG="0")
    try:
        assert server.request("GET", "/privacy")[0] == 200
        time.sleep(0.3)
        assert "kring.access" not in server.output()
    finally:
        server.close()
