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

Distances depend on the very number read: in that mode each row's size, months and budget
are kept beside its readings, and the rows are grouped by what their text shows
(`decider.core_changes`), not decided once per distinct number.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from decider.changes import State, state_of
from decider.context import NO_CONTEXT, ColumnContext
from decider.core_changes import Combination, changes_columns
from decider.engine import DeferredRationale, decide, explain, rule_key
from decider.parsing import UNKNOWN, Reading, read
from decider.policy import INPUTS, NumericScale, Policy, default_policy
from decider.reading.maturity import YEARS

RESULT_COLUMNS = ("architecture", "index", "confidence", "rationale", "missing", "mandatory",
                  "issues")
CHANGES_COLUMNS = ("changes", "over_time_months", "closest_distance")

_NAN = float("nan")

Row = tuple[Any, ...]  # one row of answers, in RESULT_COLUMNS order


def score_cells(
    columns: Mapping[str, Sequence[Any] | None], rows: int, *, policy: Policy | None = None,
    contexts: Mapping[str, ColumnContext] | None = None, changes: bool = False,
    deferred: bool = False,
) -> dict[str, list[Any]]:
    """Score `rows` business units given as columns of cells.

    `columns` maps an input name (size, maturity, regulation, budget, multi_country) to
    its cells, one a row (any value `recommend` takes: text, numbers, booleans, blanks);
    a missing name or None is unknown on every row. `contexts` maps an input name to what
    its column's header says about its values (`decider.context`). Returns each of
    RESULT_COLUMNS as a list of `rows` answers, and CHANGES_COLUMNS with `changes` (see
    the module's docstring). `deferred`: each rationale an `engine.DeferredRationale`,
    composed when asked for (a scored sheet's writer, which keeps each text once)."""
    steps = Steps(policy, contexts, changes, deferred)
    coded = [steps.read(name, columns.get(name), rows) for name in INPUTS]
    # Each distinct combination of readings once (its tuple shared with the memo), and
    # each row's position among them: a large sheet's rows are mostly distinct, so the
    # tuples are made once and the answers looked up by position.
    positions: dict[tuple[int, ...], int] = {}
    combinations: list[tuple[int, ...]] = []
    row_codes = array("l")
    for combination in zip(*(found[0] for found in coded), strict=True):
        at = positions.get(combination)
        if at is None:
            at = positions[combination] = len(combinations)
            combinations.append(combination)
        row_codes.append(at)
    del positions
    table = steps.answers(combinations)
    names = RESULT_COLUMNS + CHANGES_COLUMNS if changes else RESULT_COLUMNS
    if not table:
        return {name: [] for name in names}
    answer_columns = list(zip(*table, strict=True))
    del table  # each row of answers is in the columns now (memory: one a combination)
    out = {name: [values[at] for at in row_codes]
           for name, values in zip(RESULT_COLUMNS, answer_columns, strict=True)}
    if changes:
        decided = [architecture is not None for architecture in answer_columns[0]]
        del answer_columns
        numbers = [coded[INPUTS.index(name)][1] for name in ("size", "maturity", "budget")]
        out.update(steps.changes(combinations, decided, row_codes, *numbers))
    return out


class Steps:
    """`score_cells` in its steps, for an adapter that finds the distinct values and the
    distinct combinations itself (`decider.frame`, with numpy): reading values, answering
    combinations of readings, and the changes columns happen here and only here."""

    def __init__(self, policy: Policy | None, contexts: Mapping[str, ColumnContext] | None,
                 changes: bool, deferred: bool = False) -> None:
        self.policy = policy or default_policy()
        contexts = contexts or {}
        self.contexts = tuple(contexts.get(name, NO_CONTEXT) for name in INPUTS)
        self.deferred = deferred
        self.known = _known(self.policy, self.contexts, changes, deferred)

    def read(self, name: str, cells: Sequence[Any] | None, rows: int
             ) -> tuple[list[int], list[float | None] | None]:
        """Each cell's reading (its code among the input's distinct readings) and the
        number it reads as (size, maturity, budget; None: none; None for the whole list
        for other inputs and when not given). `cells` None: unknown on every one of `rows`."""
        at = INPUTS.index(name)
        return _codes(self.policy, name, cells, rows, self.contexts[at],
                      self.known.columns[at], name in _NUMBERED)

    def answers(self, combinations: Iterable[tuple[int, ...]]) -> list[Row]:
        """A row of answers (RESULT_COLUMNS) per combination of readings' codes."""
        answered, policy, deferred = self.known.answered, self.policy, self.deferred
        readings = [column.readings for column in self.known.columns]
        # A deferred batch's combinations come distinct and are answered once: keeping
        # them would only hold a large sheet's rows of answers twice.
        keep = not deferred
        table = []
        for combination in combinations:
            row = answered.get(combination) if keep else None
            if row is None:
                row = _answer(policy, [found[code] for found, code in zip(
                    readings, combination, strict=True)],
                    (readings, combination) if deferred else None)
                if keep:
                    answered[combination] = row
            table.append(row)
        return table

    def described(self, combinations: Sequence[tuple[int, ...]], decided: Sequence[bool]
                  ) -> list[Combination | None]:
        """What the changes of each decided combination need (None: not decided)."""
        readings = [column.readings for column in self.known.columns]
        return [self.known.combination(self.policy, combination, readings) if answered
                else None for combination, answered in zip(combinations, decided, strict=True)]

    def changes(self, combinations: Sequence[tuple[int, ...]], decided: Sequence[bool],
                codes: Sequence[int], sizes: Sequence[float | None] | None,
                months: Sequence[float | None] | None, budgets: Sequence[float | None] | None
                ) -> dict[str, list[Any]]:
        """The changes columns of rows whose combination is `combinations[codes[i]]`
        (`decided`: that combination has an answer), from each row's numbers."""
        found = self.described(combinations, decided)
        none: list[float | None] = [None] * len(codes)
        texts, over, closest = changes_columns(self.policy, found, codes, sizes or none,
                                               months or none, budgets or none)
        return {"changes": texts, "over_time_months": over, "closest_distance": closest}


def _codes(policy: Policy, name: str, cells: Sequence[Any] | None, rows: int,
           context: ColumnContext, known: _Column, numbers: bool = False
           ) -> tuple[list[int], list[float | None] | None]:
    """For each row, the position of its reading among the input's distinct readings;
    with `numbers`, each row's number read too (None: none)."""
    if cells is None:
        return [known.code_of(UNKNOWN)] * rows, None
    if len(cells) != rows:
        raise ValueError(f"the {name} column has {len(cells)} rows, not {rows}")
    by_value = known.by_value
    scale = _SCALES[name](policy) if name in _SCALES and context == NO_CONTEXT else None
    codes = []
    found = []
    for value in cells:
        key = (type(value), value)
        try:
            pair = by_value.get(key)
        except TypeError:  # an unhashable value: read it every time
            pair = known.pair_of(read(policy, name, value, context))
        else:
            if pair is None:
                placed = None if scale is None else _placed(name, scale, known, value)
                pair = by_value[key] = placed or known.pair_of(read(policy, name, value,
                                                                    context))
        codes.append(pair[0])
        if numbers:
            found.append(pair[1])
    return codes, (found if numbers else None)


_SCALES = {
    "size": lambda policy: policy.size_scale,
    "maturity": lambda policy: policy.month_scale,
    "budget": lambda policy: policy.budget_scale,
}


def _placed(name: str, scale: NumericScale, known: _Column, value: Any
            ) -> tuple[int, float | None] | None:
    """A plain positive number with nothing around it placed on the policy's range at
    once, as the reader places it, when a value of that range was read before (its
    reading stands for this one: the same rule, no flag, no message, no note). None:
    read it (the first of its range; zero, negatives, infinities, a maturity that may be
    a year)."""
    if type(value) is not float and type(value) is not int:
        return None
    number = float(value)
    if not 0 < number < _INF or (name == "maturity" and YEARS[0] <= number <= YEARS[1]
                                 and number == int(number)):
        return None
    code = known.by_meaning.get(known.plain_meaning(scale.rule_for(number)))
    return None if code is None else (code, number)


_INF = float("inf")
_NUMBERED = ("size", "maturity", "budget")  # the inputs whose numbers the changes use


class _Column:
    """The distinct readings of one input's values (as far as the answers go: the same
    rule, flag, message and note), and which of them each value seen has, with the number
    it reads as (for the changes' distances)."""

    __slots__ = ("by_meaning", "by_value", "lock", "readings", "with_numbers")

    def __init__(self, with_numbers: bool = False) -> None:
        # What would change an answer depends on whether the input is known at all ("not
        # known" and a blank vote alike): then that tells readings apart too.
        self.with_numbers = with_numbers
        self.by_value: dict[tuple[type, Any], tuple[int, float | None]] = {}
        self.by_meaning: dict[tuple[Any, ...], int] = {}
        self.readings: list[Reading] = []
        # A server may answer two calls at once: a new code and its reading go together.
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # A policy (and its memo) goes to worker processes: a lock does not pickle.
        return {name: getattr(self, name) for name in self.__slots__ if name != "lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.lock = threading.Lock()

    def plain_meaning(self, rule: int) -> tuple[Any, ...]:
        """The meaning of a plain number's reading on `rule` (see `code_of`)."""
        # A plain number is read as it stands: no value echoed (`Reading.typed` None).
        plain: tuple[Any, ...] = (rule, False, None, None, None)
        return (*plain, False) if self.with_numbers else plain

    def pair_of(self, reading: Reading) -> tuple[int, float | None]:
        number = (None if reading.number is None or reading.rule is None
                  else float(reading.number))
        return self.code_of(reading), number

    def code_of(self, reading: Reading) -> int:
        # The value as typed too: the rationale shows it (section 11).
        meaning: tuple[Any, ...] = (reading.rule, reading.flag, reading.error, reading.note,
                                    reading.typed)
        if self.with_numbers:
            meaning += (reading is UNKNOWN or reading.read_as == "unknown",)
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

    __slots__ = ("answered", "by_state", "columns", "combinations")

    def __init__(self, with_numbers: bool = False) -> None:
        self.columns = tuple(_Column(with_numbers) for _ in INPUTS)
        # A row of answers per combination of readings (their codes, one per input).
        self.answered: dict[tuple[int, ...], Row] = {}
        # What the changes of a decided combination need, and its texts so far: by codes,
        # and shared by every combination of one state (what would change an answer does
        # not depend on how a value was typed, which the codes tell apart for the
        # rationale).
        self.combinations: dict[tuple[int, ...], Combination] = {}
        self.by_state: dict[State, Combination] = {}

    def combination(self, policy: Policy, codes: tuple[int, ...],
                    readings: list[list[Reading]]) -> Combination:
        found = self.combinations.get(codes)
        if found is None:
            chosen = [column[code] for column, code in zip(readings, codes, strict=True)]
            state = state_of(chosen)
            found = self.by_state.get(state)
            if found is None:
                found = self.by_state[state] = Combination(policy, chosen)
            self.combinations[codes] = found
        return found

    def is_large(self) -> bool:
        return (len(self.answered) > _KNOWN_LIMIT
                or any(len(column.by_value) > _KNOWN_LIMIT for column in self.columns))


# Where what is known is forgotten (all at once: the codes of the rows answered are the
# columns'), so that a long Excel session stays small.
_KNOWN_LIMIT = 250_000


def _known(policy: Policy, contexts: tuple[ColumnContext, ...], changes: bool,
           deferred: bool = False) -> _Known:
    memo_key = ("core", contexts, changes, deferred)
    known: _Known | None = policy.memo.get(memo_key)
    if known is None or known.is_large():
        known = policy.memo[memo_key] = _Known(changes)
    return known


def release_answers(policy: Policy) -> None:
    """Forget the answers of combinations and their rationale texts, once a batch has
    them all: on a large sheet most rationales are distinct (they echo the values as
    typed), and the writer no longer needs them as texts. What is kept per value (the
    readings, their lines) stays: the next workbook often types the same values."""
    for memo_key in [k for k in policy.memo if isinstance(k, tuple) and k[:1] == ("core",)]:
        del policy.memo[memo_key]
    for name in ("rationale texts", "rationale by readings"):
        policy.memo.pop(name, None)


# Where a deferred rationale finds its readings: the inputs' distinct readings, and the
# combination's code in each.
_Deferred = tuple[list[list[Reading]], tuple[int, ...]]


def _answer(policy: Policy, readings: list[Reading], deferred: _Deferred | None = None
            ) -> Row:
    """One row of answers for one combination of readings, as `recommend` answers it;
    `deferred`: its rationale composed when written (`engine.DeferredRationale`)."""
    return _decided(policy, readings, deferred)


def _decided(policy: Policy, readings: list[Reading], deferred: _Deferred | None = None
             ) -> Row:
    problems = [reading.error for reading in readings if reading.error]
    if problems:
        return (None, _NAN, _NAN, None, "", None, "; ".join(problems))
    decision = decide(policy, rule_key(readings))
    rationale: str | DeferredRationale | None
    if deferred is not None and decision.architecture is not None:
        rationale = DeferredRationale(policy, deferred[0], deferred[1], decision)
    else:
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
