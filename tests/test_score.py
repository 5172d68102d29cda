"""`decider score` through click: exit codes, what goes to stdout and stderr, the files
written, several inputs at once, and the per-row formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result
from test_batch import UNITS, portfolio

from decider.cli import cli


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, ["score", *map(str, args)])


def test_scores_a_workbook_and_prints_a_summary(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    result = run(source)
    assert result.exit_code == 0, result.output
    # §11: counts in words that add up (3 + 1 + 1 = 5 rows), the named-only row counted.
    assert ("5 rows: 3 answered (Centralized 1, Hybrid 1, Decentralized 1), 1 with issues, "
            "1 with no inputs") in result.stdout
    assert result.stderr == ""
    sheet = openpyxl.load_workbook(tmp_path / "p.scored.xlsx")["Portfolio"]
    assert sheet["F4"].value == "Centralized" and sheet["F3"].value == "Recommendation"


def test_quiet_prints_nothing_and_strict_exits_1_on_row_issues(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    quiet = run(source, "--quiet")
    assert (quiet.exit_code, quiet.output) == (0, "")
    strict = run(source, "--strict", "-o", tmp_path / "s.xlsx")
    assert strict.exit_code == 1
    assert (tmp_path / "s.xlsx").exists(), "--strict still writes the workbook"
    clean = portfolio(tmp_path / "clean.xlsx", UNITS[:3])
    assert run(clean, "--strict").exit_code == 0


def test_an_unusable_file_exits_2_in_one_line(tmp_path: Path) -> None:
    source = tmp_path / "old.xls"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = run(source)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "save it as .xlsx" in result.stderr
    assert "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["old.xls"]


def test_bad_options_exit_2(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    assert run(source, "--column", "colour=B").exit_code == 2
    assert run(source, "--column", "size").exit_code == 2
    assert run(source, "--in-place", "-o", tmp_path / "x.xlsx").exit_code == 2
    assert run(source, "--format", "json", "--in-place").exit_code == 2
    missing = run(source, "--column", "budget=Money")
    assert missing.exit_code == 2 and "'Money'" in missing.stderr


def test_several_inputs_go_to_a_folder_and_a_bad_one_stops_no_other(tmp_path: Path) -> None:
    good = [portfolio(tmp_path / f"unit{n}.xlsx") for n in range(3)]
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "scored"
    result = run(*good, bad, "-o", out)
    assert result.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["unit0.xlsx", "unit1.xlsx", "unit2.xlsx"]
    assert "broken.xlsx" in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout.count("5 rows: 3 answered") == 3


def test_a_folder_input_scores_its_workbooks_only(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    portfolio(folder / "a.xlsx")
    portfolio(folder / "b.xlsx")
    (folder / "~$a.xlsx").write_bytes(b"lock")
    (folder / "notes.txt").write_text("x")
    out = tmp_path / "out"
    result = run(folder, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_in_place_writes_into_the_input_after_a_backup(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    original = source.read_bytes()
    assert run(source, "--in-place", "-q").exit_code == 0
    assert (tmp_path / "p.bak.xlsx").read_bytes() == original
    assert openpyxl.load_workbook(source)["Portfolio"]["F4"].value == "Centralized"


def test_json_format_prints_rows_on_stdout_and_writes_nothing(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    result = run(source, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["row"] for r in rows] == [4, 5, 6, 7]  # row 8 has a name and no input
    assert rows[0]["architecture"] == "Centralized" and rows[0]["file"] == str(source)
    assert rows[3]["architecture"] is None and "Scael-up" in rows[3]["issues"]
    assert "5 rows: 3 answered" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx"]


def test_csv_format_accepts_csv_input(tmp_path: Path) -> None:
    source = tmp_path / "units.csv"
    source.write_text("unit;size;maturity;regulation;budget\nRetail;4 200;Mature;banking;"
                      "2,5 M€\nLab;40;POC;Light;300k\n", "utf-8")
    result = run(source, "--format", "csv", "--quiet")
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["architecture"] for r in table] == ["Centralized", "Decentralized"]
    assert table[0]["size"] == "4 200"


def test_csv_input_without_a_row_format_says_what_to_use(tmp_path: Path) -> None:
    source = tmp_path / "units.csv"
    source.write_text("size,maturity,regulation,budget\n300,POC,Light,1M\n", "utf-8")
    result = run(source)
    assert result.exit_code == 2 and "--format csv" in result.stderr


def test_output_without_a_suffix_is_a_folder(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    result = run(source, "-o", tmp_path / "scored", "-q")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "scored").iterdir()] == ["p.xlsx"]


def _styled_units(path: Path, names_only: tuple[str, ...] = ("Beta",)) -> Path:
    """A table whose empty input cells are filled yellow, as templates often are: blank
    cells that exist in the sheet's XML."""
    from openpyxl.styles import PatternFill

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Units"
    sheet.append(["Business unit", "Employees", "AI maturity", "Regulation", "AI budget"])
    sheet.append(["Alpha", 300, "Scale-up", "Medium", "2.5M"])
    for name in names_only:
        sheet.append([name])
    sheet.append(["Gamma", 8000, "Enterprise", "banking", "10M"])
    fill = PatternFill("solid", fgColor="FFFF00")
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=5):
        for cell in row:
            cell.fill = fill
    workbook.save(path)  # a fresh workbook, not a user's round trip
    return path


def test_a_unit_with_only_its_name_is_a_row_with_no_inputs_among_styled_blank_cells(
        tmp_path: Path) -> None:
    """§10 (c): a label and no input at all (styled empty cells are no input): no answer,
    no issue, counted as a row with no inputs (and "1 row", never "1 rows")."""
    result = run(_styled_units(tmp_path / "u.xlsx"), "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert ("3 rows: 2 answered (Centralized 1, Hybrid 1), 0 with issues, 1 with no inputs"
            in result.stdout) and "rows with no inputs: 3" in result.stdout
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Units"]
    assert sheet["A3"].value == "Beta" and sheet["F3"].value is None
    assert sheet["I3"].value is None and sheet["J3"].value is None


def test_clearing_a_units_inputs_clears_its_old_answer(tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    assert run(_styled_units(tmp_path / "u.xlsx"), "-o", first).exit_code == 0
    edited = openpyxl.load_workbook(first)  # the user clears Alpha's inputs in Excel
    for ref in ("B2", "C2", "D2", "E2"):
        edited["Units"][ref].value = None
    edited.save(tmp_path / "cleared.xlsx")
    result = run(tmp_path / "cleared.xlsx", "-o", tmp_path / "second.xlsx")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "second.xlsx")["Units"]
    assert sheet["F2"].value is None, "Alpha kept its stale recommendation"
    assert all(sheet[f"{c}2"].value is None for c in "GHIJ"), "Alpha kept its old answer"


def test_a_second_in_place_run_keeps_the_original_backup(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    original = source.read_bytes()
    assert run(source, "--in-place").exit_code == 0
    assert (tmp_path / "p.bak.xlsx").read_bytes() == original
    scored_once = source.read_bytes()
    again = run(source, "--in-place")
    assert again.exit_code == 2
    assert "p.bak.xlsx already exists" in again.stderr
    assert (tmp_path / "p.bak.xlsx").read_bytes() == original
    assert source.read_bytes() == scored_once


def test_an_xlsm_output_for_a_workbook_without_macros_is_refused(tmp_path: Path) -> None:
    result = run(portfolio(tmp_path / "p.xlsx"), "-o", tmp_path / "p.xlsm")
    assert result.exit_code == 2
    assert "holds no macros: name the output .xlsx" in result.stderr
    assert not (tmp_path / "p.xlsm").exists()


def test_a_failed_json_run_prints_nothing_on_stdout(tmp_path: Path) -> None:
    result = run(tmp_path / "missing.xlsx", "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
