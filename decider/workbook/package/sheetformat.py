"""Column widths and conditional formats of the scored sheet, edited as text.

`<cols>` lives in the sheet's head, `<conditionalFormatting>` in its tail (after the
cells). Both are edited in place: every other element keeps its bytes and its place, and
a new element goes where the schema (CT_Worksheet's sequence) wants it, or Excel
repairs the file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from decider.workbook.package.manifest import attributes, escape_text, set_attribute
from decider.workbook.package.refs import column_letters, parse_range

# CT_Worksheet's elements that follow <conditionalFormatting>.
_AFTER_CONDITIONAL = (
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
    "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
    "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
    "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
    "extLst")


# -- column widths -----------------------------------------------------------------------


@dataclass(slots=True)
class _Col:
    first: int
    last: int
    tag: bytes  # the element as written

    def with_range(self, first: int, last: int) -> _Col:
        tag = set_attribute(set_attribute(self.tag, b"min", str(first)), b"max", str(last))
        return _Col(first, last, tag)


def _cols(head: bytes, prefix: bytes) -> tuple[re.Match[bytes] | None, list[_Col]]:
    p = re.escape(prefix)
    block = re.search(rb"<" + p + rb"cols\b[^>]*?(?:/>|>.*?</" + p + rb"cols\s*>)", head, re.S)
    if block is None:
        return None, []
    found = []
    for match in re.finditer(rb"<" + p + rb"col\b[^>]*?/?>", block.group(0)):
        values = attributes(match.group(0))
        try:
            found.append(_Col(int(values["min"]), int(values["max"]), match.group(0)))
        except (KeyError, ValueError):
            continue
    return block, found


def column_styles(head: bytes, prefix: bytes, columns: set[int]) -> dict[int, int]:
    """The style (cellXfs index) `<cols>` gives each of `columns`, where it gives one."""
    styles = {}
    for col in _cols(head, prefix)[1]:
        style = attributes(col.tag).get("style", "")
        if style.isdigit():
            for column in columns:
                if col.first <= column <= col.last:
                    styles[column] = int(style)
    return styles


def with_widths(head: bytes, prefix: bytes, widths: Mapping[int, float]) -> bytes:
    """The head with each of `widths`' columns given its width: a `<col>` spanning one
    of them is split so that its other columns keep their look; other `<col>`s are kept
    byte for byte."""
    if not widths:
        return head
    block, cols = _cols(head, prefix)
    for column, width in sorted(widths.items()):
        covering = next((c for c in cols if c.first <= column <= c.last), None)
        if covering is None:
            tag = b"<" + prefix + b'col min="' + str(column).encode() + b'" max="' \
                + str(column).encode() + b'"/>'
            cols.append(_own(_Col(column, column, tag), width))
            continue
        at = cols.index(covering)
        pieces = []
        if covering.first < column:
            pieces.append(covering.with_range(covering.first, column - 1))
        pieces.append(_own(covering.with_range(column, column), width))
        if column < covering.last:
            pieces.append(covering.with_range(column + 1, covering.last))
        cols[at:at + 1] = pieces
    cols.sort(key=lambda c: c.first)
    inner = b"".join(c.tag for c in cols)
    if block is None:
        at = head.rfind(b"<" + prefix + b"sheetData")
        element = b"<" + prefix + b"cols>" + inner + b"</" + prefix + b"cols>"
        return head[:at] + element + head[at:]
    start = re.match(rb"<" + re.escape(prefix) + rb"cols\b[^>]*?/?>", block.group(0))
    assert start is not None
    opened = start.group(0)[:-2].rstrip() + b">" if start.group(0).endswith(b"/>") \
        else start.group(0)
    element = opened + inner + b"</" + prefix + b"cols>"
    return head[:block.start()] + element + head[block.end():]


def _own(col: _Col, width: float) -> _Col:
    """Decider's column: its width, shown (a hidden range right of the data would hide
    the answers), no best-fit flag."""
    tag = set_attribute(col.tag, b"width", f"{width:g}")
    tag = set_attribute(tag, b"customWidth", "1")
    for name in (b"hidden", b"bestFit"):
        tag = re.sub(rb"\s" + name + rb"""\s*=\s*(["'])[^"']*\1""", b"", tag)
    return _Col(col.first, col.last, tag)


# -- conditional formats -----------------------------------------------------------------


def with_highlights(tail: bytes, prefix: bytes, column: int, first_row: int, last_row: int,
                    dxfs: Mapping[str, int]) -> bytes:
    """The tail with equal-to rules colouring `column`'s cells by value (`dxfs`: value ->
    dxf id). A conditional format with those rules on that column already there (from a
    template, or an earlier run) is kept; its range grows if the rows go further."""
    p = re.escape(prefix)
    letters = column_letters(column)
    sqref = f"{letters}{first_row}:{letters}{last_row}"
    for block in re.finditer(rb"<" + p + rb"conditionalFormatting\b[^>]*>.*?</" + p
                             + rb"conditionalFormatting\s*>", tail, re.S):
        if _colours_column(block.group(0), column, dxfs):
            return _grown(tail, block, column, first_row, last_row)
    priorities = [int(n) for n in re.findall(rb"""\bpriority\s*=\s*["'](\d+)["']""", tail)]
    priority = max(priorities, default=0)
    rules = []
    for value, dxf in dxfs.items():
        priority += 1
        rules.append(b"<" + prefix + b'cfRule type="cellIs" dxfId="' + str(dxf).encode()
                     + b'" priority="' + str(priority).encode() + b'" operator="equal"><'
                     + prefix + b"formula>" + escape_text(f'"{value}"').encode() + b"</" + prefix
                     + b"formula></" + prefix + b"cfRule>")
    element = (b"<" + prefix + b'conditionalFormatting sqref="' + sqref.encode() + b'">'
               + b"".join(rules) + b"</" + prefix + b"conditionalFormatting>")
    at = _position(tail, prefix)
    return tail[:at] + element + tail[at:]


def _colours_column(block: bytes, column: int, dxfs: Mapping[str, int]) -> bool:
    start = attributes(block[:block.find(b">") + 1])
    areas = [parse_range(ref) for ref in start.get("sqref", "").split()]
    if not any(a is not None and a[1] <= column <= a[3] for a in areas):
        return False
    formulas = {html.unescape(f.decode("utf-8", "replace")).strip()
                for f in re.findall(rb"<(?:[\w.-]+:)?formula>([^<]*)<", block)}
    wanted = {f'"{value}"' for value in dxfs}
    return wanted <= formulas and b'operator="equal"' in block


def _grown(tail: bytes, block: re.Match[bytes], column: int, first_row: int,
           last_row: int) -> bytes:
    """The block's range on `column` stretched to cover first_row..last_row."""
    tag_end = block.group(0).find(b">") + 1
    tag = block.group(0)[:tag_end]
    refs = attributes(tag).get("sqref", "").split()
    grown = []
    changed = False
    for ref in refs:
        area = parse_range(ref)
        if area is not None and area[1] <= column <= area[3] and (
                area[0] > first_row or area[2] < last_row):
            top, left, bottom, right = area
            ref = (f"{column_letters(left)}{min(top, first_row)}:"
                   f"{column_letters(right)}{max(bottom, last_row)}")
            changed = True
        grown.append(ref)
    if not changed:
        return tail
    new_tag = set_attribute(tag, b"sqref", " ".join(grown))
    return tail[:block.start()] + new_tag + tail[block.start() + tag_end:]


_TAG = re.compile(rb"<(/?)([\w.-]+:)?([\w.-]+)\b[^>]*?(/?)>")


def _position(tail: bytes, prefix: bytes) -> int:
    """Where a new conditional format goes: before the first of the worksheet's own
    children that follow it in CT_Worksheet (an mc:AlternateContent there wraps one of
    them). Nested elements (an extLst inside a rule) are not the worksheet's children."""
    after = {n.encode() for n in _AFTER_CONDITIONAL}
    depth = 1  # the tail starts inside <sheetData>, with its end tag
    for tag in _TAG.finditer(tail):
        closing, tag_prefix, local, empty = tag.groups()
        if closing:
            depth -= 1
            if depth < 0:  # </worksheet>
                return tag.start()
            continue
        if depth == 0 and (local == b"AlternateContent" or (
                local in after and (tag_prefix or b"") == prefix)):
            return tag.start()
        if not empty:
            depth += 1
    return tail.rfind(b"</" + prefix + b"worksheet")
