"""The Policy sheet: the policy in force as named cells a user may edit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from decider.policy import CRITERIA, Policy
from decider.template.names import BOUND_WORDS, EMPTY_RATE_ROWS, NO_BOUND, POLICY_SHEET, N


def exact_cell_value(value: Any) -> tuple[int | float | None, str | None]:
    """A policy number as a cell holds it: (number, None), or (its float, "=a/b") for a
    fraction a double cannot hold exactly (100/3), so that reading it back is exact."""
    number = Fraction(value) if not isinstance(value, str) else Fraction(value.strip())
    if number.denominator == 1:
        return int(number), None
    if Fraction(float(number)) == number:
        return float(number), None
    return float(number), f"={number.numerator}/{number.denominator}"


SOURCE_WIDTH = 70  # column D, in characters of the default font
SOURCE_LINE = 85  # characters of a source on one line of that column (about: fonts differ)


@dataclass
class _Sheet:
    """A cursor over the Policy sheet that names what it writes."""

    workbook: Workbook
    sheet: Worksheet
    formats: Mapping[str, Any]
    row: int = 0

    def name_range(self, name: str, col: int, first: int, last: int) -> None:
        start = xl_rowcol_to_cell(first, col, row_abs=True, col_abs=True)
        end = xl_rowcol_to_cell(last, col, row_abs=True, col_abs=True)
        ref = start if first == last else f"{start}:{end}"
        self.workbook.define_name(name, f"={POLICY_SHEET}!{ref}")

    def heading(self, text: str, columns: Sequence[str] = ()) -> None:
        self.row += 1
        self.sheet.write(self.row, 0, text, self.formats["section"])
        self.row += 1
        for col, title in enumerate(columns):
            self.sheet.write(self.row, col, title, self.formats["header"])
        if columns:
            self.row += 1

    def number(self, row: int, col: int, value: Any) -> None:
        number, formula = exact_cell_value(value)
        if formula is None:
            self.sheet.write_number(row, col, number, self.formats["edit"])
        else:
            self.sheet.write_formula(row, col, formula, self.formats["edit"], number)

    def source(self, text: str) -> None:
        """A source in column D, wrapped, its row as tall as its lines: neither Excel nor
        LibreOffice grows a row that XlsxWriter wrote, so a long source would overlap."""
        self.sheet.write_string(self.row, 3, text, self.formats["source"])
        lines = -(-len(text) // SOURCE_LINE)
        if lines > 1:
            self.sheet.set_row(self.row, 15 * lines)

    def setting(self, label: str, name: str, value: Any, note: str = "", *,
                text: bool = False) -> None:
        self.sheet.write(self.row, 0, label, self.formats["label"])
        if text:
            self.sheet.write_string(self.row, 1, value, self.formats["edit_text"])
        else:
            self.number(self.row, 1, value)
        if note:
            self.sheet.write(self.row, 3, note, self.formats["note"])
        self.name_range(name, 1, self.row, self.row)
        self.row += 1


def write_policy_sheet(workbook: Workbook, policy: Policy, formats: Mapping[str, Any]) -> None:
    """Write the Policy sheet and define its names (see `decider.template.names`)."""
    sheet = workbook.add_worksheet(POLICY_SHEET)
    cursor = _Sheet(workbook, sheet, formats)
    data = policy.data
    sheet.write(0, 0, "Decision policy", formats["title"])
    sheet.write(1, 0, "Edit the yellow cells (and the sources): `decider score --policy` "
                "and `decider recommend --policy` read them all; the Portfolio's native "
                "formulas read the bounds, votes, weights and sector levels, and match the "
                "labels exactly (free text such as 'Retail Banking', the 'Also accepted' forms "
                "and other currencies are decider's reading: they show 'Check inputs' there); "
                "the add-in's =ORCH_ARCH reads the policy file named in its last argument or in "
                "DECIDER_POLICY (this workbook's path works). Labels stay as they are: the "
                "dropdowns and formulas use them.", formats["note"])
    cursor.row = 2
    cursor.setting("Policy name", N.policy_name, str(data["name"]), text=True)

    decision = data["decision"]
    cursor.heading("Decision (centralization index: 0 Decentralized, 100 Centralized)")
    cursor.setting("Decentralized below", N.decentralized_below, decision["decentralized_below"],
                   "index strictly below: Decentralized")
    cursor.setting("Centralized above", N.centralized_above, decision["centralized_above"],
                   "index strictly above: Centralized; between, bounds included: Hybrid")
    cursor.setting("Known criteria needed", N.min_known, decision["min_known_criteria"],
                   "fewer known criteria and no mandatory regulation: no answer")
    cursor.setting("Hybrid source", N.hybrid_source, str(decision["hybrid_source"]), text=True)

    cursor.heading("Weights (each known criterion's vote counts this much in the index)")
    weight_names = (N.weight_size, N.weight_maturity, N.weight_regulation, N.weight_budget)
    for criterion, name in zip(CRITERIA, weight_names, strict=True):
        cursor.setting(criterion, name, data["weights"][criterion])

    _ranges(cursor, "Employees (size)", "Employees", data["size"]["ranges"],
            (N.size_bounds, N.size_limits, N.size_votes, N.size_sources))
    multi = data["multi_country"]
    cursor.heading("Multi-country (the size criterion's vote when the unit is in several)")
    cursor.setting("Vote when multi-country", N.multi_country_vote, multi["vote"])
    cursor.setting("Several = more countries than", N.countries_above, multi["countries_above"])
    cursor.setting("Source", N.multi_country_source, str(multi["source"]), text=True)

    _labels(cursor, "AI maturity phases", "Phase", data["maturity"]["phases"],
            (N.phase_labels, N.phase_forms, N.phase_votes, N.phase_sources), "vote")
    _ranges(cursor, "AI maturity in months practising AI", "Months",
            data["maturity"]["months"],
            (N.month_bounds, N.month_limits, N.month_votes, N.month_sources))
    levels = data["regulation"]["levels"]
    first_level = _labels(cursor, "Regulation levels", "Level", levels,
                          (N.level_labels, N.level_forms, N.level_votes, N.level_sources),
                          "vote", mandatory=True)
    first_sector = _labels(cursor, "Sectors (read as a regulation level)", "Sector",
                           data["regulation"]["sectors"],
                           (N.sector_labels, N.sector_forms, N.sector_levels, N.sector_sources),
                           "level")
    _ranges(cursor, "AI budget (EUR/yr)", "Euros", data["budget"]["ranges"],
            (N.budget_bounds, N.budget_limits, N.budget_votes, N.budget_sources))
    _rates(cursor, data["budget"].get("rates") or {})
    _regulation_choices(cursor, [*first_level, *first_sector])
    _index_breaks(cursor, policy)

    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, SOURCE_WIDTH)
    sheet.set_column(4, 4, 11)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.print_area(0, 0, cursor.row, 4)  # not the hidden lists right of the tables
    # Protected without a password: only the editable cells take typing, so the labels
    # that formulas and dropdowns match stay intact (Review > Unprotect lifts it).
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _ranges(cursor: _Sheet, title: str, unit: str, ranges: Sequence[Mapping[str, Any]],
            names: tuple[str, str, str, str]) -> None:
    cursor.heading(title, ("Bound", unit, "Vote", "Source"))
    first = cursor.row
    sheet, formats = cursor.sheet, cursor.formats
    for entry in ranges:
        key = "below" if "below" in entry else "up_to" if "up_to" in entry else None
        if key is None:
            sheet.write_string(cursor.row, 0, NO_BOUND, formats["label"])
            sheet.write_blank(cursor.row, 1, None, formats["label"])
        else:
            word = next(w for w, k in BOUND_WORDS.items() if k == key)
            sheet.write_string(cursor.row, 0, word, formats["edit_text"])
            sheet.data_validation(cursor.row, 0, cursor.row, 0, {
                "validate": "list", "source": list(BOUND_WORDS),
                "input_title": "Bound",
                "input_message": "below: strictly under the limit; up to: the limit included",
            })
            cursor.number(cursor.row, 1, entry[key])
        cursor.number(cursor.row, 2, entry["vote"])
        cursor.source(str(entry.get("source", "")))
        cursor.row += 1
    for col, name in enumerate(names):
        cursor.name_range(name, col, first, cursor.row - 1)


def _labels(cursor: _Sheet, title: str, kind: str, table: Mapping[str, Mapping[str, Any]],
            names: tuple[str, str, str, str], third: str, *, mandatory: bool = False
            ) -> list[tuple[int, str]]:
    """A table of labels (phases, levels, sectors); returns each label with its row."""
    third_title = "Vote" if third == "vote" else "Level"
    columns = (kind, "Also accepted", third_title, "Source", *(("Mandatory",) if mandatory else ()))
    cursor.heading(title, columns)
    sheet, formats = cursor.sheet, cursor.formats
    first = cursor.row
    for label, entry in table.items():
        sheet.write_string(cursor.row, 0, label, formats["label"])
        sheet.write_string(cursor.row, 1, ", ".join(entry.get("forms", [])), formats["edit_text"])
        if third == "vote":
            cursor.number(cursor.row, 2, entry["vote"])
        else:
            sheet.write_string(cursor.row, 2, str(entry["level"]), formats["edit_text"])
        cursor.source(str(entry.get("source", "")))
        if mandatory:
            sheet.write_boolean(cursor.row, 4, bool(entry.get("mandatory", False)),
                                formats["edit_flag"])
        cursor.row += 1
    last = cursor.row - 1
    # One rule per column, not one per row: the sector table has dozens of rows.
    if third != "vote":
        sheet.data_validation(first, 2, last, 2, {
            "validate": "list", "source": f"={N.level_labels}"})
    if mandatory:
        sheet.data_validation(first, 4, last, 4, {
            "validate": "list", "source": ["TRUE", "FALSE"],
            "input_title": "Mandatory",
            "input_message": "TRUE: this level makes the answer Centralized, whatever else",
        })
    for col, name in enumerate(names):
        cursor.name_range(name, col, first, last)
    if mandatory:
        cursor.name_range(N.level_mandatory, 4, first, last)
    return [(first + i, label) for i, label in enumerate(table)]


RATES_NOTE = (
    "No rate is built in: rates change, and a stale rate would be a silent error.",
    "Type a currency code (GBP, USD, CHF...) and what one unit is worth in euros, e.g. "
    "GBP 1.17: `decider score --policy` and `decider recommend --policy` with this workbook",
    "then read \"£500k\" as €585,000 (--rate on the command line overrides a rate here).",
    "The Portfolio's native formulas read euros only: a budget in another currency shows "
    "\"Check inputs\" there.",
)


def _rates(cursor: _Sheet, rates: Mapping[str, Any]) -> None:
    """The exchange-rate table: the policy's rates, then empty rows for a user to fill."""
    cursor.heading("Exchange rates (euros for one unit of another currency)")
    sheet, formats = cursor.sheet, cursor.formats
    for line in RATES_NOTE:
        sheet.write(cursor.row, 0, line, formats["note"])
        cursor.row += 1
    for col, title in enumerate(("Currency", "Euros for 1 unit", "", "Your note (not read)")):
        sheet.write(cursor.row, col, title, formats["header"])
    cursor.row += 1
    first = cursor.row
    entries: list[tuple[str, Any]] = [*rates.items(), *[("", None)] * EMPTY_RATE_ROWS]
    for code, rate in entries:
        sheet.write_string(cursor.row, 0, code, formats["edit_text"])
        if rate is None:
            sheet.write_blank(cursor.row, 1, None, formats["edit"])
        else:
            # A double: a rate is typed as a decimal number, and read back as one.
            sheet.write_number(cursor.row, 1, float(rate), formats["edit"])
        sheet.write_blank(cursor.row, 3, None, formats["source"])
        cursor.row += 1
    last = cursor.row - 1
    sheet.data_validation(first, 0, last, 0, {
        "validate": "length", "criteria": "==", "value": 3,
        "input_title": "Currency", "input_message": "An ISO 4217 code: GBP, USD, CHF...",
        "error_title": "Currency", "error_message": "A three-letter code such as GBP."})
    sheet.data_validation(first, 1, last, 1, {
        "validate": "decimal", "criteria": ">", "value": 0,
        "input_title": "Euros for 1 unit", "input_message": "e.g. 1.17 for GBP",
        "error_title": "Euros for 1 unit", "error_message": "A number above 0."})
    cursor.name_range(N.rate_codes, 0, first, last)
    cursor.name_range(N.rate_values, 1, first, last)


def _regulation_choices(cursor: _Sheet, labels: list[tuple[int, str]]) -> None:
    """The regulation dropdown's list: one contiguous range that follows the labels."""
    col = 6
    cursor.sheet.write(0, col, "Regulation dropdown", cursor.formats["header"])
    for offset, (row, label) in enumerate(labels, start=1):
        cursor.sheet.write_formula(offset, col, f"={xl_rowcol_to_cell(row, 0)}", None, label)
    cursor.name_range(N.regulation_choices, col, 1, len(labels))
    cursor.sheet.set_column(col, col, 18, None, {"hidden": True})


def _index_breaks(cursor: _Sheet, policy: Policy) -> None:
    """Where the index changes architecture, for one MATCH(..., 1) in the formulas.

    Both sides are rounded to 9 places; the upper break sits half a unit of the 9th place
    above the rounded bound, so that an index equal to a bound stays Hybrid.
    """
    col = 7
    sheet, formats = cursor.sheet, cursor.formats
    sheet.write(0, col, "Index breaks", formats["header"])
    sheet.write(0, col + 1, "Architecture", formats["header"])
    low = round(float(policy.decentralized_below), 9)
    high = round(float(policy.centralized_above), 9) + 5e-10
    sheet.write_number(1, col, -1)
    sheet.write_formula(2, col, f"=ROUND({N.decentralized_below},9)", None, low)
    sheet.write_formula(3, col, f"=ROUND({N.centralized_above},9)+0.0000000005", None, high)
    for row, architecture in enumerate(("Decentralized", "Hybrid", "Centralized"), start=1):
        sheet.write_string(row, col + 1, architecture)
    cursor.name_range(N.index_breaks, col, 1, 3)
    cursor.name_range(N.architectures, col + 1, 1, 3)
    sheet.set_column(col, col + 1, 14, None, {"hidden": True})
