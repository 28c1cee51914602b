#!/usr/bin/env python3
"""Writes a benchmark classifier: albert-base-random's encoder (the exact albert-base-v2 shape) with a
seeded random pooler and 3-label classification head, as an AlbertForSequenceClassification checkpoint.

Usage: make_classifier.py SOURCE_DIR TARGET_DIR. The speed of classification depends on the encoder's
shape, not on its training, so random weights measure what a fine-tuned albert-base classifier costs.
"""
import json
import random
import shutil
import struct
import sys
from array import array
from pathlib import Path

source, target = Path(sys.argv[1]), Path(sys.argv[2])
target.mkdir(parents=True, exist_ok=True)

with open(source / "model.safetensors", "rb") as f:
    header_len = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(header_len))
    data = f.read()

hidden = json.loads((source / "config.json").read_text())["hidden_size"]
rng = random.Random(16)
added = {
    "albert.pooler.weight": [hidden, hidden],
    "albert.pooler.bias": [hidden],
    "classifier.weight": [3, hidden],
    "classifier.bias": [3],
}
tensors = {k: v for k, v in header.items() if k != "__metadata__" and not k.startswith("predictions.")}
blobs = []
offset = 0
for name, info in sorted(tensors.items(), key=lambda kv: kv[1]["data_offsets"][0]):
    start, end = info["data_offsets"]
    blobs.append(data[start:end])
    tensors[name] = {"dtype": info["dtype"], "shape": info["shape"], "data_offsets": [offset, offset + end - start]}
    offset += end - start
for name, shape in added.items():
    count = 1
    for d in shape:
        count *= d
    values = array("f", (rng.gauss(0.0, 0.02) for _ in range(count))).tobytes()
    blobs.append(values)
    tensors[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(values)]}
    offset += len(values)

encoded = json.dumps(tensors, separators=(",", ":")).encode()
encoded += b" " * (-len(encoded) % 8)
with open(target / "model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(encoded)))
    f.write(encoded)
    for blob in blobs:
        f.write(blob)

config = json.loads((source / "config.json").read_text())
config["architectures"] = ["AlbertForSequenceClassification"]
config["id2label"] = {"0": "negative", "1": "neutral", "2": "positive"}
config["label2id"] = {"negative": 0, "neutral": 1, "positive": 2}
(target / "config.json").write_text(json.dumps(config, indent=2))
for name in ("spiece.model", "tokenizer_config.json", "special_tokens_map.json"):
    shutil.copyfile(source / name, target / name)
print(target)
