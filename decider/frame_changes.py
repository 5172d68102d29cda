"""`score_frame`'s `changes` and `over_time_months` columns, computed once per group of rows
whose text is the same.

The text of a row depends on its combination of classes (its state) and, for a size or
budget change, on the distance to the threshold as shown (whole percents), and for the
answer over time on the months of practice. Rows are grouped by exactly that, in numpy;
each group's text is built once, from its state's template (`decider.changes.template`).
A portfolio of a few hundred states and round numbers makes a few hundred groups.

`score_columns` also returns `closest_distance`: per row the size or budget change's
distance nearest zero (signed, NaN: none), for the summary's close calls (within 10%).
`score_frame` does not show it.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from decider.change_classes import classes
from decider.changes import (
    ROBUST,
    State,
    distance_thresholds,
    over_time,
    over_time_text,
    template,
)
from decider.policy import INPUTS, Policy

_NUMBERED = ("size", "maturity", "budget")


class _Read(Protocol):
    rules: np.ndarray
    flags: np.ndarray | None
    numbers: np.ndarray | None


def changes_columns(policy: Policy, columns: dict[str, Any], decided: np.ndarray
                    ) -> dict[str, np.ndarray]:
    """The two columns for `rows` rows; `decided` marks the rows with an answer."""
    rows = len(decided)
    read: dict[str, _Read] = {name: columns[name] for name in INPUTS}
    multi = read["multi_country"].flags
    # Each rule as its class's representative: rules of one class decide alike.
    rule_arrays = [_canonical(policy, name)[read[name].rules.astype(np.int64) + 1]
                   for name in INPUTS[:4]]
    radices = [len(policy.rules[name]) + 1 for name in INPUTS[:4]]
    key = np.zeros(rows, np.int64)
    for rules, radix in zip(rule_arrays, radices, strict=True):
        key = key * radix + rules + 1
    key = key * 2 + (0 if multi is None else multi.astype(np.int64))
    count = int(np.prod(radices)) * 2
    present = np.zeros(count, bool)
    present[key[decided]] = True
    states = np.flatnonzero(present)
    position = np.zeros(count, np.intp)
    position[states] = np.arange(len(states))
    state_codes = position[key]

    # Per state: the thresholds whose distance shows in the text, and whether the months
    # of practice matter (the answer over time; a month example).
    decoded = [_decode(int(k), radices) for k in states.tolist()]
    thresholds = _thresholds(policy, decoded)
    # (Rows whose maturity is a phase have no months: NaN.)
    months_matter = np.array([s[1] is not None for s in decoded] or [False], bool)

    parts = [state_codes]
    closest = np.full(rows, np.nan)
    for slot, name in ((0, "size"), (2, "budget")):
        values = _numbers(read[name], rows)
        for which in range(2):
            limit = thresholds[slot + which][state_codes]
            codes, distance = _percent_codes(limit, values)
            parts.append(codes)
            nearer = ~np.isnan(distance) & ~(np.abs(closest) <= np.abs(distance))
            closest[nearer] = distance[nearer]
    months = _numbers(read["maturity"], rows)
    months_codes = np.full(rows, -1, np.int64)
    needed = months_matter[state_codes] & ~np.isnan(months)
    if needed.any():
        months_codes[needed] = pd.factorize(months[needed])[0]
    parts.append(months_codes)

    groups, first = _groups([p[decided] for p in parts])
    picked = np.flatnonzero(decided)[first]
    texts, over = _texts(policy, decoded, months_matter, state_codes[picked].tolist(),
                         months[picked].tolist(), [p[picked].tolist() for p in parts[1:5]])
    changes = np.full(rows, None, object)
    over_time_months = np.full(rows, np.nan)
    changes[decided] = texts[groups]
    over_time_months[decided] = over[groups]
    closest[~decided] = np.nan
    return {"changes": changes, "over_time_months": over_time_months,
            "closest_distance": closest}


def _texts(policy: Policy, states: list[State], months_matter: np.ndarray,
           state_codes: list[int], months: list[float], distances: list[list[int]]
           ) -> tuple[np.ndarray, np.ndarray]:
    """The text and months ahead of each group, from its first row's state, distance codes
    and months. Hot: one pass per group, with the templates, the distances' texts and the
    answers over time looked up in local tables."""
    texts = np.empty(len(state_codes), object)
    over = np.full(len(state_codes), np.nan)
    templates: dict[tuple[int, bool], tuple[Any, ...]] = {}
    shown: dict[int, str] = {}
    ahead_of: dict[tuple[int, float], Any] = {}
    matter = months_matter.tolist()
    for index, (code, month) in enumerate(zip(state_codes, months, strict=True)):
        known = month == month  # not NaN
        found = templates.get((code, known))
        if found is None:
            found = templates[(code, known)] = template(policy, states[code], known)
        lines = []
        for slot, plain, head, tail in found:
            distance = -1 if slot is None else distances[slot][index]
            if distance < 0:
                lines.append(plain)
                continue
            text = shown.get(distance)
            if text is None:
                text = shown[distance] = _shown(distance)
            lines.append(head + text + tail)
        if known and matter[code]:
            ahead = ahead_of.get((code, month), False)
            if ahead is False:
                ahead = ahead_of[(code, month)] = over_time(policy, states[code], month)
            if ahead is not None:
                lines.append(over_time_text(ahead))
                over[index] = ahead.months
        texts[index] = "; ".join(lines) if lines else ROBUST
    return texts, over


def _shown(code: int) -> str:
    """The text of a distance from its code (see `_percent_codes`)."""
    percent, tiny = divmod(code - _OFFSET, 3)
    return "+<1%" if tiny == 1 else "-<1%" if tiny == 2 else f"{percent:+d}%"


_OFFSET = 3 * 10**9


def _canonical(policy: Policy, name: str) -> np.ndarray:
    """Rule + 1 -> its class's representative (-1 for none, at 0)."""
    table = np.full(len(policy.rules[name]) + 1, -1, np.int64)
    for option in classes(policy, name):
        table[[rule + 1 for rule in option.rules]] = option.representative
    return table


def _decode(key: int, radices: list[int]) -> State:
    multi = bool(key % 2)
    key //= 2
    parts: list[int | None] = []
    for radix in reversed(radices):
        key, digit = divmod(key, radix)
        parts.append(None if digit == 0 else digit - 1)
    size, maturity, regulation, budget = reversed(parts)
    return (size, maturity, regulation, budget, True if multi else None)


def _thresholds(policy: Policy, states: list[State]) -> list[np.ndarray]:
    """Size down, size up, budget down, budget up: each state's threshold (NaN: none)."""
    out = [np.full(max(len(states), 1), np.nan) for _ in range(4)]
    for code, state in enumerate(states):
        for slot, limit in enumerate(distance_thresholds(policy, state)):
            if limit is not None:
                out[slot][code] = limit
    return out


def _percent_codes(limit: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What `decider.changes.distance_text` shows, as a whole number per row: the percent
    times 3, plus 1 or 2 for a distance under half a percent either way; -1: none. And
    the distances themselves (NaN: none)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = (limit - values) / values
        percent = np.rint(distance * 100)
    codes = np.full(len(values), -1, np.int64)
    ok = ~np.isnan(distance)
    tiny = ok & (percent == 0) & (distance != 0)
    codes[ok] = percent[ok].astype(np.int64) * 3 + _OFFSET
    codes[tiny] += np.where(distance[tiny] > 0, 1, 2)
    return codes, distance


def _numbers(column: _Read, rows: int) -> np.ndarray:
    numbers = column.numbers
    return np.full(rows, np.nan) if numbers is None else numbers


def _groups(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A group number per row for the combination of `parts` (whole numbers, -1 for none),
    and each group's first row. Parts are mixed into one key while it fits in 62 bits,
    compacted by factorize when it would not."""
    key = np.zeros(len(parts[0]), np.int64)
    top = 1  # key < top
    for part in parts:
        if not len(part):
            continue
        low, high = int(part.min()), int(part.max())
        if low == high:
            continue
        span = high - low + 1
        if top * span >= 1 << 62:
            key, uniques = pd.factorize(key)
            top = len(uniques)
        if top * span >= 1 << 62:
            part, uniques = pd.factorize(part)
            low, span = 0, len(uniques)
        key = key * span + (part - low)
        top *= span
    codes, _ = pd.factorize(key)
    # factorize numbers groups in order of first appearance: a group starts where the code
    # exceeds every code before it.
    seen = np.maximum.accumulate(codes)
    new = np.ones(len(codes), bool)
    new[1:] = codes[1:] > seen[:-1]
    return codes, np.flatnonzero(new)
