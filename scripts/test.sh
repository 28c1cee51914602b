#!/usr/bin/env bash
# README's test command: everything the repository tests, on a fresh machine.
#   1. the Python environments the tests compare with (scripts/python-env.sh)
#   2. mvn -B test (the library, CLI and server)
#   3. the Spark stages (spark/, a separate Maven project on the installed library)
#   4. a small seeded sample of the differential harness against Hugging Face, both tokenizer modes
#      (scripts/differential.sh; the full runs are documented in README, "Agreement with Hugging Face")
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/python-env.sh
mvn -B test
mvn -B -q -DskipTests install
mvn -B -f spark/pom.xml test
bash scripts/differential.sh --mode both --cases 10 --seed 2026
