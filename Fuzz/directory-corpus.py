#!/usr/bin/env python3
"""Turns a record folder into an input of the FuzzRecordDirectory target (see its source for
the layout): every file, folder and symbolic link under it, paths relative to the folder.
Usage: Fuzz/directory-corpus.py RECORD_DIR OUT_FILE [--link PATH=TARGET ...]"""
import os, struct, sys

def entry(kind, path, content):
    path = path.encode()
    assert len(path) < 256 and len(content) < 65536, path
    return bytes([kind, len(path)]) + path + struct.pack("<H", len(content)) + content

def main():
    folder, out, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    data = b""
    for base, dirs, files in os.walk(folder):
        dirs.sort()
        for name in dirs:
            rel = os.path.relpath(os.path.join(base, name), folder)
            data += entry(1, rel, b"")
        for name in sorted(files):
            full = os.path.join(base, name)
            rel = os.path.relpath(full, folder)
            if os.path.islink(full):
                data += entry(2, rel, os.readlink(full).encode())
            else:
                with open(full, "rb") as handle:
                    data += entry(0, rel, handle.read())
    for spec in extra:
        if spec == "--link":
            continue
        path, target = spec.split("=", 1)
        data += entry(2, path, target.encode())
    with open(out, "wb") as handle:
        handle.write(data)

main()
