"""Structural checks Excel makes on opening a workbook and Microsoft's Open XML SDK
validator does not: a file failing one of them opens with "We found a problem with some
content" (or silently loses the part).

`structural_problems(path)` lists every problem found, each as one line naming the part,
so a test can compare an output's problems with its input's.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from lxml import etree
from test_lossless import (
    SAFE_PARSER,
    cell_text,
    members,
    part,
    q,
    shared_strings,
    split_ref,
    worksheet_parts,
)

_STRING = re.compile(r'"(?:[^"]|"")*"')
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")
_PLAIN_SHEET = re.compile(r"(?<![\w.'\]\[#])([A-Za-z_\u00c0-\uffff][\w.\u00c0-\uffff]*)!")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def structural_problems(path: Path) -> list[str]:
    """Every problem found in the workbook at `path`, one line each."""
    parts = members(path)
    strings = shared_strings(parts)
    sheets = worksheet_parts(parts)
    names = {name for name, _part, _kind in sheets}
    problems: list[str] = []
    for _name, sheet, kind in sheets:
        if kind != "worksheet":
            continue
        root = etree.fromstring(parts[sheet], SAFE_PARSER)
        problems += _order_problems(root, sheet)
        problems += _merge_problems(root, sheet)
        problems += _table_problems(parts, sheet, root, strings)
        problems += [f"{sheet}: formula {f!r} names a sheet that does not exist: {s!r}"
                     for f, s in _missing_sheets(_formulas(root), names)]
    workbook = _workbook_part(parts)
    defined = etree.fromstring(parts[workbook], SAFE_PARSER).iter(q("definedName"))
    problems += [f"{workbook}: defined name {f!r} names a missing sheet {s!r}"
                 for f, s in _missing_sheets([d.text or "" for d in defined], names)]
    for chart in sorted(p for p in parts if re.search(r"charts/chart\d*\.xml$", p)):
        root = etree.fromstring(parts[chart], SAFE_PARSER)
        refs = [f.text or "" for f in root.iter(f"{{{CHART_NS}}}f")]
        problems += [f"{chart}: series {f!r} names a missing sheet {s!r}"
                     for f, s in _missing_sheets(refs, names)]
    return problems


def _workbook_part(parts: dict[str, bytes]) -> str:
    rels = etree.fromstring(parts[part(parts, "_rels/.rels")], SAFE_PARSER)
    target = next(rel.get("Target").lstrip("/") for rel in rels
                  if rel.get("Type", "").endswith("/officeDocument"))
    return part(parts, target)


def _order_problems(root: etree._Element, part: str) -> list[str]:
    """Rows in increasing order; within a row, cells in increasing column order (which
    also means no cell twice)."""
    problems = []
    data = root.find(q("sheetData", root))
    previous_row = 0
    for row in data if data is not None else ():
        if row.tag != q("row", root):
            continue
        number = int(row.get("r")) if row.get("r") else previous_row + 1
        if number <= previous_row:
            problems.append(f"{part}: row {number} comes after row {previous_row}")
        previous_row = number
        previous_column = 0
        for cell in row.iter(q("c", root)):
            column = split_ref(cell.get("r"))[1] if cell.get("r") else previous_column + 1
            if cell.get("r") and split_ref(cell.get("r"))[0] != number:
                problems.append(f"{part}: cell {cell.get('r')} is in row {number}")
            if column <= previous_column:
                problems.append(f"{part}: row {number}: cell {cell.get('r')} comes after "
                                f"column {previous_column} (out of order or twice)")
            previous_column = column
    return problems


def _merge_problems(root: etree._Element, part: str) -> list[str]:
    areas = []
    for merge in root.iter(q("mergeCell", root)):
        first, _, last = (merge.get("ref") or "").partition(":")
        top, left = split_ref(first)
        bottom, right = split_ref(last or first)
        areas.append((top, left, bottom, right, merge.get("ref")))
    areas.sort()
    problems = []
    for i, (top, left, bottom, right, ref) in enumerate(areas):
        for other_top, other_left, other_bottom, other_right, other in areas[i + 1:]:
            if other_top > bottom:
                break
            if other_left <= right and left <= other_right and other_bottom >= top:
                problems.append(f"{part}: merged ranges {ref} and {other} overlap")
    return problems


def _unescaped(name: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), name)


def _table_problems(parts: dict[str, bytes], part: str, root: etree._Element,
                    strings: list[str]) -> list[str]:
    """Each table's column names equal to its header cells (Excel repairs the table
    otherwise)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in parts:
        return []
    cells = {}
    for row in root.iter(q("row", root)):
        for cell in row.iter(q("c", root)):
            if cell.get("r"):
                cells[split_ref(cell.get("r"))] = cell
    problems = []
    for rel in etree.fromstring(parts[rels_name], SAFE_PARSER):
        if not rel.get("Type", "").endswith("/table"):
            continue
        target = rel.get("Target")
        table_part = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
        table = etree.fromstring(parts[table_part], SAFE_PARSER)
        if table.get("headerRowCount") == "0":
            continue
        top, left = split_ref(table.get("ref").split(":")[0])
        columns = list(table.iter(q("tableColumn", table)))
        right = split_ref(table.get("ref").split(":")[-1])[1]
        if len(columns) != right - left + 1:
            problems.append(f"{table_part}: {len(columns)} columns for ref {table.get('ref')}")
        for offset, column in enumerate(columns):
            cell = cells.get((top, left + offset))
            text = None if cell is None else cell_text(cell, strings)
            name = _unescaped(column.get("name") or "")
            if text is None or cell is None or cell.get("t") not in {"s", "inlineStr", "str"}:
                continue  # a number or an empty header: Excel shows the name; not compared
            if text != name:
                problems.append(f"{table_part}: column {name!r} is headed {text!r}")
    return problems


def _formulas(root: etree._Element) -> list[str]:
    return [f.text for f in root.iter(q("f", root)) if f.text]


def _missing_sheets(formulas: list[str], names: set[str]) -> list[tuple[str, str]]:
    """(formula, sheet) for each sheet a formula names that the workbook does not have
    (external references, `[1]Sheet!A1`, are another workbook's and skipped)."""
    lowered = {n.lower() for n in names}
    missing = []
    for formula in formulas:
        text = _STRING.sub('""', formula)
        found = [m.replace("''", "'") for m in _QUOTED_SHEET.findall(text)]
        found += _PLAIN_SHEET.findall(_QUOTED_SHEET.sub("", text))
        for sheet in found:
            if "[" in sheet:
                continue
            for one in sheet.split(":"):  # a 3-D reference: Sheet1:Sheet3!A1
                if one.lower() not in lowered:
                    missing.append((formula, one))
    return missing
