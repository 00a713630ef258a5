#!/usr/bin/env python3
"""Vendors the wasm32-wasip1 tests of the WASI test suite into this directory.

    python3 vendor.py GIT_DIR [COMMIT]

GIT_DIR is a clone of https://github.com/WebAssembly/wasi-testsuite (a bare one will do) and
COMMIT a commit of its `prod/testsuite-base` branch, which holds the prebuilt modules (default:
that branch). For each language (assemblyscript, c, rust) the files under
`tests/LANG/testsuite/wasm32-wasip1/` (modules, JSON specs, `manifest.json`, the `fs-tests.dir`
trees the tests run in) are copied to `LANG/` here, replacing what was there.

Modules are copied with their DWARF sections (custom sections named `.debug_*`) removed: the
Rust modules are debug builds, about 2 MB each with DWARF and 0.2 MB without, and a custom
section has no effect on what a module does (the `name` section, used for backtraces, is kept).
Nothing else is changed.
"""
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = ["assemblyscript", "c", "rust"]


def git(git_dir, *args):
    return subprocess.run(["git", "-C", git_dir, *args], check=True, capture_output=True).stdout


def leb128(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def strip_dwarf(module: bytes) -> bytes:
    assert module[:4] == b"\0asm", "not a wasm module"
    out = bytearray(module[:8])
    i = 8
    while i < len(module):
        start = i
        section_id = module[i]
        size, payload = leb128(module, i + 1)
        end = payload + size
        if section_id == 0:
            name_len, name_at = leb128(module, payload)
            name = module[name_at:name_at + name_len].decode("utf-8")
            if name.startswith(".debug_"):
                i = end
                continue
        out += module[start:end]
        i = end
    return bytes(out)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    git_dir = sys.argv[1]
    commit = sys.argv[2] if len(sys.argv) == 3 else "prod/testsuite-base"
    commit = git(git_dir, "rev-parse", commit).decode().strip()
    for lang in LANGS:
        prefix = f"tests/{lang}/testsuite/wasm32-wasip1/"
        dest = HERE / lang
        if dest.exists():
            shutil.rmtree(dest)
        listing = git(git_dir, "ls-tree", "-r", "-z", commit, prefix).split(b"\0")
        for entry in filter(None, listing):
            meta, path = entry.split(b"\t", 1)
            mode, kind, obj = meta.split()
            assert kind == b"blob" and mode in (b"100644", b"100755"), entry
            path = path.decode()
            data = git(git_dir, "cat-file", "blob", obj.decode())
            if path.endswith(".wasm"):
                data = strip_dwarf(data)
            target = dest / path[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    (HERE / "LICENSE").write_bytes(git(git_dir, "show", f"{commit}:LICENSE"))
    print(commit)


if __name__ == "__main__":
    main()
