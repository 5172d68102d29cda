"""Deflate speed and size of the parts `decider score` writes: zlib against zlib-ng and
isal, level by level, on a scored workbook (by default the 100,000-row one that
scripts/bench_batch.py leaves in bench-out/).

    python scripts/bench_batch.py          # once: writes bench-out/scored-100000.xlsx
    python scripts/bench_deflate.py [SCORED.xlsx [INPUT.xlsx]]

The parts are deflated in 2 MiB batches, as decider streams them; each figure is the
best of three runs (CPU seconds). The size is the whole workbook's with those parts so
deflated, against the input's: the goal is at most 1.5 times.
"""

from __future__ import annotations

import importlib
import sys
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet2.xml")
BATCH = 2 << 20
CANDIDATES = [("zlib", "zlib", (1, 3, 5, 6)), ("zlib-ng", "zlib_ng.zlib_ng", (1, 3, 4, 5, 6)),
              ("isal", "isal.isal_zlib", (0, 1, 2, 3))]


def deflated_size(module: Any, level: int, parts: list[bytes]) -> int:
    total = 0
    for data in parts:
        compressor = module.compressobj(level, zlib.DEFLATED, -15)
        for start in range(0, len(data), BATCH):
            total += len(compressor.compress(data[start:start + BATCH]))
        total += len(compressor.flush())
    return total


def main() -> int:
    scored = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench-out/scored-100000.xlsx"
    source = (Path(sys.argv[2]) if len(sys.argv) > 2
              else ROOT / "bench-out/portfolio-100000-v1.xlsx")
    with zipfile.ZipFile(scored) as package:
        names = [name for name in PARTS if name in package.namelist()]
        parts = [package.read(name) for name in names]
        others = sum(info.compress_size for info in package.infolist()
                     if info.filename not in names)
    overhead = scored.stat().st_size - others - sum(
        info.compress_size for info in zipfile.ZipFile(scored).infolist()
        if info.filename in names)
    print(f"{scored.name}: {', '.join(names)} ({sum(map(len, parts)) / 1e6:.1f} MB of XML); "
          f"input {source.name} {source.stat().st_size / 1e6:.2f} MB")
    for label, module_name, levels in CANDIDATES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            print(f"{label:8} not installed")
            continue
        for level in levels:
            times = []
            for _ in range(3):
                start = time.process_time()
                size = deflated_size(module, level, parts)
                times.append(time.process_time() - start)
            whole = size + others + overhead
            print(f"{label:8} level {level}: {min(times):6.3f} s, workbook "
                  f"{whole / 1e6:5.2f} MB = {whole / source.stat().st_size:.2f}x the input")
    return 0


if __name__ == "__main__":
    sys.exit(main())
