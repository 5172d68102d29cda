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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from decider.parsing import is_blank

_TEXT_INPUTS = ("maturity", "regulation")  # a totals row gives neither as text


@dataclass(frozen=True, slots=True)
class RowKinds:
    units: pd.DataFrame  # the business units' inputs, indexed by sheet row
    totals: np.ndarray  # sheet rows skipped as totals
    examples: np.ndarray  # sheet rows skipped as examples
    no_inputs: np.ndarray  # sheet rows with a label or a note and no input at all

    @property
    def skipped(self) -> int:
        return len(self.totals) + len(self.examples) + len(self.no_inputs)


_TYPED, _KNOWN, _TEXT = 1, 2, 4


def _column_flags(values: np.ndarray) -> np.ndarray:
    """Per row, bits: something typed at all; something that is no "not known" word; text
    that is not blank. Each distinct value is judged once, and one take spreads them."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    bits = np.zeros(len(uniques) + 1, np.int8)  # the last: a blank cell
    for position, value in enumerate(uniques.tolist()):
        if value is None or (isinstance(value, str) and not value.strip()) or (
                isinstance(value, float) and value != value):
            continue
        known = not is_blank(value)
        bits[position] = _TYPED | (_KNOWN if known else 0) | (
            _TEXT if known and isinstance(value, str) else 0)
    return bits[codes]  # -1, a blank, takes the last entry


def classify_rows(frame: pd.DataFrame, present: np.ndarray, label_totals: np.ndarray,
                  other_totals: np.ndarray, examples: np.ndarray) -> RowKinds:
    """`frame`: the inputs (columns named by input) of every row read; `present`: rows
    with anything in the table's other columns; `label_totals`: rows labelled as totals;
    `other_totals`: aggregate and table totals rows; `examples`: rows labelled as
    examples."""
    empty = np.empty(0, np.int64)
    if frame.empty:
        return RowKinds(frame, empty, empty, empty)
    bits = np.zeros(len(frame), np.int8)
    text_bits = np.zeros(len(frame), np.int8)
    for name in frame.columns:
        column = _column_flags(frame[name].to_numpy(object))
        bits |= column
        if name in _TEXT_INPUTS:
            text_bits |= column
    typed, known = (bits & _TYPED) != 0, (bits & _KNOWN) != 0
    text_given = (text_bits & _TEXT) != 0
    index = frame.index
    looked_at = known | (index.isin(present) if len(present) else False)
    totals = (index.isin(label_totals) & ~text_given) | index.isin(other_totals)
    example = index.isin(examples) & ~totals
    no_inputs = ~typed & ~totals & ~example
    unit = looked_at & ~totals & ~example & ~no_inputs
    return RowKinds(frame[unit], index[looked_at & totals].to_numpy(np.int64),
                    index[looked_at & example].to_numpy(np.int64),
                    index[looked_at & no_inputs].to_numpy(np.int64))
