"""Excel must open what decider writes without repair.

Every kind of workbook decider writes goes through Microsoft's Open XML SDK validator
(`ooxml_validator`, installed by scripts/test.sh) and through our own structural checks
(`xlsx_checks`), which catch what Excel refuses and the SDK does not. A scored workbook
fails when it has an error or a problem its input did not already have: inputs may carry
a few (openpyxl writes `<font>` children in an order the SDK flags; Excel opens them).
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_lossless import build_openpyxl_workbook, build_xlsxwriter_workbook, members
from test_template_formulas import fill_portfolio
from test_template_score import ROWS
from xlsx_checks import structural_problems

from decider.cli import cli

Error = tuple[str, str, str]  # (id, description, part)
TEMPLATE_MODES = ("native", "udf", "lambda", "none")
# Scored with --column letters on their first sheet (as test_lossless_corpus does): a
# spread of writers and features (charts, a chart sheet, tables, conditional formats,
# protection, quoted sheet names, merged cells, the 1904 date system, extra drawing parts,
# a pivot table, LibreOffice macros, Google Sheets).
CORPUS_SAMPLE = (
    "excel/array_formula01.xlsx", "excel/autofilter04.xlsx", "excel/chart_bar13.xlsx",
    "excel/chartsheet02.xlsx", "excel/cond_format07.xlsx", "excel/protect05.xlsx",
    "excel/quote_name02.xlsx", "excel/table06.xlsx", "excel/merge_range02.xlsx",
    "excel/date_1904_01.xlsx", "other/60255_extra_drawingparts.xlsx",
    "other/ExcelPivotTableSample.xlsx", "other/libre.xlsm", "other/google.xlsx",
)
COLUMNS = ("--header-row", "1", "--column", "size=A", "--column", "maturity=B",
           "--column", "regulation=C", "--column", "budget=D")


def validation_errors(validator: Path, path: Path) -> set[Error]:
    completed = subprocess.run([str(validator), str(path.resolve())], capture_output=True,
                               text=True, timeout=120, check=False)
    report = json.loads(completed.stdout)
    return {(e.get("id", ""), e.get("description", ""), e.get("path", ""))
            for e in report.get("errors", [])}


def assert_valid(validator: Path, output: Path, source: Path | None = None) -> None:
    """`output` has no validator error nor structural problem `source` did not have."""
    before = validation_errors(validator, source) if source is not None else set()
    new = validation_errors(validator, output) - before
    assert not new, f"{output.name}: new validator errors: {sorted(new)[:5]}"
    old_problems = set(structural_problems(source)) if source is not None else set()
    problems = [p for p in structural_problems(output) if p not in old_problems]
    assert not problems, f"{output.name}: {problems[:5]}"


def score(*arguments: str | Path) -> None:
    result = CliRunner().invoke(cli, ["score", *map(str, arguments)])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("mode", TEMPLATE_MODES)
def test_each_template_is_valid(mode: str, ooxml_validator: Path, tmp_path: Path) -> None:
    path = tmp_path / f"{mode}.xlsx"
    result = CliRunner().invoke(cli, ["template", "--formulas", mode, "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert_valid(ooxml_validator, path)


@pytest.mark.parametrize("mode", ["none", "native"])
def test_a_scored_template_is_valid(mode: str, ooxml_validator: Path, tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    result = CliRunner().invoke(cli, ["template", "--formulas", mode, "--rows", "20",
                                      "-o", str(source)])
    assert result.exit_code == 0, result.output
    fill_portfolio(source, ROWS)
    output = tmp_path / "scored.xlsx"
    score(source, "-o", output, *(["--overwrite"] if mode == "native" else []))
    assert_valid(ooxml_validator, output, source)


@pytest.mark.parametrize("builder", [build_xlsxwriter_workbook, build_openpyxl_workbook],
                         ids=["xlsxwriter", "openpyxl"])
def test_scored_lossless_workbooks_are_valid(builder: Callable[[Path], None],
                                             ooxml_validator: Path, tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    builder(source)
    output = tmp_path / "scored.xlsx"
    score(source, "-o", output)
    assert "Decider summary" in members(output)["xl/workbook.xml"].decode()
    assert_valid(ooxml_validator, output, source)
    again = tmp_path / "again.xlsx"  # a summary replaced by a second run is valid too
    score(output, "-o", again)
    assert_valid(ooxml_validator, again, source)


def test_scored_xlsm_is_valid(corpus: Path, ooxml_validator: Path, tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsm"
    build_xlsxwriter_workbook(source, vba_project=corpus / "excel" / "vbaProject01.bin")
    output = tmp_path / "scored.xlsm"
    score(source, "-o", output)
    assert_valid(ooxml_validator, output, source)


@pytest.mark.libreoffice
def test_scored_libreoffice_workbook_is_valid(lo_convert: Callable[..., Path],
                                              ooxml_validator: Path, tmp_path: Path) -> None:
    original = tmp_path / "portfolio.xlsx"
    build_xlsxwriter_workbook(original)
    source = lo_convert(original, "xlsx")
    output = tmp_path / "scored.xlsx"
    score(source, "-o", output)
    assert_valid(ooxml_validator, output, source)


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_SAMPLE)
def test_scored_corpus_workbooks_are_valid(name: str, corpus: Path, ooxml_validator: Path,
                                           tmp_path: Path) -> None:
    source = corpus / name
    assert source.is_file(), f"the corpus no longer has {name}"
    output = tmp_path / f"scored{source.suffix}"
    score(source, "-o", output, *COLUMNS)
    assert_valid(ooxml_validator, output, source)


def test_the_checks_catch_what_they_name(tmp_path: Path) -> None:
    """The structural checks can fail: a sheet with cells out of order, a duplicate cell,
    overlapping merges and a formula naming a missing sheet."""
    source = tmp_path / "book.xlsx"
    build_openpyxl_workbook(source)
    parts = members(source)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    bad = (sheet.replace('<c r="A4"', '<c r="Z4"><v>1</v></c><c r="A4"', 1)
           .replace("</mergeCells>", '<mergeCell ref="A1:B2"/></mergeCells>'))
    notes = parts["xl/worksheets/sheet2.xml"].decode().replace("<f>Portfolio!", "<f>Nowhere!")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as out:
        for name, data in parts.items():
            changed = {"xl/worksheets/sheet1.xml": bad, "xl/worksheets/sheet2.xml": notes}
            out.writestr(name, changed[name].encode() if name in changed else data)
    problems = structural_problems(broken)
    assert structural_problems(source) == []
    assert any("out of order" in p for p in problems), problems
    assert any("overlap" in p for p in problems), problems
    assert any("'Nowhere'" in p for p in problems), problems
