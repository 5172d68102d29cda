"""`decider score`: fill whole portfolio workbooks, or print their per-row answers."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from decider.batch import (
    TABLE_SUFFIXES,
    WORKBOOK_SUFFIXES,
    ScoreSummary,
    score_rows,
    score_workbook,
)
from decider.cli.options import policy_option, rate_option
from decider.errors import DeciderInputError
from decider.policy import Policy
from decider.workbook.portfolio.layout import FIELDS

if TYPE_CHECKING:
    import pandas as pd  # only --format csv/json builds a table (imported there)


class FileProblem(click.ClickException):
    """An unusable file or option: exit code 2, one line, no traceback."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class _Job:
    input: Path
    output: Path | None
    sheet: tuple[str, ...]
    header_row: int | None
    columns: dict[str, str]
    in_place: bool
    overwrite: bool
    policy: Policy
    as_rows: bool
    summary: bool = True
    as_of: date | None = None
    recalculate: bool = False
    cell_references: bool = False


@dataclass(frozen=True, slots=True)
class _Outcome:
    job: _Job
    summary: ScoreSummary | None = None
    rows: pd.DataFrame | None = None
    error: str | None = None


@click.command("score")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output workbook, or a folder for several inputs. "
                   "Default: NAME.scored.xlsx beside each input.")
@click.option("--sheet", "sheets", multiple=True, metavar="NAME",
              help="A sheet to score (repeatable). Default: every sheet whose header names "
                   "the inputs, less those named like instructions (Read me, Guide...).")
@click.option("--header-row", type=click.IntRange(1, 1_048_576),
              help="The header row (1-based). Default: found within the first 20 rows.")
@click.option("--column", "column_options", multiple=True, metavar="FIELD=HEADER",
              help="Where an input is: a header text or a column letter, e.g. "
                   "size=Headcount or budget=F (FIELD: size, maturity, regulation, budget, "
                   "multi-country; empty HEADER: no such column).")
@click.option("--in-place", is_flag=True, help="Write into the input, after keeping "
                                               "NAME.bak.xlsx.")
@click.option("--overwrite", is_flag=True, help="Write even over formulas, merged cells and "
                                                "table headers in decider's columns.")
@policy_option
@rate_option
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The day a maturity start date (AI since, go-live) is counted to. "
                   "Default: today.")
@click.option("--recalculate", is_flag=True,
              help="Have LibreOffice (soffice) recalculate a copy first, for workbooks "
                   "whose formulas have no saved values (written by scripts).")
@click.option("--cell-references", is_flag=True,
              help="Name every answer cell's place (r=\"J2\"), as Excel writes, for tools "
                   "that look cells up by reference. Default: a row's first answer cell "
                   "does and the next ones follow it, as the format allows (a smaller file).")
@click.option("--no-summary", is_flag=True, help="Write no \"Decider summary\" sheet (one "
                                                 "already there is left as it is).")
@click.option("--strict", is_flag=True, help="Exit with code 1 when any row has issues.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print no run summary on the terminal (the summary sheet is still written).")
@click.option("--format", "output_format",
              type=click.Choice(["xlsx", "json", "csv", "parquet"]), default="xlsx",
              show_default=True,
              help="xlsx: write workbooks; json/csv: per-row answers on stdout; parquet: "
                   "score a Parquet or CSV dataset (a folder of parts or a glob) with Dask "
                   "into the folder -o, one part a partition.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on the Dask cluster at ADDRESS (e.g. tcp://10.0.0.5:8786), one task "
                   "a workbook (or a partition with --format parquet). Every worker must "
                   "see the inputs and -o at the same paths (a shared drive). Needs "
                   'pip install "decider[dask]".')
def score_command(
    inputs: tuple[Path, ...],
    output: Path | None,
    sheets: tuple[str, ...],
    header_row: int | None,
    column_options: tuple[str, ...],
    in_place: bool,
    overwrite: bool,
    policy: Policy,
    as_of: datetime | None,
    recalculate: bool,
    cell_references: bool,
    no_summary: bool,
    strict: bool,
    quiet: bool,
    output_format: str,
    scheduler: str | None,
) -> None:
    """Score every business unit of portfolio workbooks.

    Writes Recommendation, Centralization index, Confidence, Rationale and Decider
    issues on each row, and a "Decider summary" sheet last (counts, a chart, the group
    view; --no-summary leaves it out), changing nothing else in the workbook. Examples:

        decider score portfolio.xlsx

        decider score portfolios/ -o scored/ --column size=Headcount

        decider score 'lake/units/*.parquet' --format parquet -o scored/

    Exit codes: 0 written (row issues included); 1 with --strict when a row has issues;
    2 an unusable file or option.
    """
    columns = _parse_columns(column_options)
    if cell_references and output_format != "xlsx":
        raise click.UsageError(f"--cell-references is about the workbooks written: it does "
                               f"not go with --format {output_format}")
    if output_format == "parquet":
        _check_dataset_options(output, in_place, overwrite, sheets, header_row)
        _score_dataset(inputs, output, columns, policy, scheduler, strict, quiet)
        return
    as_rows = output_format != "xlsx"
    _check_options(output, in_place, as_rows)
    sources = list(_expand(inputs, as_rows))
    if not sources:
        raise FileProblem("no .xlsx or .xlsm workbook found in the given folder(s)")
    several = len(sources) > 1 or any(p.is_dir() for p in inputs)
    outputs = _outputs(sources, output, several, as_rows or in_place)
    day = as_of.date() if as_of is not None else None
    jobs = [_Job(source, target, sheets, header_row, columns, in_place, overwrite, policy,
                 as_rows, not no_summary, day, recalculate, cell_references)
            for source, target in zip(sources, outputs, strict=True)]
    outcomes = _run(jobs) if scheduler is None else _run_on_cluster(jobs, scheduler)
    _report(outcomes, as_rows, output_format, quiet, several)
    failed = [o for o in outcomes if o.error is not None]
    if failed and not several:
        raise FileProblem(failed[0].error or "")
    if failed:
        sys.exit(2)
    if strict and any(_has_issues(o) for o in outcomes):
        sys.exit(1)


def _parse_columns(options: tuple[str, ...]) -> dict[str, str]:
    columns = {}
    for option in options:
        name, equals, header = option.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"'{option}' is not FIELD=HEADER (e.g. size=Headcount "
                                     "or budget=F)", param_hint="--column")
        key = name.strip().lower().replace("-", "_")
        if key not in FIELDS:
            raise click.BadParameter(f"'{name}' is not an input; inputs are size, maturity, "
                                     "regulation, budget, multi-country", param_hint="--column")
        columns[key] = header.strip()
    return columns


def _check_options(output: Path | None, in_place: bool, as_rows: bool) -> None:
    if in_place and output is not None:
        raise click.UsageError("--in-place writes into each input: give no -o/--output with it")
    if as_rows and (in_place or output is not None):
        raise click.UsageError("--format json/csv prints the answers on stdout: it takes "
                               "neither -o nor --in-place")


def _expand(inputs: tuple[Path, ...], as_rows: bool) -> Iterator[Path]:
    suffixes = WORKBOOK_SUFFIXES + (TABLE_SUFFIXES if as_rows else ())
    for given in inputs:
        if not given.is_dir():
            yield given
            continue
        for path in sorted(given.iterdir()):
            name = path.name.lower()
            if (path.is_file() and name.endswith(suffixes) and not name.startswith(("~$", "."))
                    and ".scored." not in name and ".bak." not in name):
                yield path


def _outputs(sources: list[Path], output: Path | None, several: bool, none: bool
             ) -> list[Path | None]:
    if none or output is None:
        return [None] * len(sources)
    if not several and (output.suffix or output.is_file()):
        return [output]
    if output.suffix.lower() in WORKBOOK_SUFFIXES and not output.is_dir():
        raise click.UsageError(f"several inputs need -o to be a folder, not {output.name}")
    if output.exists() and not output.is_dir():
        raise click.UsageError(f"-o {output} is a file: give a folder")
    output.mkdir(parents=True, exist_ok=True)
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise click.UsageError(f"two inputs have the same name: they would meet in {output}")
    return [output / name for name in names]


_LONG_RUN_BYTES = 8 << 20  # a workbook this big takes seconds: worth a progress bar


def _run(jobs: list[_Job]) -> list[_Outcome]:
    if len(jobs) == 1:
        job = jobs[0]
        if (sys.stderr.isatty() and not job.as_rows and job.input.is_file()
                and job.input.stat().st_size > _LONG_RUN_BYTES):
            with click.progressbar(length=1000, label=f"scoring {job.input.name}",
                                   file=sys.stderr) as sheet_bar:
                def tick(done: int, total: int) -> None:
                    sheet_bar.update(min(1000, done * 1000 // max(total, 1)) - sheet_bar.pos)

                return [_score_one(job, tick)]
        return [_score_one(job)]
    workers = min(len(jobs), os.cpu_count() or 1)
    outcomes: dict[int, _Outcome] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # The policy travels without its memo, both ways: a cache that may hold what does
        # not pickle (and may be large) stays in the process that grew it.
        futures = {pool.submit(_score_on_worker, _shipped(job)): i
                   for i, job in enumerate(jobs)}
        done = as_completed(futures)
        if sys.stderr.isatty():
            with click.progressbar(done, length=len(jobs), label="scoring",
                                   file=sys.stderr) as files_bar:
                for future in files_bar:
                    outcomes[futures[future]] = _collect(future, jobs[futures[future]])
        else:
            for future in done:
                outcomes[futures[future]] = _collect(future, jobs[futures[future]])
    return [outcomes[i] for i in range(len(jobs))]


def _run_on_cluster(jobs: list[_Job], address: str) -> list[_Outcome]:
    """One Dask task a file. The workers get absolute paths (their working folder is not
    ours); the outcomes come back with the paths as given, so that the summary reads as a
    local run's."""
    from decider.distributed import run_each, shippable

    cwd = Path.cwd()
    policy = shippable(jobs[0].policy)  # every job holds the one policy of the command
    shipped = [replace(job, input=cwd / job.input, policy=policy,
                       output=None if job.output is None else cwd / job.output)
               for job in jobs]
    try:
        results = run_each(_score_on_worker, shipped, address)
    except DeciderInputError as error:
        raise FileProblem(error.one_line) from None
    return [_as_given(job, sent, result, cwd)
            for job, sent, result in zip(jobs, shipped, results, strict=True)]


def _shipped(job: _Job) -> _Job:
    from decider.distributed import shippable

    return replace(job, policy=shippable(job.policy))


def _score_on_worker(job: _Job) -> _Outcome:
    """`_score_one`, whose outcome travels back without the memo the policy grew."""
    from decider.distributed import shippable

    outcome = _score_one(job)
    return replace(outcome, job=replace(job, policy=shippable(job.policy)))


def _as_given(job: _Job, sent: _Job, result: _Outcome | BaseException, cwd: Path
              ) -> _Outcome:
    if isinstance(result, BaseException):  # a worker that died, or decider missing there
        return _Outcome(job, error=f"{job.input.name}: could not be scored ({result})")

    def given(path: Path | None, relative: bool) -> Path | None:
        return path.relative_to(cwd) if path and relative and path.is_relative_to(cwd) \
            else path

    relative_in = not job.input.is_absolute()
    relative_out = relative_in if job.output is None else not job.output.is_absolute()
    summary = result.summary and replace(
        result.summary, input=job.input, output=given(result.summary.output, relative_out),
        backup=given(result.summary.backup, relative_in))
    error = result.error and result.error.replace(str(sent.input), str(job.input))
    return _Outcome(job, summary=summary, rows=result.rows, error=error)


def _check_dataset_options(output: Path | None, in_place: bool, overwrite: bool,
                           sheet: tuple[str, ...], header_row: int | None) -> None:
    if output is None:
        raise click.UsageError("--format parquet writes a Parquet folder: give it with -o")
    given = [name for name, value in (("--in-place", in_place), ("--overwrite", overwrite),
                                      ("--sheet", sheet), ("--header-row", header_row)) if value]
    if given:
        raise click.UsageError(f"{given[0]} is for workbooks; a dataset's columns are named "
                               "with --column, or found by their names")


def _score_dataset(inputs: tuple[Path, ...], output: Path | None, columns: dict[str, str],
                   policy: Policy, scheduler: str | None, strict: bool, quiet: bool) -> None:
    from decider.distributed import score_dataset

    assert output is not None
    try:
        summary = score_dataset(inputs, output, columns=columns, policy=policy,
                                address=scheduler)
    except DeciderInputError as error:
        raise FileProblem(error.one_line) from None
    if not quiet:
        click.echo("\n".join(summary.lines()))
    if strict and summary.issues:
        sys.exit(1)


def _collect(future: Any, job: _Job) -> _Outcome:
    try:
        outcome: _Outcome = future.result()
    except Exception as error:  # a worker that died (killed, out of memory)
        return _Outcome(job, error=f"{job.input.name}: could not be scored ({error})")
    return replace(outcome, job=job)  # the job as given, its policy's memo with it


def _score_one(job: _Job, progress: Callable[[int, int], None] | None = None) -> _Outcome:
    """One file; every failure becomes a one-line message."""
    try:
        if job.as_rows:
            rows = score_rows(job.input, sheet=list(job.sheet), header_row=job.header_row,
                              columns=job.columns, policy=job.policy, as_of=job.as_of,
                              recalculate=job.recalculate)
            return _Outcome(job, rows=rows)
        if not job.input.exists():
            return _Outcome(job, error=f"{job.input} does not exist")
        summary = score_workbook(
            job.input, job.output, sheet=list(job.sheet), header_row=job.header_row,
            columns=job.columns, in_place=job.in_place, overwrite=job.overwrite,
            policy=job.policy, progress=progress, summary=job.summary, as_of=job.as_of,
            recalculate=job.recalculate, cell_references=job.cell_references)
        return _Outcome(job, summary=summary)
    except DeciderInputError as error:
        return _Outcome(job, error=error.one_line)
    except FileNotFoundError:
        return _Outcome(job, error=f"{job.input} does not exist")
    except Exception as error:  # a bug must still not show a traceback to a user
        return _Outcome(job, error=f"{job.input.name}: could not be scored "
                                   f"({type(error).__name__}: {error})")


def _has_issues(outcome: _Outcome) -> bool:
    if outcome.summary is not None:
        return outcome.summary.issues > 0
    if outcome.rows is not None:
        return bool(outcome.rows["issues"].notna().any())
    return False


def _report(outcomes: list[_Outcome], as_rows: bool, output_format: str, quiet: bool,
            several: bool) -> None:
    scored = [o for o in outcomes if o.rows is not None]
    if scored:  # nothing at all on stdout when every input failed: a pipe sees no result
        _print_rows(scored, output_format)
    for outcome in outcomes:
        if outcome.error is not None and several:
            click.echo(f"decider: {outcome.error}", err=True)
        if quiet:
            continue
        if outcome.summary is not None:
            click.echo("\n".join(outcome.summary.lines()))
        elif outcome.rows is not None:
            click.echo("\n".join(_row_summary(outcome)), err=True)


def _row_summary(outcome: _Outcome) -> list[str]:
    assert outcome.rows is not None
    return ScoreSummary.of_rows(outcome.job.input, outcome.rows).lines()


def _print_rows(outcomes: list[_Outcome], output_format: str) -> None:
    import pandas as pd

    frames = []
    for outcome in outcomes:
        assert outcome.rows is not None
        frame = outcome.rows.copy()
        frame.insert(0, "file", str(outcome.job.input))
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    stream = sys.stdout
    if output_format == "csv":
        table.to_csv(stream, index=False)
    else:
        _write_json_records(table, stream)


def _write_json_records(table: pd.DataFrame, stream: Any, chunk: int = 10_000) -> None:
    """A JSON array, one object per row, written a slice at a time (a million rows never
    become one string); numbers keep every digit, blanks are null."""
    stream.write("[")
    separator = "\n"
    for start in range(0, len(table), chunk):
        part = table.iloc[start:start + chunk].astype(object)
        part = part.where(part.notna(), None)
        for record in part.to_dict(orient="records"):
            stream.write(separator + json.dumps(record, ensure_ascii=False, default=str))
            separator = ",\n"
    stream.write("\n]\n")
