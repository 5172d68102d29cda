"""What the summary sheet says about what would change the answers (decision policy,
section 12): the close calls (a size or budget change within 10%), the roadmap (answers
that change within 6, 12 and 18 months as practice grows) and the robust units, per
scored sheet, from the answers' `changes`, `over_time_months` and `closest_distance`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from decider.changes import ROBUST
from decider.workbook.portfolio.rows import Answers

CLOSE_WITHIN = 0.10  # a close call: a size or budget change within 10% of today's value
HORIZONS = (6, 12, 18)  # the roadmap's months
# A size or budget line with its distance as shown: "... budget over €5M (+9%, e.g. 5.1M)".
_DISTANCE_LINE = re.compile(r"(?:size|budget) .*\(([+-])(<1|\d+)%")

Listing = list[tuple[int, str]]  # (sheet row, text)


@dataclass(frozen=True, slots=True)
class SheetChanges:
    """One sheet's close calls and roadmap (texts by sheet row), and its counts."""

    close: Listing  # the close change(s) in words, in row order
    roadmap: Listing  # the answer over time in words, soonest first
    robust: int
    horizons: tuple[int, ...]  # units whose answer changes within each of HORIZONS


def sheet_changes(results: Answers) -> SheetChanges:
    """The close calls, the roadmap and the robust units among `results`' answered rows
    (answers scored without the changes columns have none)."""
    columns = results.columns
    if "changes" not in columns:
        return SheetChanges([], [], 0, tuple(0 for _ in HORIZONS))
    answered = [a is not None for a in columns["architecture"]]
    changes = columns["changes"]
    robust = sum(1 for a, t in zip(answered, changes, strict=True) if a and t == ROBUST)
    closest = columns.get("closest_distance") or [math.nan] * len(results)
    # (a hair over 0.10: a distance of exactly 10% computed in floats)
    close = [(row, _close_lines(str(text))) for row, a, text, d
             in zip(results.rows, answered, changes, closest, strict=True)
             if a and _number(d) is not None and abs(_number(d) or 0) <= CLOSE_WITHIN + 1e-9]
    months = columns.get("over_time_months") or [math.nan] * len(results)
    timed = [(m, row, text) for row, a, text, value
             in zip(results.rows, answered, changes, months, strict=True)
             if a and (m := _number(value)) is not None]
    horizons = tuple(sum(1 for m, _, _ in timed if m <= h) for h in HORIZONS)
    soon = sorted((item for item in timed if item[0] <= HORIZONS[-1]),
                  key=lambda item: (item[0], item[1]))  # soonest first, then by row
    roadmap = [(row, _over_time_line(str(text))) for _, row, text in soon]
    return SheetChanges(close, roadmap, robust, horizons)


def _number(value: Any) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _close_lines(text: str) -> str:
    """The size and budget changes shown within 10% ("Centralized if budget over €5M
    (+9%, e.g. 5.1M)"); the whole text if none reads so (a rounding edge)."""
    lines = [line for line in text.split("; ") if (found := _DISTANCE_LINE.search(line))
             and (found.group(2) == "<1" or int(found.group(2)) <= CLOSE_WITHIN * 100)]
    return "; ".join(lines) or text


def _over_time_line(text: str) -> str:
    """The answer over time, the last line of the changes ("Centralized in 4 months, when
    practice passes 18 months")."""
    return text.rsplit("; ", 1)[-1]
