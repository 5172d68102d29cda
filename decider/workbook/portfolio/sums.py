"""Totals rows typed as values (decision policy, sections 8 and 10): the last row of a
portfolio, or of one of its sections, often holds the column totals typed by hand (or
pasted as values), with no "Total" in a label column. Scored, it is one more business
unit: a 12,000-employee "unit" that inflates the counts and the summary. A careful person
sees that its numbers are the sums of the rows above it.

A business-unit row is such a totals row when it gives neither a maturity nor a
regulation as text (what a labelled totals row may not give either: a unit gives its
phase and its sector, a column of phases and sectors has no sum) and
- its size and its budget both equal, within rounding, the sums of the same rows above
  it: those since the previous totals row or section heading (a subtotal), or all the
  units above (a grand total); or
- it has no name (nothing in the label columns) and one of size and budget equals its
  sum so, the other being blank.
"Equal" needs at least two numbers summed (a row equal to the one row above is a copy,
not a total), and allows what rounding a typed figure shows (€3.5M for 3,512,000): half
the last non-zero digit, at most 0.5% of the figure.

Why this is safe: a unit matched by chance would need two independent figures each equal
to a sum of the rows above it (or one, and no name at all), and no phase and no sector
typed as words; a genuine unit gives those. The numbers compared are those the value
reader reads (`Reading.number`: "12,000", "€3.5M" and a k€ header as read).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from decider.context import NO_CONTEXT, ColumnContext
from decider.errors import DeciderInputError
from decider.headers import column_context
from decider.parsing import is_blank, read
from decider.policy import Policy
from decider.workbook.package.opening import Package
from decider.workbook.package.sheet import cells_of, decode_cell, split, wanted_rows
from decider.workbook.portfolio.rows import Units
from decider.workbook.portfolio.units import RowKinds

_SUMMED = ("size", "budget")
_TEXT_INPUTS = ("maturity", "regulation")
ROUNDING = 0.005  # the most a typed total may differ from its sum: 0.5%
_MIN_SUMMED = 2
_ROUNDS = 4  # passes asking for rows' names at most (each a read of the sheet)


def with_typed_totals(kinds: RowKinds, policy: Policy, headers: dict[str, str],
                      as_of: date | None, named: Callable[[list[int]], set[int]]
                      ) -> RowKinds:
    """`kinds` with the units that are totals typed as values moved to the totals rows.
    `headers`: each input's header (its unit and scale apply, as the reader applies
    them); `named(rows)`: those of `rows` with something in a label column."""
    units = kinds.units
    if len(units) < _MIN_SUMMED + 1:
        return kinds  # a total needs two rows above it
    numbers: dict[str, list[float | None]] = {}
    for name in _SUMMED:
        if name not in units.columns:
            continue
        try:
            context = column_context(name, headers.get(name, ""), (), as_of)
        except DeciderInputError:
            return kinds  # the header's unit is refused when the units are scored
        numbers[name] = numbers_of(policy, name, units.columns[name], context)
    if not numbers:
        return kinds
    found = summed_rows(units, [*kinds.totals, *kinds.no_inputs], numbers, named)
    if not found:
        return kinds
    moved = set(found)
    return RowKinds(units.keep([row not in moved for row in units.rows]),
                    sorted([*kinds.totals, *found]), kinds.examples, kinds.no_inputs,
                    tuple(found))


def numbers_of(policy: Policy, name: str, values: Sequence[Any],
               context: ColumnContext = NO_CONTEXT) -> list[float | None]:
    """Each cell's number as the value reader reads it (`Reading.number`, in employees or
    euros a year; None: blank or unreadable). A plain positive number under a plain
    header is its own number; anything else is read once per distinct value."""
    plain = context == NO_CONTEXT
    judged: dict[tuple[type, Any], float | None] = {}
    out: list[float | None] = []
    for value in values:
        if plain and type(value) is float:
            out.append(value if 0 < value < math.inf else None)
            continue
        if plain and type(value) is str and value.isascii() and value.isdigit():
            number = int(value)  # "4540" in a CSV: as the reader reads it, at once
            out.append(float(number) if number > 0 else None)
            continue
        if value is None:
            out.append(None)
            continue
        try:
            key = (type(value), value)
            if key not in judged:
                judged[key] = number_read(policy, name, value, context)
            out.append(judged[key])
        except TypeError:  # unhashable: read each time
            out.append(number_read(policy, name, value, context))
    return out


def number_read(policy: Policy, name: str, value: Any, context: ColumnContext = NO_CONTEXT
                ) -> float | None:
    """A cell's positive number as the value reader reads it (None: blank, unreadable,
    refused, or not above 0)."""
    reading = read(policy, name, value, context)
    if reading.number is None or reading.rule is None or reading.error is not None:
        return None
    number = float(reading.number)
    return number if number > 0 else None


def tolerance(total: float) -> float:
    """How far a typed total may be from its sum: half its last non-zero digit, at most
    0.5% of it (4,540: 5; 12,000: 60; €3.5M: 17,500), and no less than float noise."""
    digits = Decimal(repr(total)).normalize()
    exponent = int(digits.as_tuple().exponent)
    half_digit = 0.5 * 10.0 ** exponent if exponent > 0 else 0.0
    return max(min(half_digit, ROUNDING * total), 1e-9 * total)


def _equals(total: float | None, summed: float, count: int) -> bool:
    if total is None or count < _MIN_SUMMED:
        return False
    gap = abs(total - summed)
    return gap <= ROUNDING * total and gap <= tolerance(total)


def summed_rows(units: Units, breaks: Iterable[int], numbers: dict[str, list[float | None]],
                named: Callable[[list[int]], set[int]]) -> list[int]:
    """The rows of `units` that are totals typed as values (see the module's docstring).
    `breaks`: rows that end a section (totals rows already known, headings); `numbers`:
    size and budget per unit row (`numbers_of`); `named(rows)`: those of `rows` with
    something in a label column (asked only for rows that need it)."""
    ends = sorted(breaks)
    asked: set[int] = set()
    unnamed: set[int] = set()
    for _round in range(_ROUNDS):
        found, nameless = _judge(units, ends, numbers, unnamed)
        new = [row for row in nameless if row not in asked]
        if not new:
            return found
        # Rare: the labels of those rows are read, and the rows judged again from the top
        # (a nameless total is no unit: the sums below it change).
        asked.update(new)
        more = set(new) - named(new)
        if not more:
            return found
        unnamed |= more
    return _judge(units, ends, numbers, unnamed)[0]


def _judge(units: Units, ends: list[int], numbers: dict[str, list[float | None]],
           unnamed: set[int]) -> tuple[list[int], list[int]]:
    """(totals rows, rows that would be totals if they had no name), top to bottom; the
    rows of `unnamed` are known to have no name."""
    rows = units.rows
    none: list[float | None] = [None] * len(rows)
    sizes, budgets = numbers.get("size", none), numbers.get("budget", none)
    # Sums and counts of size and budget since the section began (s_, b_) and over all
    # units (all_s, all_b): plain locals, as this loop sees every row of the sheet.
    s_sum = b_sum = all_s = all_b = 0.0
    s_count = b_count = all_s_count = all_b_count = 0
    next_end = ends[0] if ends else math.inf
    at_end = 0
    totals: list[int] = []
    nameless: list[int] = []
    near = ROUNDING
    for i, row in enumerate(rows):
        if row > next_end:  # a known totals row or a heading ends a section
            s_sum = b_sum = 0.0
            s_count = b_count = 0
            at_end = bisect.bisect_left(ends, row, at_end)
            next_end = ends[at_end] if at_end < len(ends) else math.inf
        size, budget = sizes[i], budgets[i]
        # Most rows are nowhere near a sum: a few subtractions say so.
        if ((size is not None and (abs(size - s_sum) <= near * size
                                   or abs(size - all_s) <= near * size))
                or (budget is not None and (abs(budget - b_sum) <= near * budget
                                            or abs(budget - all_b) <= near * budget))):
            kind = _kind(units, i, size, budget, (s_sum, b_sum, s_count, b_count),
                         (all_s, all_b, all_s_count, all_b_count))
            if kind == "if nameless":
                if row not in unnamed:
                    nameless.append(row)
                else:
                    kind = "total"
            if kind == "total":
                totals.append(row)
                s_sum = b_sum = 0.0
                s_count = b_count = 0
                continue
        if size is not None:
            s_sum += size
            all_s += size
            s_count += 1
            all_s_count += 1
        if budget is not None:
            b_sum += budget
            all_b += budget
            b_count += 1
            all_b_count += 1
    return totals, nameless


def _kind(units: Units, i: int, size: float | None, budget: float | None,
          section: tuple[float, float, int, int], everything: tuple[float, float, int, int]
          ) -> str:
    """"total", "if nameless" or "unit" for the row at position `i`, near a sum."""
    size_in, budget_in = (_equals(size, section[0], section[2]),
                          _equals(budget, section[1], section[3]))
    size_all, budget_all = (_equals(size, everything[0], everything[2]),
                            _equals(budget, everything[1], everything[3]))
    if not (size_in or budget_in or size_all or budget_all) or _gives_text(units, i):
        return "unit"
    if (size_in and budget_in) or (size_all and budget_all):
        return "total"
    # One figure is a sum: enough only when the other is not given at all (a figure that
    # is no sum speaks against a total) and, the caller checks, the row has no name.
    other = "budget" if size_in or size_all else "size"
    cells = units.columns.get(other)
    if cells is None or is_blank(cells[i]):
        return "if nameless"
    return "unit"


def _gives_text(units: Units, i: int) -> bool:
    """Whether the row gives a maturity or a regulation as text (a phase, a sector)."""
    for name in _TEXT_INPUTS:
        cells = units.columns.get(name)
        if cells is not None and isinstance(cells[i], str) and not is_blank(cells[i]):
            return True
    return False


def rows_with_text(package: Package, part: str, strings: list[str], columns: set[int],
                   rows: list[int]) -> set[int]:
    """Those of `rows` with anything in one of `columns` (a name, a label), read in one
    pass over the sheet that stops after the last of them."""
    if not columns:
        return set()
    parts = split(package.stream(part), package.path.name, part)
    found: set[int] = set()
    for number, body in wanted_rows(parts, set(rows)):
        for column, attributes, cell_body, _span in cells_of(parts.syntax, body or b""):
            if column in columns and cell_body:
                value = decode_cell(parts.syntax, attributes, cell_body, strings).value
                if not (value is None or (isinstance(value, str) and not value.strip())):
                    found.add(number)
                    break
    return found
