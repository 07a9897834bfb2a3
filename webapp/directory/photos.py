"""Card photos: the platform's upload rules (``webapp.core.photos``) in the directory's folder,
``DATA_DIR/photos``, served by ``directory.photo`` only where the card may be seen."""

from __future__ import annotations

from webapp.core.photos import (
    PhotoError,
    delete_photo,
    photo_message,
    photo_path,
    process_photo,
    store_photo,
    store_processed,
)

__all__ = [
    "PhotoError",
    "delete_photo",
    "photo_message",
    "photo_path",
    "process_photo",
    "store_photo",
    "store_processed",
]
