""" "Wanted" matching: a request shows its best-fitting offers with a why line, an offer the open
requests it could answer; the owners of fitting offers get one daily digest (opt-out, capped)."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.factories import make_user
from tests.p2p.helpers import index_now, make_listing


def test_a_request_reaches_the_owners_of_fitting_offers_once_a_day(app, db, user, smtp_server):
    from webapp.p2p import matching
    from webapp.p2p.models import BoardNotice

    lender = make_user("lender@example.org", locale="fr")
    quiet = make_user("quiet@example.org")
    sono = make_listing(
        lender,
        title="Sono à prêter",
        language="fr",
        where="Gent",
        description="Deux enceintes et une table de mixage pour un concert.",
    )
    other = make_listing(
        quiet,
        title="PA system for gigs",
        where="Gent",
        description="Speakers and a mixer for small concerts.",
    )
    make_listing(lender, title="Desk in a studio", kind="workspace", where="Gent")  # another kind
    index_now()
    matching.set_digest(quiet.id, False)
    db.session.commit()
    request = make_listing(
        user,
        title="PA-installatie lenen",
        type="request",
        language="nl",
        where="Gent",
        status="draft",
        description="Voor een concert in de zomer.",
    )
    client = sign_in(app.test_client(), user)
    assert post_form(client, f"/board/listings/{request.id}/status", {"status": "active"}).status_code == 302
    index_now()

    page = client.get(f"/board/listings/{request.id}").get_data(as_text=True)
    assert "Sono à prêter" in page and "PA system for gigs" in page and "Desk in a studio" not in page
    notices = db.session.scalars(select(BoardNotice).order_by(BoardNotice.user_id)).all()
    assert {n.user_id for n in notices} == {lender.id, quiet.id}
    offer_page = sign_in(app.test_client(), lender).get(f"/board/listings/{sono.id}").get_data(as_text=True)
    assert "PA-installatie lenen" in offer_page  # the offer shows the open request it could answer

    app.config["MAIL_URL"] = smtp_server.url
    assert matching.send_digests() == 1  # the lender; "quiet" opted out
    assert matching.send_digests() == 0  # once a day
    from webapp.core.mail import drain_mail

    drain_mail(force=True)
    [mail] = [m for m in smtp_server.messages if "PA-installatie" in m["msg"].get_content()]
    assert mail["envelope_to"] == ["lender@example.org"] and "Kring" in mail["msg"]["Subject"]
    assert "membres" in mail["msg"]["Subject"].lower()  # in French
    assert other.id  # the quiet member's offer matched, but no mail went to them
    assert all(m["envelope_to"] != ["quiet@example.org"] for m in smtp_server.messages)


def test_the_digest_is_capped_and_the_switch_works(app, db, user):
    from webapp.p2p import matching
    from webapp.p2p.models import BoardNotice, BoardPreference

    lender = make_user("lender@example.org")
    for n in range(matching.DIGEST_MAX + 3):
        request = make_listing(user, title=f"Wanted thing {n}", type="request")
        db.session.add(BoardNotice(user_id=lender.id, listing_id=request.id, why=""))
    db.session.commit()
    assert matching.send_digests() == 1
    from webapp.core.models import MailMessage

    [mail] = db.session.scalars(select(MailMessage).where(MailMessage.to_addr == "lender@example.org")).all()
    assert mail.body_text.count("Wanted thing") == matching.DIGEST_MAX
    assert len(db.session.scalars(select(BoardNotice).where(BoardNotice.sent_at.is_(None))).all()) == 3

    client = sign_in(app.test_client(), lender)
    assert post_form(client, "/board/digest", {"digest": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(BoardPreference, lender.id).digest is False
    assert "Switch the digest on" in client.get("/board/mine").get_data(as_text=True)


def test_each_recipient_reads_the_digest_and_its_why_lines_in_their_own_language(app, db, smtp_server):
    """A Dutch requester; a French and a German member whose offers fit: each mail, why line
    included, is in its recipient's language, not in the requester's."""
    import re

    from webapp.core.mail import drain_mail
    from webapp.p2p import matching

    requester = make_user("joke@example.org", locale="nl")
    french = make_user("francoise@example.org", locale="fr")
    german = make_user("gerd@example.org", locale="de")
    make_listing(
        french,
        title="Sono à prêter",
        language="fr",
        where="Aalst",
        description="Deux enceintes et une table de mixage pour un concert.",
    )
    make_listing(
        german,
        title="PA-Anlage zu verleihen",
        language="de",
        where="Aalst",
        description="Zwei Lautsprecher und ein Mischpult für Konzerte.",
    )
    index_now()
    request = make_listing(
        requester,
        title="PA-installatie lenen",
        type="request",
        language="nl",
        where="Gent",
        status="draft",
        description="Voor een concert in de zomer.",
    )
    client = sign_in(app.test_client(), requester)
    assert post_form(client, f"/board/listings/{request.id}/status", {"status": "active"}).status_code == 302

    app.config["MAIL_URL"] = smtp_server.url
    assert matching.send_digests() == 2
    drain_mail(force=True)
    mails = {m["envelope_to"][0]: m["msg"] for m in smtp_server.messages}
    assert set(mails) == {"francoise@example.org", "gerd@example.org"}

    def why_line(msg) -> str:
        lines = msg.get_content().splitlines()
        return lines[lines.index("PA-installatie lenen") + 1]

    fr, de = mails["francoise@example.org"], mails["gerd@example.org"]
    assert fr["Subject"] == "[Kring] Des membres cherchent ce que vous offrez"
    assert de["Subject"] == "[Kring] Mitglieder suchen, was Sie anbieten"
    # Aalst is some 25 km from Gent: the distance is said in the reader's words.
    assert re.search(r"à \d+([,.]\d)? km", why_line(fr)), why_line(fr)
    assert re.search(r"\d+([,.]\d)? km entfernt", why_line(de)), why_line(de)
    for msg in (fr, de):
        line = why_line(msg)
        assert not re.search(r"\bop \d|gevonden op|verwant in betekenis", line), line  # no Dutch
        assert "http" not in line  # it is the why line, not the link under it

    # Every language is kept: the mail follows the language the recipient has when it is sent.
    from webapp.p2p.models import BoardNotice

    notice = db.session.scalars(select(BoardNotice).where(BoardNotice.user_id == german.id)).one()
    assert set(notice.why_texts) == {"en", "nl", "fr", "de"}
    assert notice.why == notice.why_texts["de"]
