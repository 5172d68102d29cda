"""One portfolio sheet read and scored: its input columns in one streaming pass, number
formats applied, formulas without a saved value followed, an industry column read beside
the regulation one, rows sorted into units / totals / examples / rows with no inputs,
each column's context decided once, and the answers with the sheet's own row issues
(implausible values, unreadable formulas)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from decider.context import ColumnContext
from decider.core import score_cells
from decider.engine import DeferredRationale
from decider.policy import Policy
from decider.workbook.errors import WorkbookError
from decider.workbook.package.opening import Package
from decider.workbook.portfolio.context import (
    add_row_issues,
    column_contexts,
    implausible,
    stricter_regulation,
)
from decider.workbook.portfolio.formulas import calculated_by_excel, follow
from decider.workbook.portfolio.layout import Layout, display, read_merged_headers
from decider.workbook.portfolio.numformats import Meaning
from decider.workbook.portfolio.reader import Scan, scan
from decider.workbook.portfolio.rows import Answers, Units
from decider.workbook.portfolio.sums import rows_with_text, with_typed_totals
from decider.workbook.portfolio.totals import describe, table_totals_rows
from decider.workbook.portfolio.units import RowKinds, classify_rows


@dataclass(slots=True)
class SheetScore:
    """What scoring one sheet found and answered."""

    layout: Layout
    found: Scan
    frame: Units  # the business units' inputs, by sheet row
    results: Answers  # their answers (`decider.core.score_cells`' columns), same rows
    kinds: RowKinds
    # Each input column's context (header units, maturity levels): the summary reads the
    # sizes in it to weigh the group view by employees.
    contexts: dict[str, ColumnContext] = field(default_factory=dict)

    @property
    def totals(self) -> list[int]:
        return self.kinds.totals


def score_sheet(package: Package, strings: list[str], formats: dict[bytes, Meaning],
                layout: Layout, policy: Policy, as_of: date | None = None,
                values: Package | None = None, deferred: bool = False) -> SheetScore:
    """Read and score one sheet. `values`: a recalculated copy of the workbook whose saved
    values are read instead (the structure is always the original's). Raises a
    `WorkbookError` when the sheet has no business unit. `deferred`: rationales composed
    when written (`engine.DeferredRationale`), for the writer of a scored sheet."""
    wanted = set(layout.inputs.values()) | ({layout.industry} if layout.industry else set())
    owned = set(layout.owned.values())
    # A row with anything under the table's other headers (a unit's name, say) is looked
    # at too: a unit with no input given gets its reason, a heading is counted.
    present = set(layout.headers) - wanted - owned
    # The label columns: those left of the first input (a Region and a unit's name, say);
    # when an input comes first, every column, the first text cell being the label.
    first = min(wanted)
    labels = {c for c in layout.headers if c < first} - owned or set(layout.headers) - owned
    found = scan(package, layout.sheet.part, strings, layout.header_row, wanted, owned,
                 present, labels, formats)
    read_merged_headers(package, strings, layout, found.merges)
    source_scan = found if values is None else _values_scan(values, layout, wanted, owned)
    index = sorted(set(found.present).union(*found.cells.values()))
    source = source_scan.cells
    frame = Units(index, {})
    for name, column in layout.inputs.items():
        frame.columns[name] = _column(source.get(column), index)
        if column != layout.industry:  # each dict goes once it is a list (memory)
            source.pop(column, None)
    issues: dict[int, list[str]] = {}
    # A recalculated copy's zeros were computed, as were those of a workbook Excel saved.
    trusted = (values is not None or not (found.zero_saved or found.unsaved)
               or calculated_by_excel(package))
    zeros = [] if trusted else found.zero_saved
    if source_scan.unsaved or zeros:
        _follow_formulas(package if values is None else values, strings, formats, layout,
                         source_scan, frame, issues, zeros, trusted)
    notes: dict[int, str] = {}
    if layout.industry is not None and "regulation" in frame.columns:
        industry = _column(source.get(layout.industry), index)
        headers = (layout.headers.get(layout.inputs["regulation"], "regulation"),
                   layout.headers.get(layout.industry, "industry"))
        frame.columns["regulation"], notes = stricter_regulation(
            policy, frame.columns["regulation"], industry, index, headers)
    # The cells are in `frame` now: the scan's copy goes (a million rows' worth).
    source_scan.cells.clear()
    found.cells.clear()
    other_totals = sorted({*found.aggregate_rows,
                           *table_totals_rows(package, layout.sheet.part, set(layout.headers))})
    kinds = classify_rows(frame, found.present, found.label_rows, other_totals,
                          found.example_rows)
    del frame  # the units' rows are in `kinds.units` (a copy when some rows were left out)
    kinds = _with_typed_totals(package, strings, layout, policy, as_of, kinds,
                               labels - wanted)
    units = kinds.units
    if not units.rows:
        skipped = sorted({*kinds.totals, *kinds.examples, *kinds.no_inputs})
        also = f" ({describe(kinds.totals)})" if len(kinds.totals) else ""
        if len(skipped) and not len(kinds.totals):
            also = f" ({len(skipped)} rows with no inputs or examples)"
        raise WorkbookError(f"{layout.file}: sheet '{layout.sheet.name}' has no business-unit "
                            f"rows below its header row {layout.header_row}{also}: "
                            "nothing to score")
    contexts = column_contexts(layout, units, as_of)
    results = Answers(units.rows, score_cells(units.columns, len(units), policy=policy,
                                              contexts=contexts, changes=True,
                                              deferred=deferred))
    for row, texts in implausible(layout, units, contexts, policy).items():
        issues.setdefault(row, []).extend(texts)
    add_row_issues(results, issues)
    if notes:
        _with_notes(results, notes)
    return SheetScore(layout, found, units, results, kinds, contexts)


def _with_typed_totals(package: Package, strings: list[str], layout: Layout, policy: Policy,
                       as_of: date | None, kinds: RowKinds, labels: set[int]) -> RowKinds:
    """`kinds` with the units that are totals typed as values moved to the totals rows."""
    headers = {name: layout.headers.get(column) or layout.merged_headers.get(column, "")
               for name, column in layout.inputs.items()}

    def named(rows: list[int]) -> set[int]:
        return rows_with_text(package, layout.sheet.part, strings, labels, rows)

    return with_typed_totals(kinds, policy, headers, as_of, named)


def _column(cells: dict[int, Any] | None, rows: list[int]) -> list[Any]:
    """A column's cell on each of `rows` (None: blank)."""
    if not cells:
        return [None] * len(rows)
    return [cells.get(row) for row in rows]


def _values_scan(values: Package, layout: Layout, wanted: set[int], owned: set[int]) -> Scan:
    """The same sheet's cells in the recalculated copy (found by the sheet's name)."""
    from decider.workbook.package.strings import read_shared_strings
    from decider.workbook.portfolio.numformats import style_meanings

    entry = next((e for e in values.sheets if e.name == layout.sheet.name), None)
    if entry is None:
        raise WorkbookError(f"{layout.file}: LibreOffice's recalculated copy has no sheet "
                            f"'{layout.sheet.name}'")
    return scan(values, entry.part, read_shared_strings(values), layout.header_row, wanted,
                owned, set(), set(), style_meanings(values))


def _follow_formulas(package: Package, strings: list[str], formats: dict[bytes, Meaning],
                     layout: Layout, found: Scan, frame: Units,
                     issues: dict[int, list[str]],
                     zeros: list[tuple[int, int, str]], trusted: bool) -> None:
    """Put the followed values of formula cells with no saved value (or an untrusted 0,
    `zeros`) into `frame`, and give the others' rows an issue. `trusted`: whether a 0
    saved by a formula is taken (section 10: only when Excel or LibreOffice computed it;
    XlsxWriter saves 0 for every formula it is not given the value of, and a 0 reads, as
    one country, or hides the formula behind "size '0' must be above 0")."""
    field_of = {column: name for name, column in layout.inputs.items()}
    sheet = next(e for e in package.sheets if e.name == layout.sheet.name)
    zero_cells = frozenset((row, column) for row, column, _formula in zeros)
    followed = follow(package, strings, formats, sheet,
                      [u for u in [*found.unsaved, *zeros] if u[1] in field_of], zero_cells,
                      trusted)
    for (row, column), value in followed.values.items():
        at = frame.position(row)
        if at is not None:
            frame.columns[field_of[column]][at] = value
    for (row, column), text in followed.issues.items():
        issues.setdefault(row, []).append(f"{display(field_of[column])} {text}")
        at = frame.position(row)
        if at is not None and (row, column) in zero_cells:
            # The 0 is not read: the issue says why, not "size '0' must be above 0" too.
            frame.columns[field_of[column]][at] = None


def _with_notes(results: Answers, notes: dict[int, str]) -> None:
    """The rationale of answered rows with the sheet's own notes ("the stricter of ...")."""
    rationale = results.columns["rationale"]
    for row, note in notes.items():
        at = results.position(row)
        if at is not None:
            text = rationale[at]
            if isinstance(text, DeferredRationale):
                rationale[at] = text.with_note(note)
            elif isinstance(text, str) and text:
                rationale[at] = f"{text}; {note}"
