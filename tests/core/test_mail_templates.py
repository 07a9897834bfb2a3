"""Mail templates: each one in each language, fully translated, plain text, in the recipient's language.

The committed .po files are compiled into a temporary directory (as in test_i18n), so these tests
check the catalogues in the tree, not whatever .mo files an earlier `scripts/setup` left behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import UndefinedError
from sqlalchemy import select

from tests.conftest import REPO
from tests.factories import make_user, member_card
from webapp.core.mail import HeaderInjection, render_mail, safe_header, send_template
from webapp.core.models import MailMessage

LANGS = ("en", "nl", "fr", "de")
BASE = "https://kring.example"
MESSAGE = (
    "Hello Rita,\n\nWe are looking for someone to do the sound at our festival in Ghent on 14 June.\n"
    "Are you available?\n\nSam"
)
#: Every mail template with the context its caller gives it (several where the text branches).
CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "accounts/mail/verify.txt": [{"days": 3, "link": f"{BASE}/verify/eyJ1aWQiOjQyfQ.Z3Rva2Vu"}],
    "accounts/mail/signup_attempt.txt": [{"link": f"{BASE}/reset"}],
    "accounts/mail/reset.txt": [{"link": f"{BASE}/reset/eyJ1aWQiOjQyLCJwdyI6ImFiIn0.c2lnbg"}],
    "accounts/mail/signin_link.txt": [{"link": f"{BASE}/signin/link/eyJ1aWQiOjQyfQ.c2lnbg"}],
    "core/mail/undeliverable.txt": [
        {
            "mail_id": 4711,
            "mail_kind": "contact",
            "attempts": 8,
            "error": "SMTPRecipientsRefused: 550 no such user",
        }
    ],
    "accounts/mail/email_change_notice.txt": [{"link": f"{BASE}/reset"}],
    "accounts/mail/email_change_confirm.txt": [{"link": f"{BASE}/account/email/confirm/eyJuZXciOiJhIn0.eA"}],
    "accounts/mail/email_taken.txt": [{}],
    "directory/mail/relay.txt": [
        {
            "subject": "Sound for our festival",
            "message": MESSAGE,
            "sender_name": "Sam Sender",
            "sender_is_member": True,
            "card_url": f"{BASE}/directory/members/7",
            "report_url": f"{BASE}/directory/messages/12/report?t=eyJtIjoxMn0.cmVwb3J0",
        },
        {  # a member without a published card
            "subject": "Sound for our festival",
            "message": MESSAGE,
            "sender_name": "",
            "sender_email": "sam.sender@example.net",
            "sender_is_member": True,
            "card_url": None,
            "report_url": f"{BASE}/directory/messages/13/report?t=eyJtIjoxM30.cmVwb3J0",
        },
        {  # a client without a card
            "subject": "Sound for our festival",
            "message": MESSAGE,
            "sender_name": "",
            "sender_email": "inge.inkoop@buyer.example",
            "sender_is_member": False,
            "card_url": None,
            "report_url": f"{BASE}/directory/messages/14/report?t=eyJtIjoxNH0.cmVwb3J0",
        },
    ],
    "directory/mail/abuse_report.txt": [{"report_id": 3, "url": f"{BASE}/directory/staff/reports"}],
    # The board (webapp.p2p.service._mail_other): one context per booking state.
    "p2p/mail/booking_status.txt": [
        {
            "status": status,
            "title": "PA system",
            "starts_on": "2027-03-18",
            "ends_on": "2027-03-20",
            "url": f"{BASE}/board/bookings/5",
            "note": "For a concert" if status == "requested" else "",
        }
        for status in ("requested", "accepted", "declined", "cancelled", "handed_over", "returned", "no_show")
    ],
    "p2p/mail/booking_message.txt": [
        {
            "title": "PA system",
            "starts_on": "2027-03-18",
            "ends_on": "2027-03-20",
            "message": MESSAGE,
            "url": f"{BASE}/board/bookings/5",
        }
    ],
    "p2p/mail/reminder.txt": [
        {
            "moment": moment,
            "title": "PA system",
            "starts_on": "2027-03-18",
            "ends_on": "2027-03-20",
            "url": f"{BASE}/board/bookings/5",
        }
        for moment in ("pickup", "return")
    ],
    "p2p/mail/digest.txt": [
        {
            "items": [{"title": "PA system wanted", "why": "12 km away", "url": f"{BASE}/board/listings/9"}],
            "settings_url": f"{BASE}/board/mine",
        }
    ],
    # The events calendar (webapp.events.service / digest).
    "events/mail/promoted.txt": [
        {"title": "Illustrators' breakfast", "when": "18 March 2027, 08:30", "url": f"{BASE}/events/7"}
    ],
    "events/mail/reminder.txt": [
        {
            "title": "Illustrators' breakfast",
            "when": "18 March 2027, 08:30",
            "where": "Café Labo, Gent",
            "url": f"{BASE}/events/7",
        },
        {
            "title": "Online info session",
            "when": "18 March 2027, 19:00",
            "where": "",
            "url": f"{BASE}/events/8",
        },
    ],
    "events/mail/organiser.txt": [
        {
            "subject_line": "Room change",
            "title": "Illustrators' breakfast",
            "message": MESSAGE,
            "url": f"{BASE}/events/7",
        }
    ],
    "events/mail/cancelled.txt": [
        {
            "title": "Illustrators' breakfast",
            "when": "2027-03-18 08:30 (Europe/Brussels)",
            "url": f"{BASE}/events/7",
        }
    ],
    "events/mail/occurrence_cancelled.txt": [
        {"title": "Sound meetup", "when": "2027-04-01 19:00 (Europe/Brussels)", "url": f"{BASE}/events/8"}
    ],
    "events/mail/digest.txt": [
        {
            "events": "Illustrators' breakfast · 18 March 2027 · Gent\nSound meetup · 25 March 2027 · Eupen",
            "url": f"{BASE}/events/mine",
        }
    ],
}
#: Context values that choose a branch of the text (a booking's state), not text the mail shows.
CONTROL_KEYS = {"status", "moment"}
CASES = [(name, i) for name, contexts in CONTEXTS.items() for i in range(len(contexts))]
LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|%\(")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed catalogues compiled into a temporary directory (fuzzy entries excluded)."""
    out = tmp_path_factory.mktemp("translations")
    for lang in LANGS[1:]:
        with (REPO / "webapp" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        (out / lang / "LC_MESSAGES").mkdir(parents=True)
        with (out / lang / "LC_MESSAGES" / "messages.mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
    return out


@pytest.fixture
def app_config(app_config: dict, compiled: Path) -> dict:
    """The shared test settings, with the catalogues compiled from this checkout's .po files."""
    return {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(compiled)}


@pytest.fixture(autouse=True)
def _no_cached_catalogues(app) -> Iterator[None]:
    """Flask-Babel caches catalogues on the shared Babel instance, for every app of the process
    whatever its BABEL_TRANSLATION_DIRECTORIES: start (and leave) with an empty cache, so these
    tests read the compiled committed catalogues, not what an earlier test loaded."""
    from webapp.extensions import babel

    babel.domain_instance.cache.clear()
    yield
    babel.domain_instance.cache.clear()


def _shown_values(context: dict[str, Any]) -> set[str]:
    """Lines that come from the context (links, the sender's message), not from the template."""
    values = [v for k, v in context.items() if k not in CONTROL_KEYS]
    # Lists of dicts (a digest's items) carry shown values too.
    values += [x for v in values if isinstance(v, list) for d in v if isinstance(d, dict) for x in d.values()]
    shown = [str(v) for v in values if isinstance(v, str | int) and not isinstance(v, bool)]
    return {line for value in shown for line in value.splitlines()}


def _own_words(text: str, shown: set[str]) -> bool:
    """Whether ``text`` says anything besides the context values and the name Kring."""
    for value in shown:
        text = text.replace(value, "")
    return bool(re.search(r"[A-Za-z]{2}", text.replace("Kring", "")))


def test_every_mail_template_has_a_test_context(app):
    names = app.jinja_env.list_templates(filter_func=lambda name: "/mail/" in name and name.endswith(".txt"))
    assert sorted(names) == sorted(CONTEXTS)


@pytest.mark.parametrize(("template", "case"), CASES)
def test_every_template_renders_fully_translated_in_every_language(app, template, case):
    context = CONTEXTS[template][case]
    english_subject, english = render_mail(template, lang="en", **context)
    ours = _shown_values(context)
    english_lines = [
        line for line in english.splitlines() if re.search(r"[A-Za-z]{2}", line) and line not in ours
    ]
    assert english_lines, "a mail with no text of its own?"
    for lang in LANGS:
        subject, body = render_mail(template, lang=lang, **context)
        assert safe_header(subject) == subject and subject.strip() == subject and subject
        assert body.endswith("\n") and not body.startswith("\n") and "\n\n\n" not in body
        assert not LEFTOVER.search(subject + body), (lang, subject, body)
        for value in ours:  # every link and the message itself reach the recipient
            assert value in subject + body, (lang, value)
        if lang == "en":
            continue
        if _own_words(english_subject, ours):
            assert subject != english_subject, (lang, subject)
        left = [line for line in english_lines if line in body.splitlines()]
        assert left == [], f"untranslated in {lang}: {left}"


def test_user_text_stays_literal_plain_text(app):
    """No HTML escaping in a text/plain mail, and no template or %-formatting of what users wrote."""
    text = "Tom & Jerry <b>live</b> {{ config }} {% if x %} %(link)s 100%"
    subject, body = render_mail(
        "directory/mail/relay.txt",
        lang="fr",
        subject="Q&A <session>",
        message=text,
        sender_name="Ann & <Co> {{ 7*7 }}",
        sender_is_member=True,
        card_url=None,
        report_url=f"{BASE}/r?t=a&b=<c>",
    )
    assert subject == "[Kring] Q&A <session>"
    assert text in body and "Ann & <Co> {{ 7*7 }} vous a envoyé un message via Kring\xa0:" in body
    assert f"{BASE}/r?t=a&b=<c>" in body and "&amp;" not in body and "&lt;" not in body


def test_a_missing_variable_fails_loudly(app):
    with pytest.raises(UndefinedError):
        render_mail("accounts/mail/reset.txt", lang="nl")


def test_a_line_break_in_the_subject_is_refused(app):
    context = {**CONTEXTS["directory/mail/relay.txt"][0], "subject": "Hi\r\nBcc: victim@example.org"}
    with pytest.raises(HeaderInjection):
        send_template("rita@example.org", "directory/mail/relay.txt", lang="en", kind="contact", **context)


def test_unknown_or_missing_language_falls_back_to_the_default(app):
    context = CONTEXTS["accounts/mail/email_taken.txt"][0]
    english = render_mail("accounts/mail/email_taken.txt", lang="en", **context)
    assert render_mail("accounts/mail/email_taken.txt", lang=None, **context) == english
    assert render_mail("accounts/mail/email_taken.txt", lang="es", **context) == english


# ------------------------------------------------------------------------------ the callers' languages


def _last_mail(db) -> MailMessage:
    return db.session.scalars(select(MailMessage).order_by(MailMessage.id.desc())).first()


@pytest.mark.parametrize("locale", [None, "nl", "fr", "de"])
def test_account_mail_goes_out_in_the_accounts_language(app, db, locale):
    from webapp.accounts.service import request_password_reset

    user = make_user(locale=locale)
    request_password_reset(user.email)
    db.session.commit()
    mail = _last_mail(db)
    link = re.search(r"https?://\S+/reset/\S+", mail.body_text).group(0)
    assert (mail.subject, mail.body_text) == render_mail("accounts/mail/reset.txt", lang=locale, link=link)
    assert (mail.to_addr, mail.kind, mail.user_id) == (user.email, "account", user.id)


@pytest.mark.parametrize(
    ("account_locale", "card_language", "expected"),
    [("de", "fr", "de"), (None, "fr", "fr"), (None, None, "en"), ("nl", None, "nl")],
)
def test_relay_mail_goes_out_in_the_recipients_language(app, db, account_locale, card_language, expected):
    from webapp.directory.relay import send_message

    recipient = make_user(locale=account_locale)
    values = {"card_language": card_language} if card_language else {}
    card = member_card(recipient, visibility="public", display_name="Rita Recipient", **values)
    sender = make_user("sam.sender@example.net")
    message = send_message(sender, card, "Sound for our festival", MESSAGE)
    db.session.commit()
    mail = db.session.get(MailMessage, message.mail_id)
    report_url = re.search(r"https?://\S+/report\?t=\S+", mail.body_text).group(0)
    context = {**CONTEXTS["directory/mail/relay.txt"][1], "report_url": report_url}
    assert (mail.subject, mail.body_text) == render_mail("directory/mail/relay.txt", lang=expected, **context)
    assert (mail.to_addr, mail.reply_to, mail.kind) == (recipient.email, sender.email, "contact")
