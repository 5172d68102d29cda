"""=ORCH_CHANGES through xlwings' Office.js call path (xlwings Server and Lite) and as a
plain Python callable (what the classic add-in calls)."""

from __future__ import annotations

import types
from pathlib import Path

from test_udf_runtimes import call, fresh_imports, office_js  # noqa: F401 (fixtures)

# Imported before the fixtures run: they drop the modules a test imports, and numpy's
# extension cannot load twice in one process.
import decider.frame  # noqa: F401
from decider import recommend
from decider.changes import changes_text


def test_office_js_one_cell_is_the_text(office_js: types.ModuleType) -> None:  # noqa: F811
    answer = call(office_js, "ORCH_CHANGES", [[600]], [["8 months"]], [["Medium"]],
                  [["4.6M"]], None, None)
    assert answer == [["Centralized if maturity Mature, Enterprise or over 18 months "
                       "(e.g. 19 months); Centralized if regulation Strong; Centralized if "
                       "budget over €5M (+9%, e.g. 5.1M); Centralized in 11 months, when "
                       "practice passes 18 months"]]
    robust = call(office_js, "ORCH_CHANGES", [[8000]], [["Enterprise"]], [["Strong"]],
                  [["9M"]], None, None)
    assert robust == [["robust: no single input changes the answer"]]


def test_office_js_a_portfolio_spills(office_js: types.ModuleType) -> None:  # noqa: F811
    sizes = [[600], [40], [""], [600], ["lots"]]
    maturities = [["8"], ["POC"], [""], [17.5], ["POC"]]
    budgets = [["4.6M"], [None], [""], [4_900_000], ["1M"]]
    answer = call(office_js, "ORCH_CHANGES", sizes, maturities, [["Medium"]], budgets,
                  [["yes"], ["no"], [""], [None], ["no"]], None)
    assert answer[2] == [""]  # a blank row of the ranges
    assert answer[4][0].startswith("size 'lots' is not recognised")
    for row in (0, 1, 3):
        result = recommend(sizes[row][0], maturities[row][0], "Medium", budgets[row][0],
                           ["yes", "no", "", None][row])
        assert answer[row] == [changes_text(result)]
    assert answer[3][0].endswith("Centralized in 1 month, when practice passes 18 months")


def test_office_js_policy_argument(office_js: types.ModuleType,  # noqa: F811
                                   tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("[[budget.ranges]]\nbelow = 3000000\nvote = 50\n"
                    "[[budget.ranges]]\nvote = 100\n", "utf-8")
    answer = call(office_js, "ORCH_CHANGES", [[600]], [["Scale-up"]], [["Medium"]],
                  [["2.9M"]], None, [[str(path)]])
    # "below = 3000000": €3M itself is in the top range.
    assert "Centralized if budget €3M or more (+3%, e.g. 3M)" in answer[0][0]


def test_plain_call() -> None:
    from decider.udfs import ORCH_CHANGES

    assert ORCH_CHANGES(600, "8", "Medium", "4.6M") == changes_text(
        recommend(600, "8", "Medium", "4.6M"))
    assert ORCH_CHANGES(None, None, None, None) == ""
