"""Local stand-ins for an Elasticsearch node, for the backend tests that need no cluster.

``FakeElasticsearch`` is a real HTTP(S) server on 127.0.0.1: it records every request
(method, path, query parameters, headers, body) and answers canned JSON with the product
header the official client checks. ``HangingServer`` accepts connections and never answers.
``make_tls_files`` makes a throwaway CA and a server certificate with the openssl command.
The backend, the official client and its transport under test are the real ones.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, Any] | Callable[[dict], tuple[int, Any]]


class FakeElasticsearch:
    """Routes (method regex, path regex) → canned answers; every request is recorded."""

    def __init__(self, *, certfile: str | None = None, keyfile: str | None = None) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Answer]] = []
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                request = {
                    "method": self.command,
                    "path": url.path,
                    "params": {k: v[-1] for k, v in parse_qs(url.query).items()},
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "raw": raw,
                    "lines": [json.loads(line) for line in raw.splitlines() if line.strip()],
                    "at": time.monotonic(),
                }
                fake.requests.append(request)
                status, body = 404, {"error": {"type": "resource_not_found_exception"}, "status": 404}
                for method, pattern, answer in fake.routes:
                    if re.fullmatch(method, self.command) and pattern.fullmatch(url.path):
                        status, body = answer(request) if callable(answer) else answer
                        break
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("X-Elastic-Product", "Elasticsearch")
                    self.send_header("Content-Type", "application/vnd.elasticsearch+json;compatible-with=8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # a slow answer the client stopped waiting for (timeout tests)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def on(self, method: str, path: str, answer: Answer) -> None:
        self.routes.insert(0, (method, re.compile(path), answer))

    def sent(self, method: str, path: str) -> list[dict[str, Any]]:
        pattern = re.compile(path)
        return [
            r for r in self.requests if re.fullmatch(method, r["method"]) and pattern.fullmatch(r["path"])
        ]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HangingServer:
    """Accepts every connection and reads what comes, never answers; counts the connections."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self._closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        for conn in self.connections:
            conn.close()


@dataclass
class TlsFiles:
    ca: Path
    ca_fingerprint: str  # "AB:CD:…" as openssl prints it
    cert_chain: Path  # the server certificate followed by the CA, as Elasticsearch sends it
    key: Path
    other_ca_fingerprint: str


def _openssl(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["openssl", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=30
    ).stdout


def make_tls_files(directory: Path) -> TlsFiles | None:
    """A CA, a server certificate for 127.0.0.1 signed by it, and a second unrelated CA;
    None when the openssl command is missing."""
    if shutil.which("openssl") is None:
        return None
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for name in ("ca", "other"):
        _openssl(
            "req", "-x509", *ec, "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
            "-subj", f"/CN=Kring test {name} CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=directory,
        )  # fmt: skip
    _openssl("req", *ec, "-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=127.0.0.1", cwd=directory)
    (directory / "node.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n", encoding="ascii"
    )
    _openssl(
        "x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "node.pem", "-days", "2", "-extfile", "node.ext",
        cwd=directory,
    )  # fmt: skip
    chain = directory / "chain.pem"
    chain.write_text((directory / "node.pem").read_text() + (directory / "ca.pem").read_text())

    def fingerprint(name: str) -> str:
        out = _openssl("x509", "-fingerprint", "-sha256", "-noout", "-in", f"{name}.pem", cwd=directory)
        return out.strip().split("=", 1)[1]

    return TlsFiles(
        ca=directory / "ca.pem",
        ca_fingerprint=fingerprint("ca"),
        cert_chain=chain,
        key=directory / "node.key",
        other_ca_fingerprint=fingerprint("other"),
    )
