"""A portfolio kept as a CSV or Parquet table (`decider score --format json|csv`): the
same header words, header units and row rules as a workbook's sheet, read from text."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from decider.context import NO_CONTEXT, ColumnContext
from decider.core import score_cells
from decider.errors import DeciderInputError
from decider.headers import column_context
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
from decider.workbook.portfolio.rows import Answers, Units, distinct
from decider.workbook.portfolio.sums import with_typed_totals
from decider.workbook.portfolio.totals import label_rows_of_table
from decider.workbook.portfolio.units import RowKinds, classify_rows


def read_csv(source: Path) -> list[list[Any]]:
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
    return [line + [""] * (width - len(line)) for line in lines]


def score_table_file(source: Path, header_row: int | None, wanted: dict[str, str],
                     policy: Policy) -> tuple[Units, Answers, RowKinds]:
    """(units' inputs, answers, row kinds) of a CSV or Parquet portfolio."""
    try:
        if source.suffix.lower() == ".csv":
            raw = read_csv(source)
            rows = {i + 1: dict(enumerate(values, start=1))
                    for i, values in enumerate(raw[:max(header_row or 0, HEADER_SEARCH_ROWS)])}
        else:
            import pandas as pd  # Parquet: read by pandas (the `frame` extra)

            table = pd.read_parquet(source)
            raw = [list(map(str, table.columns)), *table.to_numpy(object).tolist()]
            rows = {1: dict(enumerate(map(str, table.columns), start=1))}
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
    data = raw[number:]
    numbers = list(range(number + 1, number + 1 + len(data)))
    width = max(map(len, data), default=0)
    frame = Units(numbers, {name: [_cell(line, column - 1) for line in data]
                            for name, column in inputs.items() if column - 1 < width})
    for name in inputs:
        frame.columns.setdefault(name, [None] * len(numbers))
    table_columns = [c - 1 for c in headers if c - 1 < width]
    others = [c for c in table_columns if c + 1 not in inputs.values()]
    present = [n for n, line in zip(numbers, data, strict=True)
               if any(_filled(line, c) for c in others)]
    # The label columns: left of the first input (Region, Business unit), else all.
    first = min(inputs.values()) - 1
    labels = [c for c in table_columns if c < first] or table_columns
    totals, examples = label_rows_of_table(data, numbers, labels)
    kinds = classify_rows(frame, present, totals, [], examples)
    labelled = {n for n, line in zip(numbers, data, strict=True)
                if any(_filled(line, c) for c in labels if c + 1 not in inputs.values())}
    kinds = with_typed_totals(kinds, policy, {name: headers.get(column, "") for name, column
                                              in inputs.items()}, None,
                              lambda rows: labelled.intersection(rows))
    contexts = _contexts(headers, inputs, kinds.units, source.name)
    units = kinds.units
    results = Answers(units.rows, score_cells(units.columns, len(units), policy=policy,
                                              contexts=contexts, changes=True))
    return units, results, kinds


def _cell(line: list[Any], position: int) -> Any:
    """A cell as read, an empty text a blank."""
    value = line[position] if position < len(line) else None
    return None if value == "" else value


def _filled(line: list[Any], position: int) -> bool:
    value = line[position] if position < len(line) else None
    return value is not None and str(value).strip() != ""


def _contexts(headers: dict[int, str], inputs: dict[str, int], units: Units,
              where: str) -> dict[str, ColumnContext]:
    contexts = {}
    for name, column in inputs.items():
        values = distinct(units.columns[name]) if name == "maturity" else ()
        try:
            context = column_context(name, headers.get(column, ""), values)
        except DeciderInputError as error:
            raise WorkbookError(f"{where}: {error.one_line}") from None
        if context != NO_CONTEXT:
            contexts[name] = context
    return contexts


