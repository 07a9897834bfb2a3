"""Fusion: language-aware leg weights and the weighted, normalised fusion of ranked legs."""

from __future__ import annotations

import numpy as np
import pytest

from indexer import fusion
from indexer.fusion import LEXICAL, MINILM, USE_M3, fuse, fuse_dense, leg_weights
from indexer.types import GeoFilter, SearchQuery

NAMES = [USE_M3, MINILM]


def q(text: str = "fotograaf", **kw) -> SearchQuery:
    return SearchQuery(entity="member", text=text, **kw)


@pytest.mark.parametrize("lang", ["nl", "fr", "de"])
def test_non_english_queries_lean_on_the_multilingual_encoder(lang):
    weights = leg_weights(q(lang=lang), NAMES)
    assert weights[USE_M3] >= 5 * weights.get(MINILM, 0)
    assert weights[LEXICAL] > 0


def test_english_queries_use_both_encoders():
    weights = leg_weights(q("photographer", lang="en"), NAMES)
    assert weights[MINILM] >= weights[USE_M3] > 0


def test_unknown_language_is_balanced_towards_use():
    weights = leg_weights(q(lang=None), NAMES)
    assert weights[USE_M3] > weights[MINILM] > 0


def test_short_queries_lean_lexical_long_ones_on_vectors():
    short = leg_weights(q("fotograaf", lang="nl"), NAMES)
    long = leg_weights(
        q("we zoeken iemand die foto's kan maken van ons bedrijfsfeest in het najaar", lang="nl"), NAMES
    )
    assert short[LEXICAL] / short[USE_M3] > 2 * long[LEXICAL] / long[USE_M3]


def test_modes_and_empty_text():
    assert set(leg_weights(q(mode="lexical"), NAMES)) == {LEXICAL}
    assert set(leg_weights(q(mode="semantic"), NAMES)) == set(NAMES)
    assert leg_weights(q(""), NAMES) == {}
    assert leg_weights(q("the of and", mode="lexical"), NAMES) == {}  # only stop words
    assert leg_weights(q("zz", mode="lexical", expansions=("photographer",)), NAMES) == {LEXICAL: 1.0}


def test_another_model_is_trusted_in_every_language():
    weights = leg_weights(q(lang="fr", mode="semantic"), ["paraphrase_multilingual"])
    assert weights == {"paraphrase_multilingual": fusion.OTHER_VECTOR_WEIGHT}


def test_fuse_prefers_agreement_and_records_legs():
    legs = {
        LEXICAL: [("a", 9.0), ("b", 4.0), ("c", 0.5)],
        USE_M3: [("b", 0.8), ("a", 0.7), ("d", 0.6), ("e", 0.1)],
    }
    fused = fuse(legs, {LEXICAL: 1.0, USE_M3: 1.0})
    order = [h.id for h in fused]
    assert order[:2] == ["a", "b"]
    assert "e" not in order  # below the model's similarity floor: not a match
    assert "c" not in order  # 0.5/9 is below the lexical match floor
    a = fused[0]
    assert a.legs == {LEXICAL: (1, 9.0), USE_M3: (2, pytest.approx(0.7))}
    assert a.score == pytest.approx(sum(a.contributions.values()))
    assert 0 < a.score <= 1


def test_fuse_weights_decide():
    legs = {LEXICAL: [("x", 5.0), ("y", 1.0)], USE_M3: [("y", 0.9), ("x", 0.3)]}
    assert fuse(legs, {LEXICAL: 1.0, USE_M3: 0.1})[0].id == "x"
    assert fuse(legs, {LEXICAL: 0.1, USE_M3: 1.0})[0].id == "y"


def test_bonuses_are_added_after_fusion():
    legs = {LEXICAL: [("x", 5.0), ("y", 4.0)]}
    plain = {h.id: h.score for h in fuse(legs, {LEXICAL: 1.0})}
    boosted = fuse(legs, {LEXICAL: 1.0}, bonuses={"y": 0.5, "unknown": 1.0})
    assert boosted[0].id == "y" and boosted[0].score == pytest.approx(plain["y"] + 0.5)
    assert {h.id for h in boosted} == {"x", "y"}


def test_fuse_dense_agrees_with_fuse():
    lexical = np.array([9.0, 4.0, 0.0, 0.0], dtype=np.float32)
    sims = np.array([0.7, 0.8, 0.6, 0.1], dtype=np.float32)
    dense = fuse_dense(
        {
            LEXICAL: fusion.normalise_lexical(lexical),
            USE_M3: fusion.normalise_vector(sims, *fusion.vector_bounds(np.sort(sims)[::-1], USE_M3)),
        },
        {LEXICAL: 1.0, USE_M3: 0.5},
    )
    listed = fuse(
        {LEXICAL: [("0", 9.0), ("1", 4.0)], USE_M3: [("1", 0.8), ("0", 0.7), ("2", 0.6), ("3", 0.1)]},
        {LEXICAL: 1.0, USE_M3: 0.5},
    )
    for hit in listed:
        assert dense[int(hit.id)] == pytest.approx(hit.score, abs=1e-6)
    assert dense[3] == 0


def test_tuning_overrides_and_restores():
    before = fusion.LANG_WEIGHTS["nl"][USE_M3]
    with fusion.tuning(LANG_WEIGHTS={**fusion.LANG_WEIGHTS, "nl": {LEXICAL: 1.0, USE_M3: 0.0, MINILM: 1.0}}):
        assert USE_M3 not in leg_weights(q(lang="nl"), NAMES)
    assert fusion.LANG_WEIGHTS["nl"][USE_M3] == before
    with pytest.raises(KeyError):
        fusion.set_tuning(NO_SUCH_KNOB=1)


def test_function_boosts_weigh_more_than_sector_boosts_and_shrink_with_length():
    boosts = {"function": ("photographer",), "sector": ("photography",)}
    short = fusion.boost_bonuses(q("fotograaf", boosts=boosts))
    assert short["function"] > short["sector"] > 0
    description = q(
        "Wir eröffnen ein Café und suchen jemanden, der die Einrichtung plant: Theke, Beleuchtung, Möbel",
        boosts=boosts,
    )
    long = fusion.boost_bonuses(description)
    assert long["function"] < short["function"] and long["sector"] < short["sector"]
    # Only fields with values get a bonus; browsing without text keeps the flat BOOST_BONUS.
    assert set(fusion.boost_bonuses(q("fotograaf", boosts={"function": (), "sector": ("x",)}))) == {"sector"}
    assert fusion.boost_bonuses(q("", boosts=boosts)) == dict.fromkeys(boosts, fusion.BOOST_BONUS)


def test_closeness_falls_from_the_centre_to_the_edge():
    values = fusion.closeness(np.array([0.0, 12.5, 25.0, 40.0, np.nan]), 25.0)
    assert values.tolist() == pytest.approx([1.0, 0.5, 0.0, 0.0, 0.0])
    assert fusion.near_factor(0.0, 25.0) == pytest.approx(1 + fusion.NEAR_GAIN)


def test_proximity_decays_smoothly_over_tens_of_kilometres_not_at_the_radius():
    """Issue 8: "Tontechniker Köln" must put Maastricht (89 km) before Vienna (743 km), and
    "fotograaf Gent" Brussels (50 km) before Stockholm: the factor keeps falling past the radius."""
    km = np.array([0.0, fusion.NEAR_SCALE_KM, 50.0, 89.0, 743.0, 1123.0, np.nan])
    d = fusion.decay(km)
    assert d[0] == pytest.approx(1.0) and d[1] == pytest.approx(0.5)
    assert list(d[:6]) == sorted(d[:6], reverse=True) and d[6] == 0.0
    factors = fusion.near_factor(km, 25.0)
    assert factors[3] > factors[4] * 1.2  # Maastricht well ahead of Vienna, both beyond 25 km
    assert factors[2] > factors[4] * 1.3  # Brussels ahead of Stockholm
    assert factors[5] >= 1.0


def test_a_short_query_naming_a_trade_puts_that_trade_first():
    boosts = {"function": ("sound_engineer",)}
    assert fusion.trade_first(q("Tontechniker", boosts=boosts))
    assert fusion.trade_tier(q("Tontechniker", boosts=boosts), ["sound_engineer"]) == fusion.TRADE_TIER
    assert fusion.trade_tier(q("Tontechniker", boosts=boosts), ["composer"]) == 0.0
    long_request = "wir suchen jemanden der bei unserem Festival den Ton macht Tontechniker"
    assert not fusion.trade_first(q(long_request, boosts=boosts))
    assert not fusion.trade_first(q("Tontechniker"))
    fused = fuse(
        {LEXICAL: [("composer", 10.0), ("sound", 5.0)]},
        {LEXICAL: 1.0},
        factors={"composer": 1.9},
        tiers={"sound": fusion.TRADE_TIER},
    )
    assert [h.id for h in fused] == ["sound", "composer"]


def test_a_radius_filter_only_breaks_ties_by_distance():
    from indexer.types import GeoFilter

    ghent = GeoFilter(51.05, 3.72, 25)
    assert fusion.near_gain(q(near=ghent)) == fusion.NEAR_GAIN
    assert fusion.near_gain(q(near=ghent, geo=ghent)) == fusion.NEAR_GAIN_IN_FILTER < fusion.NEAR_GAIN


def test_proximity_scales_matches_instead_of_lifting_everything_nearby():
    """ "fotograaf Gand": the Ghent photographer rises above photographers far away, but an
    unrelated card in Ghent does not rise above a photographer elsewhere (an added constant
    big enough for the first would do the second)."""
    legs = {LEXICAL: [("far_photographer", 10.0), ("ghent_photographer", 8.0), ("ghent_baker", 3.0)]}
    at_ghent = float(fusion.near_factor(0.5, 25.0))
    fused = fuse(
        legs,
        {LEXICAL: 1.0},
        bonuses={"far_photographer": 0.25, "ghent_photographer": 0.25},
        factors={"ghent_photographer": at_ghent, "ghent_baker": at_ghent, "nowhere": 9.0},
    )
    assert [h.id for h in fused] == ["ghent_photographer", "far_photographer", "ghent_baker"]
    plain = {h.id: h.score for h in fuse(legs, {LEXICAL: 1.0})}
    assert fused[0].score == pytest.approx((plain["ghent_photographer"] + 0.25) * at_ghent)
    assert "nowhere" not in {h.id for h in fused}  # a factor never creates a match


def test_elasticsearch_preferences_mirror_the_fusion_rules():
    """The Elasticsearch backend fuses on the client with the same bonuses and factors."""
    from indexer.backends import elastic_queries as eq
    from indexer.types import GeoFilter

    boosts = {"function": ("photographer",), "sector": ("photography",)}
    query = q("fotograaf", boosts=boosts, near=GeoFilter(51.05, 3.72, 25))
    source = {
        "function": ["photographer"],
        "sector": ["photography"],
        "location": {"lat": 51.05, "lon": 3.72},
    }
    bonuses = fusion.boost_bonuses(query)
    assert eq.preference_bonus(
        query, source, boost_bonus=fusion.BOOST_BONUS, near_bonus=0.0, boost_bonuses=bonuses
    ) == pytest.approx(bonuses["function"] + bonuses["sector"])
    assert eq.preference_factor(query, source) == pytest.approx(1 + fusion.NEAR_GAIN)
    filtered = q("fotograaf", near=query.near, geo=query.near)
    assert eq.preference_factor(filtered, source) == pytest.approx(1 + fusion.NEAR_GAIN_IN_FILTER)
    far = eq.preference_factor(query, {"location": {"lat": 50.0, "lon": 3.72}})  # 117 km
    assert 1.0 < far < eq.preference_factor(query, {"location": {"lat": 50.85, "lon": 4.35}})
    assert eq.preference_tier(query, source) == fusion.TRADE_TIER
    assert eq.preference_tier(query, {"function": ["baker"]}) == 0.0
    assert eq.preference_factor(query, {}) == 1.0


def test_an_entity_weighs_its_lexical_leg_and_proximity_on_its_own():
    """Events and listings set their own values (webapp/*/search.py FUSION); others keep the module's."""
    saved = {entity: dict(values) for entity, values in fusion.ENTITY_TUNING.items()}
    try:
        fusion.ENTITY_TUNING.clear()
        thing = SearchQuery(entity="thing", text="fotograaf", lang="nl")
        member = SearchQuery(entity="member", text="fotograaf", lang="nl")
        before = leg_weights(thing, NAMES)
        assert before == leg_weights(member, NAMES)
        assert fusion.near_gain(thing) == fusion.NEAR_GAIN
        fusion.set_entity_tuning("thing", LEXICAL_SCALE=2.0, NEAR_GAIN=3.0, NEAR_GAIN_IN_FILTER=0.5)
        after = leg_weights(thing, NAMES)
        assert after[LEXICAL] == 2.0 * before[LEXICAL]
        assert {k: v for k, v in after.items() if k != LEXICAL} == {
            k: v for k, v in before.items() if k != LEXICAL
        }
        assert fusion.near_gain(thing) == 3.0
        assert fusion.near_gain(SearchQuery(entity="thing", text="x", geo=GeoFilter(50.8, 4.3, 25))) == 0.5
        assert leg_weights(member, NAMES) == before and fusion.near_gain(member) == fusion.NEAR_GAIN
        # A "lexical" search is the lexical leg alone: the scale only weighs it against vectors.
        lexical = SearchQuery(entity="thing", text="fotograaf", lang="nl", mode="lexical")
        assert leg_weights(lexical, NAMES) == {LEXICAL: 1.0}
        with pytest.raises(KeyError):
            fusion.set_entity_tuning("thing", VECTOR_DEPTH=5)
    finally:
        fusion.ENTITY_TUNING.clear()
        fusion.ENTITY_TUNING.update(saved)


def test_a_legs_confident_hits_keep_a_place_in_the_fused_top():
    """Issue 8: the lexical leg's first hit ("d", the only card sharing the request's words) had
    fallen to fused rank 5 behind the vector leg's neighbours; with the guarantee it is in the top
    GUARANTEE_RANK, the order above it otherwise kept, and nothing is lifted when off."""
    n = 6
    lexical = np.zeros(n, np.float32)
    lexical[3] = 1.0
    vector = np.array([1.0, 0.95, 0.9, 0.0, 0.85, 0.1], np.float32)
    legs = {LEXICAL: lexical, USE_M3: vector}
    weights = {LEXICAL: 0.3, USE_M3: 1.0}
    with fusion.tuning(GUARANTEE_TOP=0):
        plain = fuse_dense(legs, weights)
    assert list(np.argsort(-plain, kind="stable")).index(3) == 4
    with fusion.tuning(GUARANTEE_TOP=1, GUARANTEE_RANK=3, GUARANTEE_MIN_VALUE=0.7, GUARANTEE_MIN_SHARE=0.2):
        lifted = fuse_dense(legs, weights)
        order = list(np.argsort(-lifted, kind="stable"))
        assert order.index(3) < 3 and order[:2] == [0, 1]
        # A weak lexical first hit (a one-word match of a long request) is not lifted.
        weak = fuse_dense({LEXICAL: lexical * np.float32(0.5), USE_M3: vector}, weights)
        assert list(np.argsort(-weak, kind="stable")).index(3) == 4
        # A leg with a token share of the weight (MiniLM on nl/fr/de requests) lifts nothing.
        token = fuse_dense(legs, {LEXICAL: 0.1, USE_M3: 1.0})
        assert list(np.argsort(-token, kind="stable")).index(3) == 4
        # Elasticsearch's list fusion lifts the same document.
        ranked = fuse(
            {
                LEXICAL: [("d", 5.0)],
                USE_M3: [(i, float(s)) for i, s in zip("abcef", [0.9, 0.88, 0.86, 0.84, 0.2], strict=True)],
            },
            weights,
        )
        assert [h.id for h in ranked].index("d") < 3
