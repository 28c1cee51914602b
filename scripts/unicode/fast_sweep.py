"""Every code point through the fast tokenizer of both sides: Hugging Face's `tokenizers` (the Rust
library, through its Python binding) and albert4j (scripts/unicode/FastSweep.java, one JVM), compared on
ids and offsets. Run it with the Python whose `tokenizers` is the reference (0.23.2, as the v5 goldens:
target/venv-hf5 or target/venv-hf4 of scripts/differential.sh); it needs target/albert.jar.

  target/venv-hf5/bin/python scripts/unicode/fast_sweep.py [--jar JAR] [--model DIR] [--out target/unicode-sweep]

Contexts: the code point alone, between letters ("e" c "x") and after a space ("The " c " cat.").
All code points U+0000..U+10FFFF except surrogates. Both sides write one line per text
("ids|offsets"), the reference with encode_batch while the JVM runs; then the lines are compared. Prints
how many code points differ (in any context) and writes OUT/differences.jsonl ({"cp", "context", "text",
"expected", "actual"} per differing case) and OUT/summary.json.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from collections import Counter

import tokenizers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
MODEL = os.path.normpath(os.path.join(ROOT, "..", "shared", "fixtures", "v5", "models", "albert-tiny-maskedlm-v5"))
CONTEXTS = {"alone": ("", ""), "between-letters": ("e", "x"), "after-space": ("The ", " cat.")}
CHUNK = 100000


def code_points():
    return [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def texts():
    return [prefix + chr(cp) + suffix for cp in code_points() for prefix, suffix in CONTEXTS.values()]


def line(enc):
    return " ".join(map(str, enc.ids)) + "|" + " ".join(f"{s}-{e}" for s, e in enc.offsets)


def reference_lines(model, all_texts):
    """The library's lines, computed once per tokenizers version and tokenizer.json (kept in target/)."""
    with open(os.path.join(model, "tokenizer.json"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    path = os.path.join(ROOT, "target", f"unicode-sweep-reference-{tokenizers.__version__}-{digest}.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return f.read().split("\n")[:-1]
    tok = tokenizers.Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
    expected = []
    for start in range(0, len(all_texts), CHUNK):
        expected.extend(line(e) for e in tok.encode_batch(all_texts[start:start + CHUNK]))
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.writelines(e + "\n" for e in expected)
    os.replace(path + ".tmp", path)
    return expected


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default=MODEL)
    p.add_argument("--jar", default=os.path.join(ROOT, "target", "albert.jar"))
    p.add_argument("--out", default=os.path.join(ROOT, "target", "unicode-sweep"))
    p.add_argument("--classpath", help="albert4j's classpath (default: --jar)")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    java_file = os.path.join(args.out, "albert4j.txt")
    with open(java_file, "w") as f:
        java = subprocess.Popen(["java", "-cp", args.classpath or args.jar, os.path.join(HERE, "FastSweep.java"), args.model]
                                + [",".join(c) for c in CONTEXTS.values()], stdout=f)
    all_texts = texts()
    expected = reference_lines(args.model, all_texts)
    t1 = time.time()
    if java.wait() != 0:
        raise SystemExit(f"FastSweep.java exited with {java.returncode}")
    t2 = time.time()
    names = list(CONTEXTS)
    cps = code_points()
    differing = Counter()
    code_points_differing = set()
    with open(java_file) as f:
        actual = f.read().split("\n")[:-1]
    if len(actual) != len(expected):
        raise SystemExit(f"albert4j wrote {len(actual)} lines for {len(expected)} texts")
    with open(os.path.join(args.out, "differences.jsonl"), "w", encoding="utf-8") as out:
        for i, (exp, act) in enumerate(zip(expected, actual)):
            if exp != act:
                cp, context = cps[i // len(names)], names[i % len(names)]
                differing[context] += 1
                code_points_differing.add(cp)
                out.write(json.dumps({"cp": f"U+{cp:04X}", "context": context, "text": all_texts[i],
                                      "expected": exp, "actual": act}) + "\n")
    print(f"tokenizers {tokenizers.__version__}; {len(cps)} code points x {len(names)} contexts "
          f"(reference {t1 - t0:.0f} s, albert4j {t2 - t0:.0f} s, in parallel): {len(code_points_differing)} code points "
          f"differ ({', '.join(f'{k} {differing[k]}' for k in names)})")
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"tokenizers": tokenizers.__version__, "code_points": len(cps),
                   "differing_code_points": sorted(code_points_differing),
                   "differing_cases": dict(differing)}, f)


if __name__ == "__main__":
    main()
