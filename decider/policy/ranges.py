"""A criterion's numeric ranges (employees, months, euros): checked, labelled, compiled."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from decider.policy.checker import Checker
from decider.policy.model import Bound, NumericScale, Rule


def plain_number(value: Fraction) -> str:
    return f"{float(value):,.10g}".replace(",", " ")


def euros(value: Fraction) -> str:
    if value >= 1_000_000:
        return f"€{float(value) / 1e6:g}M"
    if value >= 1_000:
        return f"€{float(value) / 1e3:g}k"
    return f"€{float(value):g}"


def scale_of(
    check: Checker, table: Mapping[str, Any], criterion: str, unit: str,
    show: Callable[[Fraction], str], add_rule: Callable[[str, Rule], int],
    ranges_key: str = "ranges",
) -> NumericScale:
    key = f"{criterion}.{ranges_key}"
    ranges = table.get(ranges_key)
    if not isinstance(ranges, list) or not ranges:
        raise check.fail(key, "must be a list of ranges ([[...]] tables)")
    bounds: list[Bound] = []
    indices: list[int] = []
    previous: Bound | None = None
    for position, entry in enumerate(ranges, start=1):
        bound = _bound(check, f"{key}[{position}]", entry, previous,
                       last=position == len(ranges))
        label = entry.get("label") or range_label(previous, bound, unit, show)
        indices.append(add_rule(criterion, Rule(
            criterion, str(label),
            check.number(entry.get("vote"), f"{key}[{position}].vote", 0, 100),
            str(entry.get("source") or f"{check.origin}: {label}"),
        )))
        bounds.append(bound)
        previous = bound
    return NumericScale(tuple(bounds), tuple(indices))


def _bound(check: Checker, where: str, entry: Any, previous: Bound | None, last: bool
           ) -> Bound:
    if not isinstance(entry, Mapping):
        raise check.fail(where, "must be a table with a vote and `below` or `up_to`")
    unknown = sorted(set(entry) - {"below", "up_to", "vote", "source", "label"})
    if unknown:
        raise check.fail(f"{where}.{unknown[0]}",
                         "is not a policy key; expected below, up_to, vote, source, label")
    if "below" in entry and "up_to" in entry:
        raise check.fail(where, "has both `below` and `up_to`: give one")
    limit_key = "below" if "below" in entry else "up_to" if "up_to" in entry else None
    if last and limit_key is not None:
        raise check.fail(where, "is the last range and must have no bound")
    if not last and limit_key is None:
        raise check.fail(where, "must have `below` or `up_to` (only the last range has none)")
    if limit_key is None:
        return Bound(None, False)
    raw = entry[limit_key]
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        raise check.fail(f"{where}.{limit_key}", f"must be a number above 0, not {raw!r}")
    if previous is not None and previous.limit is not None and (
        raw < previous.limit or (raw == previous.limit and not (
            limit_key == "up_to" and not previous.inclusive))
    ):
        raise check.fail(f"{where}.{limit_key}",
                         f"({raw}) must be above the range before it ({previous.limit})")
    return Bound(raw, limit_key == "up_to")


def range_label(
    previous: Bound | None, bound: Bound, unit: str, show: Callable[[Fraction], str]
) -> str:
    """'under 50', '50 to under 100', '100 to 500', 'over 500', with the unit."""

    def fmt(limit: int | float) -> str:
        text = show(Fraction(limit))
        return text if unit == "€" else f"{text} {unit}"

    def strip(text: str) -> str:
        return text if unit == "€" else text.removesuffix(f" {unit}")

    if previous is None or previous.limit is None:
        assert bound.limit is not None
        return f"under {fmt(bound.limit)}" if not bound.inclusive else f"up to {fmt(bound.limit)}"
    start = (f"over {strip(fmt(previous.limit))}" if previous.inclusive
             else strip(fmt(previous.limit)))
    if bound.limit is None:
        return f"over {fmt(previous.limit)}" if previous.inclusive else (
            f"{fmt(previous.limit)} or more")
    if bound.inclusive:
        joiner = " up to " if previous.inclusive else " to "
        return f"{start}{joiner}{fmt(bound.limit)}"
    return f"{start}{',' if previous.inclusive else ''} to under {fmt(bound.limit)}"
