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

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lxml import etree
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from decider.parsing import read
from decider.policy import Policy
from decider.workbook.edits import PackageEdit
from decider.workbook.errors import WorkbookError
from decider.workbook.manifest import (
    OFFICE_RELATIONSHIPS,
    add_override,
    add_relationship,
    attributes,
    escape,
    relationships_of,
    relationships_xml,
    relative_target,
    rels_part,
)
from decider.workbook.package import Package, relationships, safe_parser
from decider.workbook.sheet import cells_of, decode_cell, numbered_rows, split
from decider.workbook.stylemerge import MAIN, StylesUnusable, merge_cell_formats

SHEET_NAME = "Decider summary"
ARCHITECTURES = ("Centralized", "Hybrid", "Decentralized")
COLOURS = {"Centralized": "#1F4E79", "Hybrid": "#FFD966", "Decentralized": "#A9D08E"}
MAX_LISTED = 1000  # rows listed per list; the rest are counted ("and 12 more")
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"

WORKSHEET_REL = OFFICE_RELATIONSHIPS + "/worksheet"
DRAWING_REL = OFFICE_RELATIONSHIPS + "/drawing"
CHART_REL = OFFICE_RELATIONSHIPS + "/chart"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"

# Where things are on the summary sheet (0-based rows, as XlsxWriter counts).
_COUNTS_HEADER = 11
_FIRST_COUNT = _COUNTS_HEADER + 1  # Centralized, Hybrid, Decentralized, issues, total
_GROUP = _FIRST_COUNT + 8


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


# -- the scratch workbook ---------------------------------------------------------------


@dataclass(slots=True)
class ScratchParts:
    sheet: bytes
    drawing: bytes
    chart: bytes
    styles: bytes
    strings: list[str]


def build_scratch(facts: SummaryFacts) -> ScratchParts:
    """The summary sheet, its drawing and its chart, written by XlsxWriter in memory."""
    buffer = io.BytesIO()
    book = Workbook(buffer, {"in_memory": True})
    # A first sheet takes the selection, so the summary is not selected in the user's book.
    book.add_worksheet("placeholder")
    _write_sheet(book, facts)
    book.close()
    with zipfile.ZipFile(buffer) as scratch:
        strings = []
        if "xl/sharedStrings.xml" in scratch.namelist():
            root = etree.fromstring(scratch.read("xl/sharedStrings.xml"), safe_parser())
            strings = ["".join(t.text or "" for t in si.iter(f"{{{MAIN}}}t"))
                       for si in root.iter(f"{{{MAIN}}}si")]
        return ScratchParts(scratch.read("xl/worksheets/sheet2.xml"),
                            scratch.read("xl/drawings/drawing1.xml"),
                            scratch.read("xl/charts/chart1.xml"),
                            scratch.read("xl/styles.xml"), strings)


def _formats(book: Workbook) -> dict[str, Format]:
    specs: dict[str, dict[str, object]] = {
        "title": {"bold": True, "font_size": 14, "font_color": "#1F4E79"},
        "section": {"bold": True, "font_size": 12, "font_color": "#1F4E79"},
        "header": {"bold": True, "bg_color": "#D9E1F2", "bottom": 1},
        "note": {"italic": True, "font_color": "#595959"},
        # Long texts in column D wrap, so that the sheet prints one page wide.
        "note_wrap": {"italic": True, "font_color": "#595959", "text_wrap": True,
                      "valign": "top"},
        "wrap": {"text_wrap": True, "valign": "top"},
        "share": {"num_format": "0.0%"},
        "index": {"num_format": "0.0", "align": "left"},
        "left": {"align": "left"},
        "bold": {"bold": True},
        "link": {"font_color": "#0563C1", "underline": 1, "valign": "top"},
        "top": {"valign": "top"},
    }
    return {name: book.add_format(spec) for name, spec in specs.items()}


def _write_sheet(book: Workbook, facts: SummaryFacts) -> None:
    sheet = book.add_worksheet(SHEET_NAME)
    # Printed or exported to PDF to be forwarded: landscape, one page wide.
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    f = _formats(book)
    for column, width in enumerate((34, 24, 12, 70)):
        sheet.set_column(column, column, width)
    sheet.write_string(0, 0, SHEET_NAME, f["title"])
    sheet.write_string(1, 0, f"Counts are formulas over the sheet {facts.sheet}: they follow "
                             "edits to the answers. Rewritten by every decider score run.",
                       f["note"])
    sheet.write_string(3, 0, "What was scored", f["section"])
    about = (("File", facts.file), ("Sheet", facts.sheet), ("Header row", facts.header_row),
             ("Scored on", facts.date), ("Decider version", facts.version),
             ("Policy", facts.policy))
    for offset, (label, value) in enumerate(about):
        sheet.write_string(4 + offset, 0, label)
        if isinstance(value, int):
            sheet.write_number(4 + offset, 1, value, f["left"])
        else:
            sheet.write_string(4 + offset, 1, value)
    _counts(sheet, facts, f)
    _chart(book, sheet)
    _group_view(sheet, facts, f)


def _counts(sheet: Worksheet, facts: SummaryFacts, f: dict[str, Format]) -> None:
    """Units and shares per answer: formulas over the scored sheet, values cached."""
    sheet.write_row(_COUNTS_HEADER, 0, ("Answer", "Units", "Share"), f["header"])
    total_row = _FIRST_COUNT + 4
    total_cell = f"$B${total_row + 1}"
    for offset, name in enumerate((*ARCHITECTURES, "Rows with issues")):
        row = _FIRST_COUNT + offset
        if offset < len(ARCHITECTURES):
            formula, value = f'=COUNTIF({facts.recommendation},"{name}")', facts.counts[name]
        else:
            # "?*": any text of one character or more (an empty cell is no issue).
            formula, value = f'=COUNTIF({facts.issues_range},"?*")', facts.issues
        sheet.write_string(row, 0, name)
        sheet.write_formula(row, 1, formula, None, value)
        sheet.write_formula(row, 2, f"=IF({total_cell}=0,0,B{row + 1}/{total_cell})",
                            f["share"], value / facts.scored if facts.scored else 0)
    sheet.write_string(total_row, 0, "Units scored", f["bold"])
    sheet.write_formula(total_row, 1, f"=SUM(B{_FIRST_COUNT + 1}:B{total_row})", f["bold"],
                        facts.scored)
    skipped = total_row + 1
    sheet.write_string(skipped, 0, "Totals rows skipped")
    sheet.write_number(skipped, 1, len(facts.totals_rows))
    if facts.totals_rows:
        shown = ", ".join(map(str, facts.totals_rows[:50]))
        sheet.write_string(skipped, 3, f"rows {shown}"
                           + (" ..." if len(facts.totals_rows) > 50 else ""), f["note"])


def _chart(book: Workbook, sheet: Worksheet) -> None:
    chart = book.add_chart({"type": "column"})
    first, last = _FIRST_COUNT + 1, _FIRST_COUNT + len(ARCHITECTURES)
    name = quoted(SHEET_NAME)
    chart.add_series({
        "name": "Business units",
        "categories": f"={name}!$A${first}:$A${last}",
        "values": f"={name}!$B${first}:$B${last}",
        "points": [{"fill": {"color": COLOURS[a]}} for a in ARCHITECTURES],
        "data_labels": {"value": True},
    })
    chart.set_title({"name": "Business units by architecture"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"min": 0})
    sheet.insert_chart(3, 3, chart, {"y_scale": 0.85})


def _group_view(sheet: Worksheet, facts: SummaryFacts, f: dict[str, Format]) -> None:
    row = _GROUP
    sheet.write_string(row, 0, "Group view", f["section"])
    row += 1
    sheet.write_string(row, 0, "Portfolio index (0 to 100)", f["top"])
    if facts.group_index is not None:
        sheet.write_number(row, 1, round(facts.group_index, 1), f["index"])
    sheet.write_string(row, 3, facts.group_basis, f["note_wrap"])
    _fit_height(sheet, row, facts.group_basis)
    row += 1
    sheet.write_string(row, 0, "Group architecture")
    sheet.write_string(row, 1, facts.group_architecture or "none", f["bold"])
    thresholds = f"by the policy's thresholds: {facts.thresholds}"
    sheet.write_string(row, 3, thresholds, f["note_wrap"])
    _fit_height(sheet, row, thresholds)
    row += 1
    sheet.write_string(row, 0, "The article")
    sheet.write_string(row, 1, facts.article)
    row += 2
    sheet.write_string(row, 0, "Centralized by a mandatory rule", f["section"])
    sheet.write_number(row, 1, facts.mandatory_count, f["left"])
    sheet.write_string(row, 3, "these go on the central platform whatever the group decides",
                       f["note"])
    row = _listing(sheet, row + 1, facts, facts.mandatory, facts.mandatory_count, "Rule", f)
    row += 1
    sheet.write_string(row, 0, "Issues by row", f["section"])
    sheet.write_number(row, 1, facts.issues, f["left"])
    _listing(sheet, row + 1, facts, facts.issue_rows, facts.issues, "Issue", f)


_WRAP_CHARACTERS = 80  # about what column D (width 70) holds on one line
_LINE_POINTS = 15


def _fit_height(sheet: Worksheet, row: int, text: str) -> None:
    """A wrapped text's row as tall as its lines: LibreOffice keeps a row's height as
    stored, and would draw the lines over the next rows."""
    lines = -(-len(text) // _WRAP_CHARACTERS)
    if lines > 1:
        sheet.set_row(row, _LINE_POINTS * lines)


def _listing(sheet: Worksheet, row: int, facts: SummaryFacts, listed: Sequence[Listed],
             total: int, what: str, f: dict[str, Format]) -> int:
    """A header, then one line per listed row: a link to it and its text."""
    if not listed:
        return row
    sheet.write_row(row, 0, ("Row", "Unit", None, what), f["header"])
    for item in listed:
        row += 1
        target = f"{quoted(facts.sheet)}!{facts.first_column}{item.row}"
        sheet.write_url(row, 0, f"internal:{target}", f["link"], f"{facts.sheet} row {item.row}")
        if item.unit:
            sheet.write_string(row, 1, item.unit, f["top"])
        sheet.write_string(row, 3, item.text, f["wrap"])
        _fit_height(sheet, row, item.text)
    if total > len(listed):
        row += 1
        sheet.write_string(row, 0, f"and {total - len(listed)} more", f["note"])
    return row + 1


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
    for _id, kind, target in relationships(package, ""):
        if kind.endswith("/officeDocument") and target in package.names:
            return target.replace("\\", "/")  # a canonical name: PackageEdit maps it back
    return "xl/workbook.xml"


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


def _transplanted_sheet(scratch: ScratchParts, mapping: dict[int, int] | None) -> bytes:
    """The scratch sheet with its text inline (the user's shared strings are not touched)
    and its cell formats renumbered into the user's styles (or dropped)."""
    root = etree.fromstring(scratch.sheet, safe_parser())
    for cell in root.iter(f"{{{MAIN}}}c"):
        style = cell.get("s")
        if style is not None:
            if mapping is None or int(style) not in mapping:
                del cell.attrib["s"]
            else:
                cell.set("s", str(mapping[int(style)]))
        if cell.get("t") == "s":
            value = cell.find(f"{{{MAIN}}}v")
            text = scratch.strings[int(value.text or 0)] if value is not None else ""
            if value is not None:
                cell.remove(value)
            cell.set("t", "inlineStr")
            inline = etree.SubElement(cell, f"{{{MAIN}}}is")
            t = etree.SubElement(inline, f"{{{MAIN}}}t")
            t.text = text
            if text != text.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                standalone=True))


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
