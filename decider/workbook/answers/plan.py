"""Planning the cells `decider score` writes on the scored sheet, and refusing to write
where it must not: over formulas, merged cells or a table's header in its columns.

The answers become cell payloads once per distinct value (texts through the shared
strings), placed in decider's columns: the ones already headed so, else new ones right
of the last used column.
"""

from __future__ import annotations

from typing import Any

from decider.workbook.errors import WorkbookError
from decider.workbook.package.opening import Package
from decider.workbook.package.refs import (
    MAX_COLUMN,
    cell_name,
    column_letters,
    parse_range,
    range_name,
)
from decider.workbook.package.shared import SharedStrings
from decider.workbook.package.tables import sheet_tables
from decider.workbook.package.writer import SheetEdit, number_payload
from decider.workbook.portfolio.layout import OWNED, Layout
from decider.workbook.portfolio.reader import Scan
from decider.workbook.portfolio.rows import Answers

_SHOWN_CELLS = 6


def _result_payloads(results: Answers, shared: SharedStrings) -> dict[str, list[bytes]]:
    def texts(values: list[Any]) -> list[bytes]:
        # Counted by value: a rationale may be deferred (composed by `str`), and each is
        # composed once, handed to the shared strings and let go.
        counts: dict[Any, int] = {}
        for value in values:
            if value is not None and value == value:  # None and NaN: an empty cell
                counts[value] = counts.get(value, 0) + 1
        table: dict[Any, bytes] = {}
        for value, count in counts.items():
            text = str(value)
            table[value] = shared.payload(text) if text else b""
            if text:
                shared.references += count
        return [b"" if v is None or v != v else table[v] for v in values]

    def numbers(values: list[Any]) -> list[bytes]:
        table: dict[float, bytes] = {}
        out = []
        for value in values:
            if value is None or value != value:
                out.append(b"")
                continue
            payload = table.get(value)
            if payload is None:
                payload = table[value] = number_payload(value)
            out.append(payload)
        return out

    return {
        "Recommendation": texts(results["architecture"]),
        "Centralization index": numbers(results["index"]),
        "Confidence": numbers(results["confidence"]),
        "Rationale": texts(results["rationale"]),
        "Decider issues": texts(results["issues"]),
        # Section 12; a frame scored without it (none of decider's) leaves the cells empty.
        "What would change it": texts(results.columns.get("changes") or [None] * len(results)),
    }


def plan_cells(layout: Layout, found: Scan, results: Answers, rows: list[int],
               shared: SharedStrings, package: Package | None = None
               ) -> tuple[SheetEdit, dict[str, str]]:
    last_used = max([found.last_column, *layout.headers, *layout.owned.values()])
    placement = dict(layout.owned)
    header: dict[int, bytes] = {}
    next_column = last_used + 1
    moved = _moved_rationale(layout, package)
    if moved is not None:
        # Section 11: the Rationale stays the last column decider writes. A sheet scored
        # before a result column existed gets it where its Rationale was (re-headed), and
        # the Rationale moves to the right.
        name, column = moved
        placement[name] = column
        del placement["Rationale"]
        header[column] = shared.payload(name)
        shared.references += 1
    for name in OWNED:
        if name in placement:
            continue
        if next_column > MAX_COLUMN:
            raise WorkbookError(f"{layout.file}: sheet '{layout.sheet.name}' has no room for a "
                                f"'{name}' column right of its last column XFD")
        placement[name] = next_column
        header[next_column] = shared.payload(name)
        shared.references += 1
        next_column += 1
    payloads = _result_payloads(results, shared)
    columns = {placement[name]: payloads[name] for name in OWNED}
    edit = SheetEdit(rows=rows, payloads=columns, header_row=layout.header_row, header=header,
                     header_style=layout.header_style,
                     dimension=_grown_dimension(found.dimension, layout, rows, placement))
    return edit, {name: column_letters(column) for name, column in placement.items()}


def _moved_rationale(layout: Layout, package: Package | None) -> tuple[str, int] | None:
    """The result column that takes the Rationale's place, and that place: when the sheet
    has a Rationale right of decider's other columns but lacks one of them. Not inside a
    table (its header would no longer name its column) nor without the package to tell."""
    rationale = layout.owned.get("Rationale")
    missing = [name for name in OWNED if name not in layout.owned]
    if rationale is None or not missing or package is None or any(
            column > rationale for column in layout.owned.values()):
        return None
    for table in sheet_tables(package, layout.sheet.part):
        if table.first_column <= rationale <= table.last_column:
            return None
    return missing[0], rationale


def _grown_dimension(dimension: str | None, layout: Layout, rows: list[int],
                     placement: dict[str, int]) -> str | None:
    if dimension is None:
        return None
    area = parse_range(dimension)
    last_row = max(rows) if rows else layout.header_row
    columns = list(placement.values())
    if area is None:
        return None
    first_row, first_column, end_row, end_column = area
    grown = (min(first_row, layout.header_row), min(first_column, *columns),
             max(end_row, last_row), max(end_column, *columns))
    return range_name(*grown) if grown != area else None


def refuse_conflicts(package: Package, layout: Layout, found: Scan, edit: SheetEdit) -> None:
    rows = edit.rows
    name = f"{package.path.name}: sheet '{layout.sheet.name}'"
    row_set = set(rows)
    computed = sorted((r, c) for r, c in found.formulas if r in row_set)
    if computed:
        cells = _cells_text([cell_name(r, c) for r, c in computed])
        raise WorkbookError(
            f"{name} computes its own answers: {cells} hold formulas in decider's result "
            "columns; nothing was changed (use --overwrite to replace them with values)")
    targets_by_column = {c: rows for c in edit.payloads}
    header_cells = [(edit.header_row, c) for c in edit.header]
    blocked: list[str] = []
    for merge in found.merges:
        area = parse_range(merge)
        if area is None:
            continue
        top, left, bottom, right = area
        for column, column_rows in targets_by_column.items():
            if left <= column <= right:
                inside = [r for r in column_rows if top <= r <= bottom][:_SHOWN_CELLS]
                blocked.extend(f"{cell_name(r, column)} (merged {merge})" for r in inside)
        blocked.extend(f"{cell_name(r, c)} (merged {merge})" for r, c in header_cells
                       if top <= r <= bottom and left <= c <= right)
    for table in sheet_tables(package, layout.sheet.part):
        for column in targets_by_column:
            for row in range(table.first_row, table.first_row + table.header_rows):
                if row in row_set and table.header_covers(row, column):
                    blocked.append(f"{cell_name(row, column)} (header of table {table.name})")
        blocked.extend(f"{cell_name(r, c)} (header of table {table.name})"
                       for r, c in header_cells if table.header_covers(r, c))
    if blocked:
        raise WorkbookError(f"{name}: decider would write over {_cells_text(blocked)}; "
                            "nothing was changed (use --overwrite to write there anyway)")


def _cells_text(cells: list[str]) -> str:
    shown = ", ".join(cells[:_SHOWN_CELLS])
    more = len(cells) - _SHOWN_CELLS
    return shown + (f" and {more} more" if more > 0 else "")
