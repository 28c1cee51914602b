#!/usr/bin/env python3
"""Train the small demonstration ALBERT model shipped in models/albert-demo/.

Pure PyTorch (no transformers / safetensors packages needed): the model below uses
Hugging Face's exact AlbertForPreTraining parameter names, and the checkpoint is written
in Hugging Face layout (config.json, model.safetensors in F16, spiece.model,
tokenizer_config.json, special_tokens_map.json).

Pretraining objectives: masked LM (15%, whole-word n-gram masking with n<=3, 80% [MASK] /
10% random / 10% keep) + sentence-order prediction (A,B -> 0; B,A -> 1), on
/work/shared/corpus/*.txt with the LAST 5% of every file held out.

The schedule is time based: --minutes is the wall-clock budget of the whole script
(data preparation, training, final evaluation); the learning rate is a function of the
elapsed training time (linear warmup, then linear decay to 0 at the deadline).

Usage:
  nice -n 10 /usr/bin/python3 scripts/train_demo_model.py --minutes 70

Needs: PyTorch (tested with Debian's 1.13), numpy, python3-sentencepiece; on Debian:
  apt-get install -y python3-torch python3-sentencepiece libopenblas0-pthread
(without libopenblas0-pthread, Debian's torch runs on the single-threaded reference BLAS, ~10x slower).
"""
import argparse
import json
import math
import os
import random
import re
import shutil
import struct
import sys
import time
import unicodedata

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import sentencepiece as spm

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_FILES = ["wikitext-2_valid.txt", "wikitext-2_test.txt", "tinyshakespeare_input.txt",
                "botchan.txt", "austen_six_novels.txt"]
PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
SPECIAL_TOKENS = {"<pad>": 0, "<unk>": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4}
SPIECE_UNDERLINE = "\u2581"

CONFIG = {
    "architectures": ["AlbertForPreTraining"],
    "attention_probs_dropout_prob": 0.0,
    "bos_token_id": 2,
    "classifier_dropout_prob": 0.1,
    "embedding_size": 128,
    "eos_token_id": 3,
    "hidden_act": "gelu_new",
    "hidden_dropout_prob": 0.0,
    "hidden_size": 256,
    "initializer_range": 0.02,
    "inner_group_num": 1,
    "intermediate_size": 1024,
    "layer_norm_eps": 1e-12,
    "max_position_embeddings": 128,
    "model_type": "albert",
    "num_attention_heads": 4,
    "num_hidden_groups": 1,
    "num_hidden_layers": 6,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "torch_dtype": "float16",
    "transformers_version": "4.39.0.dev0",
    "type_vocab_size": 2,
    "vocab_size": 30000,
}


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


# ----------------------------------------------------------------------------------------
# Tokenizer: Hugging Face AlbertTokenizer (slow) semantics
# do_lower_case=True, remove_space=True, keep_accents=False
# ----------------------------------------------------------------------------------------
class AlbertTokenizer:
    _special_re = re.compile("(" + "|".join(re.escape(t) for t in SPECIAL_TOKENS) + ")")

    def __init__(self, spiece_path):
        self.sp = spm.SentencePieceProcessor()
        self.sp.Load(spiece_path)
        self.vocab_size = self.sp.GetPieceSize()
        self.pieces = [self.sp.IdToPiece(i) for i in range(self.vocab_size)]
        self.word_start = np.array([p.startswith(SPIECE_UNDERLINE) for p in self.pieces])

    @staticmethod
    def preprocess_text(inputs):
        outputs = " ".join(inputs.strip().split())
        outputs = outputs.replace("``", '"').replace("''", '"')
        outputs = unicodedata.normalize("NFKD", outputs)
        outputs = "".join(c for c in outputs if not unicodedata.combining(c))
        return outputs.lower()

    def _tokenize(self, text):
        text = self.preprocess_text(text)
        pieces = self.sp.EncodeAsPieces(text)
        new_pieces = []
        for piece in pieces:
            if len(piece) > 1 and piece[-1] == "," and piece[-2].isdigit():
                cur = self.sp.EncodeAsPieces(piece[:-1].replace(SPIECE_UNDERLINE, ""))
                if piece[0] != SPIECE_UNDERLINE and cur[0][0] == SPIECE_UNDERLINE:
                    if len(cur[0]) == 1:
                        cur = cur[1:]
                    else:
                        cur[0] = cur[0][1:]
                cur.append(piece[-1])
                new_pieces.extend(cur)
            else:
                new_pieces.append(piece)
        return new_pieces

    def tokenize(self, text):
        """Split on special tokens first ([MASK] has lstrip=True), like PreTrainedTokenizer."""
        parts = self._special_re.split(text)
        for i, p in enumerate(parts):
            if p == "[MASK]" and i > 0:
                parts[i - 1] = parts[i - 1].rstrip()
        out = []
        for p in parts:
            if not p:
                continue
            if p in SPECIAL_TOKENS:
                out.append(p)
            else:
                out.extend(self._tokenize(p))
        return out

    def convert_tokens_to_ids(self, tokens):
        return [SPECIAL_TOKENS[t] if t in SPECIAL_TOKENS else self.sp.PieceToId(t) for t in tokens]

    def encode(self, text):
        return self.convert_tokens_to_ids(self.tokenize(text))


# ----------------------------------------------------------------------------------------
# Model: Hugging Face AlbertForPreTraining with identical parameter names
# ----------------------------------------------------------------------------------------
def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class AlbertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["embedding_size"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["embedding_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["embedding_size"])
        self.LayerNorm = nn.LayerNorm(c["embedding_size"], eps=c["layer_norm_eps"])

    def forward(self, input_ids, token_type_ids):
        pos = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        e = self.word_embeddings(input_ids) + self.position_embeddings(pos) + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(e)


class AlbertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.num_heads = c["num_attention_heads"]
        self.head_dim = h // self.num_heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.dense = nn.Linear(h, h)
        self.LayerNorm = nn.LayerNorm(h, eps=c["layer_norm_eps"])

    def forward(self, x, ext_mask):
        b, t, h = x.shape

        def split(y):
            return y.view(b, t, self.num_heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + ext_mask
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, h)
        return self.LayerNorm(x + self.dense(ctx))


class AlbertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = AlbertAttention(c)
        self.ffn = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.ffn_output = nn.Linear(c["intermediate_size"], c["hidden_size"])
        self.full_layer_layer_norm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x, ext_mask):
        a = self.attention(x, ext_mask)
        f = self.ffn_output(gelu_new(self.ffn(a)))
        return self.full_layer_layer_norm(f + a)


class AlbertLayerGroup(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.albert_layers = nn.ModuleList([AlbertLayer(c) for _ in range(c["inner_group_num"])])

    def forward(self, x, ext_mask):
        for layer in self.albert_layers:
            x = layer(x, ext_mask)
        return x


class AlbertTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embedding_hidden_mapping_in = nn.Linear(c["embedding_size"], c["hidden_size"])
        self.albert_layer_groups = nn.ModuleList([AlbertLayerGroup(c) for _ in range(c["num_hidden_groups"])])

    def forward(self, x, ext_mask):
        x = self.embedding_hidden_mapping_in(x)
        n, g = self.c["num_hidden_layers"], self.c["num_hidden_groups"]
        for i in range(n):
            x = self.albert_layer_groups[int(i / (n / g))](x, ext_mask)
        return x


class AlbertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = AlbertEmbeddings(c)
        self.encoder = AlbertTransformer(c)
        self.pooler = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, input_ids, token_type_ids, attention_mask):
        ext = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        seq = self.encoder(self.embeddings(input_ids, token_type_ids), ext)
        pooled = torch.tanh(self.pooler(seq[:, 0]))
        return seq, pooled


class AlbertMLMHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.LayerNorm = nn.LayerNorm(c["embedding_size"], eps=c["layer_norm_eps"])
        self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))
        self.dense = nn.Linear(c["hidden_size"], c["embedding_size"])
        self.decoder = nn.Linear(c["embedding_size"], c["vocab_size"])
        self.decoder.bias = self.bias  # tied, as in HF

    def forward(self, h):
        return self.decoder(self.LayerNorm(gelu_new(self.dense(h))))


class AlbertSOPHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.classifier = nn.Linear(c["hidden_size"], 2)

    def forward(self, pooled):
        return self.classifier(pooled)


class AlbertForPreTraining(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.albert = AlbertModel(c)
        self.predictions = AlbertMLMHead(c)
        self.sop_classifier = AlbertSOPHead(c)
        self.apply(self._init)
        self.predictions.decoder.weight = self.albert.embeddings.word_embeddings.weight  # tied

    def _init(self, m):
        std = self.c["initializer_range"]
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0.0, std)
            if m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.data.normal_(0.0, std)
        elif isinstance(m, nn.LayerNorm):
            m.weight.data.fill_(1.0)
            m.bias.data.zero_()

    def forward(self, input_ids, token_type_ids, attention_mask, mlm_rows=None, mlm_cols=None):
        seq, pooled = self.albert(input_ids, token_type_ids, attention_mask)
        sop_logits = self.sop_classifier(pooled)
        if mlm_rows is not None:
            mlm_logits = self.predictions(seq[mlm_rows, mlm_cols])  # only masked positions
        else:
            mlm_logits = self.predictions(seq)
        return mlm_logits, sop_logits


def hf_state_dict(model):
    """Parameters under HF names; the tied decoder weight/bias are omitted (as save_pretrained does)."""
    sd = model.state_dict()
    return {k: v for k, v in sd.items() if k not in ("predictions.decoder.weight", "predictions.decoder.bias")}


# ----------------------------------------------------------------------------------------
# safetensors writer / reader (no external package)
# ----------------------------------------------------------------------------------------
def save_safetensors(tensors, path, dtype=torch.float16):
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().to("cpu", dtype).contiguous()
        data = t.numpy().astype("<f2").tobytes()
        header[name] = {"dtype": "F16", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n).decode("utf-8"))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F16", info
        b, e = info["data_offsets"]
        arr = np.frombuffer(data[b:e], dtype="<f2").reshape(info["shape"])
        out[name] = torch.from_numpy(arr.astype(np.float32))
    return out


def load_into(model, sd):
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [m for m in missing if m not in ("predictions.decoder.weight", "predictions.decoder.bias")]
    assert not missing and not unexpected, (missing, unexpected)
    model.predictions.decoder.weight = model.albert.embeddings.word_embeddings.weight
    model.predictions.decoder.bias = model.predictions.bias


def save_checkpoint(model, out_dir, fixtures_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2, sort_keys=True)
        f.write("\n")
    save_safetensors(hf_state_dict(model), os.path.join(out_dir, "model.safetensors"))
    for name in ("spiece.model", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copyfile(os.path.join(fixtures_dir, name), os.path.join(out_dir, name))


# ----------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------
_WT_FIXES = [(" @-@ ", "-"), (" @,@ ", ","), (" @.@ ", ".")]
_DETOK = [(re.compile(r" ([.,;:!?%)\]}])"), r"\1"), (re.compile(r"([(\[{$]) "), r"\1"),
          (re.compile(r" (n't|'s|'re|'ve|'m|'ll|'d)\b"), r"\1")]
_SENT_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[\"'A-Z0-9(])")
_WT_HEADING = re.compile(r"^\s*(=+)\s.*\s\1\s*$")


def read_split(path, holdout_frac=0.05):
    text = open(path, encoding="utf-8-sig").read()
    cut = int(len(text) * (1.0 - holdout_frac))
    nl = text.find("\n", cut)
    cut = len(text) if nl < 0 else nl + 1
    return text[:cut], text[cut:]


def to_documents(text, wikitext):
    """-> list of documents, each a list of sentences (strings)."""
    docs, cur, para = [], [], []

    def flush_para():
        if para:
            p = " ".join(l.strip() for l in para)
            para.clear()
            if wikitext:
                for a, b in _WT_FIXES:
                    p = p.replace(a, b)
                for rx, rep in _DETOK:
                    p = rx.sub(rep, p)
            cur.extend(s for s in _SENT_SPLIT.split(p) if s.strip())

    for line in text.split("\n"):
        if wikitext and _WT_HEADING.match(line):
            flush_para()
            if line.strip().startswith("= ") and not line.strip().startswith("= ="):
                if cur:
                    docs.append(cur)
                cur = []
            continue
        if not line.strip():
            flush_para()
            if not wikitext:
                # for hard-wrapped books a blank line ends a paragraph; keep the file as one document
                pass
            continue
        para.append(line)
        if wikitext:
            flush_para()  # wikitext: one paragraph per line
    flush_para()
    if cur:
        docs.append(cur)
    return docs


def tokenize_docs(tok, docs, max_piece=60):
    out = []
    for d in docs:
        sents = []
        for s in d:
            ids = tok.encode(s)
            for i in range(0, len(ids), max_piece):
                if ids[i:i + max_piece]:
                    sents.append(ids[i:i + max_piece])
        if sents:
            out.append(sents)
    return out


def make_pairs(docs, rng, max_len=128, short_prob=0.1):
    """ALBERT-style: accumulate sentences up to the target length, split at a random sentence
    boundary into segments A and B (consecutive text)."""
    max_tokens = max_len - 3
    pairs = []
    for d in docs:
        target = rng.randint(8, max_tokens) if rng.random() < short_prob else max_tokens
        chunk, length, i = [], 0, 0
        while i < len(d):
            chunk.append(d[i])
            length += len(d[i])
            if i == len(d) - 1 or length >= target:
                if len(chunk) >= 2:
                    a_end = rng.randint(1, len(chunk) - 1)
                    a = [t for s in chunk[:a_end] for t in s]
                    b = [t for s in chunk[a_end:] for t in s]
                    while len(a) + len(b) > max_tokens:  # truncate the longer, A from the front
                        if len(a) > len(b):
                            del a[0]
                        else:
                            b.pop()
                    if a and b:
                        pairs.append((a, b))
                chunk, length = [], 0
                target = rng.randint(8, max_tokens) if rng.random() < short_prob else max_tokens
            i += 1
    return pairs


def assemble(a, b):
    ids = [CLS] + a + [SEP] + b + [SEP]
    tt = [0] * (len(a) + 2) + [1] * (len(b) + 1)
    return ids, tt


def ngram_mask(ids, rng, word_start, vocab_size, mask_prob=0.15, max_pred=20, max_n=3):
    """ALBERT n-gram whole-word masking. Returns (masked_ids, positions, labels)."""
    words = []
    for i, t in enumerate(ids):
        if t in (CLS, SEP, PAD, UNK):
            continue
        if words and words[-1][-1] == i - 1 and not word_start[t] and ids[i - 1] not in (CLS, SEP, UNK):
            words[-1].append(i)
        else:
            words.append([i])
    n_tok = sum(len(w) for w in words)
    num_to_predict = min(max_pred, max(1, int(round(n_tok * mask_prob))))
    ngram_p = np.array([1.0 / n for n in range(1, max_n + 1)])
    ngram_p /= ngram_p.sum()
    order = list(range(len(words)))
    rng.shuffle(order)
    covered = set()
    chosen = []
    for wi in order:
        if len(chosen) >= num_to_predict:
            break
        n = int(np.searchsorted(np.cumsum(ngram_p), rng.random())) + 1
        span = []
        for k in range(wi, min(wi + n, len(words))):
            span.extend(words[k])
        if any(p in covered for p in span):
            span = words[wi]
            if any(p in covered for p in span):
                continue
        if len(chosen) + len(span) > num_to_predict:
            span = words[wi]
            if len(chosen) + len(span) > num_to_predict:
                continue
        covered.update(span)
        chosen.extend(span)
    chosen.sort()
    out = list(ids)
    labels = [ids[p] for p in chosen]
    for p in chosen:
        r = rng.random()
        if r < 0.8:
            out[p] = MASK
        elif r < 0.9:
            out[p] = rng.randint(5, vocab_size - 1)
    return out, chosen, labels


def make_batch(examples):
    """examples: list of (ids, tt, positions, labels, sop_label)."""
    L = max(len(e[0]) for e in examples)
    B = len(examples)
    ids = torch.zeros(B, L, dtype=torch.long)
    tt = torch.zeros(B, L, dtype=torch.long)
    am = torch.zeros(B, L, dtype=torch.long)
    rows, cols, labels, sop = [], [], [], []
    for i, e in enumerate(examples):
        n = len(e[0])
        ids[i, :n] = torch.tensor(e[0])
        tt[i, :n] = torch.tensor(e[1])
        am[i, :n] = 1
        rows += [i] * len(e[2])
        cols += e[2]
        labels += e[3]
        sop.append(e[4])
    return (ids, tt, am, torch.tensor(rows, dtype=torch.long), torch.tensor(cols, dtype=torch.long),
            torch.tensor(labels, dtype=torch.long), torch.tensor(sop, dtype=torch.long))


# ----------------------------------------------------------------------------------------
# Held-out sample + evaluation
# ----------------------------------------------------------------------------------------
def build_heldout_sample(heldout_docs, seed, n_mlm=200, n_sop=200):
    rng = random.Random(seed)
    pairs = make_pairs(heldout_docs, rng, short_prob=0.0)
    rng.shuffle(pairs)
    assert len(pairs) >= n_mlm + n_sop, len(pairs)
    mlm, sop = [], []
    for a, b in pairs[:n_mlm]:
        ids, tt = assemble(a, b)
        cand = [i for i, t in enumerate(ids) if t not in (CLS, SEP, PAD, UNK)]
        k = min(20, max(1, int(round(len(cand) * 0.15))))
        pos = sorted(rng.sample(cand, k))
        labels = [ids[p] for p in pos]
        masked = list(ids)
        for p in pos:
            masked[p] = MASK
        mlm.append({"input_ids": masked, "token_type_ids": tt, "masked_positions": pos, "labels": labels})
    sop_labels = [0] * (n_sop // 2) + [1] * (n_sop - n_sop // 2)
    rng.shuffle(sop_labels)
    for (a, b), lab in zip(pairs[n_mlm:n_mlm + n_sop], sop_labels):
        ids, tt = assemble(b, a) if lab == 1 else assemble(a, b)
        sop.append({"input_ids": ids, "token_type_ids": tt, "label": lab})
    return {
        "description": "Held-out evaluation sample for models/albert-demo: built by scripts/train_demo_model.py "
                       "(seed %d) from the last 5%% of each file in /work/shared/corpus (never trained on). "
                       "MLM: [CLS] A [SEP] B [SEP] with ~15%% of the non-special tokens (max 20) replaced by "
                       "[MASK]=4, labels are the original ids. SOP: label 0 = A,B in original order, "
                       "1 = swapped. No padding." % seed,
        "mlm": mlm,
        "sop": sop,
    }


@torch.no_grad()
def evaluate(model, sample):
    model.eval()
    top1 = top5 = total = 0
    for ex in sample["mlm"]:
        ids = torch.tensor([ex["input_ids"]])
        tt = torch.tensor([ex["token_type_ids"]])
        am = torch.ones_like(ids)
        pos = torch.tensor(ex["masked_positions"])
        logits, _ = model(ids, tt, am, torch.zeros_like(pos), pos)
        lab = torch.tensor(ex["labels"])
        t5 = logits.topk(5, dim=-1).indices
        top1 += (t5[:, 0] == lab).sum().item()
        top5 += (t5 == lab[:, None]).any(-1).sum().item()
        total += len(lab)
    sop_ok = 0
    for ex in sample["sop"]:
        ids = torch.tensor([ex["input_ids"]])
        tt = torch.tensor([ex["token_type_ids"]])
        _, s = model(ids, tt, torch.ones_like(ids), torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long))
        sop_ok += int(s.argmax(-1).item() == ex["label"])
    model.train()
    return top1 / total, top5 / total, sop_ok / len(sample["sop"]), total


PREVIEW = ["Paris is the [MASK] of France.", "The man went to the [MASK] to buy some milk.",
           "She [MASK] the door.", "It was a [MASK] day."]


@torch.no_grad()
def fill_mask_preview(model, tok):
    model.eval()
    res = []
    for text in PREVIEW:
        ids = [CLS] + tok.encode(text) + [SEP]
        pos = ids.index(MASK)
        x = torch.tensor([ids])
        logits, _ = model(x, torch.zeros_like(x), torch.ones_like(x), torch.tensor([0]), torch.tensor([pos]))
        probs = torch.softmax(logits[0], -1)
        p, i = probs.topk(5)
        res.append((text, [(tok.pieces[j], j, float(q)) for q, j in zip(p.tolist(), i.tolist())]))
    model.train()
    return res


def reloaded_copy(out_dir):
    m = AlbertForPreTraining(CONFIG)
    load_into(m, load_safetensors(os.path.join(out_dir, "model.safetensors")))
    return m


# ----------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=70.0, help="wall-clock budget of the whole script")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup-frac", type=float, default=0.06)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-minutes", type=float, default=10.0)
    ap.add_argument("--reserve-seconds", type=float, default=120.0, help="time kept for final save + eval")
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--fixtures", default="/work/shared/fixtures/models/albert-base-random")
    ap.add_argument("--out", default=os.path.join(REPO, "models", "albert-demo"))
    ap.add_argument("--heldout-json", default=os.path.join(REPO, "src", "test", "resources", "demo", "heldout-sample.json"))
    ap.add_argument("--summary-json", default=None, help="where to write the final metrics (default OUT/../albert-demo-train-summary.json)")
    args = ap.parse_args()

    t0 = time.time()
    deadline = t0 + args.minutes * 60.0 - args.reserve_seconds
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    log("args: %s" % vars(args))

    tok = AlbertTokenizer(os.path.join(args.fixtures, "spiece.model"))
    train_docs, heldout_docs = [], []
    stats = {}
    for name in CORPUS_FILES:
        train_text, held_text = read_split(os.path.join(args.corpus, name))
        wt = name.startswith("wikitext")
        td = tokenize_docs(tok, to_documents(train_text, wt))
        hd = tokenize_docs(tok, to_documents(held_text, wt))
        ntr = sum(len(s) for d in td for s in d)
        nhd = sum(len(s) for d in hd for s in d)
        stats[name] = {"train_chars": len(train_text), "heldout_chars": len(held_text),
                       "train_tokens": ntr, "heldout_tokens": nhd}
        log("%s: train %d chars / %d tokens, held-out %d chars / %d tokens, %d docs"
            % (name, len(train_text), ntr, len(held_text), nhd, len(td)))
        train_docs += td
        heldout_docs += hd

    sample = build_heldout_sample(heldout_docs, args.seed)
    os.makedirs(os.path.dirname(args.heldout_json), exist_ok=True)
    with open(args.heldout_json, "w") as f:
        json.dump(sample, f, separators=(",", ":"))
        f.write("\n")
    log("wrote held-out sample %s (%d MLM, %d SOP)" % (args.heldout_json, len(sample["mlm"]), len(sample["sop"])))

    model = AlbertForPreTraining(CONFIG)
    model.train()
    nparams = sum(p.numel() for p in model.parameters())
    log("model parameters: %d" % nparams)
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if (n.endswith("bias") or "LayerNorm" in n or "layer_norm" in n) else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.999), eps=1e-6)

    data_rng = random.Random(args.seed + 1)
    train_start = time.time()
    train_span = max(1.0, deadline - train_start)
    log("data ready after %.1fs; training for %.1f min" % (train_start - t0, train_span / 60))

    step = tokens = epoch = 0
    ema_mlm = ema_sop = None
    last_ckpt = train_start
    last_log = train_start
    done = False
    while not done:
        pairs = make_pairs(train_docs, data_rng)
        data_rng.shuffle(pairs)
        log("epoch %d: %d pairs" % (epoch, len(pairs)))
        for bi in range(0, len(pairs) - args.batch + 1, args.batch):
            now = time.time()
            frac = (now - train_start) / train_span
            if frac >= 1.0:
                done = True
                break
            lr = args.lr * (frac / args.warmup_frac if frac < args.warmup_frac
                            else max(0.0, (1.0 - frac) / (1.0 - args.warmup_frac)))
            for g in opt.param_groups:
                g["lr"] = lr
            exs = []
            for a, b in pairs[bi:bi + args.batch]:
                swap = data_rng.random() < 0.5
                ids, tt = assemble(b, a) if swap else assemble(a, b)
                mids, pos, labels = ngram_mask(ids, data_rng, tok.word_start, tok.vocab_size)
                exs.append((mids, tt, pos, labels, int(swap)))
            ids, tt, am, rows, cols, labels, sop = make_batch(exs)
            mlm_logits, sop_logits = model(ids, tt, am, rows, cols)
            mlm_loss = F.cross_entropy(mlm_logits, labels)
            sop_loss = F.cross_entropy(sop_logits, sop)
            loss = mlm_loss + sop_loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            tokens += int(am.sum())
            ema_mlm = mlm_loss.item() if ema_mlm is None else 0.98 * ema_mlm + 0.02 * mlm_loss.item()
            ema_sop = sop_loss.item() if ema_sop is None else 0.98 * ema_sop + 0.02 * sop_loss.item()
            now = time.time()
            if step <= 5 or step % 25 == 0:
                el = now - train_start
                log("step %d epoch %d lr %.2e mlm %.4f sop %.4f (ema mlm %.4f sop %.4f) tokens %d  %.0f tok/s  elapsed %.1f min"
                    % (step, epoch, lr, mlm_loss.item(), sop_loss.item(), ema_mlm, ema_sop, tokens, tokens / el, el / 60))
            if now - last_ckpt >= args.ckpt_minutes * 60:
                save_checkpoint(model, args.out, args.fixtures)
                m1, m5, sa, _ = evaluate(reloaded_copy(args.out), sample)
                log("checkpoint at step %d saved to %s; held-out (fp16 weights) mlm top1 %.4f top5 %.4f sop %.4f"
                    % (step, args.out, m1, m5, sa))
                last_ckpt = time.time()
        epoch += 1

    train_time = time.time() - train_start
    save_checkpoint(model, args.out, args.fixtures)
    log("final checkpoint saved to %s after %d steps, %d tokens, %.1f min of training"
        % (args.out, step, tokens, train_time / 60))

    # verify the written file: keys/shapes, and identical loss after reloading
    sd = load_safetensors(os.path.join(args.out, "model.safetensors"))
    ref = hf_state_dict(model)
    assert set(sd) == set(ref), set(sd) ^ set(ref)
    for k in ref:
        assert tuple(sd[k].shape) == tuple(ref[k].shape), k
    reloaded = reloaded_copy(args.out)
    half = AlbertForPreTraining(CONFIG)
    load_into(half, {k: v.detach().half().float() for k, v in ref.items()})
    reloaded.eval()
    half.eval()
    with torch.no_grad():
        a, b = pairs[0]
        ids, tt = assemble(a, b)
        mids, pos, labels = ngram_mask(ids, random.Random(0), tok.word_start, tok.vocab_size)
        batch = make_batch([(mids, tt, pos, labels, 0)])
        l1 = F.cross_entropy(reloaded(*batch[:5])[0], batch[5]).item()
        l2 = F.cross_entropy(half(*batch[:5])[0], batch[5]).item()
    log("reload check: keys %d ok, MLM loss reloaded %.6f vs in-memory fp16-rounded %.6f" % (len(sd), l1, l2))
    assert abs(l1 - l2) < 1e-4

    m1, m5, sa, nmask = evaluate(reloaded, sample)
    log("FINAL held-out (PyTorch, eval mode, fp16-rounded weights): MLM top1 %.4f top5 %.4f over %d masked positions; SOP acc %.4f over %d"
        % (m1, m5, nmask, sa, len(sample["sop"])))
    preview = fill_mask_preview(reloaded, tok)
    for text, top in preview:
        log("fill-mask %r: %s" % (text, ", ".join("%s (%.3f)" % (p, q) for p, _, q in top)))
    summary = {
        "steps": step, "tokens": tokens, "train_minutes": train_time / 60, "total_minutes": (time.time() - t0) / 60,
        "epochs_started": epoch, "batch": args.batch, "lr": args.lr, "seed": args.seed, "parameters": nparams,
        "final_ema_mlm_loss": ema_mlm, "final_ema_sop_loss": ema_sop,
        "heldout": {"mlm_top1": m1, "mlm_top5": m5, "mlm_masked_positions": nmask, "sop_accuracy": sa,
                    "sop_examples": len(sample["sop"])},
        "fill_mask": [{"text": t, "top5": [{"token": p, "id": j, "prob": q} for p, j, q in top]} for t, top in preview],
        "corpus": stats, "torch": torch.__version__,
    }
    sp = args.summary_json or os.path.join(os.path.dirname(args.out), "albert-demo-train-summary.json")
    with open(sp, "w") as f:
        json.dump(summary, f, indent=2)
    log("summary written to %s; total %.1f min" % (sp, (time.time() - t0) / 60))


if __name__ == "__main__":
    main()
