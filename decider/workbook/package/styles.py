"""Styles for decider's cells, appended to `xl/styles.xml`.

Existing number formats, cell formats (cellXfs) and differential formats (dxfs) never
move or change: new ones are appended and the lists' `count` follow. A format decider
needs that the file already holds, byte for byte (from an earlier run), is reused, so
scoring a scored workbook again changes nothing. The XML is edited as text, in the
file's own namespace prefix; elements it does not hold are created in the schema's
order (numFmts first, dxfs after cellStyles).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from decider.workbook.package.manifest import attributes, escape, set_attribute

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FIRST_CUSTOM_FORMAT = 164  # ids below are Excel's built-in formats
BUILT_IN_FORMATS = {"0": 1, "0.00": 2, "0%": 9, "0.00%": 10}

# A workbook without styles gets the least Excel accepts: one font, the two fills
# Excel reserves, one border, the Normal style.
MINIMAL_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<styleSheet xmlns="' + MAIN_NS.encode() + b'">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    b'</fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
    b'<fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    b'</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"'
    b' xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0"'
    b' builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0"/></styleSheet>')

# Where a missing list goes: before the first of the elements that follow it.
_AFTER_DXFS = ("tableStyles", "colors", "extLst")


@dataclass(frozen=True, slots=True)
class CellLook:
    """What one of decider's columns needs: a number format, and no wrapping."""

    number_format: str | None = None
    no_wrap: bool = False


@dataclass(frozen=True, slots=True)
class Highlight:
    """A conditional format's look: fill and font colours as RRGGBB, bold."""

    fill: str
    font: str
    bold: bool = True

    def dxf(self, prefix: bytes) -> bytes:
        def tag(name: str, rest: str = "") -> bytes:
            return b"<" + prefix + name.encode() + rest.encode()

        end = b"</" + prefix
        return (tag("dxf", ">") + tag("font", ">") + (tag("b", "/>") if self.bold else b"")
                + tag("color", f' rgb="FF{self.font.lstrip("#").upper()}"/>') + end + b"font>"
                + tag("fill", ">") + tag("patternFill", ">")
                + tag("bgColor", f' rgb="FF{self.fill.lstrip("#").upper()}"/>')
                + end + b"patternFill>" + end + b"fill>" + end + b"dxf>")


@dataclass(slots=True)
class StylesResult:
    content: bytes
    cells: dict[str, int]  # column name -> cellXfs index of its new cells (0: none needed)
    dxfs: dict[str, int]  # highlight name -> dxf id


def extend_styles(xml: bytes | None, bases: Mapping[str, int], looks: Mapping[str, CellLook],
                  highlights: Mapping[str, Highlight], namespace: str = MAIN_NS
                  ) -> StylesResult:
    """`xml` (None: no styles part; a minimal one is made, in `namespace`) with what
    `looks` and `highlights` need. `bases[name]`: the cell format a column's new cells
    start from (the column's own style, else 0)."""
    if xml is None:
        xml = MINIMAL_STYLES.replace(MAIN_NS.encode(), namespace.encode(), 1)
    prefix = _root_prefix(xml)
    xml, format_ids = _with_number_formats(xml, prefix, {
        look.number_format for look in looks.values() if look.number_format})
    xml, cells = _with_cell_formats(xml, prefix, bases, looks, format_ids)
    xml, dxfs = _with_dxfs(xml, prefix, highlights)
    return StylesResult(xml, cells, dxfs)


def _root_prefix(xml: bytes) -> bytes:
    found = re.search(rb"<([\w.-]+:)?styleSheet\b", xml)
    if found is None:
        raise ValueError("no <styleSheet>")
    return found.group(1) or b""


@dataclass(slots=True)
class _List:
    """A list element (numFmts, cellXfs, dxfs) and its children's byte spans."""

    start: int  # of the start tag
    tag_end: int  # end of the start tag
    end: int  # end of the whole element
    empty: bool  # <x .../>
    children: list[tuple[int, int]]


def _find_list(xml: bytes, prefix: bytes, name: str, child: str) -> _List | None:
    p = re.escape(prefix)
    start = re.search(rb"<" + p + name.encode() + rb"\b[^>]*?(/?)>", xml)
    if start is None:
        return None
    if start.group(1):
        return _List(start.start(), start.end(), start.end(), True, [])
    close = xml.find(b"</" + prefix + name.encode(), start.end())
    if close < 0:
        raise ValueError(f"<{name}> is not closed")
    end = xml.find(b">", close) + 1
    pattern = re.compile(rb"<" + p + child.encode() + rb"\b[^>]*?(?:/>|>.*?</" + p
                         + child.encode() + rb"\s*>)", re.S)
    children = [m.span() for m in pattern.finditer(xml, start.end(), close)]
    return _List(start.start(), start.end(), end, False, children)


def _appended(xml: bytes, prefix: bytes, found: _List, name: str, new: list[bytes]) -> bytes:
    """`new` children appended to a list, its `count` set to the new total."""
    if not new:
        return xml
    total = len(found.children) + len(new)
    tag = xml[found.start:found.tag_end]
    if found.empty:
        opened = set_attribute(tag[:-2].rstrip() + b">", b"count", str(total))
        return (xml[:found.start] + opened + b"".join(new) + b"</" + prefix + name.encode()
                + b">" + xml[found.end:])
    opened = set_attribute(tag, b"count", str(total)) if b"count" in tag else tag
    close = xml.rfind(b"</", found.tag_end, found.end)
    return (xml[:found.start] + opened + xml[found.tag_end:close] + b"".join(new)
            + xml[close:])


def _with_number_formats(xml: bytes, prefix: bytes, codes: set[str]
                         ) -> tuple[bytes, dict[str, int]]:
    found = _find_list(xml, prefix, "numFmts", "numFmt")
    existing: dict[str, int] = {}
    for start, end in found.children if found else []:
        values = attributes(xml[start:end])
        if values.get("numFmtId", "").isdigit():
            existing.setdefault(values.get("formatCode", ""), int(values["numFmtId"]))
    ids: dict[str, int] = {}
    new: list[bytes] = []
    next_id = max([FIRST_CUSTOM_FORMAT - 1, *existing.values()]) + 1
    for code in sorted(codes):
        if code in BUILT_IN_FORMATS:
            ids[code] = BUILT_IN_FORMATS[code]
        elif code in existing:
            ids[code] = existing[code]
        else:
            ids[code] = next_id
            new.append(b"<" + prefix + b'numFmt numFmtId="' + str(next_id).encode()
                       + b'" formatCode="' + escape(code).encode() + b'"/>')
            next_id += 1
    return append_entries(xml, prefix, "numFmts", new), ids


_CHILDREN = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border",
             "cellXfs": "xf", "dxfs": "dxf"}


def append_entries(xml: bytes, prefix: bytes, name: str, new: list[bytes]) -> bytes:
    """`new` entries appended to the styleSheet's `name` list, its `count` following.
    A missing numFmts list (the stylesheet's first child) is created; another missing
    list is a ValueError."""
    if not new:
        return xml
    found = _find_list(xml, prefix, name, _CHILDREN[name])
    if found is not None:
        return _appended(xml, prefix, found, name, new)
    if name != "numFmts":
        raise ValueError(f"styles.xml has no <{name}>")
    root = re.search(rb"<" + re.escape(prefix) + rb"styleSheet\b[^>]*>", xml)
    if root is None:
        raise ValueError("styles.xml has no <styleSheet> start tag")
    element = (b"<" + prefix + b'numFmts count="' + str(len(new)).encode() + b'">'
               + b"".join(new) + b"</" + prefix + b"numFmts>")
    return xml[:root.end()] + element + xml[root.end():]


def _with_cell_formats(xml: bytes, prefix: bytes, bases: Mapping[str, int],
                       looks: Mapping[str, CellLook], format_ids: dict[str, int]
                       ) -> tuple[bytes, dict[str, int]]:
    found = _find_list(xml, prefix, "cellXfs", "xf")
    if found is None or not found.children:
        raise ValueError("styles without cell formats (cellXfs)")
    xfs = [xml[start:end] for start, end in found.children]
    new: list[bytes] = []
    cells: dict[str, int] = {}
    for name, look in looks.items():
        base = bases.get(name, 0)
        base = base if 0 <= base < len(xfs) else 0
        wanted = _derived(xfs[base], look, format_ids)
        if wanted == xfs[base]:
            cells[name] = base
        elif wanted in xfs:
            cells[name] = xfs.index(wanted)
        elif wanted in new:
            cells[name] = len(xfs) + new.index(wanted)
        else:
            cells[name] = len(xfs) + len(new)
            new.append(wanted)
    return _appended(xml, prefix, found, "cellXfs", new), cells


def _derived(xf: bytes, look: CellLook, format_ids: dict[str, int]) -> bytes:
    """A cell format like `xf`, with the look's number format and without wrapping."""
    tag_end = xf.find(b">") + 1
    tag, rest = xf[:tag_end], xf[tag_end:]
    if look.number_format is not None:
        wanted = str(format_ids[look.number_format])
        if attributes(tag).get("numFmtId", "0") != wanted:
            tag = set_attribute(tag, b"numFmtId", wanted)
            tag = set_attribute(tag, b"applyNumberFormat", "1")
    if look.no_wrap:
        rest = re.sub(rb"""\swrapText\s*=\s*(["'])(?:1|true)\1""", b"", rest)
    return tag + rest


def _with_dxfs(xml: bytes, prefix: bytes, highlights: Mapping[str, Highlight]
               ) -> tuple[bytes, dict[str, int]]:
    found = _find_list(xml, prefix, "dxfs", "dxf")
    existing = [xml[start:end] for start, end in found.children] if found else []
    new: list[bytes] = []
    ids: dict[str, int] = {}
    for name, highlight in highlights.items():
        wanted = highlight.dxf(prefix)
        if wanted in existing:
            ids[name] = existing.index(wanted)
        else:
            ids[name] = len(existing) + len(new)
            new.append(wanted)
    if not new:
        return xml, ids
    if found is not None:
        return _appended(xml, prefix, found, "dxfs", new), ids
    element = (b"<" + prefix + b'dxfs count="' + str(len(new)).encode() + b'">'
               + b"".join(new) + b"</" + prefix + b"dxfs>")
    return _insert_before(xml, prefix, element), ids


def _insert_before(xml: bytes, prefix: bytes, element: bytes) -> bytes:
    """`element` before the first of tableStyles, colors, extLst, else last."""
    p = re.escape(prefix)
    for name in _AFTER_DXFS:
        at = re.search(rb"<" + p + name.encode() + rb"[\s/>]", xml)
        if at is not None:
            return xml[:at.start()] + element + xml[at.start():]
    close = xml.rfind(b"</" + prefix + b"styleSheet")
    return xml[:close] + element + xml[close:]
