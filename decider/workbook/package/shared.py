"""Decider's text cells as shared strings: appended to the workbook's table.

Existing entries never move or change. A text an existing plain entry already holds
reuses that entry (so scoring a scored workbook again adds nothing); every other text is
appended once, however many cells show it. The existing part is streamed: only its start
tag (for `count` and `uniqueCount`) and its last bytes (for the closing tag) are edited.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator

from decider.workbook.errors import WorkbookError
from decider.workbook.package.manifest import escape_text
from decider.workbook.package.sheet import read_to_root
from decider.workbook.package.strings import SharedTable
from decider.workbook.package.writer import clean_text, shared_payload

_SST = re.compile(rb"<([\w.-]+:)?sst\b[^>]*>")
_DECLARED = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([\w.:-]+)["']""")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_HELD = 1 << 16  # bytes held back while streaming: the end tag and anything after it
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def stored_text(text: str) -> str:
    """A text as the table stores it: cleaned of characters XML cannot hold, and a
    literal `_xHHHH_` protected (Excel reads that as an escaped character)."""
    text = clean_text(text)
    return _ESCAPE_LIKE.sub(r"_x005F_\1", text) if "_x" in text else text


class SharedStrings:
    """The indices decider's texts get, and the entries to append."""

    def __init__(self, table: SharedTable) -> None:
        self.table = table
        self.new: list[str] = []  # stored texts to append, in index order
        self._index: dict[str, int] = {}
        self._looked: set[str] = set()  # stored texts already looked for in the table
        self.references = 0  # cells decider writes as shared strings

    def prepare(self, texts: Iterable[str]) -> None:
        """Find the existing plain entries of these texts in one pass over the table."""
        wanted = {stored_text(t) for t in texts} - self._looked
        if not wanted:
            return
        self._looked |= wanted
        rich = self.table.rich
        for at, text in enumerate(self.table.strings):
            if text in wanted and at not in rich:
                self._index[text] = at
                wanted.discard(text)
                if not wanted:
                    break

    def index(self, text: str) -> int:
        stored = stored_text(text)
        found = self._index.get(stored)
        if found is None and stored not in self._looked:
            self.prepare([text])
            found = self._index.get(stored)
        if found is None:
            found = self._index[stored] = len(self.table.strings) + len(self.new)
            self.new.append(stored)
        return found

    def payload(self, text: str) -> bytes:
        return shared_payload(self.index(text))

    @property
    def unique(self) -> int:
        return len(self.table.strings) + len(self.new)


def entries(texts: list[str], prefix: bytes = b"", utf8: bool = True) -> bytes:
    """`<si>` entries; in a part declared in another encoding (ISO-8859-1...), every
    character outside ASCII as a character reference, which any encoding reads alike."""
    si, t = b"<" + prefix + b"si>", b"<" + prefix + b"t"
    end = b"</" + prefix + b"t></" + prefix + b"si>"
    out = []
    for text in texts:
        spaced = b' xml:space="preserve">' if text != text.strip() else b">"
        escaped = escape_text(text)
        body = escaped.encode("utf-8") if utf8 else escaped.encode("ascii", "xmlcharrefreplace")
        out.append(si + t + spaced + body + end)
    return b"".join(out)


def _is_utf8(head: bytes, name: str) -> bool:
    """Whether a part is UTF-8; for another declared encoding, whether ASCII stays ASCII
    in it (ISO-8859-1, Windows-1252...: then references carry the rest)."""
    found = _DECLARED.search(head)
    if found is None:
        return True
    try:
        codec = codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        codec = "utf-8"
    if codec == "utf-8":
        return True
    if "<si>".encode(codec, "replace") != b"<si>":
        raise WorkbookError(f"{name}: its shared strings are in {codec}, which decider cannot "
                            "append to; open it in Excel and save it again")
    return False


def new_part(plan: SharedStrings, namespace: str = MAIN_NS) -> bytes:
    """A sharedStrings part of decider's texts alone (the workbook had none, so no other
    cell refers to one: `count` is decider's cells), in the sheets' namespace."""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="' + namespace.encode() + b'" count="' + str(plan.references).encode()
            + b'" uniqueCount="' + str(plan.unique).encode() + b'">' + entries(plan.new)
            + b"</sst>")


def appended(chunks: Iterator[bytes], plan: SharedStrings,
             count: Callable[[int], int], name: str) -> Iterator[bytes]:
    """The existing part with `plan.new` appended. `count(old)` gives the new `count`; it
    is asked only when this part's turn to be written comes (after the sheet, when the
    sheet comes first), and only if the part has a `count`."""
    buffer, start = read_to_root(chunks, _SST)
    if start is None:
        raise WorkbookError(f"{name}: its shared strings have no <sst> element (damaged?); "
                            "open it in Excel and save it again")
    prefix = start.group(1) or b""
    tag = _set_count(start.group(0), b"uniqueCount", lambda _old: plan.unique)
    tag = _set_count(tag, b"count", count)
    added = entries(plan.new, prefix, _is_utf8(buffer[:start.start()], name))
    close = b"</" + prefix + b"sst"
    if tag.endswith(b"/>"):
        yield (buffer[:start.start()] + tag[:-2].rstrip() + b">" + added + close + b">"
               + buffer[start.end():])
        yield from chunks
        return
    yield buffer[:start.start()] + tag
    held = buffer[start.end():]
    for chunk in chunks:
        held += chunk
        if len(held) > (1 << 20):
            yield held[:-_HELD]
            held = held[-_HELD:]
    at = held.rfind(close)
    if at < 0:
        raise WorkbookError(f"{name} is damaged: its shared strings are cut short; open it "
                            "in Excel and save it again")
    yield held[:at] + added + held[at:]


def _set_count(tag: bytes, attribute: bytes, value: Callable[[int], int]) -> bytes:
    """An unsigned count attribute rewritten, if the tag has it (an absent one stays
    absent: it is optional, and a wrong one is worse than none)."""
    found = re.search(rb"(\s" + attribute + rb"""\s*=\s*)(["'])(\d*)\2""", tag)
    if found is None:
        return tag
    old = int(found.group(3) or 0)
    return (tag[:found.start(3)] + str(max(0, value(old))).encode() + tag[found.end(3):])
