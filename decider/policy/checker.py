"""Reading policy data with every problem named by its key, and the rules as they are
compiled."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from decider.errors import DeciderInputError
from decider.policy.model import CRITERIA, Rule, kind, normalise_label


class Checker:
    """Reads the policy tables, naming the key of anything wrong."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, key: str, problem: str) -> DeciderInputError:
        return DeciderInputError(f"policy {self.origin}: key '{key}' {problem}")

    def table(self, data: Mapping[str, Any], key: str, allowed: set[str]) -> Mapping[str, Any]:
        value = self.get(data, key)
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a table, not {kind(value)}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                f"{key}.{unknown[0]}",
                f"is not a policy key; expected one of: {', '.join(sorted(allowed))}",
            )
        return value

    def optional_table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        """A table of the user's own keys (words, regimes), empty when absent."""
        parent, _, last = key.rpartition(".")
        node = self.get(data, parent) if parent else data
        value = node.get(last, {}) if isinstance(node, Mapping) else {}
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a table, not {kind(value)}")
        return value

    def get(self, data: Mapping[str, Any], key: str) -> Any:
        node: Any = data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise self.fail(key, "is missing")
            node = node[part]
        return node

    def text(self, data: Mapping[str, Any], key: str) -> str:
        value = data.get(key.rsplit(".", 1)[-1])
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty text, not {kind(value)}")
        return value

    def number(self, value: Any, key: str, low: float, high: float | None = None) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(key, f"must be a number, not {kind(value)}")
        try:
            number = Fraction(value)
        except (ValueError, ZeroDivisionError, OverflowError):
            raise self.fail(
                key, f"must be a number or a fraction like \"100/3\", not '{value}'"
            ) from None
        if number < low or (high is not None and number > high):
            span = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
            raise self.fail(key, f"must be {span}, not {value}")
        return number

    def whole(self, value: Any, key: str, low: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.fail(key, f"must be a whole number, {low} or more")
        return value

    def forms(self, value: Any, key: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
            raise self.fail(key, f"must be a list of texts, not {kind(value)}")
        return value


class Rules:
    """The rules of every criterion, as they are added."""

    def __init__(self) -> None:
        self.by_criterion: dict[str, list[Rule]] = {c: [] for c in CRITERIA}

    def add(self, criterion: str, rule: Rule) -> int:
        self.by_criterion[criterion].append(rule)
        return len(self.by_criterion[criterion]) - 1


def add_forms(check: Checker, table: dict[str, int], forms: list[str], index: int,
              key: str) -> None:
    for form in forms:
        folded = normalise_label(form)
        if not folded:
            raise check.fail(f"{key}.forms", f"has a form with no letters or digits: '{form}'")
        if table.get(folded, index) != index:
            raise check.fail(f"{key}.forms", f"repeats '{form}', already used by another label")
        table[folded] = index
