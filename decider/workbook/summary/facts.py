"""What the "Decider summary" sheet says: counts, the group view, the mandatory units and
the rows with issues, gathered from one run's answers (no file is written here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from decider.context import NO_CONTEXT, ColumnContext
from decider.palette import ARCHITECTURE_COLOURS, REPORT_ORDER
from decider.parsing import read
from decider.policy import Policy
from decider.workbook.package.opening import Package
from decider.workbook.package.sheet import cells_of, decode_cell, split, wanted_rows
from decider.workbook.portfolio.rows import Answers
from decider.workbook.summary.changes import HORIZONS, sheet_changes

SHEET_NAME = "Decider summary"
ARCHITECTURES = REPORT_ORDER
COLOURS = {name: fill for name, (fill, _font) in ARCHITECTURE_COLOURS.items()}
MAX_LISTED = 1000  # rows listed per list; the rest are counted ("and 12 more")
NAMED_REACH = 10_000  # rows with no inputs are named down to here (or the lists' last row)


@dataclass(frozen=True, slots=True)
class Listed:
    """A row of a scored sheet named on the summary: its number, the unit's name (the
    first other column's text) and what is said."""

    row: int
    text: str
    unit: str = ""
    sheet: str = ""


@dataclass(frozen=True, slots=True)
class SheetPart:
    """One scored sheet's answers, as `summary_facts` takes them."""

    sheet: str
    header_row: int
    columns: dict[str, str]  # result name -> column letters
    results: Answers  # the answers by sheet row (`decider.core.score_cells`' columns)
    sizes: list[Any]  # the size cells as read (same rows)
    totals_rows: Sequence[int] = ()
    example_rows: Sequence[int] = ()
    no_input_rows: Sequence[int] = ()
    units: Callable[[list[int]], dict[int, str]] | None = None  # names of listed rows
    # What the size column's header says about its bare numbers ("Headcount ('000)"): the
    # employees the group view weighs by are read in it, as the answers were.
    size_context: ColumnContext | None = None


@dataclass(frozen=True, slots=True)
class SheetFacts:
    """One scored sheet on the summary: its cells (for the count formulas) and counts."""

    name: str
    header_row: int
    recommendation: str  # the Recommendation column's cells, e.g. 'Portfolio'!$F$4:$F$13
    issues_range: str  # the Decider issues column's cells
    counts: dict[str, int]
    issues: int
    totals_rows: tuple[int, ...]
    example_rows: tuple[int, ...]
    no_input_rows: tuple[int, ...]
    first_column: str = "A"  # where a row link lands on the scored sheet
    # What would change the answers (section 12): close calls, robust units, and the
    # units whose answer changes within each of HORIZONS months.
    close_calls: int = 0
    robust: int = 0
    horizons: tuple[int, ...] = tuple(0 for _ in HORIZONS)

    @property
    def scored(self) -> int:
        return sum(self.counts.values()) + self.issues


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """Everything the summary sheet shows, worked out from one run's answers: per sheet
    and in total."""

    file: str
    sheets: tuple[SheetFacts, ...]
    date: str
    version: str
    policy: str
    counts: dict[str, int]
    issues: int
    group_index: float | None
    group_basis: str
    group_architecture: str | None
    thresholds: str
    article: str
    mandatory: tuple[Listed, ...]
    mandatory_count: int
    issue_rows: tuple[Listed, ...]
    no_input_rows: tuple[Listed, ...] = ()
    close_calls: tuple[Listed, ...] = ()  # the first MAX_LISTED, text: the close change
    roadmap: tuple[Listed, ...] = ()  # soonest first, text: the answer over time
    scored: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scored", sum(self.counts.values()) + self.issues)

    @property
    def totals_count(self) -> int:
        return sum(len(s.totals_rows) for s in self.sheets)

    @property
    def examples_count(self) -> int:
        return sum(len(s.example_rows) for s in self.sheets)

    @property
    def no_inputs_count(self) -> int:
        return sum(len(s.no_input_rows) for s in self.sheets)

    @property
    def close_count(self) -> int:
        return sum(s.close_calls for s in self.sheets)

    @property
    def robust_count(self) -> int:
        return sum(s.robust for s in self.sheets)

    @property
    def horizon_counts(self) -> tuple[int, ...]:
        return tuple(sum(s.horizons[i] for s in self.sheets) for i in range(len(HORIZONS)))


def quoted(sheet: str) -> str:
    """A sheet name as a formula or link names it: always quoted, quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


MANDATORY_WORDS = "mandatory: Centralized whatever the index"


def summary_facts(*, file: str, parts: Sequence[SheetPart], policy: Policy, version: str,
                  today: dt.date | None = None) -> SummaryFacts:
    """The facts of one run over one or more scored sheets."""
    sheets = []
    mandatory: list[Listed] = []
    issue_rows: list[Listed] = []
    no_inputs: list[Listed] = []
    close_calls: list[Listed] = []
    roadmap: list[Listed] = []
    for part in parts:
        sheet_facts, listed = _sheet_facts(part)
        sheets.append(sheet_facts)
        mandatory.extend(listed[0])
        issue_rows.extend(listed[1])
        no_inputs.extend(listed[2])
        close_calls.extend(listed[3])
        roadmap.extend(listed[4])
    # Each sheet's sizes are read in its own column's context.
    employees = [number for p in parts for number in _employees(policy, p)]
    if len(parts) == 1:  # no copy of a million rows for the usual one sheet
        results = parts[0].results
    else:
        results = Answers([r for p in parts for r in p.results.rows],
                          {name: [v for p in parts for v in p.results[name]]
                           for name in parts[0].results.columns})
    counts = {a: sum(s.counts[a] for s in sheets) for a in ARCHITECTURES}
    issues = sum(s.issues for s in sheets)
    index, basis = _group_index(results, employees)
    return SummaryFacts(
        file=file, sheets=tuple(sheets), date=(today or dt.date.today()).isoformat(),
        version=version, policy=policy.name, counts=counts, issues=issues,
        group_index=index, group_basis=basis,
        group_architecture=None if index is None else _architecture(index, policy),
        thresholds=(f"below {float(policy.decentralized_below):.1f} Decentralized, above "
                    f"{float(policy.centralized_above):.1f} Centralized, Hybrid between"),
        article=policy.hybrid_source,
        mandatory=tuple(mandatory[:MAX_LISTED]),
        mandatory_count=results.given("mandatory"),
        issue_rows=tuple(issue_rows[:MAX_LISTED]), no_input_rows=tuple(no_inputs[:MAX_LISTED]),
        close_calls=tuple(close_calls[:MAX_LISTED]), roadmap=tuple(roadmap[:MAX_LISTED]),
    )


def _sheet_facts(part: SheetPart) -> tuple[SheetFacts, tuple[list[Listed], ...]]:
    results = part.results
    rows = results.rows
    last = max(rows) if rows else part.header_row + 1
    first = part.header_row + 1

    def cells(letter: str) -> str:
        return f"{quoted(part.sheet)}!${letter}${first}:${letter}${last}"

    counts = results.count("architecture")
    given = [(row, text, index) for row, text, index
             in zip(rows, results["mandatory"], results["index"], strict=True)
             if text is not None][:MAX_LISTED]  # only these are listed
    mandatory = [(row, f"{MANDATORY_WORDS} ({index:.1f}); {text}")
                 for row, text, index in given]
    issue_rows = [(row, text) for row, text in zip(rows, results["issues"], strict=True)
                  if text is not None]
    no_input = list(part.no_input_rows)[:MAX_LISTED]
    changes = sheet_changes(results)
    listed = sorted({*(row for row, _ in mandatory[:MAX_LISTED]),
                     *(row for row, _ in issue_rows[:MAX_LISTED])})
    # Names are read in one pass that stops at the last row named: a row with no inputs,
    # a close call or a roadmap unit far below the others is listed without its name
    # rather than cost a whole pass.
    reach = max([*listed, part.header_row + NAMED_REACH])
    listed = sorted({*listed, *(row for row in (*no_input,
                                                *(r for r, _ in changes.close[:MAX_LISTED]),
                                                *(r for r, _ in changes.roadmap[:MAX_LISTED]))
                                if row <= reach)})
    names = part.units(listed) if part.units is not None and listed else {}
    facts = SheetFacts(
        name=part.sheet, header_row=part.header_row,
        recommendation=cells(part.columns["Recommendation"]),
        issues_range=cells(part.columns["Decider issues"]),
        counts={a: counts.get(a, 0) for a in ARCHITECTURES},
        issues=len(issue_rows), totals_rows=tuple(sorted(part.totals_rows)),
        example_rows=tuple(sorted(part.example_rows)),
        no_input_rows=tuple(sorted(part.no_input_rows)),
        close_calls=len(changes.close), robust=changes.robust, horizons=changes.horizons)
    no_input_listed = [Listed(row, "no input given", names.get(row, ""), part.sheet)
                       for row in sorted(no_input)]
    return facts, (_listed(mandatory, names, part.sheet), _listed(issue_rows, names, part.sheet),
                   no_input_listed, _listed(changes.close, names, part.sheet),
                   _listed(changes.roadmap, names, part.sheet))


def _listed(texts: list[tuple[int, Any]], names: dict[int, str], sheet: str
            ) -> list[Listed]:
    return [Listed(row, str(text), names.get(row, ""), sheet)
            for row, text in texts[:MAX_LISTED]]


def unit_names(package: Package, part: str, strings: list[str], column: int,
               rows: list[int]) -> dict[int, str]:
    """The text in `column` of each of `rows` (the units' names), read in one pass over
    the sheet that stops after the last of them (the listed rows are the first ones)."""
    parts = split(package.stream(part), package.path.name, part)
    found: dict[int, str] = {}
    for number, body in wanted_rows(parts, set(rows)):
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


def _employees(policy: Policy, part: SheetPart) -> list[Decimal | None]:
    """Each answered row's number of employees as the size reader read it in the size
    column's context (`Reading.number`: 1.2 under "Headcount ('000)" is 1,200; "1.2k",
    "1 350", a range's middle), None for a band, a blank or anything unreadable; each
    distinct value read once."""
    found: dict[tuple[type, Any], Decimal | None] = {}
    numbers: list[Decimal | None] = []
    for architecture, index, value in zip(part.results["architecture"],
                                          part.results["index"], part.sizes, strict=True):
        if architecture is None or index != index:
            numbers.append(None)  # not weighed: no answer
            continue
        key = (type(value), value)
        if key not in found:
            reading = read(policy, "size", value, part.size_context or NO_CONTEXT)
            found[key] = (reading.number if reading.error is None and reading.rule is not None
                          else None)
        numbers.append(found[key])
    return numbers


def _group_index(results: Answers, employees: list[Decimal | None]
                 ) -> tuple[float | None, str]:
    """The portfolio's index: the mean of the units that have an answer, weighted by
    employees when every one of them has a number, else one vote per unit."""
    answered = [(index, size) for architecture, index, size
                in zip(results["architecture"], results["index"], employees, strict=True)
                if architecture is not None and index == index]
    if not answered:
        return None, "no unit has an answer"
    indexes = [float(index) for index, _ in answered]
    units = len(answered)
    plural = "s" if units != 1 else ""
    if all(size is not None and size > 0 for _, size in answered):
        weights = [float(size) for _, size in answered if size is not None]
        total = sum(weights)
        mean = sum(i * w for i, w in zip(indexes, weights, strict=True)) / total
        return mean, (f"weighted by employees: {units} unit{plural} with an answer, "
                      f"{total:,.0f} employees")
    return sum(indexes) / units, (f"one vote per unit: {units} unit{plural} with an answer "
                                  "(not every one has a number of employees)")
