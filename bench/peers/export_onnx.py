#!/usr/bin/env python3
"""Writes the benchmark's networks (networks.py) as ONNX models for the ONNX Runtime peer.

    /usr/bin/python3 bench/peers/export_onnx.py [folder]      (default: artifacts/peers/onnx)

One file per case, `<stem>.onnx` (networks.py names the stems), exported from PyTorch in inference
mode (BatchNorm with running statistics, as GraphGen's Forward) at the newest opset PyTorch 1.13
writes (17), with the batch axis dynamic: input "input" [batch, sample shape...] (float, or int64 token
ids for the sequence case) and output "logits". The ONNX Runtime peer reads only these file names and
takes input and output names, element type and shape from the model itself, so any exporter that writes
the same stems into the folder can stand in for this one (compare.py's ONNX_EXPORTER is the one line to
change when GraphGen exports ONNX). Checks each file with the onnx package when it is installed
(Debian's python3-onnx), which torch.onnx.export itself does not need.
"""
import os
import sys

import torch

from networks import CASES, is_sequence, sample_batch

OPSET = 17  # torch.onnx._constants.ONNX_MAX_OPSET in PyTorch 1.13
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def export(case, folder):
    """Exports one case to folder/<stem>.onnx and returns the path."""
    torch.manual_seed(0)
    net = case.build().eval()
    x, _ = sample_batch(case, batch=2)
    path = os.path.join(folder, case.stem + ".onnx")
    with torch.no_grad():
        torch.onnx.export(net, (x,), path, opset_version=OPSET, do_constant_folding=True,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    return path


def check(case, path):
    """With the onnx package: the model is valid, and its input and output have the batch axis symbolic and the rest as the case says."""
    try:
        import onnx
    except ImportError:
        return "not checked (no onnx package)"
    model = onnx.load(path)
    onnx.checker.check_model(model)
    dims = lambda value: [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
    expected_in = ["batch", *case.sample_shape]
    expected_out = ["batch", *case.sample_shape, case.classes] if is_sequence(case) else ["batch", case.classes]
    got_in, got_out = dims(model.graph.input[0]), dims(model.graph.output[0])
    if got_in != expected_in or got_out != expected_out:
        raise SystemExit(f"{path}: input {got_in} output {got_out}, expected {expected_in} and {expected_out}")
    return f"opset {model.opset_import[0].version}, input {got_in}, output {got_out}"


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "artifacts", "peers", "onnx")
    os.makedirs(folder, exist_ok=True)
    for case in CASES:
        path = export(case, folder)
        print(f"{case.name:<24} {os.path.relpath(path)}  {check(case, path)}", flush=True)


if __name__ == "__main__":
    main()
