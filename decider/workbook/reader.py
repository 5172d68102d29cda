"""Reading the columns `decider score` needs from one sheet, in one streaming pass.

The fast path runs one regular expression per block of rows that only stops on the
cells of the wanted columns (the `r` attribute first, as every common writer puts it)
and decodes each distinct cell body once. A block with any other cell form (no `r`,
attributes in another order, single quotes) is read cell by cell instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from decider.workbook.package import Package
from decider.workbook.refs import column_letters, column_number
from decider.workbook.sheet import (
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
)

_CACHE_LIMIT = 100_000


@dataclass(slots=True)
class Scan:
    """What one pass over a sheet found."""

    frame: pd.DataFrame  # index: row numbers below the header; columns: column numbers
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column), watched
    last_column: int = 0  # the rightmost column holding anything, over the whole sheet
    merges: list[str] = field(default_factory=list)
    dimension: str | None = None


def first_rows(package: Package, part: str, strings: list[str], last_row: int
               ) -> dict[int, dict[int, Any]]:
    parts = split(package.stream(part), package.path.name, part)
    return peek(parts, strings, last_row)


class _Collector:
    """Values per wanted column, as parallel lists of row numbers and values."""

    def __init__(self, syntax: Syntax, strings: list[str], header_row: int,
                 wanted: set[int], watched: set[int]) -> None:
        self.syntax = syntax
        self.strings = strings
        self.header_row = header_row
        self.wanted = wanted
        self.watched = watched
        self.rows: dict[int, list[np.ndarray]] = {column: [] for column in wanted}
        self.values: dict[int, list[np.ndarray]] = {column: [] for column in wanted}
        self.formulas: list[tuple[int, int]] = []
        self.last_column = 0
        self._cache: dict[tuple[bytes, bytes], Cell] = {}
        p = re.escape(syntax.prefix)
        self._prefix = p
        # Longer letters first (AB before A): a larger column number never has fewer letters.
        letters = b"|".join(column_letters(c).encode()
                            for c in sorted(wanted | watched, reverse=True)) or b"(?!)"
        # Attributes without "/" (r, s, t, cm, vm, ph never hold one) and a body that runs
        # to the first "</c>": no lazy quantifier, which Python's engine runs slowly.
        self._cells = re.compile(rb'<' + p + rb'c r="(' + letters + rb')(\d+)"([^>/]*)(?:/>|>'
                                 rb'([^<]*(?:<(?!/' + p + rb'c>)[^<]*)*)</' + p + rb'c>)')
        self._letters = re.compile(rb'<' + p + rb'c r="([A-Z]+)')
        self._any_cell = (b"<" + syntax.prefix + b"c ", b"<" + syntax.prefix + b"c>")
        self._plain_cell = b"<" + syntax.prefix + b'c r="'

    def add_block(self, block: bytes) -> None:
        cells = sum(block.count(form) for form in self._any_cell)
        if cells == block.count(self._plain_cell):
            self._add_plain(block)
        else:
            self._add_row_by_row(block)

    def _add_plain(self, block: bytes) -> None:
        """Vectorized: the cells' row numbers, columns and bodies go through numpy and
        pandas; each distinct (attributes, body) pair is decoded once."""
        self._note_used_columns(block)
        found = self._cells.findall(block)
        if not found:
            return
        letters, digits, attributes, bodies = zip(*found, strict=True)
        rows = np.array(digits, dtype="S7").astype(np.int64)
        body_codes, body_uniques = pd.factorize(np.array(bodies, dtype=object))
        attribute_codes, attribute_uniques = pd.factorize(np.array(attributes, dtype=object))
        pair_codes, pairs = pd.factorize(body_codes.astype(np.int64) * len(attribute_uniques)
                                         + attribute_codes)
        width = len(attribute_uniques)
        decoded = [self._decode(attribute_uniques[pair % width], body_uniques[pair // width])
                   for pair in pairs.tolist()]
        values = np.empty(len(decoded), dtype=object)
        values[:] = [cell.value for cell in decoded]
        formulas = np.array([cell.formula for cell in decoded], dtype=bool)
        keep = (rows > self.header_row) & np.array([bool(b) for b in body_uniques],
                                                   dtype=bool)[body_codes]
        column_codes, column_uniques = pd.factorize(np.array(letters, dtype=object))
        for code, letter in enumerate(column_uniques.tolist()):
            column = column_number(letter.decode())
            here = keep & (column_codes == code)
            if column in self.rows:
                self.rows[column].append(rows[here])
                self.values[column].append(values[pair_codes[here]])
            if column in self.watched:
                formula_rows = rows[here & formulas[pair_codes]]
                self.formulas.extend((int(row), column) for row in formula_rows)

    def _decode(self, attributes: bytes, body: bytes) -> Cell:
        key = (attributes, body)
        cell = self._cache.get(key)
        if cell is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            cell = self._cache[key] = decode_cell(self.syntax, attributes, body, self.strings)
        return cell

    def _note_used_columns(self, block: bytes) -> None:
        """The rightmost column with a non-empty cell: each distinct column letter right of
        the one known is checked for one cell with content."""
        found = sorted({column_number(letters.decode())
                        for letters in set(self._letters.findall(block))}, reverse=True)
        for column in found:
            if column <= self.last_column:
                return
            letters = column_letters(column).encode()
            pattern = (rb'<' + self._prefix + rb'c r="' + letters + rb'\d+"[^>/]*>(?!</'
                       + self._prefix + rb'c>)')
            if re.search(pattern, block):
                self.last_column = column
                return

    def _add_row_by_row(self, block: bytes) -> None:
        number = 0
        for row in self.syntax.row.finditer(block):
            number = row_number(row.group(1), number)
            for column, attributes, body, _span in cells_of(self.syntax, row.group(2)):
                if not body:
                    continue
                self.last_column = max(self.last_column, column)
                if number > self.header_row and column in self.wanted | self.watched:
                    cell = decode_cell(self.syntax, attributes, body, self.strings)
                    self._keep(number, column, cell.value, cell.formula)

    def _keep(self, row: int, column: int, value: Any, formula: bool) -> None:
        if formula and column in self.watched:
            self.formulas.append((row, column))
        if column in self.rows:
            self.rows[column].append(np.array([row], dtype=np.int64))
            self.values[column].append(np.array([value], dtype=object))

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

    def used_column(self) -> int:
        return self.last_column


def scan(package: Package, part: str, strings: list[str], header_row: int,
         wanted: set[int], watched: set[int]) -> Scan:
    """Values of the `wanted` columns on every row below `header_row`; formula cells of the
    `watched` columns there; the sheet's used extent, merged ranges and dimension."""
    parts = split(package.stream(part), package.path.name, part)
    collector = _Collector(parts.syntax, strings, header_row, wanted, watched)
    merges: list[str] = []
    for kind, block in parts.items:
        if kind == ROWS:
            collector.add_block(block)
        else:
            merges = merged_ranges(block)
    return Scan(frame=collector.frame(), formulas=collector.formulas,
                last_column=collector.used_column(), merges=merges,
                dimension=dimension_of(parts.head))
