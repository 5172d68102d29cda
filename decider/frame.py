"""`score_frame`: a whole portfolio (a pandas DataFrame) in one vectorized pass.

Each distinct value of a column is read once with the scalar reader (so text parses
exactly as `recommend` parses it); plain numbers are placed on the policy's ranges with
numpy. Each distinct combination of rules is decided once by the engine's memoised
`decide`. Row for row, the answers are `recommend`'s.
"""

from __future__ import annotations

import numbers as numbers_module
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from decider.context import NO_CONTEXT, ColumnContext
from decider.engine import decide, explain
from decider.errors import DeciderInputError
from decider.frame_changes import changes_columns
from decider.parsing import UNKNOWN, Reading, read
from decider.policy import CRITERIA, INPUTS, NumericScale, Policy, default_policy
from decider.reading.maturity import YEARS

RESULT_COLUMNS = ("architecture", "index", "confidence", "rationale", "missing", "mandatory",
                  "issues", "changes", "over_time_months")

_DEFAULT = object()  # "the column named like the input, if the frame has one"


@dataclass(slots=True)
class _Column:
    """The readings of one input over all rows."""

    rules: np.ndarray  # int16, -1 where the input does not vote
    flags: np.ndarray | None  # multi-country: several countries
    errors: np.ndarray | None  # object: the message, or None
    notes: np.ndarray | None = None  # object: how a value was read (Reading.note), or None
    numbers: np.ndarray | None = None  # float: the quantity read (Reading.number), or NaN


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
) -> pd.DataFrame:
    """Score every row of `frame`; return the result columns with the frame's index.

    Each keyword names the column holding that input (by default the column named like
    the input; None: unknown for every row). `contexts` maps an input name to what its
    column says about its values (`decider.context.ColumnContext`). A row `recommend`
    would refuse gets its message in `issues` and no architecture.
    """
    chosen = dict(zip(INPUTS, (size, maturity, regulation, budget, multi_country), strict=True))
    arrays = {name: _as_array(_source(frame, name, column)) for name, column in chosen.items()}
    out = score_columns(arrays, len(frame), policy=policy, contexts=contexts)
    # Series of dtype object: pandas would otherwise copy every text column into a new
    # string array, which costs more than the scoring itself.
    return pd.DataFrame(
        {name: pd.Series(out[name], index=frame.index, dtype=out[name].dtype, copy=False)
         for name in RESULT_COLUMNS},
        index=frame.index,
    )


def score_columns(
    columns: Mapping[str, np.ndarray | None], rows: int, *, policy: Policy | None = None,
    contexts: Mapping[str, ColumnContext] | None = None, changes: bool = True,
) -> dict[str, np.ndarray]:
    """`score_frame` on bare arrays, for callers that hold columns, not a DataFrame (the
    Excel functions): `columns` maps each input name to a float64 array (numbers, NaN for
    blank) or an object array of cells, or None (unknown on every row); `contexts` what
    each column's header says about its values (see `decider.context`). Returns the
    result columns as arrays of `rows` entries; with `changes=False`, without `changes`,
    `over_time_months` and `closest_distance` (a caller that shows none of them)."""
    policy = policy or default_policy()
    contexts = contexts or {}
    read = {name: _read_column(policy, name, columns.get(name), rows,
                               contexts.get(name, NO_CONTEXT))
            for name in INPUTS}
    out = _decide_rows(policy, read, rows)
    out["rationale"] = _with_notes(policy, columns, rows, contexts, out["rationale"])
    if changes:  # what would change each answer (decision policy, section 12)
        out.update(changes_columns(policy, read, pd.notna(out["architecture"])))
    return out


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


def _read_column(policy: Policy, name: str, values: np.ndarray | None, rows: int,
                 context: ColumnContext = NO_CONTEXT) -> _Column:
    if values is None:
        return _Column(np.full(rows, -1, np.int16), None, None)
    if len(values) != rows:
        raise ValueError(f"the {name} column has {len(values)} rows, not {rows}")
    # Numbers placed on the policy's ranges by numpy only where nothing around them
    # changes what they mean; otherwise each distinct number is read with its context.
    scale = _SCALES.get(name) if context == NO_CONTEXT else None
    if values.dtype == np.float64 and scale is not None:
        return _read_numbers(policy, name, scale(policy), values)
    values = values.astype(object, copy=False)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    suspects = _suspects(uniques)
    if len(suspects):
        codes, uniques = _split_booleans(values, codes, uniques, suspects)
    unique_column = _read_uniques(policy, name, scale, uniques, context)
    return _take(unique_column, codes)


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


def _read_uniques(
    policy: Policy, name: str, scale: Any, uniques: np.ndarray,
    context: ColumnContext = NO_CONTEXT,
) -> _Column:
    count = len(uniques)
    rules = np.full(count, -1, np.int16)
    flags = np.zeros(count, bool)
    errors = np.full(count, None, object)
    notes = np.full(count, None, object)
    quantities = np.full(count, np.nan)
    numeric = _plain_numbers(TYPE_OF(uniques))
    if scale is not None and numeric.any():
        positions = np.flatnonzero(numeric)
        numbers = _read_numbers(policy, name, scale(policy), uniques[positions].astype(np.float64))
        rules[positions] = numbers.rules
        quantities[positions] = numbers.numbers
        if numbers.errors is not None:
            errors[positions] = numbers.errors
        numeric_done = numeric
    else:
        numeric_done = np.zeros(count, bool)
    for position in np.flatnonzero(~numeric_done):
        value = uniques[position]
        reading = read(policy, name, value.value if isinstance(value, _Boolean) else value,
                       context)
        rules[position] = -1 if reading.rule is None else reading.rule
        flags[position] = reading.flag
        errors[position] = reading.error
        notes[position] = reading.note
        if reading.number is not None:
            quantities[position] = float(reading.number)
    has_errors = any(e is not None for e in errors)
    has_notes = any(n is not None for n in notes)
    return _Column(rules, flags if name == "multi_country" else None,
                   errors if has_errors else None, notes if has_notes else None,
                   quantities if name in _SCALES else None)


def _read_numbers(policy: Policy, name: str, scale: NumericScale, numbers: np.ndarray) -> _Column:
    """Plain numbers: positive finite ones placed on the ranges by numpy, blanks (NaN)
    left unknown, the rest read one at a time (zero, negatives, infinities)."""
    rules = np.full(len(numbers), -1, np.int16)
    good = np.isfinite(numbers) & (numbers > 0)
    if name == "maturity":  # a whole number that may be a year is the reader's to refuse
        good &= ~((numbers >= YEARS[0]) & (numbers <= YEARS[1])
                  & (numbers == np.floor(numbers)))
    conditions = [
        (numbers <= b.limit) if b.inclusive else (numbers < b.limit)
        for b in scale.bounds[:-1] if b.limit is not None
    ]
    placed = np.select(conditions, scale.rules[:-1], default=scale.rules[-1])
    rules[good] = placed[good]
    errors = None
    odd = ~good & ~np.isnan(numbers)
    if odd.any():
        errors = np.full(len(numbers), None, object)
        for position in np.flatnonzero(odd):
            reading: Reading = read(policy, name, float(numbers[position]))
            errors[position] = reading.error
            rules[position] = -1 if reading.rule is None else reading.rule
    return _Column(rules, None, errors, numbers=numbers)


_SCALES = {
    "size": lambda policy: policy.size_scale,
    "maturity": lambda policy: policy.month_scale,
    "budget": lambda policy: policy.budget_scale,
}


def _take(column: _Column, codes: np.ndarray) -> _Column:
    """Spread the readings of the distinct values over the rows (-1: a blank)."""
    if not len(column.rules):
        return _Column(np.full(len(codes), -1, np.int16), None, None)
    blank = codes < 0
    safe = np.where(blank, 0, codes)
    rules = np.where(blank, -1, column.rules[safe]).astype(np.int16)
    flags = None if column.flags is None else np.where(blank, False, column.flags[safe])
    none = np.array(None, object)
    errors = None if column.errors is None else np.where(blank, none, column.errors[safe])
    notes = None if column.notes is None else np.where(blank, none, column.notes[safe])
    numbers = None if column.numbers is None else np.where(blank, np.nan, column.numbers[safe])
    return _Column(rules, flags, errors, notes, numbers)


def _decide_rows(
    policy: Policy, columns: dict[str, _Column], rows: int
) -> dict[str, np.ndarray]:
    size_rules = columns["size"].rules
    multi = columns["multi_country"]
    if multi.flags is not None:
        size_rules = np.where(multi.flags, multi.rules, size_rules)
    rule_arrays = [size_rules, *(columns[c].rules for c in CRITERIA[1:])]

    key = np.zeros(rows, np.int64)
    radices = [len(policy.rules[c]) + 1 for c in CRITERIA]
    for rules, radix in zip(rule_arrays, radices, strict=True):
        key = key * radix + (rules.astype(np.int64) + 1)
    codes, unique_keys = _dense_codes(key, int(np.prod(radices)))

    # One row of results per distinct combination of rules, memoised per policy: a
    # workbook recalculating the same portfolio decides nothing twice.
    memo: dict[int, tuple[Any, ...]] = policy.memo.setdefault("result_rows", {})
    table = [memo.get(k) or _result_row(policy, memo, k, radices)
             for k in unique_keys.tolist()]
    columns_of_table = list(zip(*table, strict=True)) if table else [()] * len(_ROW_FIELDS)
    results = {
        name: np.array(values, dtype)
        for (name, dtype), values in zip(_ROW_FIELDS, columns_of_table, strict=True)
    }
    out = {name: values[codes] for name, values in results.items()}
    _apply_input_errors(out, columns, rows)
    return out


def _with_notes(policy: Policy, columns: Mapping[str, np.ndarray | None], rows: int,
                contexts: Mapping[str, ColumnContext], decided: np.ndarray) -> np.ndarray:
    """The rationale of each answered row as every entry point gives it (section 11: each
    value as typed, what it became, where its unit came from; `engine.explain`). The
    rows are keyed by their readings as the core keys them (the rule, flag, message, note
    and value as typed of each input), so each distinct combination is explained once;
    rows the frame refused or could not decide get none."""
    rationale = np.full(rows, None, object)
    where = np.flatnonzero(pd.notna(decided))
    if not len(where):
        return rationale
    classes = [_reading_classes(policy, name, columns.get(name), where,
                                contexts.get(name, NO_CONTEXT)) for name in INPUTS]
    # Several countries speak for the size: whatever the size, the text is the same.
    multi_codes, multi_readings = classes[-1]
    several = np.array([reading.flag for reading in multi_readings])[multi_codes]
    classes[0] = (np.where(several, 0, classes[0][0]), classes[0][1])
    key = np.zeros(len(where), np.int64)
    for codes, readings in classes:
        key, _ = pd.factorize(key * (len(readings) + 1) + codes)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    texts = np.array([explain(policy, [found[codes[row]] for codes, found in classes])
                      for row in first.tolist()] + [None], dtype=object)[:-1]
    rationale[where] = texts[inverse.reshape(-1)]
    return rationale


def _reading_classes(policy: Policy, name: str, values: np.ndarray | None,
                     where: np.ndarray, context: ColumnContext) -> tuple[np.ndarray, list[Reading]]:
    """For the rows `where`, the class of each one's reading among the distinct ones (told
    apart as the core tells them apart), and those readings."""
    if values is None:
        return np.zeros(len(where), np.intp), [UNKNOWN]
    chosen = values[where]
    codes, uniques = pd.factorize(chosen, use_na_sentinel=True)
    if chosen.dtype == object and len(_suspects(np.asarray(uniques, dtype=object))):
        # True == 1 and they hash alike (factorize kept the first): the type tells them apart
        kinds, _ = pd.factorize(TYPE_OF(chosen))
        codes = np.where(codes < 0, -1, codes * (int(kinds.max()) + 1) + kinds)
        codes, uniques = pd.factorize(codes, use_na_sentinel=True)
        uniques = chosen[_first_rows(codes, len(uniques))]
    readings: list[Reading] = [UNKNOWN]
    seen: dict[tuple[Any, ...], int] = {(None, False, None, None, None): 0}
    class_of = np.zeros(len(uniques) + 1, np.intp)  # the last: a blank (code -1)
    for position, value in enumerate(uniques.tolist()):
        reading = read(policy, name, value, context)
        meaning = (reading.rule, reading.flag, reading.error, reading.note, reading.typed)
        found = seen.get(meaning)
        if found is None:
            found = seen[meaning] = len(readings)
            readings.append(reading)
        class_of[position] = found
    return class_of[codes], readings


def _first_rows(codes: np.ndarray, count: int) -> np.ndarray:
    """The first row of each code 0..count-1 (the codes of a factorize)."""
    first = np.full(count, len(codes), np.intp)
    np.minimum.at(first, codes[codes >= 0], np.flatnonzero(codes >= 0))
    return first


def _dense_codes(key: np.ndarray, key_count: int) -> tuple[np.ndarray, np.ndarray]:
    """factorize for small whole numbers (0 <= key < key_count): a lookup table, no hashing."""
    present = np.zeros(key_count, bool)
    present[key] = True
    unique_keys = np.flatnonzero(present)
    position = np.zeros(key_count, np.intp)
    position[unique_keys] = np.arange(len(unique_keys))
    return position[key], unique_keys


_ROW_FIELDS = (("architecture", object), ("index", np.float64), ("confidence", np.float64),
               ("rationale", object), ("missing", object), ("mandatory", object),
               ("issues", object))


def _result_row(policy: Policy, memo: dict[int, tuple[Any, ...]], key: int,
                radices: list[int]) -> tuple[Any, ...]:
    decoded = key
    parts: list[int | None] = []
    for radix in reversed(radices):
        decoded, digit = divmod(decoded, radix)
        parts.append(None if digit == 0 else digit - 1)
    size, maturity, regulation, budget = reversed(parts)
    d = decide(policy, (size, maturity, regulation, budget))
    row = memo[key] = (
        d.architecture, np.nan if d.index is None else d.index,
        np.nan if d.confidence is None else d.confidence, d.explanation,
        ", ".join(d.missing), d.mandatory, d.error,
    )
    return row


def _apply_input_errors(out: dict[str, np.ndarray], columns: dict[str, _Column], rows: int
                        ) -> None:
    """Rows with an unreadable value: no answer, and every problem in input order."""
    error_columns = [errors for name in INPUTS if (errors := columns[name].errors) is not None]
    if not error_columns:
        return
    flagged = [errors != None for errors in error_columns]  # noqa: E711 (element-wise)
    count = np.sum(flagged, axis=0)
    bad = count > 0
    # Most bad rows have one bad value: its message as it is, in numpy; the few with
    # several get every problem in input order.
    for errors, where in zip(error_columns, flagged, strict=True):
        single = where & (count == 1)
        out["issues"][single] = errors[single]
    for position in np.flatnonzero(count > 1):
        problems = [e[position] for e in error_columns if e[position] is not None]
        out["issues"][position] = "; ".join(problems)
    for name in ("architecture", "rationale", "mandatory"):
        out[name][bad] = None
    out["missing"][bad] = ""
    out["index"][bad] = np.nan
    out["confidence"][bad] = np.nan
