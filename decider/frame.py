"""`score_frame`: a whole portfolio (a pandas DataFrame) in one pass, as a thin adapter
over the pure-Python core (`decider.core.Steps`).

numpy and pandas only find and spread: each column is factorized, its distinct values go
to the core (read once, as `recommend` reads them), the rows' combinations of readings are
factorized, each distinct combination is answered by the core, and the answers are spread
back over the rows. Reading, deciding and composing texts happen in the core only, so
`score_frame`, `decider score` and the Excel functions answer alike row for row.
"""

from __future__ import annotations

import numbers as numbers_module
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from decider.context import ColumnContext
from decider.core import RESULT_COLUMNS as CORE_COLUMNS
from decider.core import Steps
from decider.core_changes import Combination, row_key, text_of
from decider.errors import DeciderInputError
from decider.policy import INPUTS, Policy

RESULT_COLUMNS = ("architecture", "index", "confidence", "rationale", "missing", "mandatory",
                  "issues", "changes", "over_time_months")

_DEFAULT = object()  # "the column named like the input, if the frame has one"
_FLOATS = ("index", "confidence", "over_time_months", "closest_distance")
_NUMBERED = ("size", "maturity", "budget")


def score_frame(
    frame: pd.DataFrame,
    *,
    size: Hashable | None = _DEFAULT,
    maturity: Hashable | None = _DEFAULT,
    regulation: Hashable | None = _DEFAULT,
    budget: Hashable | None = _DEFAULT,
    multi_country: Hashable | None = _DEFAULT,
    policy: Policy | None = None,
    contexts: Mapping[str, ColumnContext] | None = None,
    closest: bool = False,
) -> pd.DataFrame:
    """Score every row of `frame`; return the result columns with the frame's index.

    Each keyword names the column holding that input (by default the column named like
    the input; None: unknown for every row). `contexts` maps an input name to what its
    column says about its values (`decider.context.ColumnContext`). A row `recommend`
    would refuse gets its message in `issues` and no architecture. `closest`: also the
    `closest_distance` column (the summary sheet's close calls).
    """
    chosen = dict(zip(INPUTS, (size, maturity, regulation, budget, multi_country), strict=True))
    arrays = {name: _as_array(_source(frame, name, column)) for name, column in chosen.items()}
    out = score_columns(arrays, len(frame), policy=policy, contexts=contexts)
    # Series of dtype object: pandas would otherwise copy every text column into a new
    # string array, which costs more than the scoring itself.
    return pd.DataFrame(
        {name: pd.Series(out[name], index=frame.index, dtype=out[name].dtype, copy=False)
         for name in (*RESULT_COLUMNS, *(("closest_distance",) if closest else ()))},
        index=frame.index,
    )


def score_columns(
    columns: Mapping[str, np.ndarray | None], rows: int, *, policy: Policy | None = None,
    contexts: Mapping[str, ColumnContext] | None = None, changes: bool = True,
) -> dict[str, np.ndarray]:
    """`score_frame` on bare arrays, for callers that hold columns, not a DataFrame:
    `columns` maps each input name to a float64 array (numbers, NaN for blank) or an
    object array of cells, or None (unknown on every row); `contexts` what each column's
    header says about its values (see `decider.context`). Returns the result columns as
    arrays of `rows` entries; with `changes=False`, without `changes`, `over_time_months`
    and `closest_distance` (a caller that shows none of them)."""
    steps = Steps(policy, contexts, changes)
    codes: list[np.ndarray] = []
    numbers: dict[str, np.ndarray | None] = {}
    for name in INPUTS:
        row_codes, row_numbers = _read_column(steps, name, columns.get(name), rows)
        codes.append(row_codes)
        numbers[name] = row_numbers
    combination_codes, first = _combine(codes, rows)
    combinations = [tuple(c) for c in np.stack([c[first] for c in codes], axis=1).tolist()] \
        if rows else []
    table = steps.answers(combinations)
    out = _spread(CORE_COLUMNS, table, combination_codes)
    if changes:  # what would change each answer (decision policy, section 12)
        described = steps.described(combinations, [row[0] is not None for row in table])
        out.update(_changes(steps, described, combination_codes,
                            *(_numbers(numbers[name], rows) for name in _NUMBERED)))
    return out


def _changes(steps: Steps, described: list[Combination | None], codes: np.ndarray,
             size: np.ndarray, months: np.ndarray, budget: np.ndarray
             ) -> dict[str, np.ndarray]:
    """The changes columns: the rows grouped by what their text shows (their combination,
    months and each distance's whole percent), each group's text and months ahead from
    the core on its first row, spread by numpy. The distance nearest zero, per row."""
    rows = len(codes)
    decided = np.array([d is not None for d in described] or [False], bool)[codes]
    limits = np.full((max(len(described), 1), 4), np.nan)
    matter = np.zeros(max(len(described), 1), bool)
    for at, found in enumerate(described):
        if found is not None:
            matter[at] = found.matter
            for slot, limit, _ in found.slots:
                limits[at, slot] = limit
    row_limits = limits[codes]
    closest = np.full(rows, np.nan)
    parts = [codes, pd.factorize(np.where(matter[codes], months, np.nan))[0] + 1]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for slot in range(4):
            values = size if slot < 2 else budget
            distance = np.where(values == 0, np.nan, (row_limits[:, slot] - values) / values)
            nearer = ~np.isnan(distance) & ~(np.abs(closest) <= np.abs(distance))
            closest[nearer] = distance[nearer]
            percent = np.rint(distance * 100)
            # Under half a percent either way shows as +<1% or -<1%: kept apart from 0%.
            tiny = (percent == 0) & (distance != 0)
            parts.append(pd.factorize(percent * 4 + np.where(tiny, np.sign(distance), 0))[0] + 1)
    where = np.flatnonzero(decided)
    group_codes, first = _combine([part[where] for part in parts], len(where))
    policy, firsts = steps.policy, where[first].tolist()
    texts, over = [], []
    for at, found in zip(firsts, (described[c] for c in codes[where[first]].tolist()),
                         strict=True):
        assert found is not None
        shown, _ = row_key(found, _plain(size[at]), _plain(months[at]), _plain(budget[at]))
        text = found.texts.get(shown)
        if text is None:
            text = found.texts[shown] = text_of(policy, found, shown)
        texts.append(text[0])
        over.append(text[1])
    changes = np.full(rows, None, object)
    over_time_months = np.full(rows, np.nan)
    changes[where] = np.array(texts, object)[group_codes] if texts else changes[where]
    over_time_months[where] = np.array(over, np.float64)[group_codes] if over else np.nan
    closest[~decided] = np.nan
    return {"changes": changes, "over_time_months": over_time_months,
            "closest_distance": closest}


def _numbers(numbers: np.ndarray | None, rows: int) -> np.ndarray:
    return np.full(rows, np.nan) if numbers is None else numbers


def _plain(number: float) -> float | None:
    return None if number != number else float(number)


def _read_column(steps: Steps, name: str, values: np.ndarray | None, rows: int
                 ) -> tuple[np.ndarray, np.ndarray | None]:
    """Each row's reading code and number (NaN: none): the distinct values read by the
    core, spread over the rows by numpy."""
    if values is None:
        code = steps.read(name, None, 1)[0][0]
        return np.full(rows, code, np.int64), None
    if len(values) != rows:
        raise ValueError(f"the {name} column has {len(values)} rows, not {rows}")
    if values.dtype != np.float64:
        values = values.astype(object, copy=False)
    value_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if values.dtype == object:
        suspects = _suspects(uniques)
        if len(suspects):
            value_codes, uniques = _split_booleans(values, value_codes, uniques, suspects)
    # The last entry stands for a blank (factorize's -1).
    distinct = [u.value if isinstance(u, _Boolean) else u for u in uniques.tolist()] + [None]
    found_codes, found_numbers = steps.read(name, distinct, len(distinct))
    row_codes = np.array(found_codes, np.int64)[value_codes]
    if found_numbers is None or name not in _NUMBERED:
        return row_codes, None
    table = np.array([np.nan if n is None else n for n in found_numbers], np.float64)
    return row_codes, table[value_codes]


def _combine(codes: list[np.ndarray], rows: int) -> tuple[np.ndarray, np.ndarray]:
    """A code per row for its combination of codes (whole numbers from 0), and each
    combination's first row. Codes are mixed into one key while it fits in 62 bits,
    compacted by factorize when it would not."""
    key = np.zeros(rows, np.int64)
    top = 1  # key < top
    for part in codes:
        span = int(part.max()) + 1 if rows else 1
        if top * span >= 1 << 62:
            key, uniques = pd.factorize(key)
            top = len(uniques)
        key = key * span + part
        top *= span
    combination_codes, _ = pd.factorize(key)
    combination_codes = combination_codes.astype(np.int64)
    # factorize numbers combinations in order of first appearance.
    seen = np.maximum.accumulate(combination_codes) if rows else combination_codes
    new = np.ones(rows, bool)
    new[1:] = combination_codes[1:] > seen[:-1]
    return combination_codes, np.flatnonzero(new)


def _spread(names: tuple[str, ...], table: list[tuple[Any, ...]], codes: np.ndarray
            ) -> dict[str, np.ndarray]:
    columns = list(zip(*table, strict=True)) if table else [()] * len(names)
    return {name: np.array(values, np.float64 if name in _FLOATS else object)[codes]
            for name, values in zip(names, columns, strict=True)}


def _as_array(series: pd.Series | None) -> np.ndarray | None:
    if series is None:
        return None
    if _is_plain_numeric(series):
        return series.to_numpy(np.float64, na_value=np.nan)
    return series.to_numpy(object)


def _source(frame: pd.DataFrame, name: str, column: Any) -> pd.Series | None:
    if column is _DEFAULT:
        return frame[name] if name in frame.columns else None
    if column is None:
        return None
    if column not in frame.columns:
        seen = ", ".join(str(c) for c in frame.columns)
        raise DeciderInputError(f"{name} column '{column}' is not in the table; columns: {seen}")
    series: Any = frame[column]
    if isinstance(series, pd.DataFrame):
        raise DeciderInputError(f"{name} column '{column}' appears more than once in the table")
    return pd.Series(series)


def _suspects(uniques: np.ndarray) -> np.ndarray:
    """The distinct values under which factorize may have merged a boolean with a 0 or 1
    (True == 1 == 1.0 and they hash alike; it keeps the first seen): the booleans and the
    numbers equal to 0 or 1."""
    types = TYPE_OF(uniques)
    booleans = (types == _BOOL_TYPES[0]) | (types == _BOOL_TYPES[1])
    numbers = _plain_numbers(types)
    zero_or_one = np.zeros(len(uniques), bool)
    zero_or_one[numbers] = np.isin(uniques[numbers].astype(np.float64), (0.0, 1.0))
    # Other numbers (Decimal, Fraction, numpy's own) equal to 0 or 1 hash like a boolean too.
    others = np.flatnonzero(~numbers & ~booleans & (types != _STR_TYPE))
    zero_or_one[others] = [_is_zero_or_one(u) for u in uniques[others].tolist()]
    return np.flatnonzero(booleans | zero_or_one)


def _is_zero_or_one(value: Any) -> bool:
    return isinstance(value, numbers_module.Number) and value in _ZERO_OR_ONE


_ZERO_OR_ONE: tuple[Any, ...] = (0, 1)


def _plain_numbers(types: np.ndarray) -> np.ndarray:
    """Where the types (of an object array) are plain ints and floats."""
    found = np.zeros(len(types), bool)
    for kind in _NUMBER_TYPES:
        found |= types == kind
    return found


# type() over an object array in numpy's loop: far faster than a Python generator.
TYPE_OF = np.frompyfunc(type, 1, 1)
_BOOL_TYPES = np.array([bool], dtype=object), np.array([np.bool_], dtype=object)
_STR_TYPE = np.array([str], dtype=object)
_NUMBER_TYPES = tuple(np.array([kind], dtype=object) for kind in (int, float, np.float64,
                                                                  np.int64))


class _Boolean:
    """A boolean kept apart from 0 and 1. There are two, compared by identity."""

    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value


_FALSE, _TRUE = _Boolean(False), _Boolean(True)


def _split_booleans(values: np.ndarray, codes: np.ndarray, uniques: np.ndarray,
                    suspects: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give the boolean cells codes of their own, without factorizing again: only the
    cells filed under a suspect distinct value are looked at."""
    positions = np.flatnonzero(np.isin(codes, suspects))
    types = TYPE_OF(values[positions])
    is_bool = (types == _BOOL_TYPES[0]) | (types == _BOOL_TYPES[1])
    if not is_bool.any():
        return codes, uniques
    booleans = positions[is_bool]
    # A distinct value that is a boolean now stands only for the numbers merged into it.
    uniques = np.array([int(u) if isinstance(u, bool | np.bool_) else u for u in uniques]
                       + [_FALSE, _TRUE], dtype=object)
    codes = codes.copy()
    codes[booleans] = len(uniques) - 2 + values[booleans].astype(np.intp)
    return codes, uniques


def _is_plain_numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


