"""Scoring a scored workbook again, as users do after editing inputs (`--in-place` run
after run): the old answers are replaced in their columns, a user's own cells beside them
stay, a cell written without its optional `r` (some exporters omit it) keeps its place,
and nothing else changes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl

from decider.batch import score_workbook

HEADERS = ("Business unit", "Headcount", "AI maturity", "Regulation", "AI budget")
ROWS = (
    ("Payments", 4200, "Mature", "Finance", "€6M"),
    ("Retail EU", 380, "POC", "Light", "€300k"),
    ("Logistics", 900, "Scale-up", "Medium", "€2.5M"),
    ("Marketing", 60, "POC", "Light", "€150k"),
)


def portfolio(path: Path, headers: tuple[str, ...] = HEADERS,
              rows: tuple[tuple[object, ...], ...] = ROWS) -> Path:
    """A "Portfolio" sheet as openpyxl writes it: `headers` on row 1, then `rows`."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Portfolio"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("xl/worksheets/sheet1.xml")


def cell_columns(row: bytes) -> list[int]:
    """The column of each cell of a row's XML, a cell without `r` taking the one after
    the cell before it (as Excel places it)."""
    places, column = [], 0
    for cell in re.finditer(rb"<c(?=[\s/>])([^>]*)>", row):
        reference = re.search(rb'\br="([A-Z]+)\d+"', cell.group(1))
        column = (openpyxl.utils.column_index_from_string(reference.group(1).decode())
                  if reference else column + 1)
        places.append(column)
    return places


def with_sheet_xml(source: Path, target: Path, xml: bytes) -> None:
    """A copy of `source` whose first sheet is `xml` (a hand edit, as another tool makes)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, xml if info.filename == "xl/worksheets/sheet1.xml" else data)


def columns_by_header(path: Path) -> dict[str, int]:
    sheet = openpyxl.load_workbook(path)["Portfolio"]
    return {cell.value: cell.column for cell in sheet[1] if isinstance(cell.value, str)}


def test_scoring_a_scored_workbook_again_changes_nothing(tmp_path: Path) -> None:
    scored = tmp_path / "scored.xlsx"
    score_workbook(portfolio(tmp_path / "p.xlsx"), scored)
    again = tmp_path / "again.xlsx"
    score_workbook(scored, again)
    assert sheet_xml(again) == sheet_xml(scored)
    with zipfile.ZipFile(scored) as first, zipfile.ZipFile(again) as second:
        assert first.read("xl/sharedStrings.xml") == second.read("xl/sharedStrings.xml")


def test_old_answers_are_replaced_and_a_user_s_cells_beside_them_stay(
        tmp_path: Path) -> None:
    scored = tmp_path / "scored.xlsx"
    score_workbook(portfolio(tmp_path / "p.xlsx"), scored)
    columns = columns_by_header(scored)
    xml = sheet_xml(scored)
    # Row 3: the headcount cell and the old Recommendation cell lose their optional
    # `r` (each follows its left neighbour, so their places are unchanged).
    recommendation = openpyxl.utils.get_column_letter(columns["Recommendation"])
    assert columns["Recommendation"] == len(HEADERS) + 1
    for ref in (b"B3", recommendation.encode() + b"3"):
        xml, found = re.subn(rb'<c r="' + ref + b'"', b"<c", xml)
        assert found == 1
    # Row 4: a note typed right of decider's columns; row 5: now under DORA, so its
    # answer must change (Finance is Centralized whatever the index).
    note_column = max(columns.values()) + 2
    note_ref = openpyxl.utils.get_column_letter(note_column) + "4"
    xml = xml.replace(b"</row><row r=\"5\"",
                      b'<c r="' + note_ref.encode() + b'" t="inlineStr"><is><t>keep me'
                      b"</t></is></c></row><row r=\"5\"", 1)
    xml, found = re.subn(rb'(<c r="D5")[^>]*>.*?</c>',
                         rb'\1 t="inlineStr"><is><t>DORA</t></is></c>', xml, count=1)
    assert found == 1
    edited = tmp_path / "edited.xlsx"
    with_sheet_xml(scored, edited, xml)
    before = openpyxl.load_workbook(edited)["Portfolio"]
    assert before.cell(5, columns["Recommendation"]).value != "Centralized"

    rescored = tmp_path / "rescored.xlsx"
    score_workbook(edited, rescored)
    sheet = openpyxl.load_workbook(rescored)["Portfolio"]
    assert columns_by_header(rescored) == columns
    assert [sheet.cell(row, 2).value for row in range(2, 6)] == [r[1] for r in ROWS]
    assert sheet[note_ref].value == "keep me"
    row_3 = re.search(rb'<row r="3".*?</row>', sheet_xml(rescored)).group(0)
    places = cell_columns(row_3)  # one cell a column, in order: none doubled
    assert places == sorted(set(places))
    assert places == list(range(1, len(columns) + 1))  # every column of the table
    assert sheet.cell(5, columns["Recommendation"]).value == "Centralized"
    assert "regulation 'DORA' ➜ Finance" in sheet.cell(5, columns["Rationale"]).value
    # The other rows' answers are what they were.
    for row in range(2, 5):
        for name in ("Recommendation", "Rationale", "What would change it"):
            assert (sheet.cell(row, columns[name]).value
                    == before.cell(row, columns[name]).value), (row, name)
