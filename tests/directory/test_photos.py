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


# --------------------------------------------------------------- big camera photos (issue 9, item 2)


def test_a_file_over_the_upload_limit_brings_the_form_back_with_everything_typed(app, client, owner):
    """Over the file limit but within MAX_CONTENT_LENGTH: the body is read, the file part dropped
    unwritten, and the form comes back with a message and every typed field."""
    app.config["UPLOAD_MAX_BYTES"] = app.config["PHOTO_MAX_BYTES"] = 64 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] > 300 * 1024
    url = f"/directory/members/{owner.id}/edit"
    response = post_form(
        client,
        url,
        _form(
            owner,
            headline="Typed before choosing the photo",
            photo=(io.BytesIO(os.urandom(300 * 1024)), "cam.jpg"),
        ),
        token_from=url,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "too large" in page and "Typed before choosing the photo" in page and "Photo Owner" in page
    assert 'class="error-banner"' in page and 'href="#photo"' in page
    assert fresh(owner).photo_filename is None and _photo_files(app) == []


def test_every_error_shows_at_once_the_photo_with_the_others(app, client, owner):
    url = f"/directory/members/{owner.id}/edit"
    response = post_form(
        client,
        url,
        _form(
            owner, display_name="", website="javascript:alert(1)", photo=(io.BytesIO(b"%PDF-1.4"), "cv.pdf")
        ),
        token_from=url,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    banner = page[
        page.index('class="error-banner"') : page.index("</div>", page.index('class="error-banner"'))
    ]
    for field in ("display_name", "website", "photo"):
        assert f'href="#{field}"' in banner, field
    assert "3 fields need your attention" in banner
    assert "Only JPEG, PNG or WebP photos are accepted" in page


def test_a_camera_size_jpeg_is_decoded_scaled_down(app, client, owner):
    """A 24-megapixel JPEG passes a 3-megapixel decoding budget: libjpeg decodes it at 1/4 scale."""
    app.config["PHOTO_MAX_PIXELS"] = 3_000_000
    camera = io.BytesIO()
    Image.new("RGB", (6000, 4000), (180, 120, 60)).save(camera, format="JPEG", quality=70)
    assert _upload(client, owner, camera.getvalue(), "DSC_0001.JPG").status_code == 302
    (stored,) = _photo_files(app)
    with Image.open(stored) as image:
        assert max(image.size) == 800 and image.size == (800, 533)


def test_a_png_of_that_size_is_still_refused_by_the_pixel_budget(app, client, owner):
    app.config["PHOTO_MAX_PIXELS"] = 3_000_000
    big = io.BytesIO()
    Image.new("RGB", (3000, 2000), (1, 2, 3)).save(big, format="PNG")  # compresses to a few kB: a bomb
    response = _upload(client, owner, big.getvalue(), "flat.png")
    assert response.status_code == 400 and "too many pixels" in response.get_data(as_text=True)
    assert _photo_files(app) == []


def test_the_413_page_says_what_to_do(app, client, owner):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = _upload(client, owner, os.urandom(100 * 1024))
    assert response.status_code == 413
    assert "Back button" in response.get_data(as_text=True)


def test_capped_upload_keeps_the_limit_and_drops_the_rest():
    from webapp.core.security import CappedUpload

    with CappedUpload(10) as part:
        part.write(b"0123456")
        assert not part.overflowed
        part.write(b"789abc")
        assert part.overflowed and part.received == 13
        part.seek(0)
        assert part.read() == b"0123456789"


def test_the_edit_page_tells_the_browser_the_limit(app, client, owner):
    page = client.get(f"/directory/members/{owner.id}/edit").get_data(as_text=True)
    assert f'data-max-bytes="{app.config["PHOTO_MAX_BYTES"]}"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    assert "at most 25 MB" in page


def test_a_good_photo_sent_with_a_bad_form_asks_to_be_chosen_again(app, client, owner):
    url = f"/directory/members/{owner.id}/edit"
    response = post_form(
        client,
        url,
        _form(owner, display_name="", photo=(io.BytesIO(image_bytes("JPEG")), "me.jpg")),
        token_from=url,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert 'id="photo-again"' in response.get_data(as_text=True)
    assert _photo_files(app) == []  # nothing stored for a card that was not saved
