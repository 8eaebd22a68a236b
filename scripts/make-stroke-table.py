#!/usr/bin/env python3
"""Writes Sources/Community/Chinese/Resources/strokes.bin from the Unihan database.

The table gives each CJK character its total stroke count as used for simplified Chinese
(the first value of Unihan's kTotalStrokes, which Unicode documents as the zh-Hans count:
黄 11, 郑 8, 苏 7 — 艹 counted as 3, 阝 as 2, as 姓氏笔画 lists on Chinese ballots count them).

Source: Debian's unicode-data package (Unicode 15.0), file
/usr/share/unicode/Unihan_IRGSources.txt.bz2:

    apt-get download unicode-data && dpkg -x unicode-data_*.deb ud
    python3 scripts/make-stroke-table.py ud/usr/share/unicode/Unihan_IRGSources.txt.bz2

Format (little-endian): repeated blocks of [first code point: u32][length: u32][length bytes],
one byte per code point, 0 where Unihan gives no count. Blocks split where 64 or more code
points in a row have no count.
"""
import bz2
import struct
import sys

source = sys.argv[1]
counts = {}
opener = bz2.open if source.endswith(".bz2") else open
with opener(source, "rt", encoding="utf-8") as lines:
    for line in lines:
        if "\tkTotalStrokes\t" not in line:
            continue
        code, _, value = line.rstrip("\n").split("\t")
        counts[int(code[2:], 16)] = int(value.split()[0])

blocks = []
for code in sorted(counts):
    if blocks and code - (blocks[-1][0] + len(blocks[-1][1])) < 64:
        start, values = blocks[-1]
        values.extend([0] * (code - start - len(values)))
        values.append(counts[code])
    else:
        blocks.append((code, [counts[code]]))

out = sys.argv[2] if len(sys.argv) > 2 else "Sources/Community/Chinese/Resources/strokes.bin"
with open(out, "wb") as file:
    for start, values in blocks:
        file.write(struct.pack("<II", start, len(values)))
        file.write(bytes(values))
print(f"{len(counts)} characters in {len(blocks)} blocks -> {out}")
