#!/usr/bin/python3
"""PyTorch fixtures for GraphGen's checkpoint tests, and the check of the other direction.

Run with Debian's Python, which has PyTorch (`apt-get install python3-torch`):

    /usr/bin/python3 make_fixtures.py            # writes the fixtures beside this script
    /usr/bin/python3 make_fixtures.py --check F  # loads a GraphGen-written file F into PyTorch

Fixtures (committed, so the C# tests need no Python):
  torch_mlp_{f32,f16,bf16,f64}.safetensors
      the state_dict of nn.Sequential(Linear(4, 3), ReLU(), Linear(3, 2)), seeded, stored
      in that dtype, with metadata {"format": "pt"}.
  torch_mlp_expected.json
      for each dtype, every tensor's shape and its values as float32 after loading (exact:
      F16 and BF16 widen exactly; F64 values are rounded to float32 by torch, as GraphGen
      does); plus an input batch and the F32 model's output for it.

The files are written as the safetensors library writes them: an 8-byte little-endian
header size, compact JSON with "__metadata__" first and tensors sorted by name (all of one
dtype), padded with spaces to a multiple of 8, then the little-endian data back to back.
Debian has no python3-safetensors, so the format is written here with struct and json;
where the safetensors package is importable, the script also checks that it reads the
fixtures and that `safetensors.torch.save_file` produces the same bytes for F32.

The other direction (--check) was run once by hand on graphgen_mlp.safetensors, the file
that GraphGen's Checkpoint.Save writes in the test
PyTorchCompatibilityTests.SaveWritesTheCommittedGraphGenFile (which pins those bytes, so
the check stays valid while that test passes). It parses the file independently of GraphGen,
builds torch tensors, loads them into the same nn.Sequential with load_state_dict(strict=True),
checks that every weight equals the fixture's bit for bit and that the model computes the
expected outputs. It printed "OK". It was also run once on a file saved with
Checkpoint.Save(path, network, new Adam()): the "optimizer.*" tensors are filtered out first,
as a PyTorch user would do, and the rest loaded the same way.
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

DTYPES = {
    "f32": ("F32", torch.float32),
    "f16": ("F16", torch.float16),
    "bf16": ("BF16", torch.bfloat16),
    "f64": ("F64", torch.float64),
}
TORCH_TO_NAME = {t: n for n, t in DTYPES.values()}
NAME_TO_TORCH = {n: t for n, t in DTYPES.values()}


def make_model():
    torch.manual_seed(20240611)
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))


def tensor_bytes(t):
    """Little-endian bytes of a contiguous tensor (bf16 has no numpy dtype: go through int16)."""
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    dtype = {torch.float16: "<f2", torch.float32: "<f4", torch.float64: "<f8"}[t.dtype]
    return t.numpy().astype(dtype).tobytes()


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": dict(sorted(metadata.items()))} if metadata else {}
    offset = 0
    blobs = []
    for name in sorted(tensors, key=lambda n: n.encode("utf-8")):
        t = tensors[name]
        data = tensor_bytes(t)
        header[name] = {"dtype": TORCH_TO_NAME[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def read_safetensors(path):
    """An independent reader: name -> float32 tensor, plus the metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    end = max((e["data_offsets"][1] for e in header.values()), default=0)
    assert end == len(data), f"{path}: data is {len(data)} bytes, header describes {end}"
    tensors = {}
    for name, e in header.items():
        begin, stop = e["data_offsets"]
        dtype = NAME_TO_TORCH[e["dtype"]]
        chunk = bytearray(data[begin:stop])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(chunk, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(chunk, dtype=dtype)
        tensors[name] = t.reshape(e["shape"]).float()
    return tensors, metadata


def make_fixtures():
    model = make_model()
    state = model.state_dict()
    x = torch.linspace(-2.0, 2.0, 5 * 4).reshape(5, 4)
    with torch.no_grad():
        y = model(x)
    expected = {"input": {"shape": list(x.shape), "values": x.flatten().tolist()},
                "output": {"shape": list(y.shape), "values": y.flatten().tolist()},
                "tensors": {}}
    for suffix, (_, dtype) in DTYPES.items():
        tensors = {name: t.to(dtype) for name, t in state.items()}
        path = os.path.join(HERE, f"torch_mlp_{suffix}.safetensors")
        write_safetensors(path, tensors, {"format": "pt"})
        expected["tensors"][suffix] = {
            name: {"shape": list(t.shape), "values": t.float().flatten().tolist()}
            for name, t in tensors.items()}
        loaded, _ = read_safetensors(path)
        for name, t in tensors.items():
            assert torch.equal(loaded[name], t.float()), (path, name)
        check_with_safetensors_package(path, tensors)
    with open(os.path.join(HERE, "torch_mlp_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def check_with_safetensors_package(path, tensors):
    try:
        from safetensors.torch import load_file, save_file
    except ImportError:
        return
    loaded = load_file(path)
    for name, t in tensors.items():
        assert torch.equal(loaded[name], t), (path, name)
    if next(iter(tensors.values())).dtype == torch.float32:
        again = path + ".package"
        save_file(tensors, again, metadata={"format": "pt"})
        with open(path, "rb") as a, open(again, "rb") as b:
            assert a.read() == b.read(), "safetensors.torch.save_file wrote different bytes"
        os.remove(again)


def check_graphgen_file(path):
    tensors, metadata = read_safetensors(path)
    print("metadata:", metadata)
    state = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    model = make_model()
    reference = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(state, strict=True)
    for name, t in model.state_dict().items():
        assert torch.equal(t, reference[name]), f"{name} differs from the fixture's weights"
    with open(os.path.join(HERE, "torch_mlp_expected.json")) as f:
        expected = json.load(f)
    x = torch.tensor(expected["input"]["values"]).reshape(expected["input"]["shape"])
    want = torch.tensor(expected["output"]["values"]).reshape(expected["output"]["shape"])
    with torch.no_grad():
        got = model(x)
    assert torch.allclose(got, want, rtol=0, atol=1e-6), (got, want)
    print("OK: PyTorch loaded", path, "with load_state_dict(strict=True); outputs match")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check_graphgen_file(sys.argv[2])
    elif len(sys.argv) == 1:
        make_fixtures()
    else:
        sys.exit(__doc__)
