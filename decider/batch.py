"""`score_workbook`: fill a whole portfolio workbook with recommendations.

Finds the portfolio sheets (every sheet whose header names the inputs, or those chosen),
their header rows and input columns by their header words, reads those columns in one
streaming pass per sheet, scores every business-unit row with the pure-Python core
(`decider.core.score_cells`; see `decider.workbook.portfolio`), and writes the answers
into those sheets by rewriting only their XML, appending the styles and shared strings
they use: every other part of the package is copied byte for byte (see
`decider.workbook.package`). Neither numpy nor pandas is imported (`score_rows`, which
returns a DataFrame, imports pandas).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from decider import __version__
from decider.context import Formatted
from decider.core import release_answers
from decider.files import refuse_if_open, replaced_whole
from decider.policy import Policy, default_policy
from decider.score_summary import (
    ARCHITECTURES,
    EXAMPLE_ROWS,
    NO_INPUT_ROWS,
    TOTALS_ROWS,
    ScoreSummary,
    SheetCount,
)
from decider.workbook.answers.plan import plan_cells, refuse_conflicts
from decider.workbook.answers.scored import ScoredSheet, add_scored_edits, scored_sheet
from decider.workbook.errors import WorkbookError
from decider.workbook.package.edits import PackageEdit
from decider.workbook.package.opening import Package, open_package
from decider.workbook.package.shared import SharedStrings
from decider.workbook.package.strings import read_shared_strings, read_shared_table
from decider.workbook.portfolio.layout import (
    FIELDS,
    Located,
    check_columns,
    describe_inputs,
    locate_all,
)
from decider.workbook.portfolio.numformats import style_meanings
from decider.workbook.portfolio.rows import Answers, Units
from decider.workbook.portfolio.scoring import SheetScore, score_sheet
from decider.workbook.portfolio.tablefile import score_table_file
from decider.workbook.recalculate import recalculated
from decider.workbook.summary.add import add_summary, check_sheet_name
from decider.workbook.summary.facts import SheetPart, SummaryFacts, summary_facts, unit_names

if TYPE_CHECKING:
    import pandas as pd

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
__all__ = ["ARCHITECTURES", "EXAMPLE_ROWS", "NO_INPUT_ROWS", "TABLE_SUFFIXES", "TOTALS_ROWS",
           "WORKBOOK_SUFFIXES", "ScoreSummary", "SheetCount", "score_rows", "score_workbook"]


def score_workbook(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    sheet: str | Sequence[str] | None = None,
    header_row: int | None = None,
    columns: Mapping[str, str] | None = None,
    in_place: bool = False,
    overwrite: bool = False,
    policy: Policy | None = None,
    progress: Callable[[int, int], None] | None = None,
    summary: bool = True,
    as_of: date | None = None,
    recalculate: bool = False,
    cell_references: bool = False,
) -> ScoreSummary:
    """Score every business unit of a workbook and write the answers beside them.

    Every sheet whose header names the inputs is scored (`sheet`: the name, or names, of
    the sheets to score instead). Output: `output`, else `NAME.scored.xlsx` beside the
    input; `in_place` writes over the input after keeping `NAME.bak.xlsx`.
    `progress(done, total)` is told as the sheets are read and written. `summary`: replace
    the "Decider summary" sheet (counts per sheet and in total, a chart, the group view;
    see `decider.workbook.summary`); False leaves any there alone. `as_of`: the day a
    maturity start date is counted to (default today). `recalculate`: have LibreOffice
    recalculate a copy first and read its saved values (the original is what is written).
    `cell_references`: every answer cell names its place (`r`), as Excel writes, for tools
    that look cells up by reference; by default only a row's first answer cell does, the
    next ones following it (the file is about a fifth smaller).
    Raises `DeciderInputError` (a `WorkbookError` for files and options) with a one-line
    message; nothing is written then.
    """
    source = Path(input)
    if source.suffix.lower() in TABLE_SUFFIXES:
        raise WorkbookError(f"{source.name} is a {source.suffix.lstrip('.').upper()} table: "
                            "decider writes answers into .xlsx workbooks only; use "
                            "--format csv or --format json to get them on stdout")
    target = _output_path(source, output, in_place)
    refuse_if_open(target)  # before any work: open in Excel or LibreOffice
    if in_place:
        _backup_path(source)  # refused before any work
    policy = policy or default_policy()
    with open_package(source) as package, recalculated(source, recalculate) as values:
        if package.is_macro_enabled and target.suffix.lower() != ".xlsm":
            raise WorkbookError(f"{source.name} holds macros: name the output .xlsm "
                                f"(not {target.name}) so Excel keeps them")
        if not package.is_macro_enabled and target.suffix.lower() == ".xlsm":
            raise WorkbookError(f"{source.name} holds no macros: name the output .xlsx "
                                f"(not {target.name}); Excel refuses to open an .xlsm "
                                "that is not macro-enabled")
        shared_table = read_shared_table(package)
        strings = shared_table.strings
        located = locate_all(package, strings, _sheet_names(sheet), header_row,
                             check_columns(columns))
        if summary:
            for layout in located.layouts:
                check_sheet_name(package, layout.sheet.name)
        if progress is not None:
            # Each sheet is inflated twice: once to read it, once to rewrite it.
            package.progress, package.inflated = progress, 0
            package.expected = 2 * sum(package.zip.getinfo(layout.sheet.part).file_size
                                       for layout in located.layouts)
        scores, skipped = _score_sheets(package, strings, located, policy, as_of, values,
                                        deferred=True)
        release_answers(policy)  # every row is answered: the memo of combinations can go
        shared = SharedStrings(shared_table)
        outputs: list[ScoredSheet] = []
        written: dict[str, str] = {}
        notes: list[str] = []
        parts: list[SheetPart] = []
        for score in scores:
            layout = score.layout
            # One copy alive: the rows to clear join the answers (they count as neither).
            results = score.results = _with_cleared_rows(score)
            rows = results.rows
            edit, letters = plan_cells(layout, score.found, results, rows, shared, package)
            edit.cell_references = cell_references
            # The rationales are shared strings now (kept deflated): the texts can go.
            del results.columns["rationale"]
            if not overwrite:
                refuse_conflicts(package, layout, score.found, edit)
            scored, table_note = scored_sheet(package, layout.sheet.part, layout.header_row,
                                              set(layout.inputs.values()),
                                              score.found.last_column, edit, letters, shared)
            outputs.append(scored)
            written = written or letters
            if table_note:
                notes.append(table_note if len(scores) == 1
                             else f"sheet '{layout.sheet.name}': {table_note}")
            if summary:
                parts.append(_summary_part(package, strings, score, results, letters,
                                           edit.rows, edit.payloads))
        backup = None
        if in_place:
            backup = _backup_path(source)
            shutil.copy2(source, backup)
        facts = (summary_facts(file=source.name, parts=parts, policy=policy,
                               version=__version__) if summary else None)
        _write(package, outputs, target, source, facts)
    return _summary_of(source, target, backup, written, scores, skipped,
                       "; ".join(notes) or None)


def _with_cleared_rows(score: SheetScore) -> Answers:
    """The answers to write; on a sheet scored before, rows with no inputs too, as empty
    cells: such a row's old answer is cleared, never left standing (a row that had none
    is left as it is, so that scoring again changes nothing)."""
    # Totals rows typed as values too: earlier versions answered them as units.
    cleared = [*score.kinds.no_inputs, *score.kinds.summed]
    if not cleared or not score.layout.owned:  # no earlier answer to clear
        return score.results
    # The new rows hold no answer, which the cell plan writes as empty cells.
    return score.results.with_rows(cleared)


def _sheet_names(sheet: str | Sequence[str] | None) -> list[str]:
    if sheet is None:
        return []
    return [sheet] if isinstance(sheet, str) else list(sheet)


def _score_sheets(package: Package, strings: list[str], located: Located, policy: Policy,
                  as_of: date | None, values: Package | None, deferred: bool = False
                  ) -> tuple[list[SheetScore], list[str]]:
    """Every located sheet scored; a sheet with no unit is skipped (and said) when another
    has some, else its problem is the error."""
    formats = style_meanings(package)
    scores: list[SheetScore] = []
    skipped = list(located.skipped)
    first_problem: WorkbookError | None = None
    for layout in located.layouts:
        try:
            scores.append(score_sheet(package, strings, formats, layout, policy, as_of,
                                      values, deferred))
        except WorkbookError as error:
            if "no business-unit rows" not in str(error):
                raise
            first_problem = first_problem or error
            skipped.append(f"sheet '{layout.sheet.name}' (no business-unit rows)")
    if not scores:
        assert first_problem is not None
        raise first_problem
    return scores, skipped


def _summary_of(source: Path, target: Path, backup: Path | None, written: dict[str, str],
                scores: list[SheetScore], skipped: list[str], table: str | None
                ) -> ScoreSummary:
    counts = {a: 0 for a in ARCHITECTURES}
    sheets = []
    for score in scores:
        found = score.results.count("architecture")
        sheet_counts = {a: found.get(a, 0) for a in ARCHITECTURES}
        for a in ARCHITECTURES:
            counts[a] += sheet_counts[a]
        sheets.append(SheetCount(score.layout.sheet.name, score.layout.header_row,
                                 sheet_counts, score.results.given("issues"),
                                 tuple(score.kinds.totals), tuple(score.kinds.examples),
                                 tuple(score.kinds.no_inputs)))
    first = scores[0].layout
    return ScoreSummary(
        input=source, output=target, sheet=first.sheet.name, header_row=first.header_row,
        columns=describe_inputs(first), rows=sum(s.scored for s in sheets),
        counts=counts, issues=sum(s.issues for s in sheets), backup=backup, written=written,
        totals_rows=tuple(r for s in sheets for r in s.totals_rows), table=table,
        example_rows=tuple(r for s in sheets for r in s.example_rows),
        no_input_rows=tuple(r for s in sheets for r in s.no_input_rows),
        sheets=tuple(sheets), skipped_sheets=tuple(skipped))


def score_rows(
    input: str | os.PathLike[str],
    *,
    sheet: str | Sequence[str] | None = None,
    header_row: int | None = None,
    columns: Mapping[str, str] | None = None,
    policy: Policy | None = None,
    as_of: date | None = None,
    recalculate: bool = False,
) -> pd.DataFrame:
    """The per-row answers for a workbook (every portfolio sheet), CSV or Parquet file,
    nothing written: one row per business unit with its sheet, sheet row number, the
    inputs as read and `score_frame`'s columns (the core's). `frame.attrs` lists the rows skipped
    (totals, examples) and the rows with no inputs."""
    source = Path(input)
    policy = policy or default_policy()
    wanted = check_columns(columns)
    if source.suffix.lower() in TABLE_SUFFIXES:
        units, results, kinds = score_table_file(source, header_row, wanted, policy)
        out = _rows_frame(None, units, results)
        _note_kinds(out, [kinds.totals], [kinds.examples], [kinds.no_inputs])
        return out
    with open_package(source) as package, recalculated(source, recalculate) as values:
        strings = read_shared_strings(package)
        located = locate_all(package, strings, _sheet_names(sheet), header_row, wanted)
        scores, _skipped = _score_sheets(package, strings, located, policy, as_of, values)
    import pandas as pd  # score_rows hands back a DataFrame: pandas only here

    out = pd.concat([_rows_frame(s.layout.sheet.name, s.frame, s.results) for s in scores],
                    ignore_index=True)
    _note_kinds(out, [s.kinds.totals for s in scores], [s.kinds.examples for s in scores],
                [s.kinds.no_inputs for s in scores])
    return out


def _note_kinds(out: pd.DataFrame, totals: list[list[int]], examples: list[list[int]],
                no_inputs: list[list[int]]) -> None:
    for key, lists in ((TOTALS_ROWS, totals), (EXAMPLE_ROWS, examples),
                       (NO_INPUT_ROWS, no_inputs)):
        out.attrs[key] = [int(r) for rows in lists for r in rows]


def _rows_frame(sheet: str | None, frame: Units, results: Answers) -> pd.DataFrame:
    import pandas as pd

    columns: dict[str, Any] = {"sheet": [sheet] * len(frame), "row": frame.rows}
    for name in FIELDS:
        columns[name] = (_plain_values(frame.columns[name]) if name in frame.columns
                         else [None] * len(frame))
    columns.update((name, values) for name, values in results.columns.items()
                   if name != "closest_distance")
    out = pd.DataFrame(columns)
    out["row"] = out["row"].astype("int64")
    for name in FIELDS:
        out[name] = out[name].astype(object)
    return out


def _plain_values(values: list[Any]) -> list[Any]:
    """Cells as their rows show them on stdout: a formatted number is its number."""
    return [v.value if isinstance(v, Formatted) else v for v in values]


# -- output ------------------------------------------------------------------------------


def _output_path(source: Path, output: str | os.PathLike[str] | None, in_place: bool) -> Path:
    if in_place:
        if output is not None and Path(output).resolve() != source.resolve():
            raise WorkbookError("--in-place writes over the input: give no output with it")
        return source
    if output is None:
        suffix = source.suffix if source.suffix.lower() in WORKBOOK_SUFFIXES else ".xlsx"
        return source.with_name(f"{source.stem}.scored{suffix}")
    target = Path(output)
    if target.is_dir():
        target = target / source.name
    if target.exists() and target.resolve() == source.resolve():
        raise WorkbookError(f"the output {target} is the input: use --in-place to write "
                            "over it (a .bak copy is kept)")
    if target.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise WorkbookError(f"the output {target.name} must end in .xlsx or .xlsm")
    return target


def _backup_path(source: Path) -> Path:
    backup = source.with_name(f"{source.stem}.bak{source.suffix}")
    if backup.exists():
        # It may be the user's only original (kept by an earlier --in-place run).
        raise WorkbookError(f"{backup.name} already exists (kept by an earlier --in-place "
                            "run?): move it away first, or write elsewhere with -o")
    return backup


def _summary_part(package: Package, strings: list[str], score: SheetScore,
                  results: Answers, written: dict[str, str], rows: list[int],
                  payloads: dict[int, list[bytes]]) -> SheetPart:
    """One sheet's answers for the summary (`results`: as written, cleared rows included).
    Rows scored but then left with no cell at all are a table's totals row: skipped too,
    not answers."""
    layout, frame = score.layout, score.frame
    columns = list(payloads.values())
    architecture, issues = results["architecture"], results["issues"]
    cells_by_row = zip(*columns, strict=True)
    dropped = [row for row, cells, answer, issue in zip(rows, cells_by_row, architecture,
                                                         issues, strict=True)
               if (answer is not None or issue is not None) and not any(cells)
               ] if columns else []
    skipped = {*dropped, *score.kinds.no_inputs}
    kept = [row not in skipped for row in results.rows]
    size_cells = frame.columns.get("size")
    sizes: list[Any] = []
    if size_cells is not None:
        by_row = dict(zip(frame.rows, size_cells, strict=True))
        sizes = [by_row.get(row) for row, keep in zip(results.rows, kept, strict=True) if keep]
    else:
        sizes = [None] * sum(kept)
    # A unit's name: the first header column that is neither an input nor an answer.
    used = {*layout.inputs.values(), *layout.owned.values(),
            *([layout.industry] if layout.industry else [])}
    name_column = min((c for c in layout.headers if c not in used), default=None)

    def units(listed: list[int]) -> dict[int, str]:
        if name_column is None:
            return {}
        return unit_names(package, layout.sheet.part, strings, name_column, listed)

    return SheetPart(sheet=layout.sheet.name, header_row=layout.header_row, columns=written,
                     results=results.keep(kept), sizes=sizes,
                     totals_rows=sorted({*dropped, *score.kinds.totals}),
                     example_rows=list(score.kinds.examples),
                     no_input_rows=list(score.kinds.no_inputs), units=units,
                     size_context=score.contexts.get("size"))


def _write(package: Package, scored: list[ScoredSheet], target: Path, source: Path,
           facts: SummaryFacts | None = None) -> None:
    """Into a temporary file beside the target, renamed over it only when complete."""
    if not target.parent.is_dir():
        raise WorkbookError(f"the output folder {target.parent} does not exist")
    with replaced_whole(target, mode=source.stat().st_mode & 0o777) as temporary, \
            temporary.open("w+b") as out, source.open("rb") as raw:
        edits = PackageEdit(package)
        add_scored_edits(package, scored, edits)
        if facts is not None:
            add_summary(package, edits, facts)
        edits.write(package, raw, out)
