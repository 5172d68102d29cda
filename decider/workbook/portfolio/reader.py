"""Reading the columns `decider score` needs from one sheet, in one streaming pass.

The fast path runs one regular expression per block of rows that only stops on the
cells of the wanted columns (the `r` attribute first, as every common writer puts it)
and decodes each distinct cell body once. A block with any other cell form (no `r`,
attributes in another order, single quotes) is read cell by cell instead.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from decider.context import Formatted
from decider.workbook.package.opening import Package
from decider.workbook.package.refs import column_letters, column_number
from decider.workbook.package.sheet import (
    ROWS,
    Cell,
    Syntax,
    cells_of,
    decode_cell,
    dimension_of,
    merged_ranges,
    peek,
    row_number,
    split,
    style_of,
)
from decider.workbook.portfolio.numformats import Meaning
from decider.workbook.portfolio.totals import LabelFinder, is_aggregate

_CACHE_LIMIT = 100_000
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?f\s*>)", re.S)


def formula_text(body: bytes) -> str:
    """A cell's formula as typed, without "=" ("" for a shared formula's other cells)."""
    found = _FORMULA.search(body)
    if found is None or not found.group(1):
        return ""
    return html.unescape(found.group(1).decode("utf-8", "replace"))


@dataclass(slots=True)
class Scan:
    """What one pass over a sheet found."""

    cells: dict[int, dict[int, Any]]  # wanted column -> {row below the header: value}
    present: list[int]  # rows below the header with anything in the `present` columns
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column), watched
    last_column: int = 0  # the rightmost column holding anything, over the whole sheet
    merges: list[str] = field(default_factory=list)
    dimension: str | None = None
    # Totals rows (see decider.workbook.portfolio.totals): rows whose filled input cells are all
    # formulas, one an aggregate; rows whose first text cell in `labels` is "Total"...
    aggregate_rows: list[int] = field(default_factory=list)  # increasing, as the next two
    label_rows: list[int] = field(default_factory=list)
    example_rows: list[int] = field(default_factory=list)
    encoding: str = "utf-8"  # the sheet's declared encoding, for what is written into it
    # Input cells holding a formula with no saved value: (row, column, formula text).
    unsaved: list[tuple[int, int, str]] = field(default_factory=list)
    # Input cells holding a formula saved as 0 that is not a literal 0 (`=B2*1000`):
    # XlsxWriter saves 0 for every formula it is not told the value of.
    zero_saved: list[tuple[int, int, str]] = field(default_factory=list)


_LITERAL_ZERO = re.compile(r"\s*=?\s*[-+]?\s*(?:0+\.?0*|\.0+)\s*")


def zero_for(value: Any, formula: str) -> bool:
    """Whether a formula cell's saved value is the number 0 and its formula not itself a
    literal 0 (FALSE is no number: a comparison saved as FALSE is left be)."""
    number = value.value if isinstance(value, Formatted) else value
    return type(number) is float and number == 0 and not _LITERAL_ZERO.fullmatch(formula)


def saved_as_zero(value: Any, body: bytes) -> str | None:
    """The formula of a formula cell saved as 0 (see `zero_for`), or None."""
    formula = formula_text(body)
    return formula if zero_for(value, formula) else None


def _zero_like(value: Any) -> bool:
    return value == 0 or isinstance(value, Formatted)


def first_rows(package: Package, part: str, strings: list[str], last_row: int
               ) -> dict[int, dict[int, Any]]:
    parts = split(package.stream(part), package.path.name, part)
    return peek(parts, strings, last_row)


class _Collector:
    """Values per wanted column (row -> value; a later cell for a row wins), rows with
    anything in the `present` columns, and formula cells in the `watched` columns."""

    def __init__(self, syntax: Syntax, strings: list[str], header_row: int,
                 wanted: set[int], watched: set[int], present: set[int],
                 labels: set[int], formats: dict[bytes, Meaning] | None = None) -> None:
        self.syntax = syntax
        # Style index -> what its number format says: number cells so styled are read
        # as `Formatted` (decided once per distinct cell, behind the decode cache).
        self.formats = formats or {}
        self.strings = strings
        self.header_row = header_row
        self.wanted = wanted
        self.watched = watched
        self.present = present
        self.decoded = wanted | watched
        self.cells: dict[int, dict[int, Any]] = {column: {} for column in wanted}
        self.present_rows: set[int] = set()
        self.formulas: list[tuple[int, int]] = []
        self.unsaved: list[tuple[int, int, str]] = []
        self.zero_saved: list[tuple[int, int, str]] = []
        self.aggregate_rows: set[int] = set()
        self._column_of: dict[bytes, int] = {}
        self.labels = LabelFinder(syntax, strings, header_row, labels)
        self._cache: dict[tuple[bytes, bytes], Cell] = {}
        p = re.escape(syntax.prefix)
        self._prefix = p
        # Attributes without "/" (r, s, t, cm, vm, ph never hold one); the body up to the
        # first "</c>". Python's engine pays per match, not per byte skipped: so only the
        # wanted columns are matched at all.
        self._cells = re.compile(rb'<' + p + rb'c r="(' + _letters(self.decoded)
                                 + rb')(\d+)"([^>/]*)(?:/>|>(.*?)</' + p + rb'c>)', re.S)
        self._present = re.compile(rb'<' + p + rb'c r="(?:' + _letters(present)
                                   + rb')(\d+)"[^>/]*>(?!</' + p + rb'c>)')
        self._rows = b"<" + syntax.prefix + b"row "
        # A cell without "r" first (or without "r"): that block is read cell by cell,
        # unless each such cell follows, in a run, one that has it right of every column
        # read (decider's own answers from an earlier run are written so).
        self._odd_cell = syntax.implicit_cell
        self._interest = max(wanted | present | labels, default=0)
        body = rb"(?:/>|>[^<]*(?:<(?!/" + p + rb"c>)[^<]*)*</" + p + rb"c>)"
        self._runs = re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})\d+"[^>/]*' + body
                                + rb"((?:<" + p + rb'c(?:\s(?!r=")[^>/]*)?' + body + rb")+)")
        self._run_cell = re.compile(rb"<" + p + rb'c(?:\s[^>/]*)?(/>|></' + p + rb"c>|>)")
        self.last_column = 0
        self._beyond = self._beyond_pattern()

    def _beyond_pattern(self) -> re.Pattern[bytes]:
        """Cells with content right of the rightmost column known to hold some."""
        known = set(range(1, self.last_column + 1))
        return re.compile(rb'<' + self._prefix + rb'c r="(?!(?:' + _letters(known)
                          + rb')\d)([A-Z]+)\d+"[^>/]*>(?!</' + self._prefix + rb'c>)')

    def note_columns(self, last_column: int) -> None:
        self.last_column = max(self.last_column, last_column)
        self._beyond = self._beyond_pattern()

    def add_block(self, block: bytes) -> None:
        self.labels.add_block(block)
        if self._odd_cell.search(block) and not self._runs_right_of_interest(block):
            self._add_row_by_row(block)
        else:
            self._add_plain(block)

    def _runs_right_of_interest(self, block: bytes) -> bool:
        """Whether every cell without `r` in the block follows, in a run of such cells,
        one with `r` right of every column whose values are read, and none holds a
        formula: then the fast path misses nothing, and the runs' last cells holding
        anything extend the sheet's used columns."""
        runs = self._runs.findall(block)
        if not runs:
            return False
        column_of, interest, formula = self._column_of, self._interest, self.syntax.formula
        placed = 0
        for letters, cells in runs:
            anchor = column_of.get(letters)
            if anchor is None:
                anchor = column_of[letters] = column_number(letters.decode())
            if anchor < interest or b"r=" in cells or formula in cells:
                return False  # `r` not first, or a formula to note: read cell by cell
            ends = self._run_cell.findall(cells)
            placed += len(ends)
            if anchor + len(ends) > self.last_column:
                held = [i for i, end in enumerate(ends, 1) if end == b">"]
                if held:
                    self.last_column = max(self.last_column, anchor + held[-1])
        return placed == len(self._odd_cell.findall(block))

    def _add_plain(self, block: bytes) -> None:
        """The regex finds only the wanted cells; each distinct (attributes, body) pair is
        decoded once (a dictionary look-up per cell after that)."""
        self._note_used_columns(block)
        found = self._cells.findall(block)
        given = self._add_cells(found) if found else 0
        if self.present and given < block.count(self._rows):
            # Some row has no input given: look for anything in the other table columns.
            header = self.header_row
            self.present_rows.update(row for row in map(int, self._present.findall(block))
                                     if row > header)

    def _add_cells(self, found: list[tuple[bytes, bytes, bytes, bytes]]) -> int:
        """The cells found into their columns; returns how many rows have an input given
        (an empty styled cell, or decider's own answers from an earlier run, do not make
        a row a business unit)."""
        header, cache, column_of = self.header_row, self._cache, self._column_of
        wanted, watched, cells = self.wanted, self.watched, self.cells
        given = last_given = 0
        formulas_seen = False
        last_digits, row = b"", 0
        for letters, digits, attributes, body in found:
            if not body:
                continue
            if digits != last_digits:  # one int a row, shared by its cells (memory)
                last_digits, row = digits, int(digits)
            if row <= header:
                continue
            column = column_of.get(letters)
            if column is None:
                column = column_of[letters] = column_number(letters.decode())
            cell = cache.get((attributes, body)) or self._decode(attributes, body)
            if column in wanted:
                cells[column][row] = cell.value
                if row != last_given:
                    given, last_given = given + 1, row
            if cell.formula:
                formulas_seen = True
                if column in watched:
                    self.formulas.append((row, column))
                if column in wanted and cell.value in (None, ""):
                    self.unsaved.append((row, column, formula_text(body)))
                elif column in wanted and _zero_like(cell.value):
                    self._note_zero(row, column, cell.value, body)
        if formulas_seen:
            self._note_aggregates(found)
        return given

    def _note_aggregates(self, found: list[tuple[bytes, bytes, bytes, bytes]]) -> None:
        """Rows whose filled input cells are all formulas, one of them an aggregate (a
        row's cells are all in one block)."""
        aggregate: set[int] = set()
        plain: set[int] = set()
        for letters, digits, attributes, body in found:
            row = int(digits)
            if not body or row <= self.header_row or self._column_of[letters] not in self.wanted:
                continue
            if self._decode(attributes, body).formula:
                if is_aggregate(body):
                    aggregate.add(row)
            else:
                plain.add(row)
        self.aggregate_rows.update(aggregate - plain)

    def _note_zero(self, row: int, column: int, value: Any, body: bytes) -> None:
        formula = saved_as_zero(value, body)
        if formula is not None:
            self.zero_saved.append((row, column, formula))

    def _decode(self, attributes: bytes, body: bytes) -> Cell:
        key = (attributes, body)
        cell = self._cache.get(key)
        if cell is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            cell = self._cache[key] = self._formatted(
                attributes, decode_cell(self.syntax, attributes, body, self.strings))
        return cell

    def _formatted(self, attributes: bytes, cell: Cell) -> Cell:
        if self.formats and isinstance(cell.value, float):
            style = style_of(attributes)
            meaning = self.formats.get(style) if style is not None else None
            if meaning is not None:
                return Cell(meaning.wrap(cell.value), cell.formula)
        return cell

    def _note_used_columns(self, block: bytes) -> None:
        found = self._beyond.findall(block)
        if found:
            self.note_columns(max(column_number(letters.decode()) for letters in set(found)))

    def _add_row_by_row(self, block: bytes) -> None:
        number = 0
        for row in self.syntax.row.finditer(block):
            number = row_number(row.group(1), number)
            plain = aggregate = False
            for column, attributes, body, _span in cells_of(self.syntax, row.group(2)):
                if not body:
                    continue
                self.last_column = max(self.last_column, column)
                if number <= self.header_row:
                    continue
                if column in self.present:
                    self.present_rows.add(number)
                if column in self.decoded:
                    cell = self._formatted(attributes, decode_cell(
                        self.syntax, attributes, body, self.strings))
                    if cell.formula and column in self.watched:
                        self.formulas.append((number, column))
                    if column in self.wanted and cell.formula and cell.value in (None, ""):
                        self.unsaved.append((number, column, formula_text(body)))
                    elif column in self.wanted and cell.formula and _zero_like(cell.value):
                        self._note_zero(number, column, cell.value, body)
                    if column in self.wanted:
                        plain |= not cell.formula
                        aggregate |= cell.formula and is_aggregate(body)
                        self.cells[column][number] = cell.value
            if aggregate and not plain:
                self.aggregate_rows.add(number)

def _letters(columns: set[int]) -> bytes:
    """A regex alternation of column letters, longer first (AB before A): a larger column
    number never has fewer letters."""
    return b"|".join(column_letters(c).encode() for c in sorted(columns, reverse=True)) \
        or b"(?!)"


def scan(package: Package, part: str, strings: list[str], header_row: int,
         wanted: set[int], watched: set[int], present: set[int] | None = None,
         labels: set[int] | None = None, formats: dict[bytes, Meaning] | None = None) -> Scan:
    """Values of the `wanted` columns on every row below `header_row`; formula cells of the
    `watched` columns there; the rows with anything in the `present` columns; the totals
    rows (by their input formulas, and by their first text cell in the `labels` columns);
    the sheet's used extent, merged ranges and dimension. A number cell whose style is in
    `formats` is read as a `Formatted` value."""
    parts = split(package.stream(part), package.path.name, part)
    collector = _Collector(parts.syntax, strings, header_row, wanted, watched,
                           present or set(), labels or set(), formats)
    collector.note_columns(max(wanted | watched | (present or set()), default=0))
    merges: list[str] = []
    for kind, block in parts.items:
        if kind == ROWS:
            collector.add_block(block)
        else:
            merges = merged_ranges(block)
    return Scan(cells=collector.cells, present=sorted(collector.present_rows),
                formulas=collector.formulas,
                last_column=collector.last_column, merges=merges,
                dimension=dimension_of(parts.head),
                aggregate_rows=sorted(collector.aggregate_rows),
                unsaved=collector.unsaved, zero_saved=collector.zero_saved,
                label_rows=collector.labels.found(),
                example_rows=collector.labels.found_examples(), encoding=parts.syntax.encoding)
