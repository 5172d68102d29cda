"""The scored workbook a CTO opens (issue 9, items 1, 2 and 4): decider's answers
formatted (number formats, colours, widths), an Excel table grown to hold them, and
decider's texts in the shared-strings table. Each file is checked by `assert_lossless`
(which names every part that may change) and read back by openpyxl, and by LibreOffice
where marked."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from lxml import etree
from test_lossless import (
    HEADER_ROW,
    HEADERS,
    LAST_ROW,
    SAFE_PARSER,
    UNITS,
    assert_lossless,
    build_openpyxl_workbook,
    column_letters,
    members,
    q,
    run_score,
    sheet_part,
    summary_parts,
)

from decider.batch import score_workbook
from decider.workbook.answers.scored import HIGHLIGHTS

RECOMMENDATION_VALUES = ("Centralized", "Hybrid", "Decentralized")


def score(source: Path, output: Path, *extra: str) -> str:
    completed = run_score(source, "-o", output, *extra)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def result_columns(path: Path, sheet: str = "Portfolio", header_row: int = HEADER_ROW
                   ) -> dict[str, int]:
    workbook = openpyxl.load_workbook(path)
    row = workbook[sheet][header_row]
    return {cell.value: cell.column for cell in row if isinstance(cell.value, str)}


def sheet_xml(path: Path, sheet: str = "Portfolio") -> bytes:
    parts = members(path)
    return parts[sheet_part(parts, sheet)]


def highlight_blocks(xml: bytes) -> list[etree._Element]:
    """The sheet's conditional formats that colour the three architectures."""
    root = etree.fromstring(xml, SAFE_PARSER)
    found = []
    for block in root.iter(q("conditionalFormatting", root)):
        formulas = {f.text for f in block.iter(q("formula", root))}
        if {f'"{v}"' for v in RECOMMENDATION_VALUES} <= formulas:
            found.append(block)
    return found


def xlsxwriter_portfolio(path: Path, *, table: bool = False, totals: bool = False,
                         right_of_table: bool = False, constant_memory: bool = False,
                         column_style: bool = False, plain: bool = False) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    sheet = workbook.add_worksheet("Portfolio")
    if column_style:  # a look given to whole columns, decider's future ones included
        sheet.set_column("A:Z", 14, workbook.add_format({"font_color": "#1F3864"}))
    header_format = None if plain else workbook.add_format({"bold": True,
                                                             "bg_color": "#DDEBF7"})
    sheet.write_row(HEADER_ROW - 1, 0, HEADERS, header_format)
    for offset, unit in enumerate(UNITS):
        sheet.write_row(HEADER_ROW + offset, 0, unit)
    last = LAST_ROW - 1 + (1 if totals else 0)
    if table:
        columns = [{"header": h} for h in HEADERS]
        if totals:
            columns[0]["total_string"] = "Total"
            columns[-1]["total_function"] = "sum"
        sheet.add_table(HEADER_ROW - 1, 0, last, len(HEADERS) - 1, {
            "name": "Units", "columns": columns, "total_row": totals})
    if right_of_table:
        sheet.write(0, len(HEADERS) + 1, "Reviewed in March")
    workbook.close()
    return path


# -- 1. answers formatted ------------------------------------------------------------------


def test_index_and_confidence_get_number_formats_and_headers_keep_their_style(
        tmp_path: Path) -> None:
    source = xlsxwriter_portfolio(tmp_path / "p.xlsx")
    output = tmp_path / "scored.xlsx"
    score(source, output)
    written = assert_lossless(source, output, "Portfolio")
    sheet = openpyxl.load_workbook(output)["Portfolio"]
    index, confidence = (written.columns[h] for h in ("Centralization index", "Confidence"))
    numbers = 0
    for row in range(HEADER_ROW + 1, LAST_ROW + 1):
        if isinstance(sheet.cell(row, index).value, float):
            numbers += 1
            assert sheet.cell(row, index).number_format == "0.0"
            assert sheet.cell(row, confidence).number_format == "0%"
            assert sheet.cell(row, written.columns["Recommendation"]).number_format == "General"
    assert numbers >= 5
    header = sheet.cell(HEADER_ROW, written.columns["Recommendation"])
    last_input_header = sheet.cell(HEADER_ROW, len(HEADERS))
    assert header.font.b and header.fill.fgColor.rgb == last_input_header.fill.fgColor.rgb
    rationale = sheet.cell(HEADER_ROW + 1, written.columns["Rationale"])
    assert not rationale.alignment.wrap_text
    widths = {h: sheet.column_dimensions[column_letters(c)].width
              for h, c in written.columns.items()}
    assert widths["Rationale"] >= 60 and widths["Recommendation"] >= len("Recommendation")
    assert widths["Centralization index"] >= len("Centralization index")


def test_recommendations_are_coloured_once_in_the_template_palette(tmp_path: Path) -> None:
    source = xlsxwriter_portfolio(tmp_path / "p.xlsx")
    # Same names: the summary sheet says which file it scored.
    first, second = tmp_path / "1" / source.name, tmp_path / "2" / source.name
    first.parent.mkdir(), second.parent.mkdir()
    score(source, first)
    score(first, second)
    assert second.read_bytes() == first.read_bytes()
    blocks = highlight_blocks(sheet_xml(second))
    assert len(blocks) == 1
    column = column_letters(result_columns(second)["Recommendation"])
    assert blocks[0].get("sqref") == f"{column}{HEADER_ROW + 1}:{column}{LAST_ROW}"
    styles = etree.fromstring(members(second)["xl/styles.xml"], SAFE_PARSER)
    dxfs = list(styles.find(q("dxfs", styles)))
    for rule in blocks[0]:
        value = rule.find(q("formula", rule)).text.strip('"')
        dxf = dxfs[int(rule.get("dxfId"))]
        fill = dxf.find(f"{q('fill')}/{q('patternFill')}/{q('bgColor')}").get("rgb")
        assert fill == "FF" + HIGHLIGHTS[value].fill
        assert rule.get("type") == "cellIs" and rule.get("operator") == "equal"
    # openpyxl reads the same rules: Excel's model of them.
    rules = openpyxl.load_workbook(second)["Portfolio"].conditional_formatting
    assert sum(len(r.rules) for r in rules) == 3


def test_the_colours_are_the_template_s() -> None:
    from decider.template.workbook import COLOURS

    assert {name: ("#" + h.fill, "#" + h.font) for name, h in HIGHLIGHTS.items()} == COLOURS


def test_conditional_format_goes_where_the_schema_puts_it(tmp_path: Path) -> None:
    """After mergeCells and the other conditional formats, before dataValidations,
    hyperlinks and the rest (CT_Worksheet's order; Excel repairs a file otherwise)."""
    source = tmp_path / "portfolio.xlsx"
    build_openpyxl_workbook(source)
    output = tmp_path / "scored.xlsx"
    score(source, output)
    assert_lossless(source, output, "Portfolio")
    root = etree.fromstring(sheet_xml(output), SAFE_PARSER)
    order = [etree.QName(child).localname for child in root]
    ours = order.index("conditionalFormatting") + len(
        [n for n in order if n == "conditionalFormatting"]) - 1
    assert order[ours] == "conditionalFormatting"
    schema = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData",
              "mergeCells", "conditionalFormatting", "dataValidations", "hyperlinks",
              "printOptions", "pageMargins", "pageSetup", "headerFooter", "drawing",
              "legacyDrawing", "tableParts", "extLst"]
    positions = [schema.index(name) for name in order]
    assert positions == sorted(positions), order


def test_a_col_range_over_decider_s_columns_is_split_and_new_cells_keep_its_look(
        tmp_path: Path) -> None:
    source = xlsxwriter_portfolio(tmp_path / "p.xlsx", column_style=True)
    output = tmp_path / "scored.xlsx"
    score(source, output)
    written = assert_lossless(source, output, "Portfolio")  # other columns keep their look
    sheet = openpyxl.load_workbook(output)["Portfolio"]
    index = written.columns["Centralization index"]
    cell = sheet.cell(HEADER_ROW + 1, index)
    assert cell.number_format == "0.0"
    assert cell.font.color.rgb == "FF1F3864"  # the column's font, kept
    root = etree.fromstring(sheet_xml(output), SAFE_PARSER)
    spans = [(int(c.get("min")), int(c.get("max"))) for c in root.iter(q("col", root))]
    covered = [column for first, last in spans for column in range(first, last + 1)]
    assert covered == list(range(1, 27))  # still A:Z, each column once, in order
    assert (index, index) in spans


def test_a_workbook_without_styles_gets_a_minimal_valid_stylesheet(tmp_path: Path) -> None:
    plain = xlsxwriter_portfolio(tmp_path / "plain.xlsx", constant_memory=True, plain=True)
    source = tmp_path / "no_styles.xlsx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(source, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/styles.xml":
                continue
            if info.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override PartName="/xl/styles.xml"[^>]*/>', b"", data)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = re.sub(rb'<Relationship [^>]*Target="styles.xml"/>', b"", data)
            assert b' s="' not in data or not info.filename.startswith("xl/worksheets")
            new.writestr(info, data)
    output = tmp_path / "scored.xlsx"
    score(source, output)
    assert_lossless(source, output, "Portfolio")
    parts = members(output)
    assert [n for n in parts if n not in summary_parts(parts)][-2:] == [
        "xl/styles.xml", "xl/sharedStrings.xml"]
    assert b'PartName="/xl/styles.xml"' in parts["[Content_Types].xml"]
    sheet = openpyxl.load_workbook(output)["Portfolio"]
    columns = result_columns(output)
    assert sheet.cell(HEADER_ROW + 1, columns["Centralization index"]).number_format == "0.0"


# -- 2. the table grown --------------------------------------------------------------------


def test_a_table_with_a_totals_row_grows_to_hold_the_answers(tmp_path: Path) -> None:
    source = xlsxwriter_portfolio(tmp_path / "p.xlsx", table=True, totals=True)
    output = tmp_path / "1" / source.name  # the name the summary sheet shows, twice
    output.parent.mkdir()
    stdout = score(source, output)
    assert "table Units grown" in stdout
    written = assert_lossless(source, output, "Portfolio")  # names == header cells
    table = etree.fromstring(members(output)["xl/tables/table1.xml"], SAFE_PARSER)
    last = column_letters(max(written.columns.values()))
    totals_row = LAST_ROW + 1
    assert table.get("ref") == f"A{HEADER_ROW}:{last}{totals_row}"
    assert table.get("totalsRowCount") == "1"  # the totals row is still the last row
    assert table.find(q("autoFilter", table)).get("ref") == f"A{HEADER_ROW}:{last}{LAST_ROW}"
    names = [c.get("name") for c in table.find(q("tableColumns", table))]
    assert names == [*HEADERS, "Recommendation", "Centralization index", "Confidence",
                     "Decider issues", "What would change it", "Rationale"]
    ids = [c.get("id") for c in table.find(q("tableColumns", table))]
    assert len(set(ids)) == len(ids)
    for column in written.columns.values():  # the new columns' totals cells stay empty
        assert (totals_row, column) not in written.sheet.cells
    workbook = openpyxl.load_workbook(output)
    assert workbook["Portfolio"].tables["Units"].ref == table.get("ref")
    again = tmp_path / "2" / source.name
    again.parent.mkdir()
    score(output, again)
    assert again.read_bytes() == output.read_bytes()


def test_a_table_with_content_right_of_it_is_not_grown_and_the_summary_says_so(
        tmp_path: Path) -> None:
    source = xlsxwriter_portfolio(tmp_path / "p.xlsx", table=True, right_of_table=True)
    output = tmp_path / "scored.xlsx"
    text = score(source, output)
    assert "table Units not grown (column H holds content right of it)" in text
    assert_lossless(source, output, "Portfolio")
    assert members(output)["xl/tables/table1.xml"] == members(source)["xl/tables/table1.xml"]
    summary = score_workbook(source, tmp_path / "again.xlsx").to_dict()
    assert summary["table"].startswith("table Units not grown")


def test_the_template_s_table_keeps_its_columns_and_colours(tmp_path: Path) -> None:
    """The template's Portfolio table already holds result columns: those stay as they
    are (no second Recommendation colouring either); only a result column the template
    lacks is added to the table, right of it. A second run changes nothing."""
    template = tmp_path / "template.xlsx"
    made = subprocess.run([sys.executable, "-m", "decider", "template", "-o", str(template),
                           "--formulas", "none"], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    filled = tmp_path / "filled.xlsx"
    workbook = openpyxl.load_workbook(template)  # to CREATE an input: a user typing in
    portfolio = workbook.worksheets[0]
    for offset, unit in enumerate(UNITS[:4]):
        for column, value in enumerate(unit, start=1):
            portfolio.cell(2 + offset, column, value)
    workbook.save(filled)
    output, again = tmp_path / "1" / filled.name, tmp_path / "2" / filled.name
    output.parent.mkdir(), again.parent.mkdir()
    score(filled, output)
    score(output, again)
    assert again.read_bytes() == output.read_bytes()
    written = assert_lossless(filled, output, portfolio.title)  # a grown table is checked
    before, after = members(filled), members(output)
    sheet = sheet_part(before, portfolio.title)
    assert len(highlight_blocks(after[sheet])) == len(highlight_blocks(before[sheet])) == 1
    table_part = next(n for n in before if n.startswith("xl/tables/")
                      and b'name="Portfolio"' in before[n])
    old_table, new_table = (etree.fromstring(p[table_part], SAFE_PARSER)
                            for p in (before, after))
    old_names = [c.get("name") for c in old_table.find(q("tableColumns", old_table))]
    new_names = [c.get("name") for c in new_table.find(q("tableColumns", new_table))]
    assert new_names[:len(old_names)] == old_names
    assert set(new_names[len(old_names):]) == set(written.columns) - set(old_names)
    if set(written.columns) <= set(old_names):
        assert after[table_part] == before[table_part]


# -- 4. compact: shared strings ------------------------------------------------------------


def test_text_goes_to_shared_strings_appended_and_reused(tmp_path: Path) -> None:
    source = xlsxwriter_portfolio(tmp_path / "p.xlsx")
    output = tmp_path / "scored.xlsx"
    score(source, output)
    assert_lossless(source, output, "Portfolio")  # old entries kept, counts right
    xml = sheet_xml(output)
    assert b"inlineStr" not in xml
    old = etree.fromstring(members(source)["xl/sharedStrings.xml"], SAFE_PARSER)
    new = etree.fromstring(members(output)["xl/sharedStrings.xml"], SAFE_PARSER)
    texts = ["".join(si.itertext()) for si in new]
    added = texts[len(old):]
    assert len(added) == len(set(added)), "a text was appended twice"
    assert {"Recommendation", "Hybrid", "Centralized"} <= set(added)


def test_a_workbook_without_shared_strings_gets_a_table(tmp_path: Path) -> None:
    source = xlsxwriter_portfolio(tmp_path / "p.xlsx", constant_memory=True)
    assert "xl/sharedStrings.xml" not in members(source)
    output = tmp_path / "scored.xlsx"
    score(source, output)
    assert_lossless(source, output, "Portfolio")
    parts = members(output)
    assert [n for n in parts if n not in summary_parts(parts)][-1] == "xl/sharedStrings.xml"
    assert b'PartName="/xl/sharedStrings.xml"' in parts["[Content_Types].xml"]
    assert b'Target="sharedStrings.xml"' in parts["xl/_rels/workbook.xml.rels"]
    sst = etree.fromstring(parts["xl/sharedStrings.xml"], SAFE_PARSER)
    sheet = openpyxl.load_workbook(output)["Portfolio"]
    columns = result_columns(output)
    assert sheet.cell(HEADER_ROW, columns["Rationale"]).value == "Rationale"
    shared_cells = sheet_xml(output).count(b' t="s"')
    assert int(sst.get("count")) == shared_cells and int(sst.get("uniqueCount")) == len(sst)


def test_shared_strings_before_the_sheet_still_get_the_right_count(tmp_path: Path) -> None:
    """LibreOffice and others may store sharedStrings.xml before the sheet: its `count`
    must then be known before the sheet is written (a re-run replaces decider's cells)."""
    plain = xlsxwriter_portfolio(tmp_path / "plain.xlsx")
    first = tmp_path / "first.xlsx"
    score(plain, first)
    source = tmp_path / "reordered.xlsx"
    with zipfile.ZipFile(first) as old, zipfile.ZipFile(source, "w",
                                                        zipfile.ZIP_DEFLATED) as new:
        infos = sorted(old.infolist(), key=lambda i: i.filename != "xl/sharedStrings.xml")
        for info in infos:
            new.writestr(info, old.read(info))
    output = tmp_path / "scored.xlsx"
    score(source, output)
    assert_lossless(source, output, "Portfolio")  # count == the cells showing a string
    assert members(output)["xl/sharedStrings.xml"] == members(source)["xl/sharedStrings.xml"]


@pytest.mark.libreoffice
def test_libreoffice_reads_the_scored_texts_and_numbers(
        tmp_path: Path, lo_convert: Callable[..., Path]) -> None:
    source = xlsxwriter_portfolio(tmp_path / "p.xlsx", constant_memory=True, table=False)
    output = tmp_path / "scored.xlsx"
    score(source, output)
    exported = lo_convert(output, "csv:Text - txt - csv (StarCalc):44,34,76")  # UTF-8
    rows = list(csv.reader(exported.read_text("utf-8").splitlines()))
    first = len(HEADERS)
    assert rows[HEADER_ROW - 1][first:first + 6] == [
        "Recommendation", "Centralization index", "Confidence", "Decider issues",
        "What would change it", "Rationale"]
    body = [row for row in rows[HEADER_ROW:] if len(row) > first]
    assert {"Centralized", "Hybrid", "Decentralized"} <= {row[first] for row in body}
    assert any(re.fullmatch(r"\d+%", row[first + 2]) for row in body), body
    assert any(re.fullmatch(r"\d+\.\d", row[first + 1]) for row in body), body
