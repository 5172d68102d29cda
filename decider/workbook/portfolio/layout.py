"""A sheet's layout: which sheet holds the portfolio, its header row, which column holds
each input and which of decider's result columns already exist.

Header cells are matched by whole words (decision policy, section 8), so "Headcount (FTE)"
is the size column, "AI spend (EUR/yr)" the budget one and "Operating countries" the
multi-country one; "Staffing agency" is no size column ("staffing" is not "staff"). When
two columns match one input, the one whose header also says "AI" wins ("AI stage" over
"Stage gate"); two plain matches are an error that lists both and asks for `--column`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from decider.headers import FIELD_WORDS as FIELD_WORDS  # re-exported: where to look
from decider.headers import FIELDS as FIELDS
from decider.headers import fields_of, says_ai
from decider.headers import words as normalised
from decider.parsing import is_blank, read
from decider.policy import default_policy
from decider.workbook.errors import WorkbookError
from decider.workbook.package.opening import Package, SheetEntry
from decider.workbook.package.refs import (
    column_letters,
    column_number,
    is_column_letters,
    parse_range,
)
from decider.workbook.package.sheet import cells_of, numbered_rows, split, style_of
from decider.workbook.portfolio.reader import first_rows

REQUIRED = ("size", "maturity", "regulation", "budget")
# The Rationale last: its long text, running on to the right, never looks like another
# column's content (section 11).
OWNED = ("Recommendation", "Centralization index", "Confidence", "Decider issues",
         "What would change it", "Rationale")
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """A candidate header row: the input and result columns its headers name."""

    number: int
    inputs: dict[str, int]  # field -> column
    owned: dict[str, int]  # result name -> column
    ambiguous: dict[str, list[int]]  # field -> the columns that match it equally well
    # regulation: an industry column beside the regulation column (both read, section 10)
    industry: int | None = None


@dataclass(slots=True)
class Layout:
    sheet: SheetEntry
    header_row: int
    headers: dict[int, str]  # column -> header text
    inputs: dict[str, int]  # field -> column
    owned: dict[str, int]  # result name -> column, headed so already
    header_style: bytes | None
    file: str  # the workbook's name, for messages
    industry: int | None = None  # an industry column read beside the regulation column
    # column -> the text of a header merged over it from a column to its left ("AI budget
    # (k€)" over E:F gives F its unit too); filled once the sheet's merges are read.
    merged_headers: dict[int, str] = field(default_factory=dict)


# -- finding the sheet, the header and the columns ---------------------------------------


def check_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for name, header in (columns or {}).items():
        key = name.strip().lower().replace("-", "_")
        if key not in FIELDS:
            raise WorkbookError(f"--column {name}: unknown input; inputs are "
                                "size, maturity, regulation, budget, multi-country")
        chosen[key] = header.strip()
    return chosen


def _match_field(name: str, words: dict[int, str], named: dict[int, set[str]],
                 taken: set[int]) -> list[int]:
    """The columns whose header names the input: one, the one also saying "AI" among
    several, or all of them (an ambiguity for the caller to report). A header that names
    another input too ("AI spend per employee") gives way to one that names only this."""
    found = [column for column in sorted(words) if column not in taken
             and name in named[column]]
    if len(found) > 1:
        found = [c for c in found if named[c] == {name}] or found
    if len(found) > 1:
        saying_ai = [column for column in found if says_ai(words[column])]
        return saying_ai if len(saying_ai) == 1 else (saying_ai or found)
    return found


def header_texts(row: dict[int, Any]) -> dict[int, str]:
    """The row's header texts, each on one line (a header wrapped with Alt+Enter is read
    and shown as one line: messages stay one line)."""
    return {c: " ".join(v.split()) for c, v in row.items() if isinstance(v, str) and v.strip()}


def _resolve(number: int, headers: dict[int, str], wanted: dict[str, str]) -> HeaderRow:
    """Inputs and owned result columns in one header row."""
    lowered = {c: t.lower() for c, t in headers.items()}
    owned = {}
    for name in OWNED:
        column = next((c for c, t in sorted(lowered.items()) if t == name.lower()), None)
        if column is not None:
            owned[name] = column
    taken = set(owned.values())
    inputs: dict[str, int] = {}
    for name, header in wanted.items():
        if not header:
            continue
        column = next((c for c, t in sorted(lowered.items()) if t == header.lower()), None)
        if column is None and is_column_letters(header):
            column = column_number(header)
        if column is not None:
            inputs[name] = column
            taken.add(column)
    words = {c: normalised(t) for c, t in headers.items()}
    named = {c: fields_of(t) for c, t in headers.items()}
    ambiguous: dict[str, list[int]] = {}
    industry_column: int | None = None
    for name in FIELDS:
        if name in wanted:
            continue
        found = _match_field(name, words, named, taken)
        if len(found) == 1:
            inputs[name] = found[0]
            taken.add(found[0])
        elif found:
            pair = _industry_and_regulation(name, found, words)
            if pair is None:
                ambiguous[name] = found
            else:
                inputs[name], industry_column = pair
                taken.update(pair)
    return HeaderRow(number, inputs, owned, ambiguous, industry_column)


_INDUSTRY_WORDS = ("sector", "industry", "vertical", "branche", "secteur", "settore")


def _industry_and_regulation(name: str, found: list[int], words: dict[int, str]
                             ) -> tuple[int, int] | None:
    """(regulation column, industry column) when two regulation columns are one of each
    kind ("Industry" and "Regulatory exposure"): both are read, the stricter wins."""
    if name != "regulation" or len(found) != 2:
        return None
    industry = [c for c in found if any(f" {w} " in words[c] for w in _INDUSTRY_WORDS)]
    if len(industry) != 1:
        return None
    regulation = next(c for c in found if c != industry[0])
    return regulation, industry[0]


def refuse_ambiguous(header: HeaderRow, headers: dict[int, str], where: str) -> None:
    """One line naming the input, the columns that both match it, and `--column`."""
    for name, columns in header.ambiguous.items():
        both = " and ".join(f"{column_letters(c)} '{headers.get(c, '')}'" for c in columns)
        raise WorkbookError(
            f"{where} row {header.number} has {len(columns)} columns for {display(name)}: "
            f"{both}; name one with --column {display(name)}=HEADER (or a column letter)")


# Sheets that hold instructions or examples, by their whole name: skipped unless chosen.
INSTRUCTION_SHEETS = frozenset({"read me", "readme", "instructions", "how to", "guide",
                                "cover", "example", "examples", "template"})


def is_instruction_sheet(name: str) -> bool:
    plain = normalised(name).strip()
    return plain in INSTRUCTION_SHEETS or plain.startswith("how to ")


@dataclass(slots=True)
class Located:
    """The portfolio sheets of a workbook, and what was said about the others."""

    layouts: list[Layout]
    skipped: list[str]  # "sheet 'Lookup' (no size / budget column)": told, never silent


def locate_all(package: Package, strings: list[str], sheets: list[str],
               header_row: int | None, wanted: dict[str, str]) -> Located:
    """Every sheet whose header row names at least two inputs and every required one
    (section 10), or the `sheets` chosen; sheets named like instructions are skipped unless
    chosen. A header row or columns given (and no sheet) describe one sheet: the first
    that fits them is the one scored. A sheet naming two inputs but lacking one is
    skipped, and said, when another sheet is whole; when none is, its problem is the
    error."""
    name = package.path.name
    if not package.sheets:
        raise WorkbookError(f"{name} has no worksheet")
    chosen = [_pick_sheet(package, s) for s in dict.fromkeys(sheets)]
    candidates = chosen or package.sheets
    seen: list[str] = []
    problems: list[tuple[str, WorkbookError]] = []
    layouts: list[Layout] = []
    by_name: list[str] = []
    hidden = [] if chosen else _hidden_portfolios(package, strings, header_row, wanted)
    for entry in candidates:
        if not chosen and is_instruction_sheet(entry.name):
            by_name.append(entry.name)
            continue
        if entry.name in hidden:
            continue
        found = _layout_of(package, entry, strings, header_row, wanted, name)
        if isinstance(found, Layout):
            layouts.append(found)
            if not chosen and (header_row or wanted):
                break  # --header-row and --column describe one sheet: the first that fits
        elif isinstance(found, WorkbookError):
            problems.append((entry.name, found))
        else:
            seen.append(found)
    if chosen and problems:
        raise problems[0][1]
    if layouts:
        skipped = [f"sheet '{n}' (its name says instructions or examples; choose it with "
                   f"--sheet \"{n}\")" for n in by_name]
        skipped += [f"sheet '{n}' (hidden; name it with --sheet \"{n}\" to score it)"
                    for n in hidden]
        skipped += [f"sheet '{sheet_name}' ({_reason(problem)})" for sheet_name, problem
                    in problems]
        return Located(layouts, skipped)
    if problems:
        raise problems[0][1]
    where = f"in row {header_row}" if header_row else f"in its first {HEADER_SEARCH_ROWS} rows"
    also = ""
    if by_name:
        listed = ", ".join(f"'{n}'" for n in by_name)
        also = (f"; {listed} skipped by name (instructions or examples): choose one with "
                f"--sheet \"{by_name[0]}\"")
    if hidden:
        listed = ", ".join(f"'{n}'" for n in hidden)
        also += f"; {listed} skipped as hidden: choose one with --sheet \"{hidden[0]}\""
    raise WorkbookError(
        f"{name}: no sheet has a header naming the inputs (size, maturity, regulation, "
        f"budget) {where}; sheets seen: {'; '.join(seen) or 'none'}{also}; "
        "use --sheet, --header-row or --column")


def sheet_states(package: Package) -> dict[str, str]:
    """Each sheet's visibility in workbook.xml: "visible", "hidden" or "veryHidden"."""
    root = package.parse(package.workbook)
    return {element.get("name") or "": element.get("state") or "visible"
            for element in root.iter("{*}sheet")}


def _hidden_portfolios(package: Package, strings: list[str], header_row: int | None,
                       wanted: dict[str, str]) -> list[str]:
    """The hidden sheets (state hidden or veryHidden) whose header names at least two
    inputs: often an old copy of the portfolio, whose units would be counted twice. They
    are skipped, and said, unless chosen with --sheet; a hidden sheet that is no portfolio
    (a list for drop-downs) is left out without a word, as any such sheet."""
    if not package.workbook:
        return []
    states = sheet_states(package)
    found = []
    for entry in package.sheets:
        if states.get(entry.name, "visible") == "visible" or is_instruction_sheet(entry.name):
            continue
        try:
            layout = _layout_of(package, entry, strings, header_row, wanted,
                                package.path.name)
        except WorkbookError:  # two columns for one input: it names inputs all the same
            layout = None
        if not isinstance(layout, str):
            found.append(entry.name)
    return found


def _reason(problem: WorkbookError) -> str:
    text = str(problem)
    found = re.search(r"has no (.*?) column", text)
    return f"no {found.group(1)} column" if found else text


def _layout_of(package: Package, entry: SheetEntry, strings: list[str],
               header_row: int | None, wanted: dict[str, str], name: str
               ) -> Layout | WorkbookError | str:
    """The sheet's layout; or the problem of a sheet naming inputs but not all; or, for a
    sheet naming fewer than two, how its header looks (for the error)."""
    last = max(header_row or HEADER_SEARCH_ROWS, 1)
    rows = first_rows(package, entry.part, strings, last)
    best = best_header_row(rows, header_row, wanted)
    if best is None:
        return f"'{entry.name}' ({_likeliest_header(rows, header_row)})"
    number, inputs, owned = best.number, best.inputs, best.owned
    headers = header_texts(rows.get(number, {}))
    if best.ambiguous:
        sample = first_rows(package, entry.part, strings, number + _SAMPLE_ROWS)
        best = _by_values(best, sample)
        inputs = best.inputs
    refuse_ambiguous(best, headers, f"{name}: sheet '{entry.name}'")
    for field_name, header in wanted.items():
        if header and field_name not in inputs:
            raise WorkbookError(f"{name}: sheet '{entry.name}' has no column '{header}' "
                                f"for {display(field_name)}; headers seen: "
                                f"{show_headers(headers)}")
    missing = [f for f in REQUIRED if f not in inputs and wanted.get(f) != ""]
    if missing:
        return WorkbookError(
            f"{name}: sheet '{entry.name}' row {number} has no "
            f"{' / '.join(display(f) for f in missing)} column; headers seen: "
            f"{show_headers(headers)}; name it with --column "
            f"{display(missing[0])}=HEADER (or a column letter), or, if the sheet has "
            f"none, say so with "
            f"{' '.join(f'--column {display(f)}=' for f in missing)} (not known: no vote)")
    style = _header_style(package, entry, number, headers)
    return Layout(entry, number, headers, inputs, owned, style, name, best.industry)


_SAMPLE_ROWS = 200


def _by_values(best: HeaderRow, rows: dict[int, dict[int, Any]]) -> HeaderRow:
    """Two columns left for one input: the one whose values read as that input (and not
    the other's), judged on the rows below the header (section 10)."""
    policy = default_policy()
    inputs = dict(best.inputs)
    ambiguous = {}
    for field_name, columns in best.ambiguous.items():
        readable = []
        for column in columns:
            values = [row.get(column) for number, row in rows.items() if number > best.number]
            given = [v for v in values if not is_blank(v)]
            if given and all(read(policy, field_name, v).error is None for v in given):
                readable.append(column)
        if len(readable) == 1:
            inputs[field_name] = readable[0]
        else:
            ambiguous[field_name] = columns
    return HeaderRow(best.number, inputs, best.owned, ambiguous, best.industry)


def _likeliest_header(rows: dict[int, dict[int, Any]], header_row: int | None) -> str:
    """The row that looks most like a header (the most short text cells, one input word
    scoring more), shown with the `--column` line to type for it."""
    numbers = [header_row] if header_row else sorted(rows)
    best, best_score = None, 0.0
    for number in numbers:
        texts = header_texts(rows.get(number, {}))
        short = [t for t in texts.values() if len(t) <= 40]
        score = len(short) + 2 * sum(1 for t in short if fields_of(t))
        if score > best_score:
            best, best_score = number, score
    if best is None:
        return "no header-like row"
    texts = header_texts(rows.get(best, {}))
    named = {f: t for t in texts.values() for f in fields_of(t)}
    given = " ".join(f"--column {display(f)}=\"{t}\"" for f, t in named.items())
    others = " ".join(f"--column {display(f)}=HEADER" for f in REQUIRED if f not in named)
    hint = " ".join(part for part in (given, others) if part)
    return (f"row {best} looks most like a header: {show_headers(texts)}; say which of its "
            f"columns holds each input: --header-row {best} {hint} (HEADER: its text or "
            "its column letter)")


def _pick_sheet(package: Package, sheet: str) -> SheetEntry:
    for entry in package.sheets:
        if entry.name == sheet:
            return entry
    for entry in package.sheets:
        if entry.name.strip().lower() == sheet.strip().lower():
            return entry
    names = ", ".join(f"'{e.name}'" for e in package.sheets)
    for name, kind in package.other_sheets.items():
        if name.strip().lower() == sheet.strip().lower():
            raise WorkbookError(f"{package.path.name}: sheet '{name}' is {kind}, with no cells "
                                f"to score; its worksheets: {names or 'none'}")
    raise WorkbookError(f"{package.path.name} has no worksheet '{sheet}'; its worksheets: "
                        f"{names}")


def best_header_row(rows: dict[int, dict[int, Any]], header_row: int | None,
                     wanted: dict[str, str]) -> HeaderRow | None:
    numbers = [header_row] if header_row else sorted(rows)
    best = None
    best_score = 1  # a header names at least two inputs
    for number in numbers:
        headers = header_texts(rows.get(number, {}))
        found = _resolve(number, headers, wanted)
        texts = {t.lower() for t in headers.values()}
        named = sum(1 for f in found.inputs if not (wanted.get(f) and is_column_letters(
            wanted[f]) and wanted[f].lower() not in texts)) + len(found.ambiguous)
        if named > best_score or (header_row and best is None):
            best, best_score = found, named
    return best


def _header_style(package: Package, entry: SheetEntry, row: int, headers: dict[int, str]
                  ) -> bytes | None:
    """The style of the header row's last header cell, for the header cells decider adds."""
    if not headers:
        return None
    parts = split(package.stream(entry.part), package.path.name, entry.part)
    last = max(headers)
    for number, body in numbered_rows(parts):
        if number < row:
            continue
        for column, attributes, _body, _span in cells_of(parts.syntax, body):
            if column == last:
                return style_of(attributes)
        return None
    return None


def display(name: str) -> str:
    return name.replace("_", "-")


def show_headers(headers: dict[int, str]) -> str:
    if not headers:
        return "none"
    return ", ".join(f"{column_letters(c)} '{t}'" for c, t in sorted(headers.items()))


def describe_inputs(layout: Layout) -> dict[str, str]:
    return {display(f): f"{layout.headers.get(c, '')} ({column_letters(c)})".strip()
            for f, c in layout.inputs.items()}



def read_merged_headers(package: Package, strings: list[str], layout: Layout,
                        merges: list[str]) -> None:
    """Headers merged over several columns. The other columns of the merge take its text
    (`layout.merged_headers`: its unit applies to them too). An input found by such a
    header, with a sub-header row below it ("AI budget (k€)" over "2025 | 2026"), names
    several columns for one input: reading the first silently would take last year's
    figure, so it is refused, naming the columns."""
    spans = []
    for merge in merges:
        area = parse_range(merge)
        if area is None:
            continue
        top, left, bottom, right = area
        if top <= layout.header_row <= bottom and right > left:
            spans.append((left, right, bottom, merge))
            text = layout.headers.get(left, "")
            layout.merged_headers.update({c: text for c in range(left + 1, right + 1)
                                          if text and not layout.headers.get(c)})
    below_spans = [span for span in spans if span[2] == layout.header_row
                   and span[0] in layout.inputs.values()]
    if not below_spans:
        return
    below = layout.header_row + 1
    under = first_rows(package, layout.sheet.part, strings, below).get(below, {})
    for field_name, column in layout.inputs.items():
        for left, right, _bottom, merge in below_spans:
            if column == left and any(not is_blank(under.get(c))
                                      for c in range(left + 1, right + 1)):
                letters = f"{column_letters(left)} to {column_letters(right)}"
                shown = ", ".join(f"{column_letters(c)} '{under.get(c)}'"
                                  for c in range(left, right + 1) if not is_blank(under.get(c)))
                raise WorkbookError(
                    f"{layout.file}: sheet '{layout.sheet.name}' row {layout.header_row}: "
                    f"the header '{layout.headers.get(column, '')}' of "
                    f"{display(field_name)} is merged over columns {letters} ({merge}), "
                    f"with row {below} below it ({shown}): name the column to read, e.g. "
                    f"--column {display(field_name)}={column_letters(right)}")
