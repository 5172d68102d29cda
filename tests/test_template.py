"""`decider template`: the workbook's sheets, tables, validation, formats, formula modes,
the command line, and the shipped template (which must not be stale)."""

from __future__ import annotations

import re
import subprocess
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from decider import default_policy, load_policy, recommend
from decider.cli import cli
from decider.template import build_template, lambda_definitions, native_formulas
from decider.template.names import EMPTY_RATE_ROWS, INPUT_HEADERS, RESULT_HEADERS
from decider.template.shipped import shipped_template
from decider.template.workbook import LAMBDA_PARAMETERS, PORTFOLIO_REFS

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "xlsx_templates" / "orchestration_matrix.xlsx"

# Functions Excel 2016 and LibreOffice both evaluate, none needing an _xlfn. prefix.
PORTABLE_FUNCTIONS = {"IF", "AND", "OR", "NOT", "ISNUMBER", "ISLOGICAL", "TRIM", "SUBSTITUTE",
                      "INT", "ROUND", "INDEX", "MATCH", "IFERROR", "SUMPRODUCT", "MID"}


def load(path: Path, **options: Any) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns of parts it cannot read: fail
        return openpyxl.load_workbook(path, **options)


@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("native") / "matrix.xlsx")


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def sheet_xml(path: Path, title: str) -> str:
    workbook = load(path)
    position = workbook.sheetnames.index(title) + 1
    return part(path, f"xl/worksheets/sheet{position}.xml")


# --- the workbook ----------------------------------------------------------------------


def test_sheets_and_the_portfolio_table(native: Path) -> None:
    workbook = load(native)
    assert workbook.sheetnames == ["Portfolio", "Matrix", "Policy", "How to use"]
    sheet = workbook["Portfolio"]
    assert dict(sheet.tables.items()) == {"Portfolio": "A1:I201"}
    headers = [cell.value for cell in sheet[1]]
    assert headers == [*INPUT_HEADERS, *RESULT_HEADERS]
    assert sheet.freeze_panes == "B2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert all(sheet.column_dimensions[c].width >= 12 for c in "ABCDEFGHI")


def test_every_portfolio_row_holds_the_three_formulas(native: Path) -> None:
    sheet = load(native)["Portfolio"]
    formulas = native_formulas()
    for row in (2, 101, 201):
        values = [sheet.cell(row, col).value for col in (7, 8, 9)]
        assert values == ["=" + formulas.architecture, "=" + formulas.index,
                          "=" + formulas.rationale]
        assert all(sheet.cell(row, col).value is None for col in range(1, 7))
    # The table's calculated columns carry the formulas to rows a user adds.
    xml = part(native, "xl/tables/table1.xml")
    assert 'name="Portfolio"' in xml
    assert xml.count("<calculatedColumnFormula>") == 3


@pytest.mark.parametrize("mode", ["native", "udf", "lambda"])
def test_blank_rows_cache_an_empty_text_result(tmp_path: Path, mode: str) -> None:
    """A program that keeps cached values (LibreOffice by default) shows a blank row blank:
    every result cell caches an empty text, typed as text, not the number 0."""
    path = build_template(tmp_path / f"{mode}.xlsx", formulas=mode, rows=4)
    xml = sheet_xml(path, "Portfolio")
    cells = [cell for cell in re.findall(r'<c r="([GHI]\d+)"([^>]*)>(.*?)</c>', xml)
             if cell[0][1:] != "1"]
    assert sorted(ref for ref, _, _ in cells) == sorted(
        f"{col}{row}" for col in "GHI" for row in range(2, 6))
    for ref, attributes, content in cells:
        assert 't="str"' in attributes, ref
        assert content.endswith("<v></v>"), ref
    cached = load(path, data_only=True)["Portfolio"]
    assert all(cached.cell(r, c).value is None and cached.cell(r, c).data_type == "str"
               for r in range(2, 6) for c in (7, 8, 9))


def test_the_portfolio_header_has_its_own_format(native: Path) -> None:
    """LibreOffice draws no Excel table style: the header cells carry bold, fill, border."""
    sheet = load(native)["Portfolio"]
    for cell in sheet[1]:
        assert cell.font.b, cell.coordinate
        assert cell.fill.fgColor.rgb == "FF1F4E79", cell.coordinate
        assert cell.font.color.rgb == "FFFFFFFF", cell.coordinate
        assert cell.border.bottom.style == "thin", cell.coordinate
    assert sheet.row_dimensions[1].height == 30


def test_native_formulas_use_portable_functions_only(native: Path) -> None:
    formulas = native_formulas()
    for formula in (formulas.architecture, formulas.index, formulas.rationale):
        assert len(formula) < 8192, "Excel refuses longer formulas"
        used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", formula))
        assert used <= PORTABLE_FUNCTIONS, used - PORTABLE_FUNCTIONS
        assert "_xlfn." not in formula
        # Excel refuses a text constant of more than 255 characters in a formula.
        assert max(len(text) for text in re.findall(r'"([^"]*)"', formula)) <= 255
    policy_formulas = re.findall(r"<f>(.*?)</f>", sheet_xml(native, "Policy"))
    for formula in policy_formulas:
        assert set(re.findall(r"([A-Z][A-Z0-9.]*)\(", formula)) <= PORTABLE_FUNCTIONS


def test_input_validation_and_messages(native: Path) -> None:
    sheet = load(native)["Portfolio"]
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    for ref in ("B2:B201", "E2:E201"):
        assert (rules[ref].type, rules[ref].operator, rules[ref].formula1) == (
            "decimal", "greaterThan", "0")
    assert (rules["C2:C201"].type, rules["C2:C201"].formula1) == ("list", "PhaseLabels")
    assert (rules["D2:D201"].type, rules["D2:D201"].formula1) == ("list", "RegulationChoices")
    assert (rules["F2:F201"].type, rules["F2:F201"].formula1) == ("list", '"yes,no"')
    # Months and country counts are typed numbers: the lists warn, they do not stop.
    assert rules["C2:C201"].errorStyle == "warning"
    assert rules["F2:F201"].errorStyle == "warning"
    # A budget in another currency is decider score's to convert: warned, not refused.
    assert rules["E2:E201"].errorStyle == "warning"
    assert rules["B2:B201"].errorStyle in (None, "stop")
    assert rules["D2:D201"].errorStyle in (None, "stop")
    assert all(dv.prompt and dv.promptTitle for dv in rules.values())


def test_dropdown_lists_hold_the_policy_labels(native: Path) -> None:
    workbook = load(native, data_only=True)
    policy = workbook["Policy"]

    def values(name: str) -> list[Any]:
        destination = next(iter(workbook.defined_names[name].destinations))[1]
        return [row[0].value for row in policy[destination.replace("$", "")]]

    assert values("PhaseLabels") == ["POC", "Scale-up", "Mature", "Enterprise"]
    regulation = default_policy().data["regulation"]
    sectors = list(regulation["sectors"])
    assert len(sectors) >= 36 and {"Finance", "Retail", "Logistics"} <= set(sectors)
    # Every level, then every sector in the policy's order: the labels the formulas match.
    assert values("LevelLabels") == ["Light", "Medium", "Strong", "Critical"]
    assert values("SectorLabels") == sectors
    assert values("RegulationChoices") == ["Light", "Medium", "Strong", "Critical", *sectors]
    assert values("SectorLevels") == [regulation["sectors"][s]["level"] for s in sectors]
    assert values("SectorSources") == [regulation["sectors"][s]["source"] for s in sectors]
    assert values("SectorForms") == [", ".join(regulation["sectors"][s]["forms"])
                                     for s in sectors]


def test_the_exchange_rate_table_is_empty_and_says_no_rate_is_built_in(native: Path) -> None:
    workbook = load(native)
    sheet = workbook["Policy"]

    def cells(name: str) -> list[Any]:
        destination = next(iter(workbook.defined_names[name].destinations))[1]
        return [row[0] for row in sheet[destination.replace("$", "")]]

    codes, rates = cells("RateCodes"), cells("RateValues")
    assert len(codes) == len(rates) == EMPTY_RATE_ROWS
    assert all(c.value in (None, "") for c in codes + rates)
    assert not any(c.protection.locked for c in codes + rates), "a user types rates here"
    assert [c.row for c in codes] == [c.row for c in rates]
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "No rate is built in" in text
    assert "native formulas read euros only" in text
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    rate_column = f"{rates[0].coordinate}:{rates[-1].coordinate}"
    assert (rules[rate_column].type, rules[rate_column].operator) == ("decimal", "greaterThan")


def test_policy_values_are_editable_and_labels_are_not(native: Path) -> None:
    workbook = load(native)
    sheet = workbook["Policy"]
    assert sheet.protection.sheet and not sheet.protection.password

    def cells(name: str) -> list[Any]:
        destination = next(iter(workbook.defined_names[name].destinations))[1]
        found = sheet[destination.replace("$", "")]
        return [row[0] for row in found] if isinstance(found, tuple) else [found]

    for name in ("DecentralizedBelow", "CentralizedAbove", "WeightBudget", "LevelVotes",
                 "LevelMandatory", "SectorLevels", "PhaseVotes", "PhaseForms", "SizeVotes",
                 "MultiCountryVote", "SectorForms", "RateCodes", "RateValues"):
        assert not any(cell.protection.locked for cell in cells(name)), name
    # The last range of a scale has no bound ("otherwise"): nothing there to edit.
    for name in ("SizeBounds", "SizeLimits", "MonthLimits", "BudgetBounds", "BudgetLimits"):
        *bounded, last = cells(name)
        assert not any(cell.protection.locked for cell in bounded), name
        assert last.protection.locked, name
    for name in ("PhaseLabels", "LevelLabels", "SectorLabels", "RegulationChoices",
                 "IndexBreaks"):
        assert all(cell.protection.locked for cell in cells(name)), name


def test_architectures_are_coloured_alike_on_both_sheets(native: Path) -> None:
    workbook = load(native)
    fills = {}
    for title, ref in (("Portfolio", "G2:G201"), ("Matrix", "D5:D8")):
        rules = workbook[title].conditional_formatting
        found = {rule.formula[0]: rule.dxf.fill.bgColor.rgb
                 for cf in rules if str(cf.sqref) == ref for rule in cf.rules}
        assert set(found) == {'"Centralized"', '"Hybrid"', '"Decentralized"'}
        fills[title] = found
    assert fills["Portfolio"] == fills["Matrix"]
    assert len(set(fills["Matrix"].values())) == 3


def test_matrix_sheet_is_the_articles_matrix_and_the_engine_agrees(native: Path) -> None:
    sheet = load(native)["Matrix"]
    assert dict(sheet.tables.items()) == {"Matrix": "A4:D8"}
    rows = [[c.value for c in row] for row in sheet["A4:D8"]]
    assert rows[0] == ["Size", "Maturity", "Regulation", "Architecture"]
    assert rows[1:] == [["<100", "POC", "Light", "Decentralized"],
                        ["100-500", "Scale-up", "Medium", "Hybrid"],
                        ["500-5k", "Mature", "Strong", "Centralized"],
                        ["5k+", "Enterprise", "Critical", "Centralized"]]
    for size, maturity, regulation, architecture in rows[1:]:
        assert recommend(size, maturity, regulation).architecture == architecture
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    for words in ("checklist", ">€5M/year ➜ Centralized", "Criterion 3", "Multi-country"):
        assert words in text


def test_how_to_use_explains_the_three_ways(native: Path) -> None:
    text = " ".join(str(c.value) for row in load(native)["How to use"].iter_rows()
                    for c in row if c.value)
    for words in ("Plain Excel", "add-in", "decider score", "--policy", "LAMBDA"):
        assert words in text


def test_builds_are_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    build_template(first)
    build_template(second)
    assert first.read_bytes() == second.read_bytes()


def test_rows_option_sizes_the_table(tmp_path: Path) -> None:
    path = build_template(tmp_path / "three.xlsx", rows=3)
    sheet = load(path)["Portfolio"]
    assert sheet.tables["Portfolio"].ref == "A1:I4"
    assert str(sheet.cell(4, 7).value).startswith("=IF(")


def test_template_of_a_custom_policy_shows_it(tmp_path: Path) -> None:
    toml = tmp_path / "policy.toml"
    toml.write_text('name = "CTO office 2026"\n[weights]\nbudget = 2\n'
                    '[[budget.ranges]]\nbelow = 3000000\nvote = 50\n'
                    '[[budget.ranges]]\nvote = 100\n', "utf-8")
    path = build_template(tmp_path / "custom.xlsx", policy=load_policy(toml))
    policy = load_policy(path)
    assert policy.name == "CTO office 2026"
    assert policy.weights["budget"] == 2
    assert [b.limit for b in policy.budget_scale.bounds] == [3_000_000, None]


# --- the other formula modes -----------------------------------------------------------


def test_none_mode_leaves_the_result_columns_empty(tmp_path: Path) -> None:
    path = build_template(tmp_path / "none.xlsx", formulas="none", rows=20)
    sheet = load(path)["Portfolio"]
    assert [c.value for c in sheet[1]] == [*INPUT_HEADERS, *RESULT_HEADERS]
    assert all(sheet.cell(r, c).value is None for r in range(2, 22) for c in range(1, 10))
    assert "<f>" not in sheet_xml(path, "Portfolio")


def test_udf_mode_calls_the_add_in_functions(tmp_path: Path) -> None:
    path = build_template(tmp_path / "udf.xlsx", formulas="udf", rows=5)
    sheet = load(path)["Portfolio"]
    arguments = ",".join((PORTFOLIO_REFS.size, PORTFOLIO_REFS.maturity,
                          PORTFOLIO_REFS.regulation, PORTFOLIO_REFS.budget,
                          PORTFOLIO_REFS.multi_country))
    for col, name in ((7, "ORCH_ARCH"), (8, "ORCH_INDEX"), (9, "ORCH_EXPLAIN")):
        assert sheet.cell(2, col).value == f"={name}({arguments})"


def test_lambda_names_are_stored_as_excel_stores_them(tmp_path: Path) -> None:
    path = build_template(tmp_path / "lambda.xlsx", formulas="lambda", rows=5)
    workbook_xml = part(path, "xl/workbook.xml")
    head = ("_xlfn.LAMBDA(_xlpm.size,_xlpm.maturity,_xlpm.regulation,_xlpm.budget,"
            "_xlop.multi_country,")
    for name in ("ORCH_ARCH", "ORCH_INDEX", "ORCH_EXPLAIN"):
        stored = re.search(rf'<definedName name="{name}">(.*?)</definedName>', workbook_xml)
        assert stored is not None, name
        text = stored[1].replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
        text = text.replace("&gt;", ">")
        assert text.startswith(head) and text.endswith(")")
        assert text == lambda_definitions()[name]
        # Inside the body a parameter is _xlpm., even the optional one.
        body = text[len(head):-1]
        assert "_xlop." not in body and "_xlpm.multi_country" in body
    # Excel evaluates calls of LAMBDA names as dynamic-array formulas.
    cells = re.findall(r'<c r="G2"[^>]*>(.*?)</c>', sheet_xml(path, "Portfolio"))
    assert cells and 't="array"' in sheet_xml(path, "Portfolio")
    assert "ORCH_ARCH(Portfolio[[#This Row],[Employees]]" in cells[0]


def test_each_lambda_body_bound_to_cells_is_the_native_formula() -> None:
    native = native_formulas()
    head_length = len("_xlfn.LAMBDA(") + sum(len(f"_xlpm.{p},") for p in LAMBDA_PARAMETERS)
    cells = dict(zip(LAMBDA_PARAMETERS, (PORTFOLIO_REFS.size, PORTFOLIO_REFS.maturity,
                                         PORTFOLIO_REFS.regulation, PORTFOLIO_REFS.budget,
                                         PORTFOLIO_REFS.multi_country), strict=True))
    for name, formula in (("ORCH_ARCH", native.architecture), ("ORCH_INDEX", native.index),
                          ("ORCH_EXPLAIN", native.rationale)):
        body = lambda_definitions()[name][head_length:-1]
        bound = re.sub(r"_xlpm\.(\w+)", lambda m: cells[m[1]], body)
        assert bound == formula, name


# --- the shipped template --------------------------------------------------------------


def test_shipped_template_is_not_stale(tmp_path: Path) -> None:
    """xlsx_templates/orchestration_matrix.xlsx must be what build_templates.py makes now:
    run `python scripts/build_templates.py` after changing the template."""
    fresh = build_template(tmp_path / "fresh.xlsx")
    with zipfile.ZipFile(SHIPPED) as shipped, zipfile.ZipFile(fresh) as built:
        assert sorted(shipped.namelist()) == sorted(built.namelist()), "parts differ"
        for name in built.namelist():
            assert shipped.read(name) == built.read(name), (
                f"the shipped template is stale: part {name} differs; run python "
                f"scripts/build_templates.py (XlsxWriter {xlsxwriter.__version__} here)")


def test_shipped_template_is_found_and_is_native() -> None:
    found = shipped_template()
    assert found.read_bytes() == SHIPPED.read_bytes()
    assert str(load(found)["Portfolio"]["G2"].value).startswith("=IF(")


@pytest.mark.libreoffice
def test_shipped_template_opens_in_libreoffice(lo_convert: Callable[..., Path]) -> None:
    converted = load(lo_convert(SHIPPED), data_only=True)
    assert converted.sheetnames == ["Portfolio", "Matrix", "Policy", "How to use"]
    sheet = converted["Portfolio"]
    # Blank inputs give blank results, not errors.
    assert all(sheet.cell(r, c).value in (None, "") for r in range(2, 202) for c in (7, 8, 9))
    policy = converted["Policy"]
    assert not [c.coordinate for row in policy.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith(("#", "Err:"))]
    # LibreOffice keeps the Regulation dropdown, a list over a name on the Policy sheet,
    # and computes that name's cells as every level and sector label.
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    assert (rules["D2:D201"].type, rules["D2:D201"].formula1) == ("list", "RegulationChoices")
    destination = next(iter(converted.defined_names["RegulationChoices"].destinations))
    choices = [row[0].value for row in policy[destination[1].replace("$", "")]]
    regulation = default_policy().data["regulation"]
    assert choices == [*regulation["levels"], *regulation["sectors"]]


@pytest.mark.libreoffice
def test_libreoffice_shows_blank_rows_blank_without_recalculating(
        soffice: str, tmp_path: Path) -> None:
    """LibreOffice as a user has it: a fresh profile, which keeps an .xlsx's cached values
    (no 'recalculate always'). Every blank row of the shipped template shows nothing."""
    profile = tmp_path / "profile"
    completed = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "csv", "--outdir", str(tmp_path), str(SHIPPED)],
        capture_output=True, text=True, timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr
    assert not (profile / "user" / "registrymodifications.xcu").read_text(
        "utf-8").count("OOXMLRecalcMode"), "the profile must keep LibreOffice's default"
    lines = (tmp_path / "orchestration_matrix.csv").read_text("utf-8").splitlines()
    assert lines[0].split(",") == [*INPUT_HEADERS, *RESULT_HEADERS]
    assert len(lines) == 201
    assert set(lines[1:]) == {"," * 8}, lines[1:3]


# --- the command line ------------------------------------------------------------------


def run(*arguments: str) -> Any:
    return CliRunner().invoke(cli, ["template", *arguments])


def test_cli_writes_the_default_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = run()
    assert outcome.exit_code == 0, outcome.output
    written = tmp_path / "orchestration_matrix.xlsx"
    assert written.read_bytes() == build_template(tmp_path / "direct.xlsx").read_bytes()
    assert written.stat().st_mode & 0o044, "a user's file, readable as their umask says"


def test_cli_options(tmp_path: Path) -> None:
    out = tmp_path / "lambda.xlsx"
    outcome = run("-o", str(out), "--formulas", "lambda", "--rows", "7")
    assert outcome.exit_code == 0, outcome.output
    assert load(out)["Portfolio"].tables["Portfolio"].ref == "A1:I8"
    assert "ORCH_ARCH" in part(out, "xl/workbook.xml")


def test_cli_policy_from_a_template(tmp_path: Path) -> None:
    first = build_template(tmp_path / "first.xlsx")
    workbook = openpyxl.load_workbook(first)
    workbook["Policy"]["B6"].value = 40
    workbook.save(first)
    assert load_policy(first).decentralized_below == 40
    second = tmp_path / "second.xlsx"
    assert run("-o", str(second), "--policy", str(first)).exit_code == 0
    assert load_policy(second).decentralized_below == 40


def test_cli_refuses_to_replace_a_file_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"a user's own workbook")
    outcome = run("-o", str(out))
    assert outcome.exit_code == 1
    assert "exists" in outcome.output and "--force" in outcome.output
    assert out.read_bytes() == b"a user's own workbook"
    assert run("-o", str(out), "--force").exit_code == 0
    assert zipfile.is_zipfile(out)


@pytest.mark.parametrize(("arguments", "words"), [
    (("-o", "out.csv"), "not an .xlsx path"),
    (("-o", "missing/out.xlsx"), "does not exist"),
    (("--rows", "0"), "--rows"),
    (("--rows", "many"), "--rows"),
    (("--formulas", "vba"), "--formulas"),
    (("--policy", "absent.toml"), "--policy"),
])
def test_cli_refuses_bad_options_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             arguments: tuple[str, ...], words: str) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = run(*arguments)
    assert outcome.exit_code in (1, 2)
    assert words in outcome.output
    assert "Traceback" not in outcome.output and isinstance(outcome.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    blocked = tmp_path / "taken.xlsx"
    blocked.mkdir()  # a folder where the workbook should go: the rename fails
    with pytest.raises(OSError):
        build_template(blocked)
    assert [p.name for p in tmp_path.iterdir()] == ["taken.xlsx"]
    assert blocked.is_dir() and not any(blocked.iterdir())
