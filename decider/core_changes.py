"""The changes columns of `decider.core.score_cells`, computed once per group of rows whose
text is the same. Pure Python: no numpy, no pandas.

The text of a decided row depends on its readings (their classes: the state) and, for a
size or budget change, on the distance to the threshold as shown (whole percents), and for
the answer over time on the months of practice. Rows are grouped by exactly that with a
dictionary; each group's text is built once from its state's template
(`decider.changes.template`). A portfolio of thousands of distinct headcounts and budgets
makes a few hundred groups, not a decision per distinct number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decider.changes import (
    ROBUST,
    State,
    distance_thresholds,
    over_time,
    over_time_text,
    state_of,
    template,
)
from decider.parsing import Reading
from decider.policy import Policy

_NAN = float("nan")
_INF = float("inf")
Limits = tuple[float | None, float | None, float | None, float | None]


class Combination:
    """What the changes of the rows of one combination of readings need: its state, the
    thresholds a size or budget would cross (size down, size up, budget down, budget up),
    whether the months of practice matter; and the texts of its groups so far."""

    __slots__ = ("limits", "matter", "state", "texts")

    def __init__(self, policy: Policy, readings: Sequence[Reading]) -> None:
        self.state: State = state_of(readings)
        self.limits: Limits = distance_thresholds(policy, self.state)
        self.matter = self.state[1] is not None  # a phase has no months: no answer over time
        self.texts: dict[tuple[Any, ...], tuple[str, float]] = {}


def changes_columns(policy: Policy, combinations: Sequence[Combination | None],
                    codes: Sequence[int], sizes: Sequence[float | None],
                    months: Sequence[float | None], budgets: Sequence[float | None]
                    ) -> tuple[list[str | None], list[float], list[float]]:
    """Per row: what would change it, the months until growing practice changes it, the
    size or budget change's distance nearest zero (signed). `codes[i]`: the position of
    row i's combination in `combinations` (None there: a row with no answer); `sizes`,
    `months`, `budgets`: the numbers read (None: none)."""
    changes: list[str | None] = []
    over: list[float] = []
    closest: list[float] = []
    for code, size, month, budget in zip(codes, sizes, months, budgets, strict=True):
        found = combinations[code]
        if found is None:
            changes.append(None)
            over.append(_NAN)
            closest.append(_NAN)
            continue
        down_s, up_s, down_b, up_b = found.limits
        d0 = _distance(down_s, size)
        d1 = _distance(up_s, size)
        d2 = _distance(down_b, budget)
        d3 = _distance(up_b, budget)
        shown = (_shown_code(d0), _shown_code(d1), _shown_code(d2), _shown_code(d3),
                 month if found.matter else None)
        text = found.texts.get(shown)
        if text is None:
            text = found.texts[shown] = _text(policy, found, shown, month)
        changes.append(text[0])
        over.append(text[1])
        nearest = _NAN
        for distance in (d0, d1, d2, d3):
            if distance is not None and not abs(nearest) <= abs(distance):
                nearest = distance
        closest.append(nearest)
    return changes, over, closest


def _distance(limit: float | None, value: float | None) -> float | None:
    if limit is None or value is None or value == 0 or value != value:
        return None
    return (limit - value) / value


def _shown_code(distance: float | None) -> tuple[int, int] | None:
    """What `decider.changes.distance_text` shows: the whole percent, and 1 or 2 for a
    distance under half a percent up or down (0 otherwise)."""
    if distance is None or distance in (_INF, -_INF):  # a number near zero: not shown
        return None
    percent = round(distance * 100)
    return percent, (0 if percent != 0 or distance == 0 else 1 if distance > 0 else 2)


def _shown(code: tuple[int, int]) -> str:
    percent, tiny = code
    return "+<1%" if tiny == 1 else "-<1%" if tiny == 2 else f"{percent:+d}%"


def _text(policy: Policy, found: Combination, shown: tuple[Any, ...], month: float | None
          ) -> tuple[str, float]:
    """One group's text and months ahead, from its state's template."""
    known = month is not None and month == month
    lines = []
    for slot, plain, head, tail in template(policy, found.state, known):
        code = None if slot is None else shown[slot]
        lines.append(plain if code is None else head + _shown(code) + tail)
    months_ahead = _NAN
    if known and found.matter:
        assert month is not None
        ahead = over_time(policy, found.state, month)
        if ahead is not None:
            lines.append(over_time_text(ahead))
            months_ahead = float(ahead.months)
    return ("; ".join(lines) if lines else ROBUST), months_ahead
