"""Uploaded photos (a member card's, a board listing's): checked, re-encoded without metadata,
stored under random names. Platform code: every feature that takes photos uses these rules.

An upload is never stored as sent. It is decoded only as JPEG, PNG or WebP, its pixel
count is bounded before decoding (decompression bombs), it is turned upright, shrunk,
and written afresh as WebP. Camera photos (10-25 MB, 24-60 megapixels) are welcome: a JPEG
is decoded already scaled down by libjpeg (``draft``), so it never occupies its full size in
memory: EXIF (GPS, camera serials), ICC and XMP data do not survive.
The file name is random, so names reveal nothing and cannot be guessed.

Files live under ``DATA_DIR/photos`` (``folder`` names a subfolder per feature, such as
``photos/listings``): each feature serves its own folder only, under its own visibility rule.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
#: Longest side of the stored photo: enough for a card, small on disk.
MAX_SIDE = 800
WEBP_QUALITY = 82
FILENAME_RE = re.compile(r"^[A-Za-z0-9_-]{20,40}\.webp$")
#: The directory's card photos; other features pass their own subfolder.
DEFAULT_FOLDER = "photos"


class PhotoError(ValueError):
    """The upload is not a photo we accept; ``code`` says why (the view picks the message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def photo_message(code: str) -> str:
    """Why an upload was refused (PhotoError.code), in the reader's language."""
    if code == "too_large":
        return _(
            "The photo is too large: at most %(mb)d MB.",
            mb=current_app.config["PHOTO_MAX_BYTES"] // (1024 * 1024),
        )
    if code == "pixels":
        return _("This photo has too many pixels; please use a smaller image.")
    if code == "empty":
        return _("The photo file is empty.")
    return _("Only JPEG, PNG or WebP photos are accepted.")


def photo_dir(folder: str = DEFAULT_FOLDER) -> Path:
    path = Path(current_app.config["DATA_DIR"]) / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_path(filename: str, folder: str = DEFAULT_FOLDER) -> Path | None:
    """The stored file for a name we generated; anything else (../, other extensions) → None."""
    if not filename or not FILENAME_RE.match(filename):
        return None
    return photo_dir(folder) / filename


def _read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    if getattr(stream, "overflowed", False):  # the request layer dropped the part past its limit
        raise PhotoError("too_large")
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoError("too_large")
    return data


def process_photo(stream: IO[bytes], *, max_bytes: int | None = None, max_pixels: int | None = None) -> bytes:
    """Validate an upload and return clean WebP bytes, or raise PhotoError."""
    cfg = current_app.config
    max_bytes = max_bytes or int(cfg.get("PHOTO_MAX_BYTES", 25 * 1024 * 1024))
    max_pixels = max_pixels or int(cfg.get("PHOTO_MAX_PIXELS", 40_000_000))
    data = _read_limited(stream, max_bytes)
    if not data:
        raise PhotoError("empty")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # `formats` stops Pillow from trying every decoder it knows (TIFF, PSD, EPS...).
            image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            if image.format not in ALLOWED_FORMATS:
                raise PhotoError("type")
            width, height = image.size
            if width < 1 or height < 1:
                raise PhotoError("pixels")
            if image.format == "JPEG":
                # libjpeg decodes at 1/2, 1/4 or 1/8 scale: the pixels in memory are the reduced ones.
                long_side = max(width, height)
                image.draft(
                    "RGB", (max(1, width * MAX_SIDE // long_side), max(1, height * MAX_SIDE // long_side))
                )
                width, height = image.size
            if width * height > max_pixels:
                raise PhotoError("pixels")
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # animated WebP/PNG: keep the first frame
            image.load()
            image = ImageOps.exif_transpose(image)
        except PhotoError:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoError("type" if isinstance(exc, UnidentifiedImageError) else "pixels") from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise PhotoError("type") from exc
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    image = image.convert(mode)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image carries pixels only: no EXIF, ICC, XMP or text chunks from the upload.
    clean = Image.new(mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=WEBP_QUALITY, method=4, exif=b"", icc_profile=None)
    return out.getvalue()


def store_photo(stream: IO[bytes], folder: str = DEFAULT_FOLDER) -> str:
    """Process and write a photo; returns its new random file name."""
    return store_processed(process_photo(stream), folder)


def store_processed(payload: bytes, folder: str = DEFAULT_FOLDER) -> str:
    """Write the output of ``process_photo``; returns its new random file name."""
    filename = f"{secrets.token_urlsafe(18)}.webp"
    target = photo_dir(folder) / filename
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(payload)
    tmp.replace(target)
    return filename


def delete_photo(filename: str | None, folder: str = DEFAULT_FOLDER) -> None:
    """Remove a stored photo; missing files are fine (a retry, or already gone)."""
    if not filename:
        return
    path = photo_path(filename, folder)
    if path is not None:
        path.unlink(missing_ok=True)


__all__ = [
    "DEFAULT_FOLDER",
    "PhotoError",
    "delete_photo",
    "photo_dir",
    "photo_message",
    "photo_path",
    "process_photo",
    "store_photo",
    "store_processed",
]
