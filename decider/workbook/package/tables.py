"""The table parts (ListObjects) of a sheet: their ranges, header rows and totals rows,
and a table grown by columns added right of it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from decider.workbook.package.manifest import attributes, escape
from decider.workbook.package.opening import Package, relationships
from decider.workbook.package.refs import column_letters, parse_range, range_name


@dataclass(frozen=True, slots=True)
class TableArea:
    name: str
    first_row: int
    first_column: int
    last_row: int
    last_column: int
    header_rows: int
    totals_rows: int = 0  # at the bottom of the range (totalsRowCount)
    part: str = ""

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
                               *area, header_rows, _count(root.get("totalsRowCount"), 0),
                               target))
    return areas


def _count(text: str | None, default: int) -> int:
    try:
        return max(0, int(text)) if text else default
    except ValueError:
        return default


def _with_last_column(ref: str, last_column: int) -> str:
    area = parse_range(ref)
    if area is None:
        return ref
    return range_name(area[0], area[1], area[2], last_column)


def grow_table(xml: bytes, names: list[str]) -> bytes:
    """A table part widened by `names`, new columns right of its last one: its `ref`, its
    autoFilter's and its `tableColumns` (count and a column per name, the header cells'
    texts). Rows (the totals row included) are not touched."""
    start = re.search(rb"<([\w.-]+:)?table\b[^>]*>", xml)
    if start is None or not names:
        return xml
    prefix = start.group(1) or b""
    ref = attributes(start.group(0)).get("ref", "")
    area = parse_range(ref)
    if area is None:
        return xml
    last = area[3] + len(names)
    xml = _set_ref(xml, start.start(), start.end(), _with_last_column(ref, last))
    p = re.escape(prefix)
    found = re.search(rb"<" + p + rb"autoFilter\b[^>]*>", xml)
    if found is not None:
        filter_ref = attributes(found.group(0)).get("ref", "")
        xml = _set_ref(xml, found.start(), found.end(), _with_last_column(filter_ref, last))
    columns = re.search(rb"<" + p + rb"tableColumns\b[^>]*>", xml)
    if columns is None:
        return xml
    ids = [int(i) for i in re.findall(rb"<" + p + rb"""tableColumn\b[^>]*?\bid\s*=\s*["'](\d+)""",
                                       xml)]
    next_id = max(ids, default=0) + 1
    added = b"".join(b"<" + prefix + b'tableColumn id="' + str(next_id + k).encode()
                     + b'" name="' + escape(name).encode() + b'"/>'
                     for k, name in enumerate(names))
    close = xml.find(b"</" + prefix + b"tableColumns", columns.end())
    tag = columns.group(0)
    count = len(ids) + len(names)
    new_tag = re.sub(rb"""(\bcount\s*=\s*["'])\d*""", lambda m: m.group(1) + str(count).encode(),
                     tag, count=1)
    return xml[:columns.start()] + new_tag + xml[columns.end():close] + added + xml[close:]


def _set_ref(xml: bytes, start: int, end: int, ref: str) -> bytes:
    tag = re.sub(rb"""(\bref\s*=\s*)(["'])[^"']*\2""",
                 lambda m: m.group(1) + b'"' + ref.encode() + b'"', xml[start:end], count=1)
    return xml[:start] + tag + xml[end:]


def growth_note(table: TableArea, blocker: int | None) -> str:
    where = (f"column {column_letters(blocker)} holds content right of it"
             if blocker else "something stands right of it")
    return f"table {table.name} not grown ({where}): answers appended outside the table"
