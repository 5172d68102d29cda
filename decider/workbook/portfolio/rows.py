"""The data shape between the sheet reader, the scorer and the writer: plain lists, no
pandas, no numpy (`decider score` starts without importing either).

`Units`: the business units' inputs, one list of cells per input, aligned with `rows`
(the sheet row numbers, increasing). `Answers`: the answers of those rows, one list per
result column (`decider.core.score_cells`' columns), aligned the same way.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_NAN = float("nan")
# What a row with no answer holds in each column (`decider.core`'s refused row, no issue).
_EMPTY = {"index": _NAN, "confidence": _NAN, "over_time_months": _NAN,
          "closest_distance": _NAN}


@dataclass(slots=True)
class Units:
    rows: list[int]  # sheet row numbers, increasing
    columns: dict[str, list[Any]]  # input name -> its cell on each row (None: blank)

    def __len__(self) -> int:
        return len(self.rows)

    def position(self, row: int) -> int | None:
        at = bisect.bisect_left(self.rows, row)
        return at if at < len(self.rows) and self.rows[at] == row else None

    def keep(self, wanted: list[bool]) -> Units:
        """The rows marked True (these units themselves when every row is)."""
        if all(wanted):
            return self
        return Units([r for r, w in zip(self.rows, wanted, strict=True) if w],
                     {name: [v for v, w in zip(values, wanted, strict=True) if w]
                      for name, values in self.columns.items()})


@dataclass(slots=True)
class Answers:
    rows: list[int]  # sheet row numbers, increasing
    columns: dict[str, list[Any]]  # result name -> its value on each row

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, name: str) -> list[Any]:
        return self.columns[name]

    def position(self, row: int) -> int | None:
        at = bisect.bisect_left(self.rows, row)
        return at if at < len(self.rows) and self.rows[at] == row else None

    def count(self, name: str) -> dict[Any, int]:
        """How many rows hold each value of a column (None left out)."""
        counts: dict[Any, int] = {}
        for value in self.columns[name]:
            if value is not None:
                counts[value] = counts.get(value, 0) + 1
        return counts

    def given(self, name: str) -> int:
        """Rows whose `name` is not None."""
        return sum(1 for value in self.columns[name] if value is not None)

    def with_rows(self, extra: Iterable[int]) -> Answers:
        """These answers and, for each row of `extra` not among them, a row with no
        answer (empty cells when written)."""
        new = sorted(set(extra).difference(self.rows))
        if not new:
            return self
        rows = sorted([*self.rows, *new])
        at = {row: i for i, row in enumerate(self.rows)}
        columns = {}
        for name, values in self.columns.items():
            empty = _EMPTY.get(name)
            columns[name] = [values[at[r]] if r in at else empty for r in rows]
        return Answers(rows, columns)

    def keep(self, wanted: list[bool]) -> Answers:
        if all(wanted):  # the usual case: no copy of a million rows
            return self
        return Answers([r for r, w in zip(self.rows, wanted, strict=True) if w],
                       {name: [v for v, w in zip(values, wanted, strict=True) if w]
                        for name, values in self.columns.items()})


def distinct(values: Iterable[Any]) -> list[Any]:
    """Each value once, in order of first appearance; True, 1 and 1.0 kept apart (a TRUE
    cell is not the number 1)."""
    seen: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            key = (type(value), value)
            if key in seen:
                continue
            seen[key] = value
        except TypeError:  # unhashable: kept (rare; read as it is)
            pass
        out.append(value)
    return out
