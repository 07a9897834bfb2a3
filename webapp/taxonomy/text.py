"""Text normalisation shared by the taxonomy, the gazetteer, query understanding and the
synonym files.

Everything is compared in *folded* form: Unicode-decomposed, accents dropped, case-folded,
the way Elasticsearch's ``asciifolding`` + ``lowercase`` filters see text. One function does
it (``indexer.text.fold``, used here too) so the places that match words — the search index,
Elasticsearch, the taxonomy, the gazetteer — never disagree about whether "Liège" is "liege".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from indexer.text import fold

LANGS = ("en", "nl", "fr", "de")

#: A token is a run of letters or a run of digits ("10km" → "10", "km").
_TOKEN = re.compile(r"\d+|[^\W\d_]+")


def unique(items: Iterable[str | None]) -> list[str]:
    """Non-empty strings in their first order, case-insensitively de-duplicated."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        item = (item or "").strip()
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def normalize(text: str) -> str:
    """Folded tokens joined by single spaces: the key every name and label is indexed under.

    Hyphens, apostrophes and punctuation all become word breaks, so "Sint-Niklaas",
    "sint niklaas" and "Sint Niklaas" share one key.
    """
    return " ".join(_TOKEN.findall(fold(text)))


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the input with its folded form and its span in the original text."""

    text: str
    folded: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split into tokens keeping character offsets into ``text`` (for highlighting and removal)."""
    tokens = []
    for match in _TOKEN.finditer(text):
        folded = fold(match.group())
        # Folding can turn one token into several (rare ligatures); keep the span whole.
        tokens.append(
            Token(match.group(), "".join(_TOKEN.findall(folded)) or folded, match.start(), match.end())
        )
    return tokens


# Function words per language: they guess the query language and never become places.
# Kept short on purpose: only words that are frequent in search queries.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a an the and or of for to with without who whom which that this these those is are be
        been was were can could would should will do does did also too need needed needs looking
        look seeking wanted want find search my our your their me us we i you he she they it its
        by on at from as into about near around within some any all who's someone somebody
        person people freelance freelancer freelancers available experienced professional good
        best cheap help please what where how km kilometres kilometers miles area region""".split()
    ),
    "nl": frozenset(
        """de het een en of voor met zonder die dat wie wat welke is zijn ben was waren kan kunnen
        kunt zou zouden moet moeten wil willen zoek zoeken zoekt gezocht ook nog van in op aan bij
        naar uit om rond binnen buurt omgeving regio iemand mensen ervaren goede goed beste
        graag mijn onze ons jullie hun ik je jij we wij hij zij er hier daar voor door tegen als
        dan niet geen wel heel zeer vrijwillig vrijwilliger freelance zelfstandige km kilometer""".split()
    ),
    "fr": frozenset(
        """le la les un une des du de d l et ou pour avec sans qui que quoi quel quelle est sont
        suis etre peut peuvent pourrait cherche recherche cherchons besoin aussi egalement en
        dans sur sous chez a au aux pres autour rayon moins environs alentours region quelqu
        quelqu'un un personne personnes experimente bon bonne meilleur mon ma mes notre nos votre
        vos leur je tu il elle nous vous ils elles ce cette ces se fait faire pas ne plus tres
        independant independante km kilometres""".split()
    ),
    "de": frozenset(
        """der die das den dem des ein eine einen einem einer und oder fur mit ohne wer was welche
        welcher ist sind bin war waren kann konnen konnte sollte muss mussen will wollen suche
        suchen sucht gesucht auch noch von in im an am bei nach aus um nahe nahe umkreis nähe
        nahe umgebung raum jemand leute erfahren erfahrener gut gute guten beste bitte mein
        meine unser unsere ihr ihre ich du er sie wir es hier dort als dann nicht kein keine
        sehr freiberuflich freiberufler selbststandig km kilometer""".split()
    ),
}
STOPWORDS = {lang: frozenset(fold(w) for w in words) for lang, words in STOPWORDS.items()}
ALL_STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS.values())
