"""Crawl the site as a signed-in user and as an anonymous visitor (CHECKLIST 27, 29).

A small directory — members with and without a public e-mail address, community and draft
cards, an imported card with a private contact address, client cards of each visibility — is
indexed by the real search service. Two bounded, same-host crawls start from the home page,
the directories and the JSON API and follow every link (HTML href/src, URLs and result ids
in JSON). They prove:

* no e-mail address of a member or client appears anywhere, except the ones their owners
  made public (and, for the signed-in viewer, their own);
* no draft card's name appears anywhere, not even when searched for by name;
* community cards (and a community card's public address) never reach anonymous visitors;
* the crawls are not vacuous: they reach every card page they may see, and the public
  addresses do appear where they should.
"""

from __future__ import annotations

import json
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote_plus, urljoin, urlsplit

import pytest

from tests.conftest import IsolatedClient, app_settings, sign_in
from tests.factories import client_card, make_user, member_card

MAX_URLS = 700
MAX_VARIANTS_PER_PATH = 25
#: Not pages: assets and photos (binary) are not crawled for text.
SKIP_PREFIXES = ("/static/", "/directory/photos/")

# name, e-mail, visibility, public e-mail?
MEMBERS = [
    ("Amelie Duboisson", "amelie.duboisson@mail-a.example", "public", True),
    ("Karel Peetersma", "karel.peetersma@mail-b.example", "community", True),
    ("Bram Vermeulenko", "bram.vermeulenko@mail-c.example", "public", False),
    ("Chloe Lambertine", "chloe.lambertine@mail-d.example", "public", False),
    ("Dirk Janssensen", "dirk.janssensen@mail-e.example", "public", False),
    ("Elke Maesbroek", "elke.maesbroek@mail-f.example", "public", False),
    ("Femke Wouterszoon", "femke.wouterszoon@mail-g.example", "community", False),
    ("Zebedeus Draftmann", "zebedeus.draftmann@mail-h.example", "draft", True),
    ("Quirina Onzichtbaar", "quirina.onzichtbaar@mail-i.example", "draft", False),
]
IMPORTED = ("Ivo Importeerder", "ivo.private@imported.example")  # public card, no account, private address
CLIENTS = [
    ("Theater Openbaar", "jobs@theater-openbaar.example", "public"),
    ("Gemeenschap Festival", "info@gemeenschap-festival.example", "community"),
    ("Verborgen Ontwerp", "secret@verborgen-ontwerp.example", "draft"),
]
VIEWER = "viewer.client@viewer.example"
#: One invented word per member card (in its headline), to search for a card without naming it.
WORDS = [
    "zonnewiel",
    "kabeljauwfilet",
    "regenboogvis",
    "klokkentoren",
    "windmolenpark",
    "tulpenveld",
    "koekoeksklok",
    "wolkenkrabber",
    "sneeuwuil",
]
DRAFT_WORDS = [w for w, m in zip(WORDS, MEMBERS, strict=True) if m[2] == "draft"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _json_links(data: Any) -> Iterator[str]:
    """URLs inside a JSON answer, and the card each search result stands for."""
    if isinstance(data, dict):
        if isinstance(data.get("id"), int) and "name" in data and "score" in data:
            yield f"/api/v1/members/{data['id']}"
        for value in data.values():
            yield from _json_links(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_links(value)
    elif isinstance(data, str) and (data.startswith("/") or data.startswith("http://localhost/")):
        yield data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app with the small directory above, indexed."""
    from webapp import create_app
    from webapp.core.places import place_values, resolve_place
    from webapp.core.search import close_service, drain_search
    from webapp.extensions import db
    from webapp.taxonomy import get_taxonomy

    data_dir: Path = tmp_path_factory.mktemp("crawl") / "data"
    app = create_app(app_settings(data_dir, SECRET_KEY="crawl-secret"))
    app.test_client_class = IsolatedClient

    functions = [
        "photographer",
        "sound_engineer",
        "graphic_designer",
        "translator",
        "dancer",
        "actor",
        "photographer",
        "composer",
        "dj",
    ]
    places = ["Gent", "Bruxelles", "Antwerpen", "Liège", "Leuven", "Namur", "Brugge", "Mechelen", "Gent"]
    with app.app_context():
        tax = get_taxonomy()
        cards: dict[str, Any] = {}
        rows = zip(MEMBERS, functions, places, WORDS, strict=True)
        for (name, email, visibility, public_email), fn, place, word in rows:
            resolution = resolve_place(place, lang="en", choice=None, current=None)
            cards[name] = member_card(
                make_user(email),
                visibility=visibility,
                commit=False,
                display_name=name,
                function_code=fn if fn in tax.functions else None,
                headline=f"Freelancer, ask me about {word}",
                bio=f"{name} has worked for theatres and festivals across Belgium.",
                email_public=public_email,
                **(place_values(resolution.place) if getattr(resolution, "place", None) else {}),
            )
        cards[IMPORTED[0]] = member_card(
            False,
            visibility="public",
            commit=False,
            display_name=IMPORTED[0],
            headline="Imported card",
            contact_email=IMPORTED[1],
        )
        for name, email, visibility in CLIENTS:
            cards[name] = client_card(
                make_user(email, account_type="client"),
                visibility=visibility,
                commit=False,
                name=name,
                description="We hire freelancers, zonnewiel.",
                contact_person="Someone",
            )
        viewer = make_user(VIEWER, account_type="client")
        client_card(viewer, visibility="community", commit=False, name="Viewer Organisation")
        db.session.commit()
        for _ in range(20):
            if not drain_search(force=True).processed:
                break
        client_names = {name for name, _, _ in CLIENTS}
        members = {name: card.id for name, card in cards.items() if name not in client_names}
        info = {
            "app": app,
            "viewer_login": viewer.get_id(),
            "member_paths": {name: f"/directory/members/{i}" for name, i in members.items()},
            "api_paths": {name: f"/api/v1/members/{i}" for name, i in members.items()},
            "client_paths": {name: f"/directory/clients/{cards[name].id}" for name in client_names},
        }
        db.session.remove()
    yield info
    close_service(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def crawl(client: Any, *, extra_starts: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """Breadth-first GET of every same-host link from the home page, the directories and the API."""
    starts = [
        "/",
        "/directory",
        "/directory/clients",
        "/api/v1/members/search",
        "/api/v1/openapi.yaml",
        "/api/v1/members/search?per_page=50",
        "/directory?per_page=50",
        *extra_starts,
    ]
    # Search for words only the hidden cards carry: their names must not come back.
    for word in DRAFT_WORDS + ["zonnewiel"]:
        starts += [f"/directory?q={word}", f"/directory/clients?q={word}", f"/api/v1/members/search?q={word}"]
    queue = deque(starts)
    seen: dict[str, tuple[int, str]] = {}
    variants: dict[str, int] = {}
    while queue and len(seen) < MAX_URLS:
        url = queue.popleft()
        if url in seen:
            continue
        path = urlsplit(url).path
        variants[path] = variants.get(path, 0) + 1
        if variants[path] > MAX_VARIANTS_PER_PATH:
            continue
        response = client.get(url)
        body = response.get_data(as_text=True)
        response.close()
        seen[url] = (response.status_code, body)
        assert response.status_code < 500, f"GET {url} answered {response.status_code}"
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response.headers.get("Location", "")]
        elif response.status_code != 200:
            continue
        elif response.mimetype == "application/json":
            links = list(_json_links(json.loads(body)))
        elif response.mimetype == "text/html":
            parser = _Links()
            parser.feed(body)
            links = parser.links
        else:
            links = []
        for link in links:
            absolute = urljoin("http://localhost" + url, link)
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target.startswith(SKIP_PREFIXES) or target in seen:
                continue
            queue.append(target)
    return seen


def _signed_in_client(site: dict[str, Any]) -> Any:
    return sign_in(site["app"].test_client(), site["viewer_login"])


def _found(pages: dict[str, tuple[int, str]], needle: str) -> list[str]:
    needle = needle.lower()
    return [url for url, (_, body) in pages.items() if needle in body.lower()]


@pytest.fixture(scope="module")
def signed_in_pages(site: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """Every page the signed-in viewer's crawl reached: url → (status, body)."""
    return crawl(_signed_in_client(site), extra_starts=("/account", "/directory/messages"))


@pytest.fixture(scope="module")
def anonymous_pages(site: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """Every page the anonymous crawl reached: url → (status, body)."""
    return crawl(site["app"].test_client())


def test_signed_in_crawl_shows_only_public_addresses(site: dict[str, Any], signed_in_pages: dict) -> None:
    allowed = {m[1] for m in MEMBERS if m[3] and m[2] != "draft"} | {VIEWER}
    every = {m[1] for m in MEMBERS} | {c[1] for c in CLIENTS} | {IMPORTED[1]}
    leaks = {email: _found(signed_in_pages, email) for email in sorted(every - allowed)}
    assert not {e: urls for e, urls in leaks.items() if urls}, f"private addresses on pages: {leaks}"


def test_no_draft_name_appears_anywhere(signed_in_pages: dict, anonymous_pages: dict) -> None:
    drafts = [m[0] for m in MEMBERS if m[2] == "draft"] + [c[0] for c in CLIENTS if c[2] == "draft"]
    for pages in (signed_in_pages, anonymous_pages):
        leaks = {name: _found(pages, name) for name in drafts}
        assert not {n: u for n, u in leaks.items() if u}, f"draft cards visible: {leaks}"


def test_search_by_name_does_not_return_drafts(site: dict[str, Any]) -> None:
    """Asked for by name, the search answers without the draft (the page echoes the query, so only
    the result list is checked)."""
    drafts = [m[0] for m in MEMBERS if m[2] == "draft"]
    for client in (_signed_in_client(site), site["app"].test_client()):
        for name in drafts:
            api = client.get(f"/api/v1/members/search?q={quote_plus(name)}")
            assert api.status_code == 200
            assert name not in [r["name"] for r in api.get_json()["results"]]
            html = client.get(f"/directory?q={quote_plus(name)}").get_data(as_text=True)
            results = re.findall(r'<li class="result">.*?</li>', html, flags=re.S)
            assert not [r for r in results if name in r], f"{name} listed in the results"
        html = client.get(f"/directory/clients?q={quote_plus('Verborgen Ontwerp')}").get_data(as_text=True)
        assert not [
            r for r in re.findall(r'<li class="result">.*?</li>', html, flags=re.S) if "Verborgen" in r
        ]
    # Not vacuous: a public card is found by its name the same way.
    api = site["app"].test_client().get(f"/api/v1/members/search?q={quote_plus('Bram Vermeulenko')}")
    assert "Bram Vermeulenko" in [r["name"] for r in api.get_json()["results"]]


def test_anonymous_crawl_never_sees_community_cards_or_private_addresses(anonymous_pages: dict) -> None:
    hidden_names = [m[0] for m in MEMBERS if m[2] != "public"] + [c[0] for c in CLIENTS if c[2] != "public"]
    hidden_names.append("Viewer Organisation")
    leaks = {name: _found(anonymous_pages, name) for name in hidden_names}
    assert not {n: u for n, u in leaks.items() if u}, f"non-public cards visible anonymously: {leaks}"
    allowed = {m[1] for m in MEMBERS if m[3] and m[2] == "public"}
    every = {m[1] for m in MEMBERS} | {c[1] for c in CLIENTS} | {IMPORTED[1], VIEWER}
    leaks = {email: _found(anonymous_pages, email) for email in sorted(every - allowed)}
    assert not {e: u for e, u in leaks.items() if u}, f"private addresses visible anonymously: {leaks}"


def test_crawls_reach_every_card_they_may_see(
    site: dict[str, Any], signed_in_pages: dict, anonymous_pages: dict
) -> None:
    """Not vacuous: the crawls found the card pages (HTML and JSON) through the site's own links."""
    visible_signed = [m[0] for m in MEMBERS if m[2] != "draft"] + [IMPORTED[0]]
    visible_anon = [m[0] for m in MEMBERS if m[2] == "public"] + [IMPORTED[0]]
    for names, pages, who in (
        (visible_signed, signed_in_pages, "signed in"),
        (visible_anon, anonymous_pages, "anonymous"),
    ):
        for name in names:
            for path in (site["member_paths"][name], site["api_paths"][name]):
                assert pages.get(path, (0,))[0] == 200, f"{who} crawl did not reach {path} ({name})"
    for name, _, visibility in CLIENTS:
        path = site["client_paths"][name]
        if visibility != "draft":
            assert signed_in_pages.get(path, (0,))[0] == 200, f"signed-in crawl did not reach {path}"
        if visibility == "public":
            assert anonymous_pages.get(path, (0,))[0] == 200, f"anonymous crawl did not reach {path}"
    # Draft pages are absent even when addressed directly.
    client = _signed_in_client(site)
    for name in [m[0] for m in MEMBERS if m[2] == "draft"]:
        for path in (site["member_paths"][name], site["api_paths"][name]):
            assert client.get(path).status_code == 404, path


def test_public_addresses_do_appear_on_their_cards(
    site: dict[str, Any], signed_in_pages: dict, anonymous_pages: dict
) -> None:
    """The leak checks above could pass on a site that shows no address at all: the opted-in ones show."""
    public_card = site["member_paths"]["Amelie Duboisson"]
    assert "amelie.duboisson@mail-a.example" in signed_in_pages[public_card][1]
    assert "amelie.duboisson@mail-a.example" in anonymous_pages[public_card][1]
    community_card = site["member_paths"]["Karel Peetersma"]
    assert "karel.peetersma@mail-b.example" in signed_in_pages[community_card][1]
