"""Reading a sheet as companies keep one (decision policy, section 8): the header words,
the "AI" tie-break, totals rows; and packages that Excel and LibreOffice open although
their part names differ in case or use backslashes.

Workbooks are written by XlsxWriter, as Excel saves them (cached formula values, error
cells, tables with a totals row), scored through the real CLI and read back with
openpyxl, an independent reader.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from lxml import etree
from test_lossless import assert_lossless, first_worksheet, sha256

from decider import recommend, score_rows, score_workbook
from decider.batch import ScoreSummary
from decider.changes import changes_text
from decider.cli import cli
from decider.errors import DeciderInputError
from decider.workbook.portfolio.layout import FIELD_WORDS

RESULTS = ("Recommendation", "Centralization index", "Confidence", "Decider issues",
           "What would change it", "Rationale")
FIELD_OPTION = {"size": "size", "maturity": "maturity", "regulation": "regulation",
                "budget": "budget", "multi_country": "multi-country"}
# A value each input reads, for a header-word test row.
VALUES = {"size": 4200, "maturity": "Mature", "regulation": "Finance", "budget": 2_500_000,
          "multi_country": 3}


def book(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]] = (),
         title_rows: int = 0) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Portfolio")
    for number in range(title_rows):
        sheet.write_string(number, 0, f"Title {number + 1}")
    sheet.write_row(title_rows, 0, headers)
    for offset, row in enumerate(rows, start=title_rows + 1):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(offset, column, value)
    workbook.close()
    return path


def cells_of(path: Path | None) -> list[tuple[Any, ...]]:
    assert path is not None
    return [tuple(row) for row in openpyxl.load_workbook(path)["Portfolio"]
            .iter_rows(values_only=True)]


def columns_found(path: Path) -> dict[str, str]:
    return score_workbook(path).columns


# -- header words ------------------------------------------------------------------------


@pytest.mark.parametrize("field,word", [(f, w) for f, words in FIELD_WORDS.items()
                                        for w in words])
def test_every_header_word_of_section_8_finds_its_input(tmp_path: Path, field: str,
                                                        word: str) -> None:
    """Each word, in a header cell with other words around it and in another case, names
    its input; the other inputs keep plain headers."""
    plain = {"size": "Headcount", "maturity": "Maturity", "regulation": "Regulation",
             "budget": "Budget", "multi_country": "Countries"}
    header = f"Unit {word.upper()} (2026)"
    headers = ["Business unit"] + [header if f == field else plain[f] for f in plain]
    path = book(tmp_path / "p.xlsx", headers,
                [["Retail"] + [VALUES[f] for f in plain]])
    found = columns_found(path)
    assert found[FIELD_OPTION[field]].startswith(header), found


@pytest.mark.parametrize("header", ["Staffing agency", "Stages", "Spender", "Phased out",
                                    "Peoples", "Sectoral", "Budgeted", "Internationally",
                                    "Countryside", "Investments held", "AIstage"])
def test_words_are_whole_words_only(tmp_path: Path, header: str) -> None:
    """A header that only contains a word inside a longer one names no input."""
    path = book(tmp_path / "p.xlsx",
                ["Business unit", header, "Headcount", "Maturity", "Sector", "Budget"],
                [["Retail", "x", 4200, "Mature", "Finance", 2_500_000]])
    found = columns_found(path)
    assert all(not text.startswith(header) for text in found.values()), found


def test_the_column_saying_ai_wins_a_tie(tmp_path: Path) -> None:
    path = book(tmp_path / "p.xlsx",
                ["Business unit", "Stage gate", "FTEs", "AI stage", "Spend (total IT)",
                 "Annual AI spend", "Industry", "Operating countries"],
                [["Retail", "G2", 4200, "Mature", 9_000_000, 2_500_000, "Finance", 3]])
    assert columns_found(path) == {
        "size": "FTEs (C)", "maturity": "AI stage (D)", "budget": "Annual AI spend (F)",
        "regulation": "Industry (G)", "multi-country": "Operating countries (H)"}


def test_a_header_naming_two_inputs_gives_way_to_one_naming_only_one(tmp_path: Path
                                                                     ) -> None:
    path = book(tmp_path / "p.xlsx",
                ["Unit", "AI spend per employee", "Employees", "Maturity", "Sector",
                 "AI budget"],
                [["Retail", 600, 4200, "Mature", "Finance", 2_500_000]])
    found = columns_found(path)
    assert found["size"] == "Employees (C)" and found["budget"] == "AI budget (F)"


def test_two_plain_matches_are_one_line_naming_both_and_the_option(tmp_path: Path) -> None:
    path = book(tmp_path / "p.xlsx",
                ["Business unit", "Headcount", "Staff", "Maturity", "Sector", "Budget"],
                [["Retail", 4200, 4000, "Mature", "Finance", 2_500_000]])
    with pytest.raises(DeciderInputError) as caught:
        score_workbook(path)
    message = str(caught.value)
    assert "\n" not in message
    assert "B 'Headcount'" in message and "C 'Staff'" in message
    assert "--column size=" in message
    assert not (tmp_path / "p.scored.xlsx").exists()
    # Named with --column, the same sheet is scored.
    summary = score_workbook(path, columns={"size": "Staff"})
    assert summary.columns["size"] == "Staff (C)"


def test_two_columns_saying_ai_are_still_ambiguous(tmp_path: Path) -> None:
    path = book(tmp_path / "p.xlsx",
                ["Unit", "Headcount", "AI stage", "Months of AI", "Sector", "Budget"],
                [["Retail", 4200, "Mature", 18, "Finance", 2_500_000]])
    result = CliRunner().invoke(cli, ["score", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "C 'AI stage'" in lines[0] and "D 'Months of AI'" in lines[0]


def test_decider_s_own_result_headers_name_no_input(tmp_path: Path) -> None:
    """A scored workbook scored again: Recommendation, Confidence... are never inputs, and
    the header row is still found below the titles."""
    path = book(tmp_path / "p.xlsx",
                ["Business unit", "People", "Phase", "Vertical", "Investment",
                 "International"],
                [["Retail", 4200, "Mature", "Finance", 2_500_000, "yes"]], title_rows=2)
    first = score_workbook(path)
    again = score_workbook(first.output, tmp_path / "again.xlsx")
    assert again.columns == first.columns
    assert again.header_row == first.header_row == 3
    assert again.written == first.written


def test_csv_reads_the_same_header_words(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Portfolio 2026\n"
                    "Business unit,Workforce,AI stage,Stage gate,AI investment,Vertical\n"
                    "Retail,4200,Mature,G2,2500000,Finance\n"
                    "Total,4200,,,2500000,\n", "utf-8")
    rows = score_rows(path)
    assert rows["row"].tolist() == [3]
    expected = recommend(4200, "Mature", "Finance", 2_500_000)
    assert rows["architecture"].tolist() == [expected.architecture]
    assert rows.attrs["totals_rows"] == [4]


# -- totals rows --------------------------------------------------------------------------

PORTFOLIO_HEADERS = ("Business unit", "FTEs", "AI stage", "Annual AI spend", "Industry",
                     "Operating countries", "Owner")
TITLE_ROWS = 2  # the header is row 3, units from row 4
# Sheet row -> (unit, size, maturity, regulation, budget, multi-country): plain values.
UNITS: dict[int, tuple[Any, ...]] = {
    4: ("Retail Banking", 4200, "Mature", "Finance", 2_500_000, 12),
    5: ("Lab", 40, "POC", "Pure tech", 300_000, 1),
    6: ("Summit BU", 800, "Enterprise", "Healthcare", 1_200_000, 5),
    7: ("Totally new unit", 120, "Scale-up", "Public sector", 900_000, 2),
}
NOT_KNOWN_ROW = 8  # "N/A" budget and "unknown" countries: read as blank (section 7)
ERROR_ROW = 9  # a #REF! budget: the row's issue names it, no answer
LOOKUP_ROW = 10  # every input a formula, none an aggregate: a business unit
LABEL_TOTALS_ROW = 11  # "Total" and SUMs
FORMULA_TOTALS_ROW = 12  # no totals word, every input an aggregate formula
BELOW_ROW = 13  # a unit below the totals rows is still a unit


def excel_portfolio(path: Path) -> Path:
    """A portfolio as a group CTO office keeps one, saved as Excel saves it: formulas with
    their cached values, an error cell, "N/A", a title above the header; and a second
    sheet with an Excel table that has a totals row."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Portfolio")
    sheet.write_string(0, 0, "Group CTO office: AI portfolio")
    sheet.write_string(1, 0, "Figures as of Q3; budgets in EUR")
    sheet.write_row(TITLE_ROWS, 0, PORTFOLIO_HEADERS)
    for row, (unit, size, maturity, regulation, budget, countries) in UNITS.items():
        sheet.write_row(row - 1, 0, [unit, size, maturity, budget, regulation, countries,
                                     "Ana"])
    sheet.write_row(NOT_KNOWN_ROW - 1, 0, ["Ops", 300, "Scale-up", "N/A", "Public sector",
                                           "unknown"])
    sheet.write_row(ERROR_ROW - 1, 0, ["Broken link", 120, "Scale-up"])
    sheet.write_formula(ERROR_ROW - 1, 3, "=#REF!*1000", None, "#REF!")
    sheet.write_row(ERROR_ROW - 1, 4, ["Finance", 2])
    sheet.write_string(LOOKUP_ROW - 1, 0, "Mirror of Retail")
    for offset, (letter, cached) in enumerate(zip("BCDEF", (4200, "Mature", 2_500_000,
                                                            "Finance", 12), strict=True)):
        sheet.write_formula(LOOKUP_ROW - 1, offset + 1, f"={letter}4", None, cached)
    sheet.write_string(LABEL_TOTALS_ROW - 1, 0, "Total")
    sheet.write_formula(LABEL_TOTALS_ROW - 1, 1, "=SUM(B4:B10)", None, 9980)
    sheet.write_formula(LABEL_TOTALS_ROW - 1, 3, "=SUM(D4:D10)", None, 7_400_000)
    sheet.write_formula(FORMULA_TOTALS_ROW - 1, 1, "=AVERAGE(B4:B10)", None, 1425.7)
    sheet.write_formula(FORMULA_TOTALS_ROW - 1, 3, "=SUBTOTAL(9,D4:D10)", None, 7_400_000)
    sheet.write_formula(FORMULA_TOTALS_ROW - 1, 5, "=MAX(F4:F10)", None, 12)
    sheet.write_row(BELOW_ROW - 1, 0, ["Late addition", 60, "POC", 150_000, "Pure tech", 1])

    table_sheet = workbook.add_worksheet("Table")
    table_sheet.write_string(0, 0, "Units as an Excel table")
    table_sheet.add_table(2, 0, 5, 5, {
        "name": "Units",
        "total_row": True,
        "data": [["North", 900, "Mature", 1_000_000, "Finance"],
                 ["South", 200, "POC", 100_000, "Pure tech"]],
        "columns": [{"header": "Business unit", "total_string": "All units"},
                    {"header": "Headcount"}, {"header": "AI maturity"},
                    {"header": "AI budget"}, {"header": "Sector"},
                    {"header": "Note"}]})
    workbook.close()
    return path


def expected_of(row: int) -> Any:
    unit = UNITS[row]
    return recommend(unit[1], unit[2], unit[3], unit[4], unit[5])


def result_cells(path: Path, sheet: str, result_column: int) -> dict[int, tuple[Any, ...]]:
    table = openpyxl.load_workbook(path)[sheet]
    return {row[0].row: tuple(cell.value for cell in row[result_column:result_column + 6])
            for row in table.iter_rows(min_row=1)}


def assert_answer(found: tuple[Any, ...], expected: Any) -> None:
    assert found[0] == expected.architecture
    assert found[1] == pytest.approx(expected.index, abs=0.05)
    assert found[2] == pytest.approx(expected.confidence, abs=0.005)
    assert found[5] == expected.explanation  # the Rationale is the last column (§11)
    assert found[3] is None
    assert found[4] == changes_text(expected)


def test_an_excel_portfolio_is_answered_and_its_totals_rows_skipped(tmp_path: Path) -> None:
    source = excel_portfolio(tmp_path / "portfolio.xlsx")
    digest = sha256(source)
    output = tmp_path / "scored.xlsx"
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert sha256(source) == digest
    # Both sheets name the inputs: both are scored (§10), each counted, then the total.
    assert ("sheet 'Portfolio', header row 3: 8 rows: 7 answered (Centralized 5, "
            "Decentralized 2), 1 with issues; 2 totals rows skipped") in result.stdout
    assert ("sheet 'Table', header row 3: 2 rows: 2 answered (Centralized 1, "
            "Decentralized 1), 0 with issues; 1 totals row skipped") in result.stdout
    assert ("in total, 2 sheets: 10 rows: 9 answered (Centralized 6, Decentralized 3), "
            "1 with issues; 3 totals rows skipped") in result.stdout
    cells = result_cells(output, "Portfolio", len(PORTFOLIO_HEADERS))
    assert cells[TITLE_ROWS + 1] == RESULTS
    for row in UNITS:
        assert_answer(cells[row], expected_of(row))
    assert_answer(cells[LOOKUP_ROW], expected_of(4))  # its formulas' cached values
    for row in (LABEL_TOTALS_ROW, FORMULA_TOTALS_ROW):
        assert cells[row] == (None,) * 6, f"totals row {row} was written to"
    assert cells[BELOW_ROW][0] == recommend(60, "POC", "Pure tech", 150_000, 1).architecture
    assert ERROR_ROW in cells and cells[ERROR_ROW][0] is None and cells[ERROR_ROW][3]
    # Everything else is as it was: the totals rows' formulas and cached values included
    # (the Portfolio sheet alone chosen, so that only its part may change).
    alone = tmp_path / "alone.xlsx"
    assert CliRunner().invoke(cli, ["score", str(source), "--sheet", "Portfolio", "-o",
                                    str(alone)]).exit_code == 0
    assert_lossless(source, alone, "Portfolio")


def test_not_known_words_and_excel_errors_in_an_excel_portfolio(tmp_path: Path) -> None:
    """Section 7 in the same workbook: "N/A" and "unknown" are blanks (the row is answered
    as if those cells were empty); a #REF! budget is the row's issue, with no answer."""
    output = score_workbook(excel_portfolio(tmp_path / "portfolio.xlsx")).output
    cells = result_cells(output, "Portfolio", len(PORTFOLIO_HEADERS))
    assert_answer(cells[NOT_KNOWN_ROW], recommend(300, "Scale-up", "Public sector", None,
                                                  None))
    error = cells[ERROR_ROW]
    assert error[:3] == (None, None, None) and error[4:] == (None, None)
    assert "budget" in error[3] and "#REF!" in error[3] and "Excel error" in error[3]


def test_json_leaves_totals_rows_out_and_counts_them(tmp_path: Path) -> None:
    source = excel_portfolio(tmp_path / "portfolio.xlsx")
    result = CliRunner().invoke(cli, ["score", str(source), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    rows = [record["row"] for record in records if record["sheet"] == "Portfolio"]
    assert rows == [*UNITS, NOT_KNOWN_ROW, ERROR_ROW, LOOKUP_ROW, BELOW_ROW]
    assert [record["row"] for record in records if record["sheet"] == "Table"] == [4, 5]
    assert "3 totals rows skipped" in result.stderr
    csv_result = CliRunner().invoke(cli, ["score", str(source), "--format", "csv", "-q"])
    assert csv_result.exit_code == 0
    assert len(csv_result.stdout.strip().splitlines()) == 1 + len(records)


def test_an_excel_table_s_totals_row_is_not_a_unit(tmp_path: Path) -> None:
    """Its totals row says "All units" (no totals word) and holds no formula: the table
    alone says it is a totals row."""
    source = excel_portfolio(tmp_path / "portfolio.xlsx")
    summary = score_workbook(source, sheet="Table")
    assert (summary.header_row, summary.rows, summary.totals_rows) == (3, 2, (6,))
    assert summary.to_dict()["totals_rows"] == [6]
    cells = result_cells(summary.output, "Table", 6)
    assert cells[4][0] == recommend(900, "Mature", "Finance", 1_000_000).architecture
    assert cells[5][0] == recommend(200, "POC", "Pure tech", 100_000).architecture
    assert cells[6] == (None,) * 6
    assert_lossless(source, summary.output, "Table")


@pytest.mark.parametrize("label,totals", [
    ("Total", True), ("TOTALS", True), ("Subtotal EMEA", True), ("Sub-total", True),
    ("Grand total", True), ("Sum:", True), ("Average", True), ("Mean", True),
    ("  total", True), ("Americas total", True), ("APAC - subtotal", True),
    ("EMEA (sum)", True), ("Summit BU", False), ("Totally new", False),
    ("Summary desk", False), ("Meantime Ops", False), ("Subtotaling", False),
    ("Non-total unit", False)])
def test_a_totals_word_anywhere_in_the_first_text_cell(tmp_path: Path, label: str,
                                                       totals: bool) -> None:
    """Section 10: the word, whole, anywhere in the label, and no maturity or regulation
    text in the row (the row below gives typed numbers only)."""
    path = book(tmp_path / "p.xlsx",
                ["Business unit", "Headcount", "Maturity", "Sector", "Budget"],
                [["Retail", 4200, "Mature", "Finance", 2_500_000],
                 [label, 300, None, None, 6_000_000]])
    summary = score_workbook(path)
    assert summary.totals_rows == ((3,) if totals else ())
    assert summary.rows == (1 if totals else 2)


@pytest.mark.parametrize("label", ["Total Gas & Power", "Americas total"])
def test_a_totals_label_with_a_phase_and_a_sector_is_a_unit(tmp_path: Path, label: str
                                                            ) -> None:
    path = book(tmp_path / "p.xlsx",
                ["Business unit", "Headcount", "Maturity", "Sector", "Budget"],
                [["Retail", 4200, "Mature", "Finance", 2_500_000],
                 [label, 300, "POC", "Energy", 100_000]])
    summary = score_workbook(path)
    assert (summary.totals_rows, summary.rows) == ((), 2)
    assert cells_of(summary.output)[2][5] == recommend(300, "POC", "Energy",
                                                        100_000).architecture


def test_only_the_first_text_cell_counts(tmp_path: Path) -> None:
    """A unit whose notes start with "Sum" is a unit: the first text cell is its name. A
    row numbered "2" (a number typed as text) then "Total" is a totals row."""
    path = book(tmp_path / "p.xlsx",
                ["No.", "Business unit", "Headcount", "Maturity", "Notes", "Budget",
                 "Sector"],
                [[1, "Retail", 4200, "Mature", "Sum of two old units", 2_500_000, "Finance"],
                 ["2", "Total", 4200, None, None, 2_500_000, None]])
    summary = score_workbook(path)
    assert (summary.rows, summary.totals_rows) == (1, (3,))


def test_a_text_in_a_column_with_no_header_is_not_the_first_text_cell(tmp_path: Path
                                                                       ) -> None:
    path = book(tmp_path / "p.xlsx",
                ["", "Business unit", "Headcount", "Maturity", "Sector", "Budget"],
                [["Total", "Retail", 4200, "Mature", "Finance", 2_500_000]])
    summary = score_workbook(path)
    assert (summary.rows, summary.totals_rows) == (1, ())


def test_a_sheet_of_only_totals_rows_is_refused_for_that(tmp_path: Path) -> None:
    path = book(tmp_path / "p.xlsx", ["Business unit", "Headcount", "Maturity", "Sector",
                                      "Budget"], [["Total", 4200, None, None, 2_500_000]])
    with pytest.raises(DeciderInputError, match=r"no business-unit rows.*1 totals row "
                                                r"skipped: row 2"):
        score_workbook(path)


def test_the_summary_line_counts_totals_rows() -> None:
    def summary(totals: tuple[int, ...]) -> ScoreSummary:
        return ScoreSummary(input=Path("p.xlsx"), output=None, sheet=None, header_row=None,
                            columns={}, rows=3, counts={"Hybrid": 3}, issues=0,
                            totals_rows=totals)

    assert summary(()).lines()[-1] == "  3 rows: 3 answered (Hybrid 3), 0 with issues"
    assert summary((14,)).lines()[-2:] == [
        "  3 rows: 3 answered (Hybrid 3), 0 with issues; 1 totals row skipped",
        "  totals rows: 14"]
    assert summary((14, 30)).lines()[-1] == "  totals rows: 14, 30"
    many = summary(tuple(range(100, 125))).lines()[-1]
    assert many.startswith("  totals rows: 100, 101,")
    assert many.endswith("109 and 15 more")
    assert summary((14,)).to_dict()["totals_rows"] == [14]


# -- packages named as Excel and LibreOffice accept ---------------------------------------


def test_part_names_in_another_case_and_with_backslashes_are_read(tmp_path: Path) -> None:
    """The same workbook, its members renamed as some writers store them: scored alike,
    and the sheet replaced under its stored name."""
    source = book(tmp_path / "p.xlsx", ["Business unit", "Headcount", "Maturity", "Sector",
                                        "Budget"],
                  [["Retail", 4200, "Mature", "Finance", 2_500_000]])
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(renamed, "w") as copy:
        for info in original.infolist():
            name = info.filename
            if name.startswith("xl/"):
                name = name.replace("/", "\\").replace("sharedStrings", "SharedStrings")
            copy.writestr(name.replace("[Content_Types]", "[content_types]"),
                          original.read(info))
    plain, odd = score_rows(source), score_rows(renamed)
    assert odd["architecture"].tolist() == plain["architecture"].tolist()
    summary = score_workbook(renamed)
    with zipfile.ZipFile(summary.output) as scored:
        assert "xl\\worksheets\\sheet1.xml" in scored.namelist()
    assert_lossless(renamed, summary.output, "Portfolio")


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["tdf131575.xlsx", "tdf76115.xlsx"])
def test_corpus_packages_with_odd_part_names_are_scored(corpus: Path, tmp_path: Path,
                                                        name: str) -> None:
    """Both hold no portfolio: named by letter, their columns are scored (mostly issues)
    and everything else is kept byte for byte."""
    source = corpus / "other" / name
    digest = sha256(source)
    output = tmp_path / name
    result = CliRunner().invoke(cli, [
        "score", str(source), "-o", str(output), "--header-row", "1", "--column", "size=A",
        "--column", "maturity=B", "--column", "regulation=C", "--column", "budget=D"])
    assert result.exit_code == 0, result.output
    assert sha256(source) == digest
    sheet = first_worksheet(source)
    assert sheet is not None
    assert_lossless(source, output, sheet[0])


@pytest.mark.corpus
def test_a_latin_1_sheet_with_cdata_is_read_and_written_in_its_encoding(
        corpus: Path, tmp_path: Path) -> None:
    """tdf76115.xlsx declares ISO-8859-1 and wraps every text in CDATA: the values are read
    without the wrapper, and decider's texts (with their "€") read back, as any XML
    parser reads the sheet, exactly as decider meant them."""
    # Column B holds "NFE": refused as a budget, with "2,5 M€" among the forms accepted.
    columns = {"size": "A", "maturity": "C", "regulation": "E", "budget": "B"}
    source = corpus / "other" / "tdf76115.xlsx"
    rows = score_rows(source, header_row=1, columns=columns)
    assert not rows[["size", "maturity", "regulation", "budget"]].astype(str).apply(
        lambda column: column.str.contains("CDATA")).any().any()
    summary = score_workbook(source, tmp_path / "out.xlsx", header_row=1, columns=columns)
    issues_column = summary.written["Decider issues"]
    with zipfile.ZipFile(summary.output) as scored:
        sheet = etree.fromstring(scored.read("xl\\sheet1.xml"))
        strings_part = next(n for n in scored.namelist()
                            if n.replace("\\", "/").lower().endswith("sharedstrings.xml"))
        strings = ["".join(si.itertext())
                   for si in etree.fromstring(scored.read(strings_part)).iter("{*}si")]
    written = {}
    wanted = openpyxl.utils.column_index_from_string(issues_column)
    for row in sheet.iter("{*}row"):
        column = 0
        for cell in row.iter("{*}c"):
            # A cell without its optional `r` is in the column after the one before it.
            reference = cell.get("r")
            column = (openpyxl.utils.cell.coordinate_to_tuple(reference)[1] if reference
                      else column + 1)
            text = "".join(cell.itertext())  # decider's texts are shared strings
            if column == wanted and text:
                written[int(row.get("r"))] = strings[int(text)] if cell.get("t") == "s" else text
    expected = dict(zip(rows["row"], rows["issues"], strict=True))
    assert written.pop(1) == "Decider issues"
    assert written == expected
    assert any("€" in text for text in written.values())


def test_totals_rows_are_found_alike_when_cells_are_read_one_by_one(tmp_path: Path) -> None:
    """The same portfolio with its cells written `<c  r=...>` (an XML writer's spacing the
    fast path does not take): the reader goes cell by cell and finds the same rows."""
    source = excel_portfolio(tmp_path / "portfolio.xlsx")
    spaced = tmp_path / "spaced.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(spaced, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<c r=", b"<c  r=")
            copy.writestr(info, data)
    plain, odd = score_rows(source, sheet="Portfolio"), score_rows(spaced, sheet="Portfolio")
    assert odd["row"].tolist() == plain["row"].tolist()
    assert odd.attrs["totals_rows"] == plain.attrs["totals_rows"] == [LABEL_TOTALS_ROW,
                                                                      FORMULA_TOTALS_ROW]
    assert odd["architecture"].tolist() == plain["architecture"].tolist()
