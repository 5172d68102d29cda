"""What the summary sheet says about what would change the answers (decision policy,
section 12): the close calls (a size or budget change within 10%), the roadmap (answers
that change within 6, 12 and 18 months as practice grows) and the robust units, per
scored sheet, from the answers' `changes`, `over_time_months` and `closest_distance`."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from decider.changes import ROBUST

CLOSE_WITHIN = 0.10  # a close call: a size or budget change within 10% of today's value
HORIZONS = (6, 12, 18)  # the roadmap's months
# A size or budget line with its distance as shown: "... budget over €5M (+9%, e.g. 5.1M)".
_DISTANCE_LINE = re.compile(r"(?:size|budget) .*\(([+-])(<1|\d+)%")


@dataclass(frozen=True, slots=True)
class SheetChanges:
    """One sheet's close calls and roadmap (texts by sheet row), and its counts."""

    close: pd.Series  # the close change(s) in words, by row, in row order
    roadmap: pd.Series  # the answer over time in words, by row, soonest first
    robust: int
    horizons: tuple[int, ...]  # units whose answer changes within each of HORIZONS


def sheet_changes(results: pd.DataFrame) -> SheetChanges:
    """The close calls, the roadmap and the robust units among `results`' answered rows
    (a frame scored without the changes columns has none)."""
    empty = pd.Series([], dtype=object)
    if "changes" not in results:
        return SheetChanges(empty, empty, 0, tuple(0 for _ in HORIZONS))
    answered = results["architecture"].notna().to_numpy(bool)
    changes = results["changes"]
    robust = int((answered & (changes == ROBUST).to_numpy(bool)).sum())
    close = empty
    if "closest_distance" in results:
        closest = np.abs(results["closest_distance"].to_numpy(np.float64))
        with np.errstate(invalid="ignore"):
            # (a hair over 0.10: a distance of exactly 10% computed in floats)
            near = answered & (closest <= CLOSE_WITHIN + 1e-9)
        texts = changes[near]
        close = pd.Series([_close_lines(str(t)) for t in texts.tolist()], index=texts.index,
                          dtype=object)
    months = results["over_time_months"].to_numpy(np.float64) if (
        "over_time_months" in results) else np.full(len(results), np.nan)
    with np.errstate(invalid="ignore"):
        soon = answered & (months <= HORIZONS[-1])
        horizons = tuple(int((answered & (months <= h)).sum()) for h in HORIZONS)
    order = np.argsort(months[soon], kind="stable")  # soonest first, then by row
    rows = results.index[soon][order]
    roadmap = pd.Series([_over_time_line(str(t)) for t in changes.reindex(rows).tolist()],
                        index=rows, dtype=object)
    return SheetChanges(close, roadmap, robust, horizons)


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
