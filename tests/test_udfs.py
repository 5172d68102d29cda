"""The Excel functions as Python callables (what they are outside an xlwings runtime), and
in a real workbook evaluated by a real formula engine (the `formulas` package).

Every answer is compared with the core: `recommend` for a business unit, the same for
each row of a range.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xlsxwriter

from decider import DeciderInputError, recommend
from decider.udfs import ORCH_ARCH, ORCH_EXPLAIN, ORCH_INDEX, POLICY_ENV

MATRIX_ROWS = [
    (40, "POC", "Light", None, "Decentralized"),
    (300, "Scale-up", "Medium", None, "Hybrid"),
    (2000, "Mature", "Strong", None, "Centralized"),
    (8000, "Enterprise", "Critical", None, "Centralized"),
]

# Values a portfolio holds: each form of each input, blanks as every runtime sends them,
# numbers as int (Office.js) and float (the classic add-in), and bad values.
PORTFOLIO = [
    (300, "Scale-up", "Medium", "2,5 M€", None),
    (300.0, "scale up", "medium", 2500000.0, ""),
    (40, "POC", "Light", 800000, False),
    ("4.2k", "Mature", "Finance", "€6m", True),
    ("5k+", 24, "Strong", None, 3),
    (None, "", "Public sector", None, None),
    (120, 9.0, None, "", "no"),
    ("lots", "POC", "Light", 800000, None),
    (300, "Scale-up", "Medium", "$3M", None),
    (-5, "ancient", "Medium", 0, "maybe"),
    (60, None, None, None, None),
    (None, "", None, None, None),
    (None, None, None, None, "yes"),
]


def expected(field: str, size: Any, maturity: Any, regulation: Any, budget: Any,
             multi_country: Any = None) -> Any:
    try:
        result = recommend(size, maturity, regulation, budget, multi_country)
    except DeciderInputError as error:
        return error.one_line
    return {"architecture": result.architecture, "index": result.index,
            "rationale": result.explanation}[field]


def is_blank_row(row: tuple[Any, ...]) -> bool:
    return all(value is None or value == "" for value in row)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "architecture": ORCH_ARCH, "index": ORCH_INDEX, "rationale": ORCH_EXPLAIN,
}


@pytest.mark.parametrize(("size", "maturity", "regulation", "budget", "architecture"),
                         MATRIX_ROWS)
def test_the_matrix_rows_in_one_cell(size: int, maturity: str, regulation: str,
                                     budget: None, architecture: str) -> None:
    assert ORCH_ARCH(size, maturity, regulation, budget) == architecture
    index = ORCH_INDEX(size, maturity, regulation, budget)
    assert isinstance(index, float) and 0 <= index <= 100
    explanation = ORCH_EXPLAIN(size, maturity, regulation, budget)
    assert explanation.startswith(architecture) and "\n" not in explanation


@pytest.mark.parametrize("field", ["architecture", "index", "rationale"])
def test_one_cell_equals_recommend(field: str) -> None:
    for row in PORTFOLIO:
        if is_blank_row(row):
            assert FUNCTIONS[field](*row) == ""
            continue
        assert FUNCTIONS[field](*row) == expected(field, *row), row


@pytest.mark.parametrize("field", ["architecture", "index", "rationale"])
def test_a_column_of_units_equals_recommend_row_by_row(field: str) -> None:
    columns = [[[row[i]] for row in PORTFOLIO] for i in range(5)]
    answers = FUNCTIONS[field](*columns)
    assert len(answers) == len(PORTFOLIO)
    for answer, row in zip(answers, PORTFOLIO, strict=True):
        assert answer == ["" if is_blank_row(row) else expected(field, *row)], row


def test_a_bad_value_spoils_only_its_own_cell() -> None:
    answers = ORCH_ARCH([[300], ["lots"], [40]], [["Scale-up"], ["POC"], ["POC"]],
                        [["Medium"], ["Light"], ["Light"]], None)
    assert answers[0] == ["Hybrid"] and answers[2] == ["Decentralized"]
    message = answers[1][0]
    assert message.startswith("size 'lots' is not recognised; accepted: ")
    assert "4.2k" in message and "Traceback" not in message


def test_a_single_cell_beside_ranges_applies_to_every_row() -> None:
    sizes = [[40], [300], [2000]]
    answers = ORCH_ARCH(sizes, [["POC"], ["Scale-up"], ["Mature"]], "Medium", "6M")
    assert answers == [[expected("architecture", s[0], m, "Medium", "6M")]
                       for s, m in zip(sizes, ["POC", "Scale-up", "Mature"], strict=True)]
    # A whole-column answer from one call even when only one input is a range.
    assert ORCH_INDEX(sizes, "POC", "Light", None) == [
        [expected("index", s[0], "POC", "Light", None)] for s in sizes]


def test_a_row_of_units_spills_as_a_row() -> None:
    answers = ORCH_ARCH([[40, 300, 2000]], [["POC", "Scale-up", "Mature"]], "Light", None)
    assert answers == [[expected("architecture", s, m, "Light", None)
                        for s, m in [(40, "POC"), (300, "Scale-up"), (2000, "Mature")]]]


def test_a_block_of_units_spills_as_a_block() -> None:
    sizes = [[40, 300], [2000, "lots"]]
    maturities = [["POC", "Scale-up"], ["Mature", "POC"]]
    answers = ORCH_EXPLAIN(sizes, maturities, "Light", None)
    assert answers == [[expected("rationale", s, m, "Light", None)
                        for s, m in zip(size_row, maturity_row, strict=True)]
                       for size_row, maturity_row in zip(sizes, maturities, strict=True)]


def test_a_ragged_range_is_refused_in_one_line() -> None:
    assert ORCH_ARCH([[1, 2], [3]], [["POC", "POC"], ["POC", "POC"]], "Light", None) == (
        "size: the rows of this range have different lengths; give a rectangular range")
    assert ORCH_ARCH([[1], [2]], [["POC"], []], "Light", None).startswith("maturity: the rows")


def test_python_callers_may_pass_lists_and_arrays() -> None:
    # A flat list is a row, as xlwings reads one.
    assert ORCH_ARCH([40, 300], ["POC", "Scale-up"], "Light", None) == [
        ["Decentralized", "Hybrid"]]
    as_array = ORCH_ARCH(np.array([[40], [300]], object), np.array([["POC"], ["Scale-up"]]),
                         "Light", None)
    assert as_array == [["Decentralized"], ["Hybrid"]]


def test_blank_rows_under_the_portfolio_stay_empty() -> None:
    # B2:B6 selected, three units filled; one budget for all: the two rows below are empty.
    answers = ORCH_ARCH([[300], [40], [None], [""], ["  "]],
                        [["Scale-up"], ["POC"], [None], [None], [""]], None, "1M")
    assert answers == [["Hybrid"], ["Decentralized"], [""], [""], [""]]
    assert ORCH_ARCH(None, "", None, None) == ""
    # Even where the single cells alone would decide.
    assert ORCH_ARCH([[300], [None], [" "]], [["POC"], [None], [""]], "Light", "2M") == [
        [expected("architecture", 300, "POC", "Light", "2M")], [""], [""]]
    # One cell given is not a blank row: too little to decide, said in the cell.
    assert ORCH_ARCH([[None], [60]], None, None, None)[1][0].startswith(
        "not enough information to decide")


def test_blank_and_zero_are_not_the_same() -> None:
    # A blank is unknown; 0 is a value the policy refuses: the runtimes that deliver
    # blanks as None or "" are normalised, a typed 0 keeps its message.
    assert ORCH_ARCH(None, "POC", "Light", None) == "Decentralized"
    assert ORCH_ARCH("", "POC", "Light", "") == "Decentralized"
    assert ORCH_ARCH(0, "POC", "Light", None) == "size '0' must be above 0; accepted: " \
        + ORCH_ARCH("x", "POC", "Light", None).split("accepted: ")[1]


class _Unprintable:
    """A value that even the error message cannot show: str() fails."""

    def __str__(self) -> str:
        raise RuntimeError("no text\nfor this value")


def test_an_unexpected_failure_is_one_line_not_a_traceback() -> None:
    assert ORCH_ARCH(_Unprintable(), "POC", "Light", None) == (
        "decider could not answer (RuntimeError: no text for this value); please report it")
    answer = ORCH_ARCH([[_Unprintable()], [40]], "POC", "Light", None)
    assert answer.startswith("decider could not answer (RuntimeError")


def test_ranges_of_different_heights_are_refused_in_one_line() -> None:
    answer = ORCH_ARCH([[300], [40]], [["POC"], ["POC"], ["POC"]], "Light", None)
    assert answer == ("ranges of different sizes (size 2×1, maturity 3×1): give ranges of "
                      "the same height (one row per business unit), or a single cell to "
                      "apply to every row")


def test_cell_errors_are_named_not_read_as_blank() -> None:
    # The runtimes hand a cell error over as its text (err_to_str): it is refused, not
    # taken for an unknown.
    assert ORCH_ARCH("#N/A", "POC", "Light", None) == (
        "size holds the Excel error #N/A: correct or clear that cell")


# --- the policy: argument, environment variable, cache --------------------------------

THREE_MILLION = """
[[budget.ranges]]
below = 3000000
vote = 50
[[budget.ranges]]
vote = 100
"""


@pytest.fixture
def no_policy_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(POLICY_ENV, raising=False)
    yield


def test_policy_as_last_argument(tmp_path: Path, no_policy_env: None) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(THREE_MILLION, "utf-8")
    # €4M, 300 employees, Mature: index 75 (Centralized) under this policy, 62.5 by default.
    assert ORCH_INDEX(300, "Mature", "Medium", "4M") == 62.5
    assert ORCH_INDEX(300, "Mature", "Medium", "4M", None, str(path)) == 75.0
    assert ORCH_ARCH([[300]] * 2, "Mature", "Medium", "4M", None, str(path)) == [
        ["Centralized"], ["Centralized"]]


def test_policy_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                     ) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(THREE_MILLION, "utf-8")
    monkeypatch.setenv(POLICY_ENV, str(path))
    assert ORCH_INDEX(300, "Mature", "Medium", "4M") == 75.0
    # The argument wins over the environment.
    default = tmp_path / "empty.toml"
    default.write_text("", "utf-8")
    assert ORCH_INDEX(300, "Mature", "Medium", "4M", None, str(default)) == 62.5


def test_an_edited_policy_file_is_reloaded(tmp_path: Path, no_policy_env: None) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(THREE_MILLION, "utf-8")
    assert ORCH_INDEX(300, "Mature", "Medium", "4M", None, str(path)) == 75.0
    path.write_text("", "utf-8")
    # A new modification time, even on a file system with coarse timestamps.
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))
    assert ORCH_INDEX(300, "Mature", "Medium", "4M", None, str(path)) == 62.5


def test_a_bad_policy_is_one_line_in_the_cell(tmp_path: Path, no_policy_env: None) -> None:
    missing = tmp_path / "nowhere.toml"
    answer = ORCH_ARCH(300, "POC", "Light", None, None, str(missing))
    assert answer.startswith(f"policy file {missing}: cannot be read")
    broken = tmp_path / "broken.toml"
    broken.write_text("[decision\n", "utf-8")
    answer = ORCH_ARCH([[300], [40]], "POC", "Light", None, None, str(broken))
    assert answer.startswith(f"policy file {broken}: is not valid TOML") and "\n" not in answer
    assert ORCH_ARCH(300, "POC", "Light", None, None, 42).startswith("policy '42' is not a path")


def test_a_template_workbook_as_policy(tmp_path: Path, no_policy_env: None) -> None:
    from click.testing import CliRunner

    from decider.cli import cli

    book = tmp_path / "matrix.xlsx"
    written = CliRunner().invoke(cli, ["template", "--formulas", "udf", "--rows", "3",
                                       "-o", str(book)])
    assert written.exit_code == 0, written.output
    # Its Policy sheet holds the default policy: the same answers, read from the workbook.
    for row in PORTFOLIO[:5]:
        assert ORCH_EXPLAIN(*row, str(book)) == expected("rationale", *row)
    # A weight edited in the Policy sheet (as a user would in Excel) applies.
    import openpyxl

    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Policy"]
    size_weight = next(row[1] for row in sheet.iter_rows(min_row=1, max_row=40)
                       if row[0].value == "size" and row[1].value == 1)
    size_weight.value = 3
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    # 300 employees vote 50 three times over: (3*50 + 100 + 50 + 50) / 6.
    assert ORCH_INDEX(300, "Mature", "Medium", "4M", None, str(edited)) == 350 / 6


# --- in a workbook, through a real formula engine --------------------------------------

HEADER = ["unit", "size", "maturity", "regulation", "budget", "multi-country"]


def _register_in_formulas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the functions with the `formulas` engine the way xlwings hands them to
    Python: ranges as 2-D lists, the engine's empty-cell token as None, cell errors as
    their text, and the answer back as an array that fills the formula's range."""
    import formulas.functions as engine_functions
    from formulas.functions import XlError, replace_empty, wrap_func

    def host(value: Any) -> Any:
        value = replace_empty(value, None)
        if isinstance(value, np.ndarray):
            return [[str(v) if isinstance(v, XlError) else v for v in row]
                    for row in value.tolist()]
        return str(value) if isinstance(value, XlError) else value

    def bind(function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*arguments: Any) -> Any:
            answer = function(*(host(a) for a in arguments))
            return np.asarray(answer if isinstance(answer, list) else [[answer]], object)
        return wrap_func(call)

    for name, function in [("ORCH_ARCH", ORCH_ARCH), ("ORCH_INDEX", ORCH_INDEX),
                           ("ORCH_EXPLAIN", ORCH_EXPLAIN)]:
        monkeypatch.setitem(engine_functions.FUNCTIONS, name, bind(function))


def test_a_workbook_evaluated_by_a_formula_engine(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import formulas

    path = tmp_path / "portfolio.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Units")
    sheet.write_row(0, 0, [*HEADER, "arch", "index", "why", "range arch", "range index",
                           "one budget"])
    rows = len(PORTFOLIO)
    for r, values in enumerate(PORTFOLIO, start=1):
        sheet.write(r, 0, f"unit {r}")
        for c, value in enumerate(values, start=1):
            if value is not None:  # None: leave the cell blank
                sheet.write(r, c, value)
        excel_row = r + 1
        cells = ",".join(f"{col}{excel_row}" for col in "BCDEF")
        sheet.write_formula(r, 6, f"=ORCH_ARCH({cells})")
        sheet.write_formula(r, 7, f"=ORCH_INDEX({cells})")
        sheet.write_formula(r, 8, f"=ORCH_EXPLAIN({cells})")
    last = rows + 1
    ranges = ",".join(f"{col}2:{col}{last}" for col in "BCDEF")
    sheet.write_dynamic_array_formula(f"J2:J{last}", f"=ORCH_ARCH({ranges})")
    sheet.write_dynamic_array_formula(f"K2:K{last}", f"=ORCH_INDEX({ranges})")
    sheet.write_dynamic_array_formula(
        f"L2:L{last}", f'=ORCH_ARCH(B2:B{last},C2:C{last},D2:D{last},"6M")')
    book.close()

    _register_in_formulas(monkeypatch)
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    values = {key.split("!")[-1]: value.value for key, value in solution.items()}

    def cell(address: str) -> Any:
        found = values[address].tolist()
        assert np.shape(found) == (1, 1)
        return found[0][0]

    checked = 0
    for r, row in enumerate(PORTFOLIO, start=2):
        blank = is_blank_row(row)
        for column, field in [("G", "architecture"), ("H", "index"), ("I", "rationale")]:
            want = "" if blank else expected(field, *row)
            assert cell(f"{column}{r}") == want, (column, r)
            checked += 1
        spilled = values[f"J2:J{last}"].tolist()[r - 2][0]
        assert spilled == ("" if blank else expected("architecture", *row))
        spilled_index = values[f"K2:K{last}"].tolist()[r - 2][0]
        assert spilled_index == ("" if blank else expected("index", *row))
        one_budget = values[f"L2:L{last}"].tolist()[r - 2][0]
        blank_in_ranges = is_blank_row(row[:3])
        assert one_budget == ("" if blank_in_ranges else expected("architecture",
                                                                   *row[:3], "6M"))
        checked += 3
    assert checked == 6 * len(PORTFOLIO)
