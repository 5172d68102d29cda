"""What the "Decider summary" sheet says: counts, the group view, the mandatory units and
the rows with issues, gathered from one run's answers (no file is written here)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from decider.palette import ARCHITECTURE_COLOURS, REPORT_ORDER
from decider.parsing import read
from decider.policy import Policy
from decider.workbook.package.opening import Package
from decider.workbook.package.sheet import cells_of, decode_cell, numbered_rows, split

SHEET_NAME = "Decider summary"
ARCHITECTURES = REPORT_ORDER
COLOURS = {name: fill for name, (fill, _font) in ARCHITECTURE_COLOURS.items()}
MAX_LISTED = 1000  # rows listed per list; the rest are counted ("and 12 more")


@dataclass(frozen=True, slots=True)
class Listed:
    """A row of the scored sheet named on the summary: its number, the unit's name (the
    first other column's text) and what is said."""

    row: int
    text: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """Everything the summary sheet shows, worked out from one run's answers."""

    file: str
    sheet: str
    header_row: int
    date: str
    version: str
    policy: str
    recommendation: str  # the Recommendation column's cells, e.g. 'Portfolio'!$F$4:$F$13
    issues_range: str  # the Decider issues column's cells
    counts: dict[str, int]
    issues: int
    totals_rows: tuple[int, ...]
    group_index: float | None
    group_basis: str
    group_architecture: str | None
    thresholds: str
    article: str
    mandatory: tuple[Listed, ...]
    mandatory_count: int
    issue_rows: tuple[Listed, ...]
    first_column: str = "A"  # where a row link lands on the scored sheet
    scored: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scored", sum(self.counts.values()) + self.issues)


def quoted(sheet: str) -> str:
    """A sheet name as a formula or link names it: always quoted, quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


def summary_facts(*, file: str, sheet: str, header_row: int, columns: dict[str, str],
                  results: pd.DataFrame, sizes: pd.Series, policy: Policy, version: str,
                  totals_rows: Sequence[int] = (), today: dt.date | None = None,
                  units: Callable[[list[int]], dict[int, str]] | None = None
                  ) -> SummaryFacts:
    """The facts of one run. `results` is `score_frame`'s answer indexed by sheet row,
    `sizes` the size cells as read (same index), `columns` the result columns' letters;
    `units(rows)` names the units of the rows listed."""
    rows = results.index.to_numpy(np.int64)
    last = int(rows.max()) if len(rows) else header_row + 1
    first = header_row + 1

    def cells(letter: str) -> str:
        return f"{quoted(sheet)}!${letter}${first}:${letter}${last}"

    architecture = results["architecture"]
    counts = architecture.value_counts()
    issues = results["issues"]
    index, basis = _group_index(results, sizes, policy)
    mandatory = results["mandatory"].dropna()
    issue_rows = issues.dropna()
    listed = sorted({*mandatory.index[:MAX_LISTED].tolist(), *issue_rows.index[:MAX_LISTED]
                     .tolist()})
    names = units(listed) if units is not None and listed else {}
    return SummaryFacts(
        file=file, sheet=sheet, header_row=header_row,
        date=(today or dt.date.today()).isoformat(), version=version, policy=policy.name,
        recommendation=cells(columns["Recommendation"]),
        issues_range=cells(columns["Decider issues"]),
        counts={a: int(counts.get(a, 0)) for a in ARCHITECTURES},
        issues=int(issues.notna().sum()), totals_rows=tuple(sorted(totals_rows)),
        group_index=index, group_basis=basis,
        group_architecture=None if index is None else _architecture(index, policy),
        thresholds=(f"below {float(policy.decentralized_below):.1f} Decentralized, above "
                    f"{float(policy.centralized_above):.1f} Centralized, Hybrid between"),
        article=policy.hybrid_source,
        mandatory=_listed(mandatory, names), mandatory_count=len(mandatory),
        issue_rows=_listed(issue_rows, names),
    )


def _listed(texts: pd.Series, names: dict[int, str]) -> tuple[Listed, ...]:
    head = texts.iloc[:MAX_LISTED]
    return tuple(Listed(row, str(text), names.get(row, ""))
                 for row, text in zip(head.index.to_numpy(np.int64).tolist(), head.tolist(),
                                      strict=True))


def unit_names(package: Package, part: str, strings: list[str], column: int,
               rows: list[int]) -> dict[int, str]:
    """The text in `column` of each of `rows` (the units' names), read in one pass over
    the sheet that stops after the last of them (the listed rows are the first ones)."""
    wanted, last = set(rows), max(rows)
    parts = split(package.stream(part), package.path.name, part)
    found: dict[int, str] = {}
    for number, body in numbered_rows(parts):
        if number > last:
            break
        if number not in wanted:
            continue
        for cell_column, cell_attributes, cell_body, _span in cells_of(parts.syntax, body):
            if cell_column == column:
                value = decode_cell(parts.syntax, cell_attributes, cell_body, strings).value
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                if value is not None and str(value).strip():
                    found[number] = str(value).strip()
                break
    return found


def _architecture(index: float, policy: Policy) -> str:
    """The engine's thresholds (decision policy, section 3) applied to the group's index."""
    if index < policy.decentralized_below:
        return "Decentralized"
    if index > policy.centralized_above:
        return "Centralized"
    return "Hybrid"


_EMPLOYEES = re.compile(r"([\d,]+(?:\.\d+)?) ")


def _employees(policy: Policy, value: object) -> float | None:
    """A unit's number of employees as the size reader read it ("4,200 employees"), or
    None for a band, a blank or anything unreadable."""
    reading = read(policy, "size", value)
    if reading.error is not None or reading.rule is None:
        return None
    unit = str(policy.data["size"]["unit"])
    match = _EMPLOYEES.fullmatch(reading.read_as.removesuffix(unit))
    return None if match is None else float(match.group(1).replace(",", ""))


def _group_index(results: pd.DataFrame, sizes: pd.Series, policy: Policy
                 ) -> tuple[float | None, str]:
    """The portfolio's index: the mean of the units that have an answer, weighted by
    employees when every one of them has a number, else one vote per unit."""
    answered = results[results["architecture"].notna() & results["index"].notna()]
    if answered.empty:
        return None, "no unit has an answer"
    indexes = answered["index"].to_numpy(np.float64)
    size_of = sizes.reindex(answered.index)
    values = size_of.to_numpy(object)
    readings = {value: _employees(policy, value) for value in pd.unique(values)}
    employees = [readings.get(value) for value in values]  # NaN is not found: no number
    units = len(answered)
    plural = "s" if units != 1 else ""
    if all(e is not None and e > 0 for e in employees):
        weights = np.array(employees, np.float64)
        mean = float(np.dot(indexes, weights) / weights.sum())
        return mean, (f"weighted by employees: {units} unit{plural} with an answer, "
                      f"{weights.sum():,.0f} employees")
    return float(indexes.mean()), (f"one vote per unit: {units} unit{plural} with an answer "
                                   "(not every one has a number of employees)")
