"""Builders and the scorer for tests/test_realistic_portfolios.py: a workbook spec (sheets
of rows, each cell a value, a formula, or `F(value, number_format)`) written with a real
writer (openpyxl, XlsxWriter, or openpyxl then LibreOffice, which saves the formulas'
values), scored with `decider score --format json`, and each unit compared with the
answer written by hand in the test."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
from click.testing import CliRunner

from decider.cli import cli


@dataclass(frozen=True)
class F:
    """A number cell with a number format (how the cell shows its value)."""
    value: Any
    fmt: str


@dataclass
class Book:
    """A workbook as a company keeps it, and what a careful person reads in it.

    expect: unit label -> "Centralized" / "Hybrid" / "Decentralized", or "!words" (the
    row must carry an issue containing these words), or "-" (not a unit: no answer, no
    issue). `why`: label -> text the unit's rationale (or issue) must contain, showing
    what was read. `refused`: the whole run must stop with this text (exit 2)."""
    name: str
    writer: str
    sheets: dict[str, list[list[Any]]]
    expect: dict[str, str] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    refused: str = ""
    label_column: int = 0  # where a row's name is (0: the first column)
    merges: dict[str, list[str]] = field(default_factory=dict)  # sheet -> merged ranges


def _plain(cell: Any) -> Any:
    return cell.value if isinstance(cell, F) else cell


def write_openpyxl(path: Path, book: Book) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in book.sheets.items():
        sheet = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, cell in enumerate(row, start=1):
                if cell is None:
                    continue
                target = sheet.cell(row=r, column=c, value=_plain(cell))
                if isinstance(cell, F):
                    target.number_format = cell.fmt
        for merged in book.merges.get(name, []):
            sheet.merge_cells(merged)
    wb.save(path)


def write_xlsxwriter(path: Path, book: Book) -> None:
    wb = xlsxwriter.Workbook(str(path))
    formats: dict[str, Any] = {}
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in book.sheets.items():
        sheet = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, F):
                    fmt = formats.setdefault(cell.fmt, wb.add_format({"num_format": cell.fmt}))
                    if isinstance(cell.value, (dt.date, dt.datetime)):
                        sheet.write_datetime(r, c, cell.value, fmt)
                    else:
                        sheet.write(r, c, cell.value, fmt)
                elif isinstance(cell, (dt.date, dt.datetime)):
                    sheet.write_datetime(r, c, cell, date_format)
                else:
                    sheet.write(r, c, cell)
    wb.close()


def write_libreoffice(path: Path, book: Book) -> None:
    """openpyxl writes it, LibreOffice opens, recalculates and saves it as xlsx (with the
    formulas' values), as a workbook that went through LibreOffice Calc."""
    raw = path.with_name(path.stem + ".raw.xlsx")
    write_openpyxl(raw, book)
    out = path.parent / "lo"
    out.mkdir(exist_ok=True)
    subprocess.run(["soffice", "--headless", "--calc", "--convert-to", "xlsx",
                    "--outdir", str(out), str(raw)], check=True, capture_output=True,
                   timeout=120)
    shutil.move(str(out / raw.name), path)


WRITERS = {"openpyxl": write_openpyxl, "xlsxwriter": write_xlsxwriter,
           "libreoffice": write_libreoffice}


def build(book: Book, folder: Path) -> Path:
    path = folder / f"{book.name}.xlsx"
    WRITERS[book.writer](path, book)
    return path


def labels(path: Path, column: int = 0) -> dict[tuple[str, int], str]:
    """(sheet, row) -> the row's label (its name cell, else its first), read back."""
    wb = openpyxl.load_workbook(path, read_only=True)
    found = {}
    for sheet in wb.worksheets:
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            name = row[column] if row and len(row) > column else None
            name = name if name is not None else (row[0] if row else None)
            if name is not None:
                found[(sheet.title, r)] = str(name)
    wb.close()
    return found


@dataclass
class Outcome:
    label: str
    expected: str
    got: str            # an architecture, "!" + the issue, "-" (no row), or "?" absent
    text: str           # rationale or issue
    verdict: str        # right / refused-correctly / refused-unneeded / wrong-silently /
                        # skipped-silently / why-missing


def score(book: Book, folder: Path) -> tuple[list[Outcome], str]:
    path = build(book, folder)
    result = CliRunner().invoke(cli, ["score", str(path), "--format", "json", *book.args])
    if book.refused:
        ok = result.exit_code == 2 and book.refused.lower() in result.output.lower()
        return [Outcome(book.name, "refuse", f"exit {result.exit_code}", result.output,
                        "refused-correctly" if ok else "wrong-silently")], result.output
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout[result.stdout.index("["):])
    names = labels(path, book.label_column)
    by_label = {names.get((r["sheet"], r["row"]), f"{r['sheet']}!{r['row']}"): r for r in rows}
    return [_judge(label, want, by_label.get(label), book.why.get(label))
            for label, want in book.expect.items()], result.output


def _judge(label: str, want: str, row: dict[str, Any] | None, why: str | None) -> Outcome:
    if row is None:
        got, text = "?", ""
    elif row["issues"]:
        got, text = "!" + row["issues"], row["issues"]
    elif row["architecture"]:
        got, text = row["architecture"], row["rationale"] or ""
    else:
        got, text = "-", ""
    if want == "-":
        verdict = "right" if got in ("-", "?") else "wrong-silently"
    elif got == "?" or got == "-":
        verdict = "skipped-silently"
    elif want.startswith("!"):
        if got.startswith("!"):
            verdict = ("refused-correctly" if want[1:].lower() in got.lower()
                       else "refused-other-reason")
        else:
            verdict = "wrong-silently"
    elif got.startswith("!"):
        verdict = "refused-unneeded"
    else:
        verdict = "right" if got == want else "wrong-silently"
    if verdict in ("right", "refused-correctly") and why and why.lower() not in text.lower():
        verdict = "why-missing"
    return Outcome(label, want, got, text, verdict)
