"""The four languages: catalogues complete and consistent with the code, pages and formats localised.

The committed .po files are compiled into a temporary directory and the app is pointed at it, so these
tests check the catalogues in the tree, not whatever .mo files an earlier `scripts/setup` left behind.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import REPO, post_form
from tests.factories import PASSWORD, make_user

TRANSLATIONS = REPO / "webapp" / "translations"
LANGS = ("nl", "fr", "de")
SCRIPT = REPO / "scripts" / "i18n"
#: Same keywords as scripts/i18n: every gettext alias the code uses.
KEYWORDS = [
    "-k", "_l", "-k", "lazy_gettext", "-k", "_n:1,2", "-k", "lazy_ngettext:1,2",
    "-k", "lazy_pgettext:1c,2",
]  # fmt: skip
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
#: What the sign-in button says in each language (a page really rendered in that language).
SIGN_IN = {"en": "Sign in", "nl": "Aanmelden", "fr": "Se connecter", "de": "Anmelden"}


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _catalog(lang: str) -> Catalog:
    return _read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)


def _ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def _forms(value: str | tuple | list | None) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, (tuple, list)) else [value]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Compile every committed catalogue (fuzzy entries excluded, as in production) into a temp dir."""
    out = tmp_path_factory.mktemp("translations")
    for lang in LANGS:
        catalog = _catalog(lang)
        target = out / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "messages.mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
    return out


@pytest.fixture
def app_config(app_config: dict, compiled: Path) -> dict:
    """The shared test settings, with the catalogues compiled from this checkout's .po files."""
    return {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(compiled)}


# --- the catalogues -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_compiles_without_errors(lang, compiled):
    catalog = _catalog(lang)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []
    assert not catalog.fuzzy, "the header is marked fuzzy: pybabel compile would skip the whole catalogue"
    assert (compiled / lang / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000


@pytest.mark.parametrize("lang", LANGS)
def test_every_msgid_has_a_translation(lang):
    catalog = _catalog(lang)
    template_ids = _ids(_read(TRANSLATIONS / "messages.pot"))
    assert template_ids - _ids(catalog) == set(), "run scripts/i18n update"
    untranslated = [m.id for m in catalog if m.id and not all(_forms(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    for message in catalog:
        if message.id and message.pluralizable:
            assert len(_forms(message.string)) == catalog.num_plurals, message.id


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match(lang):
    """%(name)s placeholders are the same in the English and the translation, in every entry.

    Templates format every string (Jinja's new-style gettext), so a translation must also survive
    ``%`` formatting: a stray "%" would break the page only in that language."""

    class Anything(dict):
        def __missing__(self, key: str) -> int:
            return 7

    mismatches = []
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = _forms(message.id)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for text in _forms(message.string):
            if set(PLACEHOLDER.findall(text)) != wanted:
                mismatches.append((ids[0], text))
                continue
            try:
                ids[0] % Anything()
            except (TypeError, ValueError, KeyError):
                continue  # the English itself is not a format string (Python code, no variables)
            try:
                text % Anything()
            except (TypeError, ValueError, KeyError) as exc:
                mismatches.append((ids[0], f"{text!r}: {exc}"))
    assert mismatches == []


def test_catalogue_holds_every_string_in_the_code(tmp_path):
    """A fresh extraction finds no string that the committed .pot (and so the .po files) lacks."""
    pybabel = Path(sys.executable).with_name("pybabel")
    out = tmp_path / "messages.pot"
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", *KEYWORDS, "-o", str(out), "."],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    in_code = _ids(_read(out))
    assert len(in_code) > 300, "the extraction found too little: is babel.cfg right?"
    missing = sorted(in_code - _ids(_read(TRANSLATIONS / "messages.pot")))
    assert missing == [], "new strings in the code: run scripts/i18n update, then translate them"
    for lang in LANGS:
        done = [m for m in _catalog(lang) if m.id and all(_forms(m.string)) and not m.fuzzy]
        translated = {m.id if isinstance(m.id, str) else m.id[0] for m in done}
        assert sorted(in_code - translated) == [], lang


def test_every_template_parses(app):
    """The Jinja extractor skips templates it cannot parse, silently: their strings would go missing."""
    names = [n for n in app.jinja_env.list_templates() if n.endswith(".html")]
    assert len(names) > 20
    for name in names:
        app.jinja_env.get_template(name)


def test_forms_use_lazy_gettext_at_class_level():
    """A label translated at import time is frozen in the language of whoever imported it first."""
    import ast

    offenders = []
    for path in (REPO / "webapp").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        eager = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel"
            for alias in node.names
            if alias.name in ("gettext", "ngettext", "pgettext", "npgettext")
        }
        if not eager:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            stack = [node]
            while stack:
                current = stack.pop()
                if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    continue
                if isinstance(current, ast.Call) and getattr(current.func, "id", None) in eager:
                    offenders.append(f"{path.relative_to(REPO)}:{current.lineno}")
                stack.extend(ast.iter_child_nodes(current))
    assert offenders == []


# --- scripts/i18n ---------------------------------------------------------------------------------------


def _script(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VENV": str(Path(sys.executable).parent.parent)}
    return subprocess.run(
        [str(root / "scripts" / "i18n"), *args], cwd=root, env=env, capture_output=True, text=True
    )


def test_script_check_fails_until_every_string_is_translated(tmp_path):
    """extract/update/check/compile on a miniature project laid out like this one."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "i18n")
    shutil.copy(REPO / "babel.cfg", tmp_path / "babel.cfg")
    templates = tmp_path / "webapp" / "demo" / "templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text('<h1>{{ _("Hello %(name)s", name=who) }}</h1>\n')
    (tmp_path / "webapp" / "demo" / "forms.py").write_text(
        'from flask_babel import lazy_gettext as _l\n\nLABEL = _l("Card")\n'
    )

    result = _script(tmp_path, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert _script(tmp_path, "update").returncode == 0
    assert _ids(_read(tmp_path / "webapp/translations/messages.pot")) == {"Hello %(name)s", "Card"}
    result = _script(tmp_path, "check")
    assert result.returncode == 1
    assert "untranslated 'Card'" in result.stderr

    def translate(lang: str, strings: dict[str, str]) -> None:
        path = tmp_path / "webapp/translations" / lang / "LC_MESSAGES/messages.po"
        catalog = _read(path, lang)
        for message in catalog:
            if message.id in strings:
                message.string = strings[message.id]
                message.flags.discard("fuzzy")
        from babel.messages.pofile import write_po

        with path.open("wb") as fh:
            write_po(fh, catalog)

    words = {
        "nl": ("Hallo %(name)s", "Kaart"),
        "fr": ("Bonjour %(name)s", "Fiche"),
        "de": ("Hallo %(name)s", "X"),
    }
    for lang, (hello, card) in words.items():
        translate(lang, {"Hello %(name)s": hello, "Card": card})
    result = _script(tmp_path, "check")
    assert result.returncode == 0, result.stderr

    # A broken placeholder is caught.
    translate("de", {"Hello %(name)s": "Hallo %(nam)s"})
    assert _script(tmp_path, "check").returncode == 1
    translate("de", {"Hello %(name)s": "Hallo %(name)s"})

    # A new string in the code makes the catalogues out of date; update keeps the old translations.
    page = '<h1>{{ _("Hello %(name)s", name=who) }}</h1><p>{{ _("Bye") }}</p>\n'
    (templates / "page.html").write_text(page)
    result = _script(tmp_path, "check")
    assert result.returncode == 1
    assert "'Bye'" in result.stderr
    assert _script(tmp_path, "update").returncode == 0
    assert {m.id: m.string for m in _catalog_at(tmp_path, "fr")}["Card"] == "Fiche"
    assert _script(tmp_path, "check").returncode == 1
    for lang in LANGS:
        translate(lang, {"Bye": "Ciao"})
    assert _script(tmp_path, "check").returncode == 0

    # A string that leaves the code and comes back (moved, reverted) finds its translation again.
    (templates / "page.html").write_text('<h1>{{ _("Hello %(name)s", name=who) }}</h1>\n')
    assert _script(tmp_path, "update").returncode == 0
    assert "Bye" not in {m.id for m in _catalog_at(tmp_path, "de")}
    (templates / "page.html").write_text(page)
    assert _script(tmp_path, "update").returncode == 0
    assert {m.id: m.string for m in _catalog_at(tmp_path, "de")}["Bye"] == "Ciao"
    assert _script(tmp_path, "check").returncode == 0
    assert _script(tmp_path, "compile").returncode == 0
    assert (tmp_path / "webapp/translations/nl/LC_MESSAGES/messages.mo").exists()


def _catalog_at(root: Path, lang: str) -> Catalog:
    return _read(root / "webapp/translations" / lang / "LC_MESSAGES/messages.po", lang)


# --- pages in each language -----------------------------------------------------------------------------


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _in(lang: str, msgid: str) -> str:
    """The committed translation of one string (the page must show exactly that)."""
    if lang == "en":
        return msgid
    string = _catalog(lang)[msgid].string
    assert string and string != msgid
    return string


def _sign_in_button(page: str) -> str:
    match = re.search(r'<button type="submit">([^<]+)</button>', page)
    assert match, "no submit button on the sign-in page"
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("accept", "lang"),
    [("nl-BE,nl;q=0.9,fr;q=0.8", "nl"), ("fr-BE,fr;q=0.9", "fr"), ("de-DE", "de"), ("en-GB,en", "en")],
)
def test_pages_follow_the_browser_language(client, accept, lang):
    headers = {"Accept-Language": accept}
    home = _text(client.get("/", headers=headers))
    assert f'<html lang="{lang}">' in home
    assert _in(lang, "Find the freelancer you need, or the colleague you are looking for") in home
    assert _in(lang, "Search the directory") in home

    signin = _text(client.get("/signin", headers=headers))
    assert _sign_in_button(signin) == SIGN_IN[lang]
    assert _in(lang, "Forgot your password?") in signin

    directory = _text(client.get("/directory", headers=headers))
    assert f"<h1>{_in(lang, 'Member directory')}</h1>" in directory
    assert _in(lang, "Apply filters") in directory
    if lang != "en":
        assert "Member directory" not in directory
        assert "Apply filters" not in directory


def test_sign_in_button_differs_in_every_language(client):
    labels = {}
    for lang in SIGN_IN:
        labels[lang] = _sign_in_button(_text(client.get("/signin", headers={"Accept-Language": lang})))
    assert labels == SIGN_IN
    assert len(set(labels.values())) == len(SIGN_IN)  # "Anmelden" (de) and "Aanmelden" (nl) differ


@pytest.mark.parametrize("lang", LANGS)
def test_language_switcher_wins_over_the_browser(client, lang):
    response = post_form(client, "/language", {"lang": lang, "next": "/directory"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/directory")
    other = "en" if lang != "en" else "nl"
    headers = {"Accept-Language": other}
    assert _sign_in_button(_text(client.get("/signin", headers=headers))) == SIGN_IN[lang]
    home = _text(client.get("/", headers=headers))
    assert _in(lang, "Find the freelancer you need, or the colleague you are looking for") in home
    directory = _text(client.get("/directory", headers=headers))
    assert f"<h1>{_in(lang, 'Member directory')}</h1>" in directory


def test_switcher_ignores_unknown_languages(client):
    post_form(client, "/language", {"lang": "xx", "next": "/"})
    assert '<html lang="fr">' in _text(client.get("/", headers={"Accept-Language": "fr"}))


def test_language_is_remembered_on_the_account(app, db):
    """Chosen once while signed in, the language follows the account to another browser."""
    user = make_user(locale=None)
    user.created_at = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
    db.session.commit()
    first = app.test_client()
    credentials = {"email": user.email, "password": PASSWORD}
    assert post_form(first, "/signin", credentials, token_from="/signin").status_code == 302
    post_form(first, "/language", {"lang": "de", "next": "/account"})
    assert db.session.get(type(user), user.id).locale == "de"

    second = app.test_client()  # another browser, asking for French
    post_form(second, "/signin", credentials, token_from="/signin")
    page = _text(second.get("/account", headers={"Accept-Language": "fr"}))
    assert '<html lang="de">' in page
    assert _in("de", "Member since") in page
    assert "05.03.2024" in page  # the date in German format


# --- dates and numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "number", "day", "moment"),
    [
        ("nl", "1.234,5", "5 mrt 2024", "5 mrt 2024"),
        ("fr", "1\u202f234,5", "5 mars 2024", "5 mars 2024"),
        ("de", "1.234,5", "05.03.2024", "05.03.2024"),
        ("en", "1,234.5", "Mar 5, 2024", "Mar 5, 2024"),
    ],
)
def test_dates_and_numbers_are_localised(app, lang, number, day, moment):
    from flask_babel import format_date, format_datetime, format_decimal

    with app.test_request_context("/", headers={"Accept-Language": lang}):
        assert format_decimal(1234.5) == number
        assert format_date(date(2024, 3, 5)) == day
        # Times show in Brussels time: 23:30 UTC on 4 March is already 5 March there.
        assert format_datetime(datetime(2024, 3, 4, 23, 30, tzinfo=UTC)).startswith(moment)
        template = app.jinja_env.from_string("{{ format_decimal(1234.5) }}|{{ format_date(d) }}")
        assert template.render(d=date(2024, 3, 5)) == f"{number}|{day}"
