"""Writes the Unicode data the slow tokenizer's Preprocessor needs, taken from Python's unicodedata,
so that albert4j normalizes exactly as the Python that runs Hugging Face's slow AlbertTokenizer,
whatever JDK it runs on (the JDK 17 tables are Unicode 13).

  python3 scripts/unicode/python_unicode_table.py   # with the Python whose Unicode version to follow

Output: src/main/resources/io/albert4j/tokenizer/python-unicode.bin (gzip), for every code point whose
str.lower() or NFKD-without-combining-marks differs from the code point itself:
  magic "PYUC", version (UTF), count (int), then per entry: code point (int), lower (UTF), nfkd (UTF).
"""
import gzip
import io
import os
import struct
import sys
import unicodedata

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "main", "resources",
                   "io", "albert4j", "tokenizer", "python-unicode.bin")


def utf(s):
    """Java's DataInput.readUTF format: length-prefixed modified UTF-8, in which a supplementary
    character is written as its two surrogates of three bytes each (no string here holds a NUL)."""
    out = bytearray()
    for ch in s:
        cp = ord(ch)
        if cp >= 0x10000:
            cp -= 0x10000
            for unit in (0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)):
                out += bytes([0xE0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3F), 0x80 | (unit & 0x3F)])
        else:
            out += chr(cp).encode("utf-8")
    return struct.pack(">H", len(out)) + bytes(out)


def main():
    entries = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        lower = c.lower()
        nfkd = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
        if lower != c or nfkd != c:
            entries.append((cp, lower, nfkd))
    buf = io.BytesIO()
    buf.write(b"PYUC")
    buf.write(utf(f"Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version}"))
    buf.write(struct.pack(">i", len(entries)))
    for cp, lower, nfkd in entries:
        buf.write(struct.pack(">i", cp))
        buf.write(utf(lower))
        buf.write(utf(nfkd))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as f:
        f.write(buf.getvalue())
    print(f"{len(entries)} code points, Unicode {unicodedata.unidata_version} -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
