"""What would change the answer, in a scored workbook (decision policy, section 12): the
"What would change it" column before the Rationale, and the summary sheet's close calls,
roadmap and robust units, with links to the rows.

Expected values come from `recommend` (the scalar path), never from the code that writes
the workbook.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from test_lossless import members
from test_valid_xlsx import assert_valid

from decider import recommend, score_rows
from decider.changes import ROBUST, changes_text
from decider.cli import cli

SAMPLE = Path(__file__).resolve().parent.parent / "xlsx_templates" / "sample_portfolio.xlsx"
SUMMARY = "Decider summary"
HEADERS = ("Business unit", "Employees", "AI maturity", "Regulation", "AI budget")
# Planted: two close calls (budget 4.6M, size 480), a roadmap unit (15 months of
# practice), a robust unit, and one far from any threshold.
UNITS: tuple[tuple[Any, ...], ...] = (
    ("Budget close", 4000, "Mature", "Light", "4.6M"),
    ("Size close", 480, "Mature", "Light", "6M"),
    ("Growing", 4000, "15 months", "Light", "6M"),
    ("Robust", 600, "Mature", "Critical", "6M"),
    ("Far", 200, "POC", "Light", "1M"),
)
FIRST_ROW = 2  # header on row 1


def build(path: Path, sheets: dict[str, tuple[tuple[Any, ...], ...]] | None = None,
          table: bool = False) -> None:
    book = xlsxwriter.Workbook(str(path))
    for name, units in (sheets or {"Portfolio": UNITS}).items():
        sheet = book.add_worksheet(name)
        if table:
            sheet.add_table(0, 0, len(units), len(HEADERS) - 1,
                            {"data": [list(u) for u in units], "name": "Units",
                             "columns": [{"header": h} for h in HEADERS]})
        else:
            sheet.write_row(0, 0, HEADERS)
            for offset, unit in enumerate(units):
                sheet.write_row(offset + 1, 0, unit)
    book.close()


def score(*arguments: str | Path) -> None:
    result = CliRunner().invoke(cli, ["score", *map(str, arguments)])
    assert result.exit_code == 0, result.output


def header_and_rows(path: Path, sheet: str = "Portfolio") -> tuple[list[Any], list[list[Any]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    book.close()
    return rows[0], rows[1:]


def summary_rows(path: Path) -> list[list[Any]]:
    """The summary sheet's cells, row by row (read-only: as a reader of the file sees
    them)."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) + [None] * (4 - len(r)) for r in book[SUMMARY].iter_rows(values_only=True)]
    book.close()
    return rows


def section(rows: list[list[Any]], title: str) -> tuple[list[Any], list[list[Any]]]:
    """The section's own line and its listed rows (those below its 'Row' header, up to
    the first empty line)."""
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    listed: list[list[Any]] = []
    index = start + 1
    while index < len(rows) and rows[index][0] != "Row":
        if rows[index][0] is None:
            return rows[start], listed
        index += 1
    for row in rows[index + 1:]:
        if row[0] is None:
            break
        listed.append(row)
    return rows[start], listed


def links(path: Path) -> dict[int, str]:
    """Summary row (1-based) -> the place its link goes to."""
    sheet = openpyxl.load_workbook(path)[SUMMARY]
    return {c.row: c.hyperlink.location for row in sheet.iter_rows(min_col=1, max_col=1)
            for c in row if c.hyperlink}


def close_call(unit: tuple[Any, ...]) -> bool:
    """Section 12's close call, from `recommend`: a size or budget change within 10%."""
    result = recommend(*unit[1:5])
    return any(c.input in ("size", "budget") and c.distance is not None
               and abs(c.distance) <= 0.10 for c in result.changes)


@pytest.fixture
def scored(tmp_path: Path) -> Path:
    source = tmp_path / "portfolio.xlsx"
    build(source)
    output = tmp_path / "out" / "portfolio.xlsx"
    output.parent.mkdir()
    score(source, "-o", output)
    return output


def test_the_column_holds_each_unit_s_changes_just_before_the_rationale(scored: Path) -> None:
    header, rows = header_and_rows(scored)
    assert header[-2:] == ["What would change it", "Rationale"]  # the Rationale last (§11)
    column = header.index("What would change it")
    for unit, row in zip(UNITS, rows, strict=True):
        expected = recommend(*unit[1:5])
        assert row[column] == changes_text(expected), unit[0]
        assert row[-1] == expected.explanation
    assert rows[3][column] == ROBUST
    assert "budget over €5M (+9%, e.g. 5.1M)" in rows[0][column]
    assert "size over 500 employees (+4%, e.g. 501)" in rows[1][column]
    assert "in 4 months, when practice passes 18 months" in rows[2][column]


def test_the_column_has_its_width_and_stays_on_one_line(scored: Path) -> None:
    sheet = openpyxl.load_workbook(scored)["Portfolio"]
    header = [c.value for c in sheet[1]]
    letter = openpyxl.utils.get_column_letter(header.index("What would change it") + 1)
    assert sheet.column_dimensions[letter].width >= 50
    assert not sheet[f"{letter}2"].alignment.wrap_text


def test_close_calls_are_listed_with_their_unit_change_and_link(scored: Path) -> None:
    rows = summary_rows(scored)
    line, listed = section(rows, "Close calls")
    expected = [(FIRST_ROW + i, u) for i, u in enumerate(UNITS) if close_call(u)]
    assert [u[0] for _r, u in expected] == ["Budget close", "Size close"]
    assert line[1] == len(expected)
    assert [r[1] for r in listed] == [u[0] for _r, u in expected]
    assert [r[0] for r in listed] == [f"Portfolio row {r}" for r, _u in expected]
    assert listed[0][3] == "Centralized if budget over €5M (+9%, e.g. 5.1M)"
    assert listed[1][3] == "Centralized if size over 500 employees (+4%, e.g. 501)"
    goes_to = links(scored)
    start = next(i for i, r in enumerate(rows) if r[0] == "Close calls") + 1
    found = [goes_to[i] for i in range(start + 1, start + 1 + 2 * len(rows)) if i in goes_to]
    assert found[:2] == [f"'Portfolio'!A{r}" for r, _u in expected]


def test_the_roadmap_counts_per_horizon_and_lists_the_units(scored: Path) -> None:
    rows = summary_rows(scored)
    by_label = {r[0]: r for r in rows if isinstance(r[0], str)}
    months = {u[0]: recommend(*u[1:5]).over_time for u in UNITS}
    for horizon in (6, 12, 18):
        count = sum(1 for o in months.values() if o is not None and o.months <= horizon)
        assert by_label[f"Changing within {horizon} months"][1] == count
    _line, listed = section(rows, "Roadmap")
    assert [(r[0], r[1], r[3]) for r in listed] == [
        ("Portfolio row 4", "Growing", "Centralized in 4 months, when practice passes 18 "
                                       "months")]


def test_the_group_view_counts_the_robust_units(scored: Path) -> None:
    by_label = {r[0]: r for r in summary_rows(scored) if isinstance(r[0], str)}
    robust = sum(1 for u in UNITS if not recommend(*u[1:5]).changes
                 and recommend(*u[1:5]).over_time is None)
    assert robust == 1
    assert by_label["Robust units"][1] == robust
    rows = summary_rows(scored)
    assert [r[0] for r in rows].index("Robust units") < [r[0] for r in rows].index(
        "Close calls") < [r[0] for r in rows].index("Roadmap")


def test_several_sheets_are_counted_per_sheet_and_in_total(tmp_path: Path) -> None:
    source = tmp_path / "two.xlsx"
    build(source, {"Europe": UNITS, "Asia": UNITS[:2] + UNITS[3:]})
    output = tmp_path / "two.scored.xlsx"
    score(source, "-o", output)
    rows = summary_rows(output)
    line, listed = section(rows, "Close calls")
    assert line[1] == 4 and line[3].endswith("(Europe 2, Asia 2)")
    assert {r[0] for r in listed} == {"Europe row 2", "Europe row 3", "Asia row 2",
                                      "Asia row 3"}
    by_label = {r[0]: r for r in rows if isinstance(r[0], str)}
    assert by_label["Changing within 6 months"][1] == 1
    assert by_label["Changing within 6 months"][3] == "Europe 1, Asia 0"
    assert by_label["Robust units"][1] == 2
    assert by_label["Robust units"][3].endswith("(Europe 1, Asia 1)")
    assert_changes_column(output, "Asia", UNITS[:2] + UNITS[3:])


def assert_changes_column(path: Path, sheet: str, units: tuple[tuple[Any, ...], ...]) -> None:
    header, rows = header_and_rows(path, sheet)
    column = header.index("What would change it")
    assert [r[column] for r in rows] == [changes_text(recommend(*u[1:5])) for u in units]


def test_a_table_grows_by_the_column_before_the_rationale(tmp_path: Path,
                                                         ooxml_validator: Path) -> None:
    source = tmp_path / "table.xlsx"
    build(source, table=True)
    output = tmp_path / "table.scored.xlsx"
    score(source, "-o", output)
    sheet = openpyxl.load_workbook(output)["Portfolio"]
    table = sheet.tables["Units"]
    names = [c.name for c in table.tableColumns]
    assert names == [*HEADERS, "Recommendation", "Centralization index", "Confidence",
                     "Decider issues", "What would change it", "Rationale"]
    assert table.ref == f"A1:K{len(UNITS) + 1}"
    assert_changes_column(output, "Portfolio", UNITS)
    assert_valid(ooxml_validator, output, source)


def test_scoring_again_changes_nothing(scored: Path, tmp_path: Path) -> None:
    again = tmp_path / "again" / "portfolio.xlsx"
    again.parent.mkdir()
    score(scored, "-o", again)
    assert again.read_bytes() == scored.read_bytes()


def test_a_sheet_scored_before_the_column_gets_it_and_keeps_the_rationale_last(
        tmp_path: Path) -> None:
    # As an earlier decider left it: five result columns, the Rationale last.
    source = tmp_path / "old.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Portfolio"
    sheet.append([*HEADERS, "Recommendation", "Centralization index", "Confidence",
                  "Decider issues", "Rationale"])
    for unit in UNITS:
        sheet.append([*unit, "stale", 1, 0.5, None, "stale rationale"])
    book.save(source)
    output = tmp_path / "old.scored.xlsx"
    score(source, "-o", output)
    header, rows = header_and_rows(output)
    assert header[5:] == ["Recommendation", "Centralization index", "Confidence",
                          "Decider issues", "What would change it", "Rationale"]
    for unit, row in zip(UNITS, rows, strict=True):
        expected = recommend(*unit[1:5])
        assert row[9] == changes_text(expected) and row[10] == expected.explanation


def test_no_summary_writes_the_column_and_no_sheet(tmp_path: Path) -> None:
    source = tmp_path / "p.xlsx"
    build(source)
    output = tmp_path / "p.scored.xlsx"
    score(source, "-o", output, "--no-summary")
    assert SUMMARY not in members(output)["xl/workbook.xml"].decode()
    assert_changes_column(output, "Portfolio", UNITS)


def test_the_planted_workbooks_are_valid(scored: Path, tmp_path: Path,
                                         ooxml_validator: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    assert_valid(ooxml_validator, scored, source)
    two = tmp_path / "two.xlsx"
    build(two, {"Europe": UNITS, "Asia": UNITS[::-1]})
    output = tmp_path / "two.scored.xlsx"
    score(two, "-o", output)
    assert_valid(ooxml_validator, output, two)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    output = tmp_path / "sample.scored.xlsx"
    score(SAMPLE, "-o", output)
    return output


def test_the_sample_s_summary_lists_its_close_calls_and_roadmap(sample: Path,
                                                                ooxml_validator: Path) -> None:
    assert_valid(ooxml_validator, sample, SAMPLE)
    rows = summary_rows(sample)
    frame = score_rows(SAMPLE)
    frame = frame[frame["architecture"].notna()]
    soon = frame[frame["over_time_months"] <= 18].sort_values("over_time_months",
                                                               kind="stable")
    _line, listed = section(rows, "Roadmap")
    assert [r[0] for r in listed] == [f"{s} row {r}" for s, r in zip(soon["sheet"],
                                                                        soon["row"],
                                                                        strict=True)]
    for row, text in zip(listed, soon["changes"], strict=True):
        assert text.endswith(row[3]) and " months, when practice " in row[3]
    by_label = {r[0]: r for r in rows if isinstance(r[0], str)}
    assert by_label["Robust units"][1] == int((frame["changes"] == ROBUST).sum())
    line, close = section(rows, "Close calls")
    assert line[1] == len(close) >= 1
    for row in close:  # each names a size or budget change shown within 10%
        assert any(word in row[3] for word in ("size", "budget"))
        sheet, _, number = row[0].rpartition(" row ")
        unit = frame[(frame["sheet"] == sheet) & (frame["row"] == int(number))]
        assert row[3] in unit["changes"].iloc[0]


def test_the_sample_renders_its_sections_with_libreoffice(sample: Path,
                                                          lo_convert: Callable[..., Path]
                                                          ) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: run scripts/test.sh")
    pdf = lo_convert(sample, "pdf")
    text = " ".join(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    for words in ("What would change it", "Close calls", "Roadmap", "Robust units",
                  "Changing within 18 months", "when practice passes 18 months"):
        assert words in text, words
