#!/usr/bin/env bash
# Differential testing against Hugging Face on generated inputs (scripts/differential/harness.py).
#
#   bash scripts/differential.sh [--mode fast|slow|both] [--cases N] [--seed S] [--areas a,b]
#
# fast: transformers 5.17 (tokenizer.json; question answering: transformers 4.57.6 on tokenizers 0.23.2), slow: transformers 4.57.6 with the sentencepiece tokenizer;
# each in its own venv under target/ (made here once, from the local package index). Needs
# target/albert.jar (mvn -B -q -DskipTests package) and ../shared/fixtures beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=both
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) MODE="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

PIP_INDEX=(--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple)
[ -d /opt/pypi/simple ] || PIP_INDEX=()

venv_fast() {
  if [ ! -x target/venv-hf5/bin/python ] || ! target/venv-hf5/bin/python -c "import transformers, torch" 2>/dev/null; then
    python3 -m venv target/venv-hf5
    target/venv-hf5/bin/pip install -q "${PIP_INDEX[@]}" torch==2.13.0+cpu transformers==5.17.0
  fi
}

venv_slow() {
  if [ ! -x target/venv-hf4/bin/python ] || ! target/venv-hf4/bin/python -c "import transformers, sentencepiece, tokenizers; assert tokenizers.__version__ == '0.23.2'" 2>/dev/null; then
    python3 -m venv target/venv-hf4
    # transformers 4.57.6 pins huggingface_hub < 1.0, which the index lacks, and tokenizers <= 0.23.0; it
    # runs on huggingface_hub 1.33 for local checkpoints, and its question-answering pipeline must run on
    # tokenizers 0.23.2, as transformers 5.17 does (the v5 goldens' QA answers were made that way: the
    # 4.57.6 pipeline on the 5.17 tokenizer). So install it without dependencies and relax both checks.
    target/venv-hf4/bin/pip install -q "${PIP_INDEX[@]}" torch==2.13.0+cpu sentencepiece protobuf tokenizers==0.23.2 \
      safetensors regex numpy pyyaml requests tqdm filelock packaging huggingface_hub==1.33.0
    target/venv-hf4/bin/pip install -q "${PIP_INDEX[@]}" --no-deps transformers==4.57.6
    sed -i -e 's/"huggingface-hub>=0.34.0,<1.0"/"huggingface-hub>=0.34.0"/' -e 's/"tokenizers>=0.22.0,<=0.23.0"/"tokenizers>=0.22.0"/' \
      target/venv-hf4/lib/python3*/site-packages/transformers/dependency_versions_table.py
  fi
}

[ -f target/albert.jar ] || mvn -B -q -DskipTests package
status=0
if [ "$MODE" = fast ] || [ "$MODE" = both ]; then
  venv_fast
  venv_slow
  python3 scripts/differential/harness.py --mode fast --python target/venv-hf5/bin/python \
    --qa-python target/venv-hf4/bin/python "${ARGS[@]}" || status=1
fi
if [ "$MODE" = slow ] || [ "$MODE" = both ]; then
  venv_slow
  python3 scripts/differential/harness.py --mode slow --python target/venv-hf4/bin/python "${ARGS[@]}" || status=1
fi
exit $status
