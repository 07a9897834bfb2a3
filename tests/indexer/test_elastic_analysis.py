"""The analysis chains around ``synonym_graph``, checked without a server.

Two ways a filter breaks multi-word synonyms (Elasticsearch reference, synonym graph token
filter, "Parsing synonym files": rules are parsed with the filters *before* the synonym
filter, and rules "should not contain words that are removed by a filter that appears after
in the chain (a stop filter for instance)"; elastic/elasticsearch#28838 and #86021 show the
effect on match and phrase queries):

- a filter before it that drops a word of a rule: Elasticsearch cannot parse the rule and,
  with ``lenient``, silently leaves it out;
- a filter after it that drops a word: the token graph of every phrase holding that word is
  corrupted (positions shift under a multi-position synonym), so the phrase, and sometimes
  the user's own words, no longer match.

This module walks every generated rule through every analyzer that carries the synonyms,
with a small re-implementation of the filters search_config uses (tokenizer, lowercase,
asciifolding, elision, stop with a sample of Lucene's stop words, stemmers as 1:1 rewrites).
The live counterpart (``_analyze`` on a cluster) is in test_elastic_contract.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pytest

from indexer.backends import elastic_queries as q

#: Words certainly in Lucene's lists (Snowball's French, Dutch, German; Lucene's English),
#: already lowercased and folded as our chains see them. A sample: the real lists are longer,
#: so this check can only under-count what a stop filter would break.
STOP_SAMPLE = {
    "_french_": {"de", "du", "des", "la", "le", "les", "et", "en", "au", "aux", "son", "pour"},
    "_dutch_": {"de", "het", "van", "en", "een", "voor", "in", "op"},
    "_german_": {"der", "die", "das", "und", "von", "im", "in", "mit"},
    "_english_": {"the", "of", "and", "a", "for", "in", "on", "with"},
}
BUILTIN_FILTERS = {"lowercase", "asciifolding", "german_normalization"}
_SPECIAL_FOLDS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d"})
_GERMAN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def tokenize(text: str) -> list[str]:
    """The standard tokenizer on these phrases: runs of letters and digits; an apostrophe
    between letters stays inside the word (UAX #29), "&" and "-" split."""
    return re.findall(r"\w+(?:['’]\w+)*", text)


def _fold(token: str) -> str:
    decomposed = unicodedata.normalize("NFKD", token.translate(_SPECIAL_FOLDS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def apply_filter(name: str, definitions: dict[str, Any], tokens: list[str]) -> list[str]:
    """One token filter; the tokens that come out (a stop filter drops some, the others
    rewrite each token into one token)."""
    if name == "lowercase":
        return [t.lower() for t in tokens]
    if name == "asciifolding":
        return [_fold(t) for t in tokens]
    if name == "german_normalization":
        return [t.translate(_GERMAN) for t in tokens]
    spec = definitions[name]
    kind = spec["type"]
    if kind == "stop":
        words = STOP_SAMPLE[spec["stopwords"]]
        return [t for t in tokens if t not in words]
    if kind == "elision":
        articles = {a.lower() for a in spec["articles"]}
        out = []
        for t in tokens:
            head, sep, tail = t.partition("'")
            out.append(tail if sep and head.lower() in articles and tail else t)
        return out
    if kind == "stemmer":
        return list(tokens)  # a 1:1 rewrite: the graph keeps its shape
    raise AssertionError(f"filter {name!r} of type {kind!r} is not modelled here: model it before using it")


def run(filters: list[str], definitions: dict[str, Any], tokens: list[str]) -> list[str]:
    for name in filters:
        tokens = apply_filter(name, definitions, tokens)
    return tokens


def phrases_of(rule: str) -> list[str]:
    return [p.strip() for p in rule.split(",") if p.strip()]


@dataclass
class ChainReport:
    #: (analyzer, phrase): a rule word dropped while parsing the rule (lenient drops the rule).
    unparsable: list[tuple[str, str]] = field(default_factory=list)
    #: (analyzer, phrase, dropped words): a graph path a later filter corrupts.
    broken: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    def broken_phrases(self) -> set[str]:
        return {phrase for _, phrase, _ in self.broken}


def check_synonym_chains(analysis: dict[str, Any], rules: list[str]) -> ChainReport:
    """Every phrase of every rule through every analyzer holding ``kring_synonyms``.

    At query time the synonym filter emits every phrase of a matched rule as a path of the
    token graph; each path then goes through the filters after it. A path must come out
    with as many tokens as it went in with.
    """
    report = ChainReport()
    definitions = analysis["filter"]
    for name, analyzer in sorted(analysis["analyzer"].items()):
        filters = analyzer["filter"]
        if "kring_synonyms" not in filters:
            continue
        at = filters.index("kring_synonyms")
        before, after = filters[:at], filters[at + 1 :]
        for rule in rules:
            for phrase in phrases_of(rule):
                words = tokenize(phrase)
                parsed = run(before, definitions, words)
                if len(parsed) != len(words):
                    report.unparsable.append((name, phrase))
                    continue
                out = run(after, definitions, parsed)
                if len(out) != len(parsed):
                    dropped = tuple(t for t in parsed if t not in out)
                    report.broken.append((name, phrase, dropped))
    return report


def expand(analysis: dict[str, Any], analyzer: str, text: str, rules: list[str]) -> list[list[str]]:
    """The paths the analyzer gives a query that is exactly one rule phrase: the synonyms'
    phrases after the filters (the user's own words among them), or the words alone."""
    filters = analysis["analyzer"][analyzer]["filter"]
    definitions = analysis["filter"]
    if "kring_synonyms" not in filters:
        return [run(filters, definitions, tokenize(text))]
    at = filters.index("kring_synonyms")
    before, after = filters[:at], filters[at + 1 :]
    words = run(before, definitions, tokenize(text))
    for rule in rules:
        paths = [run(before, definitions, tokenize(p)) for p in phrases_of(rule)]
        if words in paths:
            return [run(after, definitions, path) for path in paths]
    return [run(after, definitions, words)]


# --- the chains search_config now has --------------------------------------------------------


@pytest.fixture(scope="module")
def rules() -> list[str]:
    """The synonym rules generated from the taxonomy (search_config/synonyms/)."""
    found = q.load_synonyms()
    assert len(found) > 300
    return found


@pytest.fixture(scope="module")
def analysis(rules) -> dict[str, Any]:
    """The analysis settings an index is created with, the real rules inlined."""
    return q.index_body({"minilm": 384}, synonyms=rules)["settings"]["index"]["analysis"]


def test_every_phrase_of_every_rule_survives_every_synonym_chain(analysis, rules):
    report = check_synonym_chains(analysis, rules)
    assert report.unparsable == []
    assert report.broken == []
    # The check had something to find: hundreds of phrases hold a stop word of some language.
    everything = set().union(*STOP_SAMPLE.values())
    with_stop_words = [p for r in rules for p in phrases_of(r) if set(tokenize(p)) & everything]
    assert len(with_stop_words) > 250
    assert {"chef de choeur", "ingenieur du son", "arts de la scene"} <= set(with_stop_words)


def test_only_filters_that_keep_every_token_follow_the_synonyms(analysis):
    for name, analyzer in analysis["analyzer"].items():
        filters = analyzer["filter"]
        if "kring_synonyms" in filters:
            for later in filters[filters.index("kring_synonyms") + 1 :]:
                assert later in BUILTIN_FILTERS or analysis["filter"][later]["type"] != "stop", (name, later)
            for earlier in filters[: filters.index("kring_synonyms")]:
                assert earlier in BUILTIN_FILTERS or analysis["filter"][earlier]["type"] != "stop", (
                    name,
                    earlier,
                )


def test_every_filter_of_the_settings_is_modelled(analysis):
    """A new filter type in settings.json must be modelled above before the check can vouch
    for it: unknown types fail here instead of passing unchecked."""
    for analyzer in analysis["analyzer"].values():
        filters = [f for f in analyzer["filter"] if f != "kring_synonyms"]  # modelled by the check itself
        run(filters, analysis["filter"], ["ingénieur", "l'orchestre", "straße", "œuvre"])


def test_a_query_with_stop_words_expands_to_every_synonym_and_keeps_its_own_words(analysis, rules):
    paths = expand(analysis, "kring_folded_search", "Ingénieur du son", rules)
    assert ["ingenieur", "du", "son"] in paths  # the user's own phrase, whole
    assert ["geluidstechnicus"] in paths
    assert ["sound", "engineer"] in paths
    assert ["tontechniker"] in paths
    paths = expand(analysis, "kring_folded_search", "chef de chœur", rules)
    assert ["koordirigent"] in paths and ["choir", "director"] in paths
    # The language subfields carry no synonyms: stop words and stems only, as at index time.
    assert expand(analysis, "kring_fr", "Ingénieur du son", rules) == [["ingenieur"]]


# --- the chains before this change: the check finds what the issue describes ------------------


def _old_layout(analysis: dict[str, Any]) -> dict[str, Any]:
    """search_config version 2: each language's search analyzer = its index analyzer with
    synonyms inserted after asciifolding (before the stop filter and the stemmer)."""
    old = {"filter": analysis["filter"], "analyzer": dict(analysis["analyzer"])}
    for code in q.LANGS:
        filters = list(analysis["analyzer"][f"kring_{code}"]["filter"])
        filters.insert(filters.index("asciifolding") + 1, "kring_synonyms")
        old["analyzer"][f"kring_{code}_search"] = {
            "type": "custom",
            "tokenizer": "standard",
            "filter": filters,
        }
    return old


def test_the_old_layout_broke_hundreds_of_phrases(analysis, rules):
    report = check_synonym_chains(_old_layout(analysis), rules)
    assert report.unparsable == []  # the rules parsed: the damage was at query time
    broken = report.broken_phrases()
    assert len(broken) > 250  # the issue counted ~300 with the full stop lists
    assert {"chef de choeur", "ingenieur du son", "arts de la scene"} <= broken
    assert ("kring_fr_search", "ingenieur du son", ("du", "son")) in report.broken
    assert ("kring_nl_search", "chef de choeur", ("de",)) in report.broken


def test_a_stop_filter_before_the_synonyms_makes_rules_unparsable(analysis, rules):
    before = {"filter": analysis["filter"], "analyzer": {}}
    before["analyzer"]["fr"] = {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding", "kring_fr_stop", "kring_synonyms"],
    }
    report = check_synonym_chains(before, rules)
    assert ("fr", "chef de choeur") in report.unparsable
    assert ("fr", "ingenieur du son") in report.unparsable
