"""Every setting, read from the environment in one place.

Safe defaults give the embedded setup (SQLite + embedded search + .eml mail);
optional services switch on when their URL is set. Tests pass a mapping to
``create_app`` that overrides anything here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

LANGUAGES = ("en", "nl", "fr", "de")
DEFAULT_GAZETTEER_COUNTRIES = "BE,NL,FR,DE,LU,AT,ES,IT,SE"


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(data_dir: Path) -> str:
    """Generate the key once into DATA_DIR so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database_url(url: str) -> str:
    """``postgresql://`` (and Heroku-style ``postgres://``) means the psycopg 3 driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
#: Hosts that mean "every interface": a link cannot point there, so mails use the loopback address.
ANY_INTERFACE = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - names them, binds nothing


def served_origin(host: str, port: int, scheme: str = "http") -> str:
    """The origin a browser reaches ``serve`` on when it listens on ``host``:``port``.

    Why: the links in mails must open the site that is actually served (``PORT=8000 make run``
    used to mail links to :5000, so nobody could confirm their address).
    """
    host = (host or "").strip()
    if host in ANY_INTERFACE:
        host = DEFAULT_HOST
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    default_port = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" if port == default_port else f"{scheme}://{host}:{port}"


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings dict: environment first, then ``overrides`` on top."""
    env = dict(os.environ)
    overrides = dict(overrides or {})
    data_dir = Path(overrides.get("DATA_DIR") or env.get("DATA_DIR") or "instance").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)

    upload_max = int(float(env.get("UPLOAD_MAX_MB") or "25") * 1024 * 1024)
    es_url = overrides.get("ELASTICSEARCH_URL", env.get("ELASTICSEARCH_URL") or None)
    cfg: dict[str, Any] = {
        "DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'app.db'}",
        "ELASTICSEARCH_URL": es_url,
        "SEARCH_BACKEND": env.get("SEARCH_BACKEND") or ("elasticsearch" if es_url else "embedded"),
        "SEARCH_INDEX_PREFIX": env.get("SEARCH_INDEX_PREFIX", "kring"),
        # A self-managed Elasticsearch 8/9 serves HTTPS with its own CA and wants credentials:
        # a CA file or the CA certificate's SHA-256 fingerprint, and an API key ("id:key" or encoded).
        "ELASTICSEARCH_CA_CERTS": env.get("ELASTICSEARCH_CA_CERTS") or None,
        "ELASTICSEARCH_CA_FINGERPRINT": env.get("ELASTICSEARCH_CA_FINGERPRINT") or None,
        "ELASTICSEARCH_API_KEY": env.get("ELASTICSEARCH_API_KEY") or None,
        # Empty = the packaged default pair (multilingual USE + all-MiniLM-L6-v2).
        "EMBEDDING_MODEL": env.get("EMBEDDING_MODEL", ""),
        # Exported ONNX models and other derived model files; shared between data dirs.
        "MODEL_CACHE_DIR": env.get("MODEL_CACHE_DIR") or str(data_dir / "models"),
        "MAIL_URL": env.get("MAIL_URL") or None,
        "MAIL_FROM": env.get("MAIL_FROM", "Kring <no-reply@kring.localhost>"),
        "STAFF_EMAIL": env.get("STAFF_EMAIL", "staff@kring.localhost"),
        # Where `serve` listens (its --host/--port default to these); BASE_URL follows them unless set.
        "HOST": env.get("HOST") or DEFAULT_HOST,
        "PORT": int(env.get("PORT") or DEFAULT_PORT),
        # Who runs the site, as the imprint, the privacy notice and the terms name it.
        "LEGAL_NAME": env.get("LEGAL_NAME", "Kring cooperative"),
        "LEGAL_ADDRESS": env.get("LEGAL_ADDRESS", ""),
        "LEGAL_COMPANY_NUMBER": env.get("LEGAL_COMPANY_NUMBER", ""),
        "LEGAL_EMAIL": env.get("LEGAL_EMAIL", ""),
        "GAZETTEER_COUNTRIES": tuple(
            c.strip().upper()
            for c in (env.get("GAZETTEER_COUNTRIES") or DEFAULT_GAZETTEER_COUNTRIES).split(",")
            if c.strip()
        ),
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
        # Background threads drain the mail and search outboxes in the web process.
        # Production runs `flask indexer run` / `flask mail run` instead and sets this off.
        "BACKGROUND_WORKERS": _bool(env.get("BACKGROUND_WORKERS"), True),
        "DEMO_ON_FIRST_START": _bool(env.get("DEMO_ON_FIRST_START"), True),
        "DEMO_MEMBERS": int(env.get("DEMO_MEMBERS", "2000")),
        "DEMO_CLIENTS": int(env.get("DEMO_CLIENTS", "300")),
        # Sessions and cookies.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), False),
        "PREFERRED_URL_SCHEME": "https" if _bool(env.get("SESSION_COOKIE_SECURE"), False) else "http",
        # Request limits: uploads are photos, nothing else is big. A file up to UPLOAD_MAX_BYTES is
        # accepted (a camera photo is 10-25 MB; it is downscaled anyway). A body up to MAX_CONTENT_LENGTH
        # is still read, its file part beyond UPLOAD_MAX_BYTES dropped unwritten, so the form comes
        # back with what was typed and a message; only a bigger body is refused unread (413).
        "UPLOAD_MAX_BYTES": upload_max,
        "MAX_CONTENT_LENGTH": 2 * upload_max + 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "MAX_FORM_PARTS": 200,
        "PHOTO_MAX_BYTES": upload_max,
        # Pixels decoded into memory (JPEGs are decoded already scaled down, so a 60-megapixel
        # camera JPEG fits); a declared size past Pillow's bomb limit is refused before decoding.
        "PHOTO_MAX_PIXELS": 40_000_000,
        "WTF_CSRF_TIME_LIMIT": None,
        # Rate limits ("count/seconds"), stored in the database so they hold across processes.
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_SIGNIN_IP": "10/60",
        "RATELIMIT_SIGNIN_ACCOUNT": "25/3600",
        "RATELIMIT_SIGNUP_IP": "20/86400",
        "RATELIMIT_RESET": "5/3600",
        "RATELIMIT_RESET_IP": "20/3600",
        "RATELIMIT_CONTACT_HOUR": "10/3600",
        "RATELIMIT_CONTACT_DAY": "30/86400",
        # Reverse-proxy hops in front of `serve` whose X-Forwarded-For/-Proto/-Host are believed, and the
        # address those requests come from ("*": any). `serve` hands both to waitress, which rewrites the
        # client address and scheme only for connections from that address and drops the headers otherwise.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "TRUSTED_PROXY": env.get("TRUSTED_PROXY", "127.0.0.1"),
        "UNVERIFIED_ACCOUNT_DAYS": 14,
        # Sent (or given-up) mail and its .eml copies are forgotten after this many days.
        "MAIL_KEEP_DAYS": int(env.get("MAIL_KEEP_DAYS", "30")),
        # A mail failing this many times is given up (dead letter) and staff are told.
        "MAIL_MAX_ATTEMPTS": int(env.get("MAIL_MAX_ATTEMPTS", "8")),
        "CONTACT_LOG_DAYS": 365,
        "FRESH_LOGIN_MINUTES": 15,
        # One line per request (method, path without its query, status, duration, size): no address,
        # no query text, nothing personal. ACCESS_LOG=0 turns it off (a proxy in front logs already).
        "ACCESS_LOG": _bool(env.get("ACCESS_LOG"), True),
        "SEARCH_TIMEOUT_S": float(env.get("SEARCH_TIMEOUT_S", "0.8")),
        "TESTING": False,
    }
    cfg["SECRET_KEY"] = env.get("SECRET_KEY") or _secret_key(data_dir)
    if "DATABASE_URL" in overrides:
        cfg["SQLALCHEMY_DATABASE_URI"] = overrides.pop("DATABASE_URL")
    cfg.update(overrides)
    # Origin of the links in mails: set explicitly (behind a proxy: the public https address), or
    # the address `serve` listens on; `serve` warns when an explicit one disagrees with that.
    explicit_base = cfg.get("BASE_URL") or env.get("BASE_URL") or ""
    cfg["BASE_URL_EXPLICIT"] = bool(explicit_base)
    cfg["BASE_URL"] = explicit_base or served_origin(cfg["HOST"], int(cfg["PORT"]))
    cfg["SQLALCHEMY_DATABASE_URI"] = database_url(cfg["SQLALCHEMY_DATABASE_URI"])
    cfg["DATA_DIR"] = str(data_dir)
    return cfg
