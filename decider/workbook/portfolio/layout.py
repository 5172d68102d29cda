"""A sheet's layout: which sheet holds the portfolio, its header row, which column holds
each input and which of decider's result columns already exist.

Header cells are matched by whole words (decision policy, section 8), so "Headcount (FTE)"
is the size column, "AI spend (EUR/yr)" the budget one and "Operating countries" the
multi-country one; "Staffing agency" is no size column ("staffing" is not "staff"). When
two columns match one input, the one whose header also says "AI" wins ("AI stage" over
"Stage gate"); two plain matches are an error that lists both and asks for `--column`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from decider.workbook.errors import WorkbookError
from decider.workbook.package.opening import Package, SheetEntry
from decider.workbook.package.refs import column_letters, column_number, is_column_letters
from decider.workbook.package.sheet import cells_of, numbered_rows, split, style_of
from decider.workbook.portfolio.reader import first_rows

FIELDS = ("size", "maturity", "regulation", "budget", "multi_country")
REQUIRED = ("size", "maturity", "regulation", "budget")
# Section 8's words, as `_words` normalises them ("multi-country" is "multi country").
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "size": ("size", "employees", "employee", "headcount", "staff", "fte", "ftes",
             "workforce", "people"),
    "maturity": ("maturity", "stage", "phase", "months of ai", "ai experience"),
    "regulation": ("regulation", "regulatory", "sector", "industry", "vertical"),
    "budget": ("budget", "spend", "spending", "investment", "ai spend", "ai investment"),
    "multi_country": ("multi country", "multicountry", "countries", "international"),
}
OWNED = ("Recommendation", "Centralization index", "Confidence", "Rationale", "Decider issues")
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """A candidate header row: the input and result columns its headers name."""

    number: int
    inputs: dict[str, int]  # field -> column
    owned: dict[str, int]  # result name -> column
    ambiguous: dict[str, list[int]]  # field -> the columns that match it equally well


@dataclass(slots=True)
class Layout:
    sheet: SheetEntry
    header_row: int
    headers: dict[int, str]  # column -> header text
    inputs: dict[str, int]  # field -> column
    owned: dict[str, int]  # result name -> column, headed so already
    header_style: bytes | None
    file: str  # the workbook's name, for messages


# -- finding the sheet, the header and the columns ---------------------------------------


def check_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for name, header in (columns or {}).items():
        key = name.strip().lower().replace("-", "_")
        if key not in FIELDS:
            raise WorkbookError(f"--column {name}: unknown input; inputs are "
                                "size, maturity, regulation, budget, multi-country")
        chosen[key] = header.strip()
    return chosen


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()).strip() + " "


def _fields_of(text: str) -> set[str]:
    """The inputs a header's words name (usually one, or none)."""
    return {name for name, words in FIELD_WORDS.items()
            if any(f" {word} " in text for word in words)}


def _match_field(name: str, words: dict[int, str], named: dict[int, set[str]],
                 taken: set[int]) -> list[int]:
    """The columns whose header names the input: one, the one also saying "AI" among
    several, or all of them (an ambiguity for the caller to report). A header that names
    another input too ("AI spend per employee") gives way to one that names only this."""
    found = [column for column in sorted(words) if column not in taken
             and name in named[column]]
    if len(found) > 1:
        found = [c for c in found if named[c] == {name}] or found
    if len(found) > 1:
        saying_ai = [column for column in found if " ai " in words[column]]
        return saying_ai if len(saying_ai) == 1 else (saying_ai or found)
    return found


def header_texts(row: dict[int, Any]) -> dict[int, str]:
    return {c: v.strip() for c, v in row.items() if isinstance(v, str) and v.strip()}


def _resolve(number: int, headers: dict[int, str], wanted: dict[str, str]) -> HeaderRow:
    """Inputs and owned result columns in one header row."""
    lowered = {c: t.lower() for c, t in headers.items()}
    owned = {}
    for name in OWNED:
        column = next((c for c, t in sorted(lowered.items()) if t == name.lower()), None)
        if column is not None:
            owned[name] = column
    taken = set(owned.values())
    inputs: dict[str, int] = {}
    for name, header in wanted.items():
        if not header:
            continue
        column = next((c for c, t in sorted(lowered.items()) if t == header.lower()), None)
        if column is None and is_column_letters(header):
            column = column_number(header)
        if column is not None:
            inputs[name] = column
            taken.add(column)
    words = {c: _words(t) for c, t in headers.items()}
    named = {c: _fields_of(t) for c, t in words.items()}
    ambiguous: dict[str, list[int]] = {}
    for name in FIELDS:
        if name in wanted:
            continue
        found = _match_field(name, words, named, taken)
        if len(found) == 1:
            inputs[name] = found[0]
            taken.add(found[0])
        elif found:
            ambiguous[name] = found
    return HeaderRow(number, inputs, owned, ambiguous)


def refuse_ambiguous(header: HeaderRow, headers: dict[int, str], where: str) -> None:
    """One line naming the input, the columns that both match it, and `--column`."""
    for name, columns in header.ambiguous.items():
        both = " and ".join(f"{column_letters(c)} '{headers.get(c, '')}'" for c in columns)
        raise WorkbookError(
            f"{where} row {header.number} has {len(columns)} columns for {display(name)}: "
            f"{both}; name one with --column {display(name)}=HEADER (or a column letter)")


def locate(package: Package, strings: list[str], sheet: str | None, header_row: int | None,
            wanted: dict[str, str]) -> Layout:
    name = package.path.name
    if not package.sheets:
        raise WorkbookError(f"{name} has no worksheet")
    candidates = [_pick_sheet(package, sheet)] if sheet is not None else package.sheets
    seen: list[str] = []
    first_problem: WorkbookError | None = None
    for entry in candidates:
        last = max(header_row or HEADER_SEARCH_ROWS, 1)
        rows = first_rows(package, entry.part, strings, last)
        best = best_header_row(rows, header_row, wanted)
        if best is None:
            texts = header_texts(rows.get(header_row or min(rows, default=1), {}))
            seen.append(f"'{entry.name}' ({show_headers(texts)})")
            continue
        number, inputs, owned = best.number, best.inputs, best.owned
        headers = header_texts(rows.get(number, {}))
        refuse_ambiguous(best, headers, f"{name}: sheet '{entry.name}'")
        for field_name, header in wanted.items():
            if header and field_name not in inputs:
                raise WorkbookError(f"{name}: sheet '{entry.name}' has no column '{header}' "
                                    f"for {display(field_name)}; headers seen: "
                                    f"{show_headers(headers)}")
        missing = [f for f in REQUIRED if f not in inputs and wanted.get(f) != ""]
        if missing:
            # Another sheet may hold the whole table: this one is reported if none does.
            first_problem = first_problem or WorkbookError(
                f"{name}: sheet '{entry.name}' row {number} has no "
                f"{' / '.join(display(f) for f in missing)} column; headers seen: "
                f"{show_headers(headers)}; name it with --column "
                f"{display(missing[0])}=HEADER (or a column letter)")
            continue
        style = _header_style(package, entry, number, headers)
        return Layout(entry, number, headers, inputs, owned, style, name)
    if first_problem is not None:
        raise first_problem
    where = f"in row {header_row}" if header_row else f"in its first {HEADER_SEARCH_ROWS} rows"
    raise WorkbookError(
        f"{name}: no sheet has a header naming the inputs (size, maturity, regulation, "
        f"budget) {where}; sheets seen: {'; '.join(seen)}; use --sheet, --header-row or "
        "--column")


def _pick_sheet(package: Package, sheet: str) -> SheetEntry:
    for entry in package.sheets:
        if entry.name == sheet:
            return entry
    for entry in package.sheets:
        if entry.name.strip().lower() == sheet.strip().lower():
            return entry
    names = ", ".join(f"'{e.name}'" for e in package.sheets)
    for name, kind in package.other_sheets.items():
        if name.strip().lower() == sheet.strip().lower():
            raise WorkbookError(f"{package.path.name}: sheet '{name}' is {kind}, with no cells "
                                f"to score; its worksheets: {names or 'none'}")
    raise WorkbookError(f"{package.path.name} has no worksheet '{sheet}'; its worksheets: "
                        f"{names}")


def best_header_row(rows: dict[int, dict[int, Any]], header_row: int | None,
                     wanted: dict[str, str]) -> HeaderRow | None:
    numbers = [header_row] if header_row else sorted(rows)
    best = None
    best_score = 1  # a header names at least two inputs
    for number in numbers:
        headers = header_texts(rows.get(number, {}))
        found = _resolve(number, headers, wanted)
        texts = {t.lower() for t in headers.values()}
        named = sum(1 for f in found.inputs if not (wanted.get(f) and is_column_letters(
            wanted[f]) and wanted[f].lower() not in texts)) + len(found.ambiguous)
        if named > best_score or (header_row and best is None):
            best, best_score = found, named
    return best


def _header_style(package: Package, entry: SheetEntry, row: int, headers: dict[int, str]
                  ) -> bytes | None:
    """The style of the header row's last header cell, for the header cells decider adds."""
    if not headers:
        return None
    parts = split(package.stream(entry.part), package.path.name, entry.part)
    last = max(headers)
    for number, body in numbered_rows(parts):
        if number < row:
            continue
        for column, attributes, _body, _span in cells_of(parts.syntax, body):
            if column == last:
                return style_of(attributes)
        return None
    return None


def display(name: str) -> str:
    return name.replace("_", "-")


def show_headers(headers: dict[int, str]) -> str:
    if not headers:
        return "none"
    return ", ".join(f"{column_letters(c)} '{t}'" for c, t in sorted(headers.items()))


def describe_inputs(layout: Layout) -> dict[str, str]:
    return {display(f): f"{layout.headers.get(c, '')} ({column_letters(c)})".strip()
            for f, c in layout.inputs.items()}

