"""Card photos: type and size checks, re-encoding without metadata, random names, visibility."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import post_form, sign_in
from tests.factories import fresh, image_bytes, make_user, member_card


def _form(card, **extra) -> dict:
    data = {
        "display_name": card.display_name,
        "headline": card.headline or "",
        "card_language": "en",
        "accepts_contact": "y",
        "availability": ["assignments"],
    }
    data.update(extra)
    return data


def _upload(client, card, payload: bytes, name: str = "me.jpg"):
    url = f"/directory/members/{card.id}/edit"
    return post_form(
        client,
        url,
        _form(card, photo=(io.BytesIO(payload), name)),
        token_from=url,
        content_type="multipart/form-data",
    )


def fetch(client, url: str) -> tuple[int, bytes, dict]:
    """GET and close (a served file keeps its handle open until the response is closed)."""
    with client.get(url) as response:
        return response.status_code, response.get_data(), dict(response.headers)


def _photo_files(app) -> list[Path]:
    folder = Path(app.config["DATA_DIR"]) / "photos"
    return sorted(folder.glob("*")) if folder.exists() else []


@pytest.fixture
def owner(app, client):
    """A draft member card whose owner is signed in on ``client``."""
    user = make_user()
    card = member_card(user, visibility="draft", display_name="Photo Owner")
    sign_in(client, user)
    return card


def test_upload_is_reencoded_without_exif_under_a_random_name(app, client, owner):
    original = image_bytes("JPEG", (120, 90), exif=True)
    assert b"SecretCameraMaker" in original
    response = _upload(client, owner, original, "holiday-in-ghent.jpg")
    assert response.status_code == 302, response.get_data(as_text=True)
    card = fresh(owner)
    assert card.photo_filename and card.photo_filename.endswith(".webp")
    assert "holiday" not in card.photo_filename and len(card.photo_filename) >= 25
    (stored,) = _photo_files(app)
    assert stored.name == card.photo_filename
    data = stored.read_bytes()
    for secret in (b"SecretCameraMaker", b"SecretModel", b"SecretSoftware", b"Exif"):
        assert secret not in data
    with Image.open(stored) as image:
        assert image.format == "WEBP"
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    status, served, headers = fetch(client, f"/directory/photos/{card.photo_filename}")
    assert status == 200 and headers["Content-Type"] == "image/webp"
    assert served == data


def test_large_photos_are_shrunk(app, client, owner):
    assert _upload(client, owner, image_bytes("PNG", (1600, 1200))).status_code == 302
    (stored,) = _photo_files(app)
    with Image.open(stored) as image:
        assert max(image.size) <= 800


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        (b"GIF89a" + b"\x00" * 100, "me.gif"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "me.jpg"),
        (b"%PDF-1.4 not an image", "me.png"),
        (image_bytes("BMP"), "me.jpg"),
        (image_bytes("TIFF"), "me.webp"),
        (image_bytes("JPEG")[:200], "truncated.jpg"),
    ],
)
def test_only_jpeg_png_and_webp_are_accepted(app, client, owner, payload, name):
    response = _upload(client, owner, payload, name)
    assert response.status_code == 400
    assert "Only JPEG, PNG or WebP photos are accepted" in response.get_data(as_text=True)
    assert fresh(owner).photo_filename is None
    assert _photo_files(app) == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format(app, client, owner, fmt):
    assert _upload(client, owner, image_bytes(fmt), f"me.{fmt.lower()}").status_code == 302
    assert fresh(owner).photo_filename


def test_request_beyond_max_content_length_answers_413(app, client, owner):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = _upload(client, owner, os.urandom(100 * 1024))
    assert response.status_code == 413
    assert fresh(owner).photo_filename is None


def test_photo_beyond_photo_max_bytes_gets_a_friendly_error(app, client, owner):
    # Kept under 500 kB: larger test bodies make Werkzeug's test client spool to a file it never closes.
    app.config["PHOTO_MAX_BYTES"] = 100 * 1024
    noisy = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    assert 100 * 1024 < len(out.getvalue()) < app.config["MAX_CONTENT_LENGTH"]
    response = _upload(client, owner, out.getvalue(), "big.png")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "too large" in page and "Photo Owner" in page  # the rest of the form is kept
    assert _photo_files(app) == []


def test_pixel_count_is_bounded_before_decoding(app, client, owner):
    app.config["PHOTO_MAX_PIXELS"] = 100 * 100
    response = _upload(client, owner, image_bytes("PNG", (200, 200)))
    assert response.status_code == 400
    assert "too many pixels" in response.get_data(as_text=True)
    assert _photo_files(app) == []


def test_replacing_a_photo_deletes_the_old_file(app, client, owner):
    _upload(client, owner, image_bytes("JPEG"))
    first = fresh(owner).photo_filename
    _upload(client, owner, image_bytes("PNG"))
    second = fresh(owner).photo_filename
    assert second != first
    assert [p.name for p in _photo_files(app)] == [second]

    assert post_form(client, f"/directory/members/{owner.id}/photo/delete").status_code == 302
    assert fresh(owner).photo_filename is None
    assert _photo_files(app) == []


def test_photo_of_a_draft_is_visible_to_its_owner_only(app, client, owner, staff):
    _upload(client, owner, image_bytes("JPEG"))
    url = f"/directory/photos/{fresh(owner).photo_filename}"
    status, _, headers = fetch(client, url)
    assert status == 200 and headers["Cache-Control"] == "private, no-store"
    assert fetch(app.test_client(), url)[0] == 404
    assert fetch(sign_in(app.test_client(), make_user()), url)[0] == 404
    assert fetch(sign_in(app.test_client(), staff), url)[0] == 404


def test_photo_follows_the_card_visibility(app, client, owner):
    from webapp.directory import service
    from webapp.extensions import db

    _upload(client, owner, image_bytes("JPEG"))
    card = fresh(owner)
    url = f"/directory/photos/{card.photo_filename}"
    service.set_visibility(card, "community", actor_id=None)
    db.session.commit()
    assert fetch(app.test_client(), url)[0] == 404
    assert fetch(sign_in(app.test_client(), make_user()), url)[0] == 200
    service.set_visibility(card, "public", actor_id=None)
    db.session.commit()
    status, _, headers = fetch(app.test_client(), url)
    assert status == 200 and headers["Cache-Control"].startswith("public")
    service.set_visibility(card, "draft", actor_id=None)
    db.session.commit()
    assert fetch(app.test_client(), url)[0] == 404


@pytest.mark.parametrize(
    "name", ["../app.db", "..%2Fapp.db", "secret_key", "x.webp", "AAAAAAAAAAAAAAAAAAAAAAAA.webp"]
)
def test_unknown_or_crafted_photo_names_are_404(app, client, name):
    assert fetch(client, f"/directory/photos/{name}")[0] == 404
