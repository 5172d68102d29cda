"""The pure-Python core (`decider.core.score_cells`): the same answers as the numpy path
(`decider.frame.score_columns`) row for row, and the Excel functions running on it where
numpy and pandas cannot be imported at all (as in a bare Pyodide, xlwings Lite)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider.context import NO_CONTEXT, ColumnContext, Unit
from decider.core import RESULT_COLUMNS, score_cells
from decider.frame import score_columns
from decider.policy import INPUTS

ROOT = Path(__file__).resolve().parent.parent

# Every form of every input a user types, numbers as Office.js (int) and the classic
# add-in (float) send them, blanks as each runtime sends them, and values refused.
_FORMS: dict[str, list[Any]] = {
    "size": [40, 75.0, 100, 100.0, 500, 501, 4200.0, "4,200", "4.2k", "5k+", "<100",
             "100-500", "300 employees", "lots", -5, 0, 0.0, 1, 1.0, "-5"],
    "maturity": ["POC", "Scale-up", "scale up", "Mature", "Enterprise", 9, 24.0, "18m",
                 "2 years", "ancient", 0, 1, 1.0, 6, 18, 18.5],
    "regulation": ["Light", "Medium", "Strong", "Critical", "Finance", "banking",
                   "Public sector", "Pure tech", "Galactic", "pharma research", 1, 1.0],
    "budget": [800_000, 2_500_000.0, "2,5 M€", "€6m", "800k", "EUR 3M", "$3M", 5_000_000,
               5_000_001, 1999999.5, 0, 1, 1.0, -2],
    "multi_country": ["yes", "no", "maybe", 0, 1, 2, 3, 0.0, 1.0, 2.0, 2.5, "3", "TRUE"],
}
_BLANKS: list[Any] = [None, "", " ", "n/a", "TBD", math.nan]
_EXCEL_ERRORS = ["#N/A", "#VALUE!", "#DIV/0!"]


def _cell(name: str) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(_FORMS[name]),
        st.sampled_from(_BLANKS),
        st.booleans(),  # True == 1 == 1.0: must not be read as each other
        st.sampled_from(_EXCEL_ERRORS),
        st.integers(min_value=-10**9, max_value=10**9),
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        st.text(max_size=12),
    )


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[int, dict[str, list[Any] | None]]:
    rows = draw(st.integers(min_value=0, max_value=40))
    columns: dict[str, list[Any] | None] = {}
    for name in INPUTS:
        if draw(st.booleans()) and draw(st.booleans()):
            columns[name] = None  # the input not given: unknown on every row
            continue
        if draw(st.booleans()):  # only numbers: the numpy path's float64 fast path
            numbers = st.one_of(st.integers(min_value=-10**7, max_value=10**7),
                                st.floats(allow_nan=True, allow_infinity=True))
            columns[name] = draw(st.lists(numbers, min_size=rows, max_size=rows))
        else:
            columns[name] = draw(st.lists(_cell(name), min_size=rows, max_size=rows))
    return rows, columns


def _as_arrays(columns: dict[str, list[Any] | None]) -> dict[str, np.ndarray | None]:
    """The columns as the numpy path takes them: float64 where every cell is an int or a
    float (as the Excel functions handed them over before), objects otherwise."""
    arrays: dict[str, np.ndarray | None] = {}
    for name, cells in columns.items():
        if cells is None:
            arrays[name] = None
        elif cells and all(type(cell) in (int, float) for cell in cells):
            arrays[name] = np.array(cells, np.float64)
        else:
            arrays[name] = np.array([*cells, None], object)[:-1]  # never a 2-D array
    return arrays


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    return type(left) is type(right) and left == right


def _assert_rows_agree(columns: dict[str, list[Any] | None], rows: int,
                       contexts: dict[str, ColumnContext] | None = None) -> None:
    core = score_cells(columns, rows, contexts=contexts)
    numpy_path = score_columns(_as_arrays(columns), rows, contexts=contexts)
    assert sorted(core) == sorted(RESULT_COLUMNS)
    for name in RESULT_COLUMNS:
        expected = numpy_path[name].tolist()
        assert len(core[name]) == rows
        for row, (mine, theirs) in enumerate(zip(core[name], expected, strict=True)):
            cells = {n: None if c is None else c[row] for n, c in columns.items()}
            assert _same(mine, theirs), (name, row, cells, mine, theirs)


@given(portfolios())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_core_and_the_numpy_path_agree_row_for_row(
        portfolio: tuple[int, dict[str, list[Any] | None]]) -> None:
    rows, columns = portfolio
    _assert_rows_agree(columns, rows)


_CONTEXTS = [
    {},
    {"budget": ColumnContext(unit=Unit(multiplier=Decimal(1000), origin="k€ from a test"))},
    {"size": ColumnContext(unit=Unit(multiplier=Decimal(1000), origin="k from a test"))},
    {"maturity": ColumnContext(levels=5, origin="a test")},
    {"maturity": ColumnContext(score=True, origin="a test")},
]


@given(portfolios(), st.sampled_from(_CONTEXTS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_they_agree_in_every_column_context(
        portfolio: tuple[int, dict[str, list[Any] | None]],
        contexts: dict[str, ColumnContext]) -> None:
    rows, columns = portfolio
    _assert_rows_agree(columns, rows, contexts)


def test_booleans_are_not_read_as_numbers() -> None:
    # True == 1 == 1.0 and they hash alike: one column holding all three.
    columns: dict[str, list[Any] | None] = {
        "size": [300] * 4, "maturity": ["POC"] * 4, "regulation": ["Light"] * 4,
        "multi_country": [True, 1, 1.0, False]}
    scored = score_cells(columns, 4)
    texts = scored["rationale"]
    assert texts[0] != texts[1] and texts[1] == texts[2]
    assert "several countries" in texts[0] and "several countries" not in texts[1]
    assert texts == score_columns(_as_arrays(columns), 4)["rationale"].tolist()


def test_blank_answers_and_refusals_follow_the_documented_conventions() -> None:
    columns: dict[str, list[Any] | None] = {
        "size": [300, "lots", None], "maturity": ["Scale-up", "POC", None],
        "regulation": ["Medium", "Light", None], "budget": None}
    scored = score_cells(columns, 3)
    assert scored["architecture"] == ["Hybrid", None, None]
    assert scored["issues"][0] is None
    assert scored["issues"][1].startswith("size 'lots' is not recognised")
    assert scored["issues"][2].startswith("not enough information to decide")
    assert math.isnan(scored["index"][1]) and math.isnan(scored["confidence"][2])
    assert scored["missing"] == ["budget", "", "size, maturity, regulation, budget"]
    assert scored["rationale"][1:] == [None, None]
    assert score_cells({}, 0) == {name: [] for name in RESULT_COLUMNS}
    with pytest.raises(ValueError, match="the size column has 2 rows, not 3"):
        score_cells({"size": [1, 2]}, 3)


def test_an_unhashable_cell_is_read_all_the_same() -> None:
    scored = score_cells({"size": [[300], 300], "maturity": ["POC", "POC"],
                          "regulation": ["Light", "Light"]}, 2)
    assert scored["issues"][0] is not None and scored["issues"][1] is None


def test_what_is_known_stays_small(monkeypatch: pytest.MonkeyPatch) -> None:
    import decider.core as core
    from decider.policy import load_policy

    policy = load_policy(None)
    monkeypatch.setattr(core, "_KNOWN_LIMIT", 10)
    first = core._known(policy, (NO_CONTEXT,) * 5, False)
    score_cells({"size": list(range(1, 30)), "maturity": ["POC"] * 29}, 29, policy=policy)
    assert core._known(policy, (NO_CONTEXT,) * 5, False) is not first
    # Still right after forgetting.
    assert score_cells({"size": [40], "maturity": ["POC"], "regulation": ["Light"]}, 1,
                       policy=policy)["architecture"] == ["Decentralized"]


# --- without numpy and pandas ------------------------------------------------------------

_BLOCKER = """
import sys

class _NoNumpyNoPandas:
    \"\"\"As in a bare Pyodide: numpy and pandas are not there.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("numpy", "pandas"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoNumpyNoPandas())
"""

# Single cells, ranges that spill (a column, a row, with blanks below), refusals.
CALLS: list[tuple[str, list[Any]]] = [
    ("ORCH_ARCH", [300, "Scale-up", "Medium", "2,5 M€"]),
    ("ORCH_INDEX", [40.5, None, "Light", 800000]),
    ("ORCH_EXPLAIN", ["4.2k", "Mature", "Finance", "€6m", True]),
    ("ORCH_ARCH", ["lots", "POC", "Light", None]),
    ("ORCH_ARCH", [None, "", None, None]),
    ("ORCH_ARCH", [[[300], [40.5], ["lots"], [""], [None], [2000]],
                   [["Scale-up"], [None], ["POC"], [""], [None], [24]], "Medium", "",
                   [[True], [None], [False], [""], [None], [2]]]),
    ("ORCH_INDEX", [[[40, 300, 2000]], [["POC", "Scale-up", "Mature"]], "Light", None]),
    ("ORCH_EXPLAIN", [[[300], ["#N/A"], ["5k+"]], [["Scale-up"], ["POC"], [18]],
                      [["Medium"], ["Light"], ["pharma research"]], "£500k", [[1], [0], [3]]]),
    ("ORCH_ARCH", [[[300], [40]], [["POC"], ["POC"], ["POC"]], "Light", None]),
]

_CALL_DIRECTLY = """
import json, sys
import decider.udfs as udfs
calls = json.loads(sys.argv[1])
answers = [getattr(udfs, name)(*args) for name, args in calls]
leaked = sorted(m for m in sys.modules if m.partition(".")[0] in ("numpy", "pandas"))
print(json.dumps({"answers": answers, "leaked": leaked}))
"""


def _run(script: str, *args: str, env: dict[str, str] | None = None) -> Any:
    completed = subprocess.run(
        [sys.executable, "-c", _BLOCKER + script, *args], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def test_numpy_and_pandas_are_blocked_in_the_subprocess() -> None:
    found = _run("""
import json, importlib
def blocked(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return True
    return False
print(json.dumps([blocked("numpy"), blocked("pandas"), blocked("decimal")]))
""")
    assert found == [True, True, False]


def test_the_excel_functions_without_numpy_or_pandas(monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    monkeypatch.delenv("DECIDER_POLICY", raising=False)
    monkeypatch.delenv("XLWINGS_ON_SERVER", raising=False)
    import decider.udfs as udfs

    expected = [getattr(udfs, name)(*args) for name, args in CALLS]
    found = _run(_CALL_DIRECTLY, json.dumps(CALLS))
    assert found == {"answers": expected, "leaked": []}
    assert expected[3].startswith("size 'lots' is not recognised")  # a refusal, in the cell
    assert expected[4] == "" and expected[5][3] == [""]  # blanks stay empty


_CALL_THROUGH_XLWINGS = """
import asyncio, json, sys
import xlwings
from xlwings.server import custom_functions_call, custom_functions_meta
import decider.udfs as udfs

def call(name, args):
    data = {"func_name": name, "args": args, "version": xlwings.__version__,
            "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy", "caller_address": "Units!G2"}
    try:
        return asyncio.run(custom_functions_call(data, udfs))
    except xlwings.XlwingsError as error:  # Excel shows #VALUE! with the message
        return {"refused": str(error)}

meta = custom_functions_meta(udfs)
calls = json.loads(sys.argv[1])
answers = [call(name, args) for name, args in calls]
leaked = sorted(m for m in sys.modules if m.partition(".")[0] in ("numpy", "pandas"))
print(json.dumps({"functions": sorted(f["name"] for f in meta["functions"]),
                  "answers": answers, "leaked": leaked}))
"""


def _office_js_arguments(args: list[Any]) -> list[Any]:
    """What Excel sends: every argument a 2-D list, an empty cell as "", an omitted
    optional argument as null."""
    sent = [arg if isinstance(arg, list) else [["" if arg is None else arg]] for arg in args]
    return sent + [None] * (6 - len(sent))


def test_xlwings_office_js_call_path_without_numpy_or_pandas() -> None:
    """xlwings Server's and Lite's own code (custom_functions_meta, custom_functions_call)
    with numpy and pandas unimportable: xlwings itself does without them."""
    calls = [(name, _office_js_arguments(args)) for name, args in CALLS]
    found = _run(_CALL_THROUGH_XLWINGS, json.dumps(calls),
                 env={"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial",
                      "DECIDER_POLICY": ""})
    assert found["functions"] == ["ORCH_ARCH", "ORCH_CHANGES", "ORCH_EXPLAIN", "ORCH_INDEX"]
    assert found["leaked"] == []
    # The same answers as the plain functions give (with numpy around) in this process.
    import decider.udfs as udfs

    for (name, args), answer in zip(CALLS, found["answers"], strict=True):
        plain = getattr(udfs, name)(*args)
        if isinstance(plain, list):
            assert answer == plain, (name, args)
        elif isinstance(answer, dict):  # a single cell refused: #VALUE! with the message
            assert answer == {"refused": plain} and plain != ""
        else:
            assert answer == [[plain]], (name, args)
    assert found["answers"][3] == {"refused": udfs.ORCH_ARCH("lots", "POC", "Light", None)}


def test_the_core_imports_neither_numpy_nor_pandas() -> None:
    """Without any blocking: importing the core and what the Excel functions import of
    decider loads neither (xlwings itself loads both when they are installed)."""
    script = textwrap.dedent("""
        import json, sys
        import decider, decider.core, decider.engine, decider.parsing, decider.policy
        import decider.context, decider.errors
        print(json.dumps(sorted(m for m in sys.modules
                                if m.partition(".")[0] in ("numpy", "pandas"))))
    """)
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == []


def test_calls_at_once_share_what_is_known_safely() -> None:
    """A server may answer several calls at once under one policy: each gets the answers
    it would get alone."""
    from concurrent.futures import ThreadPoolExecutor

    from decider.policy import load_policy

    def portfolio(seed: int) -> dict[str, list[Any] | None]:
        forms = {name: _FORMS[name] for name in INPUTS}
        return {name: [forms[name][(seed * 7 + row * (i + 3)) % len(forms[name])]
                       for row in range(300)] for i, name in enumerate(INPUTS)}

    portfolios = [portfolio(seed) for seed in range(24)]
    alone = [score_cells(columns, 300, policy=load_policy(None)) for columns in portfolios]
    shared = load_policy(None)
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda columns: score_cells(columns, 300, policy=shared),
                                 portfolios))
    for mine, theirs in zip(together, alone, strict=True):
        for name in RESULT_COLUMNS:
            assert all(_same(a, b) for a, b in zip(mine[name], theirs[name], strict=True))


def test_changes_agree_with_the_frame_row_for_row() -> None:
    """=ORCH_CHANGES over a range (the core) says what score_columns(changes=True) says,
    distances and months included, on units known, partly known and refused."""
    import numpy as np

    from decider.frame import score_columns

    columns: dict[str, list[Any]] = {
        "size": [460, 4200, None, 90, "300-400", 480, "abc", 52],
        "maturity": ["Scale-up", 17, "POC", 5, "Level 3", "Mature", 9, 16],
        "regulation": ["Medium", "Strong", "Finance", None, "DORA", "Light", "Medium", "Medium"],
        "budget": ["4.6M", "1.9M", None, "6M", 5_000_000, "2.1M", "3M", None],
        "multi_country": [None, "no", None, "DE, FR", None, None, None, "yes"],
    }
    rows = 8
    core_out = score_cells(columns, rows, changes=True)
    frame_out = score_columns({n: np.array(v, dtype=object) for n, v in columns.items()},
                              rows, changes=True)
    assert core_out["changes"] == frame_out["changes"].tolist()
    for name in ("over_time_months", "closest_distance"):
        assert np.allclose(np.array(core_out[name], float), frame_out[name].astype(float),
                           equal_nan=True), name
    assert core_out["changes"][6] is None  # refused: 'abc' is no size
    assert core_out["changes"][0] == "Centralized if regulation Critical"


def test_a_policy_that_scored_cells_still_pickles() -> None:
    """`decider score` on a folder sends the policy, memo and all, to worker processes:
    what the core keeps there (with its lock) must pickle and keep working."""
    import pickle

    from decider.policy import load_policy

    policy = load_policy(None)
    columns: dict[str, list[Any]] = {"size": [300, 40], "maturity": ["Scale-up", "POC"],
                                     "regulation": ["Medium", "Light"]}
    before = score_cells(columns, 2, policy=policy)
    copy = pickle.loads(pickle.dumps(policy))
    assert score_cells(columns, 2, policy=copy) == before
    other = {**columns, "size": [5000, 40], "maturity": ["Mature", "POC"]}
    assert score_cells(other, 2, policy=copy) == score_cells(other, 2, policy=load_policy(None))
    assert score_cells(other, 2, policy=copy)["architecture"] == ["Centralized", "Decentralized"]
