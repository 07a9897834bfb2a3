"""The demo vocabulary files: the shapes the generator relies on, and clear errors when malformed."""

from __future__ import annotations

import random
import shutil
import string
from pathlib import Path

import pytest

from webapp.demo import generator
from webapp.demo.vocabulary import DATA_DIR, LANGS, DataFileError, Vocabulary, load_vocabulary, vocabulary

#: What iter_clients fills in: name patterns, then description sentences.
CLIENT_NAME_SLOTS = {"word", "eword", "town", "surname"}
CLIENT_TEXT_SLOTS = {"town", "year", "size", "contact", "t1", "t2"}


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    """The packaged vocabulary, as the generator sees it."""
    return vocabulary()


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None}


def _member_slots(lang: str) -> set[str]:
    """The slot names the generator really fills for a card in ``lang`` (a trade with tools)."""
    resolved = next(rt for rt in generator.catalogue().trades if rt.trade.tools)
    place = vocabulary().places[0]
    slots = generator._member_slots(
        random.Random(1), resolved, lang, place, "An", "Peeters", "f", 12, ["nl", "fr", "en"]
    )
    return set(slots)


def test_loaded_once_and_the_same_as_a_fresh_read(vocab):
    assert vocabulary() is vocab
    assert load_vocabulary() == vocab


@pytest.mark.parametrize("lang", LANGS)
def test_member_templates_use_only_slots_the_generator_fills(vocab, lang):
    slots = _member_slots(lang)
    templates = [*vocab.headlines[lang]]
    templates += [t for bank in vocab.bio[lang].values() for t in bank]
    templates += [t for per_lang in vocab.family_sentences.values() for t in per_lang[lang]]
    templates += [t for per_lang in vocab.trade_sentences.values() for t in per_lang[lang]]
    assert len(templates) > 100
    for template in templates:
        assert _fields(template) <= slots, (lang, template, _fields(template) - slots)
    # The generator falls back to the first headline for starters: it must not need years.
    assert "years" not in _fields(vocab.headlines[lang][0])


@pytest.mark.parametrize("lang", LANGS)
def test_client_templates_use_only_slots_the_generator_fills(vocab, lang):
    for kind in vocab.client_kinds:
        for pattern in kind.names[lang]:
            assert _fields(pattern) <= CLIENT_NAME_SLOTS, (kind.key, pattern)
        for sentence in kind.about[lang]:
            assert _fields(sentence) <= CLIENT_TEXT_SLOTS, (kind.key, sentence)
    for table in (vocab.client_hire, vocab.client_founded, vocab.client_contact):
        for sentence in table[lang]:
            assert _fields(sentence) <= CLIENT_TEXT_SLOTS, sentence
    assert any(w.isalpha() for w in vocab.client_words["en"])  # {eword} needs one


def test_tables_have_the_shapes_the_generator_relies_on(vocab):
    for trade in vocab.trades:
        for lang in LANGS:
            # A card shows 3 to 8 skill tags; its headline and bio name up to three.
            assert len(trade.skills[lang]) >= 3, (trade.key, lang)
            title = trade.title[lang]
            assert isinstance(title, str) or (isinstance(title, tuple) and len(title) == 2)
            assert vocab.family_clients[trade.family][lang] and vocab.family_sentences[trade.family][lang]
    for kind in vocab.client_kinds:
        assert len(kind.hires) >= 2, kind.key  # a description names two trades they hire
    areas = {p.region if p.country == "BE" else p.country for p in vocab.places}
    assert areas == set(vocab.in_area)
    regions = {p.region for p in vocab.places}
    assert regions == set(vocab.card_language) == set(vocab.spoken) == set(vocab.origin_mix)
    for origin in vocab.origins.values():
        assert origin.male and origin.female and origin.surnames
    assert all(isinstance(p.weight, float) and p.weight > 0 for p in vocab.places)


def test_every_trade_and_client_kind_matches_the_taxonomy():
    """Nothing in the files is silently dropped by build_catalogue (a trade the taxonomy lacks)."""
    assert generator.catalogue().dropped == ()


# ------------------------------------------------------------------------------ malformed files

MALFORMED = [
    (
        "trades.toml",
        'en = "sound engineer"',
        "en = 42",
        r"trades\.toml: trade\[0\] \(sound_engineer\)\.title\.en: expected a non-empty string, got int",
    ),
    (
        "trades.toml",
        "aliases = [",
        "aliasses = [",
        r"trades\.toml: trade\[0\] \(sound_engineer\)\.aliasses: unknown key",
    ),
    (
        "trades.toml",
        'family = "sound"',
        'family = "noise"',
        r"trades\.toml: trade\[0\] \(sound_engineer\)\.family: unknown family 'noise'",
    ),
    (
        "clients.toml",
        '"sound_engineer", "lighting_technician"',
        '"sound_enginer", "lighting_technician"',
        r"clients\.toml: kind\[0\] \(theatre\)\.hires\[0\]: unknown trade key 'sound_enginer'",
    ),
    (
        "names.toml",
        'dg = [["ostbelgien", 80]',
        'dg = [["ostbelgian", 80]',
        r"names\.toml: origin_mix\.dg\[0\]: unknown origin 'ostbelgian'",
    ),
    ("phrases.toml", "closing3 = ", "closing4 = ", r"phrases\.toml: bio\.en\.closing3: missing"),
    ("places.toml", 'lb = "Luxemburgs"\n', "", r"places\.toml: language_names\.nl\.lb: missing"),
    (
        "places.toml",
        "weight = 20.0",
        "weight = -20.0",
        r"places\.toml: places\[0\]\.weight: expected a positive number, got -20\.0",
    ),
    ("families.toml", "[clients.sound]", "[clients.sound", r"families\.toml: .*line \d+"),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), MALFORMED)
def test_a_malformed_file_fails_naming_file_and_key(tmp_path: Path, name, old, new, message):
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    text = (directory / name).read_text(encoding="utf-8")
    assert old in text
    (directory / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as caught:
        load_vocabulary(directory)
    assert str(directory / name) in str(caught.value)
