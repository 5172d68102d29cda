"""Rewriting one sheet's XML as a stream: only the cells decider owns change.

Rows that get no cell are copied as they are. A row that does keeps every byte of its
other cells and attributes; decider's cells are put in column order (replacing a cell
already there in an owned column, keeping that cell's style), and the row's `spans`
hint and the sheet's `<dimension>` grow to cover them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from decider.workbook.package.refs import column_letters, column_number
from decider.workbook.package.sheet import (
    ROWS,
    SheetParts,
    Syntax,
    cells_of,
    replace_dimension,
    row_number,
    spans_of,
    style_of,
)

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL_TEXT = 32_767


def clean_text(text: str) -> str:
    """A text a cell can hold: characters XML 1.0 cannot carry replaced, cut to Excel's
    limit."""
    return _INVALID_XML.sub("\ufffd", text)[:MAX_CELL_TEXT]


def shared_payload(index: int) -> bytes:
    """A shared-string cell's body: always a string, never a formula."""
    return b' t="s"><v>' + str(index).encode("ascii") + b"</v></c>"


def number_payload(number: float) -> bytes:
    shown = repr(float(number))
    if shown.endswith(".0"):
        shown = shown[:-2]
    return b"><v>" + shown.encode("ascii") + b"</v></c>"


@dataclass(slots=True)
class SheetEdit:
    """The cells to write: `payloads[column][i]` is the cell body for `rows[i]` (b"" for
    an empty cell); `header` holds the new header cells' payloads and style. `styles`:
    the style of each column's new body cells (a cell already there keeps its own).
    `head` and `tail` edit the XML before and after the cells (`<cols>`, conditional
    formats)."""

    rows: list[int]  # increasing
    payloads: dict[int, list[bytes]]  # column -> a cell body per row
    header_row: int
    header: dict[int, bytes]  # column -> payload
    header_style: bytes | None
    dimension: str | None  # the new <dimension ref>, when the sheet has one
    styles: dict[int, bytes] = field(default_factory=dict)  # column -> cellXfs index
    head: Callable[[bytes, bytes], bytes] | None = None  # (xml, prefix) -> xml
    tail: Callable[[bytes, bytes], bytes] | None = None


@dataclass(slots=True)
class RewriteStats:
    """Counted while the sheet is written: shared-string cells decider replaced (the
    shared-strings table's `count` goes down by as many)."""

    dropped_shared: int = 0


def rewrite(parts: SheetParts, edit: SheetEdit, stats: RewriteStats | None = None
            ) -> Iterator[bytes]:
    prefix = parts.syntax.prefix
    head = replace_dimension(parts.head, edit.dimension) if edit.dimension else parts.head
    yield edit.head(head, prefix) if edit.head else head
    editor = _RowEditor(parts.syntax, edit, stats or RewriteStats())
    for kind, block in parts.items:
        if kind == ROWS:
            yield editor.block(block)
        else:
            yield editor.missing_header() + (edit.tail(block, prefix) if edit.tail else block)


def _with_prefix(payload: bytes, prefix: bytes) -> bytes:
    """A payload's tags in the sheet's own namespace prefix (`x:` for some writers); the
    text inside is escaped, so no tag can be found there by mistake."""
    for tag in (b"is>", b"t ", b"t>", b"v>", b"c>"):
        payload = payload.replace(b"<" + tag, b"<" + prefix + tag)
        payload = payload.replace(b"</" + tag, b"</" + prefix + tag)
    return payload


def _prefixed(edit: SheetEdit, prefix: bytes) -> SheetEdit:
    if not prefix:
        return edit
    payloads = {}
    for column, values in edit.payloads.items():
        table = {u: _with_prefix(u, prefix) for u in set(values)}
        payloads[column] = [table[v] for v in values]
    header = {c: _with_prefix(p, prefix) for c, p in edit.header.items()}
    return SheetEdit(edit.rows, payloads, edit.header_row, header, edit.header_style,
                     edit.dimension, edit.styles, edit.head, edit.tail)


_SHARED = re.compile(rb"""\bt\s*=\s*["']s["']""")


class _RowEditor:
    def __init__(self, syntax: Syntax, edit: SheetEdit, stats: RewriteStats) -> None:
        self.syntax = syntax
        self.stats = stats
        edit = _prefixed(edit, syntax.prefix)
        self.edit = edit
        self.styled = {c: b' s="' + style + b'"' for c, style in edit.styles.items()}
        p = re.escape(syntax.prefix)
        self.row = re.compile(rb"<" + p + rb"row\b([^>]*?)(?:/>|>([^<]*(?:<(?!/" + p
                              + rb"row>)[^<]*)*)</" + p + rb"row>)")
        self.columns = sorted(edit.payloads)
        self.first_column = min([*self.columns, *edit.header], default=1)
        self.rows = edit.rows
        self.previous = 0
        self.header_done = not edit.header
        self.letters = {c: column_letters(c).encode() for c in [*self.columns, *edit.header]}
        self.cell_open = b"<" + syntax.prefix + b'c r="'
        self.open_row = b"<" + syntax.prefix + b"row"
        self.close_row = b"</" + syntax.prefix + b"row>"
        self.heads = self._cell_heads()
        self.spans_cache: dict[bytes, bytes] = {}
        self.row_numbers = re.compile(rb"<" + p + rb'row r="(\d+)"')
        left = b"|".join(column_letters(c).encode() for c in range(self.first_column - 1, 0, -1))
        self.beyond = re.compile(rb"<" + p + rb'c r="(?!(?:' + (left or b"(?!)") + rb')\d)')

    def _cell_heads(self) -> list[tuple[list[bytes], bytes, bytes]]:
        """Per column decider writes: its payloads, and the bytes before and after the
        row number in its cells' start (`<c r="M`, `" s="5"`)."""
        return [(self.edit.payloads[column], self.cell_open + self.letters[column],
                 b'"' + self.styled.get(column, b"")) for column in self.columns]

    def _added(self, at: int, number: bytes) -> bytes:
        """The row's new cells, put together from the columns' payloads. Built per row:
        on a large sheet the rows' combinations of answers are mostly distinct (the
        rationales echo the values as typed), so a template per combination would cost
        memory and save no time."""
        parts: list[bytes] = []
        for payloads, before, after in self.heads:
            payload = payloads[at]
            if payload:
                parts += (before, number, after, payload)
        return b"".join(parts)

    def block(self, block: bytes) -> bytes:
        fast = self._fast_block(block)
        return fast if fast is not None else self.row.sub(self._row, block)

    def _fast_block(self, block: bytes) -> bytes | None:
        """The common block, rewritten without a Python call per row: every row has `r`
        first and an end tag, no cell at or right of decider's first column, and the
        header row is behind. None: take the row-by-row path."""
        if not self.header_done or self.beyond.search(block):
            return None
        pieces = block.split(self.close_row)
        numbers = self.row_numbers.findall(block)
        if len(numbers) != len(pieces) - 1 or block.count(self.open_row) != len(numbers):
            return None
        if not numbers:
            return block
        added_cells, close, rows = self._added, self.close_row, self.rows
        end, find = len(rows), bisect.bisect_left
        out: list[bytes] = []
        for index, number in enumerate(numbers):
            piece = pieces[index]
            row = int(number)
            at = find(rows, row)
            added = added_cells(at, number) if at < end and rows[at] == row else b""
            if added:
                # A row given no cell (one cleared) keeps its spans, as the slow path does.
                if b' spans="' in piece:
                    piece = self._grow_tag(piece)
                out += (piece, added, close)
            else:
                out += (piece, close)
        out.append(pieces[-1])
        return b"".join(out)

    def _grow_tag(self, piece: bytes) -> bytes:
        """A row's start tag with its `spans` grown (a piece holds one row's start)."""
        start = piece.find(self.open_row) + len(self.open_row)
        end = piece.find(b">", start)
        return piece[:start] + self._spans(piece[start:end]) + piece[end:]

    def missing_header(self) -> bytes:
        """A header row of decider's cells alone, where the sheet has no such row yet."""
        if self.header_done or not self.edit.header:
            return b""
        self.header_done = True
        digits = str(self.edit.header_row).encode()
        cells = b"".join(self._cell(column, digits, payload, self.edit.header_style)
                         for column, payload in sorted(self.edit.header.items()))
        return self.open_row + b' r="' + digits + b'">' + cells + self.close_row

    def _row(self, match: re.Match[bytes]) -> bytes:
        number = row_number(match.group(1), self.previous)
        self.previous = number
        if number == self.edit.header_row and self.edit.header:
            self.header_done = True
            cells = {c: (payload, self.edit.header_style)
                     for c, payload in self.edit.header.items()}
            return self._edited(match, number, cells)
        if number > self.edit.header_row and not self.header_done:
            return self.missing_header() + self._row_below_header(match, number)
        return self._row_below_header(match, number)

    def _row_below_header(self, match: re.Match[bytes], number: int) -> bytes:
        rows = self.rows
        at = bisect.bisect_left(rows, number)  # rows need not come in order
        if at >= len(rows) or rows[at] != number:
            return match.group(0)
        body = match.group(2) or b""
        last = self._last_column(body)
        if last is not None and last < self.first_column:
            added = self._added(at, str(number).encode())
            if not added:
                return match.group(0)
            return (self.open_row + self._spans(match.group(1)) + b">" + body + added
                    + self.close_row)
        cells: dict[int, tuple[bytes, bytes | None]] = {
            c: (self.edit.payloads[c][at], self.edit.styles.get(c)) for c in self.columns}
        return self._edited(match, number, cells)

    def _edited(self, match: re.Match[bytes], number: int,
                cells: dict[int, tuple[bytes, bytes | None]]) -> bytes:
        attributes = match.group(1)
        body = match.group(2) or b""
        digits = str(number).encode()
        last = self._last_column(body)
        if last is not None and last < self.first_column:
            new_body = body + b"".join(
                self._cell(column, digits, payload, style)
                for column, (payload, style) in sorted(cells.items()))
        else:
            new_body = self._merged(body, digits, cells)
        if new_body == body:
            return match.group(0)
        return (self.open_row + _grown_spans(attributes, cells) + b">" + new_body
                + self.close_row)

    def _spans(self, attributes: bytes) -> bytes:
        """The row's `spans` hint grown to cover every column decider owns."""
        found = spans_of(attributes)
        if found is None:
            return attributes
        value = found.group(1)
        grown = self.spans_cache.get(value)
        if grown is None:
            every = {c: (b"x", None) for c in self.columns}
            grown_match = spans_of(_grown_spans(b' spans="' + value + b'"', every))
            grown = value if grown_match is None else grown_match.group(1)
            if len(self.spans_cache) < 10_000:
                self.spans_cache[value] = grown
        return attributes[:found.start(1)] + grown + attributes[found.end(1):]

    def _cell(self, column: int, digits: bytes, payload: bytes, style: bytes | None) -> bytes:
        if not payload:
            return b""
        styled = b' s="' + style + b'"' if style else b""
        return self.cell_open + self.letters[column] + digits + b'"' + styled + payload

    def _last_column(self, body: bytes) -> int | None:
        if not body:
            return 0
        at = body.rfind(self.cell_open)
        if at < 0:
            return None
        start = at + len(self.cell_open)
        end = start
        while end < len(body) and 65 <= body[end] <= 90:
            end += 1
        return column_number(body[start:end].decode()) if end > start else None

    def _merged(self, body: bytes, digits: bytes,
                cells: dict[int, tuple[bytes, bytes | None]]) -> bytes:
        """Put decider's cells among the row's cells, replacing any in its columns."""
        pending = sorted(cells.items())
        out = []
        cursor = 0
        # The cells left of decider's first column stay as they are: only the rest of the
        # row is taken apart (a sheet scored before: its old answers, the user's cells
        # after them). Where a cell has no `r`, its column is its place: the whole row.
        tail = self.beyond.search(body)
        if tail is not None and self.syntax.implicit_cell.search(body, 0, tail.start()) is None:
            out.append(body[:tail.start()])
            body = body[tail.start():]
        for column, attributes, _content, (start, end) in cells_of(self.syntax, body):
            while pending and pending[0][0] < column:
                new_column, (payload, style) = pending.pop(0)
                out.append(self._cell(new_column, digits, payload, style))
            if pending and pending[0][0] == column:
                _, (payload, style) = pending.pop(0)
                if _SHARED.search(attributes):
                    self.stats.dropped_shared += 1
                out.append(body[cursor:start])
                kept_style = style_of(attributes) or style
                out.append(self._cell(column, digits, payload, kept_style)
                           or self._blank(column, digits, kept_style))
                cursor = end
                continue
            out.append(body[cursor:end])
            cursor = end
        out.append(body[cursor:])
        for new_column, (payload, style) in pending:
            out.append(self._cell(new_column, digits, payload, style))
        return b"".join(out)

    def _blank(self, column: int, digits: bytes, style: bytes | None) -> bytes:
        """An owned cell that now has no value keeps its place only for its style."""
        if not style:
            return b""
        return self.cell_open + self.letters[column] + digits + b'" s="' + style + b'"/>'


def _grown_spans(attributes: bytes, cells: Mapping[int, tuple[bytes, bytes | None]]) -> bytes:
    found = spans_of(attributes)
    written = [column for column, (payload, _style) in cells.items() if payload]
    if found is None or not written:
        return attributes
    first, _, last = found.group(1).rpartition(b" ")[2].partition(b":")
    try:
        low, high = int(first), int(last or first)
    except ValueError:
        return attributes
    low, high = min(low, *written), max(high, *written)
    prefix = found.group(1).rpartition(b" ")[0]
    value = (prefix + b" " if prefix else b"") + f"{low}:{high}".encode()
    return attributes[:found.start(1)] + value + attributes[found.end(1):]
