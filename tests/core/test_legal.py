"""Legal pages (privacy notice, terms, imprint) in four languages, linked from every page and from
sign-up; the policy version recorded with consent at sign-up, on the account page and on publishing."""

from __future__ import annotations

import re

import pytest

from tests.conftest import post_form, sign_in
from tests.factories import audit_events, member_card
from webapp.core.legal import POLICY_VERSION

TITLES = {
    "privacy": {
        "en": "Privacy notice",
        "nl": "Privacyverklaring",
        "fr": "Déclaration de confidentialité",
        "de": "Datenschutzerklärung",
    },
    "terms": {
        "en": "Terms of use",
        "nl": "Gebruiksvoorwaarden",
        "fr": "Conditions d'utilisation",
        "de": "Nutzungsbedingungen",
    },
    "imprint": {
        "en": "Imprint and contact",
        "nl": "Colofon en contact",
        "fr": "Mentions légales et contact",
        "de": "Impressum und Kontakt",
    },
}
#: How each language writes "<n> days" in the privacy notice.
DAYS = {"en": "{} days", "nl": "{} dagen", "fr": "{} jours", "de": "{} Tage"}
#: The no-liability disclaimer of the terms, per language.
NOT_LIABLE = {
    "en": "is not liable",
    "nl": "is niet aansprakelijk",
    "fr": "n'est pas responsable",
    "de": "haftet nicht",
}


def _get(client, path, lang):
    return client.get(path, headers={"Accept-Language": lang})


@pytest.mark.parametrize("lang", ["en", "nl", "fr", "de"])
@pytest.mark.parametrize("page", ["privacy", "terms", "imprint"])
def test_each_legal_page_exists_in_each_language_with_its_version(client, page, lang):
    response = _get(client, f"/{page}", lang)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{TITLES[page][lang]}</h1>" in html
    assert POLICY_VERSION in html.split('id="policy-version"', 1)[1].split("</p>", 1)[0]
    # The other two pages are one click away, and no other language's title slipped in.
    for other in TITLES:
        assert f'href="/{other}"' in html
    for other_lang, title in TITLES[page].items():
        if other_lang != lang and title != TITLES[page][lang]:
            assert f"<h1>{title}</h1>" not in html


@pytest.mark.parametrize("lang", ["en", "nl", "fr", "de"])
def test_the_privacy_notice_states_the_retention_settings_in_force(app, client, lang):
    app.config.update(MAIL_KEEP_DAYS=45, UNVERIFIED_ACCOUNT_DAYS=9, CONTACT_LOG_DAYS=200)
    html = _get(client, "/privacy", lang).get_data(as_text=True)
    text = re.sub(r"\s+", " ", html)
    for days in (45, 9, 200):
        assert DAYS[lang].format(days) in text, (lang, days)
    assert DAYS[lang].format(30) not in text  # the defaults are not hard-coded in the text
    # Export and erasure are linked, and the relay is explained.
    assert 'href="/account/export"' in html and 'href="/account/delete"' in html
    assert 'id="relay"' in html and "Reply-To" in html


@pytest.mark.parametrize("lang", ["en", "nl", "fr", "de"])
def test_the_terms_carry_the_no_liability_disclaimer(client, lang):
    assert NOT_LIABLE[lang] in _get(client, "/terms", lang).get_data(as_text=True)


def test_the_imprint_shows_the_operator_from_the_settings(app, client):
    app.config.update(
        LEGAL_NAME="Coop Exemplaire CV",
        LEGAL_ADDRESS="Rue de l'Exemple 1, 1000 Bruxelles",
        LEGAL_COMPANY_NUMBER="BE 0123.456.789",
        LEGAL_EMAIL="privacy@coop.example",
    )
    html = _get(client, "/imprint", "en").get_data(as_text=True)
    assert "Coop Exemplaire CV" in html and "BE 0123.456.789" in html
    assert "Rue de l&#39;Exemple 1, 1000 Bruxelles" in html
    assert 'href="mailto:privacy@coop.example"' in html
    assert "Not configured" not in html


def test_french_pages_keep_the_non_breaking_space_before_high_punctuation(client):
    html = _get(client, "/privacy", "fr").get_data(as_text=True)
    assert re.search(r"\w [:;?!]", re.sub(r"<[^>]+>", "", html)) is None


@pytest.mark.parametrize("path", ["/", "/directory", "/signin", "/privacy"])
def test_every_page_links_the_legal_pages_from_its_footer(client, path):
    footer = client.get(path).get_data(as_text=True).split('<footer class="site-footer">', 1)[1]
    for page in ("privacy", "terms", "imprint"):
        assert f'href="/{page}"' in footer


def test_signup_asks_for_consent_linking_terms_and_privacy(client):
    html = client.get("/signup").get_data(as_text=True)
    label = html.split('for="accept_terms"', 1)[1].split("</label>", 1)[0]
    assert 'href="/terms"' in label and 'href="/privacy"' in label
    assert POLICY_VERSION in html


def _signup(client, **extra):
    data = {
        "email": "newbie@example.org",
        "password": "zonnebloem tram velo",
        "account_type": "member",
        "locale": "en",
        **extra,
    }
    return post_form(client, "/signup", data, token_from="/signup")


def test_signup_without_consent_creates_nothing_and_keeps_what_was_typed(app, client, db):
    from webapp.accounts.models import User

    response = _signup(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please accept the terms of use and the privacy notice." in html
    assert 'value="newbie@example.org"' in html
    [box] = re.findall(r'<input[^>]*id="accept_terms"[^>]*>', html)
    assert 'aria-invalid="true"' in box
    assert db.session.query(User).count() == 0


def test_signup_records_the_policy_version_accepted(app, client, db):
    app.config["POLICY_VERSION"] = "2031-07"
    assert _signup(client, accept_terms="y").status_code == 302
    [event] = audit_events("account.signup")
    assert event.detail["policy_version"] == "2031-07"


def test_the_account_page_shows_the_accepted_version_and_asks_again_after_a_bump(app, client, user):
    sign_in(client, user)
    # A user made by staff has accepted nothing yet: the page asks.
    html = client.get("/account").get_data(as_text=True)
    assert "No acceptance recorded." in html and 'action="/account/consent"' in html
    assert post_form(client, "/account/consent", token_from="/account").status_code == 302
    html = client.get("/account").get_data(as_text=True)
    accepted = html.split('id="accepted-policy"', 1)[1].split("</dd>", 1)[0]
    assert f"You accepted version {POLICY_VERSION}" in accepted
    assert 'action="/account/consent"' not in html
    # The texts change: a new version is in force, the page says so, accepting records it.
    app.config["POLICY_VERSION"] = "2099-01"
    html = client.get("/account").get_data(as_text=True)
    assert 'action="/account/consent"' in html and "2099-01" in html
    post_form(client, "/account/consent", token_from="/account")
    assert [e.detail["policy_version"] for e in audit_events("account.consent")] == [
        POLICY_VERSION,
        "2099-01",
    ]
    assert 'action="/account/consent"' not in client.get("/account").get_data(as_text=True)


def test_consent_needs_a_csrf_token_and_a_signed_in_user(client, user):
    response = post_form(client, "/account/consent")  # anonymous: to the sign-in page
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    sign_in(client, user)
    assert client.post("/account/consent").status_code == 400
    assert audit_events("account.consent") == []


def test_publishing_records_the_platform_policy_version_shown_on_the_page(app, client, user):
    app.config["POLICY_VERSION"] = "2040-02"
    card = member_card(user)
    sign_in(client, user)
    page = client.get(f"/directory/cards/member/{card.id}/publish").get_data(as_text=True)
    assert "2040-02" in page and 'href="/terms"' in page
    response = post_form(
        client,
        f"/directory/cards/member/{card.id}/publish",
        {"visibility": "community"},
        token_from=f"/directory/cards/member/{card.id}/publish",
    )
    assert response.status_code == 302
    [event] = audit_events("directory.publish")
    assert event.detail["policy_version"] == "2040-02"
    # The account page counts a publication as accepting that version.
    assert "You accepted version 2040-02" in client.get("/account").get_data(as_text=True)
