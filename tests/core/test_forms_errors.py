"""The shared form macros (core/_forms.html) and MaxChars: every error at once, marked fields,
counters instead of silent cuts, texts over the limit refused and kept (issue 9, item 5)."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import post_form, sign_in
from tests.factories import fresh, mails, make_user, member_card


def _tag(page: str, element_id: str) -> str:
    match = re.search(rf"<(?:input|textarea|select)[^>]*\bid=\"{element_id}\"[^>]*>", page)
    assert match, f"no element #{element_id}"
    return match.group(0)


@pytest.fixture
def contact(app, client):
    """A verified sender signed in on ``client``, and a public card that takes messages."""
    card = member_card(make_user("rita@example.org"), visibility="public", display_name="Rita")
    sign_in(client, make_user("sam@example.org"))
    return f"/directory/contact/member/{card.id}"


def test_a_message_over_the_limit_is_refused_with_its_length_and_kept_whole(app, client, contact):
    body = "Long letter. " * 461 + "THE END"  # 6,000 characters
    assert len(body) == 6000
    response = post_form(client, contact, {"subject": "Hello", "body": body}, token_from=contact)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This text has 6,000 characters; at most 5,000 are allowed: please shorten it by 1,000." in page
    assert html.escape(body, quote=False) in page  # nothing cut
    assert "on its way" not in page and mails() == []
    textarea = _tag(page, "body")
    assert " maxlength=" not in textarea  # the browser cannot cut it either
    assert 'data-maxlength="5000"' in textarea
    assert 'aria-invalid="true"' in textarea and "invalid" in textarea
    assert "body-errors" in textarea and "body-counter" in textarea
    assert 'href="#body"' in page


def test_line_breaks_count_once_as_the_reader_sees_them(app, client, contact):
    body = "line\r\n" * 833 + "end"  # 5,001 bytes with CR LF, 4,168 characters on screen
    response = post_form(client, contact, {"subject": "Hello", "body": body}, token_from=contact)
    assert response.status_code == 302


def test_the_card_form_lists_every_bad_field_and_marks_each(app, client):
    user = make_user()
    card = member_card(user, display_name="Old Name")
    sign_in(client, user)
    url = f"/directory/members/{card.id}/edit"
    response = post_form(
        client,
        url,
        {
            "display_name": "",
            "headline": "h" * 161,
            "bio": "b" * 4001,
            "website": "ftp://example.org",
            "place": "Nowhere-on-earth-xyz",
            "experience_years": "-3",
            "card_language": "en",
            "availability": ["assignments"],
        },
        token_from=url,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    banner = page[
        page.index('class="error-banner"') : page.index("</div>", page.index('class="error-banner"'))
    ]
    for field in ("display_name", "headline", "bio", "website", "place", "experience_years"):
        assert f'href="#{field}"' in banner, field
        tag = _tag(page, field)
        assert 'aria-invalid="true"' in tag and f"{field}-errors" in tag, field
        assert f'id="{field}-errors"' in page
    assert "6 fields need your attention" in banner
    assert "b" * 4001 in page and "h" * 161 in page  # kept, not cut
    assert fresh(card).display_name == "Old Name"  # nothing saved


def test_fields_without_errors_are_not_marked_and_long_texts_get_counters(app, client):
    user = make_user()
    sign_in(client, user)
    page = client.get("/directory/card").get_data(as_text=True)
    assert 'class="error-banner"' not in page and "aria-invalid" not in page
    assert 'data-maxlength="4000"' in _tag(page, "bio")
    assert 'data-maxlength="160"' in _tag(page, "headline")
    assert " maxlength=" not in _tag(page, "bio")
    # The function <select> is marked for the type-ahead and keeps its options (works without JS).
    select = _tag(page, "function_code")
    assert 'data-combobox="/functions/suggest"' in select
    assert (
        page.count(
            "<option",
            page.index('id="function_code"'),
            page.index("</select>", page.index('id="function_code"')),
        )
        > 250
    )
    assert 'data-suggest="/places/suggest"' in _tag(page, "place")
    assert 'data-suggest-choice="place_choice"' in _tag(page, "place")
