"""Where derived taxonomy/gazetteer files are cached, and how they are written safely.

Inside an app the cache lives under ``MODEL_CACHE_DIR`` (shared between data directories,
like the exported ONNX models); outside one under ``$KRING_CACHE_DIR`` or ``~/.cache/kring``.
Files are written to a temporary name and renamed, so two processes starting at once never
read a half-written pickle; an unreadable cache is rebuilt, never fatal.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def app_setting(name: str) -> Any:
    """A setting of the current Flask app, or None outside an app context."""
    try:
        from flask import current_app, has_app_context
    except ImportError:  # pragma: no cover - flask is a dependency of the app
        return None
    if not has_app_context():
        return None
    return current_app.config.get(name)


def cache_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The directory for derived files (see module docstring for the order)."""
    if explicit:
        return Path(explicit)
    configured = app_setting("MODEL_CACHE_DIR")
    if configured:
        return Path(configured) / "taxonomy"
    env = os.environ.get("KRING_CACHE_DIR")
    if env:
        return Path(env) / "taxonomy"
    return Path.home() / ".cache" / "kring" / "taxonomy"


def load_or_build(path: Path, build: Callable[[], Any]) -> tuple[Any, bool]:
    """Unpickle ``path`` or build the object and try to store it. Returns (object, was_cached)."""
    try:
        with path.open("rb") as f:
            # Our own file in our own cache directory, written by load_or_build below.
            return pickle.load(f), True  # noqa: S301
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a corrupt or foreign cache file is simply rebuilt
        log.warning("ignoring unreadable cache %s: %s", path, exc)
    obj = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not write cache %s: %s (continuing without it)", path, exc)
    return obj, False
