"""Reference encodings of Hugging Face's fast tokenizer (`tokenizers`, the Rust library, through its Python
binding: 0.23.2 as the v5 goldens) for the code points where albert4j's fast tokenizer disagreed before it
took its Unicode data from the library (scripts/unicode/fast_sweep.py, run on the JDK-based build: marks
and digits of Unicode 10-13 that the JDK 17 strips or decomposes and the library's older normalization
tables keep), each in the sweep's three contexts; the other direction, code points of Unicode 14 and 15
that the JDK does not know (the harness's RECENT_CODE_POINTS); and a seeded sample of code points where
both already agreed. Writes
src/test/resources/fixtures/tokenizer/unicode-fast-cases.json (FastUnicodeTest).

  target/venv-hf5/bin/python scripts/unicode/fast_unicode_cases.py SWEEP_SUMMARY.json
"""
import json
import os
import random
import sys

import tokenizers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from fast_sweep import CONTEXTS, MODEL, code_points  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "scripts", "differential"))
from generate import RECENT_CODE_POINTS  # noqa: E402

AGREEING_SAMPLE = 300


def main():
    with open(sys.argv[1]) as f:
        summary = json.load(f)
    differing = summary["differing_code_points"]
    others = sorted(set(code_points()) - set(differing))
    agreeing = sorted(random.Random(18).sample(others, AGREEING_SAMPLE))
    tok = tokenizers.Tokenizer.from_file(os.path.join(MODEL, "tokenizer.json"))
    cases = []
    recent = sorted(set(RECENT_CODE_POINTS) - set(differing))
    for kind, cps in (("jdk-differed", differing), ("newer-than-jdk", recent), ("jdk-agreed", agreeing)):
        for cp in cps:
            for context, (prefix, suffix) in CONTEXTS.items():
                text = prefix + chr(cp) + suffix
                enc = tok.encode(text)
                cases.append({"code_point": f"U+{cp:04X}", "kind": kind, "context": context, "text": text,
                              "input_ids": enc.ids, "offsets": [list(o) for o in enc.offsets]})
    out = {"reference": f"tokenizers {tokenizers.__version__} (Rust, Python binding), "
                        f"albert-tiny-maskedlm-v5's tokenizer.json",
           "generator": "scripts/unicode/fast_unicode_cases.py",
           "sweep": f"{summary['code_points']} code points x 3 contexts; {len(differing)} differed with the JDK's "
                    f"Unicode data (kind jdk-differed); {len(recent)} of Unicode 14-15 (newer-than-jdk); "
                    f"{AGREEING_SAMPLE} seeded others (jdk-agreed)",
           "cases": cases}
    path = os.path.join(ROOT, "src", "test", "resources", "fixtures", "tokenizer", "unicode-fast-cases.json")
    with open(path, "w", encoding="utf-8") as f:  # one case a line
        header = json.dumps({k: v for k, v in out.items() if k != "cases"}, ensure_ascii=False, indent=1)
        f.write(header[:-2] + ',\n "cases": [\n' + ",\n".join(json.dumps(c, ensure_ascii=True) for c in cases) + "\n]}\n")
    print(len(cases), "cases ->", path)


if __name__ == "__main__":
    main()
