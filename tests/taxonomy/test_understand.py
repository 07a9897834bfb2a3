"""Query understanding in four languages: places (cue → filter, no cue → preference),
radius, functions and sectors as boosts, residual text, query language, undoable parts."""

from __future__ import annotations

import pytest

from webapp.taxonomy.understand import DEFAULT_RADIUS_KM, understand, undo_params

NAMUR, LIEGE, LEUVEN, GENT, BRUSSELS = 2790471, 2792413, 2792482, 2797656, 2800866
ANTWERP, MONS, AACHEN, KOLN, EUPEN, WAVRE = 2803138, 2790869, 3247449, 2886242, 2798573, 2783941
MOL, BOOM, SPA, HASSELT, KORTENBERG = 2791067, 2801494, 2786318, 2796491, 2794070
LA_LOUVIERE, SINT_NIKLAAS, LLN, KORTRIJK = 2793508, 2786578, 2792073, 2794055


def case(query, place=None, *, filter=None, radius=None, functions=(), sectors=(), residual=None, lang="?"):
    return pytest.param(
        query, place, filter, radius, list(functions), list(sectors), residual, lang, id=query
    )


CASES = [
    # ---- English
    case(
        "sound engineer near Namur who also does lighting",
        NAMUR,
        filter=True,
        radius=25,
        functions=["sound_engineer", "lighting_technician"],
        residual="sound engineer who also does lighting",
        lang="en",
    ),
    case("within 10 km of Leuven", LEUVEN, filter=True, radius=10, residual="", lang="en"),
    case(
        "photographers in Brussels",
        BRUSSELS,
        filter=True,
        functions=["photographer"],
        residual="photographers",
        lang="en",
    ),
    case(
        "graphic designer Antwerp",
        ANTWERP,
        filter=False,
        functions=["graphic_designer"],
        residual="graphic designer",
        lang="en",
    ),
    case(
        "web developer around Liège for a webshop",
        LIEGE,
        filter=True,
        functions=["web_developer"],
        sectors=["it_web"],
        residual="web developer for a webshop",
        lang="en",
    ),
    case("illustrator in Mol", MOL, filter=True, functions=["illustrator"], residual="illustrator"),
    case("a boom operator", None, functions=["boom_operator"], residual="a boom operator"),
    case("mol", None, residual="mol"),
    case("translator from Kortrijk", KORTRIJK, filter=True, functions=["translator"], residual="translator"),
    case("copywriter 5 km from Wavre", WAVRE, filter=True, radius=5, functions=["copywriter"]),
    # ---- Dutch
    case("fotograaf Gand", GENT, filter=False, functions=["photographer"], residual="fotograaf", lang="nl"),
    case("binnen 15 km van Gent", GENT, filter=True, radius=15, residual="", lang="nl"),
    case(
        "grafisch ontwerper in de buurt van Antwerpen",
        ANTWERP,
        filter=True,
        functions=["graphic_designer"],
        residual="grafisch ontwerper",
        lang="nl",
    ),
    case("vertaalster rond Leuven", LEUVEN, filter=True, functions=["translator"], lang="nl"),
    case("geluidstechnicus bij Hasselt", HASSELT, filter=True, functions=["sound_engineer"], lang="nl"),
    case("fotograaf boom", None, functions=["photographer"], residual="fotograaf boom", lang="nl"),
    case("fotograaf in Boom", BOOM, filter=True, functions=["photographer"], residual="fotograaf", lang="nl"),
    case("webontwikkelaar Sint-Niklaas", SINT_NIKLAAS, filter=False, functions=["web_developer"], lang="nl"),
    case("schrijnwerker Kortenberg", KORTENBERG, filter=False, functions=["carpenter"], lang="nl"),
    case(
        "wie kan foto's maken op ons feest in Gent?",
        GENT,
        filter=True,
        sectors=["photography"],
        residual="wie kan foto's maken op ons feest?",
        lang="nl",
    ),
    # ---- French
    case(
        "traducteur juridique près de Liège",
        LIEGE,
        filter=True,
        functions=["translator"],
        residual="traducteur juridique",
        lang="fr",
    ),
    case("photographe à Bruxelles", BRUSSELS, filter=True, functions=["photographer"], lang="fr"),
    case("dans un rayon de 10 km de Namur", NAMUR, filter=True, radius=10, residual="", lang="fr"),
    case(
        "graphiste à moins de 5 km de Wavre",
        WAVRE,
        filter=True,
        radius=5,
        functions=["graphic_designer"],
        residual="graphiste",
        lang="fr",
    ),
    case("graphiste Anvers", ANTWERP, filter=False, functions=["graphic_designer"], lang="fr"),
    case("ingénieure du son autour de Mons", MONS, filter=True, functions=["sound_engineer"], lang="fr"),
    case(
        "développeuse web près d'Anvers",
        ANTWERP,
        filter=True,
        functions=["web_developer"],
        residual="développeuse web",
        lang="fr",
    ),
    case("comédienne à La Louvière", LA_LOUVIERE, filter=True, functions=["actor"], lang="fr"),
    case("photographe spa", None, functions=["photographer"], residual="photographe spa", lang="fr"),
    case(
        "photographe à Spa", SPA, filter=True, functions=["photographer"], residual="photographe", lang="fr"
    ),
    case(
        "je recherche un traducteur à Louvain-la-Neuve",
        LLN,
        filter=True,
        functions=["translator"],
        residual="je recherche un traducteur",
        lang="fr",
    ),
    # ---- German
    case(
        "Tontechniker in der Nähe von Lüttich",
        LIEGE,
        filter=True,
        functions=["sound_engineer"],
        residual="Tontechniker",
        lang="de",
    ),
    case(
        "Übersetzerin bei Eupen",
        EUPEN,
        filter=True,
        functions=["translator"],
        residual="Übersetzerin",
        lang="de",
    ),
    case(
        "Fotograf im Umkreis von 20 km um Aachen",
        AACHEN,
        filter=True,
        radius=20,
        functions=["photographer"],
        residual="Fotograf",
        lang="de",
    ),
    case("Grafikdesigner Köln", KOLN, filter=False, functions=["graphic_designer"], lang="de"),
    case("Schauspielerin aus Eupen", EUPEN, filter=True, functions=["actor"], lang="de"),
    case("Fotografin nahe Brüssel", BRUSSELS, filter=True, functions=["photographer"], lang="de"),
    case("Webentwickler um Gent", GENT, filter=True, functions=["web_developer"], lang="de"),
    case("Übersetzer Bergen", None, functions=["translator"], residual="Übersetzer Bergen", lang="de"),
    case("Tischler in Aix-la-Chapelle", AACHEN, filter=True, functions=["carpenter"], lang="de"),
]


@pytest.mark.parametrize(
    ("query", "place", "filter", "radius", "functions", "sectors", "residual", "lang"), CASES
)
def test_understanding(query, place, filter, radius, functions, sectors, residual, lang):
    result = understand(query)
    assert (result.place.id if result.place else None) == place
    if place is not None:
        assert result.place_filter is filter
        assert result.place_cue is filter  # in free text, only a cue makes a filter
        assert result.radius_km == (radius or DEFAULT_RADIUS_KM)
    else:
        assert result.radius_km is None and not result.place_filter
    assert result.functions == functions
    assert result.sectors == sectors
    if residual is not None:
        assert result.residual == residual
    if lang != "?":
        assert result.lang == lang


@pytest.mark.parametrize(
    "word", ["boom", "mol", "spa", "peer", "ham", "as", "hove", "zele", "lens", "Bergen"]
)
def test_common_words_are_not_places_without_a_cue(word):
    for query in (word, f"fotograaf {word}", f"{word} designer"):
        assert understand(query).place is None, query


@pytest.mark.parametrize(
    ("query", "place_id"),
    [("in Mol", MOL), ("bij Peer", 2789232), ("à Spa", SPA), ("in der Nähe von Zele", 2783293)],
)
def test_common_words_are_places_after_a_cue(query, place_id):
    result = understand(query)
    assert result.place is not None and result.place.id == place_id and result.place_filter


def test_weak_cues_need_a_name_that_is_no_common_word():
    assert understand("copywriter uit Boom").place is None  # "uit" is weak, "boom" a word
    assert understand("copywriter uit Leuven").place.id == LEUVEN
    assert understand("photographe a Mons").place.id == MONS  # unaccented "a" before a proper name
    assert understand("need a peer").place is None


def test_trade_words_win_over_places():
    # "Boom" is a town but "boom operator" a trade; "Film" after "in" is no place
    result = understand("a boom operator in Gent")
    assert result.functions == ["boom_operator"] and result.place.id == GENT


def test_ambiguous_place_has_alternatives_belgium_first():
    result = understand("copywriter near Bergen", "nl")
    assert result.place.id == MONS
    assert [p.country for p in result.alternatives[:1]] == ["NL"]
    (part,) = [p for p in result.parts if p["kind"] == "place"]
    assert part["label"] == "Bergen" and part["region"] == "Wallonië"
    assert part["alternatives"][0]["country"] == "NL"
    assert understand("copywriter near Bergen", "fr").parts[0]["label"] == "Mons"


def test_expansions_carry_the_trade_across_languages():
    result = understand("fotograaf Gand")
    assert result.expansions[0] == "Photographer"
    assert {"Photographe", "Fotograf"} <= set(result.expansions)
    assert "Fotograaf" not in result.expansions  # what was typed is not repeated
    assert understand("Tontechniker").expansions[:3] == [
        "Sound engineer",
        "Geluidstechnicus",
        "Ingénieur du son",
    ]
    assert understand("Namur").expansions == []


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("fotograaf", "nl"),
        ("photographe", "fr"),
        ("Fotograf", "de"),
        ("photographer", "en"),
        ("Namur", None),
        ("DJ", None),
        ("ik zoek iemand voor een feest", "nl"),
        ("wir suchen jemand", "de"),
        ("nous cherchons quelqu'un", "fr"),
        ("looking for someone", "en"),
    ],
)
def test_query_language(query, lang):
    assert understand(query).lang == lang


def test_ties_fall_back_to_the_ui_language():
    assert understand("DJ in Gent").lang is None
    assert understand("DJ in Gent", "de").lang == "de"
    assert understand("DJ in Gent", "fr").lang is None  # "in" is not French


def test_parts_describe_each_interpretation_with_its_undo():
    result = understand("sound engineer near Namur who also does lighting", "en")
    kinds = [(p["kind"], p.get("code") or p.get("id")) for p in result.parts]
    assert kinds == [("place", NAMUR), ("function", "sound_engineer"), ("function", "lighting_technician")]
    place, engineer, _ = result.parts
    assert place["label"] == "Namur" and place["radius_km"] == 25 and place["filter"] is True
    assert place["surface"] == "near Namur"
    assert result.text[place["start"] : place["end"]] == "near Namur"
    assert engineer["label"] == "Sound engineer" and engineer["filter"] is False

    params = {"q": result.text, "page": "3", "lang": "en"}
    assert undo_params(params, place) == [("q", result.text), ("lang", "en"), ("noplace", "1")]
    assert undo_params(params, engineer)[-1] == ("nofunction", "sound_engineer")


def test_undone_parts_are_not_interpreted_again():
    text = "sound engineer near Namur who also does lighting"
    result = understand(text, noplace=True, nofunction=["sound_engineer"])
    assert result.place is None and result.residual == text
    assert result.functions == ["lighting_technician"]
    assert [p["kind"] for p in result.parts] == ["function"]
    assert "Sound engineer" not in result.expansions
    assert understand("fotografie", nosector=["photography"]).sectors == []


def test_undo_params_accepts_pairs_and_multidicts():
    from werkzeug.datastructures import MultiDict

    part = {"undo": {"drop": ["place", "radius_km"], "add": []}}
    args = MultiDict(
        [("q", "x"), ("place", "Gent"), ("radius_km", "5"), ("sector", "music"), ("sector", "sport")]
    )
    assert undo_params(args, part) == [("q", "x"), ("sector", "music"), ("sector", "sport")]
    assert undo_params([("q", "x"), ("page", "2")], part) == [("q", "x")]


def test_explicit_place_and_radius_filter():
    result = understand("fotograaf", "nl", place="Gand", radius_km="10")
    assert result.place.id == GENT and result.place_filter and not result.place_cue
    assert result.place_source == "param" and result.radius_km == 10
    (part,) = [p for p in result.parts if p["kind"] == "place"]
    assert part["undo"] == {"drop": ["place", "radius_km"], "add": []}
    assert part["label"] == "Gent"
    assert understand("", place=str(AACHEN)).place.id == AACHEN


def test_explicit_place_wins_over_the_text_and_the_phrase_leaves_the_residual():
    # the user picked the Dutch Bergen among the alternatives
    result = understand("copywriter near Bergen", "nl", place="2759154")
    assert result.place.id == 2759154 and result.place_source == "param"
    assert result.residual == "copywriter"
    assert understand("binnen 5 km van Gent", place="Leuven").radius_km == 5


def test_explicit_place_that_does_not_exist():
    result = understand("fotograaf", place="Atlantis")
    assert result.place is None and result.unresolved_place == "Atlantis"


@pytest.mark.parametrize(
    ("radius", "expected"), [("0", 25), ("-3", 25), ("abc", 25), ("nan", 25), ("9999", 500)]
)
def test_bad_radius_values_are_tamed(radius, expected):
    assert understand("in Gent", radius_km=radius).radius_km == expected


def test_radius_in_the_text_wins_over_the_parameter():
    assert understand("binnen 5 km van Gent", radius_km=40).radius_km == 5
    assert understand("in Gent", radius_km=40).radius_km == 40


def test_empty_and_long_queries():
    empty = understand("")
    assert empty.residual == "" and empty.place is None and empty.lang is None and empty.parts == []
    long = understand("fotograaf " * 500 + "in Gent")
    assert long.functions == ["photographer"]  # interpreted up to a limit, never slow


def test_to_dict_is_the_api_query_shape():
    data = understand("fotograaf Gand", "fr").to_dict("fr")
    assert data["place"]["name"] == "Gand" and data["place"]["country"] == "BE"
    assert data["place"]["radius_km"] == 25 and data["place"]["filter"] is False
    assert data["functions"] == ["photographer"] and data["sectors"] == []
    assert data["text"] == "fotograaf Gand" and data["residual"] == "fotograaf"


@pytest.mark.parametrize(
    ("query", "functions"),
    [
        ("Sportfotograaf", ["photographer"]),
        ("Tierfotografin in Köln", ["photographer"]),
        ("Hochzeitsfotografin", ["wedding_photographer"]),  # a listed synonym wins
        ("Kinderfotograaf", ["photographer"]),
        ("Jazzpianist", ["pianist"]),
        # A derived noun is no compound: "Einführung" is an introduction, not a guided tour.
        ("Einführung in Excel", []),
        ("Durchführung eines Workshops", ["workshop_leader"]),
    ],
)
def test_compound_job_titles_name_their_head(query, functions):
    assert understand(query).functions == functions


def test_compound_heads_in_english_or_french_are_chance():
    assert understand("Bergdesigner").functions == []  # "designer" is no Dutch/German-only head


@pytest.mark.parametrize(
    ("title", "codes"),
    [
        ("Fotograaf", ["photographer"]),
        ("Photographe d'architecture", ["photographer"]),
        ("Graphiste et webdesigner", ["graphic_designer", "web_designer"]),
        ("Sportfotograaf", ["photographer"]),
        ("Tuinaannemer", ["gardener"]),  # an exact synonym wins over the compound head "aannemer"
        ("Kinderanimator", ["children_entertainer"]),  # not the 3D "Animator"
        ("Deutschlehrerin", ["language_teacher"]),
        ("Shopify developer", ["web_developer"]),
        ("Something else entirely", []),
        ("", []),
    ],
)
def test_title_functions_read_free_text_job_titles(title, codes):
    from webapp.taxonomy.understand import title_functions

    assert title_functions(title) == codes


@pytest.mark.parametrize(
    ("query", "sectors"),
    [
        ("Iemand die onze website in het Frans kan vertalen", ["writing_translation"]),
        ("Who can get our website to show up higher on Google?", []),
        ("Wer kann unseren Garten pflegen?", []),
    ],
)
def test_objects_of_a_request_are_no_sector(query, sectors):
    """ "website" is what is to be translated or ranked, not a request for IT work; "pflegen"
    (to tend) is no care work."""
    assert understand(query).sectors == sectors


def test_schilder_and_maler_are_house_painters():
    assert understand("schilder Mechelen").functions == ["house_painter"]
    assert understand("Maler in Köln").functions == ["house_painter"]
    assert understand("kunstschilder").functions == ["painter"]
    assert understand("Kunstmaler").functions == ["painter"]


def test_curated_local_names_are_places_without_a_cue():
    """ "Namen" is a Dutch word (names) but also the hand-written Dutch name of Namur."""
    result = understand("geluidstechnicus Namen")
    assert result.place.id == NAMUR and not result.place_filter
    assert result.functions == ["sound_engineer"]
