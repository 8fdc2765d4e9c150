"""Writes reference files for clab's readers, from Python, without clab:

  reference.safetensors   written by hand from the format description (struct + json + torch),
                          tensors laid out in plain name order (as older writers did), with metadata
  <name>.npy              written by numpy.save: one per supported dtype, plus a big-endian and a
                          Fortran-order array

Usage: write_reference.py DIR   prints the expected contents as JSON on stdout:
    {"safetensors": {"metadata": {...}, "tensors": {name: {"dtype", "shape", "values"}}},
     "npy": {file: {"dtype", "shape", "values"}}}
Values use the conventions of read_safetensors.py (special floats and int64 as strings).
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

ST_NAME = {
    torch.float32: "F32",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.bool: "BOOL",
    torch.uint8: "U8",
}


def jsonable(v, is_int64):
    if is_int64:
        return str(int(v))
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def describe(t):
    return {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "values": [jsonable(v, t.dtype == torch.int64) for v in t.flatten().tolist()],
    }


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes() if t.numel() else b""
        header[name] = {"dtype": ST_NAME[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")  # Python's default separators include spaces: also valid
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def main(out_dir):
    g = torch.Generator().manual_seed(0)
    tensors = {
        "weight": torch.randn(3, 4, generator=g),
        "double": torch.tensor([[1.5, -0.0], [float("nan"), float("inf")]], dtype=torch.float64),
        "step": torch.tensor(2**62 + 1, dtype=torch.int64),
        "ints": torch.tensor([-(2**31), 2**31 - 1, 7], dtype=torch.int32),
        "mask": torch.tensor([True, False, True]),
        "bytes": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "empty": torch.zeros(0, 5),
        "a.b/c:ü": torch.arange(6, dtype=torch.float32).reshape(1, 2, 3) / 4,
    }
    metadata = {"format": "pt", "note": "written from the spec ✓"}
    write_safetensors(os.path.join(out_dir, "reference.safetensors"), tensors, metadata)

    arrays = {
        "f4.npy": np.arange(6, dtype=np.float32).reshape(2, 3) / 3,
        "f8.npy": np.array(-2.25),
        "i8.npy": np.array([-(2**63), 2**63 - 1, 0], dtype=np.int64),
        "i4.npy": np.zeros((0, 3), dtype=np.int32),
        "b1.npy": np.array([[True, False], [False, True]]),
        "u1.npy": np.arange(250, 256, dtype=np.uint8).reshape(3, 2, 1),
        "big_endian.npy": np.array([1.5, -3.0, 1e300], dtype=">f8"),
    }
    for name, a in arrays.items():
        np.save(os.path.join(out_dir, name), a)
    np.save(os.path.join(out_dir, "fortran.npy"), np.asfortranarray(np.arange(6.0).reshape(2, 3)))

    expected_npy = {name: describe(torch.from_numpy(a.astype(a.dtype.newbyteorder("=")))) for name, a in arrays.items()}
    print(json.dumps({
        "safetensors": {"metadata": metadata, "tensors": {k: describe(v) for k, v in tensors.items()}},
        "npy": expected_npy,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
