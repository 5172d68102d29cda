"""A portfolio scored in plain Python: columns of cells in, columns of answers out.

No numpy, no pandas: the Excel functions run on this in every xlwings runtime, xlwings
Lite's Pyodide included, and start without importing either.

Each distinct value of a column is read once with the scalar reader (`parsing.read`, so
text parses exactly as `recommend` parses it). Distinct values whose readings answer
alike (the same rule, flag, message and note: 300 and 420 employees both "100-500") are
then one class, and each distinct combination of classes across the inputs is decided
once (`engine.decide`, memoised per policy) and turned into one row of answers. A column
of 10,000 business units costs a dictionary look-up per cell and a handful of decisions.

Values are told apart by their type as well as their value: True == 1 == 1.0 and they hash
alike, but TRUE in a multi-country cell means "several countries" and 1 means one.

The answers are those of `decider.frame.score_columns` row for row, as plain lists:

    architecture  str, or None where the row is refused
    index         float, or float('nan') where the row is refused
    confidence    float, or float('nan') where the row is refused
    rationale     str (with how values were read, "as read: ..."), or None if refused
    missing       the unknown criteria, "size, budget"; "" where a value is unreadable
    mandatory     the mandatory regulation's sentence, or None
    issues        None, or why the row is refused (every unreadable value, in input
                  order, joined with "; "; or that too little is known)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any

from decider.context import NO_CONTEXT, ColumnContext
from decider.engine import decide, rule_key
from decider.parsing import UNKNOWN, Reading, read
from decider.policy import INPUTS, Policy, default_policy

RESULT_COLUMNS = ("architecture", "index", "confidence", "rationale", "missing", "mandatory",
                  "issues")

_NAN = float("nan")

Row = tuple[Any, ...]  # one row of answers, in RESULT_COLUMNS order


def score_cells(
    columns: Mapping[str, Sequence[Any] | None], rows: int, *, policy: Policy | None = None,
    contexts: Mapping[str, ColumnContext] | None = None,
) -> dict[str, list[Any]]:
    """Score `rows` business units given as columns of cells.

    `columns` maps an input name (size, maturity, regulation, budget, multi_country) to
    its cells, one a row (any value `recommend` takes: text, numbers, booleans, blanks);
    a missing name or None is unknown on every row. `contexts` maps an input name to what
    its column's header says about its values (`decider.context`). Returns each of
    RESULT_COLUMNS as a list of `rows` answers (see the module's docstring)."""
    policy = policy or default_policy()
    contexts = contexts or {}
    chosen = tuple(contexts.get(name, NO_CONTEXT) for name in INPUTS)
    known = _known(policy, chosen)
    codes = [_codes(policy, name, columns.get(name), rows, context, column)
             for name, context, column in zip(INPUTS, chosen, known.columns, strict=True)]
    readings = [column.readings for column in known.columns]
    answered = known.answered
    table = []
    for combination in zip(*codes, strict=False):
        row = answered.get(combination)
        if row is None:
            row = answered[combination] = _answer(
                policy, [found[code] for found, code in zip(readings, combination, strict=True)])
        table.append(row)
    if not table:
        return {name: [] for name in RESULT_COLUMNS}
    return {name: list(values)
            for name, values in zip(RESULT_COLUMNS, zip(*table, strict=True), strict=True)}


def _codes(policy: Policy, name: str, cells: Sequence[Any] | None, rows: int,
           context: ColumnContext, known: _Column) -> Iterable[int]:
    """For each row, the position of its reading among the input's distinct readings."""
    if cells is None:
        return repeat(known.code_of(UNKNOWN), rows)
    if len(cells) != rows:
        raise ValueError(f"the {name} column has {len(cells)} rows, not {rows}")
    by_value = known.by_value
    codes = []
    for value in cells:
        key = (type(value), value)
        try:
            code = by_value.get(key)
        except TypeError:  # an unhashable value: read it every time
            code = known.code_of(read(policy, name, value, context))
        else:
            if code is None:
                code = by_value[key] = known.code_of(read(policy, name, value, context))
        codes.append(code)
    return codes


class _Column:
    """The distinct readings of one input's values (as far as the answers go: the same
    rule, flag, message and note), and which of them each value seen has."""

    __slots__ = ("by_meaning", "by_value", "lock", "readings")

    def __init__(self) -> None:
        self.by_value: dict[tuple[type, Any], int] = {}
        self.by_meaning: dict[tuple[Any, ...], int] = {}
        self.readings: list[Reading] = []
        # A server may answer two calls at once: a new code and its reading go together.
        self.lock = threading.Lock()

    def code_of(self, reading: Reading) -> int:
        meaning = (reading.rule, reading.flag, reading.error, reading.note)
        code = self.by_meaning.get(meaning)
        if code is None:
            with self.lock:
                code = self.by_meaning.get(meaning)
                if code is None:
                    self.readings.append(reading)
                    code = self.by_meaning[meaning] = len(self.readings) - 1
        return code


class _Known:
    """What was read and answered under one policy (and one context per input), kept with
    the policy's memo: a workbook recalculating the same portfolio reads and decides
    nothing twice, and each cell costs one dictionary look-up."""

    __slots__ = ("answered", "columns")

    def __init__(self) -> None:
        self.columns = tuple(_Column() for _ in INPUTS)
        # A row of answers per combination of readings (their codes, one per input).
        self.answered: dict[tuple[int, ...], Row] = {}

    def is_large(self) -> bool:
        return (len(self.answered) > _KNOWN_LIMIT
                or any(len(column.by_value) > _KNOWN_LIMIT for column in self.columns))


# Where what is known is forgotten (all at once: the codes of the rows answered are the
# columns'), so that a long Excel session stays small.
_KNOWN_LIMIT = 250_000


def _known(policy: Policy, contexts: tuple[ColumnContext, ...]) -> _Known:
    memo_key = ("core", contexts)
    known: _Known | None = policy.memo.get(memo_key)
    if known is None or known.is_large():
        known = policy.memo[memo_key] = _Known()
    return known


def _answer(policy: Policy, readings: list[Reading]) -> Row:
    """One row of answers for one combination of readings, as `recommend` answers it."""
    problems = [reading.error for reading in readings if reading.error]
    if problems:
        return (None, _NAN, _NAN, None, "", None, "; ".join(problems))
    decision = decide(policy, rule_key(readings))
    rationale = decision.explanation
    notes = [reading.note for reading in readings if reading.note is not None]
    if rationale and notes:
        rationale = f"{rationale}; as read: {'; '.join(notes)}"
    return (
        decision.architecture,
        _NAN if decision.index is None else decision.index,
        _NAN if decision.confidence is None else decision.confidence,
        rationale,
        ", ".join(decision.missing),
        decision.mandatory,
        decision.error,
    )
