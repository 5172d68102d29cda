"""A policy read back from a template workbook's Policy sheet (its named cells).

`load_policy` calls `policy_data_from_workbook` for .xlsx/.xlsm paths and merges the
result over the default policy, so edits a user made in Excel apply to batch runs.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from decider.errors import DeciderInputError
from decider.policy.model import parse_rate
from decider.template.names import BOUND_WORDS, NO_BOUND, POLICY_SHEET, N

# "=100/3": a fraction typed as a formula stays exact.
_FRACTION = re.compile(r"=\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*")
_REFERENCE = re.compile(r"^(?:'?(?P<sheet>[^!']+)'?!)?\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>\d+)"
                        r"(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>\d+))?$")
_CODE = re.compile(r"[A-Za-z]{3}")
# Far more than any Policy sheet holds: a bound on what a hostile file can make us read.
_MAX_POLICY_ROWS = 2_000


@dataclass(frozen=True, slots=True)
class _Cell:
    value: Any  # the cached value (what Excel or LibreOffice computed)
    formula: str | None  # the formula text, when the cell holds one


class _PolicySheet:
    """The Policy sheet's cells, addressed through the workbook's names."""

    def __init__(self, path: Path, names: dict[str, tuple[int, int, int]],
                 cells: dict[tuple[int, int], _Cell]) -> None:
        self.path, self.names, self.cells = path, names, cells

    def fail(self, name: str, problem: str) -> DeciderInputError:
        return DeciderInputError(
            f"policy workbook {self.path.name}: Policy cell {name} {problem}")

    def column(self, name: str) -> list[_Cell]:
        if name not in self.names:
            raise DeciderInputError(
                f"policy workbook {self.path.name}: the name '{name}' of the Policy sheet is "
                "missing; rebuild the template with `decider template`")
        top, left, bottom = self.names[name]
        return [self.cells.get((row, left), _Cell(None, None)) for row in range(top, bottom + 1)]

    def address(self, name: str, position: int) -> str:
        """The A1 address of the `position`-th cell of a named column."""
        from openpyxl.utils import get_column_letter

        top, left, _ = self.names[name]
        return f"{get_column_letter(left)}{top + position}"

    def one(self, name: str) -> _Cell:
        return self.column(name)[0]

    def number(self, name: str, cell: _Cell | None = None) -> int | float | str:
        cell = cell or self.one(name)
        if cell.formula:
            fraction = _FRACTION.fullmatch(cell.formula)
            if fraction and Fraction(fraction[2]) != 0:
                exact = Fraction(fraction[1]) / Fraction(fraction[2])
                return f"{exact.numerator}/{exact.denominator}"
        value = cell.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown = "empty" if value is None else f"'{value}'"
            raise self.fail(name, f"must be a number, not {shown}")
        return int(value) if isinstance(value, float) and value.is_integer() else value

    def text(self, name: str, cell: _Cell | None = None) -> str:
        value = (cell or self.one(name)).value
        return "" if value is None else str(value).strip()

    def flag(self, name: str, cell: _Cell) -> bool:
        value = cell.value
        if isinstance(value, bool):
            return value
        folded = str(value).strip().casefold()
        if folded in {"true", "yes", "1"}:
            return True
        if folded in {"false", "no", "0", "", "none"}:
            return False
        raise self.fail(name, f"must be TRUE or FALSE, not '{value}'")


def policy_data_from_workbook(path: Path) -> dict[str, Any]:
    """The policy data (the shape of default_policy.toml) of a template's Policy sheet."""
    sheet = _read(Path(path))
    data: dict[str, Any] = {
        "decision": {
            "decentralized_below": sheet.number(N.decentralized_below),
            "centralized_above": sheet.number(N.centralized_above),
            "min_known_criteria": sheet.number(N.min_known),
            "hybrid_source": sheet.text(N.hybrid_source),
        },
        "weights": {
            criterion: sheet.number(name) for criterion, name in (
                ("size", N.weight_size), ("maturity", N.weight_maturity),
                ("regulation", N.weight_regulation), ("budget", N.weight_budget))
        },
        "size": {"ranges": _ranges(sheet, N.size_bounds, N.size_limits, N.size_votes,
                                   N.size_sources)},
        "multi_country": {
            "vote": sheet.number(N.multi_country_vote),
            "countries_above": sheet.number(N.countries_above),
            "source": sheet.text(N.multi_country_source),
        },
        "maturity": {
            "phases": _labels(sheet, N.phase_labels, N.phase_forms, N.phase_sources,
                              votes=N.phase_votes),
            "months": _ranges(sheet, N.month_bounds, N.month_limits, N.month_votes,
                              N.month_sources),
        },
        "regulation": {
            "levels": _labels(sheet, N.level_labels, N.level_forms, N.level_sources,
                              votes=N.level_votes, mandatory=N.level_mandatory),
            "sectors": _labels(sheet, N.sector_labels, N.sector_forms, N.sector_sources,
                               levels=N.sector_levels),
        },
        "budget": {"ranges": _ranges(sheet, N.budget_bounds, N.budget_limits, N.budget_votes,
                                     N.budget_sources)},
    }
    rates = _rates(sheet)
    if rates:
        data["budget"]["rates"] = rates
    name = sheet.text(N.policy_name)
    if name:
        data["name"] = name
    return data


def _ranges(sheet: _PolicySheet, bounds: str, limits: str, votes: str, sources: str
            ) -> list[dict[str, Any]]:
    ranges = []
    rows = zip(sheet.column(bounds), sheet.column(limits), sheet.column(votes),
               sheet.column(sources), strict=True)
    for bound, limit, vote, source in rows:
        entry: dict[str, Any] = {"vote": sheet.number(votes, vote)}
        word = sheet.text(bounds, bound).casefold()
        if word in BOUND_WORDS:
            entry[BOUND_WORDS[word]] = sheet.number(limits, limit)
        elif word not in {NO_BOUND, ""}:
            raise sheet.fail(bounds, f"'{bound.value}' must be one of: "
                                     f"{', '.join(BOUND_WORDS)} (or {NO_BOUND} in the last row)")
        if sheet.text(sources, source):
            entry["source"] = sheet.text(sources, source)
        ranges.append(entry)
    return ranges


def _labels(sheet: _PolicySheet, labels: str, forms: str, sources: str, *,
            votes: str | None = None, mandatory: str | None = None,
            levels: str | None = None) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for position, label_cell in enumerate(sheet.column(labels)):
        label = sheet.text(labels, label_cell)
        if not label:
            raise sheet.fail(labels, f"row {position + 1} has no label")
        entry: dict[str, Any] = {
            "forms": [f.strip() for f in sheet.text(forms, sheet.column(forms)[position])
                      .split(",") if f.strip()],
        }
        if votes is not None:
            entry["vote"] = sheet.number(votes, sheet.column(votes)[position])
        if mandatory is not None:
            entry["mandatory"] = sheet.flag(mandatory, sheet.column(mandatory)[position])
        if levels is not None:
            entry["level"] = sheet.text(levels, sheet.column(levels)[position])
        source = sheet.text(sources, sheet.column(sources)[position])
        if source:
            entry["source"] = source
        table[label] = entry
    return table


def _rates(sheet: _PolicySheet) -> dict[str, str]:
    """The exchange-rate table: currency code -> euros for one unit, as exact decimal text.
    A template built before the table existed has none."""
    if N.rate_codes not in sheet.names or N.rate_values not in sheet.names:
        return {}
    rates: dict[str, str] = {}
    rows = zip(sheet.column(N.rate_codes), sheet.column(N.rate_values), strict=True)
    for position, (code_cell, rate_cell) in enumerate(rows):
        code = sheet.text(N.rate_codes, code_cell)
        code_at = sheet.address(N.rate_codes, position)
        rate_at = sheet.address(N.rate_values, position)
        if not code:
            if rate_cell.value not in (None, ""):
                raise sheet.fail(rate_at, f"holds a rate, '{rate_cell.value}', but no "
                                          "currency code beside it; type the code (e.g. GBP)")
            continue
        if not _CODE.fullmatch(code):
            raise sheet.fail(code_at, f"must be a three-letter currency code such as GBP, "
                                      f"not '{code}'")
        code = code.upper()
        if code in rates:
            raise sheet.fail(code_at, f"repeats the currency {code}; give each currency once")
        rates[code] = _rate(sheet, rate_at, code, rate_cell.value)
    return rates


def _rate(sheet: _PolicySheet, where: str, code: str, value: Any) -> str:
    """One rate as exact decimal text, read as `[budget.rates]` and `--rate` read theirs (a
    double as the shortest decimal that gives it back: 1.17, not 1.16999...)."""
    cell = f"{where}, the euros for one {code},"
    if value is None or (isinstance(value, str) and not value.strip()):
        raise sheet.fail(cell, "must be a number above 0, not empty")
    if code == "EUR":
        raise sheet.fail(cell, "is the euro itself: budgets are in euros already")
    return str(parse_rate(value, lambda problem: sheet.fail(cell, problem)))


# --- reading the workbook --------------------------------------------------------------


def _read(path: Path) -> _PolicySheet:
    if not zipfile.is_zipfile(path):
        raise DeciderInputError(
            f"policy workbook {path.name}: is not an .xlsx workbook (not a zip archive)")
    # The batch layer's checks first (file type, zip bomb limits, no DTDs in the parts it
    # reads): openpyxl would inflate a hostile shared-strings part whole.
    from decider.workbook.package import open_package

    try:
        open_package(path).close()
    except DeciderInputError as error:
        raise DeciderInputError(f"policy workbook {error.one_line}") from None
    try:
        with warnings.catch_warnings():
            # openpyxl warns of parts it skips (on stderr): the policy is all we need.
            warnings.simplefilter("ignore")
            names, formulas, values = _load(path)
    except DeciderInputError:
        raise
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise DeciderInputError(
            f"policy workbook {path.name}: cannot be read as a workbook "
            f"({type(error).__name__}: {str(error)[:120]})") from None
    cells = {key: _Cell(values.get(key), _formula(formulas.get(key)))
             for key in formulas.keys() | values.keys()}
    return _PolicySheet(path, names, cells)


def _formula(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("=") else None


def _load(path: Path) -> tuple[dict[str, tuple[int, int, int]],
                               dict[tuple[int, int], Any], dict[tuple[int, int], Any]]:
    import openpyxl
    from openpyxl.utils import column_index_from_string

    with_formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        if POLICY_SHEET not in with_formulas.sheetnames or (
                N.policy_name not in with_formulas.defined_names):
            raise DeciderInputError(
                f"policy workbook {path.name}: has no decider Policy sheet (a sheet named "
                f"'{POLICY_SHEET}' with the name '{N.policy_name}'); accepted: a workbook "
                "made by `decider template`, or a TOML policy file")
        names: dict[str, tuple[int, int, int]] = {}
        for name, definition in with_formulas.defined_names.items():
            match = _REFERENCE.match(definition.attr_text or "")
            if match is None or (match["sheet"] or POLICY_SHEET) != POLICY_SHEET:
                continue
            top, left = int(match["r1"]), column_index_from_string(match["c1"])
            # A Policy name is one cell or one column of cells.
            names[name] = (top, left, int(match["r2"] or top))
        formulas = dict(_cells(with_formulas[POLICY_SHEET]))
    finally:
        with_formulas.close()
    with_values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        values = dict(_cells(with_values[POLICY_SHEET]))
    finally:
        with_values.close()
    return names, formulas, values


def _cells(sheet: Any) -> Iterator[tuple[tuple[int, int], Any]]:
    for row in sheet.iter_rows(max_row=_MAX_POLICY_ROWS, max_col=12):
        for cell in row:
            value = getattr(cell, "value", None)
            if value is not None:
                yield (cell.row, cell.column), value
