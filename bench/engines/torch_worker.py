"""PyTorch + transformers engine of the side-by-side benchmark, the same line protocol as
io.albert4j.bench.EngineWorker (driven by bench_engines.py):
    python torch_worker.py THREADS MODEL_DIR
    < run BATCH SEQ N      > ok MS1 ... MSn | SAMPLE1 ... SAMPLE8
    < quit
transformers' AlbertModel (no pooler) in float32 under torch.inference_mode, its default attention
implementation, torch.set_num_threads(THREADS), one inter-op thread.
"""
import time

START = time.perf_counter()  # before the imports: "ready" counts torch's and transformers' import time

import sys  # noqa: E402

import torch  # noqa: E402
from transformers import AlbertModel  # noqa: E402


def ids(batch, seq):
    """The ids of EngineWorker.ids: [CLS] w ... w [SEP], words in [5, 30000)."""
    return [[2 if s == 0 else 3 if s == seq - 1 else 5 + (b * 7919 + s * 104729) % 29995 for s in range(seq)]
            for b in range(batch)]


def main():
    threads, model_dir = int(sys.argv[1]), sys.argv[2]
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    model = AlbertModel.from_pretrained(model_dir, add_pooling_layer=False).eval()
    print("ready %.1f" % ((time.perf_counter() - START) * 1e3), flush=True)
    for line in sys.stdin:
        command = line.split()
        if command == ["quit"]:
            break
        if len(command) != 4 or command[0] != "run":
            print("error unknown command: " + line.strip(), flush=True)
            continue
        batch, seq, n = int(command[1]), int(command[2]), int(command[3])
        input_ids = torch.tensor(ids(batch, seq), dtype=torch.long)
        mask = torch.ones_like(input_ids)
        types = torch.zeros_like(input_ids)
        times = []
        with torch.inference_mode():
            for _ in range(n):
                t0 = time.perf_counter()
                hidden = model(input_ids=input_ids, attention_mask=mask, token_type_ids=types).last_hidden_state
                times.append((time.perf_counter() - t0) * 1e3)
        sample = hidden[batch - 1, seq - 1, :8].tolist()
        print("ok " + " ".join("%.3f" % t for t in times) + " | " + " ".join(repr(v) for v in sample), flush=True)


if __name__ == "__main__":
    main()
