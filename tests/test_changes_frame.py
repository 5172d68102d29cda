"""score_frame's `changes` and `over_time_months`: row for row what `recommend` says."""

from __future__ import annotations

import math
import random
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_changes import user_policy

from decider import DeciderInputError, Policy, default_policy, recommend, score_frame
from decider.changes import describe


def expected(policy: Policy, values: list[Any]) -> tuple[str | None, float]:
    try:
        result = recommend(*values, policy=policy)
    except DeciderInputError:
        return None, math.nan
    over = math.nan if result.over_time is None else float(result.over_time.months)
    return "; ".join(describe(result.changes, result.over_time)), over


def portfolio(rng: random.Random, rows: int, numeric: bool) -> pd.DataFrame:
    def size() -> Any:
        if numeric:
            return rng.choice([float(rng.randint(1, 900)), math.nan, 500.0, 100.0, 49.5])
        return rng.choice([rng.randint(1, 900), f"{rng.randint(1, 9)}00", "<100", "5k+",
                           None, "n/a", "lots"])

    def maturity() -> Any:
        return rng.choice(["POC", "Scale-up", "Mature", f"{rng.randint(1, 30)} months",
                           rng.choice([5.5, 6, 17.5, 18, 18.5, 2]), None, "2 years"])

    def budget() -> Any:
        if numeric:
            return rng.choice([float(rng.randint(1, 90) * 100_000), math.nan, 5e6, 2e6])
        return rng.choice([f"{rng.randint(1, 90) / 10}M", "800k", 4_600_000, None, "$3M"])

    return pd.DataFrame({
        "size": [size() for _ in range(rows)],
        "maturity": [maturity() for _ in range(rows)],
        "regulation": [rng.choice(["Light", "Medium", "Strong", "Finance", None, "Retail"])
                       for _ in range(rows)],
        "budget": [budget() for _ in range(rows)],
        "multi_country": [rng.choice([None, "yes", "no", True, 3, 0]) for _ in range(rows)],
    })


@pytest.mark.parametrize("numeric", [False, True])
@pytest.mark.parametrize("which", ["default", "user"])
def test_frame_changes_are_recommends(numeric: bool, which: str) -> None:
    policy = default_policy() if which == "default" else user_policy()
    frame = portfolio(random.Random(5 + numeric), 1500, numeric)
    if numeric:
        assert frame["size"].dtype == np.float64 and frame["budget"].dtype == np.float64
    out = score_frame(frame, policy=policy)
    with_text = 0
    for row, values in enumerate(frame.itertuples(index=False)):
        cells = [None if isinstance(v, float) and math.isnan(v) else v for v in values]
        text, months = expected(policy, cells)
        assert out["changes"].iloc[row] == text, cells
        got = out["over_time_months"].iloc[row]
        assert (math.isnan(got) and math.isnan(months)) or got == months, cells
        with_text += text is not None and "(" in text
    assert with_text > 100  # distances and examples were exercised


def test_frame_columns_on_an_empty_frame() -> None:
    out = score_frame(pd.DataFrame({"size": [], "maturity": [], "regulation": [],
                                    "budget": []}))
    assert list(out["changes"]) == [] and list(out["over_time_months"]) == []


def test_closest_distance_is_the_nearest_size_or_budget_change() -> None:
    from decider.frame import score_columns

    frame = portfolio(random.Random(9), 800, numeric=False)
    columns = {name: frame[name].to_numpy(object) for name in frame.columns}
    out = score_columns(columns, len(frame))
    close = 0
    for row, values in enumerate(frame.itertuples(index=False)):
        try:
            result = recommend(*values)
        except DeciderInputError:
            assert math.isnan(out["closest_distance"][row])
            continue
        distances = [c.distance for c in result.changes if c.distance is not None]
        got = out["closest_distance"][row]
        if not distances:
            assert math.isnan(got)
            continue
        assert got == min(distances, key=abs)
        close += abs(got) <= 0.10
    assert close > 5


def test_a_column_context_keeps_the_quantities_read() -> None:
    # A column with a context is read value by value (no numpy fast path): the quantities
    # read must still reach the distances and the answer over time.
    from decimal import Decimal

    from decider.context import ColumnContext, Unit
    from decider.parsing import read

    context = ColumnContext(unit=Unit(Decimal(1000), origin="k€ from the header"))
    frame = pd.DataFrame({"size": [600.0, 450.0, 40.0], "maturity": [8.0, 17.5, 3.0],
                          "regulation": ["Medium", "Medium", "Light"],
                          "budget": [4600.0, 4900.0, 900.0]})
    out = score_frame(frame, contexts={"budget": context, "maturity": ColumnContext()})
    policy = default_policy()
    for row in range(len(frame)):
        euros = read(policy, "budget", float(frame["budget"][row]), context).number
        text, months = expected(policy, [frame["size"][row], frame["maturity"][row],
                                         frame["regulation"][row], str(euros), None])
        # The budget's example speaks in the column's k€ (section 12): typed into the
        # column it reads as recommend's example does; the rest of the text is the same.
        shown = out["changes"][row]
        assert text is not None and shown is not None
        ours = re.findall(r"e\.g\. ([\d.]+) in this column's thousands of euros", shown)
        theirs = re.findall(r"budget [^;]*e\.g\. ([\d.]+M)\)", text)
        assert len(ours) == len(theirs)
        for typed_here, typed_plain in zip(ours, theirs, strict=True):
            here = read(policy, "budget", float(typed_here), context)
            plain = read(policy, "budget", typed_plain)
            assert here.rule is not None and plain.rule is not None
            rules = policy.rules["budget"]
            assert rules[here.rule].vote == rules[plain.rule].vote
        assert re.sub(r"e\.g\. [^)]*\)", "", shown) == re.sub(r"e\.g\. [^)]*\)", "", text)
        got = out["over_time_months"][row]
        assert (math.isnan(got) and math.isnan(months)) or got == months
    assert "%" in out["changes"][0]
