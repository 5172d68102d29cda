"""Opening an xlsx/xlsm package safely: what the file really is, zip-bomb limits,
entity-free XML, and where the workbook's sheets and shared strings live."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from decider.workbook.errors import WorkbookError

# Limits in the spirit of Apache POI's ZipSecureFile: a member may not inflate more than
# 100 times (past a grace size: small parts compress well), and the package as a whole
# may not inflate past a few gigabytes.
MAX_INFLATE_RATIO = 100
RATIO_GRACE_BYTES = 1 << 20
MAX_MEMBER_BYTES = 2 << 30
MAX_TOTAL_BYTES = 4 << 30
MAX_MEMBERS = 10_000
MAX_PART_BYTES = 64 << 20  # workbook.xml, rels, content types: small by nature
CHUNK = 1 << 20

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in Excel (or LibreOffice) and save it as .xlsx"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def safe_parser() -> etree.XMLParser:
    """No entity resolution, no network, no DTD, no huge-tree mode."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def refuse_doctype(head: bytes, name: str, where: str) -> None:
    """A DTD in an OOXML part is never legitimate: it is how entity bombs start."""
    if _DOCTYPE.search(head):
        raise WorkbookError(
            f"{name} has a DTD (entity declarations) in its part {where}: refused for safety; "
            f"{_SAVE_AS} again from a trusted copy")


def sniff(path: Path) -> None:
    """Refuse, in one line, a file that is not an xlsx/xlsm zip package."""
    name = path.name
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except IsADirectoryError:
        raise WorkbookError(f"{name} is a folder, not a workbook") from None
    except OSError as error:
        raise WorkbookError(f"{name} cannot be read: {error.strerror}") from None
    if not head:
        raise WorkbookError(f"{name} is empty (0 bytes): it is not a workbook")
    if head.startswith(_OLE2):
        _refuse_ole2(path)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")):
        raise WorkbookError(f"{name} is an HTML page, not a workbook: {_SAVE_AS}")
    if lowered.startswith(b"<?xml"):
        raise WorkbookError(f"{name} is a plain XML file (perhaps Excel 2003 XML), not an xlsx "
                            f"workbook: {_SAVE_AS}")
    if head.startswith(b"%PDF"):
        raise WorkbookError(f"{name} is a PDF document, not a workbook")
    if _looks_like_text(head):
        raise WorkbookError(f"{name} is a text file (CSV?), not an xlsx workbook: give it a "
                            ".csv name to score it with --format csv or json, or {_SAVE_AS}"
                            .replace("{_SAVE_AS}", _SAVE_AS))
    raise WorkbookError(f"{name} is not an Excel workbook (not a zip package): {_SAVE_AS}")


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in "\r\n\t" for c in text[:1000])


def _refuse_ole2(path: Path) -> None:
    with path.open("rb") as stream:
        directory = stream.read(1 << 20)
    if "EncryptedPackage".encode("utf-16-le") in directory:
        raise WorkbookError(
            f"{path.name} is password-protected (encrypted): open it in Excel, remove the "
            "password (File > Info > Protect Workbook) and save it as .xlsx")
    raise WorkbookError(f"{path.name} is a legacy Excel 97-2003 workbook (.xls) or another "
                        f"OLE2 document: {_SAVE_AS}")


@dataclass(frozen=True, slots=True)
class SheetEntry:
    name: str
    part: str  # zip member name, e.g. "xl/worksheets/sheet1.xml"


@dataclass(slots=True)
class Package:
    """An opened, checked workbook package."""

    path: Path
    zip: zipfile.ZipFile
    sheets: list[SheetEntry]
    shared_strings: str | None
    content_types: bytes
    # Sheets that hold no cells (chart sheets, dialog sheets): name -> what they are.
    other_sheets: dict[str, str] = field(default_factory=dict)
    # Told (bytes inflated so far, bytes expected) as parts are streamed: a progress bar.
    progress: Callable[[int, int], None] | None = None
    expected: int = 0
    inflated: int = 0
    # Part name as Excel compares it -> the member name stored in the zip.
    stored: dict[str, str] = field(default_factory=dict)
    workbook: str = ""  # the workbook part's member name, e.g. "xl/workbook.xml"

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_macro_enabled(self) -> bool:
        return (b"macroEnabled" in self.content_types
                or self.member("xl/vbaProject.bin") is not None)

    @property
    def names(self) -> set[str]:
        return set(self.zip.namelist())

    def member(self, part: str) -> str | None:
        """The stored member name of a part, or None: part names are compared as Excel and
        LibreOffice compare them (any case, a backslash read as "/"), so a package written
        with "xl\\Workbook.xml" opens, and its members keep their stored names when copied."""
        if not self.stored:
            self.stored = stored_names(self.zip.namelist())
        return self.stored.get(part_key(part))

    def stream(self, member: str) -> Iterator[bytes]:
        """The member's inflated bytes in chunks (sizes were checked on opening)."""
        try:
            with self.zip.open(member) as source:
                while chunk := source.read(CHUNK):
                    if self.progress is not None:
                        self.inflated += len(chunk)
                        self.progress(self.inflated, max(self.expected, self.inflated))
                    yield chunk
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise WorkbookError(
                f"{self.path.name} is damaged ({member}: {error}): {_SAVE_AS} again") from None
        except RuntimeError as error:  # zipfile's word for an encrypted member
            raise WorkbookError(f"{self.path.name} has an encrypted part ({member}): "
                                f"{_SAVE_AS} without a password") from error

    def read_small(self, member: str) -> bytes:
        if self.zip.getinfo(member).file_size > MAX_PART_BYTES:
            raise WorkbookError(f"{self.path.name}: its part {member} is implausibly large")
        return b"".join(self.stream(member))

    def parse(self, member: str) -> Any:
        data = self.read_small(member)
        refuse_doctype(data[:4096], self.path.name, member)
        try:
            return etree.fromstring(data, safe_parser())
        except etree.XMLSyntaxError as error:
            raise WorkbookError(f"{self.path.name} is damaged: its part {member} is not "
                                f"well-formed XML ({error}): {_SAVE_AS} again") from None


def open_package(path: Path) -> Package:
    """Open `path` as a workbook package, or raise `WorkbookError` saying what it is."""
    sniff(path)
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise WorkbookError(f"{name} is damaged (a truncated or corrupt zip): "
                            f"{_SAVE_AS} again") from None
    except OSError as error:
        raise WorkbookError(f"{name} cannot be read: {error}") from None
    try:
        _check_members(archive, name)
        package = Package(path, archive, [], None, b"")
        package.stored = stored_names(archive.namelist())
        _refuse_other_formats(package)
        package.content_types = package.read_small(
            package.member("[Content_Types].xml") or "[Content_Types].xml")
        package.workbook = _workbook_part(package)
        package.sheets, package.shared_strings, package.other_sheets = _workbook_contents(
            package, package.workbook)
    except BaseException:
        archive.close()
        raise
    return package


def _check_members(archive: zipfile.ZipFile, name: str) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise WorkbookError(f"{name} has {len(members)} parts: too many for a workbook")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise WorkbookError(f"{name} has encrypted zip entries: {_SAVE_AS} without a "
                                "password")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookError(f"{name} uses an unusual zip compression ({member.filename}): "
                                f"{_SAVE_AS} again")
        size = member.file_size
        total += size
        if size > MAX_MEMBER_BYTES:
            raise WorkbookError(
                f"{name}: its part {member.filename} inflates to {size / (1 << 30):.2f} GiB, "
                f"over the {MAX_MEMBER_BYTES >> 30} GiB a part may hold (a zip bomb?): refused")
        if total > MAX_TOTAL_BYTES:
            raise WorkbookError(f"{name} inflates to over {MAX_TOTAL_BYTES >> 30} GiB in all, "
                                "more than a workbook may (a zip bomb?): refused")
        if size > RATIO_GRACE_BYTES and member.compress_size * MAX_INFLATE_RATIO < size:
            ratio = size // max(1, member.compress_size)
            raise WorkbookError(
                f"{name}: its part {member.filename} inflates {ratio} times (more than "
                f"{MAX_INFLATE_RATIO}; a zip bomb?): refused")


def part_key(name: str) -> str:
    """A part name as OPC compares it: case-insensitive, "/"-separated, no leading "/"."""
    return name.replace("\\", "/").lstrip("/").lower()


def stored_names(members: list[str]) -> dict[str, str]:
    """Each part's key -> its stored member name (the first, should two differ in case
    only: zipfile would read the last, Excel refuses such a package)."""
    stored: dict[str, str] = {}
    for member in members:
        stored.setdefault(part_key(member), member)
    return stored


def _refuse_other_formats(package: Package) -> None:
    archive, name = package.zip, package.path.name
    names = set(package.stored)
    if "mimetype" in names:
        mimetype = archive.read(package.stored["mimetype"])[:100]
        if b"opendocument.spreadsheet" in mimetype:
            raise WorkbookError(f"{name} is an OpenDocument spreadsheet (.ods): {_SAVE_AS}")
        raise WorkbookError(f"{name} is an OpenDocument file, not a workbook")
    if any(n.endswith(".bin") and n.startswith("xl/workbook") for n in names):
        raise WorkbookError(f"{name} is an Excel binary workbook (.xlsb): {_SAVE_AS}")
    if "word/document.xml" in names:
        raise WorkbookError(f"{name} is a Word document, not a workbook")
    if "ppt/presentation.xml" in names:
        raise WorkbookError(f"{name} is a PowerPoint presentation, not a workbook")
    if "[content_types].xml" not in names:
        raise WorkbookError(f"{name} is a zip file but not an Excel workbook "
                            "(no [Content_Types].xml)")


_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def relationships(package: Package, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target part) of a part's relationships; target resolved to a member name."""
    folder, base = posixpath.split(part.replace("\\", "/"))
    rels = package.member(posixpath.join(folder, "_rels", base + ".rels"))
    if rels is None:
        return []
    found = []
    for rel in package.parse(rels):
        if not isinstance(rel.tag, str) or rel.get("TargetMode") == "External":
            continue
        target = (rel.get("Target") or "").replace("\\", "/")
        resolved = (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
        # The stored name when the package holds the part, so callers read and replace
        # the member under the name it has.
        found.append((rel.get("Id") or "", rel.get("Type") or "",
                      package.member(resolved) or resolved))
    return found


def _workbook_part(package: Package) -> str:
    for _id, kind, target in relationships(package, ""):
        if kind.endswith("/officeDocument") and target in package.names:
            return target
    fallback = package.member("xl/workbook.xml")
    if fallback is not None:
        return fallback
    raise WorkbookError(f"{package.path.name} is a zip package without a workbook part "
                        f"(no xl/workbook.xml): {_SAVE_AS}")


def _workbook_contents(package: Package, part: str
                       ) -> tuple[list[SheetEntry], str | None, dict[str, str]]:
    rels = relationships(package, part)
    by_id = {rel_id: (kind.rpartition("/")[2], target) for rel_id, kind, target in rels}
    strings = next((t for _i, k, t in rels if k.endswith("/sharedStrings")), None)
    root = package.parse(part)
    sheets = []
    others = {}
    for element in root.iter("{*}sheet"):
        rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        kind, target = by_id.get(rel_id or "", ("", ""))
        name = element.get("name") or ""
        if (kind == "worksheet" and target in package.names
                and target.lower().endswith(".xml")):
            sheets.append(SheetEntry(name, target))
        elif kind:
            others[name] = {"chartsheet": "a chart sheet", "dialogsheet": "a dialog sheet",
                            "xlMacrosheet": "an Excel 4 macro sheet"}.get(kind, f"a {kind}")
    if strings is not None and strings not in package.names:
        strings = None
    return sheets, strings, others
