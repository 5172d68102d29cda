"""`score_workbook` and `score_rows`: finding the sheet, header and columns, what is
written where, refusals, outputs; on workbooks written by XlsxWriter and openpyxl and read
back with openpyxl (an independent reader)."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from decider import recommend, score_rows, score_workbook
from decider.changes import changes_text
from decider.errors import DeciderInputError

RESULTS = ("Recommendation", "Centralization index", "Confidence", "Decider issues",
           "What would change it", "Rationale")
UNITS = [
    ("Retail", 4200, "Mature", "banking", "2,5 M€"),
    ("Lab", 40, "POC", "Light", "300k"),
    ("Ops", "300", "Scale-up", "Medium", 2_500_000),
    ("Typo", 120, "Scael-up", "Medium", "1M"),
    ("Named only", None, None, None, None),
]


def portfolio(path: Path, rows: Sequence[Sequence[Any]] = UNITS, *, title_rows: int = 2,
              headers: Sequence[str] = ("Business unit", "Headcount", "AI maturity",
                                        "Sector", "AI budget"),
              sheets: Sequence[str] = ("Portfolio",)) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name in sheets[:-1]:
        book.add_worksheet(name).write(0, 0, "Read me first")
    sheet = book.add_worksheet(sheets[-1])
    bold = book.add_format({"bold": True})
    for number in range(title_rows):
        sheet.write(number, 0, f"Title line {number + 1}")
    sheet.write_row(title_rows, 0, headers, bold)
    for offset, row in enumerate(rows, start=title_rows + 1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(offset, column, value)  # "=..." stays text
            elif value is not None:
                sheet.write(offset, column, value)
    book.close()
    return path


def cells(path: Path, sheet: str = "Portfolio") -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path)
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


def test_finds_header_below_titles_and_columns_by_their_words(tmp_path: Path) -> None:
    summary = score_workbook(portfolio(tmp_path / "p.xlsx"))
    assert summary.output == tmp_path / "p.scored.xlsx"
    assert (summary.sheet, summary.header_row) == ("Portfolio", 3)
    assert summary.columns == {"size": "Headcount (B)", "maturity": "AI maturity (C)",
                               "regulation": "Sector (D)", "budget": "AI budget (E)"}
    table = cells(summary.output)
    assert table[2][5:11] == RESULTS
    for unit, row in zip(UNITS[:3], table[3:6], strict=True):
        expected = recommend(*unit[1:])
        assert row[5] == expected.architecture
        assert row[6] == pytest.approx(expected.index, abs=0.05)
        assert row[7] == pytest.approx(expected.confidence, abs=0.005)
        assert row[10] == expected.explanation
        assert row[8] is None
        assert row[9] == changes_text(expected)
    # "Named only" has a label and no input at all: no answer, no issue, counted (§10).
    assert summary.rows == 4 and summary.issues == 1 and summary.no_input_rows == (8,)
    assert summary.counts == {"Centralized": 1, "Hybrid": 1, "Decentralized": 1}


def test_an_undecidable_row_gets_its_reason_and_no_recommendation(tmp_path: Path) -> None:
    table = cells(score_workbook(portfolio(tmp_path / "p.xlsx")).output)
    typo, named_only = table[6], table[7]
    assert typo[5] is None and "Scael-up" in typo[8]
    assert named_only[0] == "Named only" and named_only[5:11] == (None,) * 6


def test_first_recognised_sheet_is_chosen_and_sheet_option_must_exist(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx", sheets=("Read me", "Units"))
    assert score_workbook(source).sheet == "Units"
    with pytest.raises(DeciderInputError, match=r"'Nope'.*'Read me', 'Units'"):
        score_workbook(source, tmp_path / "o.xlsx", sheet="Nope")


def test_missing_required_column_lists_the_headers_seen(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx", headers=("Unit", "Staff", "Maturity", "Industry",
                                                     "Owner"))
    with pytest.raises(DeciderInputError) as caught:
        score_workbook(source)
    message = caught.value.one_line
    assert "budget" in message and "E 'Owner'" in message and "B 'Staff'" in message
    assert not (tmp_path / "p.scored.xlsx").exists()


def test_column_option_takes_a_header_or_a_letter(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx", headers=("Unit", "People", "Maturity", "Pressure",
                                                     "Money"))
    summary = score_workbook(source, columns={"size": "People", "regulation": "D",
                                              "budget": "money"})
    assert summary.columns["regulation"] == "Pressure (D)"
    assert cells(summary.output)[3][5] == "Centralized"


def test_scoring_twice_gives_the_same_file(tmp_path: Path) -> None:
    # The same name twice: the summary sheet shows the name of the file it scored.
    (tmp_path / "1").mkdir(), (tmp_path / "2").mkdir()
    first = score_workbook(portfolio(tmp_path / "p.xlsx"), tmp_path / "1" / "p.xlsx").output
    assert first is not None
    second = score_workbook(first, tmp_path / "2" / "p.xlsx").output
    assert second is not None and first.read_bytes() == second.read_bytes()


def test_existing_result_columns_are_reused_where_they_are(tmp_path: Path) -> None:
    headers = ("Business unit", "Recommendation", "Headcount", "AI maturity", "Sector",
               "AI budget")
    rows = [(u[0], "stale", *u[1:]) for u in UNITS[:3]]
    summary = score_workbook(portfolio(tmp_path / "p.xlsx", rows, headers=headers))
    assert summary.written["Recommendation"] == "B"
    assert summary.written["Centralization index"] == "G"
    table = cells(summary.output)
    assert [row[1] for row in table[3:6]] == ["Centralized", "Decentralized", "Hybrid"]
    assert table[2][6:11] == RESULTS[1:]


def test_formulas_in_result_columns_mean_the_workbook_computes_its_answers(tmp_path: Path
                                                                           ) -> None:
    source = tmp_path / "native.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("Portfolio")
    sheet.write_row(0, 0, ("Unit", "Size", "Maturity", "Regulation", "Budget",
                           "Recommendation"))
    sheet.write_row(1, 0, UNITS[0])
    sheet.write_formula(1, 5, '=IF(B2>500,"Centralized","Hybrid")', None, "Centralized")
    book.close()
    with pytest.raises(DeciderInputError, match="computes its own answers: F2"):
        score_workbook(source)
    assert not (tmp_path / "native.scored.xlsx").exists()
    written = score_workbook(source, overwrite=True).output
    assert written is not None
    with zipfile.ZipFile(written) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_merged_cells_in_the_way_are_named_and_left_alone(tmp_path: Path) -> None:
    source = tmp_path / "merged.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Portfolio"
    sheet.append(["Unit", "Size", "Maturity", "Regulation", "Budget", "Recommendation",
                  "Rationale"])
    sheet.append(list(UNITS[0]))
    sheet.merge_cells("F2:G2")
    book.save(source)
    with pytest.raises(DeciderInputError, match=r"F2 \(merged F2:G2\)"):
        score_workbook(source)
    assert score_workbook(source, overwrite=True).rows == 1


def test_in_place_keeps_a_backup_first(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    original = source.read_bytes()
    summary = score_workbook(source, in_place=True)
    assert summary.output == source and summary.backup == tmp_path / "p.bak.xlsx"
    assert summary.backup.read_bytes() == original
    assert cells(source)[3][5] == "Centralized"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.bak.xlsx", "p.xlsx"]


def test_a_refusal_leaves_the_input_unchanged_and_no_file(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx", headers=("Unit", "A", "B", "C", "D"))
    before = source.read_bytes()
    with pytest.raises(DeciderInputError):
        score_workbook(source, in_place=True)
    assert source.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.xlsx"]


def test_output_rules(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    with pytest.raises(DeciderInputError, match="--in-place"):
        score_workbook(source, source)
    with pytest.raises(DeciderInputError, match=r"\.xlsx or \.xlsm"):
        score_workbook(source, tmp_path / "out.csv")
    folder = tmp_path / "out"
    folder.mkdir()
    assert score_workbook(source, folder).output == folder / "p.xlsx"


def test_macros_need_an_xlsm_output_and_are_kept(tmp_path: Path) -> None:
    plain = portfolio(tmp_path / "p.xlsx")
    source = tmp_path / "m.xlsm"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(source, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            new.writestr(info, data)
        new.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    with pytest.raises(DeciderInputError, match="macros"):
        score_workbook(source, tmp_path / "m.xlsx")
    output = score_workbook(source).output
    assert output == tmp_path / "m.scored.xlsm"
    with zipfile.ZipFile(output) as archive:
        assert archive.read("xl/vbaProject.bin") == b"\xd0\xcf\x11\xe0 macros"


def test_text_starting_with_equals_is_written_as_text(tmp_path: Path) -> None:
    rows = [("Evil", 300, "Scale-up", "=HYPERLINK(\"http://x\",\"y\")", "1M")]
    output = score_workbook(portfolio(tmp_path / "p.xlsx", rows)).output
    assert output is not None
    with zipfile.ZipFile(output) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and re.search(rb'<c r="I4"[^>]*? t="s">', xml)
    assert "HYPERLINK" in cells(output)[3][8]


def test_score_rows_reads_workbooks_and_csv_alike(tmp_path: Path) -> None:
    from_workbook = score_rows(portfolio(tmp_path / "p.xlsx"))
    csv = tmp_path / "p.csv"
    csv.write_text("Portfolio 2026\nBusiness unit,Headcount,AI maturity,Sector,AI budget\n"
                   'Retail,4200,Mature,banking,"2,5 M€"\nLab,40,POC,Light,300k\n'
                   "Ops,300,Scale-up,Medium,2500000\n\n", "utf-8")
    from_csv = score_rows(csv)
    assert from_workbook["row"].tolist() == [4, 5, 6, 7]
    assert from_workbook.attrs["no_input_rows"] == [8]
    assert from_csv["row"].tolist() == [3, 4, 5]
    assert (from_csv["architecture"].tolist()
            == from_workbook["architecture"].tolist()[:3]
            == ["Centralized", "Decentralized", "Hybrid"])
    with pytest.raises(DeciderInputError, match="--format csv"):
        score_workbook(csv)


@pytest.mark.libreoffice
def test_libreoffice_reads_what_decider_wrote(tmp_path: Path, lo_convert: Any) -> None:
    """An independent spreadsheet application opens the scored file (inline strings,
    grown spans and dimension, the raw-copied parts) and sees decider's answers."""
    output = score_workbook(portfolio(tmp_path / "p.xlsx")).output
    assert output is not None
    lines = lo_convert(output, "csv").read_bytes().decode("utf-8", "replace").splitlines()
    table = list(csv.reader(lines))
    assert table[2][5:11] == list(RESULTS)
    assert [row[5] for row in table[3:6]] == ["Centralized", "Decentralized", "Hybrid"]
    assert "Scael-up" in table[6][8] and table[7][8] == ""


def test_progress_is_told_up_to_the_whole_sheet_read_twice(tmp_path: Path) -> None:
    from decider.batch import score_workbook

    told: list[tuple[int, int]] = []
    score_workbook(portfolio(tmp_path / "p.xlsx"),
                                 progress=lambda done, total: told.append((done, total)))
    assert told and all(done <= total for done, total in told)
    done, total = told[-1]
    assert done == total > 0
    assert [d for d, _ in told] == sorted(d for d, _ in told)


def test_a_sheet_with_part_of_the_header_gives_way_to_one_with_all(tmp_path: Path) -> None:
    source = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(source))
    book.add_worksheet("Summary").write_row(0, 0, ("Sector", "Headcount", "Total"))
    book.add_worksheet("Units").write_row(0, 0, ("Unit", "Size", "Maturity", "Regulation",
                                                 "Budget"))
    book.get_worksheet_by_name("Units").write_row(1, 0, UNITS[0])
    book.close()
    assert score_workbook(source).sheet == "Units"
    with pytest.raises(DeciderInputError, match="'Summary' row 1 has no maturity / budget"):
        score_workbook(source, tmp_path / "o.xlsx", sheet="Summary")


def test_a_table_header_in_a_result_column_is_never_written_over(tmp_path: Path) -> None:
    from openpyxl.worksheet.table import Table

    source = tmp_path / "tables.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Portfolio"
    sheet.append(["Unit", "Size", "Maturity", "Regulation", "Budget", "Recommendation"])
    for number in range(2, 7):
        sheet.append([f"U{number}", 300, "Scale-up", "Medium", "1M"])
    sheet["F4"], sheet["G4"] = "Note", "Owner"
    sheet["F5"], sheet["G5"] = "x", "y"
    sheet.add_table(Table(displayName="Notes", ref="F4:G5"))
    book.save(source)
    with pytest.raises(DeciderInputError, match=r"F4 \(header of table Notes\)"):
        score_workbook(source)
    assert not (tmp_path / "tables.scored.xlsx").exists()
    output = score_workbook(source, overwrite=True).output
    assert output is not None
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(output) as after:
        assert before.read("xl/tables/table1.xml") == after.read("xl/tables/table1.xml")
