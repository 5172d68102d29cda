"""Benchmark `decider score` against the naive openpyxl load, fill and save, side by side.

    python scripts/bench_batch.py                 # 100,000 business units x 8 columns
    python scripts/bench_batch.py --max-rows      # also Excel's largest sheet, 1,048,576 rows
    python scripts/bench_batch.py --max-rows --naive-max   # ... and the naive way on it too

Both contenders run end to end in their own process (interpreter start, read, score,
write), one after the other in this one run; the wall time and the peak resident memory
of each process (from wait4's rusage) are printed with their ratios. The goals of issue 4:
at least 6 times faster and at most a third of the naive peak memory on 100,000 rows;
1,048,576 rows in at most 60 s and 2 GiB. The goal of issue 9: the scored file at most
1.5 times the input's size (decider's texts are shared strings, stored once).

Both run with their bytecode cached under bench-out/pycache (as installed packages have
it; see `bytecode_env`). The generated portfolios are cached in bench-out/ (gitignored):
the 1M-row one takes a while to write. Each process is limited to 6 GiB of address space
so that a run that goes wrong cannot take the machine down.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench-out"
EXCEL_MAX_ROWS = 1_048_576
ADDRESS_SPACE_LIMIT = 6 << 30
GENERATOR_VERSION = 1  # bump when the generated content changes, to refresh the cache

HEADERS = ("Business unit", "Headcount", "AI maturity", "Sector", "AI budget", "Countries",
           "Owner", "Notes")
# Every form a survey returns, mistakes included (a dollar budget, a typo, blanks).
SIZES = ("4,200", 4200, 38, "120", "5k+", "2.4k", "1 350", 760, 95, "<100", "100-500", None)
MATURITIES = ("POC", "Scale-up", "Mature", "Enterprise", "18 months", "9", "2 years", "pilot",
              "phase 2", "3 months", "Scael-up", None)
SECTORS = ("banking", "Finance", "Pure tech", "SaaS", "Medium", "Strong", "Light", "Critical",
           "healthcare", "government", "insurance", None)
BUDGETS = ("2,5 M€", "€800k", "1.2M", 2_500_000, "EUR 3M", "€6.5M", "300k", "$1.2M", "€150k",
           "4,5 M€", 900_000, None)
COUNTRIES = (1, 3, True, False, "yes", "no", 12, 0, None)

NAIVE = r"""
import sys
import openpyxl
import pandas as pd
from decider import score_frame

source, target = sys.argv[1], sys.argv[2]
workbook = openpyxl.load_workbook(source)
sheet = workbook.active
rows = sheet.iter_rows(min_row=2, max_col=6, values_only=True)
frame = pd.DataFrame(list(rows), columns=["unit", "size", "maturity", "regulation", "budget",
                                          "countries"])
result = score_frame(frame, size="size", maturity="maturity", regulation="regulation",
                     budget="budget", multi_country="countries")
first = sheet.max_column + 1
for offset, header in enumerate(("Recommendation", "Centralization index", "Confidence",
                                 "Decider issues", "Rationale")):
    sheet.cell(1, first + offset, header)
for row, record in enumerate(result.itertuples(index=False), start=2):
    values = (record.architecture, record.index, record.confidence, record.issues,
              record.rationale)
    for offset, value in enumerate(values):
        if value is not None and value == value:  # skip None and NaN
            sheet.cell(row, first + offset, value)
workbook.save(target)
"""


@dataclass
class Measure:
    seconds: float
    cpu_seconds: float  # user + system: what the run costs even when others share the cores
    peak_bytes: int
    code: int
    stderr: str


def portfolio(rows: int) -> Path:
    """The cached portfolio of `rows` business units (plus the header row)."""
    path = CACHE / f"portfolio-{rows}-v{GENERATOR_VERSION}.xlsx"
    if path.is_file():
        return path
    CACHE.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial.xlsx")
    started = time.perf_counter()
    write_portfolio(partial, rows)
    partial.rename(path)
    print(f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return path


def write_portfolio(path: Path, rows: int) -> None:
    chooser = random.Random(4)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Portfolio")
    sheet.write_row(0, 0, HEADERS, workbook.add_format({"bold": True}))
    for row in range(1, rows + 1):
        values = (f"Business unit {row}", chooser.choice(SIZES), chooser.choice(MATURITIES),
                  chooser.choice(SECTORS), chooser.choice(BUDGETS),
                  chooser.choice(COUNTRIES), f"Owner {row % 97}",
                  "to review" if row % 7 == 0 else None)
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(row, column, value)
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            else:
                sheet.write_number(row, column, value)
    workbook.close()


def bytecode_env() -> dict[str, str]:
    """Both contenders run with their modules' bytecode cached, as an installed package
    has it (pip compiles it at install; an editable install, or PYTHONDONTWRITEBYTECODE,
    would have decider compile its sources on every start and pandas not)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def warm_bytecode() -> None:
    subprocess.run([sys.executable, "-c", "import decider.cli.score_cmd, decider.batch, "
                    "decider.workbook.summary.add, openpyxl, pandas"],
                   env=bytecode_env(), check=True)


def measure(command: list[str]) -> Measure:
    """Run `command` and return its wall time and peak RSS (its own, from wait4)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))

    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=limit, env=bytecode_env())
    assert process.stderr is not None
    stderr = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measure(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
                   process.returncode, stderr.strip())


def run_decider(source: Path, target: Path) -> Measure:
    target.unlink(missing_ok=True)
    return measure([sys.executable, "-m", "decider", "score", str(source), "-o", str(target),
                    "--quiet"])


def run_naive(source: Path, target: Path) -> Measure:
    target.unlink(missing_ok=True)
    return measure([sys.executable, "-c", NAIVE, str(source), str(target)])


def intact(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as package:
            broken = package.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        return f"NO ({error})"
    return "yes" if broken is None else f"NO ({broken} is corrupt)"


def recommendations(path: Path) -> list[object]:
    """The Recommendation column of a scored portfolio (to check both did the same work)."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    column = list(rows[0]).index("Recommendation")
    return [row[column] if column < len(row) else "" for row in rows[1:]]


def show(label: str, result: Measure) -> None:
    status = "ok" if result.code == 0 else f"exit {result.code}: {result.stderr[-300:]}"
    print(f"  {label:<28} {result.seconds:8.1f} s wall {result.cpu_seconds:8.1f} s CPU "
          f"{result.peak_bytes / 2**20:8.0f} MiB peak   {status}", flush=True)


def compare(rows: int, naive: bool) -> None:
    source = portfolio(rows)
    print(f"\n{rows:,} business units x {len(HEADERS)} columns "
          f"({source.stat().st_size / 1e6:.1f} MB), {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} (wall times stretch when others share the cores)",
          flush=True)
    ours = run_decider(source, CACHE / f"scored-{rows}.xlsx")
    show("decider score", ours)
    if ours.code == 0:
        scored = CACHE / f"scored-{rows}.xlsx"
        print(f"  output intact (every zip member's CRC checked): {intact(scored)}", flush=True)
        print(f"  output {scored.stat().st_size / 1e6:.1f} MB, "
              f"{scored.stat().st_size / source.stat().st_size:.2f}x the input's size "
              "(goal: <= 1.5x)", flush=True)
    if rows == EXCEL_MAX_ROWS - 1 and ours.code == 0:
        print(f"  Excel's largest sheet: {ours.seconds:.1f} s wall ({ours.cpu_seconds:.1f} s CPU),"
              f" {ours.peak_bytes / 2**30:.2f} GiB peak (goal: <= 60 s, <= 2 GiB)", flush=True)
    if not naive:
        return
    theirs = run_naive(source, CACHE / f"naive-{rows}.xlsx")
    show("openpyxl load, fill, save", theirs)
    if ours.code == 0 and theirs.code == 0:
        try:
            same = recommendations(CACHE / f"scored-{rows}.xlsx") == recommendations(
                CACHE / f"naive-{rows}.xlsx")
            print(f"  same recommendations on every row: {'yes' if same else 'NO'}")
        except Exception as error:  # a broken output is a result to show, not a crash
            print(f"  an output cannot be read back: {error}")
        print(f"  decider is {theirs.seconds / ours.seconds:.1f}x faster in wall time "
              f"({theirs.cpu_seconds / ours.cpu_seconds:.1f}x in CPU time) and uses "
              f"{ours.peak_bytes / theirs.peak_bytes:.2f} of the naive peak memory "
              f"(goal: >= 6x faster, <= 0.33 of the memory)", flush=True)
        sizes = [(CACHE / f"{name}-{rows}.xlsx").stat().st_size / source.stat().st_size
                 for name in ("scored", "naive")]
        print(f"  output/input size: decider {sizes[0]:.2f}x, naive {sizes[1]:.2f}x "
              "(goal: decider <= 1.5x)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000,
                        help="business units of the side-by-side comparison (100,000)")
    parser.add_argument("--max-rows", action="store_true",
                        help="also score Excel's largest sheet, 1,048,576 rows (goal: 60 s, "
                             "2 GiB)")
    parser.add_argument("--naive-max", action="store_true",
                        help="with --max-rows, run the naive way on it too (minutes, GBs)")
    arguments = parser.parse_args()
    warm_bytecode()
    compare(arguments.rows, naive=True)
    if arguments.max_rows:
        compare(EXCEL_MAX_ROWS - 1, naive=arguments.naive_max)


if __name__ == "__main__":
    main()
