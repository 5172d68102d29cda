"""The "Decider summary" sheet, its drawing and its native chart, written by XlsxWriter
into a scratch workbook in memory (so no chart XML is written by hand); `summary`
transplants the parts into the user's package."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from decider.workbook.package.opening import safe_parser
from decider.workbook.package.stylemerge import MAIN
from decider.workbook.summary.changes import HORIZONS
from decider.workbook.summary.facts import (
    ARCHITECTURES,
    COLOURS,
    SHEET_NAME,
    Listed,
    SummaryFacts,
    quoted,
)

# Where things are on the summary sheet (0-based rows, as XlsxWriter counts).
_COUNTS_HEADER = 11
_FIRST_COUNT = _COUNTS_HEADER + 1  # Centralized, Hybrid, Decentralized, issues, total
_GROUP = _FIRST_COUNT + 10


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
        "index": {"num_format": "0.0", "align": "left", "valign": "top"},
        "left": {"align": "left"},
        "bold": {"bold": True},
        "link": {"font_color": "#0563C1", "underline": 1, "valign": "top"},
        "top": {"valign": "top"},
        "count_top": {"align": "left", "valign": "top"},
        "bold_top": {"bold": True, "align": "left", "valign": "top"},
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
    names = ", ".join(s.name for s in facts.sheets)
    plural = "s" if len(facts.sheets) != 1 else ""
    sheet.write_string(1, 0, f"Counts are formulas over the sheet{plural} {names}: they "
                             "follow edits to the answers. Rewritten by every decider score "
                             "run.", f["note"])
    sheet.write_string(3, 0, "What was scored", f["section"])
    header_rows: str | int = (facts.sheets[0].header_row if len(facts.sheets) == 1 else
                              "; ".join(f"{s.name}: {s.header_row}" for s in facts.sheets))
    about = (("File", facts.file), (f"Sheet{plural}", names), ("Header row", header_rows),
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
            formula = "=" + "+".join(f'COUNTIF({s.recommendation},"{name}")'
                                     for s in facts.sheets)
            value = facts.counts[name]
        else:
            # "?*": any text of one character or more (an empty cell is no issue).
            formula = "=" + "+".join(f'COUNTIF({s.issues_range},"?*")' for s in facts.sheets)
            value = facts.issues
        sheet.write_string(row, 0, name)
        sheet.write_formula(row, 1, formula, None, value)
        sheet.write_formula(row, 2, f"=IF({total_cell}=0,0,B{row + 1}/{total_cell})",
                            f["share"], value / facts.scored if facts.scored else 0)
    sheet.write_string(total_row, 0, "Units scored", f["bold"])
    sheet.write_formula(total_row, 1, f"=SUM(B{_FIRST_COUNT + 1}:B{total_row})", f["bold"],
                        facts.scored)
    sheet.write_string(total_row, 3, "the units answered plus those with issues", f["note"])
    kinds = (("Rows with no inputs", "no_input_rows"), ("Totals rows skipped", "totals_rows"),
             ("Example rows skipped", "example_rows"))
    for offset, (label, name) in enumerate(kinds, start=1):
        row = total_row + offset
        sheet.write_string(row, 0, label)
        per_sheet = [(s.name, getattr(s, name)) for s in facts.sheets]
        sheet.write_number(row, 1, sum(len(rows) for _n, rows in per_sheet))
        shown = "; ".join(f"{n}: {_rows_text(rows)}" if len(per_sheet) > 1
                          else _rows_text(rows) for n, rows in per_sheet if rows)
        if shown:
            sheet.write_string(row, 3, shown, f["note"])


def _rows_text(rows: Sequence[int]) -> str:
    """ "row 14", "rows 14, 30" (the first fifty)."""
    shown = ", ".join(map(str, rows[:50])) + (" ..." if len(rows) > 50 else "")
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}"


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
    row += 1
    sheet.write_string(row, 0, "Robust units")
    sheet.write_number(row, 1, facts.robust_count, f["left"])
    sheet.write_string(row, 3, "no single input changes their answer"
                       + _per_sheet(facts, [s.robust for s in facts.sheets]), f["note"])
    row = _changes_view(sheet, row + 2, facts, f) + 1
    sheet.write_string(row, 0, "Centralized by a mandatory rule", f["section"])
    sheet.write_number(row, 1, facts.mandatory_count, f["left"])
    sheet.write_string(row, 3, "these go on the central platform whatever the group decides",
                       f["note"])
    row = _listing(sheet, row + 1, facts, facts.mandatory, facts.mandatory_count, "Rule", f)
    row += 1
    sheet.write_string(row, 0, "Issues by row", f["section"])
    sheet.write_number(row, 1, facts.issues, f["left"])
    row = _listing(sheet, row + 1, facts, facts.issue_rows, facts.issues, "Issue", f)
    if facts.no_inputs_count:
        row += 1
        sheet.write_string(row, 0, "Rows with no inputs", f["section"])
        sheet.write_number(row, 1, facts.no_inputs_count, f["left"])
        sheet.write_string(row, 3, "a label or a note and no input at all: no answer, no "
                                   "issue", f["note"])
        row = _listing(sheet, row + 1, facts, facts.no_input_rows, facts.no_inputs_count,
                       "Note", f)
    if len(facts.sheets) > 1:
        _by_sheet(sheet, row + 1, facts, f)


def _per_sheet(facts: SummaryFacts, counts: list[int]) -> str:
    """ "(Portfolio 3, APAC 1)" when several sheets were scored, else nothing."""
    if len(facts.sheets) < 2:
        return ""
    return " (" + ", ".join(f"{s.name} {n}" for s, n in zip(facts.sheets, counts,
                                                            strict=True)) + ")"


def _changes_view(sheet: Worksheet, row: int, facts: SummaryFacts, f: dict[str, Format]
                  ) -> int:
    """The close calls and the roadmap (section 12), each counted and listed with links;
    returns the row after them."""
    sheet.write_string(row, 0, "Close calls", f["section"])
    sheet.write_number(row, 1, facts.close_count, f["left"])
    sheet.write_string(row, 3, "a size or budget change within 10% changes the answer"
                       + _per_sheet(facts, [s.close_calls for s in facts.sheets]), f["note"])
    row = _listing(sheet, row + 1, facts, facts.close_calls, facts.close_count,
                   "What would change it", f) + 1
    sheet.write_string(row, 0, "Roadmap", f["section"])
    sheet.write_string(row, 3, "answers that change as practice grows, all else kept",
                       f["note"])
    for position, months in enumerate(HORIZONS):
        row += 1
        sheet.write_string(row, 0, f"Changing within {months} months")
        sheet.write_number(row, 1, facts.horizon_counts[position], f["left"])
        shown = _per_sheet(facts, [s.horizons[position] for s in facts.sheets])
        if shown:
            sheet.write_string(row, 3, shown.strip(" ()"), f["note"])
    return _listing(sheet, row + 1, facts, facts.roadmap, facts.horizon_counts[-1],
                    "When, as practice grows", f)


def _by_sheet(sheet: Worksheet, row: int, facts: SummaryFacts, f: dict[str, Format]) -> None:
    """One line per scored sheet, then the total (the group view above is over all of
    them): the units scored, and the rows in words that add up."""
    from decider.score_summary import rows_line

    sheet.write_string(row, 0, "By sheet", f["section"])
    row += 1
    sheet.write_row(row, 0, ("Sheet", "Units scored", None, "Rows"), f["header"])
    lines = [(item.name, item.scored,
              rows_line(item.counts, item.issues, len(item.no_input_rows),
                        len(item.totals_rows), len(item.example_rows)), f["count_top"])
             for item in facts.sheets]
    lines.append(("In total", facts.scored,
                  rows_line(facts.counts, facts.issues, facts.no_inputs_count,
                            facts.totals_count, facts.examples_count), f["bold_top"]))
    for name, scored, text, look in lines:
        row += 1
        sheet.write_string(row, 0, name, look)
        sheet.write_number(row, 1, scored, look)
        sheet.write_string(row, 3, text, f["note_wrap"])
        _fit_height(sheet, row, text)


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
        target = f"{quoted(item.sheet)}!A{item.row}"
        sheet.write_url(row, 0, f"internal:{target}", f["link"], f"{item.sheet} row {item.row}")
        if item.unit:
            sheet.write_string(row, 1, item.unit, f["top"])
        sheet.write_string(row, 3, item.text, f["wrap"])
        _fit_height(sheet, row, item.text)
    if total > len(listed):
        row += 1
        sheet.write_string(row, 0, f"and {total - len(listed)} more", f["note"])
    return row + 1
