"""Which rows below a header are business units (decision policy, sections 8 and 10).

A row is looked at when it has an input given or anything under the table's other
headers (a unit's name, a comment). Of those:
- totals rows (`totals`: a totals word in the label, all-formula aggregates, a table's
  totals row) are skipped, except a labelled one that gives a maturity or a regulation as
  text ("Total Gas & Power" with a phase and a sector is a unit);
- example rows (a label starting Example, e.g., Sample) are skipped;
- rows whose every input cell is empty (a section heading like "EMEA", a note) have no
  inputs: no answer, no issue, listed as such;
- every other row is a business unit.
None is dropped silently: each kind is counted and its rows kept for the summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from decider.parsing import is_blank
from decider.workbook.portfolio.rows import Units

_TEXT_INPUTS = ("maturity", "regulation")  # a totals row gives neither as text


@dataclass(frozen=True, slots=True)
class RowKinds:
    units: Units  # the business units' inputs, by sheet row
    totals: list[int]  # sheet rows skipped as totals (increasing, as the next two)
    examples: list[int]  # sheet rows skipped as examples
    no_inputs: list[int]  # sheet rows with a label or a note and no input at all
    # Those of `totals` found by their figures (`sums`): typed as values, unlabelled, and
    # answered as units by earlier versions (a scored sheet's old answer there is cleared).
    summed: tuple[int, ...] = ()

    @property
    def skipped(self) -> int:
        return len(self.totals) + len(self.examples) + len(self.no_inputs)


_TYPED, _KNOWN, _TEXT = 1, 2, 4


def _flags(value: Any) -> int:
    """Bits: something typed at all; something that is no "not known" word; text that is
    not blank."""
    if value is None or (isinstance(value, str) and not value.strip()) or (
            isinstance(value, float) and value != value):
        return 0
    known = not is_blank(value)
    return _TYPED | (_KNOWN if known else 0) | (_TEXT if known and isinstance(value, str)
                                                else 0)


def _column_flags(values: list[Any]) -> list[int]:
    """Per row, its cell's bits; each distinct value judged once."""
    judged: dict[tuple[type, Any], int] = {}
    out = []
    for value in values:
        try:
            key = (type(value), value)
            bits = judged.get(key)
            if bits is None:
                bits = judged[key] = _flags(value)
        except TypeError:
            bits = _flags(value)
        out.append(bits)
    return out


def classify_rows(frame: Units, present: Iterable[int], label_totals: Iterable[int],
                  other_totals: Iterable[int], examples: Iterable[int]) -> RowKinds:
    """`frame`: the inputs (columns named by input) of every row read; `present`: rows
    with anything in the table's other columns; `label_totals`: rows labelled as totals;
    `other_totals`: aggregate and table totals rows; `examples`: rows labelled as
    examples."""
    if not frame.rows:
        return RowKinds(frame, [], [], [])
    bits = [0] * len(frame)
    text_bits = [0] * len(frame)
    for name, values in frame.columns.items():
        column = _column_flags(values)
        bits = [a | b for a, b in zip(bits, column, strict=True)]
        if name in _TEXT_INPUTS:
            text_bits = [a | b for a, b in zip(text_bits, column, strict=True)]
    present_set, labelled = set(present), set(label_totals)
    other_set, example_set = set(other_totals), set(examples)
    totals, example_rows, no_inputs, unit = [], [], [], []
    for row, flags, text in zip(frame.rows, bits, text_bits, strict=True):
        if not (flags & _KNOWN or row in present_set):
            unit.append(False)
            continue
        is_total = (row in labelled and not text & _TEXT) or row in other_set
        if is_total:
            totals.append(row)
        elif row in example_set:
            example_rows.append(row)
        elif not flags & _TYPED:
            no_inputs.append(row)
        unit.append(not is_total and row not in example_set and bool(flags & _TYPED))
    return RowKinds(frame.keep(unit), totals, example_rows, no_inputs)
