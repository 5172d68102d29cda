"""Three sheets where decider answered what it should not, silently: a totals row typed as
values with no "Total" label (scored as one more, huge, unit), a hidden sheet holding an
old copy of the portfolio (its units counted twice), and formulas XlsxWriter saved as 0
(read as 0). Workbooks built with real writers, scored with `decider score`, read back."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lossless import assert_lossless
from test_sheets_workbooks import HEADERS, RESULTS, openpyxl_book, run

from decider import recommend, score_rows, score_workbook
from decider.errors import DeciderInputError
from decider.workbook.portfolio.rows import Units
from decider.workbook.portfolio.sums import summed_rows, tolerance

FIX = "open and save the workbook in Excel or LibreOffice, or run with --recalculate"
RETAIL = ["Retail", 4200, "Mature", "Finance", 2_500_000]
LAB = ["Lab", 40, "POC", "Pure tech", 300_000]
OPS = ["Ops", 300, "Scale-up", "Medium", 2_000_000]
UNITS = [RETAIL, LAB, OPS]
SIZES, BUDGETS = 4200 + 40 + 300, 2_500_000 + 300_000 + 2_000_000


def cells_by_row(path: Path | None, sheet: str = "Units") -> dict[int, dict[str, Any]]:
    """Sheet row -> decider's cells on it, read back with openpyxl."""
    assert path is not None
    table = openpyxl.load_workbook(path)[sheet]
    rows = list(table.iter_rows(values_only=True))
    header = list(rows[0])
    at = {name: header.index(name) for name in RESULTS if name in header}
    return {number: {name: row[i] if i < len(row) else None for name, i in at.items()}
            for number, row in enumerate(rows[1:], start=2)}


def assert_answers(path: Path | None, units: dict[int, list[Any]], empty: list[int],
                   sheet: str = "Units") -> None:
    """Each unit row answered as `recommend` answers its inputs; each `empty` row holding
    no decider cell at all."""
    cells = cells_by_row(path, sheet)
    for row, unit in units.items():
        assert cells[row]["Recommendation"] == recommend(*unit[1:5]).architecture, row
        assert cells[row]["Decider issues"] is None, row
    for row in empty:
        assert set(cells[row].values()) == {None}, row


# -- totals rows typed as values ------------------------------------------------------------


def test_an_unlabelled_totals_row_is_said_exactly_as_a_labelled_one(tmp_path: Path) -> None:
    """The last row holds the column totals with a blank name: skipped and said as the same
    row labelled "Total" is."""
    blank = openpyxl_book(tmp_path / "blank.xlsx", {"Units": [
        HEADERS, *UNITS, [None, SIZES, None, None, BUDGETS]]})
    labelled = openpyxl_book(tmp_path / "labelled.xlsx", {"Units": [
        HEADERS, *UNITS, ["Total", SIZES, None, None, BUDGETS]]})
    results = [run(path, "-o", tmp_path / f"{path.stem}.out.xlsx")
               for path in (blank, labelled)]
    for result in results:
        assert result.exit_code == 0, result.output
    said = [result.stdout.splitlines()[1:] for result in results]
    assert said[0] == said[1]
    assert said[0][:2] == ["  3 rows: 3 answered (Centralized 1, Hybrid 1, Decentralized 1), "
                           "0 with issues; 1 totals row skipped", "  totals rows: 5"]
    out = tmp_path / "blank.out.xlsx"
    assert_answers(out, {2: RETAIL, 3: LAB, 4: OPS}, empty=[5])
    summary = openpyxl.load_workbook(out)["Decider summary"]
    facts = {row[0]: row[1:] for row in summary.iter_rows(values_only=True) if row[0]}
    assert facts["Totals rows skipped"][0] == 1 and facts["Totals rows skipped"][2] == "row 5"
    # The group view counts the three units' employees, not the total's as well.
    assert f"{SIZES:,} employees" in facts["Portfolio index (0 to 100)"][2]
    assert_lossless(blank, out, "Units")


def test_subtotals_and_a_grand_total_typed_in_other_forms(tmp_path: Path) -> None:
    """Sections with a subtotal each (one named after its region, one labelled in a column
    with no header, which is no label column) and a grand total, figures typed as text
    ("1,200", "€1.5M"): compared as the value reader reads them."""
    rows: list[list[Any]] = [
        HEADERS,
        ["EMEA"],
        ["Retail", "1,200", "Mature", "Finance", "€1.5M"],
        ["Lab", "40", "POC", "Pure tech", "€300k"],
        ["Ops", "2,000", "Scale-up", "Medium", "€1.7M"],
        ["EMEA", "3,240", None, None, "€3.5M"],
        ["APAC"],
        ["Mining", 5000, "Mature", "Energy", 2_000_000],
        ["Shops", 760, "POC", "Retail", 500_000],
        [None, 5760, None, None, "€2.5M", None, "APAC subtotal"],
        [None, "9,000", None, None, "€6M"],
    ]
    path = tmp_path / "sections.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Units")
    for at, row in enumerate(rows):
        sheet.write_row(at, 0, row)
    book.close()
    summary = score_workbook(path, tmp_path / "out.xlsx")
    assert summary.totals_rows == (6, 10, 11)
    assert summary.no_input_rows == (2, 7)
    assert summary.line() == ("7 rows: 5 answered (Centralized 2, Hybrid 2, Decentralized 1), "
                              "0 with issues, 2 with no inputs; 3 totals rows skipped")
    assert_answers(summary.output, {3: rows[2], 4: rows[3], 5: rows[4], 8: rows[7],
                                    9: rows[8]}, empty=[2, 6, 7, 10, 11])


def test_a_total_is_the_sum_within_the_rounding_its_figure_shows(tmp_path: Path) -> None:
    """€3.5M for 3,512,000 is that sum rounded; 4,600 for 4,540 is not."""
    assert tolerance(3_500_000) == pytest.approx(17_500)  # 0.5%, under half of 100,000
    assert tolerance(12_000) == pytest.approx(60)
    assert tolerance(4540) == pytest.approx(5)  # half its last digit
    units = [["A", 1000, "POC", "Retail", 1_212_000], ["B", 3540, "Mature", "Energy",
                                                       2_300_000]]
    rounded = openpyxl_book(tmp_path / "r.xlsx", {"Units": [
        HEADERS, *units, [None, 4540, None, None, "€3.5M"]]})
    assert score_workbook(rounded, tmp_path / "r.out.xlsx").totals_rows == (4,)
    off = openpyxl_book(tmp_path / "o.xlsx", {"Units": [
        HEADERS, *units, [None, 4600, None, None, 3_512_000]]})
    summary = score_workbook(off, tmp_path / "o.out.xlsx")
    assert summary.totals_rows == ()  # 4,600 is no sum of 4,540: a unit, answered
    assert cells_by_row(summary.output)[4]["Recommendation"] == recommend(
        4600, None, None, 3_512_000).architecture


def test_one_figure_equal_to_its_sum_makes_a_total_only_of_a_row_with_no_name(
        tmp_path: Path) -> None:
    def scored(last: list[Any]) -> tuple[tuple[int, ...], dict[str, Any]]:
        path = openpyxl_book(tmp_path / "one.xlsx", {"Units": [HEADERS, *UNITS, last]})
        summary = score_workbook(path, tmp_path / "one.out.xlsx")
        return summary.totals_rows, cells_by_row(summary.output)[5]

    totals, cells = scored([None, SIZES, None, None, None])  # headcount total only
    assert totals == (5,) and set(cells.values()) == {None}
    # A name: a unit whose size happens to be that sum (too little known to decide).
    totals, cells = scored(["Group HQ", SIZES, None, None, None])
    assert totals == ()
    assert cells["Decider issues"].startswith("not enough information to decide")
    # The other figure given and no sum: it speaks against a total.
    totals, cells = scored([None, SIZES, None, None, 999_000])
    assert totals == ()
    assert cells["Recommendation"] == recommend(SIZES, None, None, 999_000).architecture


def test_headcount_subtotals_with_no_name_each_end_a_section(tmp_path: Path) -> None:
    """Subtotals of headcount only, with no name, then a grand total: each found once the
    one above it is known to be no unit (the sums below it change)."""
    rows: list[list[Any]] = [
        HEADERS,
        ["A", 100, "POC", "Retail", 500_000],
        ["B", 200, "Mature", "Finance", 1_000_000],
        [None, 300],
        ["C", 50, "POC", "Light", 200_000],
        ["D", 70, "Scale-up", "Medium", 400_000],
        [None, 120],
        [None, 420],
    ]
    path = openpyxl_book(tmp_path / "heads.xlsx", {"Units": rows})
    summary = score_workbook(path, tmp_path / "out.xlsx")
    assert summary.totals_rows == (4, 7, 8)
    assert_answers(summary.output, {2: rows[1], 3: rows[2], 5: rows[4], 6: rows[5]},
                   empty=[4, 7, 8])


def test_a_genuine_unit_is_never_taken_for_a_total_by_coincidence(tmp_path: Path) -> None:
    """Why the rule is safe: a unit is taken for a total only if it gives neither its phase
    nor its sector as words (a genuine unit gives them; a column of phases has no sum),
    and two figures each equal the sum of the same rows above it, at least two of them
    (or one figure, the other blank, and no name at all). Here every near miss is a
    unit: the same figures with a phase and a sector; a copy of the one row above; a
    size that is a sum with a budget that is not."""
    rows: list[list[Any]] = [
        HEADERS,
        ["North", 100, "POC", "Retail", 500_000],
        ["South", 200, "Scale-up", "Medium", 1_000_000],
        ["Northwind", 300, "Scale-up", "Retail", 1_500_000],  # both sums, a phase, a sector
        ["Heading"],
        ["East", 120, "Mature", "Light", 700_000],
        [None, 120, None, None, 700_000],  # a copy of the one row above: no sum
        ["West", 840, "POC", "Light", 3_000_000],  # size = all units above, budget not
    ]
    path = openpyxl_book(tmp_path / "near.xlsx", {"Units": rows})
    summary = score_workbook(path, tmp_path / "out.xlsx")
    assert summary.totals_rows == ()
    assert summary.no_input_rows == (5,)
    assert summary.rows == 6
    assert_answers(summary.output, {2: rows[1], 3: rows[2], 4: rows[3], 6: rows[5],
                                    8: rows[7]}, empty=[5])
    assert cells_by_row(summary.output)[7]["Recommendation"] == recommend(  # the copy
        120, None, None, 700_000).architecture


def test_an_old_answer_on_a_totals_row_typed_as_values_is_cleared(tmp_path: Path) -> None:
    """A sheet scored by an earlier version holds an answer on its totals row: scoring it
    again clears it, never leaves it standing."""
    stale = ["Centralized", 75, 0.25, None, None, "an old answer"]
    path = openpyxl_book(tmp_path / "scored.xlsx", {"Units": [
        [*HEADERS, *RESULTS], *UNITS, [None, SIZES, None, None, BUDGETS, *stale]]})
    summary = score_workbook(path, tmp_path / "again.xlsx")
    assert summary.totals_rows == (5,) and summary.rows == 3
    assert_answers(summary.output, {2: RETAIL, 3: LAB, 4: OPS}, empty=[5])


def test_a_csv_totals_row_typed_as_values_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    lines = [HEADERS, *UNITS, ["", SIZES, "", "", BUDGETS]]
    path.write_text("\n".join(",".join(map(str, line)) for line in lines) + "\n")
    rows = score_rows(path)
    assert list(rows["row"]) == [2, 3, 4]
    assert rows.attrs["totals_rows"] == [5]


# -- hidden sheets ----------------------------------------------------------------------------


def hidden_book(path: Path) -> Path:
    openpyxl_book(path, {"Units": [HEADERS, *UNITS], "Old": [HEADERS, RETAIL, LAB],
                         "Archive": [HEADERS, OPS], "Lists": [["Sector"], ["Retail"]]})
    book = openpyxl.load_workbook(path)
    book["Old"].sheet_state = "hidden"
    book["Archive"].sheet_state = "veryHidden"
    book["Lists"].sheet_state = "hidden"  # a list for drop-downs: no portfolio, no word
    book.save(path)
    return path


def test_hidden_sheets_holding_a_portfolio_are_skipped_and_said(tmp_path: Path) -> None:
    path = hidden_book(tmp_path / "hidden.xlsx")
    out = tmp_path / "out.xlsx"
    result = run(path, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  3 rows: 3 answered (Centralized 1, Hybrid 1, Decentralized 1), 0 with issues",
        "  sheet 'Old' (hidden; name it with --sheet \"Old\" to score it) skipped",
        "  sheet 'Archive' (hidden; name it with --sheet \"Archive\" to score it) skipped"]
    assert_answers(out, {2: RETAIL, 3: LAB, 4: OPS}, empty=[])
    assert_lossless(path, out, "Units")  # the hidden sheets as they were, byte for byte
    summary = score_workbook(path, tmp_path / "api.xlsx")
    assert [s.name for s in summary.sheets] == ["Units"]
    assert summary.skipped_sheets == (
        "sheet 'Old' (hidden; name it with --sheet \"Old\" to score it)",
        "sheet 'Archive' (hidden; name it with --sheet \"Archive\" to score it)")


def test_a_hidden_sheet_named_with_sheet_is_scored(tmp_path: Path) -> None:
    path = hidden_book(tmp_path / "hidden.xlsx")
    summary = score_workbook(path, tmp_path / "out.xlsx", sheet=["Old"])
    assert [s.name for s in summary.sheets] == ["Old"] and summary.skipped_sheets == ()
    assert_answers(summary.output, {2: RETAIL, 3: LAB}, empty=[], sheet="Old")


def test_only_hidden_portfolios_is_an_error_naming_the_option(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "h.xlsx", {"Cover": [["Q3"]], "Old": [HEADERS, RETAIL]})
    book = openpyxl.load_workbook(path)
    book["Old"].sheet_state = "hidden"
    book.save(path)
    with pytest.raises(DeciderInputError, match=r"'Old' skipped as hidden: choose one with "
                                                r"--sheet \"Old\""):
        score_workbook(path, tmp_path / "out.xlsx")


# -- formulas XlsxWriter saved as 0 ---------------------------------------------------------

MULTI = [*HEADERS, "Multi-country"]


def xlsxwriter_formulas(path: Path) -> Path:
    """Formulas saved as XlsxWriter saves them: each with the value 0."""
    book = xlsxwriter.Workbook(str(path))
    units = book.add_worksheet("Units")
    units.write_row(0, 0, MULTI)
    units.write_row(1, 0, ["Retail", None, "Mature", "Finance", 2_500_000, "no"])
    units.write_formula("B2", "=42*100")
    units.write_row(2, 0, ["Lab", 40, "POC", "Pure tech", None, "no"])
    units.write_formula("E3", "=B3*7500")
    units.write_row(3, 0, ["Ops", None, "Scale-up", "Medium", 2_000_000, "no"])
    units.write_formula("B4", "=Inputs!B2")  # a plain reference: followed
    units.write_row(4, 0, ["Zero", 300, "POC", "Light", None, "no"])
    units.write_formula("E5", "=0")  # a literal 0 is 0
    units.write_row(5, 0, ["Abroad", 300, "POC", "Light", 400_000])
    units.write_formula("F6", "=IF(B6>100,1,0)")
    inputs = book.add_worksheet("Inputs")
    inputs.write_row(0, 0, ["Unit", "Headcount"])
    inputs.write_row(1, 0, ["Ops", 300])
    book.close()
    return path


def test_xlsxwriter_formulas_saved_as_0_are_not_read_as_0(tmp_path: Path) -> None:
    path = xlsxwriter_formulas(tmp_path / "x.xlsx")
    out = tmp_path / "out.xlsx"
    result = run(path, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "  5 rows: 1 answered (Hybrid 1), 4 with issues"
    cells = cells_by_row(out)
    saved = "saved as 0, which scripts such as XlsxWriter save for a formula they do not compute"
    assert cells[2]["Decider issues"] == f"size cell B2 holds =42*100 {saved}: {FIX}"
    assert cells[3]["Decider issues"] == f"budget cell E3 holds =B3*7500 {saved}: {FIX}"
    assert cells[4]["Recommendation"] == recommend(300, "Scale-up", "Medium", 2_000_000,
                                                   "no").architecture
    assert cells[5]["Decider issues"].startswith("budget '0' must be above 0")
    assert cells[6]["Decider issues"] == (f"multi-country cell F6 holds =IF(B6>100,1,0) "
                                          f"{saved}: {FIX}")
    for row in (2, 3, 5, 6):
        assert cells[row]["Recommendation"] is None
    assert_lossless(path, out, "Units")


def test_a_reference_to_a_formula_saved_as_0_names_that_formula(tmp_path: Path) -> None:
    path = tmp_path / "chain.xlsx"
    book = xlsxwriter.Workbook(str(path))
    units = book.add_worksheet("Units")
    units.write_row(0, 0, HEADERS)
    units.write_row(1, 0, ["Retail", None, "Mature", "Finance", 2_500_000])
    units.write_formula("B2", "=Inputs!B2")
    inputs = book.add_worksheet("Inputs")
    inputs.write_row(0, 0, ["Unit", "Headcount"])
    inputs.write_row(1, 0, ["Retail"])
    inputs.write_formula("B2", "=2100*2")
    book.close()
    cells = cells_by_row(score_workbook(path, tmp_path / "out.xlsx").output)
    assert cells[2]["Decider issues"] == ("size cell B2 refers to Inputs!B2, which holds "
                                          f"=2100*2 saved as 0, which is not trusted: {FIX}")


CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"


def as_excel_saves_it(written: Path, path: Path) -> Path:
    """The workbook as Excel saves it once it has calculated: a calculation chain, and no
    request to calculate on load (the saved 0s then are Excel's)."""
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                assert b' fullCalcOnLoad="1"' in data
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rId99" Type='
                                    f'"{CHAIN}" Target="calcChain.xml"/></Relationships>'
                                    .encode())
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocum'
                                    b'ent.spreadsheetml.calcChain+xml"/></Types>')
            target.writestr(item, data)
        target.writestr("xl/calcChain.xml", '<calcChain xmlns="http://schemas.openxmlformats'
                        '.org/spreadsheetml/2006/main"><c r="F6" i="1"/></calcChain>')
    return path


def test_a_0_excel_computed_is_read(tmp_path: Path) -> None:
    """Excel computed the saved values: a formula's 0 is what it computed, read as any
    value (a multi-country 0: one country; a size 0: no size)."""
    path = as_excel_saves_it(xlsxwriter_formulas(tmp_path / "x.xlsx"), tmp_path / "xl.xlsx")
    summary = score_workbook(path, tmp_path / "out.xlsx")
    cells = cells_by_row(summary.output)
    assert cells[6]["Recommendation"] == recommend(300, "POC", "Light", 400_000,
                                                   0).architecture
    assert cells[2]["Decider issues"].startswith("size '0' must be above 0")


@pytest.mark.libreoffice
def test_libreoffice_converting_keeps_the_0s_and_they_stay_doubted(tmp_path: Path,
                                                                   soffice: str) -> None:
    """LibreOffice as installed (it trusts the saved values of a file that says Excel
    wrote it, as XlsxWriter's say) converts the file without calculating, dropping the
    request to calculate on load: the multi-country 0 is still not read."""
    source = xlsxwriter_formulas(tmp_path / "x.xlsx")
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(out),
                    str(source)], capture_output=True, timeout=180, check=True)
    converted = out / source.name
    with zipfile.ZipFile(converted) as package:
        assert b"fullCalcOnLoad" not in package.read("xl/workbook.xml")
    cells = cells_by_row(score_workbook(converted, tmp_path / "out.xlsx").output)
    assert cells[6]["Decider issues"].startswith("multi-country cell F6 holds "
                                                 "=IF(B6>100,1,0) saved as 0")


@pytest.mark.libreoffice
def test_recalculate_computes_what_xlsxwriter_saved_as_0(tmp_path: Path, soffice: str
                                                        ) -> None:
    path = xlsxwriter_formulas(tmp_path / "x.xlsx")
    summary = score_workbook(path, tmp_path / "out.xlsx", recalculate=True)
    cells = cells_by_row(summary.output)
    assert cells[2]["Recommendation"] == recommend(4200, "Mature", "Finance", 2_500_000,
                                                   "no").architecture
    assert cells[3]["Recommendation"] == recommend(40, "POC", "Pure tech", 300_000,
                                                   "no").architecture
    assert cells[6]["Recommendation"] == recommend(300, "POC", "Light", 400_000,
                                                   1).architecture
    assert cells[5]["Decider issues"].startswith("budget '0' must be above 0")


# -- the rule itself, over any figures --------------------------------------------------------

FIGURES = st.lists(st.tuples(st.integers(1, 50_000), st.integers(1_000, 50_000_000)),
                   min_size=2, max_size=30)


def judged(figures: list[tuple[int, int]], texts: list[bool], names: set[int]) -> list[int]:
    """`summed_rows` over units numbered from row 2, each giving a phase and a sector when
    its `texts` entry says so."""
    rows = list(range(2, 2 + len(figures)))
    units = Units(rows, {
        "size": [float(s) for s, _b in figures], "budget": [float(b) for _s, b in figures],
        "maturity": ["POC" if text else None for text in texts],
        "regulation": ["Retail" if text else None for text in texts]})
    numbers = {name: list(map(float, values)) for name, values in
               (("size", units.columns["size"]), ("budget", units.columns["budget"]))}
    return summed_rows(units, [], numbers, lambda asked: names.intersection(asked))


@settings(max_examples=200, deadline=None)
@given(FIGURES)
def test_units_giving_a_phase_and_a_sector_are_never_totals(figures: list[tuple[int, int]]
                                                            ) -> None:
    # Even when a unit's figures are the sums above it: a copy of them is appended.
    figures = [*figures, (sum(s for s, _b in figures), sum(b for _s, b in figures))]
    assert judged(figures, [True] * len(figures), set()) == []


@settings(max_examples=200, deadline=None)
@given(FIGURES)
def test_a_row_of_the_sums_with_no_phase_or_sector_is_a_total(figures: list[tuple[int, int]]
                                                              ) -> None:
    total = (sum(s for s, _b in figures), sum(b for _s, b in figures))
    found = judged([*figures, total], [True] * len(figures) + [False], set())
    assert found == [2 + len(figures)]
