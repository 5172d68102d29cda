"""The table parts (ListObjects) of a sheet: their ranges, header rows and totals rows."""

from __future__ import annotations

from dataclasses import dataclass

from decider.workbook.package import Package, relationships
from decider.workbook.refs import parse_range


@dataclass(frozen=True, slots=True)
class TableArea:
    name: str
    first_row: int
    first_column: int
    last_row: int
    last_column: int
    header_rows: int
    totals_rows: int = 0  # at the bottom of the range (totalsRowCount)

    def header_covers(self, row: int, column: int) -> bool:
        return (self.first_row <= row < self.first_row + self.header_rows
                and self.first_column <= column <= self.last_column)


def sheet_tables(package: Package, part: str) -> list[TableArea]:
    areas = []
    for _id, kind, target in relationships(package, part):
        if not kind.endswith("/table") or target not in package.names:
            continue
        root = package.parse(target)
        area = parse_range(root.get("ref") or "")
        if area is None:
            continue
        header_rows = _count(root.get("headerRowCount"), 1)
        areas.append(TableArea(root.get("displayName") or root.get("name") or target,
                               *area, header_rows, _count(root.get("totalsRowCount"), 0)))
    return areas


def _count(text: str | None, default: int) -> int:
    try:
        return max(0, int(text)) if text else default
    except ValueError:
        return default
