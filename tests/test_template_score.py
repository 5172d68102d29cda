"""`decider score` on template workbooks (the batch issue's command, used as a user would):
it fills a `none` template's own result columns, and refuses a template whose result
columns compute their own answers unless `--overwrite`."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from test_template_formulas import fill_portfolio

from decider import recommend
from decider.cli import cli
from decider.template import build_template
from decider.template.names import INPUT_HEADERS, RESULT_HEADERS

ROWS = (
    (40, "POC", "Light", 1_000_000, None),
    (300, "Scale-up", "Medium", 2_500_000, "no"),
    (2000, "Mature", "Strong", None, None),
    (8000, "Enterprise", "Critical", 9_000_000, "yes"),
    (600, "Mature", "Light", None, None),
    (120, 9, "Pure tech", 400_000, 3),
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def score(*arguments: str) -> Any:
    return CliRunner().invoke(cli, ["score", *arguments])


def results(path: Path) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Portfolio"]
    headers = [c.value for c in sheet[1]]
    columns = [headers.index(h) + 1 for h in RESULT_HEADERS]
    return [tuple(sheet.cell(row, col).value for col in columns)
            for row in range(2, len(ROWS) + 2)]


def assert_engine_answers(path: Path) -> None:
    for row, (architecture, index, rationale) in zip(ROWS, results(path), strict=True):
        expected = recommend(*row)
        assert architecture == expected.architecture, row
        assert math.isclose(float(index), expected.index, abs_tol=1e-9), row
        assert isinstance(rationale, str) and rationale and not rationale.startswith("="), row


@pytest.fixture
def filled(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    path = build_template(tmp_path / "portfolio.xlsx", formulas=request.param, rows=20)
    fill_portfolio(path, ROWS)
    return path


@pytest.mark.parametrize("filled", ["none"], indirect=True)
def test_score_fills_the_templates_own_result_columns(filled: Path, tmp_path: Path) -> None:
    before = digest(filled)
    out = tmp_path / "scored.xlsx"
    outcome = score(str(filled), "-o", str(out))
    assert outcome.exit_code == 0, outcome.output
    assert digest(filled) == before, "the input is never modified"
    assert_engine_answers(out)
    workbook = openpyxl.load_workbook(out)
    sheet = workbook["Portfolio"]
    headers = [c.value for c in sheet[1]]
    # Written into the template's columns, not into new ones beside them.
    assert headers[:len(INPUT_HEADERS) + len(RESULT_HEADERS)] == [*INPUT_HEADERS,
                                                                  *RESULT_HEADERS]
    assert headers.count("Recommendation") == 1
    assert "Portfolio" in sheet.tables
    assert {"Policy", "Matrix", "How to use"} <= set(workbook.sheetnames)
    assert "PhaseLabels" in workbook.defined_names


@pytest.mark.parametrize("filled", ["native", "udf", "lambda"], indirect=True)
def test_score_refuses_a_template_that_computes_its_own_answers(filled: Path,
                                                                tmp_path: Path) -> None:
    before = digest(filled)
    out = tmp_path / "scored.xlsx"
    outcome = score(str(filled), "-o", str(out))
    assert outcome.exit_code != 0
    assert "formula" in outcome.output.lower()
    assert "Traceback" not in outcome.output
    assert not out.exists(), "nothing written"
    assert digest(filled) == before, "nothing changed"


@pytest.mark.parametrize("filled", ["native"], indirect=True)
def test_score_overwrite_replaces_the_formulas_with_answers(filled: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "scored.xlsx"
    outcome = score(str(filled), "-o", str(out), "--overwrite")
    assert outcome.exit_code == 0, outcome.output
    assert_engine_answers(out)
