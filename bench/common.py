"""Shared pieces of the benchmarks: paths, the app factory for a bench data dir, the query mix,
percentiles, load average and the summary file.

Why one module: every benchmark must measure the same queries against the same data, and
print the machine's load next to each figure (the 2-core machine is shared with test runs).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

#: Everything the benchmarks build or write (gitignored).
OUT = Path(os.environ.get("BENCH_OUT", REPO / "bench" / "out"))
#: Exported ONNX model, shared with the tests (tests/conftest.py uses the same place).
MODEL_CACHE = Path(os.environ.get("MODEL_CACHE_DIR", REPO / ".cache" / "models"))
SUMMARY = OUT / "summary.json"
#: Seed of the synthetic members: data dirs of different sizes share their first records.
SEED = 1


def data_dir_for(n: int) -> Path:
    return OUT / f"members-{n}"


def app_config(data_dir: Path, **extra: Any) -> dict[str, Any]:
    """Settings for a bench app: the data dir, embedded backend, no background threads or demo."""
    cfg = {
        "DATA_DIR": str(data_dir),
        "TESTING": False,
        "BACKGROUND_WORKERS": False,
        "DEMO_ON_FIRST_START": False,
        "MODEL_CACHE_DIR": str(MODEL_CACHE),
        "SECRET_KEY": "bench-secret",
        "SEARCH_BACKEND": "embedded",
        "ELASTICSEARCH_URL": None,
        "MAIL_URL": None,
        "RATELIMIT_ENABLED": False,
        "EMBEDDING_MODEL": "",
    }
    cfg.update(extra)
    return cfg


def make_app(data_dir: Path, **extra: Any):  # -> Flask
    from webapp import create_app

    data_dir.mkdir(parents=True, exist_ok=True)
    return create_app(app_config(data_dir, **extra))


def load() -> str:
    """1-minute load average "1.23" (2 cores: above 2 means we shared the CPU)."""
    return f"{os.getloadavg()[0]:.2f}"


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


@dataclass
class Timing:
    """Milliseconds of repeated calls, with the load average seen during them."""

    samples: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)

    def add(self, ms: float) -> None:
        self.samples.append(ms)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return pct(self.samples, 95)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples) if self.samples else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {
            "p50_ms": round(self.p50, 2),
            "p95_ms": round(self.p95, 2),
            "mean_ms": round(self.mean, 2),
            "n": len(self.samples),
            "load": load(),
        }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


# --- the query mix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix: API-style parameters (what a user or client sends) and a label."""

    kind: str
    params: dict[str, str]
    #: The language a user would type it in (for the indexer-level SearchQuery.lang guess).
    lang: str | None = None

    @property
    def text(self) -> str:
        return self.params.get("q", "")


JOB_EN = (
    "We are organising a three-day international conference in Brussels next spring and need a "
    "freelance sound engineer who can handle live mixing for plenary sessions, wireless microphones "
    "for panels and recording of every talk, ideally also basic lighting for the stage."
)
JOB_FR = (
    "Notre PME cherche un développeur web indépendant pour refaire notre boutique en ligne: "
    "catalogue de 300 produits, paiement sécurisé, site multilingue français-néerlandais et "
    "intégration avec notre logiciel de comptabilité. Mission de trois mois, télétravail possible."
)
JOB_NL = (
    "Voor de heropening van ons restaurant in Gent zoeken we een fotograaf die sfeerbeelden van het "
    "interieur, portretten van het team en foto's van de gerechten kan maken voor onze website en "
    "sociale media, liefst met ervaring in food fotografie."
)
JOB_DE = (
    "Für unser Familienunternehmen in Eupen suchen wir eine Übersetzerin oder einen Übersetzer, "
    "der technische Handbücher und Verträge vom Deutschen ins Französische und Niederländische "
    "überträgt, zuverlässig und mit Erfahrung im Maschinenbau."
)

#: A realistic mix (see bench/README.md): trade names in the four languages, trade + place
#: with a cue word, natural requests, long job descriptions, filtered queries and browsing.
QUERY_MIX: tuple[BenchQuery, ...] = (
    # trade names
    BenchQuery("trade", {"q": "fotograaf"}, "nl"),
    BenchQuery("trade", {"q": "traducteur"}, "fr"),
    BenchQuery("trade", {"q": "Tontechniker"}, "de"),
    BenchQuery("trade", {"q": "web developer"}, "en"),
    BenchQuery("trade", {"q": "boekhouder"}, "nl"),
    BenchQuery("trade", {"q": "graphiste"}, "fr"),
    BenchQuery("trade", {"q": "Schreiner"}, "de"),
    BenchQuery("trade", {"q": "illustrator"}, "en"),
    # trade + place with a cue (radius filter)
    BenchQuery("trade+place", {"q": "fotograaf in Gent"}, "nl"),
    BenchQuery("trade+place", {"q": "photographe près de Liège"}, "fr"),
    BenchQuery("trade+place", {"q": "Übersetzer in der Nähe von Eupen"}, "de"),
    BenchQuery("trade+place", {"q": "sound engineer near Namur"}, "en"),
    BenchQuery("trade+place", {"q": "loodgieter bij Leuven"}, "nl"),
    BenchQuery("trade+place", {"q": "comptable à Bruxelles"}, "fr"),
    # natural requests
    BenchQuery("natural", {"q": "Wie kan foto's maken van ons bedrijfsfeest?"}, "nl"),
    BenchQuery("natural", {"q": "Je cherche quelqu'un pour traduire mon site en néerlandais"}, "fr"),
    BenchQuery("natural", {"q": "Wer kann unsere Firmenfeier musikalisch begleiten?"}, "de"),
    BenchQuery("natural", {"q": "someone to design a logo and branding for my bakery"}, "en"),
    BenchQuery("natural", {"q": "help with bookkeeping and VAT returns for a small business"}, "en"),
    # long job descriptions
    BenchQuery("job", {"q": JOB_EN}, "en"),
    BenchQuery("job", {"q": JOB_FR}, "fr"),
    BenchQuery("job", {"q": JOB_NL}, "nl"),
    BenchQuery("job", {"q": JOB_DE}, "de"),
    # filtered queries (explicit parameters)
    BenchQuery("filtered", {"q": "video", "country": "BE"}, "en"),
    BenchQuery("filtered", {"q": "coach", "language": "fr"}, "fr"),
    BenchQuery("filtered", {"q": "ontwerp", "place": "Antwerpen", "radius_km": "20"}, "nl"),
    BenchQuery("filtered", {"q": "Musiker", "country": "DE"}, "de"),
    BenchQuery("filtered", {"q": "developer", "language": "en", "country": "BE"}, "en"),
    # browsing without text (filters only)
    BenchQuery("browse", {"country": "BE"}, None),
    BenchQuery("browse", {"place": "Gent", "radius_km": "25"}, None),
)

MODES = ("hybrid", "lexical", "semantic")


def kinds(mix: Iterable[BenchQuery] = QUERY_MIX) -> list[str]:
    return sorted({q.kind for q in mix})


# --- summary -----------------------------------------------------------------------------------------


def record(section: str, key: str, value: Any) -> None:
    """Merge one figure into bench/out/summary.json (each benchmark adds its own)."""
    OUT.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {}
    if SUMMARY.exists():
        try:
            data = json.loads(SUMMARY.read_text())
        except ValueError:
            data = {}
    data.setdefault(section, {})[key] = value
    data["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    tmp = SUMMARY.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str))
    os.replace(tmp, SUMMARY)


def read_summary() -> dict[str, Any]:
    if SUMMARY.exists():
        return json.loads(SUMMARY.read_text())
    return {}


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc/self/status."""
    return proc_rss_mb("self")


def proc_rss_mb(pid: int | str) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB (Linux)."""
    values = {"VmRSS": float("nan"), "VmHWM": float("nan")}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in values:
                    values[key] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return values["VmRSS"], values["VmHWM"]


# --- encoders ------------------------------------------------------------------------------------------


_seeded: dict[str, Any] = {"threads": "unset"}


def preload_encoders(threads: int | None = None) -> list[Any]:
    """Load the default encoder pair into indexer.embeddings' process-wide cache.

    ``threads=None`` keeps the indexer's own default (``indexer.embeddings.THREADS``). A number
    builds the pair with that many BLAS/ONNX threads and seeds the cache (the key
    ``load_embedders("", MODEL_CACHE)`` uses), so the app's ``get_service()`` picks them up:
    on a shared 2-core machine one thread can be several times faster than two (see README).
    Asking for another setting than the cached one replaces the cached pair.
    """
    from indexer import embeddings

    key = ("", str(Path(MODEL_CACHE).resolve()))
    with embeddings._cache_lock:
        if _seeded["threads"] != threads:
            embeddings._cache.pop(key, None)
            if threads is not None:
                embeddings._cache[key] = [
                    embeddings.UseM3Embedder(threads=threads),
                    embeddings.OnnxMiniLMEmbedder(str(MODEL_CACHE), threads=threads),
                ]
            _seeded["threads"] = threads
    return embeddings.load_embedders("", str(MODEL_CACHE))


def encoder_threads_arg(value: str) -> int | None:
    """argparse type for --encoder-threads: "default" (the indexer's choice) or a number."""
    return None if value in ("", "default") else int(value)
