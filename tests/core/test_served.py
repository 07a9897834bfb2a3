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

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.port = _free_port()
        data_dir.mkdir(parents=True, exist_ok=True)
        environ = {
            **os.environ,
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url_for(data_dir),
            "MODEL_CACHE_DIR": str(MODEL_CACHE),
            "DEMO_ON_FIRST_START": "0",
            "BACKGROUND_WORKERS": "0",
            "SECRET_KEY": "served-test",
            "PYTHONPATH": str(REPO),
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
                "--port",
                str(self.port),
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
