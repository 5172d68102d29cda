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
    TemplateLine,
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
    thresholds a size or budget would cross (`slots`: slot, threshold, whether it is the
    budget's; slot 0 size down, 1 size up, 2 budget down, 3 budget up), whether the
    months of practice matter; and, as they are met, its groups' texts, its templates and
    its answers over time."""

    __slots__ = ("ahead", "lines", "matter", "slots", "state", "templates", "texts")

    def __init__(self, policy: Policy, readings: Sequence[Reading]) -> None:
        self.state: State = state_of(readings)
        limits: Limits = distance_thresholds(policy, self.state)
        self.slots = tuple((slot, limit, slot >= 2) for slot, limit in enumerate(limits)
                           if limit is not None)
        self.matter = self.state[1] is not None  # a phase has no months: no answer over time
        self.texts: dict[tuple[Any, ...], tuple[str, float]] = {}
        self.templates: dict[bool, tuple[TemplateLine, ...]] = {}
        self.lines: dict[tuple[bool, tuple[Any, ...]], str] = {}
        self.ahead: dict[float, tuple[str | None, float]] = {}


def changes_columns(policy: Policy, combinations: Sequence[Combination | None],
                    codes: Sequence[int], sizes: Sequence[float | None],
                    months: Sequence[float | None], budgets: Sequence[float | None]
                    ) -> tuple[list[str | None], list[float], list[float]]:
    """Per row: what would change it, the months until growing practice changes it, the
    size or budget change's distance nearest zero (signed). `codes[i]`: the position of
    row i's combination in `combinations` (None there: a row with no answer); `sizes`,
    `months`, `budgets`: the numbers read (None or NaN: none). Hot: one pass a row."""
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
        shown, nearest = row_key(found, size, month, budget)
        text = found.texts.get(shown)
        if text is None:
            text = found.texts[shown] = text_of(policy, found, shown)
        changes.append(text[0])
        over.append(text[1])
        closest.append(nearest)
    return changes, over, closest


def row_key(found: Combination, size: float | None, month: float | None,
            budget: float | None) -> tuple[tuple[Any, ...], float]:
    """What a row's changes text shows beyond its combination (the months, then each slot
    with a distance and its shown code), and its distance nearest zero (signed; NaN:
    none; the first slot's on a tie)."""
    if month is not None and (month != month or not found.matter):
        month = None  # NaN, or months that do not matter: one group either way
    key: list[Any] = [month]
    nearest = _NAN
    for slot, limit, of_budget in found.slots:
        value = budget if of_budget else size
        if value is None or value != value or value == 0:
            continue
        distance = (limit - value) / value
        if not abs(nearest) <= abs(distance):
            nearest = distance
        key.append(slot)
        key.append(_shown_code(distance))
    return tuple(key), nearest


def _shown_code(distance: float) -> int | None:
    """What `decider.changes.distance_text` shows, as one whole number: the percent times
    3, plus 1 or 2 for a distance under half a percent up or down. None: too large to
    show (a number near zero)."""
    if not abs(distance * 100) < _INF:  # a size of 1e-305 employees: no percent to show
        return None
    percent = round(distance * 100)
    return percent * 3 + (0 if percent != 0 or distance == 0 else 1 if distance > 0 else 2)


def _shown(code: int) -> str:
    percent, tiny = divmod(code, 3)
    return "+<1%" if tiny == 1 else "-<1%" if tiny == 2 else f"{percent:+d}%"


def text_of(policy: Policy, found: Combination, shown: tuple[Any, ...]
            ) -> tuple[str, float]:
    """One group's text and months ahead, from its state's template (`shown`: the months,
    then each slot with a distance and what it shows). The distances' lines and the
    answer over time are each worked out once per combination."""
    month = shown[0]
    known = month is not None
    lines = found.lines.get((known, shown[1:]))
    if lines is None:
        lines = found.lines[(known, shown[1:])] = _lines(policy, found, known, shown[1:])
    if not known or not found.matter:
        return lines or ROBUST, _NAN
    ahead = found.ahead.get(month)
    if ahead is None:
        over = over_time(policy, found.state, month)
        ahead = found.ahead[month] = ((None, _NAN) if over is None
                                      else (over_time_text(over), float(over.months)))
    if ahead[0] is None:
        return lines or ROBUST, _NAN
    return (f"{lines}; {ahead[0]}" if lines else ahead[0]), ahead[1]


def _lines(policy: Policy, found: Combination, known: bool, distances: tuple[Any, ...]
           ) -> str:
    codes = dict(zip(distances[0::2], distances[1::2], strict=True))
    lines = found.templates.get(known)
    if lines is None:
        lines = found.templates[known] = template(policy, found.state, known)
    texts = []
    for slot, plain, head, tail in lines:
        code = None if slot is None else codes.get(slot)
        texts.append(plain if code is None else head + _shown(code) + tail)
    return "; ".join(texts)
