"""Input cells holding a formula with no saved value (decision policy, section 10).

Excel saves each formula's last value beside it, and that value is what decider reads.
Files written by scripts often hold formulas only. Such a cell is never read as blank:
a plain reference (`=B5`, `=$B$5`, `=Inputs!B22`, `='Q3 inputs'!$B$22`) is followed to
the cell it names, across sheets and through further plain references, and a cycle is
caught; any other formula gives its row an issue naming the cell and the fix.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from decider.workbook.package.opening import Package, SheetEntry, relationships
from decider.workbook.package.refs import cell_name, column_number
from decider.workbook.package.sheet import cells_of, decode_cell, split, style_of, wanted_rows
from decider.workbook.portfolio.numformats import Meaning
from decider.workbook.portfolio.reader import formula_text, zero_for

FIX = "open and save the workbook in Excel or LibreOffice, or run with --recalculate"
_MAX_STEPS = 50
_PLAIN = re.compile(r"^\s*=?\s*(?:(?:'((?:[^']|'')+)'|([^\s!'()=+\-*/&,;<>^\"]+))!)?"
                    r"\$?([A-Za-z]{1,3})\$?(\d{1,7})\s*$")


@dataclass(frozen=True, slots=True)
class Followed:
    values: dict[tuple[int, int], Any]  # (row, column) of the scored sheet -> value
    issues: dict[tuple[int, int], str]  # (row, column) -> why it cannot be read


def plain_reference(formula: str, here: str) -> tuple[str, int, int] | None:
    """(sheet name, row, column) a plain reference names, or None for any other formula."""
    found = _PLAIN.match(formula)
    if found is None:
        return None
    quoted, bare, letters, digits = found.groups()
    sheet = quoted.replace("''", "'") if quoted else bare or here
    return sheet, int(digits), column_number(letters.upper())


def follow(package: Package, strings: list[str], formats: dict[bytes, Meaning],
           sheet: SheetEntry, unsaved: list[tuple[int, int, str]],
           zero_saved: frozenset[tuple[int, int]] = frozenset(), zeros_trusted: bool = True
           ) -> Followed:
    """The values of the `unsaved` formula cells of `sheet` (row, column, formula); those
    in `zero_saved` (row, column) were saved as 0, which is not trusted (see
    `reader.zero_for`), and said so. Unless `zeros_trusted`, a formula a chain reaches
    that was saved as 0 is followed on in the same way."""
    values: dict[tuple[int, int], Any] = {}
    issues: dict[tuple[int, int], str] = {}
    by_name = {entry.name.casefold(): entry for entry in package.sheets}
    # Each start cell: where its chain now points, and the cells it went through.
    pending: dict[tuple[int, int], tuple[str, int, int, list[str]]] = {}
    for row, column, formula in unsaved:
        start = (row, column)
        shown = f"={formula}" if formula else "a shared formula"
        reference = plain_reference(formula, sheet.name) if formula else None
        if reference is None:
            saved = ("saved as 0, which scripts such as XlsxWriter save for a formula they "
                     "do not compute" if start in zero_saved else "with no saved value")
            issues[start] = f"cell {cell_name(row, column)} holds {shown} {saved}: {FIX}"
        else:
            pending[start] = (*reference, [f"{sheet.name}!{cell_name(row, column)}"])
    for _step in range(_MAX_STEPS):
        if not pending:
            break
        wanted: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for start, (name, row, column, _chain) in list(pending.items()):
            entry = by_name.get(name.casefold())
            if entry is None:
                issues[start] = (f"cell {cell_name(*start)} refers to sheet '{name}', which "
                                 f"the workbook does not have: {FIX}")
                del pending[start]
                continue
            wanted[entry.part].add((row, column))
        read = {part: _cells(package, part, strings, formats, cells)
                for part, cells in wanted.items()}
        for start, (name, row, column, chain) in list(pending.items()):
            entry = by_name[name.casefold()]
            value, target_formula = read[entry.part].get((row, column), (None, None))
            here = f"{entry.name}!{cell_name(row, column)}"
            del pending[start]
            zero = (not zeros_trusted and target_formula is not None
                    and zero_for(value, target_formula))
            if target_formula is None or (value not in (None, "") and not zero):
                values[start] = value  # a value, or an empty cell: blank
                continue
            formula = target_formula
            reference = plain_reference(formula, entry.name) if formula else None
            if reference is None:
                saved = "saved as 0, which is not trusted" if zero else "with no saved value"
                issues[start] = (f"cell {cell_name(*start)} refers to {here}, which holds "
                                 f"={formula or '...'} {saved}: {FIX}")
            elif here in chain:
                issues[start] = (f"cell {cell_name(*start)} is part of a circular reference "
                                 f"({' ➜ '.join([*chain, here])}): correct the formulas")
            else:
                pending[start] = (*reference, [*chain, here])
    for start in pending:
        issues[start] = f"cell {cell_name(*start)}: references too deep to follow: {FIX}"
    return Followed(values, issues)


def calculated_by_excel(package: Package) -> bool:
    """Whether the saved values were computed by Excel: it keeps a calculation chain
    (xl/calcChain.xml) in every workbook with formulas, and drops `fullCalcOnLoad` once it
    has calculated. Writers that compute nothing (XlsxWriter, openpyxl) write no chain and
    ask for a calculation on load; LibreOffice writes no chain either, and converting a
    file with it keeps the saved values as they were, computed or not."""
    if not package.workbook:
        return False
    if not any(kind.endswith("/calcChain") for _id, kind, _target
               in relationships(package, package.workbook)):
        return False
    for element in package.parse(package.workbook).iter("{*}calcPr"):
        return element.get("fullCalcOnLoad") not in ("1", "true")
    return True


def _cells(package: Package, part: str, strings: list[str], formats: dict[bytes, Meaning],
           wanted: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[Any, str | None]]:
    """(value, formula text or None) of the wanted cells of one sheet, in one pass."""
    parts = split(package.stream(part), package.path.name, part)
    found: dict[tuple[int, int], tuple[Any, str | None]] = {}
    for number, body in wanted_rows(parts, {row for row, _column in wanted}):
        for column, attributes, cell_body, _span in cells_of(parts.syntax, body):
            if (number, column) not in wanted or not cell_body:
                continue
            cell = decode_cell(parts.syntax, attributes, cell_body, strings)
            value = None if cell.value == "" else cell.value
            style = style_of(attributes)
            meaning = formats.get(style) if style is not None else None
            if meaning is not None and isinstance(value, float):
                value = meaning.wrap(value)
            found[(number, column)] = (value, formula_text(cell_body) if cell.formula
                                       else None)
    return found
