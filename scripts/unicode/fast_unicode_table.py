"""Writes the Unicode data of the fast tokenizer (io.albert4j.tokenizer.FastUnicode), taken from the
reference itself: Hugging Face's `tokenizers` (the Rust library, through its Python binding), so that
albert4j's NFD/NFKD, StripAccents, Lowercase and whitespace split follow the Unicode tables compiled
into that library (the crates unicode-normalization-alignments and the Rust standard library), not the
JDK's (Unicode 13) and not Python's unicodedata.

  target/venv-hf4/bin/python scripts/unicode/fast_unicode_table.py   # tokenizers 0.23.2, as the v5 goldens

Every value is what the library's own normalizers answer for one code point:
  nfd, nfkd  normalizers.NFD() / NFKD() of the code point alone
  lower      normalizers.Lowercase()
  mark       normalizers.StripAccents() removes it
  space      pre_tokenizers.WhitespaceSplit() splits at it
  word       a single-word added token "q" is not matched in "q" + the code point (the library's
             is_alphanumeric() || '_' test for the character after a single-word token)
  ccc        canonical combining class, as the library's canonical reordering sees it: a code point is
             a non-starter when NFD reorders it against U+0334 (class 1) or U+0301 (class 230); its class
             is the one of Python's unicodedata, accepted only if NFD orders it against one non-starter
             of every class exactly as that class says (else the script fails). Code points the library
             treats as starters are class 0 whatever Python says (e.g. marks newer than its tables).
Output: src/main/resources/io/albert4j/tokenizer/fast-unicode.bin (gzip):
  magic "FTUC", source (UTF);
  the flags as ranges: count (int), then per range: flag (byte: 1 mark, 2 space, 4 word), first and
  last code point (ints);
  an entry for every code point whose lower case or decompositions are not itself or whose class is
  not 0: count (int), then per entry: code point (int), ccc (unsigned byte), lower, nfd, nfkd (UTF each,
  empty where it is the code point itself).
"""
import gzip
import io
import os
import sys
import unicodedata

import tokenizers
from tokenizers import AddedToken, Tokenizer, models, normalizers, pre_tokenizers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_unicode_table import utf  # noqa: E402  (Java's DataInput.readUTF format)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "main", "resources",
                   "io", "albert4j", "tokenizer", "fast-unicode.bin")
LOW, HIGH = "\u0334", "\u0301"  # canonical combining classes 1 and 230
MARK, SPACE, WORD = 1, 2, 4


def code_points():
    return [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def reorders(nfd, first, second):
    """Whether the library's NFD puts `second` before `first` (both already decomposed)."""
    return first != second and nfd.normalize_str(first + second) == second + first


def combining_classes(nfd, cps):
    """The non-starters among `cps` (decomposition-stable ones) with their classes, checked against the library."""
    starters_moved = [cp for cp in cps if reorders(nfd, chr(cp), LOW) or reorders(nfd, HIGH, chr(cp))]
    representatives = {}
    for cp in starters_moved:
        representatives.setdefault(unicodedata.combining(chr(cp)), chr(cp))
    if 0 in representatives:
        raise SystemExit(f"U+{ord(representatives[0]):04X}: a non-starter for the library, class 0 for Python")
    classes = {}
    for cp in starters_moved:
        c = chr(cp)
        v = unicodedata.combining(c)
        for w, r in representatives.items():
            expected = (w < v, w > v)  # (c r is reordered, r c is reordered)
            if (reorders(nfd, c, r), reorders(nfd, r, c)) != expected:
                raise SystemExit(f"U+{cp:04X}: the library orders it against class {w} (U+{ord(r):04X}) unlike "
                                 f"Python's class {v}; extend the probe")
        classes[cp] = v
    return classes


def word_chars(cps):
    """The code points after which a single-word added token does not match (one batch)."""
    tok = Tokenizer(models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    tok.add_tokens([AddedToken("q", single_word=True, normalized=False)])
    q = tok.token_to_id("q")
    encodings = tok.encode_batch(["q" + chr(cp) for cp in cps], add_special_tokens=False)
    return {cp for cp, e in zip(cps, encodings) if q not in e.ids}


def main():
    nfd, nfkd = normalizers.NFD(), normalizers.NFKD()
    lowercase, strip = normalizers.Lowercase(), normalizers.StripAccents()
    split = pre_tokenizers.WhitespaceSplit()
    cps = code_points()
    stable = [cp for cp in cps if nfd.normalize_str(chr(cp)) == chr(cp)]
    classes = combining_classes(nfd, stable)
    words = word_chars(cps)
    ranges, entries = [], []
    open_ranges = {}
    previous = -1
    for cp in cps + [0x110000]:
        c = chr(cp) if cp < 0x110000 else None
        flags = 0
        if c is not None:
            flags = (MARK if strip.normalize_str(c) == "" else 0) \
                | (SPACE if len(split.pre_tokenize_str("a" + c + "b")) == 2 else 0) | (WORD if cp in words else 0)
        for flag in (MARK, SPACE, WORD):
            if flags & flag and flag not in open_ranges:
                open_ranges[flag] = cp
            elif not flags & flag and flag in open_ranges:
                ranges.append((flag, open_ranges.pop(flag), previous))
        if c is None:
            break
        previous = cp
        d, kd, lower = nfd.normalize_str(c), nfkd.normalize_str(c), lowercase.normalize_str(c)
        ccc = classes.get(cp, 0)
        if ccc or lower != c or d != c or kd != c:
            entries.append((cp, ccc, *("" if v == c else v for v in (lower, d, kd))))
    buf = io.BytesIO()
    buf.write(b"FTUC")
    buf.write(utf(f"tokenizers {tokenizers.__version__}"))
    buf.write(len(ranges).to_bytes(4, "big"))
    for flag, first, last in sorted(ranges, key=lambda r: (r[1], r[0])):
        buf.write(bytes([flag]) + first.to_bytes(4, "big") + last.to_bytes(4, "big"))
    buf.write(len(entries).to_bytes(4, "big"))
    for cp, ccc, lower, d, kd in entries:
        buf.write(cp.to_bytes(4, "big"))
        buf.write(bytes([ccc]))
        buf.write(utf(lower))
        buf.write(utf(d))
        buf.write(utf(kd))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as f:
        f.write(buf.getvalue())
    print(f"tokenizers {tokenizers.__version__}: {len(ranges)} flag ranges, {len(entries)} code points with data "
          f"({len(classes)} non-starters) -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
