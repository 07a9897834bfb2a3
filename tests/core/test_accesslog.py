"""The access log (one line per request, nothing personal) and where mail links point (BASE_URL)."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import app_settings, post_form, sign_in
from tests.factories import member_card
from webapp.cli import base_url_mismatch
from webapp.config import load_config, served_origin


def _lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kring.access"]


def test_one_line_per_request_with_method_path_status_duration_size(client, caplog):
    caplog.set_level(logging.INFO, logger="kring.access")
    client.get("/privacy?email=ann@example.org")
    client.get("/no/such/page")
    [ok, missing] = _lines(caplog)
    method, path, status, duration, size = ok.split()
    assert (method, path, status) == ("GET", "/privacy", "200")
    assert duration.endswith("ms") and float(duration[:-2]) >= 0
    assert size.endswith("B") and int(size[:-1]) > 1000
    assert missing.startswith("GET /no/such/page 404 ")


def test_ids_stay_and_tokens_addresses_and_free_text_are_masked(client, user, caplog):
    caplog.set_level(logging.INFO, logger="kring.access")
    card = member_card(user, visibility="public")
    client.get(f"/directory/members/{card.id}")
    client.get("/reset/eyJ1aWQiOjF9.ZmFrZS10b2tlbi1zaWduYXR1cmU")
    client.get("/people/ann.peeters@example.org/Zm9vYmFyYmF6cXV1eGNvcmdlZ3JhdWx0")
    sign_in(client, user)
    post_form(client, "/language", {"lang": "nl", "next": "/directory?q=ann"})
    lines = _lines(caplog)
    assert f"GET /directory/members/{card.id} 200 " in lines[0]
    assert lines[1].startswith("GET /reset/<token> 400 ")
    assert lines[2].startswith("GET /people/…/… 404 ")
    assert any(line.startswith("POST /language 302 ") for line in lines)
    joined = "\n".join(lines)
    for secret in ("ann", "example.org", "eyJ1aWQ", "Zm9vYmFy", "127.0.0.1", "q="):
        assert secret not in joined


def test_the_access_log_can_be_turned_off(tmp_path, caplog):
    from webapp import create_app

    caplog.set_level(logging.INFO, logger="kring.access")
    app = create_app(app_settings(tmp_path / "quiet", ACCESS_LOG=False))
    with app.app_context():
        assert app.test_client().get("/privacy").status_code == 200
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()
    assert _lines(caplog) == []


@pytest.mark.parametrize(
    ("host", "port", "origin"),
    [
        ("127.0.0.1", 5000, "http://127.0.0.1:5000"),
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),  # noqa: S104 - every interface: link to loopback
        ("::1", 8080, "http://[::1]:8080"),
        ("kring.example", 80, "http://kring.example"),
    ],
)
def test_the_mail_origin_follows_where_serve_listens(host, port, origin):
    assert served_origin(host, port) == origin


def test_base_url_defaults_to_host_and_port_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "8000")
    cfg = load_config({"DATA_DIR": str(tmp_path)})
    assert cfg["BASE_URL"] == "http://127.0.0.1:8000" and cfg["BASE_URL_EXPLICIT"] is False
    monkeypatch.setenv("BASE_URL", "https://kring.example")
    cfg = load_config({"DATA_DIR": str(tmp_path)})
    assert cfg["BASE_URL"] == "https://kring.example" and cfg["BASE_URL_EXPLICIT"] is True


@pytest.mark.parametrize(
    ("base_url", "proxies", "host", "port", "warned"),
    [
        ("http://127.0.0.1:5000", 0, "127.0.0.1", 8000, True),  # the dead-link trap
        ("http://localhost:8000", 0, "127.0.0.1", 8000, False),  # the same machine, another name
        ("http://127.0.0.1:8000/", 0, "0.0.0.0", 8000, False),  # noqa: S104
        ("https://kring.example", 1, "127.0.0.1", 8000, False),  # behind a reverse proxy
        ("https://kring.example", 0, "127.0.0.1", 8000, True),  # no proxy: nobody serves that name
        ("http://10.0.0.5:8000", 0, "10.0.0.5", 8000, False),
        ("http://10.0.0.5:5000", 0, "10.0.0.5", 8000, True),
    ],
)
def test_an_explicit_base_url_is_checked_against_the_served_address(base_url, proxies, host, port, warned):
    config = {"BASE_URL": base_url, "BASE_URL_EXPLICIT": True, "TRUSTED_PROXIES": proxies}
    assert (base_url_mismatch(config, host, port) is not None) is warned
    assert base_url_mismatch({**config, "BASE_URL_EXPLICIT": False}, host, port) is None
