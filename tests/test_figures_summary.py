"""The summary's group view weighs units by their employees as the answers read them
(decision policy, sections 10 and 11): 1.2 under "Headcount ('000)" is 1,200 employees,
not 1.2; "1.2k", "1 350", "2-3k" and a cell formatted `0.0"k"` are what the reader makes
of them. The test knows each unit's employees from its own inputs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from decider.cli import cli

SUMMARY = "Decider summary"
K_FORMAT = '0.0"k"'
# (unit, size cell, its number format or None, employees as a careful reader counts them,
# maturity, regulation, budget). Under "Headcount ('000)" a bare number or a text number
# with no unit is thousands; a unit typed in the cell or in its number format wins.
THOUSANDS: tuple[tuple[Any, ...], ...] = (
    ("Bank", 1.2, None, 1200, "Mature", "Strong", "6M"),
    ("Retail", 0.45, None, 450, "Scale-up", "Medium", "3M"),
    ("Typed k", "1.2k", None, 1200, "POC", "Light", "1M"),
    ("Typed words", "450 employees", None, 450, "12 months", "Medium", "4.8M"),
    ("Text number", "1 350", None, 1_350_000, "Scale-up", "Light", "2M"),
    ("Formatted", 2.5, K_FORMAT, 2500, "Mature", "Medium", "5.5M"),
)
PLAIN: tuple[tuple[Any, ...], ...] = (
    ("Plant", 4200, None, 4200, "Mature", "Light", "6M"),
    ("Spaced", "1 350", None, 1350, "POC", "Light", "500k"),
    ("Range", "2-3k", None, 2500, "Scale-up", "Medium", "3M"),
    ("Formatted", 3.5, K_FORMAT, 3500, "12 months", "Strong", "2M"),
    ("Small", "80", None, 80, "POC", "Light", "100k"),
)
SHEETS = {"Thousands": ("Headcount ('000)", THOUSANDS), "Plain": ("Employees", PLAIN)}


def build(path: Path, sheets: dict[str, tuple[str, tuple[tuple[Any, ...], ...]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for name, (size_header, units) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(["Business unit", size_header, "AI maturity", "Regulation", "AI budget"])
        for unit, size, number_format, _employees, *rest in units:
            sheet.append([unit, size, *rest])
            if number_format is not None:
                sheet.cell(sheet.max_row, 2).number_format = number_format
    book.save(path)


def scored(tmp_path: Path, sheets: dict[str, tuple[str, tuple[tuple[Any, ...], ...]]]
           ) -> tuple[dict[str, list[list[Any]]], list[list[Any]]]:
    source, target = tmp_path / "units.xlsx", tmp_path / "units.scored.xlsx"
    build(source, sheets)
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target, read_only=True)
    rows = {name: [list(r) for r in book[name].iter_rows(values_only=True)]
            for name in [*sheets, SUMMARY]}
    book.close()
    return {name: rows[name] for name in sheets}, rows[SUMMARY]


def group_view(summary: list[list[Any]]) -> tuple[float, str]:
    row = next(r for r in summary if r and r[0] == "Portfolio index (0 to 100)")
    values = [v for v in row[1:] if v is not None]
    return float(values[0]), str(values[1])


def expected_view(sheets: dict[str, tuple[str, tuple[tuple[Any, ...], ...]]],
                  scored_rows: dict[str, list[list[Any]]]) -> tuple[float, int, int]:
    """The index weighted by the employees the test knows, the units and the employees."""
    weighted = total = units = 0
    for name, (_header, known) in sheets.items():
        header, *rows = scored_rows[name]
        at = header.index("Centralization index")
        assert len(rows) == len(known)
        for row, unit in zip(rows, known, strict=True):
            assert isinstance(row[at], int | float), (name, unit, row)
            weighted += row[at] * unit[3]
            total += unit[3]
            units += 1
    return weighted / total, units, total


def test_the_group_view_counts_employees_in_the_columns_units(tmp_path: Path) -> None:
    rows, summary = scored(tmp_path, SHEETS)
    index, basis = group_view(summary)
    want_index, units, employees = expected_view(SHEETS, rows)
    assert basis == (f"weighted by employees: {units} units with an answer, "
                     f"{employees:,} employees")
    assert abs(index - want_index) <= 0.05 + 1e-9  # the sheet shows one decimal


def test_one_thousands_sheet_alone(tmp_path: Path) -> None:
    sheets = {"Thousands": SHEETS["Thousands"]}
    rows, summary = scored(tmp_path, sheets)
    index, basis = group_view(summary)
    want_index, units, employees = expected_view(sheets, rows)
    found = re.fullmatch(r"weighted by employees: (\d+) units with an answer, ([\d,]+) "
                         r"employees", basis)
    assert found is not None, basis
    assert (int(found[1]), int(found[2].replace(",", ""))) == (units, employees)
    assert abs(index - want_index) <= 0.05 + 1e-9  # the sheet shows one decimal
