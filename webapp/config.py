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
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
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
        "SEARCH_TIMEOUT_S": float(env.get("SEARCH_TIMEOUT_S", "0.8")),
        "TESTING": False,
    }
    cfg["SECRET_KEY"] = env.get("SECRET_KEY") or _secret_key(data_dir)
    if "DATABASE_URL" in overrides:
        cfg["SQLALCHEMY_DATABASE_URI"] = overrides.pop("DATABASE_URL")
    cfg.update(overrides)
    cfg["SQLALCHEMY_DATABASE_URI"] = database_url(cfg["SQLALCHEMY_DATABASE_URI"])
    cfg["DATA_DIR"] = str(data_dir)
    return cfg
