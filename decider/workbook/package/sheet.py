"""Streaming the XML of one worksheet at the byte level.

A sheet's XML is split into its head (everything up to `<sheetData>`), its `<row>`
elements one at a time, the bytes between them, and its tail (from `</sheetData>`). The
reader decodes only the cells it is asked for; the writer copies every byte it does not
own. Nothing is parsed as a tree, so a million-row sheet costs a buffer, not a DOM, and
no entity is ever expanded (a DTD is refused outright).
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from decider.workbook.errors import WorkbookError
from decider.workbook.package.opening import refuse_doctype
from decider.workbook.package.refs import MAX_COLUMN, MAX_ROW, column_number

ROWS, TAIL = range(2)

_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")
_R_ATTR = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d*)["']""")
_ROW_R = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_T_ATTR = re.compile(rb"""\bt\s*=\s*["'](\w+)["']""")
_S_ATTR = re.compile(rb"""\bs\s*=\s*["'](\d+)["']""")
_SPANS = re.compile(rb"""\bspans\s*=\s*["']([^"']*)["']""")
_DIMENSION_REF = re.compile(rb"""(<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["'])([^"']*)(["'])""")
_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([\w.:-]+)["']""")
_CDATA = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.S)
_MERGE_REF = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")


class Syntax:
    """The byte patterns of one sheet, for the namespace prefix its writer chose."""

    def __init__(self, prefix: bytes, encoding: str = "utf-8") -> None:
        self.prefix = prefix
        self.encoding = encoding  # the XML declaration's (ISO-8859-1 from some writers)
        p = re.escape(prefix)
        self.row = re.compile(rb"<" + p + rb"row\b([^>]*?)(?:/>|>(.*?)</" + p + rb"row\s*>)",
                              re.S)
        self.row_start = b"<" + prefix + b"row"
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c\s*>)",
                               re.S)
        self.sheet_data = re.compile(rb"<" + p + rb"sheetData\b[^>]*?(/?)>")
        self.sheet_data_end = b"</" + prefix + b"sheetData"
        self.value = re.compile(rb"<" + p + rb"v\b[^>]*?(?:/>|>(.*?)</" + p + rb"v\s*>)", re.S)
        self.text = re.compile(rb"<" + p + rb"t\b[^>]*?(?:/>|>(.*?)</" + p + rb"t\s*>)", re.S)
        self.phonetic = re.compile(rb"<" + p + rb"rPh\b.*?</" + p + rb"rPh\s*>", re.S)
        self.formula = b"<" + prefix + b"f"
        # A cell without `r` (optional in the format): its column is its place in the row.
        self.implicit_cell = re.compile(rb"<" + p + rb'c(?:>|/>|\s(?!r="))')


@dataclass(slots=True)
class SheetParts:
    """The pieces of a sheet's XML, produced lazily by `split`: `head`, then `items`,
    which are (ROWS, bytes holding whole rows and what lies between them) and, last,
    (TAIL, bytes from `</sheetData>` to the end)."""

    syntax: Syntax
    head: bytes
    items: Iterator[tuple[int, bytes]]


HEAD_SEARCH_BYTES = 1 << 20  # a part's root element lies within its first MiB


def read_to_root(chunks: Iterator[bytes], root: re.Pattern[bytes]
                 ) -> tuple[bytes, re.Match[bytes] | None]:
    """A streamed part's first chunks, up to its root element's start tag (None when it is
    not within the first MiB): what comes before it is all a writer may put there."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        found = root.search(buffer)
        if found is not None or len(buffer) > HEAD_SEARCH_BYTES:
            return buffer, found
    return buffer, None


def split(chunks: Iterator[bytes], file_name: str, member: str) -> SheetParts:
    buffer, root = read_to_root(chunks, _ROOT)
    refuse_doctype(buffer[:root.start() if root else 4096], file_name, member)
    if root is None:
        raise WorkbookError(f"{file_name}: its part {member} is not a worksheet")
    syntax = Syntax(root.group(1) or b"", _encoding_of(buffer[:root.start()]))
    while True:
        start = syntax.sheet_data.search(buffer, root.end())
        if start is not None:
            break
        chunk = next(chunks, b"")
        if not chunk:
            raise WorkbookError(f"{file_name}: its part {member} has no cell data "
                                "(damaged?); open it in Excel and save it again")
        buffer += chunk
    head = buffer[:start.end()]
    rest = buffer[start.end():]
    if start.group(1):  # <sheetData/>: no rows at all
        return SheetParts(syntax, head, iter([(TAIL, rest + b"".join(chunks))]))
    return SheetParts(syntax, head, _blocks(syntax, rest, chunks, file_name, member))


BLOCK_BYTES = 1 << 20  # rows handed on together: numpy and regex costs amortize per block
MAX_ROW_BYTES = 256 << 20  # 16,384 cells of 32,767 characters would be 1 GB; none is real


def _blocks(syntax: Syntax, buffer: bytes, chunks: Iterator[bytes], file_name: str,
            member: str) -> Iterator[tuple[int, bytes]]:
    """Cut the stream just before the last row that has begun: every byte before it
    belongs to complete rows (a `<row` cannot occur inside escaped cell text)."""
    data_end = syntax.sheet_data_end
    pieces = [buffer]
    size = len(buffer)
    exhausted = False
    while True:
        gathered = False
        while not exhausted and (size < BLOCK_BYTES or not gathered):
            chunk = next(chunks, b"")
            if not chunk:
                exhausted = True
                break
            pieces.append(chunk)
            size += len(chunk)
            gathered = True
            if data_end in chunk:
                break
        buffer = b"".join(pieces)
        end = buffer.find(data_end)
        if end >= 0:
            if end:
                yield ROWS, buffer[:end]
            yield TAIL, buffer[end:] + b"".join(chunks)
            return
        if exhausted:
            raise WorkbookError(f"{file_name} is damaged: the cell data of {member} is cut "
                                "short; open it in Excel and save it again")
        cut = max(buffer.rfind(syntax.row_start + b" "), buffer.rfind(syntax.row_start + b">"))
        if cut > 0:
            yield ROWS, buffer[:cut]
            buffer = buffer[cut:]
        if len(buffer) > MAX_ROW_BYTES:
            raise WorkbookError(f"{file_name}: its sheet {member} has a row of more than "
                                f"{MAX_ROW_BYTES >> 20} MB (damaged or hostile): refused")
        pieces = [buffer]
        size = len(buffer)


@dataclass(slots=True)
class Cell:
    """A cell the reader was asked about."""

    value: Any  # str, float, bool or None (blank)
    formula: bool


def decode_cell(syntax: Syntax, attributes: bytes, body: bytes | None,
                strings: list[str]) -> Cell:
    if not body:
        return Cell(None, False)
    formula = syntax.formula in body and _has_formula(syntax, body)
    kind_match = _T_ATTR.search(attributes)
    kind = kind_match.group(1) if kind_match else b"n"
    if kind == b"inlineStr":
        texts = syntax.text.findall(syntax.phonetic.sub(b"", body))
        return Cell(_text(b"".join(texts), syntax.encoding), formula)
    value_match = syntax.value.search(body)
    raw = value_match.group(1) if value_match else None
    if raw is None:
        return Cell(None, formula)
    if kind == b"s":
        try:
            return Cell(strings[int(raw)], formula)
        except (ValueError, IndexError):
            return Cell(None, formula)
    if kind == b"b":
        return Cell(raw.strip() in (b"1", b"true"), formula)
    if kind == b"n":
        try:
            return Cell(float(raw), formula)
        except ValueError:
            return Cell(_text(raw, syntax.encoding), formula)
    # str, e (an error like #N/A), d (an ISO date)
    return Cell(_text(raw, syntax.encoding), formula)


def _has_formula(syntax: Syntax, body: bytes) -> bool:
    at = body.find(syntax.formula)
    while at >= 0:
        follower = body[at + len(syntax.formula):at + len(syntax.formula) + 1]
        if follower in (b">", b" ", b"/", b"\t", b"\n", b"\r"):
            return True
        at = body.find(syntax.formula, at + 1)
    return False


def _text(raw: bytes, encoding: str = "utf-8") -> str:
    if b"<![CDATA[" not in raw:
        return _unescaped(raw, encoding)
    # A CDATA section's text is literal: only the text around it holds entities.
    parts, at = [], 0
    for section in _CDATA.finditer(raw):
        parts += [_unescaped(raw[at:section.start()], encoding),
                  section.group(1).decode(encoding, "replace")]
        at = section.end()
    return "".join(parts) + _unescaped(raw[at:], encoding)


def _unescaped(raw: bytes, encoding: str) -> str:
    text = raw.decode(encoding, "replace")
    return html.unescape(text) if "&" in text else text


def _encoding_of(prolog: bytes) -> str:
    """The declared encoding, when Python knows it and it keeps ASCII bytes as ASCII
    (the byte-level patterns need that); else UTF-8, XML's default."""
    found = _ENCODING.search(prolog)
    if found is None:
        return "utf-8"
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return "utf-8"
    return name if "<c r=".encode(name, "replace") == b"<c r=" else "utf-8"


def row_number(attributes: bytes, previous: int) -> int:
    found = _ROW_R.search(attributes)
    number = int(found.group(1)) if found else previous + 1
    if not 1 <= number <= MAX_ROW:
        raise WorkbookError(f"row number {number} is outside Excel's 1..{MAX_ROW}")
    return number


def cells_of(syntax: Syntax, body: bytes | None) -> list[tuple[int, bytes, bytes | None,
                                                              tuple[int, int]]]:
    if not body:
        return []
    found = []
    column = 0
    for match in syntax.cell.finditer(body):
        attributes = match.group(1)
        reference = _R_ATTR.search(attributes)
        column = column_number(reference.group(1).decode()) if reference else column + 1
        if column > MAX_COLUMN:
            raise WorkbookError(f"a cell is beyond Excel's last column XFD ({column})")
        found.append((column, attributes, match.group(2), match.span()))
    return found


def style_of(attributes: bytes) -> bytes | None:
    found = _S_ATTR.search(attributes)
    return found.group(1) if found else None


def spans_of(attributes: bytes) -> re.Match[bytes] | None:
    return _SPANS.search(attributes)


def dimension_of(head: bytes) -> str | None:
    found = _DIMENSION_REF.search(head)
    return found.group(2).decode("ascii", "replace") if found else None


def replace_dimension(head: bytes, ref: str) -> bytes:
    return _DIMENSION_REF.sub(lambda m: m.group(1) + ref.encode() + m.group(3), head, count=1)


def merged_ranges(tail: bytes) -> list[str]:
    return [ref.decode("ascii", "replace") for ref in _MERGE_REF.findall(tail)]


def numbered_rows(parts: SheetParts) -> Iterator[tuple[int, bytes | None]]:
    """(row number, the row's body) of each row of the sheet, in order."""
    number = 0
    for kind, block in parts.items:
        if kind != ROWS:
            return
        for row in parts.syntax.row.finditer(block):
            number = row_number(row.group(1), number)
            yield number, row.group(2)


def wanted_rows(parts: SheetParts, rows: set[int]) -> Iterator[tuple[int, bytes | None]]:
    """(row number, body) of each of `rows` the sheet holds, in order; the pass stops
    after the last of them."""
    last = max(rows, default=0)
    for number, body in numbered_rows(parts):
        if number > last:
            return
        if number in rows:
            yield number, body


def peek(parts: SheetParts, strings: list[str], last_row: int) -> dict[int, dict[int, Any]]:
    """Every non-blank cell of rows 1..last_row, decoded."""
    rows: dict[int, dict[int, Any]] = {}
    for number, body in numbered_rows(parts):
        if number > last_row:
            break
        values = {}
        for column, attributes, cell_body, _span in cells_of(parts.syntax, body):
            value = decode_cell(parts.syntax, attributes, cell_body, strings).value
            if value is not None and value != "":
                values[column] = value
        if values:
            rows[number] = values
    return rows
