"""Python's huggingface_hub on the same cache as albert4j (HubPythonInteropTest).

usage: hf_cache.py check REPO FILE...     offline: try_to_load_from_cache + scan_cache_dir, as JSON
       hf_cache.py download REPO FILE...  hf_hub_download of each file from HF_ENDPOINT, as JSON
The cache is HF_HUB_CACHE; the caller sets HF_HUB_OFFLINE / HF_ENDPOINT.
"""
import json
import os
import sys

from huggingface_hub import hf_hub_download, scan_cache_dir, try_to_load_from_cache
from huggingface_hub.errors import EntryNotFoundError
from huggingface_hub.file_download import _CACHED_NO_EXIST


def check(repo, files):
    found = {}
    for name in files:
        path = try_to_load_from_cache(repo, name)
        if path is _CACHED_NO_EXIST:
            found[name] = "no_exist"
        elif path is None:
            found[name] = None
        else:
            found[name] = {"path": path, "real": os.path.realpath(path), "size": os.path.getsize(path)}
    info = scan_cache_dir()
    repos = []
    for r in info.repos:
        repos.append({
            "repo_id": r.repo_id,
            "refs": {ref: rev.commit_hash for ref, rev in r.refs.items()},
            "revisions": [{"commit": rev.commit_hash,
                           "files": sorted(f.file_name for f in rev.files),
                           "blobs": sorted(os.path.basename(str(f.blob_path)) for f in rev.files)}
                          for rev in r.revisions],
        })
    return {"files": found, "repos": repos, "warnings": [str(w) for w in info.warnings]}


def download(repo, files):
    paths = {}
    for name in files:
        try:
            paths[name] = hf_hub_download(repo, name)
        except EntryNotFoundError:
            paths[name] = "missing"
    return {"files": paths}


if __name__ == "__main__":
    mode, repo, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    print(json.dumps(check(repo, names) if mode == "check" else download(repo, names)))
