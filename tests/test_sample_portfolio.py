"""The bundled sample portfolio: not stale, and the README's main job runs on it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from test_lossless import assert_lossless, member_names, members, sha256

from decider import recommend
from decider.errors import DeciderInputError

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "xlsx_templates" / "sample_portfolio.xlsx"
# The two rows whose values are wrong, and the word their issue must hold.
MISTAKES = {"Energy Trading": "budget", "HR Shared Services": "maturity"}
# A business unit someone added by its name only (the third planted mistake): a row with
# no inputs (section 10): no answer, no issue, counted and listed.
NAME_ONLY = "New Ventures"
SCORED_SHEETS = ("Portfolio", "APAC")


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "sample_portfolio", ROOT / "scripts" / "sample_portfolio.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    return load_builder()


def test_committed_sample_is_a_fresh_build(builder: ModuleType, tmp_path: Path) -> None:
    fresh = tmp_path / "sample_portfolio.xlsx"
    builder.build_sample_portfolio(fresh)
    assert member_names(fresh) == member_names(COMMITTED)
    old, new = members(COMMITTED), members(fresh)
    stale = [name for name in new if new[name] != old[name]]
    assert not stale, (f"xlsx_templates/sample_portfolio.xlsx is stale in {stale}: "
                       "run python scripts/sample_portfolio.py")


def test_builds_are_reproducible(builder: ModuleType, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    builder.build_sample_portfolio(first)
    builder.build_sample_portfolio(second)
    assert sha256(first) == sha256(second)


def test_the_wheel_carries_the_sample() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included.get("xlsx_templates") == "decider/xlsx_templates"


def test_readme_main_job_scores_the_sample(builder: ModuleType, tmp_path: Path) -> None:
    """`decider score sample_portfolio.xlsx`: every business unit gets decider's answer,
    and the rows with wrong values say what is wrong."""
    completed, output, source = run_readme_command(tmp_path)
    for architecture in ("Centralized", "Hybrid", "Decentralized"):
        assert architecture in completed.stdout, completed.stdout
    assert source.read_bytes() == COMMITTED.read_bytes(), "the input was modified"
    written = assert_lossless(source, output, "Portfolio", also=["APAC"])
    assert_lossless(source, output, "APAC", also=["Portfolio"])
    assert written.header_row == builder.HEADER_ROW + 1

    issues = {}
    for offset, unit in enumerate(builder.UNITS):
        row = builder.FIRST_DATA_ROW + 1 + offset
        name, size, maturity, regulation, budget, countries = unit[:6]
        try:
            expected: str | None = recommend(size, maturity, regulation, budget,
                                              countries).architecture
        except DeciderInputError:
            expected = None
        assert written.value(row, "Recommendation") == expected, f"{name} (row {row})"
        if expected is None and name != NAME_ONLY:
            issues[name] = written.value(row, "Decider issues") or ""
    assert len(builder.UNITS) == 31
    totals_row = builder.FIRST_DATA_ROW + 1 + len(builder.UNITS)
    assert written.value(totals_row, "Recommendation") is None
    assert written.value(totals_row, "Decider issues") is None
    assert f"totals rows: {totals_row}" not in completed.stdout  # two sheets: counts only
    assert ("sheet 'Portfolio', header row 4: 31 rows: 28 answered (Centralized 16, "
            "Hybrid 6, Decentralized 6), 2 with issues, 1 with no inputs; 1 totals row "
            "skipped") in completed.stdout
    assert ("sheet 'APAC', header row 4: 7 rows: 5 answered (Centralized 3, Hybrid 2), "
            "0 with issues, 2 with no inputs; 1 totals row skipped") in completed.stdout
    assert "in total, 2 sheets: 38 rows: 33 answered" in completed.stdout
    assert "sheet 'Read me' (its name says instructions" in completed.stdout
    assert set(issues) == set(MISTAKES)
    for name, word in MISTAKES.items():
        assert word in issues[name], f"{name}: {issues[name]}"


def run_readme_command(tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    """The README's main job on a copy of the sample: (the run, its output, its input)."""
    source = tmp_path / "sample_portfolio.xlsx"
    source.write_bytes(COMMITTED.read_bytes())
    completed = subprocess.run(
        [sys.executable, "-m", "decider", "score", source.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed, tmp_path / "sample_portfolio.scored.xlsx", source


def test_a_business_unit_with_only_its_name_is_reported(builder: ModuleType,
                                                        tmp_path: Path) -> None:
    """A unit named in the Business unit column with no input at all is a row with no
    inputs (section 10): no answer and no issue, but never silent: the terminal counts
    it and the summary sheet lists it by row and name."""
    completed, output, source = run_readme_command(tmp_path)
    written = assert_lossless(source, output, "Portfolio", also=["APAC"])
    names = [unit[0] for unit in builder.UNITS]
    row = builder.FIRST_DATA_ROW + 1 + names.index(NAME_ONLY)
    assert written.value(row, "Recommendation") is None
    assert written.value(row, "Decider issues") is None
    assert "1 with no inputs" in completed.stdout
    import openpyxl
    summary = openpyxl.load_workbook(output)["Decider summary"]
    listed = [(c.value, summary.cell(c.row, 2).value) for col in summary.iter_cols(1, 1)
              for c in col if c.hyperlink]
    assert (f"Portfolio row {row}", NAME_ONLY) in listed


def test_strict_run_of_the_sample_exits_1_for_its_mistakes(tmp_path: Path) -> None:
    source = tmp_path / "sample_portfolio.xlsx"
    source.write_bytes(COMMITTED.read_bytes())
    completed = subprocess.run(
        [sys.executable, "-m", "decider", "score", source.name, "--strict", "--quiet"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 1, completed.stderr
