"""`score_workbook`: fill a whole portfolio workbook with recommendations.

Finds the sheet, its header row and the input columns by their header words, reads
those columns in one streaming pass, scores every business-unit row with `score_frame`,
and writes the answers into the one sheet by rewriting only its XML, appending the styles
and shared strings they use: every other part of the package is copied byte for byte
(see `decider.workbook`).
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from decider import __version__
from decider.files import replaced_whole
from decider.frame import score_frame
from decider.palette import REPORT_ORDER
from decider.parsing import is_blank
from decider.policy import Policy, default_policy
from decider.workbook.answers.plan import plan_cells, refuse_conflicts
from decider.workbook.answers.scored import ScoredSheet, add_scored_edits, scored_sheet
from decider.workbook.errors import WorkbookError
from decider.workbook.package.edits import PackageEdit
from decider.workbook.package.opening import Package, open_package
from decider.workbook.package.shared import SharedStrings
from decider.workbook.package.strings import read_shared_strings, read_shared_table
from decider.workbook.package.writer import SheetEdit
from decider.workbook.portfolio.layout import (
    FIELDS,
    HEADER_SEARCH_ROWS,
    REQUIRED,
    Layout,
    best_header_row,
    check_columns,
    describe_inputs,
    display,
    header_texts,
    locate,
    refuse_ambiguous,
    show_headers,
)
from decider.workbook.portfolio.reader import Scan, scan
from decider.workbook.portfolio.totals import describe, label_rows_of_table, table_totals_rows
from decider.workbook.summary.add import add_summary, check_sheet_name
from decider.workbook.summary.facts import SummaryFacts, summary_facts, unit_names

ARCHITECTURES = REPORT_ORDER
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
TOTALS_ROWS = "totals_rows"  # score_rows' frame.attrs key: the rows skipped as totals


@dataclass(frozen=True)
class ScoreSummary:
    """What one `score_workbook` run did."""

    input: Path
    output: Path | None
    sheet: str | None
    header_row: int | None
    columns: dict[str, str]  # field -> "Header (F)"
    rows: int  # business-unit rows scored
    counts: dict[str, int]  # architecture -> rows
    issues: int  # rows decider could not decide
    backup: Path | None = None
    written: dict[str, str] = field(default_factory=dict)  # result -> column letter
    totals_rows: tuple[int, ...] = ()  # sheet rows skipped as totals, not business units
    table: str | None = None  # how an Excel table around the header took the answers

    def share(self, architecture: str) -> float:
        return self.counts.get(architecture, 0) / self.rows if self.rows else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": str(self.input),
            "output": None if self.output is None else str(self.output),
            "backup": None if self.backup is None else str(self.backup),
            "sheet": self.sheet,
            "header_row": self.header_row,
            "columns": dict(self.columns),
            "written": dict(self.written),
            "rows": self.rows,
            "counts": dict(self.counts),
            "shares": {a: self.share(a) for a in self.counts},
            "issues": self.issues,
            "totals_rows": list(self.totals_rows),
            "table": self.table,
        }

    @classmethod
    def of_rows(cls, input: Path, rows: pd.DataFrame) -> ScoreSummary:
        """The summary of per-row results (`score_rows`' frame), nothing written."""
        counts = rows["architecture"].value_counts()
        return cls(input=input, output=None, sheet=None, header_row=None, columns={},
                   rows=len(rows), counts={a: int(counts.get(a, 0)) for a in ARCHITECTURES},
                   issues=int(rows["issues"].notna().sum()),
                   totals_rows=tuple(rows.attrs.get(TOTALS_ROWS, ())))

    def lines(self) -> list[str]:
        where = f"sheet '{self.sheet}', header row {self.header_row}" if self.sheet else ""
        target = f" ➜ {self.output}" if self.output else ""
        parts = [f"{a} {self.counts.get(a, 0)} ({self.share(a):.1%})" for a in ARCHITECTURES]
        issue_share = self.issues / self.rows if self.rows else 0.0
        lines = [
            f"{self.input}{target}" + (f" ({where})" if where else ""),
            f"  {self.rows} rows scored: " + ", ".join(parts),
            f"  {self.issues} rows with issues ({issue_share:.1%})",
        ]
        if self.totals_rows:
            lines.append(f"  {describe(self.totals_rows)}")
        if self.table:
            lines.append(f"  {self.table}")
        return lines


def score_workbook(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    columns: Mapping[str, str] | None = None,
    in_place: bool = False,
    overwrite: bool = False,
    policy: Policy | None = None,
    progress: Callable[[int, int], None] | None = None,
    summary: bool = True,
) -> ScoreSummary:
    """Score every business unit of a workbook and write the answers beside them.

    Output: `output`, else `NAME.scored.xlsx` beside the input; `in_place` writes over the
    input after keeping `NAME.bak.xlsx`. `progress(done, total)` is told as the sheet is
    read and written. `summary`: replace the "Decider summary" sheet (counts, a chart,
    the group view; see `decider.workbook.summary`); False leaves any there alone.
    Raises `DeciderInputError` (a `WorkbookError` for files and options) with a one-line
    message; nothing is written then.
    """
    source = Path(input)
    if source.suffix.lower() in TABLE_SUFFIXES:
        raise WorkbookError(f"{source.name} is a {source.suffix.lstrip('.').upper()} table: "
                            "decider writes answers into .xlsx workbooks only; use "
                            "--format csv or --format json to get them on stdout")
    target = _output_path(source, output, in_place)
    if in_place:
        _backup_path(source)  # refused before any work
    policy = policy or default_policy()
    with open_package(source) as package:
        if package.is_macro_enabled and target.suffix.lower() != ".xlsm":
            raise WorkbookError(f"{source.name} holds macros: name the output .xlsm "
                                f"(not {target.name}) so Excel keeps them")
        if not package.is_macro_enabled and target.suffix.lower() == ".xlsm":
            raise WorkbookError(f"{source.name} holds no macros: name the output .xlsx "
                                f"(not {target.name}); Excel refuses to open an .xlsm "
                                "that is not macro-enabled")
        shared_table = read_shared_table(package)
        strings = shared_table.strings
        layout = locate(package, strings, sheet, header_row, check_columns(columns))
        if summary:
            check_sheet_name(package, layout.sheet.name)
        if progress is not None:
            # The sheet is inflated twice: once to read it, once to rewrite it.
            package.progress, package.inflated = progress, 0
            package.expected = 2 * package.zip.getinfo(layout.sheet.part).file_size
        found, results, frame, totals = _score(package, strings, layout, policy)
        shared = SharedStrings(shared_table)
        edit, written = plan_cells(layout, found, results, frame.index.to_numpy(np.int64), shared)
        if not overwrite:
            refuse_conflicts(package, layout, found, edit)
        scored, table_note = scored_sheet(package, layout.sheet.part, layout.header_row,
                                          set(layout.inputs.values()), found.last_column,
                                          edit, written, shared)
        backup = None
        if in_place:
            backup = _backup_path(source)
            shutil.copy2(source, backup)
        facts = (_summary_facts(package, strings, layout, written, results, frame, edit,
                                policy, totals.tolist()) if summary else None)
        _write(package, scored, target, source, facts)
    counts = results["architecture"].value_counts()
    return ScoreSummary(
        input=source, output=target, sheet=layout.sheet.name, header_row=layout.header_row,
        columns=describe_inputs(layout), rows=len(results),
        counts={a: int(counts.get(a, 0)) for a in ARCHITECTURES},
        issues=int(results["issues"].notna().sum()), backup=backup, written=written,
        totals_rows=tuple(totals.tolist()), table=table_note)


def score_rows(
    input: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    columns: Mapping[str, str] | None = None,
    policy: Policy | None = None,
) -> pd.DataFrame:
    """The per-row answers for a workbook, CSV or Parquet file, nothing written: one row per
    business unit with its sheet row number, the inputs as read and `score_frame`'s columns."""
    source = Path(input)
    policy = policy or default_policy()
    wanted = check_columns(columns)
    if source.suffix.lower() in TABLE_SUFFIXES:
        return _score_table_file(source, header_row, wanted, policy)
    with open_package(source) as package:
        strings = read_shared_strings(package)
        layout = locate(package, strings, sheet, header_row, wanted)
        _found, results, frame, totals = _score(package, strings, layout, policy)
    return _rows_frame(layout.sheet.name, frame, results, totals)


def _rows_frame(sheet: str | None, frame: pd.DataFrame, results: pd.DataFrame,
                totals: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame({"sheet": sheet, "row": frame.index.to_numpy(np.int64)})
    out.attrs[TOTALS_ROWS] = totals.tolist()
    for name in FIELDS:
        out[name] = frame[name].to_numpy(object) if name in frame else None
    for name in results.columns:
        out[name] = results[name].to_numpy()
    return out


# -- reading and scoring -----------------------------------------------------------------


def _score(package: Package, strings: list[str], layout: Layout, policy: Policy
           ) -> tuple[Scan, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The scan, the answers, the business units' inputs and the totals rows skipped."""
    wanted = set(layout.inputs.values())
    owned = set(layout.owned.values())
    # A row with anything under the table's other headers (a unit's name, say) is a
    # business unit too: one with no input gets its reason in Decider issues.
    present = set(layout.headers) - wanted - owned
    found = scan(package, layout.sheet.part, strings, layout.header_row, wanted, owned,
                 present, set(layout.headers) - owned)
    index = found.frame.index.union(pd.Index(found.present, dtype=np.int64))
    source = found.frame.reindex(index)
    frame = pd.DataFrame({name: source[column] if column in source
                          else pd.Series(None, index=index, dtype=object)
                          for name, column in layout.inputs.items()}, index=index)
    totals = np.union1d(np.union1d(found.label_rows, found.aggregate_rows),
                        table_totals_rows(package, layout.sheet.part, set(layout.headers)))
    frame, skipped = _business_units(frame, found.present, totals)
    if frame.empty:
        also = f" ({describe(skipped)})" if len(skipped) else ""
        raise WorkbookError(f"{layout.file}: sheet '{layout.sheet.name}' has no business-unit "
                            f"rows below its header row {layout.header_row}{also}: "
                            "nothing to score")
    return found, _score_inputs(frame, policy), frame, skipped


def _score_inputs(frame: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The engine's answers for a frame whose columns are named by input field."""
    columns: dict[str, Any] = {f: (f if f in frame else None) for f in FIELDS}
    return score_frame(frame, **columns, policy=policy)


def _business_units(frame: pd.DataFrame, present: np.ndarray, totals: np.ndarray
                    ) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows with an input given or anything else in the table, but not totals rows (blank
    rows are skipped); and the totals rows so skipped. Each column's distinct values are
    judged once."""
    if frame.empty:
        return frame, np.empty(0, np.int64)
    given = np.zeros(len(frame), bool)
    if len(present):
        given |= frame.index.isin(present)
    for name in frame.columns:
        codes, uniques = pd.factorize(frame[name].to_numpy(object), use_na_sentinel=True)
        blank = np.array([isinstance(u, str) and is_blank(u) for u in uniques] + [True],
                         dtype=bool)
        given |= ~blank[codes]
    total = frame.index.isin(totals)
    return frame[given & ~total], frame.index[given & total].to_numpy(np.int64)


def _read_csv(source: Path) -> pd.DataFrame:
    """Every line as text, ragged lines padded (title lines above a table are normal)."""
    with source.open(newline="", encoding="utf-8-sig") as stream:
        sample = stream.read(64 * 1024)
        stream.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        lines = list(csv.reader(stream, dialect))
    width = max(map(len, lines), default=0)
    return pd.DataFrame([line + [""] * (width - len(line)) for line in lines], dtype=object)


def _score_table_file(source: Path, header_row: int | None, wanted: dict[str, str],
                      policy: Policy) -> pd.DataFrame:
    try:
        if source.suffix.lower() == ".csv":
            raw = _read_csv(source)
            rows = {i + 1: dict(enumerate(values, start=1))
                    for i, values in enumerate(raw.head(max(header_row or 0,
                                                            HEADER_SEARCH_ROWS)).values.tolist())}
            body_start = 0
        else:
            table = pd.read_parquet(source)
            raw = pd.concat([pd.DataFrame([list(map(str, table.columns))]),
                             pd.DataFrame(table.to_numpy(object))], ignore_index=True)
            rows = {1: dict(enumerate(map(str, table.columns), start=1))}
            body_start = 0
    except (OSError, ValueError, UnicodeDecodeError, ImportError, csv.Error) as error:
        raise WorkbookError(f"{source.name} cannot be read as "
                            f"{source.suffix.lstrip('.').upper()}: {error}") from None
    best = best_header_row(rows, header_row, wanted)
    if best is None:
        raise WorkbookError(f"{source.name}: no header row naming the inputs (size, "
                            "maturity, regulation, budget); use --header-row or --column")
    number, inputs = best.number, best.inputs
    headers = header_texts(rows.get(number, {}))
    refuse_ambiguous(best, headers, source.name)
    missing = [f for f in REQUIRED if f not in inputs and wanted.get(f) != ""]
    if missing:
        raise WorkbookError(f"{source.name}: no {' / '.join(map(display, missing))} column; "
                            f"headers seen: {show_headers(headers)}")
    data = raw.iloc[body_start + number:]
    data.index = np.arange(number + 1, number + 1 + len(data))
    frame = pd.DataFrame({name: data.iloc[:, column - 1].replace("", None)
                          if column - 1 < data.shape[1] else None
                          for name, column in inputs.items()}, index=data.index)
    table_columns = [c - 1 for c in headers if c - 1 < data.shape[1]]
    others = [c for c in table_columns if c + 1 not in inputs.values()]
    filled = data.iloc[:, others].map(lambda v: v is not None and str(v).strip() != "")
    frame, totals = _business_units(frame, data.index[filled.any(axis=1).to_numpy(bool)]
                                    .to_numpy(), label_rows_of_table(data, table_columns))
    return _rows_frame(None, frame, _score_inputs(frame, policy), totals)


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


def _summary_facts(package: Package, strings: list[str], layout: Layout,
                   written: dict[str, str], results: pd.DataFrame, frame: pd.DataFrame,
                   edit: SheetEdit, policy: Policy, totals_rows: Sequence[int] = ()
                   ) -> SummaryFacts:
    """`totals_rows`: rows skipped before scoring, as totals. Rows scored but then left
    with no cell at all are a table's totals row: skipped too, not answers."""
    blank = np.ones(len(edit.rows), bool)
    for payloads in edit.payloads.values():
        blank &= payloads == b""
    skipped = edit.rows[blank & (results["architecture"].notna()
                                 | results["issues"].notna()).to_numpy(bool)]
    kept = ~results.index.isin(skipped)
    sizes = frame["size"] if "size" in frame else pd.Series(None, index=frame.index,
                                                             dtype=object)
    # A unit's name: the first header column that is neither an input nor an answer.
    used = {*layout.inputs.values(), *layout.owned.values()}
    name_column = min((c for c in layout.headers if c not in used), default=None)

    def units(rows: list[int]) -> dict[int, str]:
        if name_column is None:
            return {}
        return unit_names(package, layout.sheet.part, strings, name_column, rows)

    return summary_facts(file=layout.file, sheet=layout.sheet.name,
                         header_row=layout.header_row, columns=written,
                         results=results[kept], sizes=sizes[kept], policy=policy,
                         version=__version__,
                         totals_rows=sorted({*skipped.tolist(), *totals_rows}), units=units)


def _write(package: Package, scored: ScoredSheet, target: Path, source: Path,
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
