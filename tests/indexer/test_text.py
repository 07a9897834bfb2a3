"""The one folding of the project: what the index, Elasticsearch's asciifolding and the web layer share."""

from __future__ import annotations

import pytest

from indexer.text import fold, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        # Letters NFKD leaves alone (no combining accent to strip), as asciifolding spells them.
        ("Ørsted", "orsted"),
        ("København", "kobenhavn"),
        ("Æble", "aeble"),
        ("Encyclopædia", "encyclopaedia"),
        ("Œuvre", "oeuvre"),
        ("cœur", "coeur"),
        ("Łódź", "lodz"),
        ("Wrocław", "wroclaw"),
        ("Straße", "strasse"),
        ("GROẞ", "gross"),
        ("Đorđe", "dorde"),
        ("Ðað", "dad"),
        ("Þórshöfn", "thorshofn"),
        ("Diyarbakır", "diyarbakir"),
        ("İzmir", "izmir"),
        ("Ħamrun", "hamrun"),
        ("coŀlegi", "collegi"),
        # Accents on top of those letters, and ordinary accents, ligatures, case.
        ("Ǿ", "o"),
        ("ǣ", "ae"),
        ("Liège", "liege"),
        ("Dvořák", "dvorak"),
        ("Ĳsselmeer", "ijsselmeer"),
        ("ﬁligrane", "filigrane"),
        ("MÜNCHEN", "munchen"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_folded_words_match_across_spellings():
    assert words("Ørsted Straße Łódź") == words("orsted strasse lodz") == ["orsted", "strasse", "lodz"]


def _reference_highlight(text, query_stems, langs, start, end, max_chars=200):
    """The token-by-token highlighter ``FieldMarks`` replaced (issue 8): the same answer is wanted."""
    import re as _re

    from indexer.text import STOP_WORDS, fold, stems

    spans, matched = [], []
    for m in _re.finditer(r"\w+", text):
        word = fold(m.group())
        keys = () if len(word) < 2 or word in STOP_WORDS else (word, *stems(word, langs))
        if keys and not set(query_stems).isdisjoint(keys):
            spans.append(m.span())
            if m.group() not in matched:
                matched.append(m.group())
    if not spans:
        return None
    lo, hi = 0, len(text)
    if len(text) > max_chars:
        first = spans[0][0]
        lo = max(0, first - max_chars // 4)
        if lo > 0:
            space = text.find(" ", lo)
            lo = space + 1 if 0 <= space < first else lo
        hi = min(len(text), lo + max_chars)
        if hi < len(text):
            space = text.rfind(" ", lo, hi)
            hi = space if space > spans[0][1] else hi
    parts, pos = ["…" if lo > 0 else ""], lo
    for s, e in spans:
        if s < lo or e > hi:
            continue
        parts += [text[pos:s], start + text[s:e] + end]
        pos = e
    parts.append(text[pos:hi])
    if hi < len(text):
        parts.append("…")
    return "".join(parts), matched


def test_analysed_field_marks_highlight_exactly_as_reading_the_text():
    import json
    import random
    from pathlib import Path

    from indexer.text import FieldMarks, highlight, highlight_marks, stems, words

    cards = Path(__file__).resolve().parents[1] / "relevance" / "cards.jsonl"
    texts = []
    for line in cards.read_text(encoding="utf-8").splitlines()[:120]:
        card = json.loads(line)
        texts += [v for v in card.values() if isinstance(v, str) and len(v) > 3]
    texts += ["Fotograaf fotografie FOTOGRAAF, portretten & huwelijken " * 12, "a b c", ""]
    rnd = random.Random(5)
    checked = matched = 0
    for text in texts:
        tokens = words(text) or ["x"]
        for langs in (("en",), ("nl", "fr", "de", "en"), (), ("de",)):
            query = {"zzz"}
            for w in rnd.sample(tokens, min(3, len(tokens))):
                query |= {w, *stems(w, langs or ("en",))}
            expected = _reference_highlight(text, query, langs, "[", "]")
            marks = FieldMarks(text, langs)
            assert highlight_marks(marks, query, "[", "]") == expected
            assert highlight_marks(marks, frozenset(query), "[", "]", 60) == _reference_highlight(
                text, query, langs, "[", "]", 60
            )
            assert highlight(text, query, langs, "[", "]") == expected
            checked += 1
            matched += expected is not None
    assert checked > 300 and matched > checked // 2
