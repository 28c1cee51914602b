#!/usr/bin/env bash
# Runs a fuzzing campaign on every fuzz target (or the ones named: Class#method ...), one after the
# other, each until 10^6 executions or 3 hours (@FuzzTest(maxExecutions, maxDuration)). Findings land in
# src/test/resources/io/albert4j/<package>/<Class>Inputs/<method>/ and from then on run in `mvn test`.
# Logs: target/fuzz/<target>.log ("Done N runs" at the end of each).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(CheckpointFuzzTest#safetensors CheckpointFuzzTest#torch ConfigFuzzTest#configJson
             TokenizerFuzzTest#spieceModel TokenizerFuzzTest#text RequestFuzzTest#body)
fi
mkdir -p target/fuzz
mvn -o -q test-compile
for t in "${targets[@]}"; do
    echo "fuzzing $t"
    JAZZER_FUZZ=1 OPT_OUT_TRACKING=true mvn -o test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
        > "target/fuzz/${t/\#/-}.log" 2>&1 || echo "$t: FAILED (a finding?), see target/fuzz/${t/\#/-}.log"
    grep -a -E "Done [0-9]+ runs|FuzzTestFindingException" "target/fuzz/${t/\#/-}.log" | tail -2 || true
done
