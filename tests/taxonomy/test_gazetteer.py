"""Places in four languages, ambiguity ranking, labels, suggestions and the extraction cache."""

from __future__ import annotations

import pytest

from webapp.taxonomy.gazetteer import LOAD_STATS, Gazetteer, cache_file, get_gazetteer, load_gazetteer

# One place, many names: (expected geonames id, names in en/nl/fr/de and local spellings)
SAME_PLACE = [
    (2797656, ["Gent", "Gand", "Ghent"]),
    (2800866, ["Bruxelles", "Brussel", "Brüssel", "Brussels", "bruxelles", "BRUSSEL"]),
    (2792413, ["Liège", "Liege", "Luik", "Lüttich"]),
    (2803138, ["Anvers", "Antwerpen", "Antwerp"]),
    (2792482, ["Louvain", "Leuven", "Löwen"]),
    (2790869, ["Mons", "Bergen"]),
    (3247449, ["Aix-la-Chapelle", "Aachen", "Aken", "aix la chapelle"]),
    (2790471, ["Namur", "Namen"]),
    (2786578, ["Sint-Niklaas", "sint niklaas"]),
]


@pytest.mark.parametrize(("place_id", "names"), SAME_PLACE)
@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en"])
def test_names_in_any_language_resolve_to_one_place(gazetteer, place_id, names, lang):
    for name in names:
        places = gazetteer.resolve(name, lang)
        assert places, name
        assert places[0].id == place_id, (name, lang, places[0])


@pytest.mark.parametrize(
    ("place_id", "labels"),
    [
        (2797656, {"nl": "Gent", "fr": "Gand", "de": "Gent", "en": "Ghent"}),
        (2800866, {"nl": "Brussel", "fr": "Bruxelles", "de": "Brüssel", "en": "Brussels"}),
        (2792413, {"nl": "Luik", "fr": "Liège", "de": "Lüttich", "en": "Liège"}),
        (2803138, {"nl": "Antwerpen", "fr": "Anvers", "de": "Antwerpen", "en": "Antwerp"}),
        (3247449, {"nl": "Aken", "fr": "Aix-la-Chapelle", "de": "Aachen", "en": "Aachen"}),
    ],
)
def test_labels_follow_the_readers_language(gazetteer, place_id, labels):
    place = gazetteer.get(place_id)
    for lang, label in labels.items():
        assert gazetteer.label(place, lang) == label


def test_places_without_a_hand_written_label_show_their_own_name(gazetteer):
    (place, *_) = gazetteer.resolve("Kortenberg")
    assert place.country == "BE" and place.region == "VLG"
    assert {gazetteer.label(place, lang) for lang in ("nl", "fr", "de", "en", None)} == {"Kortenberg"}


def test_region_labels(gazetteer):
    assert gazetteer.region_label("BE", "VLG", "fr") == "Flandre"
    assert gazetteer.region_label("BE", "VLG", "nl") == "Vlaanderen"
    assert gazetteer.region_label("BE", "WAL", "de") == "Wallonien"
    assert gazetteer.region_label("BE", "BRU", "en") == "Brussels"
    assert gazetteer.region_label("DE", "07", "nl") == "Noordrijn-Westfalen"
    assert gazetteer.region_label("NL", "05", "nl") == "Limburg (NL)"
    assert gazetteer.region_label("FR", "32", "fr") == "Hauts-de-France"
    assert gazetteer.region_label("XX", "99", "fr") == "99"
    assert gazetteer.region_label("BE", None, "fr") == ""


@pytest.mark.parametrize(
    ("city", "country", "region"),
    [
        ("Amsterdam", "NL", "07"),
        ("Maastricht", "NL", "05"),
        ("Lille", "FR", "32"),
        ("Köln", "DE", "07"),
        ("Wien", "AT", "09"),
        ("Madrid", "ES", "29"),
        ("Barcelona", "ES", "56"),
        ("Milano", "IT", "09"),
        ("Stockholm", "SE", "26"),
        ("Luxembourg", "LU", "LU"),
    ],
)
def test_region_codes_of_the_hand_written_table_match_the_data(gazetteer, city, country, region):
    place = gazetteer.resolve(city, country=country)[0]
    assert place.region == region
    assert gazetteer.region_label(country, region, "en") != region


def test_every_configured_region_code_has_a_name(gazetteer):
    from webapp.taxonomy.places_data import REGION_LABELS

    missing = {(p_country, p_region) for p_country, p_region in _regions(gazetteer)} - {
        (c, r) for c, regions in REGION_LABELS.items() for r in regions
    }
    assert not missing


def _regions(gazetteer: Gazetteer):
    return {(gazetteer.get(pid).country, gazetteer.get(pid).region) for pid in gazetteer._ids}


def test_bergen_prefers_mons_then_the_readers_region(gazetteer):
    places = gazetteer.resolve("Bergen", "nl")
    assert places[0].id == 2790869  # Mons, Belgium first
    assert places[1].country == "NL"  # the Dutch reader's region next
    assert {p.country for p in places[1:]} == {"NL", "DE"}
    assert gazetteer.resolve("Bergen", "de")[1].country == "DE"
    assert "NO" not in {p.country for p in places}  # Norway is not configured


def test_bergen_norway_is_an_alternative_once_configured(tmp_path_factory):
    directory = tmp_path_factory.mktemp("gazetteer")
    gazetteer = load_gazetteer(("BE", "NL", "NO"), directory)
    places = gazetteer.resolve("Bergen", "en")
    assert places[0].id == 2790869
    assert any(p.country == "NO" and p.population > 200_000 for p in places[1:])


def test_halle_belgium_before_germany(gazetteer):
    places = gazetteer.resolve("Halle", "de")
    assert places[0].country == "BE" and places[0].population > 30_000
    german = [p for p in places if p.country == "DE"]
    assert german and german[0].name == "Halle (Saale)"  # the big German Halle leads its country
    # Lembeek and Buizingen list "Halle" as an alternate name: sections, not alternatives
    assert all(p.country != "BE" or p.name == "Halle" for p in places)


def test_hasselt_belgium_before_the_netherlands(gazetteer):
    for lang in ("nl", "fr", "de", "en"):
        places = gazetteer.resolve("Hasselt", lang)
        assert [p.country for p in places] == ["BE", "NL"]


def test_a_city_that_dwarfs_its_homonyms_wins(gazetteer):
    assert gazetteer.resolve("Lille", "nl")[0].country == "FR"  # not the village near Antwerp
    assert gazetteer.resolve("Cologne", "fr")[0].name == "Köln"  # not the French hamlet
    # ... but a real town in the reader's region is not displaced
    assert gazetteer.resolve("Valence", "fr")[0].country == "FR"


def test_resolve_accepts_ids_and_pinned_countries(gazetteer):
    assert gazetteer.resolve("2797656")[0].name == "Gent"
    assert gazetteer.resolve("Hasselt, NL")[0].country == "NL"
    assert gazetteer.resolve("Hasselt (NL)")[0].country == "NL"
    assert gazetteer.resolve("Hasselt", country="NL")[0].country == "NL"
    assert gazetteer.resolve("Atlantis") == []
    assert gazetteer.resolve("   ") == []
    assert gazetteer.get(2797656).name == "Gent"
    assert gazetteer.get("nonsense") is None
    assert gazetteer.get(1) is None


def test_small_belgian_and_neighbouring_towns_are_known(gazetteer):
    for name, country in [
        ("Kortenberg", "BE"),
        ("Lasne", "BE"),
        ("Zele", "BE"),
        ("Vaals", "NL"),
        ("Clervaux", "LU"),
    ]:
        assert gazetteer.resolve(name)[0].country == country, name


def test_counts_per_country(gazetteer):
    counts = gazetteer.count_by_country()
    assert set(counts) == {"BE", "NL", "FR", "DE", "LU", "AT", "ES", "IT", "SE"}
    assert counts["BE"] > 2000 and counts["FR"] > 8000 and counts["SE"] > 200


@pytest.mark.parametrize(
    ("prefix", "lang", "first"),
    [
        ("Bru", "fr", "Bruxelles"),
        ("Bru", "nl", "Brussel"),
        ("gan", "fr", "Gand"),
        ("Lüt", "de", "Lüttich"),
        ("Luik", "nl", "Luik"),
        ("Kortenb", "nl", "Kortenberg"),
        ("aix-la", "fr", "Aix-la-Chapelle"),
    ],
)
def test_suggest(gazetteer, prefix, lang, first):
    places = gazetteer.suggest(prefix, lang, 5)
    assert 1 <= len(places) <= 5
    assert gazetteer.label(places[0], lang) == first
    assert len({p.id for p in places}) == len(places)


def test_suggest_needs_two_characters(gazetteer):
    assert gazetteer.suggest("b", "fr") == []
    assert gazetteer.suggest("zzzzq", "fr") == []


def test_nearest_names_coordinates(gazetteer):
    assert gazetteer.nearest(51.054, 3.722).name == "Gent"
    assert gazetteer.nearest(0.0, 0.0) is None


def test_cache_is_written_once_and_reused(tmp_path):
    first = load_gazetteer(("LU",), tmp_path)
    assert LOAD_STATS[("LU",)]["cached"] is False
    assert cache_file(("LU",), tmp_path).exists()
    second = load_gazetteer(("LU",), tmp_path)
    assert LOAD_STATS[("LU",)]["cached"] is True
    assert len(first) == len(second) > 200
    assert second.resolve("Luxemburg")[0].country == "LU"


def test_a_corrupt_cache_is_rebuilt(tmp_path):
    path = cache_file(("LU",), tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a pickle")
    assert len(load_gazetteer(("LU",), tmp_path)) > 200


def test_the_app_configures_countries_and_cache_dir(app_config, tmp_path):
    from webapp import create_app

    app_config.update(GAZETTEER_COUNTRIES=("LU", "BE"), MODEL_CACHE_DIR=str(tmp_path / "models"))
    app = create_app(app_config)
    with app.app_context():
        gazetteer = get_gazetteer()
        assert set(gazetteer.count_by_country()) == {"BE", "LU"}
        assert cache_file(("LU", "BE"), None).parent == tmp_path / "models" / "taxonomy"
        assert cache_file(("LU", "BE"), None).exists()
