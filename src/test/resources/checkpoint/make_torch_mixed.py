# Generates torch-mixed.bin (zip format) and torch-mixed-legacy.bin (pre-1.6 format) with PyTorch 1.13:
# F32/F16/BF16/F64 tensors, a transposed (non-contiguous) view and an offset view sharing one storage,
# and an int64 buffer. TorchMixedFixtureTest holds the expected values. Run: python3 make_torch_mixed.py
import collections
import torch

sd = collections.OrderedDict()
sd["f32"] = torch.tensor([[1.5, -2.25, 3.0], [4.0, 5.0, 6.0]])
sd["f16"] = torch.tensor([1.0, -2.0, 65504.0, 6e-8, 0.333251953125, float("inf")], dtype=torch.float16)
sd["bf16"] = torch.tensor([1.0, -2.5, 3.140625, -float("inf")], dtype=torch.bfloat16)
sd["f64"] = torch.tensor([0.1, -1e10], dtype=torch.float64)
base = torch.arange(12, dtype=torch.float32)
sd["transposed"] = base.reshape(3, 4).t()
sd["offset"] = base[5:9]
sd["embeddings.position_ids"] = torch.arange(5).unsqueeze(0)
torch.save(sd, "torch-mixed.bin")
torch.save(sd, "torch-mixed-legacy.bin", _use_new_zipfile_serialization=False)
for k, v in sd.items():
    print(k, v.dtype, tuple(v.shape), v.stride(), v.storage_offset(), [repr(float(x)) for x in v.flatten().tolist()])
