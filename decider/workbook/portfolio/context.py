"""A portfolio sheet's columns as a careful person reads them (decision policy, section 10):
each input column's context from its header (and, for maturity, its values taken
together), decided once per column; values no one would type in the unit read
(a budget under €1,000 a year, a fraction of an employee), flagged; and the stricter of
an industry column and a regulation column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from decider.context import NO_CONTEXT, ColumnContext, Formatted
from decider.errors import DeciderInputError
from decider.headers import column_context
from decider.parsing import read, show
from decider.policy import Policy, default_policy
from decider.workbook.errors import WorkbookError
from decider.workbook.package.refs import cell_name
from decider.workbook.portfolio.layout import Layout, display
from decider.workbook.portfolio.rows import Answers, Units, distinct
from decider.workbook.portfolio.sums import number_read

# Text that is only a number, in any notation ("1.200", "1,5", "1.234,5"): the reader says
# what it is ("1.200" groups thousands: 1200, a whole number of employees).
_NUMBER_TEXT = re.compile(r"\s*\d[\d.,]*\s*")


def column_contexts(layout: Layout, frame: Units, as_of: date | None
                    ) -> dict[str, ColumnContext]:
    """Each input column's context, from its header and (maturity) its distinct values."""
    contexts: dict[str, ColumnContext] = {}
    for field, column in layout.inputs.items():
        header = layout.headers.get(column) or layout.merged_headers.get(column, "")
        values: Any = ()
        if field == "maturity" and field in frame.columns:
            values = distinct(frame.columns[field])
        try:
            context = column_context(field, header, values, as_of)
        except DeciderInputError as error:
            raise WorkbookError(f"{layout.file}: sheet '{layout.sheet.name}' "
                                f"{error.one_line}") from None
        if context != NO_CONTEXT:
            contexts[field] = context
    return contexts


def _number(value: Any, text_pattern: re.Pattern[str], policy: Policy, field: str
            ) -> float | None:
    """A bare number with no unit: a float cell, or text that is only a number, as the
    value reader reads it ("1.250" and "1,250" group thousands: 1250, not 1.25)."""
    if isinstance(value, bool | Formatted):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    if isinstance(value, str) and text_pattern.fullmatch(value):
        return number_read(policy, field, value)
    return None


def implausible(layout: Layout, frame: Units, contexts: Mapping[str, ColumnContext],
                policy: Policy | None = None) -> dict[int, list[str]]:
    """Row -> issues for values no one means in the unit they would be read in, when no
    unit is said anywhere (cell, number format, header): a yearly budget under €1,000, a
    fraction of an employee. Each distinct value is judged once."""
    policy = policy or default_policy()
    issues: dict[int, list[str]] = {}
    for field, pattern, wrong in (("budget", _NUMBER_TEXT, _small_budget),
                                  ("size", _NUMBER_TEXT, _fraction)):
        if field not in frame.columns or field not in layout.inputs or field in contexts:
            continue
        judged: dict[Any, bool] = {}
        hits = []
        for row, value in zip(frame.rows, frame.columns[field], strict=True):
            if value is None:
                continue
            try:
                key = (type(value), value)
                bad = judged.get(key)
                if bad is None:
                    bad = judged[key] = wrong(_number(value, pattern, policy, field))
            except TypeError:
                bad = wrong(_number(value, pattern, policy, field))
            if bad:
                hits.append((row, value))
        header = layout.headers.get(layout.inputs[field], display(field))
        column = layout.inputs[field]
        for row, value in hits:
            cell = cell_name(int(row), column)
            if field == "budget":
                text = (f"budget {show(value)} (cell {cell}) is under €1,000 a year: if the "
                        f"column is in thousands or millions, say so in its header, e.g. "
                        f"'{header} (k€)' or '{header} (€M)'; if it is in euros, check it")
            else:
                text = (f"size {show(value)} (cell {cell}) is a fraction of an employee: "
                        f"if the column is in thousands, say so in its header, e.g. "
                        f"'{header} ('000)'")
            issues.setdefault(int(row), []).append(text)
    return issues


def _small_budget(number: float | None) -> bool:
    return number is not None and 0 < number < 1000


def _fraction(number: float | None) -> bool:
    return number is not None and number > 0 and not float(number).is_integer()


def add_row_issues(results: Answers, issues: Mapping[int, list[str]]) -> None:
    """Rows given issues by the sheet layer: no answer, the issues first (in place)."""
    columns = results.columns
    for row, texts in issues.items():
        at = results.position(row)
        if at is None:
            continue
        before = columns["issues"][at]
        columns["issues"][at] = "; ".join(
            [*texts, *([before] if isinstance(before, str) and before else [])])
        # No answer: nothing that would change it either.
        for name in ("architecture", "rationale", "mandatory", "changes"):
            if name in columns:
                columns[name][at] = None
        columns["missing"][at] = ""
        for name in ("index", "confidence", "over_time_months", "closest_distance"):
            if name in columns:
                columns[name][at] = float("nan")


def stricter_regulation(policy: Policy, regulation: list[Any], industry: list[Any],
                        rows: list[int], headers: tuple[str, str]
                        ) -> tuple[list[Any], dict[int, str]]:
    """Per row, the stricter of a regulation cell and an industry cell (section 10: both
    are read), and a note naming both where both were given. Each distinct pair is judged
    once."""
    judged: dict[tuple[str, str], tuple[Any, str | None]] = {}
    picked: list[Any] = []
    row_notes: dict[int, str] = {}
    for row, r_value, i_value in zip(rows, regulation, industry, strict=True):
        key = (str(r_value), str(i_value))
        found = judged.get(key)
        if found is None:
            found = judged[key] = _stricter(policy, r_value, i_value, headers)
        picked.append(found[0])
        if found[1] is not None:
            row_notes[row] = found[1]
    return picked, row_notes


def _strength(policy: Policy, value: Any) -> tuple[int, float, str] | None:
    reading = read(policy, "regulation", value)
    if reading.rule is None or reading.error is not None:
        return None
    rule = policy.rules["regulation"][reading.rule]
    return int(rule.mandatory), float(rule.vote), rule.label


def _stricter(policy: Policy, regulation: Any, industry: Any, headers: tuple[str, str]
              ) -> tuple[Any, str | None]:
    strong_r, strong_i = _strength(policy, regulation), _strength(policy, industry)
    if strong_i is None:
        return regulation, None
    if strong_r is None:
        return (industry, None) if _blank(regulation) else (regulation, None)
    if strong_i[:2] > strong_r[:2]:
        pick, other, used = industry, regulation, headers[1]
    else:
        pick, other, used = regulation, industry, headers[0]
    left = headers[1] if used == headers[0] else headers[0]
    how = "as strict as" if strong_i[:2] == strong_r[:2] else "stricter than"
    note = (f"regulation: '{show(pick)}' ({used}) is {how} '{show(other)}' ({left}): "
            "both read, the stricter counts")
    return pick, note


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (
        isinstance(value, str) and not value.strip())
