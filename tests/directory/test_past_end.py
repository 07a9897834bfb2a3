"""Paging past the end of the results: a clear "there is no page 7; results end at page 6" with a
link, in place of "nobody has published a card here yet" or a technical message (issue 9.9)."""

from __future__ import annotations

import math
import re

import pytest

from tests.directory.test_search_page import get, names
from tests.factories import code


@pytest.fixture
def web(corpus):
    """An anonymous browser on the corpus app."""
    return corpus[0].test_client()


def _total(html: str) -> int:
    return int(re.search(r"([\d.,\u202f\xa0]+) cards?", html).group(1).replace(",", "").replace(".", ""))


def _panel(html: str) -> str:
    return html.split('id="past-end"', 1)[1].split("</div>", 1)[0]


def test_one_page_past_the_end_says_where_the_results_end(web):
    total = _total(get(web, "/directory?per_page=5"))
    last = math.ceil(total / 5)
    assert last >= 2
    response = web.get(f"/directory?per_page=5&page={last + 1}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    panel = _panel(html)
    assert f"There is no page {last + 1}" in panel and f"The results end at page {last}." in panel
    assert "Nobody has published a card here yet" not in html
    link = re.search(r'href="([^"]+)"', panel).group(1).replace("&amp;", "&")
    assert f"page={last}" in link and "per_page=5" in link
    assert names(get(web, link))  # the link opens the last page, with cards on it


@pytest.mark.parametrize("asked", ["999", "0", "abc", "100000"])
def test_an_impossible_page_number_gets_the_same_plain_answer(web, asked):
    response = web.get(f"/directory?page={asked}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    panel = _panel(html)
    assert f"There is no page {asked}" in panel and "The results end at page 1." in panel
    assert "goes deeper" not in html and "must be" not in html and 'role="alert"' not in html


def test_past_the_end_of_an_empty_search_links_back_to_the_first_page(web):
    photography = code("sector", "photography")
    response = web.get(f"/directory?sector={photography}&place=Eupen&radius_km=10&page=3")
    panel = _panel(response.get_data(as_text=True))
    assert response.status_code == 404
    assert "There is no page 3" in panel and "No cards match this search." in panel
    link = re.search(r'href="([^"]+)"', panel).group(1).replace("&amp;", "&")
    assert link.startswith("/directory?") and "place=Eupen" in link and "page=" not in link


@pytest.mark.parametrize(
    ("lang", "no_page", "ends"),
    [
        ("nl", "Er is geen pagina 999", "De resultaten eindigen op pagina 1."),
        ("fr", "Il n'y a pas de page 999", "Les résultats s'arrêtent à la page 1."),
        ("de", "Es gibt keine Seite 999", "Die Ergebnisse enden auf Seite 1."),
    ],
)
def test_past_the_end_in_each_language(web, lang, no_page, ends):
    html = web.get("/directory?page=999", headers={"Accept-Language": lang}).get_data(as_text=True)
    panel = _panel(html).replace("&#39;", "'")
    assert no_page in panel and ends in panel
