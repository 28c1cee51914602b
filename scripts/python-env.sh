#!/usr/bin/env bash
# Creates target/pyenv, the Python environment the differential tests run (the reference
# `safetensors` reader). Idempotent; `.ci/run` calls it before the tests, which fail without it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! target/pyenv/bin/python -c "import safetensors, numpy" 2>/dev/null; then
    python3 -m venv target/pyenv
    target/pyenv/bin/pip install -q safetensors numpy
fi
target/pyenv/bin/python -c "import safetensors; print('target/pyenv: safetensors', safetensors.__version__)"
