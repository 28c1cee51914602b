"""Exports albert-base-random's encoder (transformers AlbertModel without pooler: last_hidden_state) to
ONNX with torch.onnx.export, quantizes it to int8 with onnxruntime's dynamic quantization, and checks
ONNX Runtime's outputs, and PyTorch's, against the golden last_hidden_state of
golden/albert-base-random.json (transformers 4.39 / PyTorch 1.13): max abs diff printed; the fp32
graph and PyTorch fail above --tolerance (1e-4), the int8 graph's deviation is only reported.

usage: python export_onnx.py --model DIR --golden FILE --out-dir DIR [--tolerance 1e-4]
writes OUT/albert-base-random.onnx, OUT/albert-base-random-int8.onnx, OUT/export.json
"""
import argparse
import json
import os
import sys

import numpy as np
import onnxruntime as ort
import torch
import transformers
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AlbertModel

INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def golden_cases(path):
    """(ids [1, seq], the golden rows of last_hidden_state keyed by position, mean_abs) per case."""
    for case in json.load(open(path))["cases"]:
        ids = np.array(case["input_ids"], dtype=np.int64)
        seq = ids.shape[1]
        rows = {p: np.array(r, dtype=np.float64) for p, r in enumerate(case["last_hidden_state_first4"])}
        rows[seq - 1] = np.array(case["last_hidden_state_last"], dtype=np.float64)
        yield ids, rows, case["last_hidden_state_mean_abs"]


def max_diff(run, golden):
    """The largest |output - golden| over every golden value of every case."""
    worst = 0.0
    for ids, rows, mean_abs in golden_cases(golden):
        hidden = np.asarray(run(ids), dtype=np.float64)[0]  # [seq, hidden]
        for p, row in rows.items():
            worst = max(worst, float(np.abs(hidden[p] - row).max()))
        worst = max(worst, abs(float(np.abs(hidden).mean()) - mean_abs))
    return worst


def feeds(ids):
    return {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}


def export(model, path):
    """The TorchScript-based exporter (dynamo=False) with dynamic batch and sequence axes; if this
    torch no longer has it, the dynamo exporter."""
    ids = torch.tensor([[2] + [100 + i for i in range(14)] + [3]] * 2)
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    try:
        torch.onnx.export(model, args, path, input_names=INPUTS, output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=17, do_constant_folding=True, dynamo=False)
        return "torch.onnx.export(dynamo=False, opset 17)"
    except Exception as e:  # noqa: BLE001 - report and fall back
        print("legacy exporter failed (%s); trying dynamo=True" % e, file=sys.stderr)
        torch.onnx.export(model, args, path, input_names=INPUTS, output_names=["last_hidden_state"],
                          dynamic_axes=axes, dynamo=True, external_data=False)
        return "torch.onnx.export(dynamo=True)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--golden", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--tolerance", type=float, default=1e-4)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    torch.set_num_threads(2)
    model = AlbertModel.from_pretrained(a.model, add_pooling_layer=False).eval()
    fp32 = os.path.join(a.out_dir, "albert-base-random.onnx")
    int8 = os.path.join(a.out_dir, "albert-base-random-int8.onnx")
    with torch.inference_mode():
        exporter = export(model, fp32)
        torch_diff = max_diff(lambda ids: model(input_ids=torch.from_numpy(ids),
                                                 attention_mask=torch.ones(ids.shape, dtype=torch.long),
                                                 token_type_ids=torch.zeros(ids.shape, dtype=torch.long)
                                                 ).last_hidden_state.numpy(), a.golden)
    quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    diffs = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        diffs[name] = max_diff(lambda ids: session.run(["last_hidden_state"], feeds(ids))[0], a.golden)
    report = {"exporter": exporter, "torch": torch.__version__, "transformers": transformers.__version__,
              "onnxruntime": ort.__version__, "quantization": "quantize_dynamic(weight_type=QInt8)",
              "max_abs_diff_vs_golden": {"pytorch": torch_diff, "ort_fp32": diffs["fp32"], "ort_int8": diffs["int8"]},
              "tolerance": a.tolerance,
              "bytes": {"fp32": os.path.getsize(fp32), "int8": os.path.getsize(int8)}}
    json.dump(report, open(os.path.join(a.out_dir, "export.json"), "w"), indent=1)
    print(json.dumps(report, indent=1))
    failed = [k for k in ("pytorch", "ort_fp32") if report["max_abs_diff_vs_golden"][k] > a.tolerance]
    if failed:
        sys.exit("max abs diff against the golden last_hidden_state above %g: %s" % (a.tolerance, failed))


if __name__ == "__main__":
    main()
