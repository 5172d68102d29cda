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

import numpy as np
import pandas as pd

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

    frame: pd.DataFrame  # index: row numbers below the header; columns: column numbers
    present: np.ndarray  # rows below the header with anything in the `present` columns
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column), watched
    last_column: int = 0  # the rightmost column holding anything, over the whole sheet
    merges: list[str] = field(default_factory=list)
    dimension: str | None = None
    # Totals rows (see decider.workbook.portfolio.totals): rows whose filled input cells are all
    # formulas, one an aggregate; rows whose first text cell in `labels` is "Total"...
    aggregate_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    label_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    example_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    encoding: str = "utf-8"  # the sheet's declared encoding, for what is written into it
    # Input cells holding a formula with no saved value: (row, column, formula text).
    unsaved: list[tuple[int, int, str]] = field(default_factory=list)


def first_rows(package: Package, part: str, strings: list[str], last_row: int
               ) -> dict[int, dict[int, Any]]:
    parts = split(package.stream(part), package.path.name, part)
    return peek(parts, strings, last_row)


class _Collector:
    """Values per wanted column (parallel arrays of row numbers and values), rows with
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
        self.rows: dict[int, list[np.ndarray]] = {column: [] for column in wanted}
        self.values: dict[int, list[np.ndarray]] = {column: [] for column in wanted}
        self.present_rows: list[np.ndarray] = []
        self.formulas: list[tuple[int, int]] = []
        self.unsaved: list[tuple[int, int, str]] = []
        self.aggregate_rows: list[np.ndarray] = []
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
        # A cell without "r" first (or without "r"): that block is read cell by cell.
        self._odd_cell = re.compile(rb"<" + p + rb'c(?:>|\s(?!r="))')
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
        if self._odd_cell.search(block):
            self._add_row_by_row(block)
        else:
            self._add_plain(block)

    def _add_plain(self, block: bytes) -> None:
        """Vectorized: the cells' row numbers, columns and bodies go through numpy and
        pandas; each distinct (attributes, body) pair is decoded once."""
        self._note_used_columns(block)
        found = self._cells.findall(block)
        seen_rows = self._add_cells(found) if found else np.empty(0, np.int64)
        if self.present and len(seen_rows) < block.count(self._rows):
            # Some row has no input given: look for anything in the other table columns.
            numbers = self._present.findall(block)
            if numbers:
                rows = np.array(numbers, dtype="S7").astype(np.int64)
                self.present_rows.append(rows[rows > self.header_row])

    def _add_cells(self, found: list[tuple[bytes, bytes, bytes, bytes]]) -> np.ndarray:
        letters, digits, attributes, bodies = zip(*found, strict=True)
        rows = np.array(digits, dtype="S7").astype(np.int64)
        body_array = np.array(bodies, dtype=object)
        filled = (body_array != b"") & (rows > self.header_row)
        column_codes, column_uniques = pd.factorize(np.array(letters, dtype=object))
        numbers = [column_number(letter.decode()) for letter in column_uniques.tolist()]
        chosen = np.flatnonzero(filled)
        if not len(chosen):
            return np.empty(0, np.int64)
        body_codes, body_uniques = pd.factorize(body_array[chosen])
        attribute_codes, attribute_uniques = pd.factorize(
            np.array(attributes, dtype=object)[chosen])
        width = len(attribute_uniques)
        pair_codes, pairs = pd.factorize(body_codes.astype(np.int64) * width + attribute_codes)
        cells = [self._decode(attribute_uniques[pair % width], body_uniques[pair // width])
                 for pair in pairs.tolist()]
        values = np.empty(len(cells), dtype=object)
        values[:] = [cell.value for cell in cells]
        formulas = np.array([cell.formula for cell in cells], dtype=bool)[pair_codes]
        chosen_rows = rows[chosen]
        chosen_columns = column_codes[chosen]
        inputs = [code for code, column in enumerate(numbers) if column in self.wanted]
        is_input = np.isin(chosen_columns, inputs)
        if formulas.any():
            unsaved = np.array([cell.formula and cell.value in (None, "") for cell in cells],
                               dtype=bool)
            for pair in np.flatnonzero(unsaved).tolist():
                body = body_uniques[pairs[pair] // width]
                for at in np.flatnonzero((pair_codes == pair) & is_input).tolist():
                    self.unsaved.append((int(chosen_rows[at]),
                                         numbers[chosen_columns[at]], formula_text(body)))
            aggregates = np.array([cell.formula and is_aggregate(body_uniques[pair // width])
                                   for cell, pair in zip(cells, pairs.tolist(), strict=True)],
                                  dtype=bool)[pair_codes]
            self._note_aggregates(chosen_rows, is_input, formulas, aggregates)
        for code, column in enumerate(numbers):
            here = chosen_columns == code
            if column in self.rows:
                self.rows[column].append(chosen_rows[here])
                self.values[column].append(values[pair_codes[here]])
            if column in self.watched:
                self.formulas.extend((int(r), column) for r in chosen_rows[here & formulas])
        # The rows with an input given: an empty styled cell, or decider's own answers from
        # an earlier run, do not make a row a business unit.
        return np.unique(chosen_rows[is_input])

    def _note_aggregates(self, rows: np.ndarray, is_input: np.ndarray, formulas: np.ndarray,
                         aggregates: np.ndarray) -> None:
        """Rows whose filled input cells are all formulas, one of them an aggregate (a
        row's cells are all in one block)."""
        self.aggregate_rows.append(np.setdiff1d(rows[is_input & aggregates],
                                                rows[is_input & ~formulas]))

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
        present = []
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
                    present.append(number)
                if column in self.decoded:
                    cell = self._formatted(attributes, decode_cell(
                        self.syntax, attributes, body, self.strings))
                    if cell.formula and column in self.watched:
                        self.formulas.append((number, column))
                    if column in self.wanted and cell.formula and cell.value in (None, ""):
                        self.unsaved.append((number, column, formula_text(body)))
                    if column in self.wanted:
                        plain |= not cell.formula
                        aggregate |= cell.formula and is_aggregate(body)
                        self.rows[column].append(np.array([number], dtype=np.int64))
                        self.values[column].append(np.array([cell.value], dtype=object))
            if aggregate and not plain:
                self.aggregate_rows.append(np.array([number], dtype=np.int64))
        self.present_rows.append(np.array(present, dtype=np.int64))

    def frame(self) -> pd.DataFrame:
        series = {}
        for column in sorted(self.wanted):
            rows = self.rows[column]
            index = np.concatenate(rows) if rows else np.empty(0, np.int64)
            data = np.concatenate(self.values[column]) if rows else np.empty(0, object)
            values = pd.Series(data, index=index, dtype=object)
            series[column] = values[~values.index.duplicated(keep="last")]
        frame = pd.DataFrame(series) if series else pd.DataFrame()
        return frame.sort_index()

    def present_row_numbers(self) -> np.ndarray:
        if not self.present_rows:
            return np.empty(0, np.int64)
        return np.unique(np.concatenate(self.present_rows))


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
    aggregates = collector.aggregate_rows
    return Scan(frame=collector.frame(), present=collector.present_row_numbers(),
                formulas=collector.formulas,
                last_column=collector.last_column, merges=merges,
                dimension=dimension_of(parts.head),
                aggregate_rows=np.unique(np.concatenate(aggregates)) if aggregates
                else np.empty(0, np.int64),
                unsaved=collector.unsaved, label_rows=collector.labels.found(),
                example_rows=collector.labels.found_examples(), encoding=parts.syntax.encoding)
