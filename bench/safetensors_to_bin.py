#!/usr/bin/python3
"""Writes a model folder's open_clip_model.safetensors as open_clip_pytorch_model.bin (torch.save's zip format),
the file users download for roberta-ViT-B-32, so benchmarks can load the same weights the way users do.

usage: /usr/bin/python3 bench/safetensors_to_bin.py FROM_DIR TO_DIR   (copies the folder's other files too)
Needs Debian's python3-torch; reads the safetensors format itself (8-byte header length, JSON header, data)."""
import json
import shutil
import struct
import sys
from collections import OrderedDict
from pathlib import Path

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}


def main(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    data = (src / "open_clip_model.safetensors").read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    state = OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[base + begin : base + end]), dtype=DTYPES[info["dtype"]])
        state[name] = t.reshape(info["shape"]).clone()
    torch.save(state, dst / "open_clip_pytorch_model.bin")
    for f in src.iterdir():
        if f.name != "open_clip_model.safetensors":
            shutil.copy(f, dst / f.name)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
