"""What Dask adds: the local process pool against a two-worker local Dask cluster, side by side.

    python scripts/bench_dask.py              # 200 workbooks and a 4,000,000-row dataset
    python scripts/bench_dask.py --rows 1000000 --files 50   # a quicker look

Workbooks: `decider score DIR -o OUT` (the local process pool) against the same command
with `--scheduler` pointing at a running two-worker cluster; both are whole processes of
the command line, one after the other. Dataset (Parquet, one part a partition): a
process pool of two reading, scoring (`score_frame`) and writing each part, against
`decider score DATASET --format parquet --scheduler ...`. The cluster is started before
the timed runs, as a user's cluster would be running already.

On a 2-core machine the cluster cannot be faster: the figures to watch are the overhead
per file and per million rows, and the peak memory of each worker, which stays bounded by
a partition's size, not the dataset's. Inputs are cached in bench-out/ (gitignored).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from distributed import Client, LocalCluster

from decider.frame import score_frame

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench-out" / "dask"
WORKERS = 2
HEADERS = ("Business unit", "Headcount", "AI maturity", "Sector", "AI budget")
SIZES = ("4,200", "38", "120", "5k+", "2.4k", "1 350", "760", "95", "<100", "100-500", None)
MATURITIES = ("POC", "Scale-up", "Mature", "Enterprise", "18 months", "9", "2 years", "pilot",
              "Scael-up", None)
SECTORS = ("banking", "Finance", "Pure tech", "Medium", "Strong", "Light", "Critical",
           "healthcare", None)
BUDGETS = ("2,5 M€", "€800k", "1.2M", "2500000", "EUR 3M", "€6.5M", "300k", "$1.2M", None)


def units(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "Business unit": [f"BU {seed}-{n}" for n in range(rows)],
        "Headcount": rng.choice(np.array(SIZES, dtype=object), rows),
        "AI maturity": rng.choice(np.array(MATURITIES, dtype=object), rows),
        "Sector": rng.choice(np.array(SECTORS, dtype=object), rows),
        "AI budget": rng.choice(np.array(BUDGETS, dtype=object), rows),
    })


def workbooks(count: int, rows: int) -> Path:
    folder = CACHE / f"workbooks-{count}x{rows}"
    if folder.is_dir() and len(list(folder.glob("*.xlsx"))) == count:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number in range(count):
        book = xlsxwriter.Workbook(str(folder / f"portfolio-{number:03}.xlsx"))
        sheet = book.add_worksheet("Portfolio")
        sheet.write_row(0, 0, HEADERS)
        for row, values in enumerate(units(rows, number).itertuples(index=False), start=1):
            for column, value in enumerate(values):
                if isinstance(value, str):
                    sheet.write_string(row, column, value)
        book.close()
    return folder


def dataset(rows: int, parts: int) -> Path:
    folder = CACHE / f"dataset-{rows}x{parts}"
    if folder.is_dir() and len(list(folder.glob("*.parquet"))) == parts:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number in range(parts):
        units(rows // parts, number).to_parquet(folder / f"part-{number:03}.parquet",
                                                index=False)
    return folder


def command(*args: object) -> float:
    """Seconds for one `decider score` process, which must succeed."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "decider", "score", *map(str, args), "-q"],
                   check=True, cwd=ROOT)
    return time.perf_counter() - started


def score_part(paths: tuple[Path, Path]) -> tuple[int, int]:
    """The process pool's task: one part read, scored and written. Peak RSS in KiB, before
    (the interpreter and its imports) and after."""
    import pyarrow.parquet  # noqa: F401  (imported before the baseline, as on the workers)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    source, target = paths
    frame = pd.read_parquet(source)
    results = score_frame(frame, size="Headcount", maturity="AI maturity", regulation="Sector",
                          budget="AI budget", multi_country=None)
    pd.concat([frame, results], axis=1).to_parquet(target, index=False)
    return before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def pool_main(source: Path, target: Path) -> None:
    """The baseline as a process of its own, as the command line is: a pool of two."""
    target.mkdir(parents=True)
    jobs = [(p, target / p.name) for p in sorted(source.glob("*.parquet"))]
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        peaks = list(pool.map(score_part, jobs))
    # The baseline is a fresh process's (its first task's); the peak, any task's.
    print(min(p[0] for p in peaks), max(p[1] for p in peaks))


def pool_dataset(source: Path, target: Path) -> tuple[float, tuple[int, int]]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--pool", str(source), str(target)],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    before, after = map(int, done.stdout.split())
    return time.perf_counter() - started, (before, after)


def warm() -> None:
    """What a worker imports to score a part, imported before its baseline is read."""
    import pyarrow.parquet  # noqa: F401

    import decider.distributed  # noqa: F401


def worker_peaks(client: Client) -> list[int]:
    found = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return [int(v) for v in found.values()]


def mib(kib: float) -> str:
    return f"{kib / 1024:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--file-rows", type=int, default=50)
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--parts", type=int, default=16)
    parser.add_argument("--pool", nargs=2, type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.pool:
        pool_main(*options.pool)
        return
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT),
                                                          os.environ.get("PYTHONPATH")]))
    out = CACHE / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    books = workbooks(options.files, options.file_rows)
    data = dataset(options.rows, options.parts)
    tiny = dataset(options.parts * 100, options.parts)  # the fixed cost of a run
    part = pd.read_parquet(next(data.glob("*.parquet")))
    part_mib = part.memory_usage(deep=True).sum() / 2**20
    results = score_frame(part, size="Headcount", maturity="AI maturity", regulation="Sector",
                          budget="AI budget", multi_country=None)
    scored_mib = part_mib + results.memory_usage(deep=True).sum() / 2**20
    print(f"inputs: {options.files} workbooks of {options.file_rows} rows; a Parquet "
          f"dataset of {options.rows:,} rows in {options.parts} parts "
          f"({part_mib:,.0f} MiB in memory a part as read, {part_mib * options.parts:,.0f} "
          "MiB in all)")

    with LocalCluster(n_workers=WORKERS, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        address = cluster.scheduler_address
        local_files = command(books, "-o", out / "books-local")
        dask_files = command(books, "-o", out / "books-dask", "--scheduler", address)

        local_rows, (pool_before, pool_peak) = pool_dataset(data, out / "rows-local")
        client.restart()  # fresh worker processes: their peak memory is this run's
        client.run(warm)
        dask_before = max(worker_peaks(client))
        dask_rows = command(data, "--format", "parquet", "-o", out / "rows-dask",
                            "--scheduler", address)
        dask_peak = max(worker_peaks(client))
        # After the big runs, when every module is in the page cache.
        local_tiny, _ = pool_dataset(tiny, out / "tiny-local")
        dask_tiny = command(tiny, "--format", "parquet", "-o", out / "tiny-dask",
                            "--scheduler", address)

    millions = options.rows / 1e6
    print(f"\n{'':34}{'process pool':>14}{'Dask, 2 workers':>17}{'ratio':>8}")
    for label, local, remote in [
            (f"{options.files} workbooks (s)", local_files, dask_files),
            (f"{options.parts * 100:,} rows (s, fixed cost)", local_tiny, dask_tiny),
            (f"{options.rows:,} rows (s)", local_rows, dask_rows)]:
        print(f"{label:34}{local:>14.2f}{remote:>17.2f}{remote / local:>8.2f}")
    print(f"{'peak memory a worker':34}{mib(pool_peak):>14}{mib(dask_peak):>17}"
          f"{dask_peak / pool_peak:>8.2f}")
    print(f"{'  of which the run':34}{mib(pool_peak - pool_before):>14}"
          f"{mib(dask_peak - dask_before):>17}")
    marginal = ((dask_rows - dask_tiny) - (local_rows - local_tiny)) / millions
    print(f"\noverhead Dask adds: {(dask_files - local_files) / options.files * 1000:+.1f} ms "
          f"a file ({options.files} files, start-up included); {dask_tiny - local_tiny:+.2f} s "
          f"a run, then {marginal:+.2f} s a million rows")
    print(f"peak memory a Dask worker: {mib(dask_peak)} ({mib(dask_peak - dask_before)} above "
          f"its start) for parts of {part_mib:,.0f} MiB as read, {scored_mib:,.0f} MiB as "
          f"scored; the dataset is {part_mib * options.parts:,.0f} MiB as read, "
          f"{scored_mib * options.parts:,.0f} MiB as scored")


if __name__ == "__main__":
    main()
