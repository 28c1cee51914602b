#!/usr/bin/python3
"""Replaces one generated section of a Markdown file with stdin, leaving the rest of the file as it is:
    ... | splice_section.py FILE NAME WRITER
The section lies between "<!-- NAME:begin (written by WRITER) -->" and "<!-- NAME:end -->"; a file
without it gets it appended. scripts/bench-engines.sh, scripts/bench.sh and spark/bench/bench.sh each
own one section of BENCHMARKS.md this way."""
import sys

path, name, writer = sys.argv[1:4]
begin, end = "<!-- %s:begin" % name, "<!-- %s:end -->\n" % name
section = "%s (written by %s) -->\n%s\n%s" % (begin, writer, sys.stdin.read().strip("\n"), end)
try:
    text = open(path).read()
except FileNotFoundError:
    text = ""
if begin in text and end in text:
    text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    text = (text.rstrip("\n") + "\n\n" if text else "") + section
open(path, "w").write(text)
