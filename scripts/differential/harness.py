"""Differential harness: albert4j against Hugging Face on generated inputs.

  python3 scripts/differential/harness.py --mode fast|slow [--cases N] [--seed S] [--areas a,b]

1. generate.py makes N seeded cases per area;
2. reference.py computes Hugging Face's answers in the mode's venv (made by scripts/differential.sh);
3. albert4j answers the same cases: `albert.jar serve` per checkpoint on 127.0.0.1 for the pipelines
   (the Inference API JSON a client sees), `albert.jar tokenize --input` for the tokenizer;
4. every answer is compared (strings, ids, labels and offsets exactly; scores and features within
   1e-4) and the per-area agreement counts are printed. Disagreements go to
   target/differential/<mode>/disagreements.jsonl; the exit code is 1 if there is any that is not a
   documented deviation (README, "Deviations from Hugging Face").
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.normpath(os.path.join(ROOT, "..", "shared", "fixtures"))
sys.path.insert(0, HERE)
import generate  # noqa: E402

TOLERANCE = 1e-4
TIE = 1e-5
FAST_AREAS = list(generate.AREAS)
SLOW_AREAS = [a for a in FAST_AREAS if a != "zero-shot-classification"]


def model_dirs(mode, work):
    """Checkpoint directory per role; the BIOES one is albert-tiny-tokcls relabelled (issue 18)."""
    if mode == "fast":
        base, suffix = os.path.join(FIXTURES, "v5", "models"), "-v5"
    else:
        base, suffix = os.path.join(FIXTURES, "models"), ""
    d = lambda name: os.path.join(base, name + suffix)  # noqa: E731
    models = {"tokenizer": d("albert-tiny-maskedlm"), "fill-mask": d("albert-tiny-maskedlm"),
              "text-classification": d("albert-tiny-seqcls"), "token-classification-bio": d("albert-tiny-tokcls"),
              "question-answering": d("albert-tiny-qa"), "feature-extraction": d("albert-tiny-groups")}
    if mode == "fast":
        models["zero-shot-classification"] = d("albert-tiny-seqcls-nli")
    models["token-classification-bioes"] = relabelled(models["token-classification-bio"],
                                                      os.path.join(work, "models", "tokcls-bioes"))
    return models


def relabelled(source, target):
    os.makedirs(target, exist_ok=True)
    for name in os.listdir(source):
        src, dst = os.path.join(source, name), os.path.join(target, name)
        if name == "config.json":
            with open(src) as f:
                config = json.load(f)
            labels = ["O", "S-ORG", "E-ORG", "B-PER", "U-LOC"][: len(config["id2label"])]
            config["id2label"] = {str(i): label for i, label in enumerate(labels)}
            config["label2id"] = {label: i for i, label in enumerate(labels)}
            with open(dst, "w") as f:
                json.dump(config, f, indent=2)
        elif not os.path.exists(dst):
            os.symlink(src, dst)
    return target


# ---- albert4j side --------------------------------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`albert.jar serve` on one checkpoint, on loopback."""

    def __init__(self, jar, model, mode, log):
        self.port = free_port()
        cmd = ["java", "-jar", jar, "serve", "--model", model, "--host", "127.0.0.1", "--port", str(self.port)]
        cmd += tokenizer_flag(mode)
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"albert serve --model {model} exited with {self.process.returncode}")
                time.sleep(0.5)
        raise SystemExit(f"albert serve --model {model} did not answer /health within 180 s")

    def post(self, body):
        data = json.dumps(body).encode("utf-8")
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/", data=data,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                return {"actual": json.loads(r.read())}
        except urllib.error.HTTPError as e:
            return {"error": f"HTTP {e.code}: {e.read().decode('utf-8', 'replace')[:300]}"}

    def close(self):
        self.process.terminate()
        self.process.wait(60)


TOKENIZER_OPTION = []


def tokenizer_flag(mode):
    """--tokenizer MODE where the CLI has the option (its usage lists it)."""
    return ["--tokenizer", mode] if TOKENIZER_OPTION and TOKENIZER_OPTION[0] else []


def detect_tokenizer_option(jar):
    # The usage of tokenize (picocli CLI), or the one-page usage of older jars.
    usages = [subprocess.run(["java", "-jar", jar] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
              for args in (["tokenize", "--help"], ["--help"])]
    TOKENIZER_OPTION.append(any(b"--tokenizer" in usage for usage in usages))


def request_body(case):
    inp, opt = case["input"], dict(case["options"])
    area = case["area"]
    if area == "text-classification" and "text_pair" in inp:
        inputs = {"text": inp["text"], "text_pair": inp["text_pair"]}
    elif area == "question-answering":
        inputs = {"question": inp["question"], "context": inp["context"]}
    else:
        inputs = inp["text"]
    if area == "text-classification" and "top_k" not in opt:
        opt["top_k"] = 1  # the pipeline's default answer (top label); the Inference API's default is every label
    return {"inputs": inputs, "parameters": opt}


def albert_answers(cases, models, mode, jar, work):
    answers = {}
    log = open(os.path.join(work, "albert-stderr.log"), "w")
    by_model = defaultdict(list)
    for case in cases:
        if case["area"] == "tokenizer":
            by_model["tokenizer"].append(case)
        elif case["area"] == "token-classification":
            by_model["token-classification-" + case["input"]["model"]].append(case)
        else:
            by_model[case["area"]].append(case)
    if by_model.get("tokenizer"):
        answers.update(tokenize(by_model.pop("tokenizer"), models["tokenizer"], mode, jar, work, log))
    for role, group in by_model.items():
        server = Server(jar, models[role], mode, log)
        try:
            for case in group:
                answers[case["id"]] = server.post(request_body(case))
        finally:
            server.close()
    return answers


def tokenize(cases, model, mode, jar, work, log):
    path = os.path.join(work, "tokenizer-input.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for case in cases:
            line = dict(case["input"])
            line.update({k: v for k, v in case["options"].items()})
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    cmd = ["java", "-jar", jar, "tokenize", "--model", model, "--input", path] + tokenizer_flag(mode)
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=log, check=False)
    lines = out.stdout.decode("utf-8").splitlines()
    if len(lines) != len(cases):
        raise SystemExit(f"tokenize --input printed {len(lines)} lines for {len(cases)} inputs (exit {out.returncode})")
    answers = {}
    for case, line in zip(cases, lines):
        value = json.loads(line)
        answers[case["id"]] = {"error": value["error"]} if isinstance(value, dict) and "error" in value else {"actual": value}
    return answers


# ---- comparison ----------------------------------------------------------------------------------
def unwrap(value):
    while isinstance(value, list) and len(value) == 1 and isinstance(value[0], (list, dict)):
        value = value[0]
    return value


def differences(expected, actual, path="$"):
    """The places where actual differs from expected (exact, floats within TOLERANCE)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if expected == actual else [f"{path}: expected {expected!r}, found {actual!r}"]
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(expected, int) and isinstance(actual, int):
            return [] if expected == actual else [f"{path}: expected {expected}, found {actual}"]
        return [] if abs(expected - actual) <= TOLERANCE else [f"{path}: expected {expected}, found {actual}"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for k in sorted(set(expected) | set(actual)):
            if k not in actual:
                out.append(f"{path}.{k}: missing")
            elif k not in expected:
                out.append(f"{path}.{k}: unexpected")
            else:
                out.extend(differences(expected[k], actual[k], f"{path}.{k}"))
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, found {len(actual)}"]
        if ranked(expected) and ranked(actual):
            expected, actual = tie_aligned(expected, actual)
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(differences(e, a, f"{path}[{i}]"))
        return out
    return [] if expected == actual else [f"{path}: expected {expected!r}, found {actual!r}"]


def ranked(items):
    return all(isinstance(x, dict) and "score" in x for x in items)


def tie_aligned(expected, actual):
    """Candidates whose scores tie within TIE may come in either order (float summation order)."""
    key = lambda x: (round(x["score"] / TIE), json.dumps(x, sort_keys=True))  # noqa: E731
    if [round(x["score"] / TIE) for x in expected] == [round(x["score"] / TIE) for x in actual]:
        return sorted(expected, key=key), sorted(actual, key=key)
    return expected, actual


def documented_deviation(case, mode, diffs, expected, actual):
    """The deviations README lists ("Deviations from Hugging Face"), by name, or None."""
    area, opt = case["area"], case["options"]
    if "error" in expected and "The size of tensor a" in expected["error"] and "actual" in actual:
        return "over-long-input-truncated"  # transformers fails past max_position_embeddings; albert4j truncates
    if mode != "slow":
        return None
    if area == "tokenizer" and "error" in actual and "cannot truncate" in actual["error"] and "expected" in expected:
        return "slow-truncation-refused"  # transformers 4 logs an error and returns the pair untruncated
    if area == "token-classification":
        if "error" in expected and "cannot handle subwords" in expected["error"] and "actual" in actual:
            return "slow-ner-word-aggregation"  # transformers refuses first/average/max with a slow tokenizer
        if all((".start" in d or ".end" in d) and "expected None" in d for d in diffs):
            return "slow-ner-offsets"  # the slow pipeline has no offsets; albert4j gives them
    return None


def compare(cases, expected, actual):
    rows = []
    for case in cases:
        e, a = expected[case["id"]], actual[case["id"]]
        if "error" in e or "error" in a:
            if "error" in e and "error" in a:
                rows.append((case, "agree", []))
            else:
                rows.append((case, "disagree", [f"reference: {e.get('error', 'answered')}; albert4j: {a.get('error', 'answered')}"]))
            continue
        exp, act = unwrap(e["expected"]), unwrap(a["actual"])
        if case["area"] == "tokenizer":
            # The slow tokenizer has no offsets, and its tokens keep unknown pieces (convert_ids_to_tokens
            # would say <unk>): compare ids, type ids and mask there.
            exp = {k: v for k, v in exp.items() if k in act and (k in ("input_ids", "token_type_ids", "attention_mask")
                                                                 or "offsets" in exp)}
            act = {k: v for k, v in act.items() if k in exp}
        diffs = differences(exp, act)
        rows.append((case, "agree" if not diffs else "disagree", diffs))
    return rows


def reference(args, cases, work):
    """Hugging Face's answers; fast-mode question answering runs in the transformers-4.57.6 venv."""
    groups = defaultdict(list)
    for c in cases:
        qa_elsewhere = args.mode == "fast" and c["area"] == "question-answering"
        groups[args.qa_python if qa_elsewhere else args.python].append(c)
    expected = {}
    for i, (python, group) in enumerate(groups.items()):
        if python is None:
            raise SystemExit("fast-mode question answering needs --qa-python (transformers 4.57.6)")
        cases_file = os.path.join(work, f"cases-{i}.jsonl")
        expected_file = os.path.join(work, f"expected-{i}.jsonl")
        with open(cases_file, "w", encoding="utf-8") as f:
            for c in group:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
        subprocess.run([python, os.path.join(HERE, "reference.py"), args.mode, cases_file, expected_file,
                        os.path.join(work, "models.json")], check=True)
        with open(expected_file, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                expected[r["id"]] = r
    return expected


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=["fast", "slow"], required=True)
    p.add_argument("--cases", type=int, default=2000, help="cases per area")
    p.add_argument("--seed", type=int, default=18)
    p.add_argument("--areas", default=None)
    p.add_argument("--python", required=True, help="the venv python with transformers for this mode")
    p.add_argument("--qa-python", help="fast mode: the venv python with transformers 4.57.6, whose "
                                       "question-answering pipeline 5.3+ no longer has, on tokenizers 0.23.2 "
                                       "(as the v5 goldens)")
    p.add_argument("--jar", default=os.path.join(ROOT, "target", "albert.jar"))
    args = p.parse_args()
    areas = args.areas.split(",") if args.areas else (FAST_AREAS if args.mode == "fast" else SLOW_AREAS)
    work = os.path.join(ROOT, "target", "differential", args.mode)
    os.makedirs(work, exist_ok=True)
    detect_tokenizer_option(args.jar)
    models = model_dirs(args.mode, work)
    with open(os.path.join(work, "models.json"), "w") as f:
        json.dump(models, f, indent=2)

    cases = [c for area_cases in generate.generate(args.seed, args.cases, areas).values() for c in area_cases]
    t0 = time.time()
    expected = reference(args, cases, work)
    t1 = time.time()
    actual = albert_answers(cases, models, args.mode, args.jar, work)
    t2 = time.time()

    rows = compare(cases, expected, actual)
    counts = defaultdict(Counter)
    failures = 0
    with open(os.path.join(work, "disagreements.jsonl"), "w", encoding="utf-8") as f:
        for case, verdict, diffs in rows:
            if verdict == "disagree":
                deviation = documented_deviation(case, args.mode, diffs, expected[case["id"]], actual[case["id"]])
                verdict = "documented:" + deviation if deviation else "disagree"
                f.write(json.dumps({"case": case, "verdict": verdict, "differences": diffs[:10],
                                    "expected": expected[case["id"]], "actual": actual[case["id"]]},
                                   ensure_ascii=False) + "\n")
                failures += verdict == "disagree"
            counts[case["area"]][verdict] += 1
    print(f"differential {args.mode}: seed {args.seed}, {args.cases} cases per area "
          f"(reference {t1 - t0:.0f} s, albert4j {t2 - t1:.0f} s)")
    for area in areas:
        c = counts[area]
        documented = sum(v for k, v in c.items() if k.startswith("documented:"))
        detail = ", ".join(f"{k[11:]} {v}" for k, v in sorted(c.items()) if k.startswith("documented:"))
        print(f"  {area:26s} agree {c['agree']:5d}  documented {documented:5d}  disagree {c['disagree']:5d}"
              + (f"   ({detail})" if detail else ""))
    if failures:
        print(f"{failures} disagreements outside documented deviations: {work}/disagreements.jsonl")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
