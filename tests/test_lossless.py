"""`decider score` is lossless: proved part by part on feature-rich workbooks made by
XlsxWriter, openpyxl and LibreOffice.

After a run, every zip member except the target sheet is byte-identical (decompressed)
and in the same order; on the target sheet only the cells in decider's five result
columns differ, every other cell is identical (value, type, style, formula), every
element outside the cells is identical once canonicalized, and every extension survives.
The input file is byte-identical after the run.

The comparison helpers here are also used by test_lossless_corpus.py.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from lxml import etree
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as OpenpyxlImage
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from decider import recommend
from decider.errors import DeciderInputError

RESULT_HEADERS = ("Recommendation", "Centralization index", "Confidence", "Rationale",
                  "Decider issues", "What would change it")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# Never resolve an entity nor touch the network, even while checking a test's own files.
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                              load_dtd=False)


# ---------------------------------------------------------------------------------------
# Running decider


def run_score(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`decider score ARGS` as a user runs it: a separate process."""
    return subprocess.run([sys.executable, "-m", "decider", "score", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, check=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------
# Reading the package


def q(tag: str, like: etree._Element | None = None) -> str:
    """`tag` in the namespace of `like` (ISO Strict files use their own), else Excel's."""
    namespace = MAIN if like is None else etree.QName(like).namespace
    return f"{{{namespace}}}{tag}"


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter.upper()) - 64
    return index


def column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def split_ref(ref: str) -> tuple[int, int]:
    """'AB12' -> (row 12, column 28)."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), column_index(letters)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


def member_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        return [info.filename for info in package.infolist()]


def part(parts: dict[str, bytes], name: str) -> str:
    """The member named `name`, found as lenient readers do: some writers store
    `xl\\workbook.xml` or `[content_types].xml`."""
    wanted = name.lower()
    return next(found for found in parts if found.replace("\\", "/").lower() == wanted)


def worksheet_parts(parts: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """(sheet name, member name, relationship type) for each sheet, in the workbook's
    order."""
    root_rels = etree.fromstring(parts[part(parts, "_rels/.rels")], SAFE_PARSER)
    workbook_part = next(rel.get("Target").lstrip("/") for rel in root_rels
                         if rel.get("Type", "").endswith("/officeDocument"))
    folder, name = posixpath.split(workbook_part)
    rels = etree.fromstring(parts[part(parts, posixpath.join(folder, "_rels", name + ".rels"))],
                            SAFE_PARSER)
    targets = {}
    for rel in rels:
        target = rel.get("Target").replace("\\", "/")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        targets[rel.get("Id")] = (target, rel.get("Type", "").rsplit("/", 1)[-1])
    workbook = etree.fromstring(parts[part(parts, workbook_part)], SAFE_PARSER)
    sheets = []
    for sheet in workbook.iter(q("sheet", workbook)):
        rel_id = next(value for key, value in sheet.attrib.items()
                      if etree.QName(key).localname == "id")
        target, kind = targets[rel_id]
        sheets.append((sheet.get("name"), part(parts, target), kind))
    return sheets


def first_worksheet(path: Path) -> tuple[str, str] | None:
    """(name, part) of the first worksheet (chartsheets and dialogs are not worksheets)."""
    for name, part, kind in worksheet_parts(members(path)):
        if kind == "worksheet":
            return name, part
    return None


def sheet_part(parts: dict[str, bytes], sheet_name: str) -> str:
    return next(part for name, part, _ in worksheet_parts(parts) if name == sheet_name)


def shared_strings(parts: dict[str, bytes]) -> list[str]:
    name = next((n for n in parts if n.lower().endswith("sharedstrings.xml")), None)
    if name is None:
        return []
    root = etree.fromstring(parts[name], SAFE_PARSER)
    return ["".join(t.text or "" for t in si.iter(q("t", root)))
            for si in root.iter(q("si", root))]


@dataclass
class Sheet:
    root: etree._Element
    cells: dict[tuple[int, int], etree._Element]
    rows: dict[int, etree._Element]


def parse_sheet(xml: bytes) -> Sheet:
    """The sheet's cells by (row, column), following Excel's rule for cells and rows
    without an `r` attribute: one past the previous."""
    root = etree.fromstring(xml, SAFE_PARSER)
    cells: dict[tuple[int, int], etree._Element] = {}
    rows: dict[int, etree._Element] = {}
    data = root.find(q("sheetData", root))
    row_number = 0
    for row in data if data is not None else ():
        if row.tag != q("row", root):
            continue
        row_number = int(row.get("r")) if row.get("r") else row_number + 1
        rows[row_number] = row
        column = 0
        for cell in row.iter(q("c", root)):
            column = split_ref(cell.get("r"))[1] if cell.get("r") else column + 1
            cells[(row_number, column)] = cell
    return Sheet(root, cells, rows)


def cell_text(cell: etree._Element, strings: list[str]) -> str | None:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(q("t", cell)))
    value = cell.find(q("v", cell))
    if value is None or value.text is None:
        return None
    if kind == "s":
        return strings[int(value.text)]
    return value.text


def canonical(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n")


# ---------------------------------------------------------------------------------------
# The lossless property


@dataclass
class Written:
    """Where decider wrote: the header row and the five result columns by header."""

    header_row: int
    columns: dict[str, int]
    sheet: Sheet
    strings: list[str]

    def value(self, row: int, header: str) -> str | None:
        cell = self.sheet.cells.get((row, self.columns[header]))
        return None if cell is None else cell_text(cell, self.strings)


def assert_lossless(before: Path, after: Path, sheet_name: str,
                    also: Sequence[str] = ()) -> Written:
    """Assert that `after` is `before` plus decider's cells on `sheet_name`, nothing else.

    The parts allowed to change, each checked for the change it may have: the sheet's own
    cells, column widths and conditional formats; styles.xml (cell formats, number formats
    and differential formats appended); the shared strings (appended); the table a
    header row shares with decider (grown by decider's columns); [Content_Types].xml and
    the workbook's rels (entries added). A workbook without styles or shared strings gets
    the part, added last. The summary sheet's parts are added after them (an earlier
    summary's replaced), and workbook.xml gains its <sheet>. Every other part is byte for
    byte the same, in order. `also`: other sheets decider scored in the same run (their
    parts and tables may change too; check each with its own call)."""
    old_parts, new_parts = members(before), members(after)
    # The summary sheet's parts (see summary_parts) come last, replaced on every run.
    old_summary, new_summary = summary_parts(old_parts), summary_parts(new_parts)
    old_names = [n for n in member_names(before) if n not in old_summary]
    new_names = [n for n in member_names(after) if n not in new_summary]
    assert new_names[:len(old_names)] == old_names, "the zip members or their order changed"
    assert set(member_names(after)[len(new_names):]) == new_summary, (
        "the summary's parts are not the last members")
    target = sheet_part(old_parts, sheet_name)
    package = _package_parts(new_parts, target)
    added = new_names[len(old_names):]
    assert set(added) <= {package.styles, package.strings}, f"parts added: {added}"
    allowed = {target, package.styles, package.strings, package.content_types,
               package.workbook_rels, *package.tables}
    for other in also:
        other_part = sheet_part(old_parts, other)
        allowed |= {other_part, *_package_parts(new_parts, other_part).tables}
    if new_summary:
        allowed.add(package.workbook)
    changed = [name for name in old_names
               if name not in allowed and old_parts[name] != new_parts[name]]
    assert not changed, f"parts other than the target sheet {target} changed: {changed}"
    _assert_entries_added(old_parts.get(package.content_types), new_parts[package.content_types])
    _assert_entries_added(old_parts.get(package.workbook_rels), new_parts[package.workbook_rels])
    assert_gains_entries_only(old_parts[package.workbook], new_parts[package.workbook],
                              package.workbook)
    _assert_styles_appended(old_parts.get(package.styles), new_parts.get(package.styles))
    _assert_strings_appended(old_parts, new_parts, package)

    strings = shared_strings(new_parts)
    old, new = parse_sheet(old_parts[target]), parse_sheet(new_parts[target])
    written = _result_columns(new, strings)
    owned = set(written.columns.values())
    _assert_tables_grown_or_kept(old_parts, new_parts, package.tables, written)

    for (row, column), cell in old.cells.items():
        if column in owned:
            # decider's own columns change only from its header row down.
            now = new.cells.get((row, column))
            assert row >= written.header_row or (
                now is not None and canonical(now) == canonical(cell)), (
                f"cell {column_letters(column)}{row} above decider's header changed")
            continue
        assert (row, column) in new.cells, f"cell {column_letters(column)}{row} disappeared"
        assert canonical(new.cells[(row, column)]) == canonical(cell), (
            f"cell {column_letters(column)}{row} changed: {canonical(cell)!r} -> "
            f"{canonical(new.cells[(row, column)])!r}")
    added_cells = [f"{column_letters(c)}{r}" for (r, c) in new.cells.keys() - old.cells.keys()
                   if c not in owned]
    assert not added_cells, f"cells outside decider's columns were added: {added_cells[:10]}"
    for number, row in old.rows.items():
        assert number in new.rows, f"row {number} disappeared"
        assert _row_attributes(new.rows[number]) == _row_attributes(row), (
            f"row {number}'s attributes changed")

    assert _outside_cells(new.root, owned) == _outside_cells(old.root, owned), (
        "an element outside the cells of the target sheet changed")
    assert _column_looks(new.root, owned) == _column_looks(old.root, owned), (
        "the widths or styles of columns other than decider's changed")
    _assert_extensions_survive(old.root, new.root)
    _assert_dimension_covers(new)
    return written


@dataclass
class PackageParts:
    """Where the parts decider may change live in one package (lenient names)."""

    content_types: str
    workbook: str
    workbook_rels: str
    styles: str | None
    strings: str | None
    tables: list[str]  # the target sheet's table parts


def _related(parts: dict[str, bytes], rels_name: str, folder: str
             ) -> list[tuple[str, str]]:
    """(type, member) of a .rels part's internal relationships."""
    try:
        rels = part(parts, rels_name)
    except StopIteration:
        return []
    found = []
    for rel in etree.fromstring(parts[rels], SAFE_PARSER):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "").replace("\\", "/")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        try:
            found.append((rel.get("Type", "").rsplit("/", 1)[-1], part(parts, target)))
        except StopIteration:
            continue
    return found


def _package_parts(parts: dict[str, bytes], sheet: str) -> PackageParts:
    root_rels = etree.fromstring(parts[part(parts, "_rels/.rels")], SAFE_PARSER)
    workbook = next(rel.get("Target").lstrip("/") for rel in root_rels
                    if rel.get("Type", "").endswith("/officeDocument"))
    folder, name = posixpath.split(workbook)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    related = dict(_related(parts, rels_name, folder))
    sheet_folder, sheet_name = posixpath.split(sheet)
    tables = [member for kind, member in _related(
        parts, posixpath.join(sheet_folder, "_rels", sheet_name + ".rels"), sheet_folder)
        if kind == "table"]
    return PackageParts(part(parts, "[Content_Types].xml"), part(parts, workbook),
                        part(parts, rels_name),
                        related.get("styles"), related.get("sharedStrings"), tables)


def _children(xml: bytes) -> tuple[etree._Element, list[bytes]]:
    root = etree.fromstring(xml, SAFE_PARSER)
    return root, [canonical(child) for child in root]


def _assert_entries_added(old: bytes | None, new: bytes) -> None:
    """A manifest ([Content_Types].xml, .rels) with entries added, none changed."""
    assert old is not None
    if old == new:
        return
    old_root, old_children = _children(old)
    new_root, new_children = _children(new)
    assert dict(old_root.attrib) == dict(new_root.attrib)
    remaining = iter(new_children)
    assert all(child in remaining for child in old_children), (
        "an entry of a manifest changed or disappeared")


def _assert_list_appended(old: etree._Element | None, new: etree._Element | None,
                          name: str, counted: bool = True) -> None:
    old_items = [canonical(c) for c in old] if old is not None else []
    new_items = [canonical(c) for c in new] if new is not None else []
    assert new_items[:len(old_items)] == old_items, f"existing {name} entries changed"
    if counted and new is not None and new.get("count") is not None:
        assert int(new.get("count")) == len(new_items), f"{name} count is wrong"


def _assert_styles_appended(old: bytes | None, new: bytes | None) -> None:
    """Existing number formats, cell formats and differential formats keep their
    indices and bytes; every other part of the stylesheet is unchanged."""
    if old == new:
        return
    assert new is not None, "the styles part disappeared"
    new_root = etree.fromstring(new, SAFE_PARSER)
    if old is None:  # made for a workbook without one: the first format stays "General"
        cell_xfs = new_root.find(q("cellXfs", new_root))
        assert cell_xfs is not None and cell_xfs[0].get("numFmtId") == "0"
        return
    old_root = etree.fromstring(old, SAFE_PARSER)
    lists = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")  # summary: all five
    for name in lists:
        _assert_list_appended(old_root.find(q(name, old_root)), new_root.find(q(name, new_root)),
                              name)

    def rest(root: etree._Element) -> list[bytes]:
        return [canonical(c) for c in root if etree.QName(c).localname not in lists]

    assert rest(new_root) == rest(old_root), "styles other than formats changed"
    assert dict(new_root.attrib) == dict(old_root.attrib)


def _string_cells(parts: dict[str, bytes]) -> int:
    """Cells of every worksheet that show a shared string."""
    count = 0
    for _name, member, kind in worksheet_parts(parts):
        if kind == "worksheet":
            root = etree.fromstring(parts[member], SAFE_PARSER)
            count += sum(1 for c in root.iter(q("c", root)) if c.get("t") == "s")
    return count


def _assert_strings_appended(old_parts: dict[str, bytes], new_parts: dict[str, bytes],
                             package: PackageParts) -> None:
    """Existing entries keep their index and bytes; uniqueCount counts the entries and
    count (where the input's was right) the cells that refer to one."""
    if package.strings is None:
        return
    new_root = etree.fromstring(new_parts[package.strings], SAFE_PARSER)
    old_xml = old_parts.get(package.strings)
    old_root = etree.fromstring(old_xml, SAFE_PARSER) if old_xml else None
    _assert_list_appended(old_root, new_root, "shared string", counted=False)
    if new_root.get("uniqueCount") is not None:
        assert int(new_root.get("uniqueCount")) == len(new_root), "uniqueCount is wrong"
    if new_root.get("count") is not None:
        old_right = old_root is None or (old_root.get("count") is not None and int(
            old_root.get("count")) == _string_cells(old_parts))
        if old_right:
            assert int(new_root.get("count")) == _string_cells(new_parts), "count is wrong"
    else:
        assert old_root is not None and old_root.get("count") is None


def _assert_tables_grown_or_kept(old_parts: dict[str, bytes], new_parts: dict[str, bytes],
                                 tables: list[str], written: Written) -> None:
    """A table is unchanged, or grown by decider's columns: its ref and autoFilter reach
    further right (same rows), its columns gain decider's headers, nothing else moves."""
    for name in tables:
        if old_parts[name] == new_parts[name]:
            continue
        old, new = (etree.fromstring(x, SAFE_PARSER) for x in (old_parts[name],
                                                               new_parts[name]))
        old_ref, new_ref = old.get("ref"), new.get("ref")
        assert old_ref.split(":")[0] == new_ref.split(":")[0], "a table moved"
        old_end, new_end = (split_ref(r.split(":")[1]) for r in (old_ref, new_ref))
        assert old_end[0] == new_end[0] and new_end[1] > old_end[1], "a table's rows changed"
        assert split_ref(old_ref.split(":")[0])[0] == written.header_row
        grown = list(range(old_end[1] + 1, new_end[1] + 1))
        assert set(grown) <= set(written.columns.values()), "a table grew over other columns"
        columns = new.find(q("tableColumns", new))
        names = [c.get("name") for c in columns]
        header = [written.sheet.cells.get((written.header_row, c)) for c in range(
            split_ref(new_ref.split(":")[0])[1], new_end[1] + 1)]
        assert names == [cell_text(c, written.strings) if c is not None else None
                         for c in header], "table column names differ from the header cells"
        assert int(columns.get("count")) == len(names)
        old_filter, new_filter = old.find(q("autoFilter", old)), new.find(q("autoFilter", new))
        if old_filter is not None:
            assert new_filter.get("ref").split(":")[1].rstrip("0123456789") == column_letters(
                new_end[1])
            assert new_filter.get("ref").split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == (
                old_filter.get("ref").split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        for root in (old, new):
            for element in (root.find(q("autoFilter", root)), root.find(q("tableColumns", root))):
                if element is not None:
                    root.remove(element)
            root.attrib.pop("ref")
        assert canonical(new) == canonical(old), "a grown table changed otherwise"


SUMMARY_SHEET = "Decider summary"


def summary_parts(parts: dict[str, bytes]) -> set[str]:
    """The summary sheet's parts: the sheet, what it reaches through relationships (its
    drawing and chart) and their .rels parts. Empty when there is no summary sheet."""
    start = next((p for name, p, kind in worksheet_parts(parts)
                  if name == SUMMARY_SHEET and kind == "worksheet"), None)
    found: set[str] = set()
    pending = [start] if start else []
    while pending:
        name = pending.pop()
        if name in found or name not in parts:
            continue
        found.add(name)
        folder, base = posixpath.split(name)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels in parts:
            found.add(rels)
            for rel in etree.fromstring(parts[rels], SAFE_PARSER):
                if rel.get("TargetMode") != "External":
                    pending.append(posixpath.normpath(posixpath.join(folder, rel.get("Target"))))
    return found


def assert_gains_entries_only(old: bytes, new: bytes, name: str) -> None:
    """Every element of `old` is in `new`, in order, with its attributes (a list's
    `count` may grow); `new` only has more elements."""
    def contained(before: etree._Element, after: etree._Element) -> bool:
        if after.tag != before.tag or (before.text or "").strip() != (after.text or "").strip():
            return False
        if ({k: v for k, v in after.attrib.items() if k != "count"}
                != {k: v for k, v in before.attrib.items() if k != "count"}):
            return False
        children = iter(after)
        return all(any(contained(child, candidate) for candidate in children)
                   for child in before)

    def gains(before: etree._Element, after: etree._Element, where: str) -> None:
        assert contained(before, after), f"{name}: an entry of {where} is gone or changed"

    gains(etree.fromstring(old, SAFE_PARSER), etree.fromstring(new, SAFE_PARSER), "root")


def _result_columns(sheet: Sheet, strings: list[str]) -> Written:
    found: dict[str, tuple[int, int]] = {}
    for (row, column), cell in sorted(sheet.cells.items()):
        text = cell_text(cell, strings)
        if text in RESULT_HEADERS and text not in found:
            found[text] = (row, column)
    assert set(found) == set(RESULT_HEADERS), (
        f"the result headers are not all on the sheet: found {sorted(found)}")
    header_rows = {row for row, _ in found.values()}
    assert len(header_rows) == 1, f"the result headers are on several rows: {found}"
    return Written(header_rows.pop(), {h: c for h, (_, c) in found.items()}, sheet, strings)


def _row_attributes(row: etree._Element) -> dict[str, str]:
    # `spans` is only an optimisation hint that must grow to cover the appended cells.
    return {key: value for key, value in row.attrib.items() if key != "spans"}


def _outside_cells(root: etree._Element, owned: set[int]) -> bytes:
    """The sheet without its cells, its dimension (which must grow), its column widths
    (compared by `_column_looks`) and the conditional formats on decider's columns alone
    (its colours for the Recommendation column)."""
    copy = etree.fromstring(etree.tostring(root), SAFE_PARSER)
    for tag in ("sheetData", "dimension", "cols"):
        for element in copy.findall(q(tag, copy)):
            element.getparent().remove(element)
    for element in copy.findall(q("conditionalFormatting", copy)):
        areas = [ref.split(":") for ref in element.get("sqref", "").split()]
        columns = {split_ref(ref)[1] for area in areas for ref in area}
        if columns and columns <= owned:
            copy.remove(element)
    return canonical(copy)


def _column_looks(root: etree._Element, owned: set[int]) -> dict[int, dict[str, str]]:
    """Each column's <col> attributes (a range split in pieces looks the same), but for
    decider's columns."""
    looks: dict[int, dict[str, str]] = {}
    for cols in root.findall(q("cols", root)):
        for col in cols:
            attributes = {k: v for k, v in col.attrib.items() if k not in ("min", "max")}
            for column in range(int(col.get("min")), int(col.get("max")) + 1):
                if column not in owned:
                    looks[column] = attributes
    return looks


def _assert_extensions_survive(old: etree._Element, new: etree._Element) -> None:
    def extensions(root: etree._Element) -> list[bytes]:
        ext_list = root.find(q("extLst", root))
        return [] if ext_list is None else [canonical(ext) for ext in ext_list]

    assert extensions(new) == extensions(old), "the sheet's extLst changed"


def _assert_dimension_covers(sheet: Sheet) -> None:
    dimension = sheet.root.find(q("dimension", sheet.root))
    if dimension is None or not sheet.cells:
        return
    ref = dimension.get("ref")
    last = ref.split(":")[-1]
    last_row, last_column = split_ref(last)
    top_row, top_column = split_ref(ref.split(":")[0])
    for row, column in sheet.cells:
        assert top_row <= row <= last_row and top_column <= column <= last_column, (
            f"dimension {ref} does not cover cell {column_letters(column)}{row}")


# ---------------------------------------------------------------------------------------
# Feature-rich workbooks, made by real writers

HEADERS = ("Business unit", "Headcount", "AI maturity", "Sector", "AI budget", "Countries")
UNITS = (
    ("Retail Banking", "4,200", "Mature", "banking", "2,5 M€", 3),
    ("Group Data Lab", 38, "POC", "Pure tech", "€250k", 1),
    ("E-commerce", 260, "Scale-up", "SaaS", "1,2 M€", "yes"),
    ("Hospital Network", "5k+", "18 months", "healthcare", "€6.5M", 2),
    ("Energy Trading", 480, "Mature", "Strong", "$1.2M", 4),
    ("HR Services", 150, "Scael-up", "Medium", "€400k", 1),
    ("Logistics", 1900, "12 months", "Medium", 1500000, True),
    ("Mobile Apps", 45, "5 months", "tech", "€120k", False),
    ("Procurement", 95, "3 months", "Light", "€150k", 1),
    ("Cloud Software", 310, "Mature", "software", "€2.2M", 11),
)
HEADER_ROW = 3  # in Excel's numbering
LAST_ROW = HEADER_ROW + len(UNITS)


def tiny_png() -> bytes:
    """A 2x2 PNG made by hand: the logo of the workbooks below."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    pixels = b"".join(b"\x00" + b"\x1f\x38\x64" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels))
            + chunk(b"IEND", b""))


def build_xlsxwriter_workbook(path: Path, vba_project: Path | None = None) -> None:
    """Everything a CTO office puts in a portfolio: chart, comment, logo, sparklines,
    conditional formats (with 2010 data bars), a validation list, a table, a text box,
    defined names, merged cells, a hyperlink, frozen panes and a second sheet."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Portfolio")
    history = workbook.add_worksheet("History")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    title = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})

    sheet.merge_range("A1:G1", "AI orchestration portfolio", title)
    sheet.write_url("A2", "https://example.com/ai-review", string="Review page")
    sheet.write_row(HEADER_ROW - 1, 0, (*HEADERS, "Trend"), bold)
    for offset, unit in enumerate(UNITS):
        sheet.write_row(HEADER_ROW + offset, 0, unit)
        history.write_row(offset + 1, 0, (unit[0], 10 + offset, 12 + offset, 9 + offset,
                                          15 + offset))
        sheet.add_sparkline(HEADER_ROW + offset, 6, {
            "range": f"History!B{offset + 2}:E{offset + 2}", "markers": True})
    history.write_row(0, 0, ("Business unit", "Q1", "Q2", "Q3", "Q4"))
    history.write_formula(len(UNITS) + 1, 1, f"=SUM(B2:B{len(UNITS) + 1})")
    sheet.add_table(HEADER_ROW - 1, 0, LAST_ROW - 1, 5, {
        "name": "Units", "style": "Table Style Medium 2",
        "columns": [{"header": header} for header in HEADERS]})
    sheet.write_comment("B3", "Headcount: FTE at 30 June")
    sheet.conditional_format(f"B4:B{LAST_ROW}", {"type": "data_bar", "data_bar_2010": True,
                                                 "bar_solid": True})
    sheet.conditional_format(f"F4:F{LAST_ROW}", {"type": "3_color_scale"})
    sheet.conditional_format(f"D4:D{LAST_ROW}", {
        "type": "text", "criteria": "containing", "value": "bank",
        "format": workbook.add_format({"font_color": "#9C0006"})})
    sheet.data_validation(f"C4:C{LAST_ROW}", {
        "validate": "list", "source": ["POC", "Scale-up", "Mature", "Enterprise"],
        "error_type": "warning"})
    sheet.insert_image("J2", "logo.png", {"image_data": io.BytesIO(tiny_png()),
                                          "x_scale": 20, "y_scale": 10})
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"name": "Headcount", "categories": f"=Portfolio!$A$4:$A${LAST_ROW}",
                      "values": f"=History!$B$2:$B${len(UNITS) + 1}"})
    sheet.insert_chart("J8", chart)
    sheet.insert_textbox("J25", "Draft: budgets to be confirmed by finance",
                         {"width": 300, "height": 60})
    workbook.define_name("Headcounts", f"=Portfolio!$B$4:$B${LAST_ROW}")
    workbook.define_name("Portfolio!Owner", '="Group CTO office"')
    sheet.freeze_panes(HEADER_ROW, 1)
    sheet.set_column("A:A", 24)
    if vba_project is not None:
        workbook.add_vba_project(str(vba_project))
        workbook.set_vba_name("ThisWorkbook")
    workbook.close()


class _HandMadeImage(OpenpyxlImage):  # type: ignore[misc]
    """openpyxl's image without Pillow: Pillow only measures it, and we know the size."""

    def __init__(self, data: bytes, width: int, height: int) -> None:
        self.ref = io.BytesIO(data)
        self.width, self.height, self.format = width, height, "png"
        self._bytes = data

    def _data(self) -> bytes:
        return self._bytes


def build_openpyxl_workbook(path: Path) -> None:
    """A fresh openpyxl workbook with comments, conditional formats, a validation list,
    a table, an image, defined names, merged cells, a hyperlink and frozen panes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Portfolio"
    notes = workbook.create_sheet("Notes")
    notes["A1"] = "Reviewed by the CTO office"
    notes["B2"] = "=Portfolio!B4*2"
    sheet["A1"] = "AI orchestration portfolio"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Review page"
    sheet["A2"].hyperlink = "https://example.com/ai-review"
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for offset, unit in enumerate(UNITS):
        for column, value in enumerate(unit, start=1):
            sheet.cell(HEADER_ROW + 1 + offset, column, value)
    sheet["B3"].comment = Comment("Headcount: FTE at 30 June", "CTO office")
    sheet["E5"].comment = Comment("Budget not yet approved", "Finance")
    table = Table(displayName="Units", ref=f"A{HEADER_ROW}:F{LAST_ROW}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    sheet.add_table(table)
    sheet.conditional_formatting.add(f"B4:B{LAST_ROW}", DataBarRule(
        start_type="min", end_type="max", color="638EC6"))
    sheet.conditional_formatting.add(f"F4:F{LAST_ROW}", ColorScaleRule(
        start_type="min", start_color="F8696B", end_type="max", end_color="63BE7B"))
    sheet.conditional_formatting.add(f"B4:B{LAST_ROW}", CellIsRule(
        operator="greaterThan", formula=["1000"], font=Font(bold=True)))
    sheet.conditional_formatting.add(f"D4:D{LAST_ROW}", FormulaRule(
        formula=['ISNUMBER(SEARCH("bank",D4))'], font=Font(color="9C0006")))
    validation = DataValidation(type="list", formula1='"POC,Scale-up,Mature,Enterprise"',
                                allow_blank=True)
    validation.add(f"C4:C{LAST_ROW}")
    sheet.add_data_validation(validation)
    sheet.add_image(_HandMadeImage(tiny_png(), 40, 20), "J2")
    workbook.defined_names["Headcounts"] = DefinedName(
        "Headcounts", attr_text=f"Portfolio!$B$4:$B${LAST_ROW}")
    sheet.freeze_panes = "B4"
    sheet.column_dimensions["A"].width = 24
    workbook.save(path)


# ---------------------------------------------------------------------------------------
# The proofs


def score_and_check(source: Path, tmp_path: Path, *extra: str) -> Written:
    digest = sha256(source)
    output = tmp_path / f"scored{source.suffix}"
    completed = run_score(source, "-o", output, *extra)
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    assert sha256(source) == digest, "decider changed its input file"
    written = assert_lossless(source, output, "Portfolio")
    assert_results_are_decider_s(written)
    return written


def assert_results_are_decider_s(written: Written) -> None:
    """Each business unit's Recommendation is `recommend`'s, or its issue is explained."""
    assert written.header_row == HEADER_ROW
    for offset, unit in enumerate(UNITS):
        row = HEADER_ROW + 1 + offset
        try:
            expected: str | None = recommend(*unit[1:5], multi_country=unit[5]).architecture
        except DeciderInputError:
            expected = None
        assert written.value(row, "Recommendation") == expected, f"row {row}: {unit}"
        if expected is None:
            assert written.value(row, "Decider issues"), f"row {row} has no issue: {unit}"


@pytest.fixture(scope="module")
def xlsxwriter_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsxwriter") / "portfolio.xlsx"
    build_xlsxwriter_workbook(path)
    return path


def test_the_xlsxwriter_workbook_has_every_feature(xlsxwriter_book: Path) -> None:
    # Guards the proof below: a feature the builder lost would make it prove nothing.
    parts = members(xlsxwriter_book)
    names = set(parts)
    for expected in ("xl/charts/chart1.xml", "xl/comments1.xml", "xl/media/image1.png",
                     "xl/tables/table1.xml", "xl/drawings/drawing1.xml"):
        assert expected in names
    sheet = parts[sheet_part(parts, "Portfolio")].decode()
    for feature in ("x14:sparklineGroups", "x14:dataBar", "<dataValidation ", "<mergeCell ",
                    "<hyperlink ", "<pane ", "<conditionalFormatting"):
        assert feature in sheet, feature
    assert "txBody" in parts["xl/drawings/drawing1.xml"].decode()  # the text box
    assert "definedName" in parts["xl/workbook.xml"].decode()


def test_xlsxwriter_workbook_is_scored_losslessly(xlsxwriter_book: Path,
                                                   tmp_path: Path) -> None:
    score_and_check(xlsxwriter_book, tmp_path)


def test_xlsm_keeps_its_macros_byte_for_byte(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsm"
    build_xlsxwriter_workbook(source, vba_project=corpus / "excel" / "vbaProject01.bin")
    assert "xl/vbaProject.bin" in members(source)
    score_and_check(source, tmp_path)
    output_parts = members(tmp_path / "scored.xlsm")
    assert output_parts["xl/vbaProject.bin"] == (corpus / "excel" / "vbaProject01.bin"
                                                 ).read_bytes()
    assert b"macroEnabled" in output_parts["[Content_Types].xml"]

    # Without -o the output keeps the .xlsm extension: Excel refuses macros in a .xlsx.
    default = tmp_path / "default"
    default.mkdir()
    (default / "portfolio.xlsm").write_bytes(source.read_bytes())
    assert run_score(default / "portfolio.xlsm", "--quiet").returncode == 0
    assert_lossless(source, default / "portfolio.scored.xlsm", "Portfolio")


def test_openpyxl_workbook_is_scored_losslessly(tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    build_openpyxl_workbook(source)
    names = set(members(source))
    assert {"xl/media/image1.png", "xl/tables/table1.xml"} <= names
    assert any(name.startswith("xl/comments") for name in names)
    score_and_check(source, tmp_path)


@pytest.mark.libreoffice
@pytest.mark.parametrize("first_writer", ["xlsxwriter", "openpyxl"])
def test_libreoffice_workbook_is_scored_losslessly(
        first_writer: str, xlsxwriter_book: Path, lo_convert: Callable[..., Path],
        tmp_path: Path) -> None:
    """LibreOffice opens a feature-rich workbook and writes it anew, its own way."""
    original = xlsxwriter_book
    if first_writer == "openpyxl":
        original = tmp_path / "openpyxl.xlsx"
        build_openpyxl_workbook(original)
    written_by_libreoffice = lo_convert(original, "xlsx")
    assert b"LibreOffice" in members(written_by_libreoffice)["docProps/app.xml"]
    score_and_check(written_by_libreoffice, tmp_path)


def test_scoring_a_scored_workbook_again_changes_nothing(xlsxwriter_book: Path,
                                                         tmp_path: Path) -> None:
    # The same file name: the summary sheet names the file it scored.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "portfolio.xlsx", tmp_path / "b" / "portfolio.xlsx"
    assert run_score(xlsxwriter_book, "-o", first).returncode == 0
    completed = run_score(first, "-o", second)
    assert completed.returncode == 0, completed.stderr
    assert second.read_bytes() == first.read_bytes()


def test_in_place_keeps_a_backup_identical_to_the_input(xlsxwriter_book: Path,
                                                        tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    source.write_bytes(xlsxwriter_book.read_bytes())
    completed = run_score(source, "--in-place")
    assert completed.returncode == 0, completed.stderr
    backup = tmp_path / "portfolio.bak.xlsx"
    assert backup.read_bytes() == xlsxwriter_book.read_bytes()
    assert_lossless(backup, source, "Portfolio")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio.bak.xlsx",
                                                          "portfolio.xlsx"]


def test_openpyxl_round_trip_is_not_lossless(xlsxwriter_book: Path, tmp_path: Path) -> None:
    """Why decider edits the sheet XML itself: the naive load and save loses features
    (this proves the comparison above can fail)."""
    naive = tmp_path / "naive.xlsx"
    workbook = openpyxl.load_workbook(xlsxwriter_book)
    workbook["Portfolio"].cell(HEADER_ROW, 8, "Recommendation")
    workbook.save(naive)
    with pytest.raises(AssertionError):
        assert_lossless(xlsxwriter_book, naive, "Portfolio")
    naive_sheet = members(naive)[sheet_part(members(naive), "Portfolio")]
    assert b"sparklineGroup" not in naive_sheet  # the round trip dropped the sparklines


def test_results_never_land_in_a_column_decider_reads(tmp_path: Path) -> None:
    """`--column budget=E` on a sheet whose budget column E is still empty: E is an input,
    so decider's columns go right of it; otherwise a second run would read its own
    recommendations as budgets and the two runs would differ."""
    source = tmp_path / "no_budget_yet.xlsx"
    workbook = xlsxwriter.Workbook(str(source))
    sheet = workbook.add_worksheet("Portfolio")
    sheet.write_row(0, 0, ("Business unit", "Headcount", "AI maturity", "Sector"))
    sheet.write_row(1, 0, ("Retail", 4200, "Mature", "banking"))
    sheet.write_row(2, 0, ("Lab", 38, "POC", "Pure tech"))
    workbook.close()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / source.name, tmp_path / "b" / source.name
    completed = run_score(source, "-o", first, "--column", "budget=E")
    assert completed.returncode in {0, 2}, completed.stderr
    if completed.returncode == 2:  # refusing an empty input column is an honest answer
        assert len(completed.stderr.strip().splitlines()) == 1, completed.stderr
        return
    written = assert_lossless(source, first, "Portfolio")
    assert column_index("E") not in written.columns.values(), written.columns
    assert run_score(first, "-o", second, "--column", "budget=E").returncode == 0
    assert second.read_bytes() == first.read_bytes()
