"""A portfolio scored in plain Python: columns of cells in, columns of answers out.

No numpy, no pandas: the Excel functions run on this in every xlwings runtime, xlwings
Lite's Pyodide included, and start without importing either.

Each distinct value of a column is read once with the scalar reader (`parsing.read`, so
text parses exactly as `recommend` parses it). Distinct values whose readings answer and
show alike (the same rule, flag, message, note and value as typed, which the rationale
echoes: "4,200" and 4200 are two) are one class, and each distinct combination of classes
across the inputs is decided once (`engine.decide`, memoised per policy) and turned into
one row of answers; its rationale is joined from lines kept per reading. A column of
10,000 business units costs a dictionary look-up per cell and one row per distinct
combination.

Values are told apart by their type as well as their value: True == 1 == 1.0 and they hash
alike, but TRUE in a multi-country cell means "several countries" and 1 means one.

The answers are those of `decider.frame.score_columns` row for row, as plain lists:

    architecture  str, or None where the row is refused
    index         float, or float('nan') where the row is refused
    confidence    float, or float('nan') where the row is refused
    rationale     str: the decision, and per criterion the value as typed, what it
                  became, the rule, the vote and its source (`engine.explain`); None
                  if refused
    missing       the unknown criteria, "size, budget"; "" where a value is unreadable
    mandatory     the mandatory regulation's sentence, or None
    issues        None, or why the row is refused (every unreadable value, in input
                  order, joined with "; "; or that too little is known)

With `changes=True` (=ORCH_CHANGES), three more, as `score_columns(changes=True)` gives:

    changes           what would change the answer (`decider.changes`), None if refused
    over_time_months  the months until growing practice changes it, or float('nan')
    closest_distance  the size or budget change's distance nearest zero, or float('nan')

Distances depend on the very number read, so in that mode readings are told apart by
their number too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any

from decider.changes import describe, unit_changes_of
from decider.context import NO_CONTEXT, ColumnContext
from decider.engine import decide, explain, rule_key
from decider.parsing import UNKNOWN, Reading, read
from decider.policy import INPUTS, Policy, default_policy

RESULT_COLUMNS = ("architecture", "index", "confidence", "rationale", "missing", "mandatory",
                  "issues")
CHANGES_COLUMNS = ("changes", "over_time_months", "closest_distance")

_NAN = float("nan")

Row = tuple[Any, ...]  # one row of answers, in RESULT_COLUMNS order


def score_cells(
    columns: Mapping[str, Sequence[Any] | None], rows: int, *, policy: Policy | None = None,
    contexts: Mapping[str, ColumnContext] | None = None, changes: bool = False,
) -> dict[str, list[Any]]:
    """Score `rows` business units given as columns of cells.

    `columns` maps an input name (size, maturity, regulation, budget, multi_country) to
    its cells, one a row (any value `recommend` takes: text, numbers, booleans, blanks);
    a missing name or None is unknown on every row. `contexts` maps an input name to what
    its column's header says about its values (`decider.context`). Returns each of
    RESULT_COLUMNS as a list of `rows` answers, and CHANGES_COLUMNS with `changes` (see
    the module's docstring)."""
    policy = policy or default_policy()
    contexts = contexts or {}
    chosen = tuple(contexts.get(name, NO_CONTEXT) for name in INPUTS)
    known = _known(policy, chosen, changes)
    codes = [_codes(policy, name, columns.get(name), rows, context, column)
             for name, context, column in zip(INPUTS, chosen, known.columns, strict=True)]
    readings = [column.readings for column in known.columns]
    answered = known.answered
    table = []
    for combination in zip(*codes, strict=False):
        row = answered.get(combination)
        if row is None:
            row = answered[combination] = _answer(
                policy, [found[code] for found, code in zip(readings, combination, strict=True)],
                changes)
        table.append(row)
    names = RESULT_COLUMNS + CHANGES_COLUMNS if changes else RESULT_COLUMNS
    if not table:
        return {name: [] for name in names}
    return {name: list(values)
            for name, values in zip(names, zip(*table, strict=True), strict=True)}


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

    __slots__ = ("by_meaning", "by_value", "lock", "readings", "with_numbers")

    def __init__(self, with_numbers: bool = False) -> None:
        # What would change an answer depends on the number read and on whether the input
        # is known at all: then those tell readings apart too.
        self.with_numbers = with_numbers
        self.by_value: dict[tuple[type, Any], int] = {}
        self.by_meaning: dict[tuple[Any, ...], int] = {}
        self.readings: list[Reading] = []
        # A server may answer two calls at once: a new code and its reading go together.
        self.lock = threading.Lock()

    def code_of(self, reading: Reading) -> int:
        # The value as typed too: the rationale shows it (section 11).
        meaning: tuple[Any, ...] = (reading.rule, reading.flag, reading.error, reading.note,
                                    reading.typed)
        if self.with_numbers:
            meaning += (reading.number, reading is UNKNOWN or reading.read_as == "unknown")
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

    def __init__(self, with_numbers: bool = False) -> None:
        self.columns = tuple(_Column(with_numbers) for _ in INPUTS)
        # A row of answers per combination of readings (their codes, one per input).
        self.answered: dict[tuple[int, ...], Row] = {}

    def is_large(self) -> bool:
        return (len(self.answered) > _KNOWN_LIMIT
                or any(len(column.by_value) > _KNOWN_LIMIT for column in self.columns))


# Where what is known is forgotten (all at once: the codes of the rows answered are the
# columns'), so that a long Excel session stays small.
_KNOWN_LIMIT = 250_000


def _known(policy: Policy, contexts: tuple[ColumnContext, ...], changes: bool) -> _Known:
    memo_key = ("core", contexts, changes)
    known: _Known | None = policy.memo.get(memo_key)
    if known is None or known.is_large():
        known = policy.memo[memo_key] = _Known(changes)
    return known


def _answer(policy: Policy, readings: list[Reading], changes: bool = False) -> Row:
    """One row of answers for one combination of readings, as `recommend` answers it."""
    row = _decided(policy, readings)
    if changes:
        row += _changes(policy, readings) if row[0] is not None else (None, _NAN, _NAN)
    return row


def _changes(policy: Policy, readings: list[Reading]) -> Row:
    """What would change a decided unit's answer, as `recommend` tells it."""
    moves, over_time = unit_changes_of(policy, readings)
    distances = [abs(m.distance) for m in moves if m.distance is not None]
    closest = min(distances, default=None)
    signed = next((m.distance for m in moves
                   if m.distance is not None and abs(m.distance) == closest), _NAN)
    return ("; ".join(describe(moves, over_time)),
            _NAN if over_time is None else float(over_time.months), signed)


def _decided(policy: Policy, readings: list[Reading]) -> Row:
    problems = [reading.error for reading in readings if reading.error]
    if problems:
        return (None, _NAN, _NAN, None, "", None, "; ".join(problems))
    decision = decide(policy, rule_key(readings))
    rationale = explain(policy, readings, decision)  # values as typed and as read (§11)
    return (
        decision.architecture,
        _NAN if decision.index is None else decision.index,
        _NAN if decision.confidence is None else decision.confidence,
        rationale,
        ", ".join(decision.missing),
        decision.mandatory,
        decision.error,
    )
