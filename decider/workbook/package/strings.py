"""The shared-string table, read with entity-free streaming XML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from decider.workbook.errors import WorkbookError
from decider.workbook.package.opening import Package, refuse_doctype


class _Feed:
    """A file-like view of chunks, for lxml's iterparse."""

    def __init__(self, chunks: Iterator[bytes], name: str, member: str) -> None:
        self._chunks = chunks
        self._first = True
        self._name = name
        self._member = member

    def read(self, _size: int = -1) -> bytes:
        chunk = next(self._chunks, b"")
        if self._first:
            refuse_doctype(chunk[:4096], self._name, self._member)
            self._first = False
        return chunk


def read_shared_strings(package: Package) -> list[str]:
    return read_shared_table(package).strings


@dataclass(slots=True)
class SharedTable:
    """The shared strings' texts, and which entries are more than one plain text (runs
    of formatting, phonetic hints): decider never reuses those for its own cells."""

    strings: list[str] = field(default_factory=list)
    rich: set[int] = field(default_factory=set)


def read_shared_table(package: Package) -> SharedTable:
    member = package.shared_strings
    table = SharedTable()
    if member is None:
        return table
    feed = _Feed(package.stream(member), package.path.name, member)
    strings, rich = table.strings, table.rich
    try:
        for _event, element in etree.iterparse(
                feed, events=("end",), tag="{*}si", resolve_entities=False, no_network=True,
                load_dtd=False, huge_tree=False):
            if len(element) != 1 or not _is_text(element[0]):
                rich.add(len(strings))
            strings.append(_text_of(element))
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        raise WorkbookError(f"{package.path.name} is damaged: its shared strings are not "
                            f"well-formed XML ({error}); open it in Excel and save it again")\
            from None
    return table


def _is_text(child: Any) -> bool:
    return isinstance(child.tag, str) and etree.QName(child).localname == "t"


def _text_of(element: Any) -> str:
    """An `<si>`'s text: its runs' text without phonetic hints (`<rPh>`)."""
    parts = []
    for child in element:
        local = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if local == "t":
            parts.append(child.text or "")
        elif local == "r":
            for run_part in child:
                if isinstance(run_part.tag, str) and etree.QName(run_part).localname == "t":
                    parts.append(run_part.text or "")
    return "".join(parts)
