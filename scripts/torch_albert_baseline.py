#!/usr/bin/python3
"""PyTorch baseline for albert4j's benchmarks: ALBERT's forward pass in plain torch modules.

There is no pip and no Hugging Face transformers on the benchmark machine, so this re-implements
what transformers 4.39's AlbertModel does at inference, op for op (eager attention with the
additive finfo.min mask, NewGELUActivation written with torch.tanh/torch.pow as Hugging Face
writes it, LayerNorm eps from config.json), and loads model.safetensors by parsing its header
with numpy. Before timing it checks itself against the golden last_hidden_state of
albert-base-random.json (1e-3).

Modes (one JSON object on stdout, the same fields as `albert.jar bench`):
  --batch B --seq-len S [--warmup N] [--iterations N]   forward pass only, random ids, full mask
  --ids-file F [--batch-size 32] [--warmup-lines 128]   Hugging Face feature-extraction pipeline
        on pre-tokenized ids (one line of space-separated ids per text, as `albert.jar bench
        --dump-ids` writes them): batches of batch_size in input order, each padded to its
        longest, forward, mean pooling over the attention mask, results in input order; --warmup
        passes over the first --warmup-lines texts, then --iterations timed passes over all.
"""
import argparse
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    base = 8 + header_len
    dtypes = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = dtypes[info["dtype"]]
        array = np.frombuffer(data, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize,
                              offset=base + start).reshape(info["shape"])
        out[name] = torch.from_numpy(array.astype(np.float32, copy=True))
    return out


class Albert(torch.nn.Module):
    """transformers' AlbertModel (no pooler) at inference, written with torch.nn.functional."""

    def __init__(self, config, w):
        super().__init__()
        self.heads = config["num_attention_heads"]
        self.hidden = config["hidden_size"]
        self.head_size = self.hidden // self.heads
        self.eps = config["layer_norm_eps"]
        self.layers = config["num_hidden_layers"]
        self.groups = config["num_hidden_groups"]
        self.inner = config["inner_group_num"]
        assert config["hidden_act"] in ("gelu_new", "gelu_fast", "gelu_pytorch_tanh"), config["hidden_act"]
        self.w = {k: torch.nn.Parameter(v, requires_grad=False) for k, v in w.items()
                  if k.startswith("albert.") and "pooler" not in k}
        for i, (k, v) in enumerate(self.w.items()):
            self.register_parameter("p%d" % i, v)

    def linear(self, x, prefix):
        return F.linear(x, self.w[prefix + ".weight"], self.w[prefix + ".bias"])

    def layer_norm(self, x, prefix):
        return F.layer_norm(x, (x.shape[-1],), self.w[prefix + ".weight"], self.w[prefix + ".bias"], self.eps)

    @staticmethod
    def gelu_new(x):  # transformers.activations.NewGELUActivation
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

    def forward(self, input_ids, attention_mask):
        b, s = input_ids.shape
        e = "albert.embeddings."
        positions = torch.arange(s).unsqueeze(0)
        types = torch.zeros_like(input_ids)
        x = (F.embedding(input_ids, self.w[e + "word_embeddings.weight"])
             + F.embedding(types, self.w[e + "token_type_embeddings.weight"])
             + F.embedding(positions, self.w[e + "position_embeddings.weight"]))
        x = self.layer_norm(x, e + "LayerNorm")
        mask = attention_mask[:, None, None, :].to(torch.float32)
        mask = (1.0 - mask) * torch.finfo(torch.float32).min
        x = self.linear(x, "albert.encoder.embedding_hidden_mapping_in")
        per_group = self.layers // self.groups
        for i in range(self.layers):
            g = i // per_group
            for j in range(self.inner):
                x = self.layer(x, mask, "albert.encoder.albert_layer_groups.%d.albert_layers.%d." % (g, j))
        return x

    def layer(self, x, mask, p):
        b, s, _ = x.shape
        a = p + "attention."

        def heads(t):
            return t.view(b, s, self.heads, self.head_size).permute(0, 2, 1, 3)

        q = heads(self.linear(x, a + "query"))
        k = heads(self.linear(x, a + "key"))
        v = heads(self.linear(x, a + "value"))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        scores = scores + mask
        probs = torch.softmax(scores, dim=-1)
        context = torch.matmul(probs, v).transpose(2, 1).flatten(2)
        attended = self.layer_norm(x + self.linear(context, a + "dense"), a + "LayerNorm")
        ffn = self.gelu_new(self.linear(attended, p + "ffn"))
        ffn = self.linear(ffn, p + "ffn_output")
        return self.layer_norm(ffn + attended, p + "full_layer_layer_norm")


def check_golden(model, golden_path):
    with open(golden_path) as f:
        golden = json.load(f)
    worst = 0.0
    for case in golden["cases"]:
        ids = torch.tensor(case["input_ids"])
        out = model(ids, torch.ones_like(ids))
        expected = torch.tensor(case["last_hidden_state_first4"])
        got = out[0, :expected.shape[0]]
        worst = max(worst, (got - expected).abs().max().item())
    if worst > 1e-3:
        sys.exit("golden check failed: max |diff| %.3g > 1e-3" % worst)
    return worst


def stats(times):
    s = sorted(times)
    n = len(s)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    p90 = s[min(n - 1, math.ceil(0.9 * n) - 1)]
    return median, p90


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--golden")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--ids-file")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--warmup-lines", type=int, default=128)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    with open(os.path.join(args.model, "config.json")) as f:
        config = json.load(f)
    model = Albert(config, load_safetensors(os.path.join(args.model, "model.safetensors"))).eval()
    result = {}
    with torch.no_grad():
        if args.golden:
            result["golden_max_abs_diff"] = check_golden(model, args.golden)
        if args.ids_file:
            with open(args.ids_file) as f:
                texts = [[int(t) for t in line.split()] for line in f if line.strip()]
            pad = config.get("pad_token_id", 0)

            def run(texts):
                out = []
                for start in range(0, len(texts), args.batch_size):
                    chunk = texts[start:start + args.batch_size]
                    longest = max(len(t) for t in chunk)
                    ids = torch.full((len(chunk), longest), pad, dtype=torch.long)
                    mask = torch.zeros((len(chunk), longest), dtype=torch.long)
                    for i, t in enumerate(chunk):
                        ids[i, :len(t)] = torch.tensor(t)
                        mask[i, :len(t)] = 1
                    hidden = model(ids, mask)
                    m = mask.unsqueeze(-1).to(hidden.dtype)
                    out.extend(((hidden * m).sum(1) / m.sum(1).clamp(min=1)).numpy())
                return out

            for _ in range(args.warmup):
                run(texts[:args.warmup_lines])
            times = []
            for _ in range(args.iterations):
                t0 = time.perf_counter()
                run(texts)
                times.append(time.perf_counter() - t0)
            median, p90 = stats(times)
            tokens = sum(len(t) for t in texts)
            result.update({"mode": "text", "threads": args.threads, "median_s": median, "p90_s": p90,
                           "iterations": len(times), "sentences": len(texts), "tokens": tokens,
                           "batch_size": args.batch_size, "sentences_per_s": len(texts) / median,
                           "tokens_per_s": tokens / median})
        else:
            g = torch.Generator().manual_seed(42)
            ids = torch.randint(5, config["vocab_size"], (args.batch, args.seq_len), generator=g)
            mask = torch.ones_like(ids)
            for _ in range(args.warmup):
                model(ids, mask)
            times = []
            for _ in range(args.iterations):
                t0 = time.perf_counter()
                model(ids, mask)
                times.append(time.perf_counter() - t0)
            median, p90 = stats(times)
            result.update({"batch": args.batch, "seq_len": args.seq_len, "threads": args.threads,
                           "median_s": median, "p90_s": p90, "seq_per_s": args.batch / median,
                           "tokens_per_s": args.batch * args.seq_len / median, "iterations": len(times)})
    result["peak_rss_mb"] = peak_rss_mb()
    result["torch"] = torch.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
