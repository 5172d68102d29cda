"""Decider's text cells as shared strings: appended to the workbook's table.

Existing entries never move or change. A text an existing plain entry already holds
reuses that entry (so scoring a scored workbook again adds nothing); every other text is
appended once, however many cells show it. The existing part is streamed: only its start
tag (for `count` and `uniqueCount`) and its last bytes (for the closing tag) are edited.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import zlib
from collections.abc import Callable, Iterator

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
    """The indices decider's texts get, and the entries to append.

    A large sheet's rationales are mostly distinct texts (section 11 echoes the values as
    typed): the appended entries are kept deflated as they come, and known by a digest,
    so that each text can go once its cells are planned."""

    def __init__(self, table: SharedTable) -> None:
        self.table = table
        self._existing: dict[str, int] | None = None  # plain entry -> its first index
        self._added: dict[bytes, int] = {}  # an appended text's digest -> its index
        self._appended = _PackedTexts()
        self.references = 0  # cells decider writes as shared strings

    def _index_existing(self) -> None:
        """The existing plain entries by text (once; the texts are the table's own)."""
        if self._existing is None:
            rich = self.table.rich
            existing: dict[str, int] = {}
            for at, text in enumerate(self.table.strings):
                if at not in rich:
                    existing.setdefault(text, at)
            self._existing = existing

    def index(self, text: str) -> int:
        stored = stored_text(text)
        if self.table.strings:
            self._index_existing()
            assert self._existing is not None
            found = self._existing.get(stored)
            if found is not None:
                return found
        digest = _digest(stored)
        found = self._added.get(digest)
        if found is None:
            found = self._added[digest] = self.unique
            self._appended.append(stored)
        return found

    def payload(self, text: str) -> bytes:
        return shared_payload(self.index(text))

    @property
    def unique(self) -> int:
        return len(self.table.strings) + self._appended.count

    @property
    def new(self) -> list[str]:
        """The stored texts to append, in index order."""
        return [text for group in self._appended.groups() for text in group]

    def new_entries(self, prefix: bytes = b"", utf8: bool = True) -> Iterator[bytes]:
        """The `<si>` entries to append, a group of texts at a time."""
        for group in self._appended.groups():
            yield entries(group, prefix, utf8)


def _digest(stored: str) -> bytes:
    """A text's identity without keeping the text: 128 bits of BLAKE2b, for which two
    different texts agreeing is not a practical possibility."""
    return hashlib.blake2b(stored.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _PackedTexts:
    """Texts kept in order, deflated a megabyte at a time (a rationale column of a
    100,000-row sheet: 11 MB as UTF-8, about 0.4 MB so). The separator is NUL, which
    `stored_text` never leaves in a text."""

    _GROUP = 1 << 20

    def __init__(self) -> None:
        self.count = 0
        self._packed: list[bytes] = []
        self._pending: list[str] = []
        self._pending_size = 0

    def append(self, text: str) -> None:
        self._pending.append(text)
        self._pending_size += len(text)
        self.count += 1
        if self._pending_size >= self._GROUP:
            self._packed.append(zlib.compress(_pack(self._pending), 1))
            self._pending, self._pending_size = [], 0

    def groups(self) -> Iterator[list[str]]:
        for packed in self._packed:
            yield zlib.decompress(packed).decode("utf-8", "surrogatepass").split("\x00")
        if self._pending:
            yield list(self._pending)


def _pack(texts: list[str]) -> bytes:
    return "\x00".join(texts).encode("utf-8", "surrogatepass")


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


def new_part(plan: SharedStrings, namespace: str = MAIN_NS) -> Iterator[bytes]:
    """A sharedStrings part of decider's texts alone (the workbook had none, so no other
    cell refers to one: `count` is decider's cells), in the sheets' namespace; streamed
    when written, after the sheets."""
    yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<sst xmlns="' + namespace.encode() + b'" count="' + str(plan.references).encode()
           + b'" uniqueCount="' + str(plan.unique).encode() + b'">')
    yield from plan.new_entries()
    yield b"</sst>"


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
    utf8 = _is_utf8(buffer[:start.start()], name)
    close = b"</" + prefix + b"sst"
    if tag.endswith(b"/>"):
        yield buffer[:start.start()] + tag[:-2].rstrip() + b">"
        yield from plan.new_entries(prefix, utf8)
        yield close + b">" + buffer[start.end():]
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
    yield held[:at]
    yield from plan.new_entries(prefix, utf8)
    yield held[at:]


def _set_count(tag: bytes, attribute: bytes, value: Callable[[int], int]) -> bytes:
    """An unsigned count attribute rewritten, if the tag has it (an absent one stays
    absent: it is optional, and a wrong one is worse than none)."""
    found = re.search(rb"(\s" + attribute + rb"""\s*=\s*)(["'])(\d*)\2""", tag)
    if found is None:
        return tag
    old = int(found.group(3) or 0)
    return (tag[:found.start(3)] + str(max(0, value(old))).encode() + tag[found.end(3):])
