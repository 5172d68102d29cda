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


def _column_flags(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: something typed at all; something that is no "not known" word; text that
    is not blank. Each distinct value is judged once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    typed = [not (u is None or (isinstance(u, str) and not u.strip())
                  or (isinstance(u, float) and u != u)) for u in uniques]
    known = [t and not is_blank(u) for t, u in zip(typed, uniques, strict=True)]
    text = [k and isinstance(u, str) for k, u in zip(known, uniques, strict=True)]
    pick = np.where(codes < 0, len(uniques), codes)
    typed_rows, known_rows, text_rows = (np.array([*flags, False], bool)[pick]
                                         for flags in (typed, known, text))
    return typed_rows, known_rows, text_rows


def classify_rows(frame: pd.DataFrame, present: np.ndarray, label_totals: np.ndarray,
                  other_totals: np.ndarray, examples: np.ndarray) -> RowKinds:
    """`frame`: the inputs (columns named by input) of every row read; `present`: rows
    with anything in the table's other columns; `label_totals`: rows labelled as totals;
    `other_totals`: aggregate and table totals rows; `examples`: rows labelled as
    examples."""
    empty = np.empty(0, np.int64)
    if frame.empty:
        return RowKinds(frame, empty, empty, empty)
    typed = np.zeros(len(frame), bool)
    known = np.zeros(len(frame), bool)
    text_given = np.zeros(len(frame), bool)
    for name in frame.columns:
        column_typed, column_known, column_text = _column_flags(frame[name].to_numpy(object))
        typed |= column_typed
        known |= column_known
        if name in _TEXT_INPUTS:
            text_given |= column_text
    index = frame.index
    looked_at = known | (index.isin(present) if len(present) else False)
    totals = (index.isin(label_totals) & ~text_given) | index.isin(other_totals)
    example = index.isin(examples) & ~totals
    no_inputs = ~typed & ~totals & ~example
    unit = looked_at & ~totals & ~example & ~no_inputs
    return RowKinds(frame[unit], index[looked_at & totals].to_numpy(np.int64),
                    index[looked_at & example].to_numpy(np.int64),
                    index[looked_at & no_inputs].to_numpy(np.int64))
