"""Listing photos: the platform's upload rules (type, size, pixels, re-encoding, no metadata,
random names), at most PHOTOS_MAX, added and removed by the owner only, served only where the
listing may be seen, shown on the listing page and as a thumbnail in the board's results, in the
export and gone with an erasure."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.factories import image_bytes, make_user, member_card
from tests.p2p.helpers import index_now, make_listing


def _files(app) -> list[Path]:
    folder = Path(app.config["DATA_DIR"]) / "photos" / "listings"
    return sorted(p for p in folder.glob("*") if p.is_file()) if folder.exists() else []


def _upload(client, listing_id: int, payload: bytes, name: str = "me.jpg"):
    return post_form(
        client,
        f"/board/listings/{listing_id}/photos",
        {"photo": (io.BytesIO(payload), name)},
        token_from=f"/board/listings/{listing_id}/edit",
        content_type="multipart/form-data",
    )


def fetch(client, url: str) -> tuple[int, bytes, dict]:
    """GET and close (a served file keeps its handle open until the response is closed)."""
    with client.get(url) as response:
        return response.status_code, response.get_data(), dict(response.headers)


def _photo_names(listing_id: int) -> list[str]:
    from webapp.extensions import db
    from webapp.p2p.models import ListingPhoto

    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ListingPhoto.filename)
            .where(ListingPhoto.listing_id == listing_id)
            .order_by(ListingPhoto.id)
        )
    )


@pytest.fixture
def owner(app):
    """A verified member who owns the listings of these tests."""
    return make_user("olga.owner@example.org")


@pytest.fixture
def signed_owner(app, owner):
    return sign_in(app.test_client(), owner)


def test_a_photo_is_reencoded_without_metadata_shown_with_its_title_and_as_a_thumbnail(
    app, owner, signed_owner
):
    listing = make_listing(owner, title="Sewing machine to lend", description="A Bernina, with pedal.")
    original = image_bytes("JPEG", (1600, 1200), exif=True)
    assert b"SecretCameraMaker" in original
    response = _upload(signed_owner, listing.id, original, "olga-at-home-in-ghent.jpg")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/board/listings/{listing.id}/edit"
    )
    [name] = _photo_names(listing.id)
    assert name.endswith(".webp") and "olga" not in name and len(name) >= 25
    [stored] = _files(app)
    assert stored.name == name
    data = stored.read_bytes()
    for secret in (b"SecretCameraMaker", b"SecretModel", b"SecretSoftware", b"Exif"):
        assert secret not in data
    with Image.open(stored) as image:
        assert image.format == "WEBP" and max(image.size) <= 800 and not image.getexif()

    page = app.test_client().get(f"/board/listings/{listing.id}").get_data(as_text=True)
    assert f'src="/board/photos/{name}" alt="Sewing machine to lend"' in page
    status, served, headers = fetch(app.test_client(), f"/board/photos/{name}")
    assert status == 200 and served == data and headers["Content-Type"] == "image/webp"
    assert headers["Cache-Control"].startswith("public")

    index_now()
    results = app.test_client().get("/board?q=sewing+machine").get_data(as_text=True)
    assert re.search(
        rf'<img class="[^"]*listing-thumb[^"]*" src="/board/photos/{name}" alt="Sewing machine to lend"',
        results,
    )

    edit = signed_owner.get(f"/board/listings/{listing.id}/edit").get_data(as_text=True)
    assert f'src="/board/photos/{name}"' in edit and "Remove this photo" in edit


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        (b"GIF89a" + b"\x00" * 100, "me.gif"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "me.jpg"),
        (image_bytes("BMP"), "me.jpg"),
        (image_bytes("TIFF"), "me.webp"),
        (image_bytes("JPEG")[:200], "truncated.jpg"),
    ],
)
def test_only_jpeg_png_and_webp_are_accepted(app, owner, signed_owner, payload, name):
    listing = make_listing(owner)
    response = _upload(signed_owner, listing.id, payload, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Only JPEG, PNG or WebP photos are accepted" in page
    assert 'value="PA system to lend"' in page  # the edit page, with the listing as saved
    assert _photo_names(listing.id) == [] and _files(app) == []


def test_size_and_pixel_limits(app, owner, signed_owner):
    listing = make_listing(owner)
    app.config["PHOTO_MAX_PIXELS"] = 100 * 100
    response = _upload(signed_owner, listing.id, image_bytes("PNG", (200, 200)))
    assert response.status_code == 400 and "too many pixels" in response.get_data(as_text=True)
    app.config["PHOTO_MAX_PIXELS"] = 40_000_000
    app.config["UPLOAD_MAX_BYTES"] = app.config["PHOTO_MAX_BYTES"] = 64 * 1024
    noisy = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    response = _upload(signed_owner, listing.id, out.getvalue(), "big.png")
    assert response.status_code == 400 and "too large" in response.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    assert _upload(signed_owner, listing.id, os.urandom(100 * 1024)).status_code == 413
    assert _photo_names(listing.id) == [] and _files(app) == []


def test_at_most_four_photos_and_removing_one_deletes_its_file(app, owner, signed_owner):
    from webapp.p2p.models import PHOTOS_MAX

    listing = make_listing(owner)
    for n in range(PHOTOS_MAX):
        assert _upload(signed_owner, listing.id, image_bytes("PNG", (40 + n, 30))).status_code == 302
    names = _photo_names(listing.id)
    assert len(names) == PHOTOS_MAX == len(_files(app))
    edit = signed_owner.get(f"/board/listings/{listing.id}/edit").get_data(as_text=True)
    assert "Add the photo" not in edit and "at most 4 photos" in edit
    response = _upload(signed_owner, listing.id, image_bytes("PNG"))
    assert response.status_code == 400 and "at most 4 photos" in response.get_data(as_text=True)
    assert _photo_names(listing.id) == names and len(_files(app)) == PHOTOS_MAX

    from webapp.extensions import db
    from webapp.p2p.models import ListingPhoto

    first = db.session.scalar(select(ListingPhoto).where(ListingPhoto.filename == names[0]))
    response = post_form(
        signed_owner,
        f"/board/listings/{listing.id}/photos/{first.id}/delete",
        token_from=f"/board/listings/{listing.id}/edit",
    )
    assert response.status_code == 302
    assert _photo_names(listing.id) == names[1:]
    assert [p.name for p in _files(app)] == sorted(names[1:])
    assert fetch(app.test_client(), f"/board/photos/{names[0]}")[0] == 404


def test_nobody_else_adds_or_removes_photos(app, db, owner, signed_owner, staff):
    from webapp.p2p.models import ListingPhoto

    listing = make_listing(owner)
    other_listing = make_listing(owner, title="Another thing")
    assert _upload(signed_owner, listing.id, image_bytes()).status_code == 302
    [name] = _photo_names(listing.id)
    photo_id = db.session.scalar(select(ListingPhoto.id).where(ListingPhoto.filename == name))
    stranger = sign_in(app.test_client(), make_user("sid.stranger@example.org"))
    for client in (stranger, sign_in(app.test_client(), staff)):
        assert client.get(f"/board/listings/{listing.id}/edit").status_code == 404
        assert _upload(client, listing.id, image_bytes()).status_code == 404
        response = post_form(
            client, f"/board/listings/{listing.id}/photos/{photo_id}/delete", token_from="/board"
        )
        assert response.status_code == 404
    # The owner's own photo through another of their listings' URL: not that listing's photo.
    response = post_form(
        signed_owner, f"/board/listings/{other_listing.id}/photos/{photo_id}/delete", token_from="/board"
    )
    assert response.status_code == 404
    anonymous = app.test_client()
    response = anonymous.post(f"/board/listings/{listing.id}/photos/{photo_id}/delete")
    assert response.status_code in (302, 400)
    assert _photo_names(listing.id) == [name] and len(_files(app)) == 1
    assert _photo_names(other_listing.id) == []


def test_a_photo_is_served_only_where_the_listing_may_be_seen(app, db, owner, signed_owner, staff):
    from webapp.p2p import service

    listing = make_listing(owner, audience="community")
    assert _upload(signed_owner, listing.id, image_bytes()).status_code == 302
    [name] = _photo_names(listing.id)
    url = f"/board/photos/{name}"
    member = sign_in(app.test_client(), make_user("mia.member@example.org"))

    def who_sees() -> dict[str, int]:
        return {
            "anonymous": fetch(app.test_client(), url)[0],
            "member": fetch(member, url)[0],
            "owner": fetch(signed_owner, url)[0],
        }

    assert who_sees() == {"anonymous": 404, "member": 200, "owner": 200}
    assert fetch(member, url)[2]["Cache-Control"] == "private, no-store"
    for status in ("paused", "closed", "draft"):
        service.set_status(db.session.get(service.Listing, listing.id), status, actor_id=owner.id)
        db.session.commit()
        assert who_sees() == {"anonymous": 404, "member": 404, "owner": 200}, status
    service.set_status(db.session.get(service.Listing, listing.id), "active", actor_id=owner.id)
    db.session.commit()
    item = db.session.get(service.Listing, listing.id)
    item.audience = "public"
    service.sync_visibility(item, actor_id=owner.id)
    db.session.commit()
    assert who_sees() == {"anonymous": 200, "member": 200, "owner": 200}
    service.hide_listing(db.session.get(service.Listing, listing.id), staff_id=staff.id, hidden=True)
    db.session.commit()
    assert who_sees() == {"anonymous": 404, "member": 404, "owner": 200}


@pytest.mark.parametrize("name", ["../app.db", "..%2F..%2Fapp.db", "x.webp", "AAAAAAAAAAAAAAAAAAAAAAAA.webp"])
def test_unknown_or_crafted_names_are_404(app, name):
    assert fetch(app.test_client(), f"/board/photos/{name}")[0] == 404


def test_card_photos_and_listing_photos_never_cross_routes(app, db, owner, signed_owner):
    from webapp.directory import photos as card_photos
    from webapp.directory import service as directory

    card = member_card(owner, visibility="public", display_name="Olga Owner")
    directory.set_photo(card, card_photos.store_photo(io.BytesIO(image_bytes())))
    db.session.commit()
    listing = make_listing(owner)
    assert _upload(signed_owner, listing.id, image_bytes()).status_code == 302
    [listing_photo] = _photo_names(listing.id)
    assert fetch(app.test_client(), f"/directory/photos/{listing_photo}")[0] == 404
    assert fetch(app.test_client(), f"/board/photos/{card.photo_filename}")[0] == 404
    assert fetch(app.test_client(), f"/board/photos/{listing_photo}")[0] == 200


def test_the_export_lists_the_photos_and_erasure_deletes_them(app, db, owner, signed_owner):
    import json

    from webapp.core.privacy import erase_user, export_user_data, export_user_files

    listing = make_listing(owner, title="Olga's camera body")
    for fmt in ("JPEG", "PNG"):
        assert _upload(signed_owner, listing.id, image_bytes(fmt)).status_code == 302
    names = _photo_names(listing.id)
    exported = export_user_data(owner)["p2p"]["listings"]
    assert [p["file"] for p in exported[0]["photos"]] == [
        f"p2p/listing-{listing.id}-photo-1.webp",
        f"p2p/listing-{listing.id}-photo-2.webp",
    ]
    # The ZIP export carries the files under the names the JSON gives.
    files = dict(export_user_files(owner))
    stored = _files_by_name(app)
    assert [files[p["file"]].read_bytes() for p in exported[0]["photos"]] == [stored[n] for n in names]
    json.dumps(exported, default=str)

    erase_user(db.session.get(type(owner), owner.id))
    db.session.commit()
    assert _files(app) == []
    assert _photo_names(listing.id) == []
    folder = Path(app.config["DATA_DIR"])
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix == ".webp":
            raise AssertionError(f"a photo file survived the erasure: {path}")


def _files_by_name(app) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in _files(app)}


def test_after_erasure_no_file_holds_the_listing_or_its_photos(app, db, owner, signed_owner):
    """CHECKLIST 31 on the raw bytes: the database (its WAL, or a dump on PostgreSQL), the search
    index and the photo folder hold neither the listing's words nor its photos' names."""
    from tests.databases import dump_database
    from webapp.core.privacy import erase_user

    listing = make_listing(owner, title="Zwerfkeibrander to lend", description="Olgazwerfkei special.")
    assert _upload(signed_owner, listing.id, image_bytes()).status_code == 302
    [name] = _photo_names(listing.id)
    index_now()
    needles = [b"zwerfkeibrander", b"olgazwerfkei", name.lower().encode()]

    def traces() -> list[str]:
        data_dir = Path(app.config["DATA_DIR"])
        blobs = {str(p): p.read_bytes().lower() for p in data_dir.rglob("*") if p.is_file()}
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        if not url.startswith("sqlite"):
            blobs["database"] = dump_database(url).encode().lower()
        return sorted({f"{n.decode()} in {k}" for n in needles for k, blob in blobs.items() if n in blob})

    assert traces()  # the listing is in the database and the index, the photo named in both
    erase_user(db.session.get(type(owner), owner.id))
    index_now()
    assert traces() == []
    assert _files(app) == []
