"""Scoring on a Dask cluster: many workbooks, one task each; a dataset, one task a partition.

Dask is the `dask` extra (`pip install "decider[dask]"`). It is imported inside the
functions here, never at module level, so the core install neither needs nor loads it.

Paths go to the workers as they are: every worker must see the inputs and the output
folder (a shared drive), at the same absolute paths as the client.

    import dask.dataframe as dd
    from decider.distributed import score_dask_frame
    score_dask_frame(dd.read_parquet("units/")).to_parquet("scored/")
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from decider.batch import ARCHITECTURES, ScoreSummary
from decider.context import NO_CONTEXT, ColumnContext
from decider.errors import DeciderInputError
from decider.frame import RESULT_COLUMNS, score_frame
from decider.headers import column_context
from decider.policy import Policy, default_policy
from decider.workbook.portfolio.layout import (
    FIELDS,
    REQUIRED,
    best_header_row,
    check_columns,
    display,
    refuse_ambiguous,
)

if TYPE_CHECKING:
    import dask.dataframe as dd
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

INSTALL_HINT = 'the Dask extra is not installed: pip install "decider[dask]"'
# Result columns holding text; pyarrow strings in every partition, so that every part
# file of a dataset has one schema even where a partition has no issue at all.
_TEXT_RESULTS = ("architecture", "rationale", "missing", "mandatory", "issues", "changes")
_CONNECT_TIMEOUT = "10s"
_WORKER_WAIT = 60.0  # seconds for a scheduler with no worker yet (a cluster scaling up)
FILE_TASK = "decider-workbook"  # the key prefix of a file's task, as the dashboard shows it


def shippable(policy: Policy) -> Policy:
    """The policy as it travels to the workers: the same rules, an empty memo (the memo is a
    cache of readings and decisions that may have grown to many thousand entries)."""
    return replace(policy, memo={})


# -- connecting --------------------------------------------------------------------------


@contextmanager
def cluster(address: str | None) -> Iterator[Client]:
    """A client of the scheduler at `address`, or of a local cluster (one single-threaded
    worker process a core) when it is None. One line of `DeciderInputError` when no
    scheduler answers or it has no worker."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DeciderInputError(INSTALL_HINT) from None
    if address is None:
        # Quiet workers: a failed task is reported once, in one line, by the caller.
        with LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1,
                          silence_logs=logging.CRITICAL,
                          processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
                          ) as local, \
                Client(local) as client:
            yield client
        return
    try:
        client = Client(address, timeout=_CONNECT_TIMEOUT)
    except (OSError, ValueError) as error:
        raise DeciderInputError(f"--scheduler {address}: no Dask scheduler answered "
                                f"({error}); give its address, e.g. tcp://10.0.0.5:8786"
                                ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=_WORKER_WAIT)
        except TimeoutError:
            raise DeciderInputError(f"--scheduler {address}: the scheduler has no worker "
                                    f"(waited {_WORKER_WAIT:.0f} s); start one with "
                                    f"'dask worker {address}'") from None
        _check_workers(client, address)
        yield client


def _check_workers(client: Client, address: str) -> None:
    """Every worker must run this decider: tasks are decider's own functions."""
    from decider import __version__

    def version() -> str | None:  # defined here, so that it travels by value
        try:
            import decider
        except ImportError:
            return None
        return str(decider.__version__)

    found = client.run(version)
    wrong = {worker: v for worker, v in found.items() if v != __version__}
    if wrong:
        worker, seen = sorted(wrong.items())[0]
        has = "no decider" if seen is None else f"decider {seen}"
        raise DeciderInputError(f"--scheduler {address}: worker {worker} has {has}; every "
                                f"worker needs decider {__version__} (pip install "
                                f"\"decider[dask]=={__version__}\")")


# -- one task a file ---------------------------------------------------------------------


def run_each(function: Callable[[T], R], items: Sequence[T], address: str, *,
             label: str = "scoring") -> list[R | BaseException]:
    """`function(item)` for every item, each one task on the cluster at `address`.

    Returns each result, or the exception its task raised (a worker that died, say), in
    the items' order: one failure does not stop the others. A progress bar on a terminal
    advances as the scheduler reports each task done.
    """
    with cluster(address) as client:
        from distributed import as_completed  # importable: cluster() has checked

        futures = [client.submit(function, item, pure=False, key=f"{FILE_TASK}-{i}-"
                                 f"{os.urandom(8).hex()}") for i, item in enumerate(items)]
        where = {future.key: i for i, future in enumerate(futures)}
        results: dict[int, R | BaseException] = {}
        done = as_completed(futures)
        if sys.stderr.isatty():
            import click

            with click.progressbar(done, length=len(futures), label=label,
                                   file=sys.stderr) as bar:
                for future in bar:
                    results[where[future.key]] = _result(future)
        else:
            for future in done:
                results[where[future.key]] = _result(future)
    return [results[i] for i in range(len(items))]


def _result(future: Any) -> Any:
    error = future.exception()
    if error is not None:
        return error
    return future.result()


# -- a dataset, one task a partition -----------------------------------------------------


def score_dask_frame(frame: dd.DataFrame, *, columns: Mapping[str, str] | None = None,
                     policy: Policy | None = None) -> dd.DataFrame:
    """`frame` with decider's result columns added after its own, lazily: nothing is read
    or scored until the result is computed or written. Each partition is scored by
    `score_frame` on whichever worker holds it.

    The inputs are the columns named in `columns` (field -> column name, "" for none) or
    else found by their header words, as in a workbook. The policy travels with the task
    graph (a worker needs no policy file). The result columns are `score_frame`'s:
    architecture, index, confidence, rationale, missing, mandatory, issues (text as
    pyarrow strings). A frame already scored has them replaced.
    """
    policy = shippable(policy or default_policy())
    names = [str(c) for c in frame.columns]
    inputs = find_inputs(names, columns or {}, what="the frame")
    contexts = header_contexts(inputs)
    kept = _kept_columns(names)
    meta = _scored(frame._meta[kept], inputs, policy, contexts)
    scored: dd.DataFrame = frame[kept].map_partitions(_scored, inputs, policy, contexts,
                                                      meta=meta, align_dataframes=False)
    return scored


def find_inputs(names: Sequence[str], columns: Mapping[str, str], *, what: str
                ) -> dict[str, str | None]:
    """field -> column name, by the same header matching as a workbook's header row."""
    wanted = check_columns(columns)
    headers = {i: name for i, name in enumerate(names, start=1)}
    found = best_header_row({1: dict(headers)}, 1, wanted)
    if found is not None:
        refuse_ambiguous(found, headers, what)  # two columns for one input, none saying AI
    inputs = found.inputs if found else {}
    for name, header in wanted.items():
        if header and name not in inputs:
            raise DeciderInputError(f"{what} has no column '{header}' for "
                                    f"{display(name)}; columns: {', '.join(names)}")
    missing = [f for f in REQUIRED if f not in inputs and wanted.get(f) != ""]
    if missing:
        shown = " / ".join(display(f) for f in missing)
        raise DeciderInputError(f"{what} has no {shown} column; columns: {', '.join(names)}; "
                                f"name it with --column {display(missing[0])}=COLUMN")
    return {name: (headers[inputs[name]] if name in inputs else None) for name in FIELDS}


def _kept_columns(names: list[str]) -> list[str]:
    """The input columns to carry to the output: all of them, less the results of an earlier
    run (a dataset scored before is re-scored). A column named like one result alone is the
    user's own: refused, rather than overwritten."""
    clashing = [n for n in names if n in RESULT_COLUMNS]
    if clashing and len(clashing) < len(RESULT_COLUMNS):
        raise DeciderInputError(f"the dataset already has a column '{clashing[0]}', which "
                                "decider writes; rename it first (decider adds "
                                f"{', '.join(RESULT_COLUMNS)})")
    return [n for n in names if n not in RESULT_COLUMNS]


def header_contexts(inputs: Mapping[str, str | None]) -> dict[str, ColumnContext]:
    """What each input column's name says about its numbers ("AI budget (k€)"), decided
    once on the client: a dataset's partitions are read alike (section 10). Maturity is
    judged by its header only (a partition's values are not the column's)."""
    contexts = {}
    for name, header in inputs.items():
        if header:
            context = column_context(name, header)
            if context != NO_CONTEXT:
                contexts[name] = context
    return contexts


def _scored(part: pd.DataFrame, inputs: dict[str, str | None], policy: Policy,
            contexts: dict[str, ColumnContext] | None = None) -> pd.DataFrame:
    """One partition, its own columns then the results (runs on a worker)."""
    columns: dict[str, Any] = dict(inputs)
    results = score_frame(part, **columns, policy=policy, contexts=contexts)
    out = part.copy(deep=False)
    for name in RESULT_COLUMNS:
        values = results[name]
        out[name] = values.astype("string[pyarrow]") if name in _TEXT_RESULTS else values
    return out


def score_dataset(sources: Sequence[str | os.PathLike[str]], output: str | os.PathLike[str], *,
                  columns: Mapping[str, str] | None = None, policy: Policy | None = None,
                  address: str | None = None) -> ScoreSummary:
    """Score a Parquet or CSV dataset (a folder of part files, a glob, or the files) into a
    Parquet folder `output`, one part a partition, on the cluster at `address` (a local
    one when None). The folder appears whole or not at all: the parts are written beside
    it and renamed into place when every one is written."""
    try:
        import dask.dataframe as dd
    except ImportError:
        raise DeciderInputError(INSTALL_HINT) from None
    target = Path(output).absolute()
    kind, paths = _dataset_paths([str(s) for s in sources])
    _check_output(target, paths)
    shown = " ".join(str(s) for s in sources)
    try:  # on the client: the schema, and the columns found, before any cluster starts
        if kind == "csv":
            frame = dd.read_csv(paths, dtype=object, keep_default_na=False, na_values=[""])
        else:
            frame = dd.read_parquet(paths, index=False)
    except (OSError, ValueError) as error:
        raise DeciderInputError(f"{shown} cannot be read as a {kind.upper()} dataset: "
                                f"{_first_line(error)}") from None
    found = find_inputs([str(c) for c in frame.columns], columns or {}, what=shown)
    scored = score_dask_frame(frame, columns={k: v or "" for k, v in found.items()},
                              policy=policy)
    with cluster(address) as client:
        partial = target.with_name(f".{target.name}.partial-{os.urandom(4).hex()}")
        try:
            write = scored.to_parquet(str(partial), write_index=False, compute=False)
            counts = scored[["architecture", "issues"]].map_partitions(
                _counts, meta=pd.DataFrame({"key": pd.Series(dtype=object),
                                            "count": pd.Series(dtype="int64")}))
            _, tally = _compute(client, write, counts)
            _move_into_place(partial, target)
        except DeciderInputError:
            raise
        except Exception as error:
            raise DeciderInputError(f"{shown} could not be scored: "
                                    f"{type(error).__name__}: {_first_line(error)}") from None
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    totals = tally.groupby("key")["count"].sum()
    return ScoreSummary(
        input=Path(shown), output=Path(output), sheet=None, header_row=None,
        columns={}, rows=int(totals.get("rows", 0)),
        counts={a: int(totals.get(a, 0)) for a in ARCHITECTURES},
        issues=int(totals.get("issues", 0)))


def _counts(part: pd.DataFrame) -> pd.DataFrame:
    """Rows, each architecture and the rows with issues, in one partition."""
    found = part["architecture"].value_counts()
    keys = ["rows", "issues", *found.index.astype(str)]
    values = [len(part), int(part["issues"].notna().sum()), *found.to_numpy().tolist()]
    return pd.DataFrame({"key": pd.Series(keys, dtype=object),
                         "count": pd.Series(values, dtype="int64")})


def _compute(client: Client, *collections: Any) -> tuple[Any, ...]:
    """Every collection in one graph (a partition is read and scored once for the Parquet
    part and its counts), with a progress bar on a terminal fed by the scheduler."""
    futures = client.compute(list(collections), optimize_graph=True)
    if sys.stderr.isatty():
        _progress(futures)
    return tuple(client.gather(futures))


def _progress(futures: list[Any]) -> None:
    from distributed.diagnostics.progressbar import TextProgressBar

    class Bar(TextProgressBar):  # type: ignore[misc]
        """distributed's text bar, on stderr (stdout stays the command's output)."""

        def _draw_bar(self, remaining: int, all: int, **kwargs: Any) -> None:
            share = (1 - remaining / all) if all else 1.0
            bar = "#" * int(36 * share)
            sys.stderr.write(f"\rscoring  [{bar:<36}]  {share:4.0%}  tasks {all - remaining}/"
                             f"{all}")
            sys.stderr.flush()

        def _draw_stop(self, **kwargs: Any) -> None:
            sys.stderr.write("\n")
            sys.stderr.flush()

    Bar(futures)


def _dataset_paths(sources: list[str]) -> tuple[str, str | list[str]]:
    """("parquet" | "csv", what dask reads): a folder, a glob, or the files a shell
    expanded a glob into. Paths are made absolute: a worker's working folder is its own."""
    if not sources:
        raise DeciderInputError("no dataset given")
    absolute = [os.path.abspath(s) for s in sources]
    lowered = [s.lower() for s in absolute]
    if len(absolute) == 1 and os.path.isdir(absolute[0]):
        folder = Path(absolute[0])
        names = [p.name.lower() for p in folder.rglob("*") if p.is_file()]
        if any(n.endswith(".csv") for n in names) and not any(
                n.endswith((".parquet", ".pq")) for n in names):
            return "csv", str(folder / "*.csv")
        if not names:
            raise DeciderInputError(f"{sources[0]} is an empty folder: no dataset to score")
        return "parquet", absolute[0]
    if len(absolute) == 1 and any(ch in absolute[0] for ch in "*?["):
        kind = "csv" if lowered[0].endswith(".csv") else "parquet"
        return kind, absolute[0]
    for given, path in zip(sources, absolute, strict=True):
        if not os.path.exists(path):
            raise DeciderInputError(f"{given} does not exist")
    if all(s.endswith(".csv") for s in lowered):
        return "csv", absolute
    if all(s.endswith((".parquet", ".pq")) for s in lowered):
        return "parquet", absolute
    raise DeciderInputError(f"{' '.join(sources)}: give a folder, a glob or files of one "
                            "kind, all .parquet or all .csv")


def _check_output(target: Path, paths: str | list[str]) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DeciderInputError(f"-o {target}: exists and is not an empty folder; give a new "
                                "folder for the scored dataset")
    inputs = [paths] if isinstance(paths, str) else paths
    if any(Path(p.split("*")[0]).absolute() == target for p in inputs):
        raise DeciderInputError(f"-o {target} is the dataset itself: give a new folder")
    if not target.parent.is_dir():
        raise DeciderInputError(f"the output folder's parent {target.parent} does not exist")


def _move_into_place(partial: Path, target: Path) -> None:
    if target.is_dir():
        target.rmdir()  # empty: checked before the run
    partial.rename(target)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
