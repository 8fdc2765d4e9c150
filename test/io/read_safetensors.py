"""A safetensors reader written from the format description alone (no safetensors package):

    8 bytes   header length N, unsigned little-endian
    N bytes   UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}
    rest      the tensors' little-endian row-major bytes; offsets relative to this section

Usage: read_safetensors.py FILE   prints the file's contents as JSON on stdout:
    {"header_length": N, "metadata": {...}, "order": [names by offset],
     "tensors": {name: {"dtype": "float32", "shape": [...], "offsets": [b, e],
                        "aligned": true if the data starts at a multiple of the element size,
                        "values": [...]}}}
Float values that JSON cannot hold are written as the strings "nan", "inf", "-inf"; int64 values
as decimal strings (JSON numbers lose precision beyond 2**53).
"""
import json
import math
import struct
import sys

import torch

DTYPES = {
    "F32": torch.float32,
    "F64": torch.float64,
    "I64": torch.int64,
    "I32": torch.int32,
    "BOOL": torch.bool,
    "U8": torch.uint8,
}
ITEM_SIZE = {"F32": 4, "F64": 8, "I64": 8, "I32": 4, "BOOL": 1, "U8": 1}


def jsonable(v, dtype):
    if dtype == torch.int64:
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert 8 + n <= len(raw), "header length beyond the end of the file"
    assert (8 + n) % 8 == 0, "header not padded to a multiple of 8"
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    metadata = header.pop("__metadata__", {})
    order = sorted(header, key=lambda k: tuple(header[k]["data_offsets"]))
    end = 0
    out = {}
    for name in order:
        info = header[name]
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name}: offsets not contiguous"
        numel = math.prod(info["shape"])
        size = ITEM_SIZE[info["dtype"]]
        assert stop - begin == numel * size, f"{name}: size mismatch"
        dtype = DTYPES[info["dtype"]]
        if numel == 0:
            t = torch.empty(info["shape"], dtype=dtype)
        else:
            t = torch.frombuffer(bytearray(data[begin:stop]), dtype=dtype).reshape(info["shape"])
        out[name] = {
            "dtype": str(dtype).replace("torch.", ""),
            "shape": list(t.shape),
            "offsets": [begin, stop],
            "aligned": (8 + n + begin) % size == 0,
            "values": [jsonable(v, dtype) for v in t.flatten().tolist()],
        }
        end = stop
    assert end == len(data), "tensors do not cover the data section"
    print(json.dumps({"header_length": n, "metadata": metadata, "order": order, "tensors": out}))


if __name__ == "__main__":
    main(sys.argv[1])
