"""Prints 'name ACCEPT' or 'name REFUSE <reason>' for each file in a directory, as the reference
safetensors reader (the Rust crate behind the Python package) decides. Used by
SafetensorsDifferentialTest; opening validates the whole header and the data-area coverage."""
import os
import sys

import safetensors
from safetensors import safe_open

directory = sys.argv[1]
print("version", safetensors.__version__)
for name in sorted(os.listdir(directory)):
    try:
        with safe_open(os.path.join(directory, name), framework="numpy") as f:
            list(f.keys())
        print(name, "ACCEPT")
    except Exception as e:  # the reference raises SafetensorError; any refusal counts
        print(name, "REFUSE", type(e).__name__, str(e).replace("\n", " ")[:200])
