#!/usr/bin/env bash
# Train the demo model (models/albert-demo) from a fresh clone, with ../shared beside it: a Python
# venv under target/ with PyTorch for the CPU (and transformers, for tokenizer.json), then
# scripts/train_demo_model.py with its default recipe, resumable: run the same command again after
# an interruption to continue from the last state. Extra arguments go to the training script, e.g.
# --device cuda. (The weights shipped today come from the script's earlier version: see the card.)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/trainvenv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q torch==2.13.0+cpu numpy sentencepiece "transformers==5.17.*" protobuf
exec nice -n 10 "$VENV/bin/python" scripts/train_demo_model.py --resume "$@"
