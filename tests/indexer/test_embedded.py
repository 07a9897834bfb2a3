"""Embedded backend behaviour beyond the contract: persistence, other writers, threads, segments.

These use small random vectors (no encoder) so they test the index, not the models.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from indexer.backends import create_backend
from indexer.backends.embedded import EmbeddedBackend
from indexer.backends.embedded import segments as embedded_segments
from indexer.backends.embedded import store as embedded_store
from indexer.types import Document, GeoFilter, RangeFilter, SearchQuery

DIMS = {"vec": 8}
REPO = Path(__file__).resolve().parents[2]
ALL = ("public", "community")


def doc(i: int, version: int = 1, word: str = "alpha", visibility: str = "public") -> Document:
    return Document(
        id=f"d{i}",
        version=version,
        visibility=visibility,
        fields={"title": f"Card {i}", "body": f"{word} number{i} common"},
        facets={"sector": ["s" + str(i % 3)]},
        lang="en",
        sort={"name": f"Card {i:05d}", "recent": float(i)},
        payload={"n": i, "version": version},
    )


def vectors(docs: list[Document]) -> dict[str, np.ndarray]:
    rnd = np.random.default_rng(len(docs))
    m = rnd.normal(size=(len(docs), 8)).astype(np.float32)
    return {"vec": m / np.linalg.norm(m, axis=1, keepdims=True)}


def lexical(backend, text: str, **kw) -> list[str]:
    query = SearchQuery(entity="e", text=text, mode="lexical", visibility=ALL, limit=1000, **kw)
    return [h.id for h in backend.search(query, {}, {"lexical": 1.0}).hits]


@pytest.fixture
def backend(tmp_path):
    """An embedded backend with an empty index "e"."""
    backend = EmbeddedBackend(tmp_path)
    backend.ensure_index("e", DIMS)
    yield backend
    backend.close()


def test_create_backend_picks_embedded(tmp_path):
    backend = create_backend("embedded", data_dir=tmp_path, url=None, prefix="x", timeout=1.0)
    assert isinstance(backend, EmbeddedBackend)
    with pytest.raises(ValueError, match="unknown search backend"):
        create_backend("solr", data_dir=tmp_path)


def test_files_live_under_data_dir_search(backend, tmp_path):
    docs = [doc(i) for i in range(3)]
    backend.upsert("e", docs, vectors(docs))
    files = list((tmp_path / "search" / "e").glob("index-*.sqlite"))
    assert len(files) == 1
    assert (tmp_path / "search" / "e" / "current").read_text().strip() == files[0].name


def test_survives_a_restart(backend, tmp_path):
    docs = [doc(i) for i in range(20)]
    backend.upsert("e", docs, vectors(docs))
    backend.delete("e", ["d3"])
    backend.close()
    again = EmbeddedBackend(tmp_path)
    assert again.count("e") == 19
    assert lexical(again, "number7") == ["d7"]
    query = SearchQuery(entity="e", text="x", mode="semantic", visibility=ALL)
    hit = again.search(query, {"vec": vectors(docs)["vec"][5:6]}, {"vec": 1.0}).hits[0]
    assert hit.id == "d5" and hit.legs["vec"] == (1, pytest.approx(1.0, abs=1e-5))
    again.close()


def test_sees_writes_of_another_backend_on_the_same_files(backend, tmp_path):
    other = EmbeddedBackend(tmp_path)  # as a CLI process would: same files, own memory
    docs = [doc(i) for i in range(5)]
    other.upsert("e", docs, vectors(docs))
    assert backend.count("e") == 5
    assert lexical(backend, "number4") == ["d4"]
    newer = [doc(4, version=2, word="beta")]
    other.upsert("e", newer, vectors(newer))
    other.delete("e", ["d0"])
    assert lexical(backend, "beta") == ["d4"]
    assert sorted(lexical(backend, "alpha")) == ["d1", "d2", "d3"]
    # A stale write through the first backend is still refused: versions live on disk.
    stale = [doc(4, version=1, word="gamma")]
    report = backend.upsert("e", stale, vectors(stale))
    assert report.stale == 1 and lexical(other, "gamma") == []
    # A rebuild in the other backend swaps the file; this one follows.
    with other.rebuild("e", DIMS) as writer:
        fresh = [doc(i, version=3, word="delta") for i in range(10, 13)]
        writer.upsert(fresh, vectors(fresh))
    # A write right after the swap goes into the new file (not the replaced one).
    late = [doc(20, word="epsilon")]
    backend.upsert("e", late, vectors(late))
    assert lexical(other, "epsilon") == ["d20"]
    assert backend.ids("e") == {"d10", "d11", "d12", "d20"}
    assert sorted(lexical(backend, "delta")) == ["d10", "d11", "d12"]
    assert len(list((tmp_path / "search" / "e").glob("index-*.sqlite"))) == 1
    other.close()


def test_sees_writes_of_another_process(backend, tmp_path):
    script = textwrap.dedent(
        f"""
        import numpy as np
        from indexer.backends.embedded import EmbeddedBackend
        from indexer.types import Document
        b = EmbeddedBackend({str(tmp_path)!r})
        docs = [Document(id=f"p{{i}}", version=1, visibility="public",
                         fields={{"body": "from another process"}}) for i in range(3)]
        b.upsert("e", docs, {{"vec": np.eye(8, dtype=np.float32)[:3]}})
        b.delete("e", ["d1"])
        b.close()
        """
    )
    docs = [doc(i) for i in range(3)]
    backend.upsert("e", docs, vectors(docs))
    assert backend.count("e") == 3
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=120)
    assert backend.ids("e") == {"d0", "d2", "p0", "p1", "p2"}
    assert sorted(lexical(backend, "process")) == ["p0", "p1", "p2"]


def test_many_small_writes_merge_segments(backend, monkeypatch):
    monkeypatch.setattr(embedded_segments, "MAX_SEGMENTS", 3)
    for start in range(0, 60, 3):
        docs = [doc(i) for i in range(start, start + 3)]
        backend.upsert("e", docs, vectors(docs))
    updated = [doc(i, version=2, word="omega") for i in range(0, 60, 7)]
    backend.upsert("e", updated, vectors(updated))
    health = backend.health()["indexes"]["e"]
    assert health["documents"] == 60 and health["segments"] <= 4
    assert backend.count("e") == 60
    assert sorted(lexical(backend, "omega")) == sorted(d.id for d in updated)
    assert len(lexical(backend, "alpha")) == 60 - len(updated)
    query = SearchQuery(entity="e", visibility=ALL, sort="name", limit=100)
    names = [h.payload["n"] for h in backend.search(query, {}, {}).hits]
    assert names == list(range(60))


def test_searches_while_another_thread_writes(backend):
    base = [doc(i) for i in range(200)]
    backend.upsert("e", base, vectors(base))
    expected = {d.id for d in base}
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        query = SearchQuery(entity="e", text="common alpha", visibility=ALL, facets=("sector",), limit=50)
        qvec = vectors(base)["vec"][:1]
        while not stop.is_set():
            try:
                result = backend.search(query, {"vec": qvec}, {"lexical": 1.0, "vec": 1.0})
                assert result.total >= 50 and len(result.hits) == 50
            except BaseException as exc:  # noqa: BLE001 - collected and re-raised in the test thread
                errors.append(exc)
                return

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for round_ in range(15):
            batch = [doc(i, version=2 + round_) for i in range(round_ * 20, round_ * 20 + 40)]
            backend.upsert("e", batch, vectors(batch))
            backend.delete("e", [f"d{190 - round_}"])
            expected |= {d.id for d in batch}
            expected.discard(f"d{190 - round_}")
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[0]
    assert backend.ids("e") == expected and backend.count("e") == len(expected)


def test_duplicate_ids_in_one_batch_keep_the_highest_version(backend):
    docs = [doc(1, version=3, word="three"), doc(1, version=5, word="five"), doc(1, version=4, word="four")]
    report = backend.upsert("e", docs, vectors(docs))
    assert (report.indexed, report.stale) == (1, 2)
    assert lexical(backend, "five") == ["d1"] and lexical(backend, "three four") == []


def test_accents_case_and_stemming(backend):
    docs = [
        Document(
            id="fr",
            version=1,
            visibility="public",
            lang="fr",
            fields={"body": "Photographe à Liège, reportages d'entreprises"},
        ),
        Document(id="nl", version=1, visibility="public", lang="nl", fields={"body": "Fotografen in Gent"}),
    ]
    backend.upsert("e", docs, vectors(docs))
    assert lexical(backend, "LIEGE") == ["fr"]
    assert lexical(backend, "reportage", lang="fr") == ["fr"]
    assert lexical(backend, "fotograaf", lang="nl") == ["nl"]


def test_unknown_entity_is_empty_for_reads_and_refused_for_writes(tmp_path):
    backend = EmbeddedBackend(tmp_path)
    assert backend.count("nothing") == 0 and backend.ids("nothing") == set()
    result = backend.search(SearchQuery(entity="nothing", text="x"), {}, {"lexical": 1.0})
    assert result.total == 0 and result.hits == []
    with pytest.raises(LookupError):
        backend.upsert("nothing", [doc(1)], vectors([doc(1)]))


def test_snapshot_then_changes_since_load_like_the_database(backend, tmp_path, monkeypatch):
    monkeypatch.setattr(embedded_store, "SNAPSHOT_MIN_DOCS", 1)
    docs = [doc(i, word="alpha" if i % 2 else "beta") for i in range(30)]
    with backend.rebuild("e", DIMS) as writer:
        writer.upsert(docs, vectors(docs))
    snapshots = list((tmp_path / "search" / "e").glob("*.snapshot.npz"))
    assert len(snapshots) == 1
    # Changes after the snapshot, written by another backend: upserts leave the snapshot as it is…
    other = EmbeddedBackend(tmp_path)
    changed = [doc(1, version=2, word="gamma"), doc(99, word="gamma")]
    other.upsert("e", changed, vectors(changed))
    other._indexes.clear()  # drop it without the snapshot refresh close() would do
    fresh = EmbeddedBackend(tmp_path)
    assert fresh.count("e") == 31
    assert fresh._indexes["e"].snapshot_generation == 1  # loaded from the snapshot, then caught up
    fresh._indexes.clear()
    # …a delete writes it again (no copy of a deleted document may stay on disk).
    other = EmbeddedBackend(tmp_path)
    other.delete("e", ["d2"])
    other._indexes.clear()
    fresh = EmbeddedBackend(tmp_path)
    assert fresh.count("e") == 30 and fresh._indexes["e"].snapshot_generation == 3
    assert sorted(lexical(fresh, "gamma")) == ["d1", "d99"]
    assert "d2" not in lexical(fresh, "beta") and len(lexical(fresh, "beta")) == 14
    query = SearchQuery(entity="e", text="x", mode="semantic", visibility=ALL)
    hit = fresh.search(query, {"vec": vectors(docs)["vec"][7:8]}, {"vec": 1.0}).hits[0]
    assert hit.id == "d7" and hit.legs["vec"][1] == pytest.approx(1.0, abs=1e-5)
    facets = fresh.search(SearchQuery(entity="e", visibility=ALL, facets=("sector",)), {}, {}).facets
    assert sum(c for _, c in facets["sector"]) == 30
    fresh.close()  # enough changed: the snapshot is refreshed
    again = EmbeddedBackend(tmp_path)
    assert again.count("e") == 30 and again._indexes["e"].snapshot_generation == 3
    again.close()


def test_a_damaged_snapshot_falls_back_to_the_database(backend, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(embedded_store, "SNAPSHOT_MIN_DOCS", 1)
    docs = [doc(i) for i in range(5)]
    with backend.rebuild("e", DIMS) as writer:
        writer.upsert(docs, vectors(docs))
    [snapshot] = (tmp_path / "search" / "e").glob("*.snapshot.npz")
    snapshot.write_bytes(b"not a zip file")
    fresh = EmbeddedBackend(tmp_path)
    assert fresh.count("e") == 5 and sorted(lexical(fresh, "alpha")) == [f"d{i}" for i in range(5)]
    assert "unreadable" in caplog.text
    fresh.close()


def test_near_inside_a_geo_filter_prefers_the_near_place(backend):
    docs = []
    for i, (lat, lon) in enumerate([(50.85, 4.35), (50.88, 4.70), (50.47, 4.87)]):  # Brussels, Leuven, Namur
        d = doc(i)
        d.location = (lat, lon)
        d.sort["recent"] = float(10 - i)
        docs.append(d)
    backend.upsert("e", docs, vectors(docs))
    query = SearchQuery(
        entity="e", visibility=ALL, geo=GeoFilter(50.85, 4.35, 100), near=GeoFilter(50.47, 4.87, 10)
    )
    result = backend.search(query, {}, {})
    assert [h.id for h in result.hits] == ["d2", "d0", "d1"]  # Namur preferred, then recent
    assert result.hits[1].distance_km < 1  # distances are from the geo filter's centre


def ranged(i: int, **ranges) -> Document:
    d = doc(i)
    d.ranges = ranges
    d.__post_init__()
    return d


def when(backend, start, end, relation="overlaps", **kw) -> list[str]:
    query = SearchQuery(
        entity="e",
        visibility=ALL,
        limit=1000,
        sort="name",
        ranges=(RangeFilter("when", start, end, relation),),
        **kw,
    )
    return [h.id for h in backend.search(query, {}, {}).hits]


def test_ranges_survive_merges_restarts_and_snapshots(backend, tmp_path, monkeypatch):
    monkeypatch.setattr(embedded_segments, "MAX_SEGMENTS", 2)
    monkeypatch.setattr(embedded_store, "SNAPSHOT_MIN_DOCS", 1)
    for start in range(0, 40, 4):  # ten small writes: segments merge along the way
        docs = [
            ranged(i, when=[(i * 10, i * 10 + 5), (1000 + i, None)]) if i % 3 else doc(i)
            for i in range(start, start + 4)
        ]
        backend.upsert("e", docs, vectors(docs))
    backend.upsert("e", [ranged(4, when=[(42, 43)])], vectors([doc(4)]))  # replaced: new intervals
    expected = {
        "overlap": when(backend, 100, 125),
        "contains": when(backend, 2000, None, "contains"),
        "none": when(backend, 0, None, "disjoint"),
    }
    assert expected["overlap"] == ["d10", "d11"]
    # Open-ended from 1000 + i: every ranged card but d4, whose replacement dropped that window.
    assert len(expected["contains"]) == 25 and "d4" not in expected["contains"]
    assert expected["none"] == [f"d{i}" for i in range(0, 40, 3)]  # no "when" at all
    assert backend.health()["indexes"]["e"]["segments"] <= 3
    backend.close()  # writes a snapshot
    again = EmbeddedBackend(tmp_path)
    assert again._indexes == {} and again.count("e") == 40
    assert again._indexes["e"].snapshot_generation > 0  # loaded from the snapshot
    for (start, end, relation), key in (
        ((100, 125, "overlaps"), "overlap"),
        ((2000, None, "contains"), "contains"),
        ((0, None, "disjoint"), "none"),
    ):
        assert when(again, start, end, relation) == expected[key]
    assert when(again, 42, 42) == ["d4"]
    again.close()
    for snapshot in (tmp_path / "search" / "e").glob("*.snapshot.npz"):
        snapshot.unlink()
    from_db = EmbeddedBackend(tmp_path)  # no snapshot: analysed again from SQLite
    assert when(from_db, 100, 125) == expected["overlap"] and when(from_db, 42, 42) == ["d4"]
    from_db.close()


#: The docs table as code before range fields wrote it (schema version 1).
SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    id TEXT PRIMARY KEY, version INTEGER NOT NULL, visibility TEXT NOT NULL, lang TEXT,
    lat REAL, lon REAL, fields TEXT NOT NULL, facets TEXT NOT NULL, sort TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE vectors (id TEXT NOT NULL, model TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (id, model));
CREATE TABLE changes (id TEXT PRIMARY KEY, gen INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX changes_gen ON changes (gen);
"""


def test_an_index_written_before_range_fields_opens_and_takes_ranges(tmp_path):
    import json
    import sqlite3

    directory = tmp_path / "search" / "e"
    directory.mkdir(parents=True)
    path = directory / "index-20250101T000000-000000001.sqlite"
    conn = sqlite3.connect(str(path))
    conn.executescript(SCHEMA_V1)
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("schema", "1"), ("dims", json.dumps(DIMS)), ("generation", "1")]
    )
    rows = [
        (f"o{i}", 1, "public", "en", None, None, json.dumps({"body": f"old card {i}"}), json.dumps({}),
         json.dumps({"name": f"Old {i}", "recent": float(i)}), json.dumps({"n": i}))
        for i in range(3)
    ]  # fmt: skip
    conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany(
        "INSERT INTO vectors VALUES (?, 'vec', ?)",
        [(f"o{i}", np.eye(8, dtype=np.float32)[i].tobytes()) for i in range(3)],
    )
    conn.commit()
    conn.close()
    (directory / "current").write_text(path.name + "\n")

    backend = EmbeddedBackend(tmp_path)
    assert backend.count("e") == 3 and sorted(lexical(backend, "old")) == ["o0", "o1", "o2"]
    assert when(backend, None, None, "disjoint") == ["o0", "o1", "o2"]  # old cards have no ranges
    new = [ranged(1, when=[(10, 20)])]
    backend.upsert("e", new, vectors(new))
    assert when(backend, 15, 15) == ["d1"]
    backend.close()
    check = sqlite3.connect(str(path))
    assert "ranges" in {row[1] for row in check.execute("PRAGMA table_info(docs)")}
    assert check.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("2",)
    check.close()
    reopened = EmbeddedBackend(tmp_path)
    assert when(reopened, 15, 15) == ["d1"]
    reopened.close()


def test_a_snapshot_of_an_older_version_is_ignored(backend, tmp_path, monkeypatch):
    monkeypatch.setattr(embedded_store, "SNAPSHOT_MIN_DOCS", 1)
    docs = [ranged(i, when=[(i, i + 1)]) for i in range(5)]
    with backend.rebuild("e", DIMS) as writer:
        writer.upsert(docs, vectors(docs))
    [snapshot] = (tmp_path / "search" / "e").glob("*.snapshot.npz")
    with np.load(snapshot) as z:
        arrays = {k: z[k] for k in z.files if not k.startswith("r_")}
    import json

    meta = json.loads(str(arrays["meta"]))
    arrays["meta"] = np.array(json.dumps({**meta, "version": 1}))
    with open(snapshot, "wb") as fh:
        np.savez(fh, **arrays)
    fresh = EmbeddedBackend(tmp_path)
    assert fresh.count("e") == 5 and when(fresh, 2.5, 2.5) == ["d2"]
    fresh.close()


def test_a_deleted_document_leaves_no_readable_copy_on_disk(tmp_path, monkeypatch):
    """Erasure (issue 7.7): after a delete, the SQLite file, its WAL and the snapshot of the analysed
    index hold nothing of the document (secure_delete, a truncated WAL, a snapshot written again)."""
    monkeypatch.setattr(embedded_store, "SNAPSHOT_MIN_DOCS", 1)
    secret = "zwoelfpfundigkeit"
    docs = [doc(i) for i in range(5)]
    docs[2] = Document(
        id="d2", version=1, visibility="public", fields={"title": f"Erna {secret.title()}", "body": secret}
    )
    backend = EmbeddedBackend(tmp_path)
    backend.ensure_index("e", DIMS)
    with backend.rebuild("e", DIMS) as writer:
        writer.upsert(docs, vectors(docs))
    backend.upsert("e", [docs[0]], vectors([docs[0]]))  # a write after the rebuild, in the WAL
    # As UTF-8 (SQLite) and as UTF-32 (numpy's strings in the snapshot), whole or as a stem.
    forms = [secret.encode(), secret.encode("utf-32-le"), secret[:9].encode("utf-32-le")]

    def files_with_secret() -> list[str]:
        files = [p for p in (tmp_path / "search").rglob("*") if p.is_file()]
        return [p.name for p in files if any(form in p.read_bytes().lower() for form in forms)]

    assert any(name.endswith(".snapshot.npz") for name in files_with_secret())
    backend.delete("e", ["d2"])
    assert files_with_secret() == []
    assert lexical(backend, secret) == []
    backend.close()
    reopened = EmbeddedBackend(tmp_path)  # the rewritten snapshot still loads, without the document
    reopened.ensure_index("e", DIMS)
    assert lexical(reopened, "number1") == ["d1"] and lexical(reopened, secret) == []
    reopened.close()
