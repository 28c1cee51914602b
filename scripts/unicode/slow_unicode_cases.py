"""Reference ids of Hugging Face's slow AlbertTokenizer (transformers 4.57.6 + sentencepiece, run by
Python 3.11: Unicode 14) for code points whose Unicode data changed after Unicode 13 (issue 18), each in
three contexts. Writes src/test/resources/fixtures/tokenizer/unicode-slow-cases.json.

  target/venv-hf4/bin/python scripts/unicode/slow_unicode_cases.py   # the venv of scripts/differential.sh
"""
import json
import os
import sys
import unicodedata

import transformers
from transformers import AlbertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "differential"))
from generate import RECENT_CODE_POINTS  # noqa: E402

tok = AlbertTokenizer.from_pretrained(os.path.join(ROOT, "..", "shared", "fixtures", "models", "albert-tiny-maskedlm"))
cases = []
for cp in RECENT_CODE_POINTS:
    c = chr(cp)
    for text in (c, "e" + c + "x", "The " + c + " cat."):
        cases.append({"code_point": f"U+{cp:04X}", "text": text, "input_ids": tok(text)["input_ids"]})
out = {"reference": f"transformers {transformers.__version__} AlbertTokenizer (slow, sentencepiece) on Python "
                    f"{sys.version.split()[0]} (unicodedata {unicodedata.unidata_version}), albert-tiny-maskedlm's spiece.model",
       "generator": "scripts/unicode/slow_unicode_cases.py", "cases": cases}
path = os.path.join(ROOT, "src", "test", "resources", "fixtures", "tokenizer", "unicode-slow-cases.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
print(len(cases), "cases ->", path)
