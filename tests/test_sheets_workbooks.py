"""Section 10-11 end to end: sheets as they are kept, built with real writers (openpyxl,
XlsxWriter, LibreOffice), scored with `decider score`, and each unit's answer, issue and
rationale checked, the units the value reader applies included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner, Result
from test_lossless import assert_lossless

from decider import recommend, score_rows, score_workbook
from decider.cli import cli
from decider.context import Formatted
from decider.errors import DeciderInputError
from decider.workbook.package.opening import open_package
from decider.workbook.package.strings import read_shared_strings
from decider.workbook.portfolio.numformats import style_meanings
from decider.workbook.portfolio.reader import scan

HEADERS = ["Business unit", "Headcount", "AI maturity", "Sector", "AI budget"]
RESULTS = ["Recommendation", "Centralization index", "Confidence", "Decider issues",
           "What would change it", "Rationale"]


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, ["score", *map(str, args)])


def openpyxl_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """One sheet per entry, rows as given (None: an empty cell; "=..." a formula, which
    openpyxl saves with no value)."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def answers(path: Path | None, sheet: str) -> dict[str, dict[str, Any]]:
    """Unit name -> decider's five cells, read back with openpyxl."""
    assert path is not None
    table = openpyxl.load_workbook(path)[sheet]
    rows = list(table.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if "Recommendation" in r)
    header = list(rows[header_at])
    at = {name: header.index(name) for name in RESULTS}
    return {str(r[0]): {name: r[i] for name, i in at.items()} for r in rows[header_at + 1:]
            if r[0] is not None}


UNIT_A = ["Retail", 4200, "Mature", "Finance", 2_500_000]
UNIT_B = ["Lab", 40, "POC", "Pure tech", 300_000]
UNIT_C = ["Ops", 300, "Scale-up", "Medium", 2_000_000]


# -- which sheets --------------------------------------------------------------------------


def test_a_read_me_sheet_with_an_example_is_skipped_and_every_region_scored(tmp_path: Path
                                                                             ) -> None:
    path = openpyxl_book(tmp_path / "regions.xlsx", {
        "Read me": [["Fill one row per unit"], HEADERS, ["Example BU", 100, "POC", "Retail",
                                                         "€1M"]],
        "EMEA": [HEADERS, UNIT_A, UNIT_B],
        "Americas": [["Americas, Q3"], HEADERS, UNIT_C],
    })
    result = run(path, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "sheet 'EMEA', header row 1: 2 rows: 2 answered" in result.stdout
    assert "sheet 'Americas', header row 2: 1 row: 1 answered (Hybrid 1), 0 with issues" \
        in result.stdout
    assert "in total, 2 sheets: 3 rows: 3 answered" in result.stdout
    assert "sheet 'Read me' (its name says instructions" in result.stdout
    out = tmp_path / "out.xlsx"
    emea, americas = answers(out, "EMEA"), answers(out, "Americas")
    assert emea["Retail"]["Recommendation"] == recommend(*UNIT_A[1:]).architecture
    assert emea["Lab"]["Recommendation"] == recommend(*UNIT_B[1:]).architecture
    assert americas["Ops"]["Recommendation"] == recommend(*UNIT_C[1:]).architecture
    book = openpyxl.load_workbook(out)
    assert all(c.value is None for c in book["Read me"]["F"])  # nothing written there
    # The summary covers both sheets: the counts are formulas over both.
    summary = book["Decider summary"]
    formulas = {r[0]: r[1] for r in summary.iter_rows(min_col=1, max_col=2, values_only=True)}
    assert "EMEA" in formulas["Centralized"] and "Americas" in formulas["Centralized"]
    assert_lossless(path, out, "EMEA", also=["Americas"])


def test_sheet_option_is_repeatable_and_chooses_even_a_read_me(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "r.xlsx", {
        "Read me": [HEADERS, UNIT_B], "EMEA": [HEADERS, UNIT_A], "APAC": [HEADERS, UNIT_C]})
    summary = score_workbook(path, sheet=["Read me", "APAC"])
    assert [s.name for s in summary.sheets] == ["Read me", "APAC"]
    assert summary.rows == 2


def test_a_sheet_naming_inputs_but_missing_one_is_skipped_and_said(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "l.xlsx", {
        "Units": [HEADERS, UNIT_A], "Lookup": [["Sector", "Headcount"], ["Retail", 3]]})
    summary = score_workbook(path)
    assert [s.name for s in summary.sheets] == ["Units"]
    assert summary.skipped_sheets == ("sheet 'Lookup' (no maturity / budget column)",)


def test_only_instruction_sheets_is_an_error_naming_the_option(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "t.xlsx", {"Template": [HEADERS, UNIT_A]})
    with pytest.raises(DeciderInputError, match=r"'Template' skipped by name.*--sheet "
                                                r"\"Template\""):
        score_workbook(path)


@pytest.mark.libreoffice
def test_a_libreoffice_workbook_of_regions(tmp_path: Path, lo_convert: Any) -> None:
    """The same multi-sheet workbook as LibreOffice writes it."""
    source = openpyxl_book(tmp_path / "src.xlsx", {
        "Guide": [["How to"]], "North": [HEADERS, UNIT_A, ["North total", 4200, None, None,
                                                             2_500_000]],
        "South": [HEADERS, UNIT_B, UNIT_C]})
    written_by_lo = lo_convert(source, "xlsx")
    summary = score_workbook(written_by_lo, tmp_path / "out.xlsx")
    assert [(s.name, s.totals_rows) for s in summary.sheets] == [("North", (3,)),
                                                                 ("South", ())]
    assert summary.rows == 3 and summary.issues == 0
    assert answers(summary.output, "South")["Lab"]["Recommendation"] == "Decentralized"


# -- which rows ----------------------------------------------------------------------------


def test_headings_examples_and_totals_are_counted_never_answered(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "rows.xlsx", {"Units": [
        HEADERS,
        ["EMEA"],  # a section heading
        UNIT_A,
        ["e.g. Sample unit", 100, "POC", "Retail", 100_000],
        ["Note: figures from the Q3 survey"],
        UNIT_B,
        ["Americas total", 4240, None, None, 2_800_000],
        ["Total Gas & Power", 300, "Scale-up", "Energy", 2_000_000],
    ]})
    summary = score_workbook(path, tmp_path / "out.xlsx")
    assert summary.no_input_rows == (2, 5)
    assert summary.example_rows == (4,)
    assert summary.totals_rows == (7,)
    assert summary.rows == 3  # Retail, Lab and the unit "Total Gas & Power"
    assert summary.line() == ("5 rows: 3 answered (Centralized 1, Hybrid 1, Decentralized 1), "
                              "0 with issues, 2 with no inputs; 1 totals row skipped, "
                              "1 example row skipped")
    cells = answers(summary.output, "Units")
    assert cells["Total Gas & Power"]["Recommendation"] == recommend(
        300, "Scale-up", "Energy", 2_000_000).architecture
    for label in ("EMEA", "e.g. Sample unit", "Note: figures from the Q3 survey",
                  "Americas total"):
        assert set(cells[label].values()) == {None}, label
    listed = [c.value for col in openpyxl.load_workbook(summary.output)["Decider summary"]
              .iter_cols(1, 1) for c in col if c.hyperlink]
    assert "Units row 2" in listed and "Units row 5" in listed  # rows with no inputs


# -- which columns ---------------------------------------------------------------------------


def test_people_shares_and_other_budgets_name_no_input(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "c.xlsx", {"Units": [
        ["Business unit", "People partner", "Headcount", "AI maturity", "Sector",
         "IT budget 2026 (€)", "AI budget share", "AI budget (€)"],
        ["Retail", "A. Martin", 4200, "Mature", "Finance", 90_000_000, "12%", 2_500_000]]})
    summary = score_workbook(path)
    assert summary.columns == {"size": "Headcount (C)", "maturity": "AI maturity (D)",
                               "regulation": "Sector (E)", "budget": "AI budget (€) (H)"}


def test_two_columns_for_one_input_the_one_whose_values_read_wins(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "v.xlsx", {"Units": [
        ["Business unit", "Headcount", "Maturity", "Maturity notes", "Sector", "Budget"],
        ["Retail", 4200, "Mature", "board asked for a review", "Finance", 2_500_000],
        ["Lab", 40, "POC", "waiting on data", "Pure tech", 300_000]]})
    assert score_workbook(path).columns["maturity"] == "Maturity (C)"


def test_two_columns_that_both_read_are_refused_listing_both(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "t.xlsx", {"Units": [
        ["Business unit", "Headcount", "Maturity", "Maturity 2025", "Sector", "Budget"],
        ["Retail", 4200, "Mature", "POC", "Finance", 2_500_000]]})
    with pytest.raises(DeciderInputError, match=r"2 columns for maturity: C 'Maturity' and "
                                                r"D 'Maturity 2025'.*--column maturity="):
        score_workbook(path)


def test_an_industry_and_a_regulation_column_are_both_read_the_stricter_wins(
        tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "i.xlsx", {"Units": [
        ["Business unit", "Headcount", "AI maturity", "Industry", "Regulatory exposure",
         "AI budget"],
        ["Wealth", 320, "Scale-up", "Wealth management", "Medium", 2_000_000],
        ["Robots", 1400, "Mature", "Industrial machinery", "Strong", 2_000_000],
        ["Shop", 900, "POC", "Retail", None, 300_000]]})
    summary = score_workbook(path, tmp_path / "out.xlsx")
    cells = answers(summary.output, "Units")
    assert cells["Wealth"]["Recommendation"] == recommend(
        320, "Scale-up", "Wealth management", 2_000_000).architecture == "Centralized"
    assert ("regulation: 'Wealth management' (Industry) is stricter than 'Medium' "
            "(Regulatory exposure): both read, the stricter counts") in cells["Wealth"]["Rationale"]
    assert ("'Strong' (Regulatory exposure) is stricter than 'Industrial machinery' "
            "(Industry)") in cells["Robots"]["Rationale"]
    assert cells["Shop"]["Recommendation"] == recommend(900, "POC", "Retail",
                                                        300_000).architecture


def test_no_header_found_shows_the_likeliest_row_and_the_column_line(tmp_path: Path
                                                                     ) -> None:
    path = openpyxl_book(tmp_path / "n.xlsx", {"Units": [
        ["Q3 review"], ["Unit", "Heads", "Where we are", "Field", "Money"],
        ["Retail", 4200, "Mature", "Finance", 2_500_000]]})
    with pytest.raises(DeciderInputError, match=r"row 2 looks most like a header: A 'Unit', "
                                                r"B 'Heads'.*--column size="):
        score_workbook(path)


def test_a_header_wrapped_on_two_lines_is_found_and_shown_on_one(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "w.xlsx", {"Units": [
        ["Business unit", "Headcount\n(FTE)", "AI\nmaturity", "Sector", "AI budget\n(k€)"],
        UNIT_A]})
    summary = score_workbook(path)
    assert summary.columns["maturity"] == "AI maturity (C)"
    assert summary.columns["budget"] == "AI budget (k€) (E)"
    bad = openpyxl_book(tmp_path / "b.xlsx", {"Units": [
        ["Business unit", "Headcount", "AI maturity", "Sector", "AI budget\n(bitcoin)"],
        UNIT_A]})
    result = run(bad)
    assert result.exit_code == 2 and "'AI budget (bitcoin)'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_unknown_unit_in_a_header_is_refused_and_nothing_written(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "b.xlsx", {"Units": [
        ["Business unit", "Headcount", "AI maturity", "Sector", "AI budget (bitcoin)"],
        UNIT_A]})
    result = run(path)
    assert result.exit_code == 2
    assert "column 'AI budget (bitcoin)': 'bitcoin' is no unit" in result.stderr
    assert "\n" not in result.stderr.strip()
    assert not (tmp_path / "b.scored.xlsx").exists()


# -- formulas --------------------------------------------------------------------------------


def test_plain_references_without_saved_values_are_followed_across_sheets(tmp_path: Path
                                                                          ) -> None:
    """openpyxl saves formulas with no value, as scripts do."""
    path = openpyxl_book(tmp_path / "f.xlsx", {
        "Units": [HEADERS,
                  ["Retail", "=Inputs!B2", "Mature", "Finance", "='Q3 inputs'!$B$5"],
                  ["Lab", "=$B$4", "POC", "Pure tech", 300_000],
                  ["Ops", 300, "Scale-up", "Medium", 2_000_000],
                  ["Loop", "=B5", "POC", "Light", "=E5"],
                  ["Summed", "=SUM(B2:B3)", "POC", "Light", 100_000],
                  ["Chain", "=B6", "POC", "Light", 100_000]],
        "Inputs": [["Unit", "Headcount"], ["Retail", 4200]],
        "Q3 inputs": [[], [], [], [], [None, 2_500_000]]})
    summary = score_workbook(path, tmp_path / "out.xlsx")
    cells = answers(summary.output, "Units")
    assert cells["Retail"]["Recommendation"] == recommend(4200, "Mature", "Finance",
                                                          2_500_000).architecture
    assert cells["Lab"]["Recommendation"] == recommend(300, "POC", "Pure tech",
                                                       300_000).architecture
    assert cells["Loop"]["Decider issues"] == (
        "size cell B5 is part of a circular reference (Units!B5 ➜ Units!B5): correct the "
        "formulas; budget cell E5 is part of a circular reference (Units!E5 ➜ Units!E5): "
        "correct the formulas")
    assert cells["Loop"]["Recommendation"] is None
    assert cells["Chain"]["Decider issues"].startswith(
        "size cell B7 refers to Units!B6, which holds =SUM(B2:B3) with no saved value")
    assert cells["Summed"]["Decider issues"] == (
        "size cell B6 holds =SUM(B2:B3) with no saved value: open and save the workbook in "
        "Excel or LibreOffice, or run with --recalculate")


@pytest.mark.libreoffice
def test_recalculate_has_libreoffice_compute_the_formulas_first(tmp_path: Path,
                                                                 soffice: str) -> None:
    path = openpyxl_book(tmp_path / "f.xlsx", {"Units": [
        HEADERS, ["Retail", "=2100*2", "Mature", "Finance", "=5*500000"]]})
    plain = score_workbook(path, tmp_path / "plain.xlsx")
    assert plain.issues == 1
    summary = score_workbook(path, tmp_path / "out.xlsx", recalculate=True)
    assert summary.issues == 0
    cells = answers(summary.output, "Units")
    assert cells["Retail"]["Recommendation"] == recommend(4200, "Mature", "Finance",
                                                          2_500_000).architecture
    assert_lossless(path, tmp_path / "out.xlsx", "Units")  # the original is what is written


def test_recalculate_without_libreoffice_is_one_clear_line(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    path = openpyxl_book(tmp_path / "f.xlsx", {"Units": [HEADERS, UNIT_A]})
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run(path, "--recalculate")
    assert result.exit_code == 2
    assert "--recalculate needs LibreOffice, which is not installed" in result.stderr
    assert not (tmp_path / "f.scored.xlsx").exists()


# -- implausible values ----------------------------------------------------------------------


def test_a_budget_under_1000_or_a_fraction_of_an_employee_asks_for_the_unit(tmp_path: Path
                                                                             ) -> None:
    path = openpyxl_book(tmp_path / "s.xlsx", {"Units": [
        HEADERS, ["Retail", 4200, "Mature", "Finance", 6.5],
        ["Lab", 5.2, "POC", "Pure tech", 300_000], ["Ops", 300, "Scale-up", "Medium", "800k"]]})
    cells = answers(score_workbook(path, tmp_path / "o.xlsx").output, "Units")
    assert cells["Retail"]["Recommendation"] is None
    assert cells["Retail"]["Decider issues"].startswith(
        "budget 6.5 (cell E2) is under €1,000 a year: if the column is in thousands or "
        "millions, say so in its header, e.g. 'AI budget (k€)'")
    assert cells["Lab"]["Decider issues"].startswith(
        "size 5.2 (cell B3) is a fraction of an employee")
    assert cells["Ops"]["Recommendation"] is not None  # "800k" says its unit


def test_a_budget_typed_with_a_thousands_mark_is_judged_as_the_reader_reads_it(
        tmp_path: Path) -> None:
    """'1.250' and '1,250' are 1,250 (section 9.3), not 1.25: no "under €1,000" issue for
    them, while '950' and '1,5' (one and a half euros) still get one."""
    path = openpyxl_book(tmp_path / "s.xlsx", {"Units": [
        HEADERS, ["Dot", 4200, "Mature", "Light", "1.250"],
        ["Comma", 4200, "Mature", "Light", "1,250"], ["Small", 4200, "Mature", "Light", "950"],
        ["Decimal", 4200, "Mature", "Light", "1,5"]]})
    cells = answers(score_workbook(path, tmp_path / "o.xlsx").output, "Units")
    for name in ("Dot", "Comma"):
        assert cells[name]["Decider issues"] is None, name
        assert cells[name]["Recommendation"] == "Hybrid", name
    for name in ("Small", "Decimal"):
        assert "is under €1,000 a year" in cells[name]["Decider issues"], name


def test_a_size_typed_in_european_notation_with_a_fraction_asks_for_the_unit(
        tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "s.xlsx", {"Units": [
        HEADERS, ["Fraction", "1.234,5", "Mature", "Light", "€3M"],
        ["Grouped", "1.200", "Mature", "Light", "€3M"]]})
    cells = answers(score_workbook(path, tmp_path / "o.xlsx").output, "Units")
    assert cells["Fraction"]["Decider issues"].startswith(
        "size 1.234,5 (cell B2) is a fraction of an employee")
    assert cells["Grouped"]["Decider issues"] is None


def test_a_unit_in_the_header_means_no_implausible_value(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "s.xlsx", {"Units": [
        ["Business unit", "Headcount ('000)", "AI maturity", "Sector", "AI budget (€M)"],
        ["Retail", 4.2, "Mature", "Finance", 6.5]]})
    rows = score_rows(path)
    assert not any("under €1,000" in (i or "") or "fraction" in (i or "")
                   for i in rows["issues"])


# -- number formats, read once per style ------------------------------------------------------


def test_number_formats_wrap_cells_as_formatted_values(tmp_path: Path) -> None:
    path = tmp_path / "fmt.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Units")
    sheet.write_row(0, 0, HEADERS)
    millions = book.add_format({"num_format": '0.0"M€"'})
    scaled = book.add_format({"num_format": '€#,##0.0,,"M"'})
    dollars = book.add_format({"num_format": "[$$-409]#,##0"})
    plain = book.add_format({"num_format": "0.00"})
    for row, (value, fmt) in enumerate(((6, millions), (6_000_000, scaled), (900_000, dollars),
                                        (2_500_000, plain)), start=1):
        sheet.write_row(row, 0, [f"U{row}", 300, "Mature", "Finance"])
        sheet.write_number(row, 4, value, fmt)
    book.close()
    with open_package(path) as package:
        strings = read_shared_strings(package)
        found = scan(package, package.sheets[0].part, strings, 1, {5}, set(),
                     formats=style_meanings(package))
    values = [value for _, value in sorted(found.cells[5].items())]
    assert isinstance(values[0], Formatted) and values[0].value == 6.0
    assert values[0].unit is not None and values[0].unit.multiplier == 1_000_000
    # Scaling commas: a whole stored number, said so (a header's scale must not apply).
    assert isinstance(values[1], Formatted) and values[1].value == 6_000_000.0
    assert values[1].unit is not None and values[1].unit.whole
    assert isinstance(values[2], Formatted) and values[2].unit is not None
    assert values[2].unit.currency == "USD"
    assert values[3] == 2_500_000.0 and type(values[3]) is float  # the fast path stays


def test_a_budget_formatted_in_kroner_is_refused_asking_for_the_code(tmp_path: Path) -> None:
    path = tmp_path / "kr.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Units")
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, ["Oslo", 300, "Mature", "Finance"])
    sheet.write_number(1, 4, 6000, book.add_format({"num_format": '#,##0 "kr"'}))
    book.close()
    rows = score_rows(path)
    assert rows["architecture"][0] is None
    assert "'kr', which stands for SEK, NOK, DKK or ISK" in rows["issues"][0]


# -- what the reader will do with it (issue 13) ------------------------------------------------


def k_euro_book(path: Path, header: str, value: Any) -> Path:
    return openpyxl_book(path, {"Units": [
        ["Business unit", "Headcount", "AI maturity", "Sector", header],
        ["Telco", 3100, "Scale-up", "Medium", value]]})


def test_6000_under_ai_budget_k_euros_is_over_5m(tmp_path: Path) -> None:
    rows = score_rows(k_euro_book(tmp_path / "k.xlsx", "AI budget (k€)", 6000))
    assert "over €5M" in rows["rationale"][0]
    assert 'k€ from the header "AI budget (k€)"' in rows["rationale"][0]


def test_7_5_under_ai_spend_euro_m_is_over_5m(tmp_path: Path) -> None:
    rows = score_rows(k_euro_book(tmp_path / "m.xlsx", "2026 AI spend, €m", 7.5))
    assert "over €5M" in rows["rationale"][0]


def test_a_cell_formatted_in_millions_is_read_in_millions(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Units")
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, ["Telco", 3100, "Scale-up", "Medium"])
    sheet.write_number(1, 4, 6, book.add_format({"num_format": '0.0"M€"'}))
    book.close()
    assert "over €5M" in score_rows(path)["rationale"][0]


def test_a_budget_in_usd_by_the_header_needs_a_rate(tmp_path: Path) -> None:
    rows = score_rows(k_euro_book(tmp_path / "u.xlsx", "AI budget (USD)", 6_000_000))
    assert rows["architecture"][0] is None and "USD" in rows["issues"][0]


def test_a_monthly_budget_is_made_yearly(tmp_path: Path) -> None:
    rows = score_rows(k_euro_book(tmp_path / "p.xlsx", "AI spend per month (€)", 500_000))
    assert "over €5M" in rows["rationale"][0]


def test_headcount_in_thousands(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "h.xlsx", {"Units": [
        ["Business unit", "Headcount ('000)", "AI maturity", "Sector", "AI budget"],
        ["Telco", 5.2, "Scale-up", "Medium", 2_000_000]]})
    assert "over 500 employees" in score_rows(path)["rationale"][0]


def test_a_maturity_level_on_the_header_scale(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "l.xlsx", {"Units": [
        ["Business unit", "Headcount", "AI maturity (1-5)", "Sector", "AI budget"],
        ["Telco", 3100, 5, "Medium", 2_000_000]]})
    assert "Enterprise" in score_rows(path)["rationale"][0]


# -- what Excel opens -------------------------------------------------------------------------


def test_scored_multi_sheet_workbooks_are_valid(tmp_path: Path, ooxml_validator: Path
                                                ) -> None:
    """Several sheets scored in one run, rows of every kind, and the bundled sample: no
    new Open XML SDK error nor structural problem."""
    from test_valid_xlsx import assert_valid

    source = openpyxl_book(tmp_path / "regions.xlsx", {
        "Read me": [["Fill one row per unit"]],
        "EMEA": [HEADERS, ["EMEA"], UNIT_A, ["Example BU", 1, "POC", "Retail", 1],
                 ["EMEA total", 4200, None, None, 2_500_000], UNIT_B],
        "Americas": [HEADERS, UNIT_C, ["Typo", 120, "Scael-up", "Medium", "1M"]]})
    out = score_workbook(source, tmp_path / "out.xlsx").output
    assert out is not None
    assert_valid(ooxml_validator, out, source)
    sample = Path(__file__).resolve().parent.parent / "xlsx_templates" / "sample_portfolio.xlsx"
    scored_sample = score_workbook(sample, tmp_path / "sample.scored.xlsx").output
    assert scored_sample is not None
    assert_valid(ooxml_validator, scored_sample, sample)
    again = score_workbook(out, tmp_path / "again.xlsx").output  # scoring a scored book
    assert again is not None
    assert_valid(ooxml_validator, again, source)


# -- gaps in sections 10-11, decided as a user would expect -----------------------------------


def test_a_labelled_row_of_not_known_words_is_a_unit_with_an_issue(tmp_path: Path) -> None:
    """"n/a" typed in every input is a unit whose inputs are unknown (an issue says so),
    not a heading: only empty input cells make a row with no inputs."""
    path = openpyxl_book(tmp_path / "n.xlsx", {"Units": [
        HEADERS, UNIT_A, ["Unknown BU", "n/a", "n/a", "n/a", "n/a"], ["EMEA"]]})
    summary = score_workbook(path, tmp_path / "o.xlsx")
    assert summary.no_input_rows == (4,)
    assert "not enough information" in answers(summary.output, "Units")["Unknown BU"][
        "Decider issues"]


def test_header_row_or_column_options_describe_one_sheet(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "o.xlsx", {"EMEA": [HEADERS, UNIT_A],
                                               "APAC": [HEADERS, UNIT_B]})
    assert [s.name for s in score_workbook(path).sheets] == ["EMEA", "APAC"]
    assert [s.name for s in score_workbook(path, header_row=1).sheets] == ["EMEA"]
    assert [s.name for s in score_workbook(path, columns={"size": "B"}).sheets] == ["EMEA"]
    both = score_workbook(path, sheet=["EMEA", "APAC"], columns={"size": "B"})
    assert [s.name for s in both.sheets] == ["EMEA", "APAC"]


def test_only_a_sheet_named_wholly_like_instructions_is_skipped(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "t.xlsx", {"Portfolio template": [HEADERS, UNIT_A],
                                               "How to use": [HEADERS, UNIT_B],
                                               "Cover": [HEADERS, UNIT_C]})
    summary = score_workbook(path)
    assert [s.name for s in summary.sheets] == ["Portfolio template"]
    assert len(summary.skipped_sheets) == 2


def test_a_reference_to_an_empty_cell_is_blank_not_zero(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "e.xlsx", {"Units": [
        HEADERS, ["Retail", 4200, "Mature", "Finance", "=Z99"]]})
    rows = score_rows(path)
    assert rows["architecture"][0] == recommend(4200, "Mature", "Finance").architecture
    assert rows["issues"][0] is None


def test_a_dot_and_three_digits_is_no_fraction_of_an_employee(tmp_path: Path) -> None:
    """"1.200" groups thousands (section 9.3): 1,200 employees, no implausible value."""
    path = openpyxl_book(tmp_path / "d.xlsx", {"Units": [
        HEADERS, ["Retail", "1.200", "Mature", "Finance", 2_500_000],
        ["Lab", "5,5", "POC", "Pure tech", 300_000]]})
    issues = score_rows(path)["issues"].tolist()
    assert not isinstance(issues[0], str)  # no issue (None or NaN)
    assert issues[1].startswith("size 5,5 (cell B3) is a fraction of an employee")


def test_a_csv_portfolio_is_read_by_the_same_rules(tmp_path: Path) -> None:
    """`--format json|csv` on a CSV: header units, headings, examples and totals alike."""
    csv = tmp_path / "p.csv"
    csv.write_text("Business unit,Headcount,AI maturity,Sector,AI budget (bitcoin)\n"
                   "Retail,4200,Mature,Finance,5\n", "utf-8")
    with pytest.raises(DeciderInputError, match=r"'AI budget \(bitcoin\)': 'bitcoin'"):
        score_rows(csv)
    csv.write_text("Business unit,Headcount,AI maturity,Sector,AI budget\n"
                   "EMEA,,,,\nRetail,4200,Mature,Finance,2500000\n"
                   "Example unit,1,POC,Retail,1\nEMEA total,4200,,,2500000\n", "utf-8")
    rows = score_rows(csv)
    assert rows["row"].tolist() == [3]
    assert (rows.attrs["no_input_rows"], rows.attrs["example_rows"],
            rows.attrs["totals_rows"]) == ([2], [4], [5])
    result = run(csv, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert ("2 rows: 1 answered (Centralized 1), 0 with issues, 1 with no inputs; 1 totals "
            "row skipped, 1 example row skipped") in result.stderr


def test_a_sheet_with_a_header_and_no_unit_is_skipped_and_said(tmp_path: Path) -> None:
    """"Holds at least one unit" (section 10): an empty region sheet is left out, said;
    when no sheet holds one, that is the error."""
    path = openpyxl_book(tmp_path / "e.xlsx", {"EMEA": [HEADERS, UNIT_A],
                                               "LATAM": [HEADERS, ["LATAM total", 0]]})
    summary = score_workbook(path)
    assert [s.name for s in summary.sheets] == ["EMEA"]
    assert summary.skipped_sheets == ("sheet 'LATAM' (no business-unit rows)",)
    empty = openpyxl_book(tmp_path / "n.xlsx", {"LATAM": [HEADERS, ["LATAM total", 0]]})
    with pytest.raises(DeciderInputError, match="no business-unit rows"):
        score_workbook(empty)
