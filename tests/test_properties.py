"""Hypothesis: any value for any input gives a result or our input error, never another
exception; the vectorized `score_frame` and the scalar `recommend` agree row for row."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider import DeciderInputError, Result, recommend, score_frame
from decider.policy import ARCHITECTURES, INPUTS

# Forms a user really types, so that random portfolios mostly decide.
_GOOD = {
    "size": ["40", "4,200", "4 200", "4.2k", "5k+", "<100", "100-500", "500-5k", 50, 99.5,
             100, 500, 501, 4200.0, "300 employees"],
    "maturity": ["POC", "pilot", "Scale-up", "scaling", "Mature", "Enterprise", "phase 2",
                 5, 6, 18, 18.5, "9 months", "18m", "2 years"],
    "regulation": ["Light", "Medium", "Strong", "Critical", "Finance", "banking", "pharma",
                   "Public sector", "Pure tech", "SaaS", "medium", " STRONG "],
    "budget": ["2500000", "2.5M", "2,5 M€", "€2.5m", "800k", "EUR 3M", 2_000_000,
               5_000_000, 5_000_001, "5M", 1999999.5],
    "multi_country": ["yes", "no", True, False, 0, 1, 2, "3", "TRUE"],
}
_BAD = ["lots", "$3M", "-5", 0, "Galactic", "soon", "maybe", -2, "=1+1"]

any_value = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.decimals(allow_nan=False, allow_infinity=False),
)


def _value_for(name: str) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.sampled_from(_GOOD[name]), st.sampled_from(_BAD), any_value)


def _check(result: Result) -> None:
    assert result.architecture in ARCHITECTURES
    assert 0 <= result.index <= 100
    assert 0 <= result.confidence <= 1
    assert len(result.rationale) == 4


@given(st.sampled_from(INPUTS), any_value)
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
def test_any_value_of_any_input_is_a_result_or_our_error(name: str, value: Any) -> None:
    padding: dict[str, Any] = {"size": 300, "maturity": "Scale-up", "regulation": "Medium"}
    try:
        result = recommend(**{**padding, name: value})
    except DeciderInputError as error:
        message = error.one_line
        assert message and "\n" not in message and "Traceback" not in message
        assert ("accepted:" in message or "not enough information" in message
                or "holds the Excel error" in message)
    else:
        _check(result)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
@settings(max_examples=400)
def test_any_text_for_every_input_at_once(text: str) -> None:
    try:
        result = recommend(text, text, text, text, text)
    except DeciderInputError as error:
        assert error.problems
    else:
        _check(result)


portfolio_rows = st.lists(
    st.tuples(*(_value_for(name) for name in INPUTS)), min_size=1, max_size=40)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return bool(a == b)


@given(portfolio_rows)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_score_frame_agrees_with_recommend_row_for_row(rows: list[tuple[Any, ...]]) -> None:
    frame = pd.DataFrame(rows, columns=list(INPUTS), dtype=object)
    scored = score_frame(frame)
    for position, values in enumerate(rows):
        got = scored.iloc[position]
        try:
            expected = recommend(*values)
        except DeciderInputError as error:
            assert got["architecture"] is None, values
            assert got["issues"] == error.one_line, values
            continue
        assert got["issues"] is None, (values, got["issues"])
        assert got["architecture"] == expected.architecture, values
        assert _same(got["index"], expected.index), values
        assert _same(got["confidence"], expected.confidence), values
        assert got["rationale"] == expected.explanation, values
        assert got["missing"] == ", ".join(expected.missing)
        assert got["mandatory"] == expected.mandatory


@given(st.lists(st.tuples(
    st.floats(min_value=1, max_value=20_000), st.integers(min_value=1, max_value=60),
    st.sampled_from(_GOOD["regulation"]), st.integers(min_value=1, max_value=10**8)),
    min_size=1, max_size=60))
@settings(max_examples=100, deadline=None)
def test_numeric_columns_take_the_fast_path_and_still_agree(
    rows: list[tuple[float, int, str, int]]
) -> None:
    frame = pd.DataFrame(rows, columns=["size", "maturity", "regulation", "budget"])
    assert frame["size"].dtype.kind == "f" and frame["budget"].dtype.kind == "i"
    scored = score_frame(frame)
    for position, values in enumerate(rows):
        expected = recommend(*values)
        assert scored["architecture"].iloc[position] == expected.architecture
        assert scored["index"].iloc[position] == expected.index


def test_booleans_and_ones_in_one_column_stay_apart() -> None:
    # True == 1 for hashing: a naive factorize would read TRUE as "1 country" (no).
    frame = pd.DataFrame({"size": [40] * 4, "maturity": ["POC"] * 4,
                          "multi_country": pd.Series([True, 1, False, 2], dtype=object)})
    scored = score_frame(frame)
    assert list(scored["architecture"]) == ["Hybrid", "Decentralized", "Decentralized",
                                            "Hybrid"]
    assert [recommend(40, "POC", multi_country=v).architecture for v in (True, 1, False, 2)
            ] == list(scored["architecture"])
