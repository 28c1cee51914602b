"""Hugging Face's answers for generated cases (run inside a venv with transformers; see differential.sh).

fast: transformers 5.17 and the checkpoints' tokenizer.json (../shared/fixtures/v5/models/*-v5), with
      ALBERT's token_type_ids restored (upstream #48128, as in the v5 goldens). Question answering comes
      from transformers 4.57.6 (5.3+ has no QA pipeline) on the same tokenizer.json and weights, with
      tokenizers 0.23.2 as in the v5 goldens (0.22 windows long contexts differently).
slow: transformers 4.57.6 with the sentencepiece AlbertTokenizer (use_fast=False) on the 4.39 checkpoints.

Usage: python reference.py MODE CASES.jsonl OUT.jsonl MODELS.json CACHE.jsonl
Each output line is {"id", "expected"} or {"id", "error"} when Hugging Face refuses the input; each
answer is also appended at once to CACHE.jsonl as {"key", "result"} (the case's "key", from the
harness), so an interrupted run keeps what it computed.
"""
import json
import os
import sys
import time
import warnings

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch

import transformers
from transformers import AutoModelForQuestionAnswering, AutoTokenizer, pipeline

warnings.filterwarnings("ignore")
transformers.logging.set_verbosity_error()

INPUT_NAMES = ["input_ids", "token_type_ids", "attention_mask"]
torch.set_num_threads(1)


def load_tokenizer(mode, directory):
    if mode == "slow":
        return AutoTokenizer.from_pretrained(directory, use_fast=False)
    tok = AutoTokenizer.from_pretrained(directory)
    tok.model_input_names = INPUT_NAMES
    return tok


class Reference:
    def __init__(self, mode, models):
        self.mode = mode
        self.models = models
        self.pipes = {}
        self.tokenizers = {}

    def tokenizer(self, name):
        if name not in self.tokenizers:
            self.tokenizers[name] = load_tokenizer(self.mode, self.models[name])
        return self.tokenizers[name]

    def pipe(self, task, name):
        key = (task, name)
        if key not in self.pipes:
            directory = self.models[name]
            if task == "question-answering" and self.mode == "fast":
                from transformers import AlbertTokenizerFast
                tok = AlbertTokenizerFast(tokenizer_file=directory + "/tokenizer.json")
                model = AutoModelForQuestionAnswering.from_pretrained(directory)
                self.pipes[key] = pipeline(task, model=model, tokenizer=tok)
            else:
                self.pipes[key] = pipeline(task, model=directory, tokenizer=load_tokenizer(self.mode, directory))
        return self.pipes[key]

    # ---- areas ---------------------------------------------------------------------------------
    def tokenizer_case(self, case):
        tok = self.tokenizer("tokenizer")
        inp, opt = case["input"], case["options"]
        kwargs = {"return_token_type_ids": True}
        if self.mode == "fast":
            kwargs["return_offsets_mapping"] = True
        if opt.get("max_length"):
            kwargs.update(max_length=opt["max_length"], truncation=opt["truncation"])
        enc = tok(inp["text"], inp.get("text_pair"), **kwargs)
        ids = enc["input_ids"]
        out = {"tokens": tok.convert_ids_to_tokens(ids), "input_ids": ids,
               "token_type_ids": enc["token_type_ids"], "attention_mask": enc["attention_mask"]}
        if self.mode == "fast":
            out["offsets"] = [list(o) for o in enc["offset_mapping"]]
        return out

    def fill_mask(self, case):
        return self.pipe("fill-mask", "fill-mask")(case["input"]["text"], **case["options"])

    def text_classification(self, case):
        inp = case["input"]
        arg = {"text": inp["text"], "text_pair": inp["text_pair"]} if "text_pair" in inp else inp["text"]
        return self.pipe("text-classification", "text-classification")(arg, **case["options"])

    def token_classification(self, case):
        name = "token-classification-" + case["input"]["model"]
        return self.pipe("token-classification", name)(case["input"]["text"], **case["options"])

    def question_answering(self, case):
        inp = case["input"]
        return self.pipe("question-answering", "question-answering")(
            question=inp["question"], context=inp["context"], **case["options"])

    def zero_shot(self, case):
        return self.pipe("zero-shot-classification", "zero-shot-classification")(
            case["input"]["text"], **case["options"])

    def features(self, case):
        return self.pipe("feature-extraction", "feature-extraction")(case["input"]["text"])

    def answer(self, case):
        handler = {"tokenizer": self.tokenizer_case, "fill-mask": self.fill_mask,
                   "text-classification": self.text_classification,
                   "token-classification": self.token_classification,
                   "question-answering": self.question_answering,
                   "zero-shot-classification": self.zero_shot,
                   "feature-extraction": self.features}[case["area"]]
        return jsonable(handler(case))


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def main():
    mode, cases_file, out_file, models_file, cache_file = sys.argv[1:6]
    with open(models_file) as f:
        models = json.load(f)
    ref = Reference(mode, models)
    seconds, counts = {}, {}
    with open(cases_file, encoding="utf-8") as f, open(out_file, "w", encoding="utf-8") as out, \
            open(cache_file, "a", encoding="utf-8") as cache:
        for line in f:
            case = json.loads(line)
            t0 = time.time()
            try:
                result = {"id": case["id"], "expected": ref.answer(case)}
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as e:  # refused (tokenizers' Rust panics too): the Java side must refuse it too
                result = {"id": case["id"], "error": f"{type(e).__name__}: {e}"[:500]}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            answer = {k: v for k, v in result.items() if k != "id"}
            cache.write(json.dumps({"key": case["key"], "result": answer}, ensure_ascii=False) + "\n")
            cache.flush()
            seconds[case["area"]] = seconds.get(case["area"], 0) + time.time() - t0
            counts[case["area"]] = counts.get(case["area"], 0) + 1
            if sum(counts.values()) % 200 == 0:
                print(f"  reference: {sum(counts.values())} cases, {sum(seconds.values()):.0f} s", file=sys.stderr, flush=True)
    for area, s in seconds.items():
        print(f"  reference {area}: {counts[area]} cases in {s:.0f} s (models loaded on first use)", file=sys.stderr)


if __name__ == "__main__":
    main()
