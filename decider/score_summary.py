"""What one `decider score` run did, for the terminal and for Python callers: counts per
sheet and in total, in words that add up (decision policy, section 11):
`12 rows: 9 answered (Centralized 5, Hybrid 3, Decentralized 1), 2 with issues, 1 with no
inputs; 3 totals rows skipped`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from decider.palette import REPORT_ORDER
from decider.workbook.portfolio.totals import SHOWN_ROWS

if TYPE_CHECKING:
    import pandas as pd

ARCHITECTURES = REPORT_ORDER
TOTALS_ROWS = "totals_rows"  # score_rows' frame.attrs key: the rows skipped as totals
EXAMPLE_ROWS = "example_rows"
NO_INPUT_ROWS = "no_input_rows"


def counted(number: int, noun: str) -> str:
    """ "1 row", "2 rows", "1 totals row", "3 totals rows"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass(frozen=True)
class SheetCount:
    """One scored sheet's counts, for the terminal."""

    name: str
    header_row: int
    counts: dict[str, int]
    issues: int
    totals_rows: tuple[int, ...] = ()
    example_rows: tuple[int, ...] = ()
    no_input_rows: tuple[int, ...] = ()

    @property
    def scored(self) -> int:
        """Units scored: the answered plus those with issues."""
        return sum(self.counts.values()) + self.issues


def rows_line(counts: Mapping[str, int], issues: int, no_inputs: int, totals: int,
              examples: int) -> str:
    """`12 rows: 9 answered (Centralized 5, Hybrid 3, Decentralized 1), 2 with issues,
    1 with no inputs; 3 totals rows skipped`: counts that add up, in words (section 11)."""
    answered = sum(counts.values())
    rows = answered + issues + no_inputs
    shown = ", ".join(f"{a} {counts.get(a, 0)}" for a in ARCHITECTURES if counts.get(a, 0))
    line = f"{counted(rows, 'row')}: {answered} answered" + (f" ({shown})" if shown else "")
    line += f", {issues} with issues"
    if no_inputs:
        line += f", {no_inputs} with no inputs"
    skipped = [f"{counted(n, noun)} skipped" for n, noun in
               ((totals, "totals row"), (examples, "example row")) if n]
    return line + ("; " + ", ".join(skipped) if skipped else "")


def _rows_listed(label: str, rows: Sequence[int]) -> str:
    shown = ", ".join(map(str, rows[:SHOWN_ROWS]))
    more = len(rows) - SHOWN_ROWS
    return f"{label} {shown}" + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class ScoreSummary:
    """What one `score_workbook` run did (over every sheet it scored)."""

    input: Path
    output: Path | None
    sheet: str | None  # the first sheet scored
    header_row: int | None
    columns: dict[str, str]  # field -> "Header (F)", on the first sheet scored
    rows: int  # business units scored: answered plus with issues
    counts: dict[str, int]  # architecture -> rows
    issues: int  # rows decider could not decide
    backup: Path | None = None
    written: dict[str, str] = field(default_factory=dict)  # result -> column letter
    totals_rows: tuple[int, ...] = ()  # sheet rows skipped as totals, not business units
    table: str | None = None  # how an Excel table around the header took the answers
    example_rows: tuple[int, ...] = ()  # rows skipped as examples
    no_input_rows: tuple[int, ...] = ()  # rows with a label or a note and no input at all
    sheets: tuple[SheetCount, ...] = ()  # per sheet, when the run scored sheets
    skipped_sheets: tuple[str, ...] = ()  # sheets naming inputs but left out, and why

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
            "example_rows": list(self.example_rows),
            "no_input_rows": list(self.no_input_rows),
            "sheets": [{"sheet": s.name, "header_row": s.header_row, "counts": s.counts,
                        "issues": s.issues, "totals_rows": list(s.totals_rows),
                        "example_rows": list(s.example_rows),
                        "no_input_rows": list(s.no_input_rows)} for s in self.sheets],
            "skipped_sheets": list(self.skipped_sheets),
            "table": self.table,
        }

    @classmethod
    def of_rows(cls, input: Path, rows: pd.DataFrame) -> ScoreSummary:
        """The summary of per-row results (`score_rows`' frame), nothing written."""
        counts = rows["architecture"].value_counts()
        return cls(input=input, output=None, sheet=None, header_row=None, columns={},
                   rows=len(rows), counts={a: int(counts.get(a, 0)) for a in ARCHITECTURES},
                   issues=int(rows["issues"].notna().sum()),
                   totals_rows=tuple(rows.attrs.get(TOTALS_ROWS, ())),
                   example_rows=tuple(rows.attrs.get(EXAMPLE_ROWS, ())),
                   no_input_rows=tuple(rows.attrs.get(NO_INPUT_ROWS, ())))

    def line(self) -> str:
        return rows_line(self.counts, self.issues, len(self.no_input_rows),
                         len(self.totals_rows), len(self.example_rows))

    def lines(self) -> list[str]:
        target = f" ➜ {self.output}" if self.output else ""
        if len(self.sheets) > 1:
            lines = [f"{self.input}{target}"]
            for item in self.sheets:
                lines.append(f"  sheet '{item.name}', header row {item.header_row}: "
                             + rows_line(item.counts, item.issues, len(item.no_input_rows),
                                         len(item.totals_rows), len(item.example_rows)))
            lines.append(f"  in total, {len(self.sheets)} sheets: {self.line()}")
        else:
            where = f"sheet '{self.sheet}', header row {self.header_row}" if self.sheet else ""
            lines = [f"{self.input}{target}" + (f" ({where})" if where else ""),
                     f"  {self.line()}"]
        lines.extend(f"  {text}" for text in self.details())
        lines.extend(f"  {text} skipped" for text in self.skipped_sheets)
        if self.table:
            lines.append(f"  {self.table}")
        return lines

    def details(self) -> list[str]:
        """Which rows were skipped or had no inputs (on one sheet: their numbers)."""
        found = []
        for label, rows in (("totals rows:", self.totals_rows),
                            ("example rows:", self.example_rows),
                            ("rows with no inputs:", self.no_input_rows)):
            if rows and len(self.sheets) <= 1:
                found.append(_rows_listed(label, list(rows)))
        return found
