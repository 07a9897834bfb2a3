"""The demo generator: deterministic, valid for the importer, varied, in four languages."""

from __future__ import annotations

import collections
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from webapp.demo import generator
from webapp.demo.generator import generate_clients, generate_members, iter_records
from webapp.demo.vocabulary import vocabulary
from webapp.taxonomy import get_gazetteer, get_taxonomy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def members() -> list[dict]:
    """2,000 members with the default seed (the size of the default demo)."""
    return generate_members(2000, seed=1)


@pytest.fixture(scope="module")
def clients() -> list[dict]:
    """300 clients with the default seed."""
    return generate_clients(300, seed=1)


def _digest(records: list[dict]) -> str:
    return hashlib.sha256(json.dumps(records, ensure_ascii=False).encode()).hexdigest()


# ------------------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_records(members, clients):
    assert generate_members(2000, seed=1) == members
    assert generate_clients(300, seed=1) == clients


def test_another_seed_gives_other_records(members, clients):
    other = generate_members(200, seed=2)
    assert [m["external_id"] for m in other] == [m["external_id"] for m in members[:200]]
    assert sum(a["bio"] != b["bio"] for a, b in zip(other, members[:200], strict=True)) > 190
    assert sum(a["name"] != b["name"] for a, b in zip(other, members[:200], strict=True)) > 150
    assert generate_clients(50, seed=2) != clients[:50]


def test_growing_n_only_appends(members, clients):
    """A bigger demo keeps the first records, so `demo load` with a bigger N adds the difference."""
    assert generate_members(137, seed=1) == members[:137]
    assert generate_clients(41, seed=1) == clients[:41]
    assert list(iter_records(10, 5, seed=1)) == members[:10] + clients[:5]


def test_output_does_not_depend_on_hash_seed(members, clients):
    """Other processes with other PYTHONHASHSEEDs produce the very same bytes."""
    script = (
        "import hashlib, json\n"
        "from webapp.demo.generator import generate_members, generate_clients\n"
        "r = generate_members(300, seed=1) + generate_clients(40, seed=1)\n"
        "print(hashlib.sha256(json.dumps(r, ensure_ascii=False).encode()).hexdigest())\n"
    )
    expected = _digest(members[:300] + clients[:40])
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert out.stdout.strip() == expected


# ------------------------------------------------------------------------------ validity


def test_codes_exist_in_the_taxonomy(members, clients):
    taxonomy = get_taxonomy()
    for m in members:
        function = taxonomy.functions[m["function"]]
        assert m["sectors"] and set(m["sectors"]) <= set(function.sectors), m["external_id"]
    for c in clients:
        assert c["sectors"] and all(code in taxonomy.sectors for code in c["sectors"]), c["external_id"]
    # Every sector of the taxonomy is represented somewhere (a lively demo for every facet).
    used = {code for r in members + clients for code in r["sectors"]}
    assert used == set(taxonomy.sectors)
    assert len({m["function"] for m in members}) >= 50


def test_every_place_resolves_in_every_card_language():
    """Each place, written the way each card language writes it, is the same gazetteer place."""
    gazetteer = get_gazetteer()
    for name, country, _kind, _weight, local in vocabulary().places:
        base = gazetteer.resolve(name, country=country)
        assert base, name
        for lang in generator.LANGS:
            found = gazetteer.resolve(local.get(lang, name), lang=lang, country=country)
            assert found and found[0].id == base[0].id, (name, lang)


def test_record_places_resolve(members, clients):
    gazetteer = get_gazetteer()
    for r in members[:500] + clients:
        assert gazetteer.resolve(r["place"], lang=r["card_language"], country=r["country"]), r["external_id"]


def test_card_language_follows_the_place(members):
    gazetteer = get_gazetteer()
    by_region: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for m in members:
        place = gazetteer.resolve(m["place"], lang=m["card_language"], country=m["country"])[0]
        key = f"BE-{place.region}" if m["country"] == "BE" else m["country"]
        by_region[key][m["card_language"]] += 1
        assert m["card_language"] in m["languages"], m["external_id"]
    assert set(by_region["BE-VLG"]) <= {"nl", "en"} and by_region["BE-VLG"].most_common(1)[0][0] == "nl"
    assert set(by_region["BE-BRU"]) >= {"nl", "fr", "en"}
    assert set(by_region["NL"]) <= {"nl", "en"}
    assert set(by_region["FR"]) <= {"fr", "en"}
    assert set(by_region["DE"]) <= {"de", "en"} and set(by_region["AT"]) <= {"de", "en"}
    assert set(by_region["ES"]) == {"en"} and set(by_region["SE"]) == {"en"}
    # Wallonia includes the German-speaking Community (Eupen): French and German cards, some English.
    assert by_region["BE-WAL"].most_common(1)[0][0] == "fr" and by_region["BE-WAL"]["de"] > 0


def test_all_four_languages_in_a_sample_of_500(members):
    counts = collections.Counter(m["card_language"] for m in members[:500])
    assert set(counts) == {"nl", "fr", "de", "en"}
    assert all(count >= 25 for count in counts.values()), counts  # each at least 5%
    spoken = collections.Counter(code for m in members[:500] for code in m["languages"])
    assert {"nl", "fr", "de", "en"} <= set(spoken) and len(spoken) >= 8


def test_no_duplicate_ids_or_emails(members, clients):
    records = members + clients
    assert len({r["external_id"] for r in records}) == len(records)
    assert len({r["email"].lower() for r in records}) == len(records)
    assert len({c["name"] for c in clients}) == len(clients)
    for r in records:
        assert re.fullmatch(r"demo-[mc]-\d{6}", r["external_id"])
        assert re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)*\.c?\d+@demo\.kring\.example", r["email"]), r["email"]
        assert r["account"] is True
        if "website" in r:
            assert re.fullmatch(r"https://[a-z0-9.-]+\.example(/[a-z]+)?", r["website"]), r["website"]


def test_field_mix_is_plausible(members, clients):
    visibility = collections.Counter(m["visibility"] for m in members)
    assert visibility["public"] > visibility["community"] > visibility["draft"] > 0
    assert collections.Counter(c["visibility"] for c in clients)["public"] > 200
    assert 0.25 < sum("website" in m for m in members) / len(members) < 0.55
    assert 0 < sum(m["public_email"] for m in members) < 0.2 * len(members)
    levels = collections.Counter(m["experience_level"] for m in members)
    assert set(levels) == {"starter", "experienced", "senior", "expert"}
    flags = collections.Counter(flag for m in members for flag in m["availability"])
    assert flags["assignments"] > flags["collaborations"] > flags["mentoring"] > 0
    assert all(0 <= m["experience_years"] <= 35 for m in members)


# ------------------------------------------------------------------------------ text quality


def test_texts_are_filled_in_and_bounded(members, clients):
    for m in members:
        for key in ("headline", "bio"):
            assert not re.search(r"[{}]|\s\s(?!\n)| [,.]|\.\.", m[key].replace("\n\n", " ")), (key, m[key])
        assert len(m["headline"]) <= 160 and m["bio"][-1] in ".!?"
        assert 3 <= len(m["skills"]) <= 8 and all(len(s) <= 40 for s in m["skills"])
        assert len(m["bio"]) < 4000
    for c in clients:
        assert not re.search(r"[{}]", c["description"]) and c["description"][-1] in ".!?"
        assert c["contact_person"] and c["name"]


def test_bios_are_varied_not_lorem_ipsum(members):
    sample = members[:1000]
    assert len({m["bio"] for m in sample}) == len(sample)
    assert len({m["headline"] for m in sample}) > 0.85 * len(sample)
    assert not any("lorem" in m["bio"].lower() for m in members)
    # No sentence (greetings aside) is boilerplate on many cards of its language.
    for lang in ("nl", "fr", "de", "en"):
        bios = [m["bio"] for m in sample if m["card_language"] == lang]
        sentences = collections.Counter(
            s
            for bio in bios
            for s in set(re.split(r"(?<=[.!?])\s+", bio.replace("\n\n", " ")))
            if len(s) >= 20
        )
        sentence, count = sentences.most_common(1)[0]
        assert count < 0.12 * len(bios), (lang, sentence, count, len(bios))
        assert len(sentences) > 2 * len(bios)


def test_card_text_is_in_the_card_language(members):
    """Cheap language check: each language's function words show up in its own cards only."""
    markers = {
        "nl": re.compile(r"\b(ik|het|een|voor|met|van|mijn|ook|zijn)\b"),
        "fr": re.compile(r"\b(je|les|des|pour|avec|une|mes|vous|dans)\b"),
        "de": re.compile(r"\b(ich|und|für|mit|die|der|ein|auf|Sie)\b"),
        "en": re.compile(r"\b(I|the|and|for|with|my|you|of)\b"),
    }
    for m in members[:600]:
        scores = {lang: len(rx.findall(m["bio"])) for lang, rx in markers.items()}
        assert max(scores, key=scores.get) == m["card_language"], (m["card_language"], m["bio"])


def test_fast_mode_is_valid_and_lighter():
    fast = generate_members(300, seed=1, fast=True)
    normal = generate_members(300, seed=1)
    assert fast == generate_members(300, seed=1, fast=True)
    for key in ("external_id", "name", "function", "place", "languages", "visibility", "email"):
        assert [f[key] for f in fast] == [n[key] for n in normal]
    assert sum(len(f["bio"]) for f in fast) < sum(len(n["bio"]) for n in normal)
    assert all("{" not in f["bio"] for f in fast)
    assert all(r["account"] is False for r in generate_members(5, seed=1, fast=True, accounts=False))


def test_every_record_passes_the_importers_validation(app, members, clients):
    """prepare_record is the importer's own check (taxonomy, gazetteer, lengths, languages)."""
    from webapp.core.vocabulary import SPOKEN_LANGUAGES
    from webapp.directory.importer import prepare_record

    for record in members[:400] + generate_members(100, seed=1, fast=True) + clients:
        prepared = prepare_record(record)
        assert prepared.values["place_id"], record["external_id"]
        if prepared.kind == "member":
            assert prepared.values["function_code"] == record["function"]
            assert set(prepared.values["languages"]) <= set(SPOKEN_LANGUAGES)
            assert prepared.values["sectors"] == record["sectors"]
