"""Helper of the section 9 tests: a column of values read by `score_frame` and by the Excel
function ORCH_ARCH (a plain function here) answers as `recommend` answers, row by row."""

from __future__ import annotations

from typing import Any

import pandas as pd

from decider import DeciderInputError, recommend, score_frame
from decider.udfs import ORCH_ARCH

INPUTS = ("size", "maturity", "regulation", "budget", "multi_country")


def assert_entry_points_agree(rows: list[tuple[Any, ...]]) -> None:
    """`rows` of (size, maturity, regulation, budget, multi_country)."""
    expected: list[tuple[Any, Any]] = []
    for row in rows:
        try:
            result = recommend(*row)
            expected.append((result.architecture, result.explanation))
        except DeciderInputError as error:
            expected.append((None, error.one_line))
    scored = score_frame(pd.DataFrame(rows, columns=list(INPUTS)))
    for position, (architecture, text) in enumerate(expected):
        got = scored.iloc[position]
        if architecture is None:
            assert got["issues"] == text, rows[position]
        else:
            assert (got["architecture"], got["rationale"]) == (architecture, text), rows[position]
    grid = [[[value] for value in column] for column in zip(*rows, strict=True)]
    assert ORCH_ARCH(*grid) == [[a if a is not None else t] for a, t in expected]
