#!/usr/bin/env python3
"""Train the small demonstration ALBERT model shipped in models/albert-demo/.

Pure PyTorch (no transformers / safetensors packages needed): the model below uses
Hugging Face's exact AlbertForPreTraining parameter names, and the checkpoint is written
in Hugging Face layout (config.json, model.safetensors in F16, spiece.model,
tokenizer_config.json, special_tokens_map.json).

Recipe (the model card, models/albert-demo/README.md, says why and shows the probes):
- shape for CPU throughput: embedding 128, hidden 256, intermediate 1024, 4 heads, one shared
  layer applied --layers times;
- masked LM on 15 % of the tokens (at most 20 per sequence, 80 % [MASK] / 10 % random / 10 %
  kept), token-level like the held-out evaluation and fill-mask, the 30000-way decoder only at
  the masked positions; plus sentence-order prediction (A,B -> 0; B,A -> 1);
- sequence-length warm-up: pairs of at most --short-len tokens for the first --short-steps
  steps, then 128;
- AdamW, linear warm-up, constant learning rate, then linear decay to 0 over the last
  --decay-frac of the --steps ("warmup-stable-decay": the stable phase can be extended while a
  run is in progress without changing what has been trained so far);
- bf16 autocast (CPU with AVX512-BF16, or CUDA) where available.

The schedule and the data order are functions of the step number and --seed only, so a run is
reproducible and --resume continues it exactly (from target/demo-train/checkpoint.pt, written
every --ckpt-minutes). Data: ../shared/corpus/*.txt (the files below) with the LAST 5 % of every
file held out; the held-out sample src/test/resources/demo/heldout-sample.json is rebuilt from it
(identical to the previous model's).

Usage (one command from a fresh clone; CPU, or --device cuda on a GPU):
  python3 -m venv target/trainvenv
  target/trainvenv/bin/pip install torch==2.13.0+cpu numpy sentencepiece
  nice -n 10 target/trainvenv/bin/python scripts/train_demo_model.py
or simply scripts/train_demo_model.sh, which does the three.
"""
import argparse
import json
import math
import os
import random
import re
import shutil
import signal
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
INIT = {"mode": "scaled", "emb_std": 0.1, "sinusoidal_positions": True}  # set from --init / --emb-std / --pos-init

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
    "num_hidden_layers": 4,
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
    """HF's gelu_new (tanh approximation); PyTorch's fused kernel computes the same formula."""
    return F.gelu(x, approximate="tanh")


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

    def forward(self, x, keep):
        """keep: [batch, 1, 1, seq] bool, True where a key may be attended to."""
        b, t, h = x.shape

        def split(y):
            return y.view(b, t, self.num_heads, self.head_dim).transpose(1, 2)  # [batch, heads, seq, head_dim]

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        # softmax(q k^T / sqrt(d) + mask) v, as HF's eager attention, in one fused kernel
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep).transpose(1, 2).reshape(b, t, h)
        return self.LayerNorm(x + self.dense(ctx))


class AlbertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = AlbertAttention(c)
        self.ffn = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.ffn_output = nn.Linear(c["intermediate_size"], c["hidden_size"])
        self.full_layer_layer_norm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x, keep):
        a = self.attention(x, keep)
        f = self.ffn_output(gelu_new(self.ffn(a)))
        return self.full_layer_layer_norm(f + a)


class AlbertLayerGroup(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.albert_layers = nn.ModuleList([AlbertLayer(c) for _ in range(c["inner_group_num"])])

    def forward(self, x, keep):
        for layer in self.albert_layers:
            x = layer(x, keep)
        return x


class AlbertTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embedding_hidden_mapping_in = nn.Linear(c["embedding_size"], c["hidden_size"])
        self.albert_layer_groups = nn.ModuleList([AlbertLayerGroup(c) for _ in range(c["num_hidden_groups"])])

    def forward(self, x, keep):
        x = self.embedding_hidden_mapping_in(x)
        n, g = self.c["num_hidden_layers"], self.c["num_hidden_groups"]
        for i in range(n):
            x = self.albert_layer_groups[int(i / (n / g))](x, keep)
        return x


class AlbertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = AlbertEmbeddings(c)
        self.encoder = AlbertTransformer(c)
        self.pooler = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, input_ids, token_type_ids, attention_mask):
        keep = attention_mask[:, None, None, :].bool()  # [batch, 1, 1, seq]
        seq = self.encoder(self.embeddings(input_ids, token_type_ids), keep)
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
        if INIT["mode"] == "scaled" and INIT.get("sinusoidal_positions"):
            self._sinusoidal_positions(self.albert.embeddings.position_embeddings.weight.data, INIT["emb_std"])
        self.predictions.decoder.weight = self.albert.embeddings.word_embeddings.weight  # tied

    @staticmethod
    def _sinusoidal_positions(table, std):
        """Transformer sinusoids (scaled to std): nearby positions start similar, and a shift by k is a
        linear map of the table, so attention to neighbouring tokens is easy to learn (the learned
        absolute position table stays an ordinary HF parameter)."""
        n, d = table.shape
        pos = torch.arange(n, dtype=torch.float32)[:, None]
        freq = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float32) / d)[None, :]
        table[:, 0::2] = torch.sin(pos * freq)
        table[:, 1::2] = torch.cos(pos * freq)
        table.mul_(std / table.std())

    def _init(self, m):
        """INIT["mode"] "hf": N(0, initializer_range) everywhere, as HF (tuned for 768+ wide layers).
        "scaled": linear layers N(0, 1/fan_in) so that activations keep unit scale at this width, and
        embeddings N(0, INIT["emb_std"]), so that queries/keys and the position embeddings are large
        enough from the start for attention to use word order (with "hf" at hidden 256 the model sat
        on the unigram plateau: the 0.02 position embeddings stayed ~6x smaller than the word ones)."""
        std = self.c["initializer_range"]
        scaled = INIT["mode"] == "scaled"
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0.0, 1.0 / math.sqrt(m.in_features) if scaled else std)
            if m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.data.normal_(0.0, INIT["emb_std"] if scaled else std)
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


PREVIEW = ["Paris is the [MASK] of France.", "The capital of France is [MASK].", "The man went to the [MASK] to buy some milk.",
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
# Training stream: a pure function of (seed, step)
# ----------------------------------------------------------------------------------------
def token_mask(ids, rng, vocab_size, mask_prob=0.15, max_pred=20):
    """BERT token-level masking, the way the held-out sample and fill-mask use [MASK]:
    ~mask_prob of the non-special tokens (at most max_pred); 80 % [MASK], 10 % random, 10 % kept."""
    cand = [i for i, t in enumerate(ids) if t not in (CLS, SEP, PAD, UNK)]
    k = min(max_pred, max(1, int(round(len(cand) * mask_prob))))
    pos = sorted(rng.sample(cand, k))
    out = list(ids)
    labels = [ids[p] for p in pos]
    for p in pos:
        r = rng.random()
        if r < 0.8:
            out[p] = MASK
        elif r < 0.9:
            out[p] = rng.randint(5, vocab_size - 1)
    return out, pos, labels


def seq_len_at(step, args):
    return args.short_len if step < args.short_steps else CONFIG["max_position_embeddings"]


def batch_stream(train_docs, args, vocab_size, start_step=0):
    """Yields (step, batch) for step >= start_step. Epoch e shuffles pairs with Random(seed, e);
    the masking of step s uses Random(seed, s). An epoch ends early where the sequence length
    changes, so the stream is the same whether or not a run was resumed."""
    step = epoch = 0
    while True:
        max_len = seq_len_at(step, args)
        rng = random.Random(args.seed * 1_000_003 + epoch)
        pairs = make_pairs(train_docs, rng, max_len=max_len)
        rng.shuffle(pairs)
        n_batches = len(pairs) // args.batch
        for bi in range(n_batches):
            if seq_len_at(step, args) != max_len:
                break
            if step >= start_step:
                mrng = random.Random(args.seed * 7_919 + step * 104_729)
                exs = []
                for a, b in pairs[bi * args.batch:(bi + 1) * args.batch]:
                    swap = mrng.random() < 0.5
                    ids, tt = assemble(b, a) if swap else assemble(a, b)
                    mids, pos, labels = token_mask(ids, mrng, vocab_size, args.mask_prob,
                                                   max(1, round(20 * max_len / 128)))
                    exs.append((mids, tt, pos, labels, int(swap)))
                yield step, epoch, make_batch(exs)
            step += 1
        epoch += 1


def peak_lr_at(step, args):
    """--lr, or the last --lr-change STEP:LR whose STEP <= step."""
    lr = args.lr
    for change in args.lr_change:
        at, value = change.split(":")
        if step >= int(at):
            lr = float(value)
    return lr


def lr_at(step, args):
    decay_start = int(args.steps * (1.0 - args.decay_frac))
    lr = peak_lr_at(step, args)
    if step < args.warmup_steps:
        return lr * (step + 1) / args.warmup_steps
    if step < decay_start:
        return lr
    return lr * max(0.0, (args.steps - step) / max(1, args.steps - decay_start))


def make_optimizer(model, args):
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if (n.endswith("bias") or "LayerNorm" in n or "layer_norm" in n) else decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.98), eps=1e-6)


def save_training_state(path, model, opt, step, tokens, train_seconds, history):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "tokens": tokens,
                "train_seconds": train_seconds, "config": CONFIG, "history": history}, tmp)
    os.replace(tmp, path)


def pick_device(name):
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        log("CUDA is not available: falling back to the CPU")
        name = "cpu"
    return torch.device(name)


def bf16_supported(device):
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


# ----------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=4000, help="optimizer steps of the whole run")
    ap.add_argument("--batch", type=int, default=16, help="sequences per step")
    ap.add_argument("--lr", type=float, default=1e-3, help="peak learning rate")
    ap.add_argument("--lr-change", action="append", default=[], metavar="STEP:LR",
                    help="from STEP on, the peak learning rate is LR (repeatable)")
    ap.add_argument("--warmup-steps", type=int, default=300)
    ap.add_argument("--decay-frac", type=float, default=0.25, help="last fraction of --steps decaying linearly to 0")
    ap.add_argument("--short-len", type=int, default=64, help="sequence length of the first --short-steps steps")
    ap.add_argument("--short-steps", type=int, default=3000)
    ap.add_argument("--mask-prob", type=float, default=0.15)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--layers", type=int, default=CONFIG["num_hidden_layers"], help="applications of the shared layer")
    ap.add_argument("--hidden", type=int, default=CONFIG["hidden_size"])
    ap.add_argument("--intermediate", type=int, default=CONFIG["intermediate_size"])
    ap.add_argument("--heads", type=int, default=CONFIG["num_attention_heads"])
    ap.add_argument("--init", choices=["scaled", "hf"], default="scaled", help="weight initialization (see _init)")
    ap.add_argument("--pos-init", choices=["sinusoidal", "random"], default="sinusoidal",
                    help="initial position embeddings with --init scaled")
    ap.add_argument("--emb-std", type=float, default=0.1, help="std of the embeddings with --init scaled")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--device", default="auto", help="auto, cpu or cuda (falls back to the CPU)")
    ap.add_argument("--bf16", choices=["auto", "on", "off"], default="auto", help="bf16 autocast")
    ap.add_argument("--compile", action="store_true", help="torch.compile the model")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--eval-minutes", type=float, default=20.0, help="held-out evaluation interval (0: never)")
    ap.add_argument("--resume", action="store_true", help="continue from --state")
    ap.add_argument("--stop-minutes", type=float, default=0.0,
                    help="save the state and stop after this many minutes (a probe, or to continue later with --resume)")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(REPO), "shared", "corpus"))
    ap.add_argument("--fixtures", default=os.path.join(os.path.dirname(REPO), "shared", "fixtures", "models", "albert-base-random"))
    ap.add_argument("--state", default=os.path.join(REPO, "target", "demo-train", "checkpoint.pt"))
    ap.add_argument("--out", default=os.path.join(REPO, "models", "albert-demo"))
    ap.add_argument("--heldout-json", default=os.path.join(REPO, "src", "test", "resources", "demo", "heldout-sample.json"))
    ap.add_argument("--summary-json", default=None, help="final metrics (default OUT/train-summary.json)")
    args = ap.parse_args()

    t0 = time.time()
    CONFIG.update(num_hidden_layers=args.layers, hidden_size=args.hidden, intermediate_size=args.intermediate,
                  num_attention_heads=args.heads)
    INIT.update(mode=args.init, emb_std=args.emb_std, sinusoidal_positions=args.pos_init == "sinusoidal")
    device = pick_device(args.device)
    use_bf16 = args.bf16 == "on" or (args.bf16 == "auto" and bf16_supported(device))
    if device.type == "cpu":
        torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    log("args: %s" % vars(args))
    log("torch %s, device %s, bf16 autocast %s, threads %d" % (torch.__version__, device, use_bf16, torch.get_num_threads()))

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

    model = AlbertForPreTraining(CONFIG).to(device)
    model.train()
    nparams = sum(p.numel() for p in model.parameters())
    log("model parameters: %d" % nparams)
    opt = make_optimizer(model, args)
    step = tokens = 0
    train_seconds = 0.0
    history = []
    if args.resume and os.path.exists(args.state):
        st = torch.load(args.state, map_location=device)
        assert st["config"] == CONFIG, "the checkpoint %s has another shape: %s" % (args.state, st["config"])
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, tokens, train_seconds, history = st["step"], st["tokens"], st["train_seconds"], st["history"]
        log("resumed from %s at step %d (%d tokens, %.1f min of training)" % (args.state, step, tokens, train_seconds / 60))
    elif args.resume:
        log("no %s: starting from scratch" % args.state)
    fwd = torch.compile(model) if args.compile else model
    interrupted = []
    signal.signal(signal.SIGTERM, lambda *_: interrupted.append(True))

    seg_start = time.time()
    last_ckpt = last_eval = seg_start
    seg_tokens = seg_steps = 0
    ema_mlm = ema_sop = None
    stopped = False
    log("data ready after %.1fs; training steps %d..%d" % (seg_start - t0, step, args.steps))
    for s, epoch, batch in batch_stream(train_docs, args, tok.vocab_size, start_step=step):
        if s >= args.steps:
            break
        lr = lr_at(s, args)
        for g in opt.param_groups:
            g["lr"] = lr
        ids, tt, am, rows, cols, labels, sop = (x.to(device, non_blocking=True) for x in batch)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_bf16):
            mlm_logits, sop_logits = fwd(ids, tt, am, rows, cols)
        mlm_loss = F.cross_entropy(mlm_logits.float(), labels)
        sop_loss = F.cross_entropy(sop_logits.float(), sop)
        loss = mlm_loss + sop_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step = s + 1
        n = int(am.sum())
        tokens += n
        seg_tokens += n
        seg_steps += 1
        ml, sl = mlm_loss.item(), sop_loss.item()
        ema_mlm = ml if ema_mlm is None else 0.98 * ema_mlm + 0.02 * ml
        ema_sop = sl if ema_sop is None else 0.98 * ema_sop + 0.02 * sl
        now = time.time()
        if step <= 3 or step % 50 == 0:
            el = now - seg_start
            log("step %d epoch %d len %d lr %.2e mlm %.4f sop %.4f (ema mlm %.4f sop %.4f) tokens %d  %.0f tok/s %.3f s/step"
                % (step, epoch, seq_len_at(s, args), lr, ml, sl, ema_mlm, ema_sop, tokens, seg_tokens / el,
                   el / seg_steps))
        if args.eval_minutes > 0 and now - last_eval >= args.eval_minutes * 60:
            m1, m5, sa, _ = evaluate(cpu_fp16_copy(model), sample)
            history.append({"step": step, "tokens": tokens, "minutes": (train_seconds + now - seg_start) / 60,
                            "ema_mlm": ema_mlm, "ema_sop": ema_sop, "mlm_top1": m1, "mlm_top5": m5, "sop": sa})
            log("held-out at step %d (fp16 weights): mlm top1 %.4f top5 %.4f sop %.4f" % (step, m1, m5, sa))
            last_eval = time.time()
        if now - last_ckpt >= args.ckpt_minutes * 60:
            save_training_state(args.state, model, opt, step, tokens, train_seconds + now - seg_start, history)
            log("state saved at step %d" % step)
            last_ckpt = time.time()
        if interrupted or (args.stop_minutes > 0 and now - t0 >= args.stop_minutes * 60):
            stopped = True
            break
    train_seconds += time.time() - seg_start
    save_training_state(args.state, model, opt, step, tokens, train_seconds, history)
    log("state saved to %s at step %d, %d tokens, %.1f min of training in all" % (args.state, step, tokens, train_seconds / 60))
    if stopped or step < args.steps:
        m1, m5, sa, _ = evaluate(cpu_fp16_copy(model), sample)
        log("stopped at step %d of %d; held-out (fp16 weights): mlm top1 %.4f top5 %.4f sop %.4f; continue with --resume"
            % (step, args.steps, m1, m5, sa))
        return
    export(model, args, tok, sample, step, tokens, train_seconds, history, stats, nparams, t0, device, use_bf16)


def cpu_fp16_copy(model):
    m = AlbertForPreTraining(CONFIG)
    load_into(m, {k: v.detach().to("cpu").half().float() for k, v in hf_state_dict(model).items()})
    return m


def export(model, args, tok, sample, step, tokens, train_seconds, history, stats, nparams, t0, device, use_bf16):
    model = model.to("cpu").float()
    save_checkpoint(model, args.out, args.fixtures)
    log("model written to %s after %d steps, %d tokens, %.1f min of training" % (args.out, step, tokens, train_seconds / 60))

    # verify the written file: keys/shapes, and identical loss after reloading
    sd = load_safetensors(os.path.join(args.out, "model.safetensors"))
    ref = hf_state_dict(model)
    assert set(sd) == set(ref), set(sd) ^ set(ref)
    for k in ref:
        assert tuple(sd[k].shape) == tuple(ref[k].shape), k
    reloaded = reloaded_copy(args.out)
    half = cpu_fp16_copy(model)
    reloaded.eval()
    half.eval()
    with torch.no_grad():
        ex = sample["mlm"][0]
        b = make_batch([(ex["input_ids"], ex["token_type_ids"], ex["masked_positions"], ex["labels"], 0)])
        l1 = F.cross_entropy(reloaded(*b[:5])[0], b[5]).item()
        l2 = F.cross_entropy(half(*b[:5])[0], b[5]).item()
    log("reload check: keys %d ok, MLM loss reloaded %.6f vs in-memory fp16-rounded %.6f" % (len(sd), l1, l2))
    assert abs(l1 - l2) < 1e-4

    m1, m5, sa, nmask = evaluate(reloaded, sample)
    log("FINAL held-out (PyTorch, eval mode, fp16-rounded weights): MLM top1 %.4f top5 %.4f over %d masked positions; SOP acc %.4f over %d"
        % (m1, m5, nmask, sa, len(sample["sop"])))
    preview = fill_mask_preview(reloaded, tok)
    for text, top in preview:
        log("fill-mask %r: %s" % (text, ", ".join("%s (%.3f)" % (p, q) for p, _, q in top)))
    summary = {
        "steps": step, "tokens": tokens, "train_minutes": train_seconds / 60,
        "args": {k: v for k, v in vars(args).items() if k not in ("corpus", "fixtures", "state", "out", "heldout_json", "summary_json")},
        "device": str(device), "bf16_autocast": use_bf16, "parameters": nparams,
        "heldout": {"mlm_top1": m1, "mlm_top5": m5, "mlm_masked_positions": nmask, "sop_accuracy": sa,
                    "sop_examples": len(sample["sop"])},
        "history": history,
        "fill_mask": [{"text": t, "top5": [{"token": p, "id": j, "prob": q} for p, j, q in top]} for t, top in preview],
        "corpus": stats, "torch": torch.__version__,
    }
    summary["transformers_check"] = transformers_check(args.out, reloaded, tok, sample)
    sp = args.summary_json or os.path.join(args.out, "train-summary.json")
    with open(sp, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    log("summary written to %s; this invocation took %.1f min" % (sp, (time.time() - t0) / 60))


def transformers_check(out_dir, model, tok, sample):
    """With transformers installed (5.x, plus protobuf): write tokenizer.json (AlbertTokenizer's
    save_pretrained, so the folder is a transformers-5 checkpoint too; spiece.model, which
    albert4j reads, stays) and check that transformers loads the folder: the same token ids as this
    script's tokenizer, and the same MLM logits as this script's model."""
    try:
        import tempfile
        import transformers
        from transformers import AlbertForPreTraining as HFAlbert, AlbertTokenizer as HFTokenizer, AutoTokenizer
    except ImportError:
        log("transformers is not installed: no tokenizer.json written, the transformers load not checked")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        HFTokenizer.from_pretrained(out_dir).save_pretrained(tmp)
        shutil.copyfile(os.path.join(tmp, "tokenizer.json"), os.path.join(out_dir, "tokenizer.json"))
    hf_tok = AutoTokenizer.from_pretrained(out_dir)
    texts = PREVIEW + ["It is a truth universally acknowledged, that a single man in possession of a good fortune, "
                       "must be in want of a wife.", "Café costs 1,000 dollars; naïve Zoë's résumé!"]
    ids_ok = all(hf_tok(t)["input_ids"] == [CLS] + tok.encode(t) + [SEP] for t in texts)
    hf = HFAlbert.from_pretrained(out_dir, dtype=torch.float32).eval()
    model.eval()
    diff = 0.0
    with torch.no_grad():
        for ex in sample["mlm"][:8]:
            ids = torch.tensor([ex["input_ids"]])
            tt = torch.tensor([ex["token_type_ids"]])
            ours = model(ids, tt, torch.ones_like(ids))[0]
            theirs = hf(input_ids=ids, token_type_ids=tt, attention_mask=torch.ones_like(ids)).prediction_logits
            diff = max(diff, (ours - theirs).abs().max().item())
    log("transformers %s: %s, tokenizer.json written; token ids %s; MLM logits max |diff| %.2e vs this script's model"
        % (transformers.__version__, type(hf_tok).__name__, "identical" if ids_ok else "DIFFERENT", diff))
    return {"transformers": transformers.__version__, "tokenizer_class": type(hf_tok).__name__,
            "token_ids_identical": ids_ok, "mlm_logits_max_abs_diff": diff}


if __name__ == "__main__":
    main()
