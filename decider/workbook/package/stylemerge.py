"""Bringing cell formats from another workbook's styles.xml into the user's, appended.

A sheet written elsewhere (the summary, by XlsxWriter) refers to its own workbook's
`cellXfs` by index. `merge_cell_formats` finds or appends each format it uses, with the
font, fill, border and number format that format needs, in the user's styles.xml, and
says which index each one has there. Existing entries never move; an identical entry is
reused, so a second run appends nothing and gives the same bytes.

The user's part is edited as text: every byte outside the appended entries and the
lists' `count` attributes stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from decider.workbook.package.opening import safe_parser
from decider.workbook.package.styles import FIRST_CUSTOM_FORMAT, MAIN_NS, append_entries

MAIN = MAIN_NS
_LISTS = ("numFmts", "fonts", "fills", "borders", "cellXfs")


class StylesUnusable(Exception):
    """The user's styles.xml cannot take appended formats safely (a namespace prefix, a
    list missing): the caller writes its cells unstyled instead."""


@dataclass(slots=True)
class _Target:
    """The user's styles as text, with each list's entries in canonical form."""

    text: bytes
    entries: dict[str, list[bytes]]
    format_codes: dict[str, int]  # formatCode -> numFmtId


def _canonical(element: etree._Element) -> bytes:
    """An entry without its namespace or insignificant whitespace, for equality."""
    copy = etree.fromstring(etree.tostring(element), safe_parser())
    for node in copy.iter():
        if isinstance(node.tag, str):
            node.tag = etree.QName(node).localname
        node.tail = None
        if isinstance(node.tag, str) and node.text is not None and not node.text.strip():
            node.text = None
    etree.cleanup_namespaces(copy)
    return bytes(etree.tostring(copy, method="c14n"))


def _read_target(styles: bytes) -> _Target:
    root = etree.fromstring(styles, safe_parser())
    if root.tag != f"{{{MAIN}}}styleSheet" or root.prefix is not None:
        raise StylesUnusable("styles.xml is not an unprefixed SpreadsheetML styleSheet")
    entries: dict[str, list[bytes]] = {}
    codes: dict[str, int] = {}
    for name in _LISTS:
        found = root.find(f"{{{MAIN}}}{name}")
        if found is None:
            if name == "numFmts":
                entries[name] = []
                continue
            raise StylesUnusable(f"styles.xml has no <{name}>")
        children = [c for c in found if isinstance(c.tag, str)]
        entries[name] = [_canonical(c) for c in children]
        if name == "numFmts":
            codes = {c.get("formatCode") or "": int(c.get("numFmtId") or 0) for c in children}
    return _Target(styles, entries, codes)


def merge_cell_formats(styles: bytes, scratch_styles: bytes, used: list[int]
                       ) -> tuple[bytes, dict[int, int]]:
    """The user's `styles` with the scratch workbook's `used` cellXfs found or appended,
    and the index each has in the result. Raises `StylesUnusable`."""
    target = _read_target(styles)
    scratch = etree.fromstring(scratch_styles, safe_parser())

    def scratch_list(name: str) -> list[etree._Element]:
        found = scratch.find(f"{{{MAIN}}}{name}")
        return [] if found is None else [c for c in found if isinstance(c.tag, str)]

    scratch_formats = {int(c.get("numFmtId") or 0): c.get("formatCode") or ""
                       for c in scratch_list("numFmts")}
    pending: dict[str, list[bytes]] = {name: [] for name in _LISTS}

    def index_of(name: str, element: etree._Element) -> int:
        key = _canonical(element)
        known = target.entries[name]
        if key not in known:
            known.append(key)
            pending[name].append(etree.tostring(element))
        return known.index(key)

    def format_id(scratch_id: int) -> int:
        if scratch_id < FIRST_CUSTOM_FORMAT:
            return scratch_id
        code = scratch_formats[scratch_id]
        if code in target.format_codes:
            return target.format_codes[code]
        new_id = max([FIRST_CUSTOM_FORMAT - 1, *target.format_codes.values()]) + 1
        target.format_codes[code] = new_id
        element = etree.Element(f"{{{MAIN}}}numFmt", nsmap={None: MAIN})
        element.set("numFmtId", str(new_id))
        element.set("formatCode", code)
        pending["numFmts"].append(_plain(element))
        return new_id

    fonts, fills, borders = scratch_list("fonts"), scratch_list("fills"), scratch_list("borders")
    xfs = scratch_list("cellXfs")
    mapping: dict[int, int] = {}
    for scratch_index in used:
        xf = etree.fromstring(etree.tostring(xfs[scratch_index]), safe_parser())
        xf.set("numFmtId", str(format_id(int(xf.get("numFmtId") or 0))))
        xf.set("fontId", str(index_of("fonts", fonts[int(xf.get("fontId") or 0)])))
        xf.set("fillId", str(index_of("fills", fills[int(xf.get("fillId") or 0)])))
        xf.set("borderId", str(index_of("borders", borders[int(xf.get("borderId") or 0)])))
        xf.set("xfId", "0")  # the user's Normal style: the scratch's cell styles are not brought
        mapping[scratch_index] = index_of("cellXfs", xf)
    return _appended(target.text, {k: [_plain_bytes(v) for v in pending[k]]
                                   for k in _LISTS}), mapping


def _plain(element: etree._Element) -> bytes:
    return _plain_bytes(etree.tostring(element))


def _plain_bytes(xml: bytes) -> bytes:
    """An entry serialised for a styles.xml whose default namespace is SpreadsheetML."""
    return re.sub(rb'\s+xmlns="[^"]*"', b"", xml)


def _appended(text: bytes, pending: dict[str, list[bytes]]) -> bytes:
    for name in _LISTS:
        # `_read_target` made sure the stylesheet is unprefixed and has every list but
        # perhaps numFmts, which `append_entries` creates.
        text = append_entries(text, b"", name, pending[name])
    return text
