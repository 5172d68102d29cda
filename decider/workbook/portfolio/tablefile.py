"""A portfolio kept as a CSV or Parquet table (`decider score --format json|csv`): the
same header words, header units and row rules as a workbook's sheet, read from text."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from decider.context import NO_CONTEXT, ColumnContext
from decider.errors import DeciderInputError
from decider.frame import score_frame
from decider.headers import FIELDS, column_context
from decider.policy import Policy
from decider.workbook.errors import WorkbookError
from decider.workbook.portfolio.layout import (
    HEADER_SEARCH_ROWS,
    REQUIRED,
    best_header_row,
    display,
    header_texts,
    refuse_ambiguous,
    show_headers,
)
from decider.workbook.portfolio.totals import label_rows_of_table
from decider.workbook.portfolio.units import RowKinds, classify_rows


def read_csv(source: Path) -> pd.DataFrame:
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


def score_table_file(source: Path, header_row: int | None, wanted: dict[str, str],
                     policy: Policy) -> tuple[pd.DataFrame, pd.DataFrame, RowKinds]:
    """(units' inputs, answers, row kinds) of a CSV or Parquet portfolio."""
    try:
        if source.suffix.lower() == ".csv":
            raw = read_csv(source)
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
    present = data.index[filled.any(axis=1).to_numpy(bool)].to_numpy()
    # The label columns: left of the first input (Region, Business unit), else all.
    first = min(inputs.values()) - 1
    labels = [c for c in table_columns if c < first] or table_columns
    totals, examples = label_rows_of_table(data, labels)
    kinds = classify_rows(frame, present, totals, np.empty(0, np.int64), examples)
    contexts = _contexts(headers, inputs, kinds.units, source.name)
    columns: dict[str, Any] = {f: (f if f in kinds.units else None) for f in FIELDS}
    results = score_frame(kinds.units, **columns, policy=policy, contexts=contexts)
    return kinds.units, results, kinds


def _contexts(headers: dict[int, str], inputs: dict[str, int], units: pd.DataFrame,
              where: str) -> dict[str, ColumnContext]:
    contexts = {}
    for name, column in inputs.items():
        values = pd.unique(units[name].to_numpy(object)) if name == "maturity" else ()
        try:
            context = column_context(name, headers.get(column, ""), values)
        except DeciderInputError as error:
            raise WorkbookError(f"{where}: {error.one_line}") from None
        if context != NO_CONTEXT:
            contexts[name] = context
    return contexts


