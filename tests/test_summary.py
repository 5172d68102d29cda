"""The "Decider summary" sheet `decider score` adds last: its counts are the answers
(cached, and after LibreOffice recalculates them), its chart is a native chart that
LibreOffice draws, its group view follows the policy, and a second run replaces it."""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from lxml import etree
from test_lossless import (
    SAFE_PARSER,
    assert_lossless,
    build_xlsxwriter_workbook,
    member_names,
    members,
    worksheet_parts,
)
from xlsx_checks import structural_problems

from decider import __version__, default_policy, recommend, score_rows, score_workbook
from decider.cli import cli
from decider.errors import DeciderInputError

SUMMARY = "Decider summary"
SHEET = "Unit's portfolio"  # a name formulas must quote, with a quote to double
UNITS = (  # name, employees, maturity, regulation, budget
    ("Retail Banking", 4200, "Mature", "banking", "2,5 M€"),
    ("Group Data Lab", 38, "POC", "Pure tech", "€250k"),
    ("E-commerce", 260, "Scale-up", "SaaS", "1,2 M€"),
    ("Hospital Network", 5100, "18 months", "healthcare", "€6.5M"),
    ("HR Services", 150, "Scael-up", "Medium", "€400k"),
    ("Logistics", 1900, "12 months", "Medium", 1500000),
    ("Mobile Apps", 45, "5 months", "tech", "€120k"),
    ("Procurement", 95, "3 months", "Light", "€150k"),
)
FIRST_ROW = 3  # header on row 2, a title above


def build_portfolio(path: Path, units: tuple[tuple[Any, ...], ...] = UNITS) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(SHEET)
    sheet.write(0, 0, "AI portfolio")
    sheet.write_row(1, 0, ("Business unit", "Employees", "AI maturity", "Sector", "AI budget"))
    for offset, unit in enumerate(units):
        sheet.write_row(FIRST_ROW - 1 + offset, 0, unit)
    book.close()


def expected_answers(units: tuple[tuple[Any, ...], ...] = UNITS) -> list[Any]:
    answers = []
    for unit in units:
        try:
            answers.append(recommend(*unit[1:5]))
        except DeciderInputError:
            answers.append(None)
    return answers


def run(*arguments: str | Path) -> Any:
    result = CliRunner().invoke(cli, ["score", *map(str, arguments)])
    assert result.exit_code == 0, result.output
    return result


def sheet_names(path: Path) -> list[str]:
    return [name for name, _part, _kind in worksheet_parts(members(path))]


def summary_values(path: Path) -> dict[str, list[Any]]:
    """Each summary row by its label in column A: the values of columns B to D."""
    sheet = openpyxl.load_workbook(path, data_only=True)[SUMMARY]
    found: dict[str, list[Any]] = {}
    for row in sheet.iter_rows(min_col=1, max_col=4):
        label = row[0].value
        if isinstance(label, str) and label not in found:
            found[label] = [cell.value for cell in row[1:]]
    return found


@pytest.fixture
def scored(tmp_path: Path) -> Path:
    source = tmp_path / "portfolio.xlsx"
    build_portfolio(source)
    output = tmp_path / "out" / "portfolio.xlsx"
    output.parent.mkdir()
    run(source, "-o", output)
    return output


def test_the_summary_is_the_last_sheet_and_counts_the_answers(scored: Path) -> None:
    assert sheet_names(scored) == [SHEET, SUMMARY]
    answers = expected_answers()
    values = summary_values(scored)
    for architecture in ("Centralized", "Hybrid", "Decentralized"):
        count = sum(1 for a in answers if a is not None and a.architecture == architecture)
        assert values[architecture][0] == count, architecture
        assert values[architecture][1] == pytest.approx(count / len(UNITS))
    assert values["Rows with issues"][0] == answers.count(None) > 0
    assert values["Units scored"][0] == len(UNITS)
    assert values["Totals rows skipped"][0] == 0
    assert values["File"][0] == "portfolio.xlsx"
    assert values["Sheet"][0] == SHEET
    assert values["Header row"][0] == 2
    assert values["Decider version"][0] == __version__
    assert values["Policy"][0] == default_policy().name
    assert values["Scored on"][0].count("-") == 2  # an ISO date


def test_the_counts_are_formulas_over_the_scored_sheet(scored: Path) -> None:
    sheet = openpyxl.load_workbook(scored)[SUMMARY]
    formulas: dict[Any, Any] = {}
    for label, value in sheet.iter_rows(min_col=1, max_col=2, values_only=True):
        formulas.setdefault(label, value)
    last = FIRST_ROW + len(UNITS) - 1
    assert formulas["Centralized"] == (
        f"=COUNTIF('Unit''s portfolio'!$F${FIRST_ROW}:$F${last},\"Centralized\")")
    assert formulas["Rows with issues"] == (
        f"=COUNTIF('Unit''s portfolio'!$I${FIRST_ROW}:$I${last},\"?*\")")
    assert structural_problems(scored) == []


@pytest.mark.libreoffice
def test_the_counts_hold_after_libreoffice_recalculates_and_after_an_edit(
        scored: Path, lo_convert: Callable[..., Path], tmp_path: Path) -> None:
    cached = summary_values(scored)
    recalculated = summary_values(lo_convert(scored, "xlsx"))
    for label in ("Centralized", "Hybrid", "Decentralized", "Rows with issues",
                  "Units scored"):
        assert recalculated[label][0] == cached[label][0], label
        assert recalculated[label][1] == pytest.approx(cached[label][1]), label
    # A user overrides one answer: the formulas follow (openpyxl stands in for the user;
    # it drops the chart, which this test does not need).
    book = openpyxl.load_workbook(scored)
    sheet = book[SHEET]
    row = next(r for r in range(FIRST_ROW, FIRST_ROW + len(UNITS))
               if sheet.cell(r, 6).value == "Hybrid")
    sheet.cell(row, 6).value = "Centralized"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    after = summary_values(lo_convert(edited, "xlsx"))
    assert after["Centralized"][0] == cached["Centralized"][0] + 1
    assert after["Hybrid"][0] == cached["Hybrid"][0] - 1


def test_the_chart_is_native_and_reached_from_the_summary_sheet(scored: Path) -> None:
    parts = members(scored)
    sheet_part = next(p for n, p, _k in worksheet_parts(parts) if n == SUMMARY)

    def related(part: str, kind: str) -> str:
        folder, base = posixpath.split(part)
        rels = etree.fromstring(parts[posixpath.join(folder, "_rels", base + ".rels")],
                                SAFE_PARSER)
        target = next(r.get("Target") for r in rels if r.get("Type").endswith("/" + kind))
        return posixpath.normpath(posixpath.join(folder, target))

    drawing = related(sheet_part, "drawing")
    chart = related(drawing, "chart")
    assert b"<drawing r:id=" in parts[sheet_part]
    xml = parts[chart].decode()
    assert "<c:barChart>" in xml
    assert "'Decider summary'!$B$" in xml and "'Decider summary'!$A$" in xml
    assert "Business units by architecture" in xml
    types = parts["[Content_Types].xml"].decode()
    for part in (sheet_part, drawing, chart):
        assert f'PartName="/{part}"' in types


@pytest.mark.libreoffice
def test_libreoffice_draws_the_chart_in_its_pdf(scored: Path, lo_convert: Callable[..., Path],
                                                tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is not installed: run scripts/test.sh")
        pytest.skip("pdftotext (poppler-utils) is not installed: run scripts/test.sh")
    pdf = lo_convert(scored, "pdf")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    words = " ".join(text.split())
    assert "Business units by architecture" in words  # the chart's title, drawn
    assert "Decider summary" in text


def test_the_group_view_is_weighted_by_employees(scored: Path) -> None:
    answers = expected_answers()
    pairs = [(a.index, unit[1]) for a, unit in zip(answers, UNITS, strict=True)
             if a is not None]
    weighted = sum(i * e for i, e in pairs) / sum(e for _i, e in pairs)
    values = summary_values(scored)
    assert values["Portfolio index (0 to 100)"][0] == pytest.approx(round(weighted, 1))
    assert "weighted by employees" in values["Portfolio index (0 to 100)"][2]
    policy = default_policy()
    expected = ("Decentralized" if weighted < policy.decentralized_below else
                "Centralized" if weighted > policy.centralized_above else "Hybrid")
    assert values["Group architecture"][0] == expected
    assert values["The article"][0] == policy.hybrid_source
    assert "85%" in values["The article"][0]


def test_one_vote_per_unit_when_a_unit_has_no_number_of_employees(tmp_path: Path) -> None:
    units = ((*UNITS[0][:1], "5k+", *UNITS[0][2:]), *UNITS[1:])  # a band, not a number
    source = tmp_path / "portfolio.xlsx"
    build_portfolio(source, units)
    output = tmp_path / "scored.xlsx"
    run(source, "-o", output)
    indexes = [a.index for a in expected_answers(units) if a is not None]
    values = summary_values(output)
    assert values["Portfolio index (0 to 100)"][0] == pytest.approx(
        round(sum(indexes) / len(indexes), 1))
    assert "one vote per unit" in values["Portfolio index (0 to 100)"][2]


def test_mandatory_units_and_rows_with_issues_are_listed_with_links(scored: Path) -> None:
    sheet = openpyxl.load_workbook(scored)[SUMMARY]
    # From the mandatory units on (the close calls and the roadmap above link rows too).
    start = next(c.row for row in sheet.iter_rows(min_col=1, max_col=1) for c in row
                 if c.value == "Centralized by a mandatory rule")
    links = {c.hyperlink.location: sheet.cell(c.row, 4).value
             for row in sheet.iter_rows(min_row=start, min_col=1, max_col=1) for c in row
             if c.hyperlink}
    units = {c.hyperlink.location: sheet.cell(c.row, 2).value
             for row in sheet.iter_rows(min_row=start, min_col=1, max_col=1) for c in row
             if c.hyperlink}
    assert len(units) == 3  # two mandatory, one issue
    for offset, unit in enumerate(UNITS):  # each listed row names its unit
        location = f"'Unit''s portfolio'!A{FIRST_ROW + offset}"
        assert units.get(location, unit[0]) == unit[0]
    answers = expected_answers()
    issues = score_rows(scored.parent.parent / "portfolio.xlsx").set_index("row")["issues"]
    for offset, answer in enumerate(answers):
        location = f"'Unit''s portfolio'!A{FIRST_ROW + offset}"
        if answer is None:
            assert links[location] == issues[FIRST_ROW + offset]
            assert UNITS[offset][2] in links[location]  # names the value it could not read
        elif answer.mandatory:  # §11: the index shown with the words that explain it
            assert links[location] == (f"mandatory: Centralized whatever the index "
                                       f"({answer.index:.1f}); {answer.mandatory}")
        else:
            assert location not in links
    assert any("mandatory" in (text or "") for text in links.values())


def test_scoring_twice_gives_the_same_file(tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    build_xlsxwriter_workbook(source)
    first, second = tmp_path / "a" / "p.xlsx", tmp_path / "b" / "p.xlsx"
    first.parent.mkdir()
    second.parent.mkdir()
    run(source, "-o", first)
    run(source, "-o", second)
    assert first.read_bytes() == second.read_bytes()


def test_in_place_twice_replaces_the_summary(tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    build_xlsxwriter_workbook(source)
    original = source.read_bytes()
    run(source, "--in-place")
    once = source.read_bytes()
    (tmp_path / "portfolio.bak.xlsx").unlink()
    run(source, "--in-place")
    assert sheet_names(source).count(SUMMARY) == 1
    assert source.read_bytes() == once  # replaced by the same sheet, not added again
    backup = tmp_path / "portfolio.bak.xlsx"
    assert_lossless(backup, source, "Portfolio")
    assert backup.read_bytes() == once and once != original


def test_a_second_run_with_other_answers_replaces_the_counts(tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    build_portfolio(source)
    scored = tmp_path / "scored.xlsx"
    run(source, "-o", scored)
    book = openpyxl.load_workbook(scored)  # the user fixes a typo in the input
    book[SHEET].cell(FIRST_ROW + 4, 3).value = "Scale-up"
    book.save(source)
    again = tmp_path / "again.xlsx"
    run(source, "-o", again)
    assert sheet_names(again).count(SUMMARY) == 1
    fixed = list(UNITS)
    fixed[4] = (*UNITS[4][:2], "Scale-up", *UNITS[4][3:])
    answers = expected_answers(tuple(fixed))
    assert summary_values(again)["Rows with issues"][0] == answers.count(None)


def test_no_summary_and_row_formats_add_no_sheet(tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    build_xlsxwriter_workbook(source)
    output = tmp_path / "plain.xlsx"
    run(source, "-o", output, "--no-summary")
    assert sheet_names(output) == sheet_names(source)
    assert member_names(output) == member_names(source)
    api = tmp_path / "api.xlsx"
    score_workbook(source, api, summary=False)
    assert sheet_names(api) == sheet_names(source)
    for fmt in ("json", "csv"):
        before = sorted(tmp_path.iterdir())
        result = run(source, "--format", fmt)
        assert "Recommendation" in result.stdout or "architecture" in result.stdout
        assert sorted(tmp_path.iterdir()) == before  # nothing written


def test_no_summary_leaves_an_earlier_summary_as_it_is(scored: Path, tmp_path: Path) -> None:
    output = tmp_path / "again.xlsx"
    run(scored, "-o", output, "--no-summary")
    old, new = members(scored), members(output)
    part = next(p for n, p, _k in worksheet_parts(old) if n == SUMMARY)
    assert new[part] == old[part]


def test_the_summary_sheet_itself_is_not_scored(scored: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["score", str(scored), "-o", str(tmp_path / "x.xlsx"),
                                      "--sheet", SUMMARY, "--header-row", "12",
                                      "--column", "size=B", "--column", "maturity=C",
                                      "--column", "regulation=D", "--column", "budget=A"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.xlsx").exists()


def test_the_summary_has_no_shared_strings_of_its_own(scored: Path) -> None:
    with zipfile.ZipFile(scored) as package:
        names = package.namelist()
        sheet = next(p for n, p, _k in worksheet_parts(members(scored)) if n == SUMMARY)
        xml = package.read(sheet)
    assert b't="s"' not in xml  # text inline: the user's shared strings are untouched
    assert b"tabSelected" not in xml  # the user's selected sheet stays the only one
    assert names[-5:] == [sheet, posixpath.join(posixpath.dirname(sheet), "_rels",
                                                posixpath.basename(sheet) + ".rels"),
                          *names[-3:]]


def test_a_tables_totals_row_is_skipped_not_counted(tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet(SHEET)
    sheet.write(0, 0, "AI portfolio")
    headers = ("Business unit", "Employees", "AI maturity", "Sector", "AI budget")
    for offset, unit in enumerate(UNITS):
        sheet.write_row(FIRST_ROW - 1 + offset, 0, unit)
    columns: list[dict[str, str]] = [{"header": h} for h in headers]
    columns[0]["total_string"] = "Total"
    columns[1]["total_function"] = "sum"
    sheet.add_table(1, 0, FIRST_ROW - 1 + len(UNITS), len(headers) - 1,
                    {"name": "Units", "columns": columns, "total_row": True})
    book.close()
    output = tmp_path / "scored.xlsx"
    run(source, "-o", output)
    values = summary_values(output)
    assert values["Totals rows skipped"][0] == 1
    assert values["Totals rows skipped"][2] == f"row {FIRST_ROW + len(UNITS)}"  # "1 row"
    assert values["Units scored"][0] == len(UNITS)
    answers = expected_answers()
    assert values["Rows with issues"][0] == answers.count(None)


def _rewritten(source: Path, target: Path, change: dict[str, Callable[[bytes], bytes]],
               extra: dict[str, bytes] | None = None) -> None:
    """A copy of `source` with some parts changed and some added, as another writer
    (Excel, a user) would leave it."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, change[info.filename](data)
                         if info.filename in change else data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)


def test_a_summary_moved_by_the_user_is_replaced_last_and_names_follow(scored: Path,
                                                                      tmp_path: Path) -> None:
    """A user dragged the summary first and Excel saved a name local to the scored sheet:
    the new summary goes last, and the name still belongs to the scored sheet."""
    def move(xml: bytes) -> bytes:
        text = xml.decode()
        start = text.index('<sheet name="Decider summary"')
        tag = text[start:text.index("/>", start) + 2]
        text = text.replace(tag, "").replace("<sheets>", "<sheets>" + tag)
        text = text.replace("</sheets>", '</sheets><definedNames><definedName '
                            'name="_xlnm.Print_Area" localSheetId="1">'
                            "'Unit''s portfolio'!$A$1:$J$10</definedName></definedNames>")
        return text.encode()

    moved = tmp_path / "moved.xlsx"
    _rewritten(scored, moved, {"xl/workbook.xml": move})
    assert sheet_names(moved) == [SUMMARY, SHEET]
    again = tmp_path / "again.xlsx"
    run(moved, "-o", again)
    assert sheet_names(again) == [SHEET, SUMMARY]
    workbook = members(again)["xl/workbook.xml"].decode()
    assert 'localSheetId="0"' in workbook  # the print area is still the scored sheet's
    assert structural_problems(again) == []


def test_an_excel_calc_chain_of_the_old_summary_goes(scored: Path, tmp_path: Path) -> None:
    """Excel keeps a chain of formula cells by sheet id; the old summary's entries would
    point at cells of a sheet replaced, so the chain (a cache Excel rebuilds) goes."""
    workbook = members(scored)["xl/workbook.xml"].decode()
    sheet_id = workbook.split('name="Decider summary" sheetId="')[1].split('"')[0]
    chain = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns='
             b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="B13" i="'
             + sheet_id.encode() + b'"/></calcChain>')
    rel = (b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
           b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    override = (b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.'
                b'openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
    with_chain = tmp_path / "chain.xlsx"
    _rewritten(scored, with_chain, {
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel),
        "[Content_Types].xml": lambda x: x.replace(b"</Types>", override),
    }, {"xl/calcChain.xml": chain})
    again = tmp_path / "again.xlsx"
    run(with_chain, "-o", again)
    parts = members(again)
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in parts["[Content_Types].xml"]
    assert sheet_names(again) == [SHEET, SUMMARY]
