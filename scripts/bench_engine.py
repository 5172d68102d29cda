"""Benchmark of the decision engine, side by side in one run.

Builds a random portfolio (default 1,000,000 rows) whose inputs come in mixed forms,
as real sheets have them: numbers and numeric text ("4,200", "2,5 M€", "€2.5m"),
bands, labels in any case, blanks and a few bad values. It writes the rows to an .xlsx,
reads them back with python-calamine, and reports:

- rows per second of `score_frame` on the DataFrame read back;
- microseconds per `recommend` call (on a sample of the same rows);
- the ratio of `score_frame`'s time to python-calamine's read of the same rows
  (goal: at most 0.1, scoring costs at most a tenth of the read).

    python scripts/bench_engine.py [--rows N] [--seed S]
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from decider import DeciderInputError, default_policy, recommend, score_frame

HEADER = ["Business unit", "Employees", "AI maturity", "Regulation", "AI budget", "Countries"]


def _pick(rng: np.random.Generator, rows: int, choices: list[tuple[float, np.ndarray]]
          ) -> np.ndarray:
    """Rows drawn from several pools of values, each with its share."""
    weights = np.array([share for share, _ in choices])
    which = rng.choice(len(choices), size=rows, p=weights / weights.sum())
    out = np.empty(rows, dtype=object)
    for index, (_, pool) in enumerate(choices):
        mask = which == index
        out[mask] = pool[rng.integers(0, len(pool), mask.sum())]
    return out


def _cases(labels: list[str]) -> np.ndarray:
    return np.array([form for label in labels
                     for form in (label, label.upper(), label.lower(), f" {label.title()} ")],
                    dtype=object)


def portfolio(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 20_000, 20_000)
    size = _pick(rng, rows, [
        (0.45, sizes.astype(object)),
        (0.10, (sizes + 0.5).astype(object)),
        (0.10, np.array([f"{n:,}" for n in sizes[:5000] // 10 * 10], dtype=object)),
        (0.05, np.array([f"{n:,}".replace(",", " ") for n in sizes[:5000]], dtype=object)),
        (0.08, np.array([f"{n / 1000:.1f}k" for n in sizes[:3000]], dtype=object)),
        (0.15, _cases(["<100", "100-500", "500-5k", "5k+"])),
        (0.06, np.array([None], dtype=object)),
        (0.01, np.array(["lots", "-5", "n/a"], dtype=object)),
    ])
    months = rng.integers(1, 60, 60)
    maturity = _pick(rng, rows, [
        (0.40, _cases(["POC", "Scale-up", "Mature", "Enterprise", "pilot", "scaling",
                       "phase 2"])),
        (0.30, months.astype(object)),
        (0.20, np.array([f"{m} months" for m in months] + [f"{m}m" for m in months]
                        + [f"{m / 12:.1f} years" for m in months], dtype=object)),
        (0.09, np.array([None, ""], dtype=object)),
        (0.01, np.array(["soon", "phase 9"], dtype=object)),
    ])
    regulation = _pick(rng, rows, [
        (0.92, _cases(["Light", "Medium", "Strong", "Critical", "Finance", "banking",
                       "Healthcare", "pharma", "Public sector", "Pure tech", "SaaS"])),
        (0.07, np.array([None], dtype=object)),
        (0.01, np.array(["Galactic"], dtype=object)),
    ])
    millions = rng.integers(1, 250, 2000) / 10
    budget = _pick(rng, rows, [
        (0.45, rng.integers(50_000, 20_000_000, 50_000).astype(object)),
        (0.12, np.array([f"{m:.1f}".replace(".", ",") + " M€" for m in millions], object)),
        (0.12, np.array([f"€{m:.1f}m" for m in millions], dtype=object)),
        (0.10, np.array([f"EUR {m:.1f}M" for m in millions], dtype=object)),
        (0.08, np.array([f"{int(m * 100)}k" for m in millions], dtype=object)),
        (0.12, np.array([None], dtype=object)),
        (0.01, np.array(["$3M", "£2M"], dtype=object)),
    ])
    countries = _pick(rng, rows, [
        (0.3, _cases(["yes", "no"])),
        (0.2, np.array([True, False], dtype=object)),
        (0.2, np.arange(0, 12).astype(object)),
        (0.3, np.array([None], dtype=object)),
    ])
    names = np.array([f"BU-{i:07d}" for i in range(rows)], dtype=object)
    return pd.DataFrame(dict(zip(HEADER, [names, size, maturity, regulation, budget,
                                          countries], strict=True)))


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Portfolio")
    sheet.write_row(0, 0, HEADER)
    for row, values in enumerate(frame.itertuples(index=False), start=1):
        for column, value in enumerate(values):
            if value is not None and not (isinstance(value, float) and value != value):
                sheet.write(row, column, value)
    workbook.close()


def read_with_calamine(path: Path) -> tuple[pd.DataFrame, float]:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    seconds = time.perf_counter() - start
    frame = pd.DataFrame(rows[1:], columns=rows[0]).replace({"": None})
    return frame, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--calls", type=int, default=50_000,
                        help="recommend() calls to time (on rows of the portfolio)")
    args = parser.parse_args()
    columns = {"size": "Employees", "maturity": "AI maturity", "regulation": "Regulation",
               "budget": "AI budget", "multi_country": "Countries"}

    frame = portfolio(args.rows, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "portfolio.xlsx"
        write_xlsx(frame, path)
        read_back, read_seconds = read_with_calamine(path)

    default_policy()  # loading the shipped policy is start-up, not scoring
    start = time.perf_counter()
    scored = score_frame(read_back, **columns)  # type: ignore[arg-type]
    frame_seconds = time.perf_counter() - start

    sample = read_back.head(args.calls)[list(columns.values())].itertuples(index=False)
    start = time.perf_counter()
    calls = 0
    for values in sample:
        with contextlib.suppress(DeciderInputError):
            recommend(*values)
        calls += 1
    call_seconds = time.perf_counter() - start

    shares = scored["architecture"].value_counts(normalize=True, dropna=False)
    print(f"portfolio: {args.rows:,} rows, mixed forms (seed {args.seed})")
    print(f"python-calamine read of the .xlsx : {read_seconds:8.3f} s")
    print(f"score_frame                       : {frame_seconds:8.3f} s "
          f"({args.rows / frame_seconds:,.0f} rows/s)")
    print(f"recommend, per call               : {call_seconds / calls * 1e6:8.2f} us "
          f"({calls:,} calls)")
    print(f"score_frame / calamine read       : {frame_seconds / read_seconds:8.3f} "
          f"(goal <= 0.100)")
    print("answers: " + ", ".join(f"{k}: {v:.1%}" for k, v in shares.items()))


if __name__ == "__main__":
    main()
