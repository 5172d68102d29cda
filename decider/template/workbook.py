"""The template workbook: Matrix, Portfolio, Policy and How to use, written by XlsxWriter."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from decider.errors import DeciderInputError
from decider.files import replaced_whole
from decider.palette import ARCHITECTURE_COLOURS
from decider.policy import Policy, default_policy
from decider.template.formulas import InputRefs, ResultFormulas, result_formulas
from decider.template.names import (
    INPUT_HEADERS,
    PORTFOLIO_SHEET,
    PORTFOLIO_TABLE,
    RESULT_HEADERS,
    N,
)
from decider.template.policy_sheet import write_policy_sheet

FormulaMode = Literal["native", "udf", "lambda", "none"]
FORMULA_MODES: tuple[FormulaMode, ...] = ("native", "udf", "lambda", "none")
MAX_ROWS = 10_000

# A fixed creation date keeps builds byte-for-byte reproducible part by part.
CREATED = dt.datetime(2026, 2, 17, tzinfo=dt.UTC)

COLOURS = ARCHITECTURE_COLOURS

LAMBDA_NAMES = {"architecture": "ORCH_ARCH", "index": "ORCH_INDEX", "rationale": "ORCH_EXPLAIN"}
LAMBDA_PARAMETERS = ("size", "maturity", "regulation", "budget", "multi_country")


def build_template(
    path: str | Path,
    *,
    formulas: FormulaMode = "native",
    rows: int = 200,
    policy: Policy | None = None,
) -> Path:
    """Write the template workbook to `path` (whole or not at all); returns the path."""
    if formulas not in FORMULA_MODES:
        raise DeciderInputError(
            f"formulas '{formulas}' is not a mode; accepted: {', '.join(FORMULA_MODES)}")
    if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= MAX_ROWS:
        raise DeciderInputError(
            f"rows '{rows}' is not accepted; accepted: a whole number from 1 to {MAX_ROWS}")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise DeciderInputError(
            f"output '{target}' is not an .xlsx path; accepted: a path ending in .xlsx")
    if not target.parent.is_dir():
        raise DeciderInputError(f"output '{target}': the folder {target.parent} does not exist")
    with replaced_whole(target) as temporary:
        _write(temporary, formulas, rows, policy or default_policy())
    return target


def _write(path: Path, mode: FormulaMode, rows: int, policy: Policy) -> None:
    workbook = Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    workbook.set_properties({
        "title": "AI orchestration decision matrix",
        "subject": "Centralized, Hybrid or Decentralized, per business unit",
        "author": "decider",
        "comments": f"Built by decider; formulas: {mode}; policy: {policy.name}",
        "created": CREATED,
    })
    formats = _formats(workbook)
    # Portfolio first: `decider score` fills the first sheet whose header it recognises,
    # and the Matrix's header (Size, Maturity, Regulation) would be recognised too.
    _portfolio_sheet(workbook, formats, mode, rows)
    _matrix_sheet(workbook, formats)
    write_policy_sheet(workbook, policy, formats)
    _how_to_sheet(workbook, formats, mode)
    if mode == "lambda":
        _define_lambdas(workbook)
    workbook.close()


class _PortfolioWorksheet(Worksheet):  # type: ignore[misc]  # XlsxWriter: untyped
    """The Portfolio sheet: its table's formulas cache "" (a blank row's result), typed as
    text (`t="str"`), as Excel stores an empty text result. XlsxWriter caches 0 for a
    table's formula cells, which LibreOffice, keeping an .xlsx's cached values by default,
    shows in every blank row."""

    def _write_formula(self, row: int, col: int, formula: str, cell_format: Any = None,
                       value: Any = "") -> int:
        # add_table writes its column formulas through here without a value.
        result: int = super()._write_formula(row, col, formula, cell_format, value)
        return result

    def _xml_formula_element(self, formula: str, result: Any,
                             attributes: list[tuple[str, Any]] | None = None) -> None:
        attributes = list(attributes or [])
        if result == "" and not any(key == "t" for key, _ in attributes):
            attributes.append(("t", "str"))
        super()._xml_formula_element(formula, result, attributes)


def _formats(workbook: Workbook) -> dict[str, Any]:
    base: dict[str, Any] = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
    made: dict[str, dict[str, Any]] = {
        "title": {"bold": True, "font_size": 16},
        "section": {"bold": True, "font_size": 12, "font_color": "#1F4E79"},
        "header": {"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "text_wrap": True},
        "label": {},
        "note": {"italic": True, "font_color": "#595959"},
        "edit": {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF",
                 "locked": False},
        "edit_text": {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF",
                      "locked": False},
        # LibreOffice shows a boolean in a General-format cell as 1: say TRUE/FALSE.
        "edit_flag": {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF",
                      "locked": False, "num_format": '"TRUE";"TRUE";"FALSE"'},
        "source": {"font_color": "#595959", "text_wrap": True, "locked": False},
        "wrap": {"text_wrap": True},
        "index": {"num_format": "0.0"},
        "euros": {"num_format": "#,##0"},
        "integer": {"num_format": "#,##0"},
        "bold": {"bold": True},
        # The Portfolio header's own format: LibreOffice draws no Excel table style.
        "table_header": {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79",
                         "border": 1, "border_color": "#BFBFBF", "text_wrap": True,
                         "valign": "vcenter"},
    }
    formats = {name: workbook.add_format({**base, **props}) for name, props in made.items()}
    for architecture, (fill, font) in COLOURS.items():
        formats[architecture] = workbook.add_format(
            {"bg_color": fill, "font_color": font, "bold": True})
    return formats


def _colour_architectures(sheet: Worksheet, first_row: int, last_row: int, col: int,
                          formats: Mapping[str, Any]) -> None:
    for architecture in COLOURS:
        sheet.conditional_format(first_row, col, last_row, col, {
            "type": "cell", "criteria": "==", "value": f'"{architecture}"',
            "format": formats[architecture],
        })


# --- Matrix ----------------------------------------------------------------------------

MATRIX_ROWS = (
    ("<100", "POC", "Light", "Decentralized"),
    ("100-500", "Scale-up", "Medium", "Hybrid"),
    ("500-5k", "Mature", "Strong", "Centralized"),
    ("5k+", "Enterprise", "Critical", "Centralized"),
)
CHECKLIST: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AI Maturity", ("<6 months ➜ Decentralized/Hybrid", ">18 months ➜ Centralized")),
    ("Regulation", ("Finance/Healthcare ➜ Centralized 100%",)),
    ("Size", ("<100 ➜ Hybrid", ">500 ➜ Centralized")),
    ("Budget", ("<€2M/year ➜ Hybrid", ">€5M/year ➜ Centralized")),
)
CRITERIA_TEXT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Criterion 1: Enterprise AI Maturity", (
        "Phase 1 (POC) ➜ Decentralized", "Phase 2 (Scale) ➜ Hybrid",
        "Phase 3 (Mature) ➜ Centralized")),
    ("Criterion 2: Regulatory Constraints", (
        "Finance/Healthcare ➜ Centralized (100%)", "Pure tech ➜ Decentralized OK",
        "Public sector ➜ Centralized mandatory")),
    ("Criterion 3: Size & Team Diversity", (
        "<50 employees ➜ Decentralized", ">500 employees ➜ Centralized",
        "Multi-country ➜ Centralized")),
)


def _matrix_sheet(workbook: Workbook, formats: Mapping[str, Any]) -> None:
    sheet = workbook.add_worksheet("Matrix")
    sheet.write(0, 0, "AI orchestration: maturity matrix", formats["title"])
    sheet.write(1, 0, "AI Orchestration 2026: Centralized vs Decentralized (Feb 17, 2026)",
                formats["note"])
    first, last = 3, 3 + len(MATRIX_ROWS)
    sheet.add_table(first, 0, last, 3, {
        "name": "Matrix",
        "style": "Table Style Medium 2",
        "data": [list(row) for row in MATRIX_ROWS],
        "columns": [{"header": h} for h in ("Size", "Maturity", "Regulation", "Architecture")],
    })
    _colour_architectures(sheet, first + 1, last, 3, formats)
    sheet.write(last + 2, 0, "Position for 85% of companies in 2026: Hybrid "
                "(core standards + peripheral freedom).", formats["note"])

    row = first
    sheet.write(row - 1, 5, "Architecture choice checklist 2026", formats["section"])
    for heading, items in CHECKLIST:
        sheet.write(row, 5, heading, formats["bold"])
        row += 1
        for item in items:
            sheet.write(row, 5, f"☐ {item}")
            row += 1
    row += 1
    sheet.write(row, 5, "The three criteria", formats["section"])
    row += 1
    for heading, items in CRITERIA_TEXT:
        sheet.write(row, 5, heading, formats["bold"])
        row += 1
        for item in items:
            sheet.write(row, 5, item)
            row += 1
    sheet.set_column(0, 3, 16)
    sheet.set_column(4, 4, 4)
    sheet.set_column(5, 5, 46)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 1)
    sheet.set_paper(9)
    sheet.hide_gridlines(2)


# --- Portfolio -------------------------------------------------------------------------


def _this_row(header: str) -> str:
    return f"{PORTFOLIO_TABLE}[[#This Row],[{header}]]"


PORTFOLIO_REFS = InputRefs(*(_this_row(header) for header in INPUT_HEADERS[1:]))
LAMBDA_REFS = InputRefs(*(f"_xlpm.{name}" for name in LAMBDA_PARAMETERS))


def native_formulas() -> ResultFormulas:
    """The Portfolio table's native formulas (structured references to the row)."""
    return result_formulas(PORTFOLIO_REFS)


def _call(function: str) -> str:
    refs = PORTFOLIO_REFS
    arguments = ",".join((refs.size, refs.maturity, refs.regulation, refs.budget,
                          refs.multi_country))
    return f"{function}({arguments})"


def _column_formulas(mode: FormulaMode) -> tuple[str, str, str] | None:
    if mode == "none":
        return None
    if mode == "native":
        native = native_formulas()
        return native.architecture, native.index, native.rationale
    # udf: the add-in's functions, which answer a row of blank inputs with an empty cell
    # themselves; lambda: the same names, defined in the workbook as LAMBDA functions.
    arch, index, explain = (_call(LAMBDA_NAMES[key])
                            for key in ("architecture", "index", "rationale"))
    return arch, index, explain


INPUT_HELP = {
    "Employees": ("Employees", "Number of employees of the business unit (above 0). "
                  "Leave blank if unknown."),
    "AI maturity": ("AI maturity", "Pick a phase, or type the months practising AI as a "
                    "number (6 and 18 months are Scale-up). Blank: unknown."),
    "Regulation": ("Regulation", "Pick a regulation level or a sector (the Policy sheet gives "
                   "each sector's level). Finance, Healthcare, Public sector and Critical make "
                   "the answer Centralized."),
    "AI budget (EUR/yr)": ("AI budget", "Yearly AI budget in euros, as a number "
                           "(5,000,000 is still Hybrid). Blank: unknown. Other currencies: "
                           "decider score, at a rate on the Policy sheet."),
    "Multi-country": ("Multi-country", "yes or no, or the number of countries. Several "
                      "countries make the size criterion vote Centralized."),
}


def _portfolio_sheet(workbook: Workbook, formats: Mapping[str, Any], mode: FormulaMode,
                     rows: int) -> None:
    sheet = workbook.add_worksheet(PORTFOLIO_SHEET, worksheet_class=_PortfolioWorksheet)
    # Every row of a table column holds the same formula text: prepare it once, not once
    # a row (XlsxWriter runs some thirty regular expressions over each formula it writes).
    sheet._prepare_formula = functools.lru_cache(maxsize=64)(sheet._prepare_formula)
    last = rows
    formulas = _column_formulas(mode)
    header_format = formats["table_header"]
    columns: list[dict[str, Any]] = [{"header": h, "header_format": header_format}
                                     for h in INPUT_HEADERS]
    columns[1]["format"] = formats["integer"]
    columns[4]["format"] = formats["euros"]
    for position, header in enumerate(RESULT_HEADERS):
        column: dict[str, Any] = {"header": header, "header_format": header_format}
        if formulas is not None:
            column["formula"] = "=" + formulas[position]
        if header == "Centralization index":
            column["format"] = formats["index"]
        if header == "Rationale":
            column["format"] = formats["wrap"]
        columns.append(column)
    sheet.add_table(0, 0, last, len(columns) - 1, {
        "name": PORTFOLIO_TABLE, "style": "Table Style Medium 2", "columns": columns,
    })
    if mode == "lambda" and formulas is not None:
        # Excel evaluates a call of a LAMBDA name only as a dynamic-array formula.
        first_result = len(INPUT_HEADERS)
        for offset, formula in enumerate(formulas):
            col = first_result + offset
            for row in range(1, last + 1):
                sheet.write_dynamic_array_formula(row, col, row, col, "=" + formula,
                                                  columns[col].get("format"), "")
    _portfolio_validation(sheet, last)
    result_col = len(INPUT_HEADERS)
    _colour_architectures(sheet, 1, last, result_col, formats)
    widths = (24, 12, 14, 16, 18, 13, 22, 13, 80)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 30)  # two lines: "Centralization index" wraps in its column
    sheet.freeze_panes(1, 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_header("&L&\"Calibri,Bold\"AI orchestration portfolio&R&D")
    sheet.set_footer("&CPage &P of &N")


def _portfolio_validation(sheet: Worksheet, last: int) -> None:
    def column(header: str) -> int:
        return INPUT_HEADERS.index(header)

    def message(header: str) -> dict[str, str]:
        title, text = INPUT_HELP[header]
        return {"input_title": title, "input_message": text}

    col = column("Employees")
    sheet.data_validation(1, col, last, col, {
        "validate": "decimal", "criteria": ">", "value": 0, **message("Employees"),
        "error_title": "Employees", "error_message": "A number above 0, or blank if unknown.",
    })
    col = column("AI budget (EUR/yr)")
    sheet.data_validation(1, col, last, col, {
        "validate": "decimal", "criteria": ">", "value": 0, **message("AI budget (EUR/yr)"),
        # A warning, not a stop: decider score converts "£500k" at a Policy sheet rate.
        "error_type": "warning", "error_title": "AI budget",
        "error_message": "Not a number of euros. Keep it only for decider score, which converts "
                         "another currency at a rate of the Policy sheet.",
    })
    col = column("AI maturity")
    sheet.data_validation(1, col, last, col, {
        "validate": "list", "source": f"={N.phase_labels}", **message("AI maturity"),
        # A warning, not a stop: a number of months is accepted too.
        "error_type": "warning", "error_title": "AI maturity",
        "error_message": "Not a phase of the list. Keep it only if it is a number of months.",
    })
    col = column("Regulation")
    sheet.data_validation(1, col, last, col, {
        "validate": "list", "source": f"={N.regulation_choices}", **message("Regulation"),
        "error_title": "Regulation", "error_message": "Pick a level or a sector of the list.",
    })
    col = column("Multi-country")
    sheet.data_validation(1, col, last, col, {
        "validate": "list", "source": ["yes", "no"], **message("Multi-country"),
        "error_type": "warning", "error_title": "Multi-country",
        "error_message": "Not yes or no. Keep it only if it is a number of countries.",
    })


# --- LAMBDA names ----------------------------------------------------------------------


def lambda_definitions() -> dict[str, str]:
    """Each LAMBDA name with its definition, as Excel stores it (no leading '=')."""
    body = result_formulas(LAMBDA_REFS)
    parameters = ",".join(
        f"_xlop.{p}" if p == "multi_country" else f"_xlpm.{p}" for p in LAMBDA_PARAMETERS)
    bodies = {"architecture": body.architecture, "index": body.index,
              "rationale": body.rationale}
    return {name: f"_xlfn.LAMBDA({parameters},{bodies[key]})"
            for key, name in LAMBDA_NAMES.items()}


def _define_lambdas(workbook: Workbook) -> None:
    for name, definition in lambda_definitions().items():
        workbook.define_name(name, "=" + definition)


# --- How to use ------------------------------------------------------------------------

HOW_TO = (
    ("How to use this workbook", "title"),
    ("Fill one row of the Portfolio table per business unit: Employees, AI maturity, "
     "Regulation, AI budget (EUR/yr) and, if it applies, Multi-country. Leave a cell blank "
     "when you do not know: that criterion then does not vote. Two known criteria are "
     "enough (or a mandatory regulation such as Finance).", "wrap"),
    ("", None),
    ("Three ways to get the answers", "section"),
    ("1. Plain Excel (formulas: native). The Recommendation, Centralization index and "
     "Rationale columns are ordinary formulas that read the Policy sheet: no add-in, no "
     "macros, nothing to install. Edit a yellow cell on the Policy sheet and every answer "
     "follows.", "wrap"),
    ("2. The decider add-in (formulas: udf). With the xlwings add-in installed, "
     "=ORCH_ARCH(...), =ORCH_INDEX(...) and =ORCH_EXPLAIN(...) answer with the Python "
     "engine, under the policy file named by the DECIDER_POLICY environment variable (this "
     "workbook's path applies its Policy sheet) or the default one. formulas: lambda "
     "defines the same names as LAMBDA functions for Excel 365, with no add-in, reading "
     "this workbook's Policy sheet.", "wrap"),
    ("3. Batch (formulas: none). Leave the result columns empty, fill the inputs, then run "
     "`decider score portfolio.xlsx -o scored.xlsx`: decider writes the answers into the "
     "result columns. `--policy this-workbook.xlsx` applies this workbook's Policy sheet.",
     "wrap"),
    ("", None),
    ("The rules", "section"),
    ("Each known criterion votes on a centralization index from 0 (Decentralized) to 100 "
     "(Centralized); the index is the weighted mean of the votes. Below the Policy's "
     "'Decentralized below' it is Decentralized, above 'Centralized above' Centralized, "
     "otherwise Hybrid. A mandatory regulation makes it Centralized whatever the rest says. "
     "500 employees, 6 and 18 months and €5M are Hybrid: the article's bounds are strict.",
     "wrap"),
    ("Build another copy with: decider template -o my_matrix.xlsx [--formulas "
     "native|udf|lambda|none] [--rows N] [--policy FILE]", "note"),
)


def _how_to_sheet(workbook: Workbook, formats: Mapping[str, Any], mode: FormulaMode) -> None:
    sheet = workbook.add_worksheet("How to use")
    sheet.set_column(0, 0, 110)
    row = 0
    for text, style in HOW_TO:
        if text:
            sheet.write_string(row, 0, text, formats[style] if style else None)
        row += 1
    sheet.write_string(row, 0, f"This copy's result columns: formulas {mode}.",
                       formats["note"])

