"""`decider score` runs on the pure-Python core: with numpy and pandas made unimportable
(as in a bare Pyodide) it scores the bundled sample, and a normal run imports neither
(the start-up cost they were). Its answers are those of the numpy path (`score_frame`)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl

from decider import score_frame
from decider.core import score_cells

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "xlsx_templates" / "sample_portfolio.xlsx"

_BLOCKER = """
import sys

class _NoNumpyNoPandas:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("numpy", "pandas"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoNumpyNoPandas())
"""

_SCORE = """
import json, sys
from click.testing import CliRunner
from decider.cli import cli
result = CliRunner().invoke(cli, ["score", sys.argv[1], "-o", sys.argv[2]])
leaked = sorted(m for m in sys.modules if m.partition(".")[0] in ("numpy", "pandas"))
print(json.dumps({"exit": result.exit_code, "output": result.output, "leaked": leaked}))
"""


def _run(prelude: str, *args: str) -> Any:
    completed = subprocess.run(
        [sys.executable, "-c", prelude + _SCORE, *args], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def _answers(path: Path) -> dict[str, list[Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for sheet in book.worksheets:
        out[sheet.title] = [list(row) for row in sheet.iter_rows(values_only=True)]
    return out


def test_score_runs_with_numpy_and_pandas_unimportable(tmp_path: Path) -> None:
    blocked, normal = tmp_path / "blocked.xlsx", tmp_path / "normal.xlsx"
    found = _run(_BLOCKER, str(SAMPLE), str(blocked))
    assert found["exit"] == 0, found["output"]
    assert "Centralized" in found["output"] and found["leaked"] == []
    # The same workbook as a run where both could be imported.
    assert _run("", str(SAMPLE), str(normal))["exit"] == 0
    written = _answers(blocked)
    assert written == _answers(normal)
    portfolio = written["Portfolio"]
    header = next(row for row in portfolio if "Recommendation" in row)
    column = header.index("Recommendation")
    assert {row[column] for row in portfolio} >= {"Centralized", "Hybrid", "Decentralized"}


def test_a_normal_score_run_imports_neither(tmp_path: Path) -> None:
    found = _run("", str(SAMPLE), str(tmp_path / "out.xlsx"))
    assert found["exit"] == 0, found["output"]
    assert found["leaked"] == []


def test_python_x_importtime_shows_neither(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "decider", "score", str(SAMPLE), "-o",
         str(tmp_path / "out.xlsx")], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()
                if line.startswith("import time:")]
    assert "decider.core" in imported
    assert not [m for m in imported if m.partition(".")[0] in ("numpy", "pandas")]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def test_the_core_and_score_frame_agree_on_distinct_numbers() -> None:
    """Many distinct headcounts, months and budgets (each row its own numbers): the core
    groups rows by what their changes text shows, score_frame spreads the core's answers
    with numpy; both give every column alike, closest distances included."""
    import numpy as np
    import pandas as pd

    rows = 3000
    rng = np.random.default_rng(7)
    cells = {
        "size": [float(v) for v in rng.integers(1, 20_000, rows)],
        "maturity": [m if i % 3 else float(i % 70) for i, m in
                     enumerate(rng.choice(["POC", "Mature", "Scale-up", None], rows))],
        "regulation": list(rng.choice(["Finance", "SaaS", "Light", "Medium"], rows)),
        "budget": [float(v) if i % 5 else "€2.4m" for i, v in
                   enumerate(rng.integers(10_000, 8_000_000, rows))],
        "multi_country": [[True, False, 3, None, "yes"][i % 5] for i in range(rows)],
    }
    core = score_cells(cells, rows, changes=True)
    frame = score_frame(pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cells.items()}))
    for name in frame.columns:
        mismatched = [i for i, (a, b) in enumerate(zip(core[name], frame[name].tolist(),
                                                       strict=True)) if not _same(a, b)]
        assert not mismatched, (name, mismatched[:3])
    assert sum(1 for t in core["changes"] if t and "%" in t) > rows // 10
    assert any(not math.isnan(d) for d in core["closest_distance"])
