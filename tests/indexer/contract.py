"""The SearchBackend contract, written once and run against every backend.

A backend's test module subclasses ``BackendContract`` and provides a ``backend``
fixture: a fresh, empty backend whose writes are visible to the next search. The
``embed`` fixture (tests/indexer/conftest.py) supplies vectors and fusion weights
from the real encoders.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from indexer import fusion
from indexer.types import HL_END, HL_START, Document, GeoFilter, RangeFilter, SearchQuery

ENTITY = "member"
#: Events and listings with range fields (one mapping serves every entity).
EVENTS = "event"

#: Function labels in nl/fr/de/en (+ a synonym), as the taxonomy puts them in documents' labels field.
LABELS = {
    "photographer": "photographer fotograaf photographe Fotograf",
    "translator": "translator vertaler traducteur Übersetzer",
    "sound_engineer": "sound engineer geluidstechnicus ingénieur du son Tontechniker",
    "carpenter": "carpenter schrijnwerker menuisier Schreiner",
    "web_developer": "web developer webontwikkelaar développeur web Webentwickler",
    "graphic_designer": "graphic designer grafisch ontwerper graphiste Grafikdesigner",
    "accountant": "accountant boekhouder comptable Buchhalter",
    "illustrator": "illustrator illustrateur Illustrator",
    "plumber": "plumber loodgieter plombier Klempner",
}
PLACES = {
    "Gent": (51.054, 3.717),
    "Brussel": (50.847, 4.357),
    "Eupen": (50.628, 6.036),
    "Leuven": (50.879, 4.700),
    "Antwerpen": (51.219, 4.402),
    "Mechelen": (51.026, 4.478),
    "Liège": (50.633, 5.567),
    "Namur": (50.465, 4.867),
    "Aachen": (50.776, 6.084),
}


def card(
    doc_id: str,
    name: str,
    function: str,
    lang: str,
    headline: str,
    body: str,
    *,
    place: str | None = None,
    sectors: tuple[str, ...] = (),
    country: str = "BE",
    visibility: str = "public",
    version: int = 1,
    recent: float = 0.0,
    keywords: str = "",
) -> Document:
    labels = LABELS[function]
    return Document(
        id=doc_id,
        version=version,
        visibility=visibility,
        fields={"title": name, "labels": labels, "headline": headline, "keywords": keywords, "body": body},
        facets={
            "function": [function],
            "sector": list(sectors),
            "country": [country],
            "language": [lang],
            **({"city": [place]} if place else {}),
        },
        location=PLACES[place] if place else None,
        lang=lang,
        embed_text=f"{headline}. {labels}. {keywords}. {body}",
        sort={"name": name, "recent": recent},
        payload={"name": name, "function": function},
    )


def cards() -> list[Document]:
    return [
        card(
            "m1",
            "Anna Peeters",
            "photographer",
            "en",
            "Event and portrait photographer",
            "Event and portrait photography for companies, weddings and festivals. Studio in Ghent.",
            place="Gent",
            sectors=("media",),
            recent=11,
            keywords="portraits weddings",
        ),
        card(
            "m2",
            "Luc Dubois",
            "translator",
            "fr",
            "Traducteur juridique",
            "Traductions juridiques et techniques du néerlandais vers le français.",
            place="Brussel",
            sectors=("languages",),
            recent=10,
        ),
        card(
            "m3",
            "Jonas Weber",
            "sound_engineer",
            "de",
            "Tontechniker für Konzerte",
            "Tontechnik und Lichttechnik für Konzerte, Theater und Firmenfeiern in Ostbelgien.",
            place="Eupen",
            sectors=("music", "events"),
            recent=9,
        ),
        card(
            "m4",
            "Sofie Janssens",
            "carpenter",
            "nl",
            "Schrijnwerker op maat",
            "Maatwerk meubels en interieurinrichting in massief eikenhout.",
            place="Leuven",
            sectors=("construction",),
            visibility="community",
            recent=8,
        ),
        card(
            "m5",
            "Tom Claes",
            "web_developer",
            "en",
            "Python web developer",
            "Building web applications with Python and Django for non-profits and cooperatives.",
            place="Antwerpen",
            sectors=("it",),
            recent=7,
            keywords="python django",
        ),
        card(
            "m6",
            "Eva De Smet",
            "graphic_designer",
            "nl",
            "Grafisch ontwerper",
            "Logo's, huisstijl en drukwerk voor kleine ondernemingen en verenigingen.",
            place="Mechelen",
            sectors=("media",),
            recent=6,
        ),
        card(
            "m7",
            "Marie Lambert",
            "accountant",
            "fr",
            "Comptable pour indépendants",
            "Comptabilité, TVA et déclarations fiscales pour indépendants et petites entreprises.",
            place="Liège",
            sectors=("finance",),
            recent=5,
        ),
        card(
            "m8",
            "Pieter Maes",
            "sound_engineer",
            "en",
            "Live sound engineer",
            "Live sound mixing and PA rental for concerts, festivals and corporate events. Also lighting.",
            place="Namur",
            sectors=("music", "events"),
            recent=4,
        ),
        card(
            "m9",
            "Lena Schmidt",
            "photographer",
            "de",
            "Fotografin für Hochzeiten",
            "Hochzeitsfotografie und Porträts im Raum Aachen und Ostbelgien.",
            place="Aachen",
            sectors=("media",),
            country="DE",
            visibility="community",
            recent=3,
        ),
        card(
            "m10",
            "Bram Willems",
            "translator",
            "nl",
            "Vertaler Engels-Nederlands",
            "Vertalingen Engels-Nederlands en ondertitels voor film en televisie.",
            sectors=("languages", "media"),
            recent=2,
        ),
        card(
            "m11",
            "Chloé Martin",
            "illustrator",
            "en",
            "Children's book illustrator",
            "Children's book illustration, editorial drawings and portraits in ink.",
            place="Brussel",
            sectors=("media",),
            recent=1,
        ),
        card(
            "m12",
            "Hugo Lefèvre",
            "plumber",
            "fr",
            "Plombier chauffagiste",
            "Plomberie, chauffage et sanitaires, dépannage rapide dans la région de Namur.",
            place="Namur",
            sectors=("construction",),
            recent=0,
        ),
    ]


#: 2025-06-15 08:00 UTC: "now" for the range tests.
T0 = 1_749_974_400.0
HOUR = 3600.0
DAY = 86400.0


def _event(
    doc_id: str,
    title: str,
    body: str,
    *,
    place: str | None = None,
    sector: str = "community",
    recent: float = 0.0,
    **ranges: list,
) -> Document:
    return Document(
        id=doc_id,
        version=1,
        visibility="public",
        fields={"title": title, "body": body},
        facets={"sector": [sector], **({"city": [place]} if place else {})},
        location=PLACES[place] if place else None,
        lang="en",
        embed_text=f"{title}. {body}",
        sort={"name": title, "recent": recent},
        payload={"name": title},
        ranges=ranges,
    )


def events() -> list[Document]:
    """Events with occurrences ("when"), listings with availability windows and booked periods,
    profiles with a number range ("years")."""
    weekly = [(T0 + d * DAY + 2 * HOUR, T0 + d * DAY + 6 * HOUR) for d in (1, 8, 15)]
    return [
        _event(
            "ev01", "Repair café", "Bring broken things, we repair them together.", place="Gent", when=weekly
        ),
        _event(
            "ev02",
            "Photo walk",
            "A photo walk through the old town.",
            place="Brussel",
            sector="media",
            when=[(T0 + 3 * DAY, T0 + 3 * DAY + 3 * HOUR)],
        ),
        _event(
            "ev03",
            "Summer exhibition",
            "Paintings and prints by members.",
            place="Antwerpen",
            sector="media",
            when=[(T0 - 10 * DAY, T0 + 20 * DAY)],
        ),
        _event(
            "ev04",
            "Open studio",
            "Visit the studio any day from July on.",
            place="Leuven",
            when=[(T0 + 30 * DAY, None)],
        ),
        _event(
            "ev05",
            "Past workshop",
            "A workshop that took place in May.",
            place="Namur",
            when=[(T0 - 30 * DAY, T0 - 29 * DAY)],
        ),
        _event(
            "ev06",
            "Camera to lend",
            "Mirrorless camera with two lenses.",
            place="Gent",
            sector="media",
            available=[(T0, T0 + 60 * DAY)],
            blocked=[(T0 + 10 * DAY, T0 + 12 * DAY)],
        ),
        _event(
            "ev07",
            "Studio space",
            "A quiet studio space to share.",
            place="Brussel",
            available=[(T0 - 5 * DAY, None)],
        ),
        _event(
            "ev08",
            "Cargo van",
            "A van for moving equipment.",
            available=[(T0, T0 + 5 * DAY), (T0 + 20 * DAY, T0 + 40 * DAY)],
            blocked=[(T0 + 2 * DAY, T0 + 3 * DAY)],
        ),
        _event(
            "ev09", "Mentoring for designers", "Twelve years as an art director.", place="Liège", years=[12]
        ),
        _event(
            "ev10", "Coaching starters", "Three years of coaching freelancers.", place="Mechelen", years=[3]
        ),
    ]


ALL = ("public", "community")


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


class BackendContract:
    """Behaviour every SearchBackend must show. Subclasses provide the ``backend`` fixture."""

    @pytest.fixture
    def loaded(self, backend, embed):
        """The backend with the twelve cards indexed."""
        backend.ensure_index(ENTITY, embed.dims)
        docs = cards()
        report = backend.upsert(ENTITY, docs, embed.docs(docs))
        assert report.indexed == len(docs) and not report.errors
        return backend

    def search(self, backend, embed, **kwargs):
        kwargs.setdefault("entity", ENTITY)
        query = SearchQuery(**kwargs)
        vectors, weights = embed.query(query)
        return backend.search(query, vectors, weights)

    # index lifecycle ------------------------------------------------------------------------

    def test_ensure_index_is_idempotent_and_migrates(self, backend, embed):
        backend.ensure_index(ENTITY, embed.dims)
        backend.ensure_index(ENTITY, embed.dims)
        docs = cards()[:3]
        backend.upsert(ENTITY, docs, embed.docs(docs))
        backend.ensure_index(ENTITY, embed.dims)
        assert backend.count(ENTITY) == 3
        # A new encoder appears: the index gains its field and keeps its documents.
        extra = {**embed.dims, "extra": 4}
        backend.ensure_index(ENTITY, extra)
        assert backend.count(ENTITY) == 3
        vecs = embed.docs(docs)
        vecs["extra"] = np.eye(4, dtype=np.float32)[:3]
        backend.upsert(ENTITY, docs, vecs)
        query = SearchQuery(entity=ENTITY, text="anything", mode="semantic", visibility=ALL)
        result = backend.search(query, {"extra": np.eye(4, dtype=np.float32)[1:2]}, {"extra": 1.0})
        assert ids(result)[0] == docs[1].id
        assert result.hits[0].legs["extra"][0] == 1

    def test_upsert_count_and_ids(self, loaded):
        assert loaded.count(ENTITY) == 12
        assert loaded.ids(ENTITY) == {f"m{i}" for i in range(1, 13)}

    def test_reupsert_replaces(self, loaded, embed):
        doc = cards()[4]
        doc.version = 2
        doc.fields["body"] = "Now only baking sourdough bread."
        doc.fields["keywords"] = ""
        doc.embed_text = "baker sourdough bread"
        loaded.upsert(ENTITY, [doc], embed.docs([doc]))
        assert loaded.count(ENTITY) == 12
        assert ids(self.search(loaded, embed, text="sourdough", mode="lexical")) == ["m5"]
        assert ids(self.search(loaded, embed, text="django", mode="lexical", visibility=ALL)) == []

    def test_delete(self, loaded, embed):
        loaded.delete(ENTITY, ["m1", "m9", "does-not-exist"])
        assert loaded.count(ENTITY) == 10
        assert "m1" not in loaded.ids(ENTITY)
        assert ids(self.search(loaded, embed, text="photographer", mode="lexical", visibility=ALL)) == []

    def test_stale_version_is_skipped(self, loaded, embed):
        newer = cards()[0]
        newer.version = 5
        newer.payload = {"name": "Anna v5"}
        assert loaded.upsert(ENTITY, [newer], embed.docs([newer])).indexed == 1
        older = cards()[0]
        older.version = 3
        older.payload = {"name": "Anna v3"}
        report = loaded.upsert(ENTITY, [older], embed.docs([older]))
        assert (report.indexed, report.stale) == (0, 1)
        result = self.search(loaded, embed, text="Anna", mode="lexical")
        assert result.hits[0].payload["name"] == "Anna v5"

    # filters ----------------------------------------------------------------------------------

    def test_public_queries_never_see_community_cards(self, loaded, embed):
        for mode in ("hybrid", "lexical", "semantic"):
            public = self.search(loaded, embed, text="Schrijnwerker eikenhout Hochzeitsfotografie", mode=mode)
            assert not {"m4", "m9"} & set(ids(public)), mode
        browse = self.search(loaded, embed, limit=50)
        assert browse.total == 10 and not {"m4", "m9"} & set(ids(browse))
        members = self.search(loaded, embed, text="Schrijnwerker", mode="lexical", visibility=ALL)
        assert ids(members) == ["m4"]

    def test_hard_filters_or_within_and_across_fields(self, loaded, embed):
        either = self.search(
            loaded, embed, filters={"sector": ("music", "finance")}, visibility=ALL, limit=50
        )
        assert set(ids(either)) == {"m3", "m7", "m8"} and either.total == 3
        both = self.search(loaded, embed, filters={"sector": ("media",), "country": ("DE",)}, visibility=ALL)
        assert ids(both) == ["m9"]
        none = self.search(loaded, embed, filters={"sector": ("no-such-sector",)}, visibility=ALL)
        assert none.total == 0 and none.hits == []
        text = self.search(loaded, embed, text="portraits", filters={"country": ("BE",)}, visibility=ALL)
        assert "m9" not in ids(text) and "m1" in ids(text)

    def test_excluded_ids_are_neither_returned_nor_counted(self, loaded, embed):
        """Rows the database already hides while the index lags: not in hits, totals or facets."""
        full = self.search(
            loaded, embed, filters={"sector": ("music", "finance")}, visibility=ALL, facets=("sector",)
        )
        less = self.search(
            loaded,
            embed,
            filters={"sector": ("music", "finance")},
            visibility=ALL,
            facets=("sector",),
            exclude=("m3", "no-such-id"),
        )
        assert "m3" in ids(full) and "m3" not in ids(less)
        assert less.total == full.total - 1
        assert sum(n for _, n in less.facets["sector"]) < sum(n for _, n in full.facets["sector"])
        text = self.search(loaded, embed, text="portraits", visibility=ALL, exclude=("m1",))
        assert "m1" not in ids(text)

    def test_geo_radius_filters_and_reports_distance(self, loaded, embed):
        namur = PLACES["Namur"]
        result = self.search(loaded, embed, geo=GeoFilter(namur[0], namur[1], 30), visibility=ALL, limit=50)
        assert set(ids(result)) == {"m8", "m12"}
        assert all(h.distance_km is not None and h.distance_km < 1 for h in result.hits)
        wider = self.search(
            loaded, embed, geo=GeoFilter(namur[0], namur[1], 60), visibility=ALL, limit=50, sort="distance"
        )
        assert set(ids(wider)) >= {"m8", "m12", "m7", "m2"}  # Liège ~56 km, Brussels ~54 km
        assert "m10" not in ids(wider)  # no location: never inside a radius
        distances = [h.distance_km for h in wider.hits]
        assert distances == sorted(distances)
        liege = next(h for h in wider.hits if h.id == "m7")
        assert 50 < liege.distance_km < 60

    def test_near_prefers_without_dropping(self, loaded, embed):
        plain = self.search(loaded, embed, text="translator", visibility=ALL, limit=50)
        brussel = PLACES["Brussel"]
        near = self.search(
            loaded,
            embed,
            text="translator",
            visibility=ALL,
            limit=50,
            near=GeoFilter(brussel[0], brussel[1], 20),
        )
        assert set(ids(near)) == set(ids(plain)) and near.total == plain.total
        assert "m10" in ids(near)  # no location at all: still there
        assert ids(near)[0] == "m2"
        m2 = near.hits[0]
        assert m2.distance_km is not None and m2.distance_km < 1
        assert any(w.kind == "distance" for w in m2.why)
        assert m2.score > next(h.score for h in plain.hits if h.id == "m2")

    def test_boosts_never_drop(self, loaded, embed):
        plain = self.search(loaded, embed, text="translator", visibility=ALL, limit=50)
        boosted = self.search(
            loaded, embed, text="translator", visibility=ALL, limit=50, boosts={"sector": ("media",)}
        )
        assert set(ids(boosted)) == set(ids(plain)) and boosted.total == plain.total
        assert "m2" in ids(boosted)  # lacks the boosted sector: ranks lower, never dropped
        assert ids(boosted)[0] == "m10"
        assert boosted.hits[0].score > next(h.score for h in plain.hits if h.id == "m10")
        assert any(
            w.kind == "boost" and w.detail == {"facet": "sector", "value": "media"}
            for w in boosted.hits[0].why
        )
        browse = self.search(loaded, embed, boosts={"sector": ("finance",)}, visibility=ALL, limit=50)
        assert browse.total == 12 and ids(browse)[0] == "m7"

    def test_expansions_match_with_lower_weight(self, loaded, embed):
        alone = self.search(loaded, embed, text="zzqx", mode="lexical", visibility=ALL)
        assert alone.total == 0
        expanded = self.search(
            loaded, embed, text="zzqx", mode="lexical", visibility=ALL, expansions=("photographer",)
        )
        assert set(ids(expanded)) == {"m1", "m9"}
        mixed = self.search(
            loaded, embed, text="plombier", mode="lexical", visibility=ALL, expansions=("photographer",)
        )
        assert ids(mixed)[0] == "m12"

    def test_typos_match_lexically_at_a_lower_weight(self, loaded, embed):
        """Issue 8: "fotgraaf" (one letter missing) still finds the photographers through the
        lexical leg alone (embedded: close vocabulary terms; Elasticsearch: fuzziness AUTO), and
        scores below the word spelt right."""
        typo = self.search(loaded, embed, text="fotgraaf", mode="lexical", visibility=ALL)
        assert set(ids(typo)[:2]) == {"m1", "m9"}
        exact = self.search(loaded, embed, text="fotograaf", mode="lexical", visibility=ALL)
        assert typo.hits[0].score <= exact.hits[0].score
        # Nothing within two edits of a rare nonsense word: no match at all.
        assert self.search(loaded, embed, text="zzqqxxvv", mode="lexical", visibility=ALL).total == 0

    def test_nonsense_finds_nothing_close_in_meaning(self, loaded, embed):
        """Issue 8: below the calibrated similarity gate the vector legs contribute nothing."""
        for text in ("zzqqxx", "qwxzvb"):
            result = self.search(loaded, embed, text=text, visibility=ALL)
            assert result.total == 0 and result.hits == [], (text, ids(result))

    def test_proximity_keeps_ordering_beyond_the_radius(self, loaded, embed):
        """Issue 8: a preference for Liège puts the Aachen photographer (~40 km) before the Ghent
        one (~130 km) although both are outside the 5 km radius: distance decays smoothly."""
        liege = PLACES["Liège"]
        near = self.search(
            loaded, embed, text="photographer", visibility=ALL, near=GeoFilter(liege[0], liege[1], 5)
        )
        order = [i for i in ids(near) if i in ("m1", "m9")]
        assert order == ["m9", "m1"]

    def test_a_short_query_naming_a_trade_puts_that_trade_first(self, loaded, embed):
        """A recognised trade (a function boost on a short query) ranks every card of that trade
        before any other, however close the others are to the preferred place."""
        namur = PLACES["Namur"]
        result = self.search(
            loaded,
            embed,
            text="sound",
            visibility=ALL,
            boosts={"function": ("sound_engineer",)},
            near=GeoFilter(namur[0], namur[1], 10),
        )
        trade = {"m3", "m8"}
        got = ids(result)
        assert set(got[:2]) == trade and got[0] == "m8"

    def test_facet_counts_over_the_filtered_set(self, loaded, embed):
        result = self.search(loaded, embed, visibility=ALL, facets=("sector", "country"), limit=1)
        sectors = dict(result.facets["sector"])
        assert sectors["media"] == 5 and sectors["music"] == 2 and sectors["construction"] == 2
        assert result.facets["country"][0] == ("BE", 11)
        counts = [c for _, c in result.facets["sector"]]
        assert counts == sorted(counts, reverse=True)
        filtered = self.search(
            loaded, embed, visibility=ALL, facets=("sector",), filters={"country": ("BE",)}
        )
        assert dict(filtered.facets["sector"])["media"] == 4
        public = self.search(loaded, embed, facets=("country",))
        assert dict(public.facets["country"]) == {"BE": 10}
        text = self.search(loaded, embed, text="Namur", mode="lexical", visibility=ALL, facets=("sector",))
        assert dict(text.facets["sector"]) == {"construction": 1}

    def test_sorts_and_pagination(self, loaded, embed):
        by_name = self.search(loaded, embed, visibility=ALL, sort="name", limit=50)
        names = [h.payload["name"] for h in by_name.hits]
        assert names == sorted(names, key=lambda n: n.lower()) and by_name.total == 12
        recent = self.search(loaded, embed, visibility=ALL, sort="recent", limit=5)
        assert ids(recent) == ["m1", "m2", "m3", "m4", "m5"] and recent.total == 12
        page2 = self.search(loaded, embed, visibility=ALL, sort="recent", offset=5, limit=5)
        assert ids(page2) == ["m6", "m7", "m8", "m9", "m10"] and page2.total == 12
        last = self.search(loaded, embed, visibility=ALL, sort="recent", offset=10, limit=5)
        assert ids(last) == ["m11", "m12"]
        beyond = self.search(loaded, embed, visibility=ALL, offset=40)
        assert beyond.hits == [] and beyond.total == 12
        # Relevance without text falls back to recent.
        assert ids(self.search(loaded, embed, visibility=ALL, limit=3)) == ["m1", "m2", "m3"]
        # Paging through a text query visits every match once.
        full = self.search(loaded, embed, text="portraits weddings", visibility=ALL, limit=50)
        pages = []
        for offset in range(0, full.total, 2):
            pages += ids(
                self.search(loaded, embed, text="portraits weddings", visibility=ALL, offset=offset, limit=2)
            )
        assert pages == ids(full) and len(pages) == full.total

    def test_total_facets_and_pages_count_the_same_matches(self, loaded, embed):
        """A long request shares a word or two with many cards; the ones far below the best lexical
        match are not matches, and total, facet counts and pages all say so. (The floor is raised
        here: among twelve short cards no match falls below the default tenth of the best.)"""
        text = "Live sound engineer for concerts and festivals, mixing and PA rental for corporate events"
        with fusion.tuning(LEXICAL_MATCH_FLOOR=0.3):
            lexical = self.search(
                loaded, embed, text=text, mode="lexical", visibility=ALL, facets=("country",)
            )
            # Two more cards share a word ("festivals", "Konzerte"/"concerts"), far below the best.
            assert ids(lexical) == ["m8"] and lexical.total == 1
            assert lexical.facets["country"] == [("BE", 1)]
            full = self.search(
                loaded, embed, text=text, lang="en", visibility=ALL, facets=("country",), limit=50
            )
            assert 0 < full.total == len(full.hits) < 12
            assert sum(count for _, count in full.facets["country"]) == full.total
            pages = []
            for offset in range(0, full.total, 3):
                page = self.search(
                    loaded, embed, text=text, lang="en", visibility=ALL, offset=offset, limit=3
                )
                assert page.hits and page.total == full.total
                pages += ids(page)
            assert pages == ids(full)

    # hits -------------------------------------------------------------------------------------

    def test_highlights_mark_matched_terms_only(self, loaded, embed):
        result = self.search(loaded, embed, text="weddings photography", mode="lexical", visibility=ALL)
        hit = next(h for h in result.hits if h.id == "m1")
        body = hit.highlights["body"]
        assert f"{HL_START}photography{HL_END}" in body and f"{HL_START}weddings{HL_END}" in body
        marked = re.findall(f"{HL_START}(.*?){HL_END}", "".join(hit.highlights.values()))
        assert marked and all(m.lower().startswith(("wedding", "photograph")) for m in marked)
        assert "title" not in hit.highlights  # nothing matched there
        plain = body.replace(HL_START, "").replace(HL_END, "")
        assert plain in cards()[0].fields["body"] or plain.strip("…") in cards()[0].fields["body"]

    def test_why_explains_each_reason(self, loaded, embed):
        gent = PLACES["Gent"]
        result = self.search(
            loaded,
            embed,
            text="portrait photographer",
            visibility=ALL,
            lang="en",
            near=GeoFilter(gent[0], gent[1], 25),
            boosts={"sector": ("media",)},
        )
        hit = result.hits[0]
        assert hit.id == "m1"
        kinds = {w.kind: w.detail for w in hit.why}
        assert set(kinds) >= {"lexical", "semantic", "boost", "distance"}
        assert "labels" in kinds["lexical"]["fields"]
        assert {t.lower() for t in kinds["lexical"]["terms"]} & {"portrait", "photographer"}
        assert 0 < kinds["semantic"]["similarity"] <= 1 and kinds["semantic"]["model"] in embed.dims
        assert kinds["boost"] == {"facet": "sector", "value": "media"}
        assert kinds["distance"]["km"] < 5

    def test_modes_use_their_legs(self, loaded, embed):
        lexical = self.search(loaded, embed, text="django", mode="lexical")
        assert ids(lexical) == ["m5"] and set(lexical.hits[0].legs) == {"lexical"}
        semantic = self.search(
            loaded, embed, text="someone to take pictures at our wedding", mode="semantic", lang="en"
        )
        assert ids(semantic)[0] == "m1"
        assert "lexical" not in semantic.hits[0].legs and set(semantic.hits[0].legs) <= set(embed.dims)
        hybrid = self.search(loaded, embed, text="python django developer", lang="en")
        assert ids(hybrid)[0] == "m5"
        assert {"lexical", *embed.dims} <= set(hybrid.hits[0].legs)
        ranks = [h.legs["lexical"][0] for h in hybrid.hits if "lexical" in h.legs]
        assert ranks[0] == 1

    @pytest.mark.parametrize(
        ("text", "lang"),
        [("fotograaf", "nl"), ("photographe", "fr"), ("Fotograf", "de"), ("fotograaf", None)],
    )
    def test_trade_name_in_another_language_finds_english_card(self, loaded, embed, text, lang):
        result = self.search(loaded, embed, text=text, lang=lang)
        assert ids(result)[0] == "m1"

    def test_natural_request_in_dutch_finds_english_card(self, loaded, embed):
        result = self.search(loaded, embed, text="Wie kan geluid en licht doen voor ons concert?", lang="nl")
        assert set(ids(result)[:3]) & {"m8", "m3"}

    # ranges ---------------------------------------------------------------------------------

    @pytest.fixture
    def with_events(self, backend, embed):
        """The backend with the ten events, listings and profiles of ``events()`` indexed."""
        backend.ensure_index(EVENTS, embed.dims)
        docs = events()
        report = backend.upsert(EVENTS, docs, embed.docs(docs))
        assert report.indexed == len(docs) and not report.errors
        return backend

    def ranged(self, backend, embed, *filters: RangeFilter, **kwargs):
        kwargs.setdefault("entity", EVENTS)
        kwargs.setdefault("limit", 50)
        return self.search(backend, embed, ranges=filters, **kwargs)

    def test_overlaps_finds_what_happens_in_a_period(self, with_events, embed):
        this_week = RangeFilter("when", T0, T0 + 7 * DAY)
        result = self.ranged(with_events, embed, this_week)
        # Weekly occurrences, a one-off, an exhibition already running; not the past, not July.
        assert set(ids(result)) == {"ev01", "ev02", "ev03"} and result.total == 3
        # Closed bounds: an occurrence ending exactly where the period starts overlaps it.
        touching = RangeFilter("when", T0 + 3 * DAY + 3 * HOUR, T0 + 4 * DAY)
        assert set(ids(self.ranged(with_events, embed, touching))) == {"ev02", "ev03"}
        # An open-ended occurrence overlaps every later period; a period without end reaches it.
        assert set(ids(self.ranged(with_events, embed, RangeFilter("when", T0 + 365 * DAY, None)))) == {
            "ev04"
        }
        assert set(ids(self.ranged(with_events, embed, RangeFilter("when", None, T0 - 29.5 * DAY)))) == {
            "ev05"
        }

    def test_contains_needs_one_window_over_the_whole_period(self, with_events, embed):
        def available(start, end):
            return set(ids(self.ranged(with_events, embed, RangeFilter("available", start, end, "contains"))))

        assert available(T0 + DAY, T0 + 4 * DAY) == {"ev06", "ev07", "ev08"}
        assert available(T0 + 4 * DAY, T0 + 6 * DAY) == {"ev06", "ev07"}  # the van's window ends on day 5
        assert available(T0 + 4 * DAY, T0 + 25 * DAY) == {"ev06", "ev07"}  # two windows with a gap: no
        assert available(T0 + 50 * DAY, T0 + 70 * DAY) == {"ev07"}  # only the open-ended window
        assert available(T0 + 100 * DAY, None) == {"ev07"}  # for good: only an open end contains it

    def test_disjoint_passes_documents_without_the_field(self, with_events, embed):
        free = self.ranged(with_events, embed, RangeFilter("blocked", T0 + DAY, T0 + 4 * DAY, "disjoint"))
        assert set(ids(free)) == {f"ev{i:02d}" for i in range(1, 11)} - {"ev08"} and free.total == 9
        bookable = self.ranged(
            with_events,
            embed,
            RangeFilter("available", T0 + 10.5 * DAY, T0 + 11 * DAY, "contains"),
            RangeFilter("blocked", T0 + 10.5 * DAY, T0 + 11 * DAY, "disjoint"),
        )
        assert ids(bookable) == ["ev07"]  # the camera is booked then, the van not available
        week = (T0 + DAY, T0 + 4 * DAY)
        both = self.ranged(
            with_events,
            embed,
            RangeFilter("available", *week, "contains"),
            RangeFilter("blocked", *week, "disjoint"),
        )
        assert set(ids(both)) == {"ev06", "ev07"}
        # Without the field, overlaps never matches: an unbounded period finds whoever has the field.
        assert set(ids(self.ranged(with_events, embed, RangeFilter("blocked", None, None)))) == {
            "ev06",
            "ev08",
        }

    def test_within_and_number_ranges(self, with_events, embed):
        within = self.ranged(with_events, embed, RangeFilter("when", T0, T0 + 10 * DAY, "within"))
        assert set(ids(within)) == {"ev01", "ev02"}  # the exhibition runs longer
        assert ids(self.ranged(with_events, embed, RangeFilter("years", 10, None))) == ["ev09"]
        assert ids(self.ranged(with_events, embed, RangeFilter("years", 0, 5, "within"))) == ["ev10"]
        assert ids(self.ranged(with_events, embed, RangeFilter("years", 3, 3))) == ["ev10"]

    def test_ranges_combine_with_geo_facet_filters_and_text(self, with_events, embed):
        this_week = RangeFilter("when", T0, T0 + 7 * DAY)
        gent = PLACES["Gent"]
        near_gent = self.ranged(with_events, embed, this_week, geo=GeoFilter(gent[0], gent[1], 30))
        assert ids(near_gent) == ["ev01"]
        media = self.ranged(with_events, embed, this_week, filters={"sector": ("media",)}, sort="name")
        assert ids(media) == ["ev02", "ev03"]
        text = self.ranged(with_events, embed, this_week, text="repair", mode="lexical")
        assert ids(text) == ["ev01"] and text.total == 1
        later = self.ranged(
            with_events, embed, RangeFilter("when", T0 + 40 * DAY, T0 + 50 * DAY), text="repair"
        )
        assert later.total == 0 and later.hits == []

    def test_facet_counts_and_totals_under_a_range_filter(self, with_events, embed):
        this_week = RangeFilter("when", T0, T0 + 7 * DAY)
        result = self.ranged(with_events, embed, this_week, facets=("city", "sector"), limit=1)
        assert result.total == 3 and len(result.hits) == 1
        assert dict(result.facets["city"]) == {"Gent": 1, "Brussel": 1, "Antwerpen": 1}
        assert dict(result.facets["sector"]) == {"media": 2, "community": 1}

    def test_soonest_orders_by_the_next_occurrence(self, with_events, embed):
        everything = self.ranged(with_events, embed, sort="soonest", sort_from=T0)
        # Running since before T0 first (by its start), then upcoming; ended or undated last, by id.
        assert ids(everything) == [
            "ev03", "ev01", "ev02", "ev04", "ev05", "ev06", "ev07", "ev08", "ev09", "ev10",
        ]  # fmt: skip
        pages = []
        for offset in range(0, 10, 3):
            pages += ids(
                self.ranged(with_events, embed, sort="soonest", sort_from=T0, offset=offset, limit=3)
            )
        assert pages == ids(everything)
        # A weekly event counts from its next occurrence: on day 9 the repair café is on day 15.
        later = self.ranged(with_events, embed, sort="soonest", sort_from=T0 + 9 * DAY, limit=4)
        assert ids(later) == ["ev03", "ev01", "ev04", "ev02"]
        # Without sort_from, an overlaps filter on "when" says where to start.
        period = RangeFilter("when", T0 + 5 * DAY, T0 + 20 * DAY)
        assert ids(self.ranged(with_events, embed, period, sort="soonest")) == ["ev03", "ev01"]
        # With text, the order applies to the matches.
        studio = self.ranged(with_events, embed, text="studio", mode="lexical", sort="soonest", sort_from=T0)
        assert ids(studio) == ["ev04", "ev07"]

    def test_distance_order_from_a_proximity_preference(self, with_events, embed):
        gent = PLACES["Gent"]
        result = self.ranged(with_events, embed, near=GeoFilter(gent[0], gent[1], 10), sort="distance")
        assert result.total == 10
        located = [h for h in result.hits if h.distance_km is not None]
        assert [h.id for h in located][:2] == ["ev01", "ev06"]  # both in Gent: by id
        assert [h.distance_km for h in located] == sorted(h.distance_km for h in located)
        assert len(located) == 9 and max(h.distance_km for h in located) > 100  # beyond the radius too
        assert ids(result)[-1] == "ev08"  # no location: last

    # rebuild ----------------------------------------------------------------------------------

    def test_rebuild_swaps_and_drops_orphans(self, loaded, embed):
        keep = cards()[:8]
        for _ in range(2):
            with loaded.rebuild(ENTITY, embed.dims) as writer:
                writer.upsert(keep[:4], embed.docs(keep[:4]))
                writer.upsert(keep[4:], embed.docs(keep[4:]))
                writer.delete(["m8"])
            assert loaded.count(ENTITY) == 7
            assert loaded.ids(ENTITY) == {f"m{i}" for i in range(1, 8)}
        assert ids(self.search(loaded, embed, text="plombier", mode="lexical")) == []
        assert ids(self.search(loaded, embed, text="fotograaf", lang="nl"))[0] == "m1"
        # Writes after the swap go to the new index.
        late = cards()[11:]
        loaded.upsert(ENTITY, late, embed.docs(late))
        assert loaded.count(ENTITY) == 8

    def test_failed_rebuild_leaves_live_index(self, loaded, embed):
        with pytest.raises(RuntimeError, match="boom"):
            with loaded.rebuild(ENTITY, embed.dims) as writer:
                writer.upsert(cards()[:2], embed.docs(cards()[:2]))
                raise RuntimeError("boom")
        assert loaded.count(ENTITY) == 12
        assert ids(self.search(loaded, embed, text="plombier", mode="lexical")) == ["m12"]
