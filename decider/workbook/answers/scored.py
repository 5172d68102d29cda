"""Everything `decider score` changes in a package besides its cells' values: the new
cells' styles (number formats, no wrap), the Recommendation colours, column widths, the
shared strings decider's texts go to, and a table grown by the result columns.

`add_scored_edits` puts those edits and the rewritten sheet into a `PackageEdit`, which
other writers (the summary sheet) may share before it is written in one pass.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from decider.palette import ARCHITECTURE_COLOURS
from decider.workbook.errors import WorkbookError
from decider.workbook.package.edits import PackageEdit
from decider.workbook.package.manifest import (
    SHARED_STRINGS_REL,
    SHARED_STRINGS_TYPE,
    STYLES_REL,
    STYLES_TYPE,
    add_override,
    add_relationship,
    relative_target,
    rels_part,
)
from decider.workbook.package.opening import Package, relationships
from decider.workbook.package.refs import column_letters, column_number
from decider.workbook.package.shared import MAIN_NS, SharedStrings, appended, new_part
from decider.workbook.package.sheet import SheetParts, split
from decider.workbook.package.sheetformat import column_styles, with_highlights, with_widths
from decider.workbook.package.styles import CellLook, Highlight, StylesResult, extend_styles
from decider.workbook.package.tables import TableArea, grow_table, growth_note, sheet_tables
from decider.workbook.package.writer import RewriteStats, SheetEdit, rewrite

# The template's palette: fill, font.
HIGHLIGHTS = {name: Highlight(fill.lstrip("#"), font.lstrip("#"))
              for name, (fill, font) in ARCHITECTURE_COLOURS.items()}
LOOKS = {
    "Recommendation": CellLook(),
    "Centralization index": CellLook("0.0"),
    "Confidence": CellLook("0%"),
    "Rationale": CellLook(no_wrap=True),  # long: one line per row, overflowing right
    "Decider issues": CellLook(),
    # Several changes in one cell ("...; ..."): one line per row like the Rationale, the
    # whole text in the cell (section 12).
    "What would change it": CellLook(no_wrap=True),
}
# Wide enough for each header and the usual answer, in Excel's character widths.
WIDTHS = {"Recommendation": 16, "Centralization index": 20, "Confidence": 12,
          "Rationale": 90, "Decider issues": 48, "What would change it": 60}


@dataclass(slots=True)
class ScoredSheet:
    """What `decider score` writes into one sheet."""

    part: str
    edit: SheetEdit
    columns: dict[str, int]  # result name -> column
    new_columns: set[int]  # columns decider heads in this run
    first_row: int  # of the answers (below the header)
    last_row: int
    shared: SharedStrings
    table: TableArea | None = None  # a table the new columns grow
    table_names: list[str] = field(default_factory=list)


def scored_sheet(package: Package, part: str, header_row: int, inputs: set[int],
                 last_column: int, edit: SheetEdit, written: dict[str, str],
                 shared: SharedStrings) -> tuple[ScoredSheet, str | None]:
    """The sheet's edit with what goes with it: its formats, and the table it grows (with
    the summary's line about it). `last_column`: the rightmost column holding anything."""
    columns = {name: column_number(letters) for name, letters in written.items()}
    rows = edit.rows
    tables = sheet_tables(package, part)
    # A table's totals row stays as it is: no answer there, in a grown table or not.
    totals = [False] * len(rows)
    for area in tables:
        if area.totals_rows and area.first_row == header_row:
            first_total = area.last_row - area.totals_rows
            totals = [t or first_total < r <= area.last_row for t, r in zip(totals, rows,
                                                                           strict=True)]
    if any(totals):
        for payloads in edit.payloads.values():
            for at in (i for i, t in enumerate(totals) if t):
                payload = payloads[at]
                if payload.endswith(b"</v></c>") and payload.startswith(b' t="s"'):
                    shared.references -= 1
                payloads[at] = b""
    # The last row answered (rows increase): a cleared row gives the colours no reach.
    columns_written = list(edit.payloads.values())
    last_answered = next((rows[at] for at in range(len(rows) - 1, -1, -1) if not totals[at]
                          and any(p[at] != b"" for p in columns_written)), header_row + 1)
    scored = ScoredSheet(part, edit, columns, set(edit.header), header_row + 1,
                         last_answered, shared)
    table, note = _growing_table(tables, header_row, inputs, last_column, sorted(edit.header))
    if table is not None:
        scored.table = table
        scored.table_names = [next(n for n, c in columns.items() if c == column)
                              for column in sorted(edit.header)]
    return scored, note


def _growing_table(tables: list[TableArea], header_row: int, inputs: set[int],
                   last_column: int, new: list[int]) -> tuple[TableArea | None, str | None]:
    """The table whose header row is decider's and which the new result columns extend;
    or why the answers stay outside a table there."""
    if not new:
        return None, None
    for table in tables:
        if table.header_rows < 1 or table.first_row != header_row or not any(
                table.first_column <= c <= table.last_column for c in inputs):
            continue
        if new[0] == table.last_column + 1:
            end = column_letters(new[-1])
            return table, f"table {table.name} grown to hold the answers (to column {end})"
        return None, growth_note(table, last_column if last_column > table.last_column
                                 else None)
    return None, None


def add_scored_edits(package: Package, scored: ScoredSheet | list[ScoredSheet],
                     edits: PackageEdit) -> None:
    """Put the rewritten sheets and every part their answers need into `edits`: styles,
    shared strings (streamed; one plan shared by every sheet), grown tables, and for a part
    the workbook lacks its content type and relationship. Nothing is read whole but small
    parts."""
    sheets = [scored] if isinstance(scored, ScoredSheet) else scored
    workbook = package.workbook
    outputs: list[_SheetOutput] = []
    first_space: _Space | None = None
    for one in sheets:
        parts = split(package.stream(one.part), package.path.name, one.part)
        space = _Space(parts.head, parts.syntax.prefix, package, workbook)
        first_space = first_space or space
        sheet = _rewritten(package, edits, workbook, one, parts, space)
        outputs.append(sheet)
        if one.table is not None:
            edits.replace(one.table.part, grow_table(edits.current(package, one.table.part),
                                                     one.table_names))
        edits.replace(one.part, sheet)
    if sheets and first_space is not None:
        _shared_strings(package, edits, workbook, sheets[0].shared, outputs, first_space)


def _rewritten(package: Package, edits: PackageEdit, workbook: str, scored: ScoredSheet,
               parts: SheetParts, space: _Space) -> _SheetOutput:
    edit = scored.edit
    styles = _styles(package, edits, workbook, scored, parts.head, space)
    edit.styles = {scored.columns[name]: str(xf).encode()
                   for name, xf in styles.cells.items() if xf and name in scored.columns}
    widths = {column: WIDTHS[name] for name, column in scored.columns.items()
              if column in scored.new_columns}
    edit.head = lambda head, p: with_widths(head, p, widths)
    recommendation = scored.columns["Recommendation"]
    edit.tail = lambda tail, p: with_highlights(tail, p, recommendation, scored.first_row,
                                                scored.last_row, styles.dxfs)
    stats = RewriteStats()
    return _SheetOutput(rewrite(parts, edit, stats), stats)


class _SheetOutput:
    """The rewritten sheet's chunks, streamed when its turn comes; or, when a part
    written before it needs its counts, rewritten first into a temporary file."""

    def __init__(self, chunks: Iterator[bytes], stats: RewriteStats) -> None:
        self._chunks = chunks
        self._spool: IO[bytes] | None = None
        self._done = False
        self.stats = stats

    def finished(self) -> RewriteStats:
        if not self._done:
            self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed once read back
            for chunk in self._chunks:
                self._spool.write(chunk)
            self._done = True
        return self.stats

    def __iter__(self) -> Iterator[bytes]:
        if self._spool is None:
            yield from self._chunks
            self._done = True
            return
        spool = self._spool
        try:
            spool.seek(0)
            while chunk := spool.read(1 << 20):
                yield chunk
        finally:
            spool.close()


class _Space:
    """The namespace and relationship types of the workbook's flavour (transitional, or
    ISO Strict), for the parts decider creates."""

    def __init__(self, head: bytes, prefix: bytes, package: Package, workbook: str) -> None:
        found = re.search(rb'xmlns' + (b":" + prefix[:-1] if prefix else b"")
                          + rb'\s*=\s*"([^"]+)"', head)
        self.namespace = found.group(1).decode() if found else MAIN_NS
        self.prefix = prefix
        sheet_type = next((kind for _i, kind, _t in relationships(package, workbook)
                           if kind.endswith("/worksheet")), "")
        base = sheet_type[:-len("worksheet")] if sheet_type else ""
        self.styles = base + "styles" if base else STYLES_REL
        self.strings = base + "sharedStrings" if base else SHARED_STRINGS_REL


def _related(package: Package, workbook: str, suffix: str) -> str | None:
    for _id, kind, target in relationships(package, workbook):
        if kind.endswith(suffix) and target in package.names:
            return target
    return None


def _new_part(package: Package, edits: PackageEdit, workbook: str, name: str,
              content: bytes | Iterable[bytes],
              content_type: str, rel_type: str) -> None:
    """A part the workbook did not have, with its content type and its relationship."""
    workbook = workbook.replace("\\", "/").lstrip("/")
    folder = workbook.rpartition("/")[0]
    stem, _, extension = name.partition(".")
    member, number = f"{folder}/{name}" if folder else name, 1
    while package.member(member) or edits.has(package, member):
        member = f"{folder}/{stem}{number}.{extension}" if folder else f"{stem}{number}.{extension}"
        number += 1
    types = package.member("[Content_Types].xml") or "[Content_Types].xml"
    rels = package.member(rels_part(workbook))
    if rels is None or not edits.has(package, rels):
        raise WorkbookError(f"{package.path.name}: its workbook part has no relationships "
                            f"({rels_part(workbook)}); open it in Excel and save it again")
    edits.add(member, content)
    edits.replace(types, add_override(edits.current(package, types), member, content_type))
    updated, _rel_id = add_relationship(edits.current(package, rels), rel_type,
                                        relative_target(workbook, member))
    edits.replace(rels, updated)


def _styles(package: Package, edits: PackageEdit, workbook: str, scored: ScoredSheet,
            head: bytes, space: _Space) -> StylesResult:
    member = _related(package, workbook, "/styles")
    by_column = column_styles(head, space.prefix, set(scored.columns.values()))
    bases = {name: by_column.get(column, 0) for name, column in scored.columns.items()}
    looks = {name: look for name, look in LOOKS.items() if name in scored.columns}
    original = edits.current(package, member) if member else None
    try:
        result = extend_styles(original, bases, looks, HIGHLIGHTS, space.namespace)
    except ValueError as error:
        raise WorkbookError(f"{package.path.name}: its styles part cannot be extended "
                            f"({error}); open it in Excel and save it again") from None
    if member is None:
        _new_part(package, edits, workbook, "styles.xml", result.content, STYLES_TYPE,
                  space.styles)
    elif result.content != original:
        edits.replace(member, result.content)
    return result


def _shared_strings(package: Package, edits: PackageEdit, workbook: str, plan: SharedStrings,
                    sheets: list[_SheetOutput], space: _Space) -> None:
    member = package.shared_strings
    if member is None:
        if plan.references:
            _new_part(package, edits, workbook, "sharedStrings.xml",
                      new_part(plan, space.namespace), SHARED_STRINGS_TYPE, space.strings)
        return

    def count(old: int) -> int:
        return old + plan.references - sum(s.finished().dropped_shared for s in sheets)

    edits.replace(member, appended(package.stream(member), plan, count, package.path.name))
