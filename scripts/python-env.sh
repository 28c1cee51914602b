#!/usr/bin/env bash
# The Python environments the tests compare with, from the package index (idempotent):
#   target/pyenv   the reference safetensors reader (SafetensorsDifferentialTest; fails without it)
#   target/hfvenv  huggingface_hub (HubPythonInteropTest, run by the hub-interop profile when it exists)
set -euo pipefail
cd "$(dirname "$0")/.."
# Where the machine has a local package index, ask it alone (pip would first retry an unreachable pypi.org).
PIP_INDEX=(--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple)
[ -d /opt/pypi/simple ] || PIP_INDEX=()
if ! target/pyenv/bin/python -c "import safetensors, numpy" 2>/dev/null; then
    python3 -m venv target/pyenv
    target/pyenv/bin/pip install -q "${PIP_INDEX[@]}" safetensors numpy
fi
target/pyenv/bin/python -c "import safetensors; print('target/pyenv: safetensors', safetensors.__version__)"
if ! target/hfvenv/bin/python -c "import huggingface_hub" 2>/dev/null; then
    python3 -m venv target/hfvenv
    target/hfvenv/bin/pip install -q "${PIP_INDEX[@]}" huggingface_hub
fi
target/hfvenv/bin/python -c "import huggingface_hub; print('target/hfvenv: huggingface_hub', huggingface_hub.__version__)"
