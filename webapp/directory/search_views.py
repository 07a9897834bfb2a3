"""Directory search and browse routes (on the directory blueprint), the nav entry and the
home page's "newest cards" section.

Views stay thin: webapp.directory.search does the work the JSON API shares.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.i18n import current_language
from webapp.directory import search
from webapp.directory.service import country_label, language_label, place_label, taxonomy_label
from webapp.directory.views import bp

#: Spoken-language choices offered in the filter (the facet lists whatever cards carry).
LANGUAGE_CHOICES = ("nl", "fr", "de", "en", "es", "it", "pt", "pl", "ro", "tr", "ar", "sv", "da")
RADIUS_CHOICES = (5, 10, 25, 50, 100, 250)


def card_url(kind: str, profile_id: int) -> str:
    """The card page of a "member" or "client" card."""
    return url_for(f"directory.{kind}", profile_id=profile_id)


def photo_url(filename: str | None) -> str | None:
    return url_for("directory.photo", filename=filename) if filename else None


def _choices(lang: str) -> dict[str, list[tuple[str, str]]]:
    from webapp.taxonomy import get_taxonomy

    taxonomy = get_taxonomy()
    countries = [(c, country_label(c, lang)) for c in search.config_countries()]
    return {
        "sector": list(taxonomy.choices("sector", lang)),
        "function": list(taxonomy.choices("function", lang)),
        "country": sorted(countries, key=lambda kv: kv[1]),
        "language": sorted(((c, language_label(c, lang)) for c in LANGUAGE_CHOICES), key=lambda kv: kv[1]),
    }


def _render(entity: str):
    from webapp.core.security import no_store

    lang = current_language()
    if current_user.is_authenticated:
        no_store()  # community cards: never in a shared cache, gone from history once unpublished
    error: search.ParamError | None = None
    page = None
    try:
        page = search.run(entity, request.args, current_user, lang)
    except search.ParamError as exc:
        error = exc
    html = render_template(
        "directory/search.html",
        entity=entity,
        page=page,
        error=error,
        choices=_choices(lang),
        radius_choices=RADIUS_CHOICES,
        args=request.args,
        card_url=card_url,
        photo_url=photo_url,
        field_labels=_field_labels(),
    )
    return html, (400 if error else 200)


def _field_labels() -> dict[str, str]:
    """Parameter names as the form shows them, for error messages."""
    return {
        "q": _("Search"),
        "place": _("Place"),
        "radius_km": _("Within"),
        "sector": _("Sector"),
        "function": _("Function"),
        "country": _("Country"),
        "region": _("Region"),
        "city": _("City"),
        "language": _("Language"),
        "mode": _("Mode"),
        "page": _("Page"),
        "per_page": _("Results per page"),
        "sort": _("Sort"),
    }


@bp.get("/directory")
def index():
    """Members: one search box, filters, facets, results that explain themselves."""
    return _render("member")


@bp.get("/directory/clients")
def clients():
    """The company directory, on the same machinery."""
    return _render("client")


# --- site frame -----------------------------------------------------------------------------------------


def _home_section() -> dict[str, Any] | None:
    """The newest cards the viewer may see; nothing when there are none yet."""
    lang = current_language()
    cards = search.newest_cards(current_user, limit=6)
    if not cards:
        return None
    items = []
    for card in cards:
        function = taxonomy_label("function", card.function_code, lang) or (card.function_text or "")
        items.append(
            {
                "name": card.display_name,
                "url": card_url("member", card.id),
                "function": function,
                "place": place_label(card, lang) or "",
                "headline": card.headline or "",
            }
        )
    return {"template": "directory/search_home.html", "cards": items}


def init_site(app: Flask) -> None:
    """The "Directory" navigation entry and the home page's newest-cards section."""
    from webapp.core.site import NavEntry, register_home_section, register_nav

    register_nav(app, NavEntry("directory.index", label=lambda: _("Directory"), order=10))
    register_home_section(app, _home_section)
