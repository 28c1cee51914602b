#!/usr/bin/env bash
# Spark overhead benchmark: TextClassifier in local[1] and local[2] against the plain Java pipeline on
# the same cores (bench/SparkBench.java), on sentences of a ../shared/corpus text, with an
# albert-base-shaped classifier made from ../shared's albert-base-random (bench/make_classifier.py).
# Writes the "Spark" section of BENCHMARKS.md (between its spark-bench markers).
#
#   spark/bench/bench.sh            # ROWS=128 REPS=3 CORPUS=../shared/corpus/botchan.txt by default
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-128}
REPS=${REPS:-3}
CORPUS=${CORPUS:-../shared/corpus/botchan.txt}
OUT=target/spark-bench
mkdir -p "$OUT"
export OPT_OUT_TRACKING=true SPARK_LOCAL_IP=127.0.0.1

mvn -B -q -DskipTests install
mvn -B -q -f spark/pom.xml -DskipTests compile
mvn -B -q -f spark/pom.xml dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$OUT/classpath.txt"
python3 spark/bench/make_classifier.py ../shared/fixtures/models/albert-base-random "$OUT/albert-base-classifier" >/dev/null

# The JVM options Spark's launcher adds on Java 17, as in spark/pom.xml's surefire argLine.
OPENS=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' spark/pom.xml)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# shellcheck disable=SC2086
java $OPENS -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=6G \
  -cp "spark/target/classes:$(cat "$OUT/classpath.txt")" spark/bench/SparkBench.java \
  "$OUT/albert-base-classifier" "$CORPUS" "$ROWS" "$REPS" 1 2 2> "$OUT/stderr.txt" | tee "$OUT/result.txt"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$OUT/result.txt" "$LOAD_BEFORE" "$LOAD_AFTER" "$CORPUS" <<'PY'
import re, subprocess, sys, datetime
result, load_before, load_after, corpus = sys.argv[1:5]
lines = open(result).read().splitlines()
rows = []
for line in lines:
    if line.startswith("RESULT "):
        rows.append(dict(kv.split("=", 1) for kv in line.split()[1:]))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
spark = re.search(r"<spark.version>(.*)</spark.version>", open("spark/pom.xml").read()).group(1)
out = ["<!-- spark-bench:begin (written by spark/bench/bench.sh) -->", "## Spark: overhead of the TextClassifier stage", "",
       "Classification (top-1) of the first %s sentences (4 to 60 words) of `%s`, an albert-base-shaped"
       " AlbertForSequenceClassification (albert-base-random's encoder with a random pooler and 3-label head), batches"
       " of 32 sorted by length. *Spark*: `TextClassifier` in `local[C]` over a cached DataFrame in C partitions, written"
       " to the `noop` sink. *Plain*: the same JVM, C threads each running `TextClassificationPipeline` over its share of"
       " the rows with the same batching and one kernel thread (what each Spark task does). They alternate, %s"
       " repetitions after one warm-up each; medians (each repetition's rows/s in the last columns)."
       % (lines[0].split(",")[0].split()[1], corpus.split("/")[-1], lines[0].split()[-1]), "",
       "| cores | plain rows/s | Spark rows/s | plain rows/s per core | Spark rows/s per core | Spark / plain | plain runs | Spark runs |",
       "| --- | --- | --- | --- | --- | --- | --- | --- |"]
for r in rows:
    out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (r["cores"], r["plain_rows_s"], r["spark_rows_s"],
               r["plain_per_core"], r["spark_per_core"], r["spark_over_plain"], r["plain_runs"].replace(",", ", "),
               r["spark_runs"].replace(",", ", ")))
out += ["", "Machine: %s, 2 logical CPUs, %s, Spark %s (Scala 2.13), commit %s, %s UTC. The machine is shared with"
        " other engineers' builds and tests (load average %s before the run, %s after), so single runs are noisy;"
        " read the medians and the ratio, not the absolute rows/s." % (cpu, java, spark, commit,
        datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), load_before, load_after), "",
        "Reproduce: `spark/bench/bench.sh` (`ROWS`, `REPS`, `CORPUS` override the defaults; needs ../shared).",
        "<!-- spark-bench:end -->"]
section = "\n".join(out) + "\n"
text = open("BENCHMARKS.md").read()
begin, end = "<!-- spark-bench:begin", "<!-- spark-bench:end -->\n"
if begin in text:
    text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + section
open("BENCHMARKS.md", "w").write(text)
print(section)
PY
