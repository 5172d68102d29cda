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
    # Every new cell names its place (`r`), as Excel writes; else only a row's first of
    # decider's does (see `_RowEditor._added`).
    cell_references: bool = False


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
                     edit.dimension, edit.styles, edit.head, edit.tail, edit.cell_references)


_SHARED = re.compile(rb"""\bt\s*=\s*["']s["']""")
_R = re.compile(rb"""\br\s*=""")


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
        self.cell_start = b"<" + syntax.prefix + b"c"
        self.open_row = b"<" + syntax.prefix + b"row"
        self.close_row = b"</" + syntax.prefix + b"row>"
        self.heads = self._cell_heads()
        # Decider's columns side by side: a row scored before ends in a run of its cells.
        contiguous = self.columns == list(range(self.first_column, self.first_column
                                                 + len(self.columns)))
        self.run_columns = self.columns if contiguous and self.columns else None
        self.run_anchor = self.cell_open + (self.letters[self.columns[0]] if self.columns
                                            else b"")
        self.run_cell = re.compile(
            rb"(<" + p + rb'c(?: r="[A-Z]{1,3}\d+")?(?: s="(\d+)")?(?: t="\w+")?'
            rb"(?:/>|>[^<]*(?:<(?!/" + p + rb"c>)[^<]*)*</" + p + rb"c>))")
        self.spans_cache: dict[bytes, bytes] = {}
        self.row_numbers = re.compile(rb"<" + p + rb'row r="(\d+)"')
        left = b"|".join(column_letters(c).encode() for c in range(self.first_column - 1, 0, -1))
        self.beyond = re.compile(rb"<" + p + rb'c r="(?!(?:' + (left or b"(?!)") + rb')\d)')

    def _cell_heads(self) -> list[tuple[list[bytes], bytes, bytes, bytes | None]]:
        """Per column decider writes: its payloads; the bytes before and after the row
        number in its cell's start when the cell names its place (`<c r="M`, `" s="5"`);
        and, when the column is next to decider's previous one, the start of a cell that
        takes its place from the cell before it (`<c s="5"`)."""
        heads = []
        for index, column in enumerate(self.columns):
            style = self.styled.get(column, b"")
            follows = (index > 0 and self.columns[index - 1] == column - 1
                       and not self.edit.cell_references)
            implicit = b"<" + self.syntax.prefix + b"c" + style if follows else None
            heads.append((self.edit.payloads[column], self.cell_open + self.letters[column],
                          b'"' + style, implicit))
        return heads

    def _added(self, at: int, number: bytes) -> bytes:
        """The row's new cells, put together from the columns' payloads. Only the first
        names its place (`r` is optional in the format): each next one is the column after
        the cell before it, an empty column of decider's in between holding an empty cell
        of its style. Excel, LibreOffice and the usual readers place such cells (Power BI
        writes them); the repeated references were most of the scored file's growth.
        Built per row: on a large sheet the rows' combinations of answers are mostly
        distinct, so a template per combination would cost memory and save no time."""
        parts: list[bytes] = []
        gap: list[bytes] = []
        placed = False  # the previous column's cell is written (or an empty one held)
        for payloads, before, after, implicit in self.heads:
            payload = payloads[at]
            if implicit is None:
                placed, gap = False, []
            if not payload:
                if placed and implicit is not None:
                    gap.append(implicit + b"/>")
            elif placed and implicit is not None:
                if gap:
                    parts += gap
                    gap = []
                parts += (implicit, payload)
            else:
                parts += (before, number, after, payload)
                placed = True
        return b"".join(parts)

    def block(self, block: bytes) -> bytes:
        fast = self._fast_block(block)
        return fast if fast is not None else self.row.sub(self._row, block)

    def _fast_block(self, block: bytes) -> bytes | None:
        """The common block, rewritten without a Python call per row: every row has `r`
        first and an end tag, no cell at or right of decider's first column, and the
        header row is behind. None: take the row-by-row path."""
        if not self.header_done or self._has_implicit(block) or self.beyond.search(block):
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
        placer = _Placer(self, digits)
        cells = b"".join(placer.own(column, payload, self.edit.header_style)
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
        again = self._answers_again(body, at, number)
        if again is not None:
            return self.open_row + self._spans(match.group(1)) + b">" + again + self.close_row
        last = self._last_column(body)
        if last is not None and last < self.first_column:
            added = self._added(at, str(number).encode())
            if not added:
                return match.group(0)
            return (self.open_row + self._spans(match.group(1)) + b">" + body + added
                    + self.close_row)
        cells: dict[int, tuple[bytes, bytes | None]] = {
            c: (self.edit.payloads[c][at], self.edit.styles.get(c)) for c in self.columns}
        return self._edited(match, number, cells, last)

    def _answers_again(self, body: bytes, at: int, number: int) -> bytes | None:
        """A row scored before whose end is decider's answers as decider wrote them (its
        first column's cell names its place, the next ones follow it, each of its column's
        style or none): that end is written anew as `_added` writes it. None: the row is
        taken apart cell by cell (`_merged`)."""
        if self.run_columns is None:
            return None
        digits = str(number).encode()
        start = body.find(self.run_anchor + digits + b'"')
        if start < 0:
            return None
        tail = body[start:]
        if tail.count(self.cell_open) != 1:
            return None
        cells = self.run_cell.findall(tail)
        if not cells or len(cells) > len(self.run_columns) \
                or sum(len(cell) for cell, _ in cells) != len(tail):
            return None
        for (_cell, style), column in zip(cells, self.run_columns, strict=False):
            # A style of the user's, or one that would keep an emptied cell: cell by cell.
            if style and (style != self.edit.styles.get(column)
                          or not self.edit.payloads[column][at]):
                return None
        self.stats.dropped_shared += sum(1 for cell, _ in cells if _SHARED.search(cell))
        return body[:start] + self._added(at, digits)

    def _edited(self, match: re.Match[bytes], number: int,
                cells: dict[int, tuple[bytes, bytes | None]], last: int | None = 0) -> bytes:
        """`last`: the row's last column, when known (0: to be found)."""
        attributes = match.group(1)
        body = match.group(2) or b""
        digits = str(number).encode()
        if last == 0:
            last = self._last_column(body)
        if last is not None and last < self.first_column:
            placer = _Placer(self, digits)
            new_body = body + b"".join(placer.own(column, payload, style)
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

    def _has_implicit(self, rows: bytes) -> bool:
        """Whether a cell in `rows` has no `r`: counted first (no other element of a row
        starts with `<c`, save a rich text's `<color>`), matched only where they differ."""
        if rows.count(self.cell_start) == rows.count(self.cell_open):
            return False
        return self.syntax.implicit_cell.search(rows) is not None

    def _last_column(self, body: bytes) -> int | None:
        if not body:
            return 0
        at = body.rfind(self.cell_open)
        rest = body[at:] if at >= 0 else body
        if self._has_implicit(rest):  # cells placed after the last one that names its place
            cells = cells_of(self.syntax, rest)
            return cells[-1][0] if cells else 0
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
        placer = _Placer(self, digits)
        # The cells left of decider's first column stay as they are: only the rest of the
        # row is taken apart (a sheet scored before: its old answers, the user's cells
        # after them). Where a cell has no `r`, its column is its place: the whole row.
        tail = self.beyond.search(body)
        if tail is not None and self.syntax.implicit_cell.search(body, 0, tail.start()) is None:
            out.append(body[:tail.start()])
            placer.last_any = self._last_column(body[:tail.start()]) or 0
            body = body[tail.start():]
        for column, attributes, _content, (start, end) in cells_of(self.syntax, body):
            while pending and pending[0][0] < column:
                new_column, (payload, style) = pending.pop(0)
                out.append(placer.own(new_column, payload, style))
            out.append(body[cursor:start])
            cursor = end
            if pending and pending[0][0] == column:
                _, (payload, style) = pending.pop(0)
                if _SHARED.search(attributes):
                    self.stats.dropped_shared += 1
                kept_style = style_of(attributes)
                # An owned cell that now has no value keeps its place for its own style.
                out.append(placer.own(column, payload, kept_style or style,
                                      keep_blank=kept_style is not None))
                continue
            out.append(placer.before_theirs(column, attributes) + body[start:end])
        out.append(body[cursor:])
        for new_column, (payload, style) in pending:
            out.append(placer.own(new_column, payload, style))
        return b"".join(out)


class _Placer:
    """Decider's cells of one row, written as `_RowEditor._added` writes them: a cell in
    the column after decider's previous cell takes its place from it (no `r`), an empty
    column of decider's in between holding an empty cell of its style; any other names
    its place. A cell of the user's without `r` keeps its place: where the cell before it
    was decider's and is no more, an empty one is written there."""

    def __init__(self, editor: _RowEditor, digits: bytes) -> None:
        self.editor = editor
        self.digits = digits
        self.last_own: int | None = None  # decider's cell just written, when it was
        self.last_any = 0  # the column of the cell just written, of whoever's
        self.gap: list[tuple[int, bytes | None]] = []  # decider's empty columns since

    def own(self, column: int, payload: bytes, style: bytes | None,
            keep_blank: bool = False) -> bytes:
        if not payload and not keep_blank:
            if self.last_own is not None:
                self.gap.append((column, style))
            return b""
        body = payload or b"/>"
        chained = (self.last_own is not None and not self.editor.edit.cell_references
                   and [c for c, _ in self.gap] == list(range(self.last_own + 1, column)))
        if chained:
            cell = b"".join(self._implicit(b"/>", s) for _, s in self.gap) \
                + self._implicit(body, style)
        else:
            styled = b' s="' + style + b'"' if style else b""
            editor = self.editor
            cell = (editor.cell_open + editor.letters[column] + self.digits + b'"' + styled
                    + body)
        self.last_own = self.last_any = column
        self.gap = []
        return cell

    def before_theirs(self, column: int, attributes: bytes) -> bytes:
        """Before a cell of the user's without `r`: the empty cell its place is counted
        from, where decider's cell there is no more (naming its place: the cells left of
        it are not all written)."""
        fill = b""
        if _R.search(attributes) is None and self.last_any < column - 1:
            before = column - 1
            style = dict(self.gap).get(before)
            styled = b' s="' + style + b'"' if style else b""
            fill = (self.editor.cell_open + column_letters(before).encode() + self.digits
                    + b'"' + styled + b"/>")
        self.last_own, self.last_any, self.gap = None, column, []
        return fill

    def _implicit(self, body: bytes, style: bytes | None) -> bytes:
        styled = b' s="' + style + b'"' if style else b""
        return b"<" + self.editor.syntax.prefix + b"c" + styled + body


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
