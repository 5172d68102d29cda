"""The "Decider summary" sheet: the portfolio as a whole, with a native chart.

The sheet, its drawing and its chart are written by XlsxWriter into a scratch workbook in
memory (so no chart XML is written by hand), then transplanted into the user's package
under free part names: the sheet goes last in `xl/workbook.xml`, with its relationship and
content types; its few cell formats are found or appended in the user's styles.xml
(`stylemerge`); its text is stored inline. A summary an earlier run wrote (the sheet of
that name, with the parts only it reaches) is removed first, so each run replaces it and
the same input gives the same file.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from lxml import etree

from decider.workbook.errors import WorkbookError
from decider.workbook.package.edits import PackageEdit
from decider.workbook.package.manifest import (
    OFFICE_RELATIONSHIPS,
    add_override,
    add_relationship,
    attributes,
    escape,
    escape_text,
    relationships_of,
    relationships_xml,
    relative_target,
    rels_part,
)
from decider.workbook.package.opening import Package, relationships
from decider.workbook.package.stylemerge import StylesUnusable, merge_cell_formats
from decider.workbook.summary.facts import SHEET_NAME, SummaryFacts
from decider.workbook.summary.sheet import ScratchParts, build_scratch

STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"

WORKSHEET_REL = OFFICE_RELATIONSHIPS + "/worksheet"
DRAWING_REL = OFFICE_RELATIONSHIPS + "/drawing"
CHART_REL = OFFICE_RELATIONSHIPS + "/chart"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"


# -- into the user's package -------------------------------------------------------------

_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\b[^>]*>")
_SHEETS_CLOSE = re.compile(rb"</([\w.-]+:)?sheets>")


@dataclass(frozen=True, slots=True)
class _Names:
    workbook: str
    sheet: str
    drawing: str
    chart: str


def workbook_part(package: Package) -> str:
    """The workbook part's name with "/" (PackageEdit maps it back to the stored name), so
    that names built from it, such as its .rels, are well formed."""
    return package.workbook.replace("\\", "/")


def check_sheet_name(package: Package, scored_sheet: str) -> None:
    """Refuse, before any work, a run whose summary would replace what it must not: the
    scored sheet itself, or a chart sheet of that name."""
    if scored_sheet.lower() == SHEET_NAME.lower():
        raise WorkbookError(f"{package.path.name}: sheet '{scored_sheet}' is where decider "
                            "writes its summary; score another sheet, or use --no-summary")
    for name, kind in package.other_sheets.items():
        if name.lower() == SHEET_NAME.lower():
            raise WorkbookError(f"{package.path.name}: sheet '{name}' is {kind}; decider "
                                "would write its summary sheet there: rename it, or use "
                                "--no-summary")


def add_summary(package: Package, edits: PackageEdit, facts: SummaryFacts) -> bool:
    """Replace the package's summary sheet (if any) with a new one built from `facts`.
    False when the workbook cannot take one (ISO Strict): nothing is changed then."""
    book = workbook_part(package)
    workbook_xml = edits.current(package, book)
    if STRICT_MAIN.encode() in workbook_xml[:2000]:
        return False
    count = len(_SHEET_TAG.findall(workbook_xml))
    old = _remove_old(package, edits, book)
    names = _Names(book, _free(package, edits, book, "worksheets/sheet{}.xml"),
                   _free(package, edits, book, "drawings/drawing{}.xml"),
                   _free(package, edits, book, "charts/chart{}.xml"))
    scratch = build_scratch(facts)
    sheet = _transplanted_sheet(scratch, _style_mapping(package, edits, book, scratch))
    edits.add(names.sheet, sheet)
    edits.add(rels_part(names.sheet), relationships_xml(
        [("rId1", DRAWING_REL, relative_target(names.sheet, names.drawing))]))
    edits.add(names.drawing, scratch.drawing)
    edits.add(rels_part(names.drawing), relationships_xml(
        [("rId1", CHART_REL, relative_target(names.drawing, names.chart))]))
    edits.add(names.chart, scratch.chart)
    book_rels = rels_part(book)
    rels, rel_id = add_relationship(edits.current(package, book_rels), WORKSHEET_REL,
                                    relative_target(book, names.sheet))
    edits.replace(book_rels, rels)
    workbook_xml = edits.current(package, book)
    if old is not None and old < count - 1:
        workbook_xml = _renumbered(workbook_xml, old, count - 1)
    edits.replace(book, _with_sheet(workbook_xml, rel_id))
    types = edits.current(package, "[Content_Types].xml")
    for part, kind in ((names.sheet, WORKSHEET_TYPE), (names.drawing, DRAWING_TYPE),
                       (names.chart, CHART_TYPE)):
        types = add_override(types, part, kind)
    edits.replace("[Content_Types].xml", types)
    return True


def _free(package: Package, edits: PackageEdit, book: str, pattern: str) -> str:
    folder = posixpath.dirname(book)
    number = 1
    while edits.has(package, posixpath.join(folder, pattern.format(number))):
        number += 1
    return posixpath.join(folder, pattern.format(number))


def _style_mapping(package: Package, edits: PackageEdit, book: str, scratch: ScratchParts
                   ) -> dict[int, int] | None:
    """The scratch's cell formats in the user's styles.xml (None: write cells unstyled)."""
    # The workbook's relationships as edited so far: a styles part may have been added.
    book_rels = rels_part(book)
    rels = edits.current(package, book_rels) if edits.has(package, book_rels) else b""
    styles = next((_resolved(book, r["Target"]) for r in relationships_of(rels)
                   if r.get("Type", "").endswith("/styles") and "Target" in r), None)
    if styles is None or not edits.has(package, styles):
        return None
    used = sorted({int(s) for s in re.findall(rb'<c [^>]*\bs="(\d+)"', scratch.sheet)})
    try:
        merged, mapping = merge_cell_formats(edits.current(package, styles), scratch.styles,
                                             used)
    except (StylesUnusable, etree.XMLSyntaxError, IndexError, KeyError, ValueError):
        return None
    if merged != edits.current(package, styles):
        edits.replace(styles, merged)
    return mapping


def _resolved(source: str, target: str) -> str:
    """A relationship's target as a part name (relative to its source, or absolute)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


_SCRATCH_CELL = re.compile(rb"<c ([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_SCRATCH_STYLE = re.compile(rb'\ss="(\d+)"')
_SCRATCH_SHARED = re.compile(rb"<v>(\d+)</v>")


def _transplanted_sheet(scratch: ScratchParts, mapping: dict[int, int] | None) -> bytes:
    """The scratch sheet with its text inline (the user's shared strings are not touched)
    and its cell formats renumbered into the user's styles (or dropped). XlsxWriter's own
    XML, edited cell by cell as bytes: a tree of a 100,000-unit summary (its lists of close
    calls) would cost more memory than the rest of the write."""
    strings = scratch.strings

    def cell(match: re.Match[bytes]) -> bytes:
        attributes, body = match.group(1), match.group(2)
        style = _SCRATCH_STYLE.search(attributes)
        if style is not None:
            number = int(style.group(1))
            renumbered = (b"" if mapping is None or number not in mapping
                          else b' s="' + str(mapping[number]).encode() + b'"')
            attributes = attributes[:style.start()] + renumbered + attributes[style.end():]
        if b' t="s"' in b" " + attributes and body is not None:
            found = _SCRATCH_SHARED.fullmatch(body)
            text = strings[int(found.group(1))] if found else ""
            attributes = (b" " + attributes).replace(b' t="s"', b' t="inlineStr"')[1:]
            space = b' xml:space="preserve"' if text != text.strip() else b""
            body = b"<is><t" + space + b">" + escape_text(text).encode() + b"</t></is>"
        if body is None:
            return b"<c " + attributes + b"/>"
        return b"<c " + attributes + b">" + body + b"</c>"

    return _SCRATCH_CELL.sub(cell, scratch.sheet)


def _with_sheet(workbook_xml: bytes, rel_id: str) -> bytes:
    """`workbook.xml` with the summary sheet as its last `<sheet>`."""
    close = _SHEETS_CLOSE.search(workbook_xml)
    if close is None:
        raise WorkbookError("the workbook part has no </sheets>")
    prefix = close.group(1) or b""
    ids = [int(attributes(m.group(0)).get("sheetId", "0") or 0)
           for m in _SHEET_TAG.finditer(workbook_xml)]
    # Only a prefix the root declares is in scope here (openpyxl declares it per sheet).
    root = re.search(rb"<(?:[\w.-]+:)?workbook\b[^>]*>", workbook_xml)
    declared = None if root is None else re.search(
        rb'xmlns:([\w.-]+)="' + re.escape(OFFICE_RELATIONSHIPS.encode()) + b'"', root.group(0))
    r = declared.group(1) if declared else b"r"
    local = b"" if declared else b' xmlns:r="' + OFFICE_RELATIONSHIPS.encode() + b'"'
    tag = (b"<" + prefix + b'sheet name="' + escape(SHEET_NAME).encode() + b'" sheetId="'
           + str(max(ids, default=0) + 1).encode() + b'"' + local + b" " + r + b':id="'
           + rel_id.encode() + b'"/>')
    return workbook_xml[:close.start()] + tag + workbook_xml[close.start():]


def _renumbered(workbook_xml: bytes, removed: int, last: int) -> bytes:
    """Sheet positions after the summary moved from `removed` to `last`: defined names'
    localSheetId and the view's activeTab/firstSheet follow their sheets."""
    def move(match: re.Match[bytes]) -> bytes:
        value = int(match.group(2))
        new = last if value == removed else value - 1 if value > removed else value
        return match.group(1) + str(new).encode() + b'"'

    return re.sub(rb'(\b(?:localSheetId|activeTab|firstSheet)=")(\d+)"', move, workbook_xml)


# -- removing an earlier summary -----------------------------------------------------------


def _remove_old(package: Package, edits: PackageEdit, book: str) -> int | None:
    """Remove the summary sheet an earlier run wrote, with every part only it reaches.
    Returns its position among the sheets (None: there was none)."""
    workbook_xml = edits.current(package, book)
    book_rels = rels_part(book)
    rels = edits.current(package, book_rels) if edits.has(package, book_rels) else b""
    targets = {r.get("Id", ""): r for r in relationships_of(rels)}
    for position, match in enumerate(_SHEET_TAG.finditer(workbook_xml)):
        found = attributes(match.group(0))
        if found.get("name", "").lower() != SHEET_NAME.lower():
            continue
        rel = targets.get(found.get("id", ""), {})
        if not rel.get("Type", "").endswith("/worksheet"):
            return None
        part = _resolved(book, rel["Target"])
        doomed = _only_reached_from(package, part)
        for name in sorted(doomed):
            if edits.has(package, name):
                edits.remove(name)
        edits.replace(book, workbook_xml[:match.start()] + workbook_xml[match.end():])
        edits.replace(book_rels, _without_relationship(rels, rel.get("Id", "")))
        types = edits.current(package, "[Content_Types].xml")
        edits.replace("[Content_Types].xml", _without_overrides(types, doomed))
        _drop_stale_calc_chain(package, edits, book, found.get("sheetId", ""))
        return position
    return None


def _targets(package: Package, part: str) -> list[str]:
    return [target for _i, _kind, target in relationships(package, part)]


def _only_reached_from(package: Package, start: str) -> set[str]:
    """`start`, the parts reached from it through relationships, and their .rels parts,
    less any part that something outside that set also refers to."""
    reached: set[str] = set()
    pending = [start]
    while pending:
        part = pending.pop()
        if part in reached or part not in package.names:
            continue
        reached.add(part)
        pending.extend(_targets(package, part))
    shared: set[str] = set()
    for name in package.names:
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))
        owner = posixpath.join(folder, posixpath.basename(name)[:-len(".rels")])
        if owner not in reached:
            shared.update(_targets(package, owner))
    kept = (reached - shared) | {start}
    return kept | {rels_part(p) for p in kept if rels_part(p) in package.names}


def _without_relationship(rels: bytes, rel_id: str) -> bytes:
    for match in re.finditer(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>", rels):
        if attributes(match.group(0)).get("Id") == rel_id:
            return rels[:match.start()] + rels[match.end():]
    return rels


def _without_overrides(types: bytes, parts: set[str]) -> bytes:
    names = {"/" + p.lower() for p in parts}
    pieces = []
    cursor = 0
    for match in re.finditer(rb"<(?:[\w.-]+:)?Override\b[^>]*>", types):
        if attributes(match.group(0)).get("PartName", "").lower() in names:
            pieces.append(types[cursor:match.start()])
            cursor = match.end()
    return b"".join(pieces) + types[cursor:]


def _drop_stale_calc_chain(package: Package, edits: PackageEdit, book: str, sheet_id: str
                           ) -> None:
    """Excel keeps a calculation chain of formula cells by sheet id; entries for the old
    summary's cells could point at cells that hold no formula any more, which Excel
    repairs. The chain is only a cache: it goes, and Excel rebuilds it."""
    chain = next(((i, t) for i, kind, t in relationships(package, book)
                  if kind.endswith("/calcChain") and edits.has(package, t)), None)
    if chain is None or not sheet_id:
        return
    rel_id, part = chain
    if not re.search(rb'\bi="' + re.escape(sheet_id.encode()) + b'"',
                     edits.current(package, part)):
        return
    edits.remove(part)
    book_rels = rels_part(book)
    edits.replace(book_rels, _without_relationship(edits.current(package, book_rels), rel_id))
    types = edits.current(package, "[Content_Types].xml")
    edits.replace("[Content_Types].xml", _without_overrides(types, {part}))
