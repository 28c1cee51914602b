"""Seeded input generator for the differential harness (scripts/differential.sh).

Every case is a dict {"id", "area", "kind", "input", "options"}; the same seed gives the same cases on
every machine. Kinds:
  corpus      slices of ../shared/corpus (cut anywhere, also mid-word), and long multi-line texts
  unicode     one code point in three contexts ("c", "e c x" without spaces, "The c cat."), over the
              whole code space, always including the code points whose Unicode data changed recently
  adversarial mixes of accents, NFKC forms, CJK, emoji, zero-width and control characters, space runs,
              [MASK] glued to punctuation, `` and '' quotes, curly quotes, digits with commas, ALBERT's
              user-defined pieces ( ) " - . - £ €
Areas: tokenizer (single, pair, truncation), fill-mask, text-classification (single, pair),
token-classification, question-answering, zero-shot-classification, feature-extraction.
"""
import os
import random
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpus"))

# Combining marks and modifier letters added in Unicode 14 (Python 3.11) that older tables lack,
# plus a few from Unicode 15 (Python 3.12): the class of issue 18.
RECENT_CODE_POINTS = (list(range(0x0898, 0x08A0)) + list(range(0x08CA, 0x08D3)) + [0x0C3C, 0x1715]
                      + list(range(0x1AC1, 0x1ACF)) + [0x1DFA] + list(range(0x10F82, 0x10F86))
                      + [0x11070, 0x1E2AE, 0xA7F2, 0xA7F3, 0xA7F4, 0x107A5, 0x0CF3, 0x11F00, 0x1E4EC])

PIECES = ["(", ")", '"', "-", ".", "\u2013", "\u00a3", "\u20ac"]
ADVERSARIAL_PARTS = [
    "caf\u00e9", "na\u00efve", "\u00c5ngstr\u00f6m", "\ufb01le", "\u2460", "\uff21\uff22\uff23", "\u6771\u4eac",
    "\u0645\u0631\u062d\u0628\u0627", "\u043f\u0440\u0438\u0432\u0435\u0442", "\U0001F600", "\U0001F1EB\U0001F1F7",
    "\u200b", "\u200d", "\ufeff", "\t", "\n", "   ", "\u3000", "\x07", "[MASK].", "([MASK])", "[MASK],",
    "``quoted''", "\u201ccurly\u201d", "\u2018single\u2019", "1,000", "9,", "3.14", "234.56", "\u00a3100",
    "\u20ac5", "a\u2013b", "e\u0301", "\u1e9b\u0323", "x\u0898y", "\ua7f2", "<unk>", "[CLS]", "[SEP]",
    "don't", "U.S.A.", "--", "...", "\u00bd", "\u2122", "\u2163", "\u00aa", "\u0130stanbul", "\u00df",
    "\u039f\u0394\u039f\u03a3", "\u03a3\u03af\u03c3\u03c5\u03c6\u03bf\u03c2", "\U0001D6BA", "a\U0001D6BA",
]
QUESTIONS = ["What is it?", "Who was there?", "Where did they go?", "When did it happen?", "Why?",
             "What did he say about the house?", "Which one was chosen?", "How many were there?"]
LABEL_SETS = [["politics", "sports", "science"], ["positive", "negative"], ["travel"],
              ["cooking", "music", "history", "technology"], ["urgent", "not urgent"]]
TEMPLATES = [None, "This text is about {}.", "The topic is {}."]


def corpus_lines():
    lines = []
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".txt"):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                lines.extend(line.rstrip("\n") for line in f if line.strip())
    if not lines:
        raise SystemExit(f"no corpus text under {CORPUS}")
    return lines


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.lines = corpus_lines()
        self.next_id = 0

    # ---- texts -------------------------------------------------------------------------------
    def corpus_text(self, max_chars=400):
        r = self.rng
        line = r.choice(self.lines)
        if len(line) > max_chars or r.random() < 0.3:
            start = r.randrange(len(line))
            line = line[start:start + r.randint(1, max_chars)]
        return line

    def long_text(self, max_chars=3000):
        parts = []
        target = self.rng.randint(max_chars // 2, max_chars)
        while sum(len(p) + 1 for p in parts) < target:
            parts.append(self.rng.choice(self.lines))
        return " ".join(parts)[:max_chars]

    def unicode_text(self):
        r = self.rng
        cp = r.choice(RECENT_CODE_POINTS) if r.random() < 0.2 else self.random_code_point()
        c = chr(cp)
        return r.choice([c, "e" + c + "x", "The " + c + " cat."])

    def random_code_point(self):
        while True:
            cp = self.rng.randrange(0x20, 0x110000 if self.rng.random() < 0.3 else 0x30000)
            if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) not in ("Cs",):
                return cp

    def adversarial_text(self):
        r = self.rng
        parts = [r.choice(ADVERSARIAL_PARTS + PIECES) for _ in range(r.randint(1, 8))]
        words = self.corpus_text(80).split()
        for w in words[: r.randint(0, 4)]:
            parts.insert(r.randrange(len(parts) + 1), w)
        seps = ["", " ", "  ", "\t", " "]
        return "".join(p + r.choice(seps) for p in parts)

    def text(self, kind):
        return {"corpus": self.corpus_text, "unicode": self.unicode_text,
                "adversarial": self.adversarial_text}[kind]()

    def kind(self):
        return self.rng.choices(["corpus", "unicode", "adversarial"], [0.5, 0.2, 0.3])[0]

    # ---- cases -------------------------------------------------------------------------------
    def case(self, area, kind, inp, options):
        self.next_id += 1
        return {"id": f"{area}-{self.next_id}", "area": area, "kind": kind, "input": inp, "options": options}

    def tokenizer_case(self):
        r = self.rng
        kind = self.kind()
        shape = r.choices(["single", "pair", "truncation"], [0.6, 0.2, 0.2])[0]
        text = self.text(kind)
        if shape == "single":
            return self.case("tokenizer", kind + "/single", {"text": text}, {})
        pair = self.text(self.kind())
        if shape == "pair":
            return self.case("tokenizer", kind + "/pair", {"text": text, "text_pair": pair}, {})
        strategy = r.choice(["longest_first", "only_first", "only_second"])
        return self.case("tokenizer", kind + "/truncation", {"text": text, "text_pair": pair},
                         {"max_length": r.randint(4, 40), "truncation": strategy})

    def masked_text(self, kind):
        r = self.rng
        words = (self.corpus_text(300) if kind == "corpus" else self.text(kind) + " " + self.corpus_text(120)).split(" ")
        words = [w for w in words if w] or ["word"]
        for _ in range(r.choices([1, 2, 3], [0.7, 0.2, 0.1])[0]):
            i = r.randrange(len(words))
            words[i] = r.choice(["[MASK]", "[MASK]", "[MASK].", "([MASK]", "[MASK],"])
        return " ".join(words)[:600]

    def fill_mask_case(self):
        r = self.rng
        kind = self.kind()
        text = self.masked_text(kind)
        options = {"top_k": r.choice([1, 2, 5])}
        if r.random() < 0.25:
            pool = [w.strip(".,;:!?\"'()") for w in self.corpus_text(200).split()] + ["1,", "xyzzy", "Paris", "the"]
            options["targets"] = sorted({t for t in r.sample(pool, min(len(pool), r.randint(1, 3))) if t})
            if not options["targets"]:
                options["targets"] = ["the"]
        return self.case("fill-mask", kind, {"text": text}, options)

    def classification_case(self):
        r = self.rng
        kind = self.kind()
        inp = {"text": self.text(kind)}
        if r.random() < 0.3:
            inp["text_pair"] = self.text(self.kind())
        options = r.choice([{}, {"top_k": None}, {"top_k": 2}, {"top_k": None, "function_to_apply": "sigmoid"},
                            {"top_k": None, "function_to_apply": "none"}])
        return self.case("text-classification", kind + ("/pair" if "text_pair" in inp else ""), inp, options)

    def token_classification_case(self):
        r = self.rng
        kind = self.kind()
        options = {"aggregation_strategy": r.choice(["none", "simple", "first", "average", "max"])}
        if r.random() < 0.7:
            options["ignore_labels"] = []
        model = r.choice(["bio", "bioes"])
        return self.case("token-classification", kind + "/" + model, {"text": self.text(kind), "model": model}, options)

    def qa_case(self):
        r = self.rng
        kind = self.kind()
        context = self.long_text(r.choice([300, 1000, 3000])) if r.random() < 0.6 else self.text(kind)
        if kind != "corpus" and r.random() < 0.5:
            at = r.randrange(len(context) + 1)
            context = context[:at] + self.text(kind) + context[at:]
        question = r.choice(QUESTIONS) if r.random() < 0.8 else self.text(kind)[:80]
        max_seq_len = r.choice([32, 48, 64, 128])
        options = {"top_k": r.choice([1, 3]), "max_answer_len": r.choice([5, 15]), "max_seq_len": max_seq_len,
                   "doc_stride": r.choice([4, 8, max_seq_len // 4]),
                   "handle_impossible_answer": r.random() < 0.2}
        return self.case("question-answering", kind, {"question": question, "context": context}, options)

    def zero_shot_case(self):
        r = self.rng
        kind = self.kind()
        options = {"candidate_labels": r.choice(LABEL_SETS), "multi_label": r.random() < 0.5}
        template = r.choice(TEMPLATES)
        if template:
            options["hypothesis_template"] = template
        return self.case("zero-shot-classification", kind, {"text": self.text(kind)}, options)

    def feature_case(self):
        kind = self.kind()
        return self.case("feature-extraction", kind, {"text": self.text(kind)}, {})


AREAS = {
    "tokenizer": Generator.tokenizer_case,
    "fill-mask": Generator.fill_mask_case,
    "text-classification": Generator.classification_case,
    "token-classification": Generator.token_classification_case,
    "question-answering": Generator.qa_case,
    "zero-shot-classification": Generator.zero_shot_case,
    "feature-extraction": Generator.feature_case,
}


def generate(seed, count, areas):
    """count cases for each area, in a fixed order, from one seeded generator per area (seeded by the
    area's place in AREAS, so a run of some areas gives the cases a run of all gives them)."""
    out = {}
    for area in areas:
        g = Generator(seed * 1000 + list(AREAS).index(area))
        out[area] = [AREAS[area](g) for _ in range(count)]
    return out
