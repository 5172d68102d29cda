"""Totals rows: the rows under (or inside) a portfolio table that sum it up. They are not
business units (decision policy, section 8): they get no answer, no issue, and are only
counted in the summary.

A totals row is
- a row whose label (a text cell left of the inputs, under the header's columns; the
  first text cell when an input column comes first) holds Total, Totals,
  Subtotal, Sub-total, Grand total, Sum, Average or Mean as a whole word anywhere
  ("Total EMEA", "Americas total", "APAC - subtotal", "Sum:"; not "Totally new" nor
  "Summit BU"), unless the row gives a maturity or a regulation as text: "Total Gas &
  Power" with a phase and a sector is a business unit (section 10; the caller checks
  that part, on the values it read);
- a row whose filled input cells are all formulas, one of them an aggregate
  (`=SUM(C5:C12)`, `=SUBTOTAL(109,...)`, `=AVERAGE(...)`...): a row of lookups from
  another sheet (`=VLOOKUP(...)` on every input) is a business unit whose inputs happen
  to be computed, not a total;
- an Excel table's totals row (`totalsRowCount`).

An example row (section 10) is a row whose first text cell starts with Example, e.g. or
Sample: found the same way, and skipped the same way.

Reading costs almost nothing when a sheet has no such row: the labels are looked for
only as the shared strings (judged once each) or inline texts that start with one of the
words, and a row is decoded only when such a text is in it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

from decider.workbook.package.opening import Package
from decider.workbook.package.sheet import Syntax, cells_of, decode_cell, row_number
from decider.workbook.package.tables import sheet_tables

_WORDS = r"(?:sub-?\s?totals?|grand\s+totals?|totals?|sum|average|mean)\b"
TOTALS_LABEL = re.compile(r"(?<![\w-])" + _WORDS, re.IGNORECASE)
_EXAMPLE_WORDS = r"(?:examples?\b|e\.\s?g\.|samples?\b)"
EXAMPLE_LABEL = re.compile(r"\s*" + _EXAMPLE_WORDS, re.IGNORECASE)
# An aggregate function called in a cell's formula; "_xlfn." prefixes the newer ones.
_AGGREGATE = re.compile(
    rb"(?<![A-Za-z0-9_.])(?:_xlfn\.)?(?:SUM|SUMIFS?|SUMPRODUCT|SUBTOTAL|AGGREGATE|"
    rb"AVERAGEA?|AVERAGEIFS?|COUNTA?|COUNTIFS?|MIN|MAX|MEDIAN|PRODUCT)\s*\(", re.IGNORECASE)
_LINE_LABEL = re.compile(r"(?<![\w-])" + _WORDS + r"|^[ \t]*" + _EXAMPLE_WORDS,
                         re.IGNORECASE | re.MULTILINE)
_ROW_HAS_NUMBER = re.compile(rb"""\br\s*=\s*["']\d""")
SHOWN_ROWS = 10


def is_totals_label(text: str) -> bool:
    return TOTALS_LABEL.search(text) is not None


def is_example_label(text: str) -> bool:
    return EXAMPLE_LABEL.match(text) is not None


def is_aggregate(cell_body: bytes) -> bool:
    """Whether a formula cell's XML calls an aggregate function."""
    return _AGGREGATE.search(cell_body) is not None


_LABEL_WORDS = (b"total", b"sum", b"average", b"mean", b"example", b"e.g", b"sample")


def _may_hold_a_label(block: bytes) -> bool:
    """Whether a block holds one of the words at all (a fast search over its bytes in
    lower case): most blocks do not, and skip the slower pattern."""
    lower = block.lower()
    return any(word in lower for word in _LABEL_WORDS)


def _text_label_pattern(prefix: bytes) -> re.Pattern[bytes]:
    """An inline string, or a formula's cached text, that holds a totals word or starts
    with an example word."""
    p = re.escape(prefix)
    return re.compile(rb"<" + p + rb"(?:t|v)(?:\s[^>]*)?>(?:[^<]*?(?<![\w-])" + _WORDS.encode()
                      + rb"|\s*(?:<!\[CDATA\[\s*)?" + _EXAMPLE_WORDS.encode() + rb")",
                      re.IGNORECASE)


class LabelFinder:
    """Rows with a text cell in the label columns (those left of the first input, or
    every header column when an input comes first) that holds a totals word or starts
    with an example word, found block by block as the reader streams the sheet."""

    def __init__(self, syntax: Syntax, strings: list[str], header_row: int,
                 columns: set[int]) -> None:
        self.syntax = syntax
        self.strings = strings
        self.header_row = header_row
        self.columns = columns
        ids = _label_ids(strings) if columns else []
        # A shared-string cell holding one of those strings: `<v>17</v>`. A number cell can
        # hold 17 too: its row is judged on its decoded cells, which then say no.
        self._shared = (re.compile(rb"<" + re.escape(syntax.prefix) + rb"v>(?:"
                                   + b"|".join(str(i).encode() for i in ids) + rb")</")
                        if ids else None)
        self._text = _text_label_pattern(syntax.prefix)
        self._row_start = b"<" + syntax.prefix + b"row"
        self.rows: list[int] = []
        self.examples: list[int] = []

    def add_block(self, block: bytes) -> None:
        if not self.columns:
            return
        hits: list[int] = []
        if self._shared is not None:
            hits.extend(m.start() for m in self._shared.finditer(block))
        if (b"inlineStr" in block or b't="str"' in block) and _may_hold_a_label(block):
            hits.extend(m.start() for m in self._text.finditer(block))
        seen: set[int] = set()
        for at in sorted(hits):
            # The row the hit is in: the nearest "<row" before it (inside sheetData no
            # other element starts so), found scanning back from the hit only.
            start = block.rfind(self._row_start, 0, at)
            if start < 0 or start in seen:
                continue
            seen.add(start)
            self._judge_row(block, start)

    def _judge_row(self, block: bytes, start: int) -> None:
        match = self.syntax.row.match(block, start)
        if match is None:
            return
        if not _ROW_HAS_NUMBER.search(match.group(1)):
            return  # a row without its number: too rare a form to be worth a guess
        number = row_number(match.group(1), 0)
        if number <= self.header_row:
            return
        for column, attributes, body, _span in sorted(cells_of(self.syntax, match.group(2)),
                                                      key=lambda cell: cell[0]):
            if column not in self.columns or not body:
                continue
            value = decode_cell(self.syntax, attributes, body, self.strings).value
            # Every text cell of the label columns counts, not only the first: with a
            # Region column first, "EMEA | Total" is a totals row, its label "Total".
            if _is_text(value):
                if is_example_label(value):
                    self.examples.append(number)
                    return
                if is_totals_label(value):
                    self.rows.append(number)
                    return

    def found(self) -> list[int]:
        return sorted(set(self.rows))

    def found_examples(self) -> list[int]:
        return sorted(set(self.examples))


def _label_ids(strings: list[str]) -> list[int]:
    """The shared strings that hold a totals word or start with an example word: one regex
    over them all."""
    joined = "\n".join(strings)
    positions = [m.start() for m in _LINE_LABEL.finditer(joined)]
    if not positions:
        return []
    starts = list(accumulate((len(s) + 1 for s in strings[:-1]), initial=0))
    found = {bisect.bisect_right(starts, position) - 1 for position in positions}
    # A line inside a string is no string's start: checked on the whole string.
    return sorted(i for i in found if is_totals_label(strings[i])
                  or is_example_label(strings[i]))


def table_totals_rows(package: Package, part: str, columns: set[int]) -> list[int]:
    """The totals rows of the sheet's Excel tables that overlap the header's columns."""
    rows: list[int] = []
    for table in sheet_tables(package, part):
        if table.totals_rows and any(table.first_column <= c <= table.last_column
                                     for c in columns):
            rows.extend(range(table.last_row - table.totals_rows + 1, table.last_row + 1))
    return sorted(rows)


def label_rows_of_table(lines: list[list[Any]], numbers: list[int], columns: list[int]
                        ) -> tuple[list[int], list[int]]:
    """For a CSV/Parquet table (every cell text or a plain value; `lines[i]` is row
    `numbers[i]`): the rows with a text cell among the label `columns` (positions) that is
    a totals label, and those with one that is an example label (the first such cell
    decides). Each distinct cell is judged once; only rows holding a label are walked."""
    totals: list[int] = []
    examples: list[int] = []
    judged: dict[Any, bool] = {}
    for number, line in zip(numbers, lines, strict=True):
        cells = [line[c] for c in columns if c < len(line)]
        if not any(_label_like(cell, judged) for cell in cells):
            continue
        for value in cells:
            if _is_text(value) and is_example_label(value):
                examples.append(number)
                break
            if _is_text(value) and is_totals_label(value):
                totals.append(number)
                break
    return totals, examples


def _label_like(value: Any, judged: dict[Any, bool]) -> bool:
    if not isinstance(value, str):
        return False
    found = judged.get(value)
    if found is None:
        found = judged[value] = is_totals_label(value) or is_example_label(value)
    return found


def _is_text(value: object) -> bool:
    """Text that is not a number written as text ("14", "1,200"): a row numbered in its
    first column is still judged by its label."""
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        float(value.replace(",", ""))
    except ValueError:
        return True
    return False


def describe(rows: Iterable[int]) -> str:
    """ "1 totals row skipped: row 14", "2 totals rows skipped: rows 14, 30" (the first
    few rows listed)."""
    numbers = sorted(rows)
    if not numbers:
        return ""
    shown = ", ".join(map(str, numbers[:SHOWN_ROWS]))
    more = len(numbers) - SHOWN_ROWS
    if more > 0:
        shown += f" and {more} more"
    if len(numbers) == 1:
        return f"1 totals row skipped: row {shown}"
    return f"{len(numbers)} totals rows skipped: rows {shown}"
