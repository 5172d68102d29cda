"""What would change it speaks in the column's own unit (decision policy, sections 10 and
12): under "Headcount ('000)" a 501 is 501,000 employees, so the example of "over 500
employees" there is 0.501. The proof is the user's: type each example into its cell and
score again; the answer must become the one the change names."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from decider import default_policy, recommend, score_frame
from decider.cli import cli
from decider.headers import column_context
from decider.parsing import read

THOUSANDS = ("Business unit", "Headcount ('000)", "AI maturity", "Regulation",
             "AI budget (k€)")
MONTHLY_USD = ("Business unit", "Headcount (k)", "AI maturity", "Regulation",
               "AI budget (kUSD per month)")
SIZE, BUDGET = 2, 5  # their columns (1-based)
M_EUROS = '0.0"M€"'
# (name, size, maturity, regulation, budget[, the budget cell's number format]): units
# with a size change down and up, a budget change down and up, a size typed with its own
# unit (its example is still in the column's unit: a number typed over it takes the
# header's), and a budget cell whose number format says M€ (its example is in M€).
THOUSANDS_UNITS: tuple[tuple[Any, ...], ...] = (
    ("Big", 1.2, "Scale-up", "Medium", 6000),
    ("Small", 0.08, "POC", "Light", 1500),
    ("Strong", 0.3, "Mature", "Strong", 3000),
    ("Typed", "450 employees", "Mature", "Strong", 3000),
    ("Typed k", "1.2k", "Scale-up", "Medium", 6000),
    ("Formatted", 1.2, "12 months", "Medium", 4.7, M_EUROS),
)
# The (sheet row, input) of each size or budget change the units above were built for.
THOUSANDS_CHANGES = {(2, "size"), (2, "budget"), (3, "size"), (4, "size"), (5, "size"),
                     (6, "size"), (6, "budget"), (7, "budget")}
MONTHLY_UNITS: tuple[tuple[Any, ...], ...] = (
    ("Big", 1.2, "Scale-up", "Medium", 600),
    ("Near", 1.2, "12 months", "Medium", 400),
    ("Small", 0.08, "POC", "Light", 100),
)
MONTHLY_CHANGES = {(2, "size"), (2, "budget"), (3, "budget"), (4, "size")}
RATE = ["--rate", "USD=0.9"]
# Each change line with an example in a unit: the architecture, the input, the class
# words, the example and the unit's words.
_LINE = re.compile(r"(Centralized|Hybrid|Decentralized) if (size|budget) (.*?) \([^;]*?"
                   r"e\.g\. ([\d.]+) in this (column|cell)'s ([^)]*)\)")
_SCALES = {"thousands": Decimal(1000), "millions": Decimal(10) ** 6}


def build(path: Path, headers: tuple[str, ...], units: tuple[tuple[Any, ...], ...]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Portfolio"
    sheet.append(list(headers))
    for unit in units:
        sheet.append(list(unit[:5]))
        if len(unit) > 5:
            sheet.cell(sheet.max_row, BUDGET).number_format = unit[5]
    book.save(path)


def score(source: Path, target: Path, *options: str) -> list[list[Any]]:
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(target), "--overwrite",
                                      *options])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target, read_only=True)
    rows = [list(r) for r in book["Portfolio"].iter_rows(values_only=True)]
    book.close()
    return rows


def column(rows: list[list[Any]], header: str) -> list[Any]:
    at = rows[0].index(header)
    return [row[at] for row in rows[1:]]


def edge_words(words: str) -> tuple[str, Decimal, Decimal | None]:
    """The class's words as the test reads them itself: ("over", 500, None), ("to", 100,
    500), ("under", 50, None), ("up to", 5000000, None)."""
    def amount(text: str) -> Decimal:
        number, suffix = re.fullmatch(r"€?([\d.,]+)([kM]?)", text).groups()  # type: ignore[union-attr]
        return Decimal(number.replace(",", "")) * {"": 1, "k": 1000, "M": 10 ** 6}[suffix]

    words = words.removesuffix(" employees")
    if words.startswith("up to "):
        return "up to", amount(words.removeprefix("up to ")), None
    ranged = re.fullmatch(r"(?:over )?(\S+) to (?:under )?(\S+)", words)
    if ranged:
        return "to", amount(ranged[1]), amount(ranged[2])
    kind, _, number = words.rpartition(" ")
    return kind, amount(number), None


def in_class(quantity: Decimal, words: str) -> bool:
    kind, low, high = edge_words(words)
    if kind == "to":
        assert high is not None
        return low <= quantity <= high
    return {"over": quantity > low, "at least": quantity >= low, "under": quantity < low,
            "up to": quantity <= low}[kind]


def examples(rows: list[list[Any]]) -> list[tuple[int, str, str, str, str, str, str]]:
    """(sheet row, architecture, input, class words, example, whose, unit words)."""
    found = []
    for offset, text in enumerate(column(rows, "What would change it"), start=2):
        for match in _LINE.finditer(text or ""):
            found.append((offset, *match.groups()))
    return found


def quantity(example: str, unit_words: str, per_year: int, rate: Decimal) -> Decimal:
    """What the example means in the policy's unit, worked out from the words."""
    scale = _SCALES.get(unit_words.split(" ")[0], Decimal(1))
    return Decimal(example) * scale * per_year * rate


@pytest.mark.parametrize(("headers", "units", "changes", "options", "per_year", "rate"), [
    (THOUSANDS, THOUSANDS_UNITS, THOUSANDS_CHANGES, [], 1, Decimal(1)),
    (MONTHLY_USD, MONTHLY_UNITS, MONTHLY_CHANGES, RATE, 12, Decimal("0.9")),
], ids=["thousands", "monthly-usd"])
def test_each_example_typed_into_its_cell_gives_the_answer_named(
        tmp_path: Path, headers: tuple[str, ...], units: tuple[tuple[Any, ...], ...],
        changes: set[tuple[int, str]], options: list[str], per_year: int, rate: Decimal
) -> None:
    source = tmp_path / "units.xlsx"
    build(source, headers, units)
    rows = score(source, tmp_path / "scored.xlsx", *options)
    found = examples(rows)
    # Every size and budget change the units were built for has an example in a unit.
    assert {(row, name) for row, _, name, *_ in found} == changes
    assert len(found) == len(changes)
    # And no size or budget example is a bare number (or 5.1M) that means something else.
    for text in column(rows, "What would change it"):
        assert not re.search(r"(size|budget) [^;]*e\.g\. [\d.]+[kM]?\)", text or ""), text
    answers = column(rows, "Recommendation")
    for row, architecture, name, words, example, whose, unit_words in found:
        assert answers[row - 2] != architecture
        formatted = len(units[row - 2]) > 5 and name == "budget"
        assert whose == ("cell" if formatted else "column")
        assert unit_words.startswith("millions" if formatted else "thousands")
        if name == "budget":
            assert unit_words.endswith(("euros", "USD a month"))
            meant = quantity(example, unit_words, 1 if formatted else per_year,
                             Decimal(1) if formatted else rate)
        else:
            assert unit_words == "thousands of employees"
            meant = quantity(example, unit_words, 1, Decimal(1))
        # In the column's unit the example is in the class the change names.
        assert in_class(meant, words), (example, unit_words, words)
        # The proof: typed into that cell (its number format kept), the answer changes.
        typed = tmp_path / f"typed-{row}-{name}.xlsx"
        book = openpyxl.load_workbook(source)
        book["Portfolio"].cell(row, SIZE if name == "size" else BUDGET).value = float(example)
        book.save(typed)
        again = score(typed, tmp_path / f"typed-{row}-{name}.scored.xlsx", *options)
        assert column(again, "Recommendation")[row - 2] == architecture, (row, name, example)


def test_score_frame_with_contexts_says_what_the_workbook_says(tmp_path: Path) -> None:
    source = tmp_path / "units.xlsx"
    plain = tuple(unit[:5] for unit in THOUSANDS_UNITS[:5])
    build(source, THOUSANDS, plain)
    rows = score(source, tmp_path / "scored.xlsx")
    frame = pd.DataFrame([unit[1:5] for unit in plain],
                         columns=["size", "maturity", "regulation", "budget"])
    contexts = {"size": column_context("size", THOUSANDS[1]),
                "budget": column_context("budget", THOUSANDS[4])}
    out = score_frame(frame, contexts=contexts)
    assert list(out["changes"]) == column(rows, "What would change it")
    assert "in this column's thousands" in " ".join(out["changes"])


def test_recommend_plain_values_agree_on_the_class() -> None:
    # recommend has no column: its examples are in the policy's unit, and they name the
    # same classes (the same words) as the column's examples do for the same quantities.
    policy = default_policy()
    size_context = column_context("size", THOUSANDS[1])
    budget_context = column_context("budget", THOUSANDS[4])
    from decider.changes import unit_changes_of

    for _, size, maturity, regulation, budget in (u[:5] for u in THOUSANDS_UNITS[:5]):
        readings = [read(policy, "size", size, size_context),
                    read(policy, "maturity", maturity),
                    read(policy, "regulation", regulation),
                    read(policy, "budget", budget, budget_context),
                    read(policy, "multi_country", None)]
        employees, euros = readings[0].number, readings[3].number
        assert employees is not None and euros is not None
        result = recommend(str(employees), maturity, regulation, f"{euros}", policy=policy)
        ours = unit_changes_of(policy, readings)[0]
        assert [(c.input, c.to, c.architecture) for c in ours] == [
            (c.input, c.to, c.architecture) for c in result.changes]
        for mine, theirs in zip(ours, result.changes, strict=True):
            if mine.input in ("size", "budget"):
                assert "in this column's thousands" in mine.example
                assert "in this column" not in theirs.example
                number = Decimal(mine.example.split(" ")[0]) * 1000
                context = size_context if mine.input == "size" else budget_context
                assert read(policy, mine.input, float(mine.example.split(" ")[0]),
                            context).number == number


@settings(max_examples=150, deadline=None)
@given(multiplier=st.sampled_from(["1", "1000", "1000000", "1000000000", "100"]),
       per_year=st.sampled_from([1, 2, 4, 12]),
       currency=st.one_of(st.none(), st.decimals(min_value="0.0001", max_value="5000",
                                                 places=4, allow_nan=False)),
       formatted=st.booleans())
def test_every_example_in_a_unit_reads_into_its_class(
        multiplier: str, per_year: int, currency: Decimal | None, formatted: bool) -> None:
    from decider.change_classes import classes, example
    from decider.context import ColumnContext, Unit
    from decider.policy import with_rates

    policy = default_policy() if currency is None else with_rates(
        default_policy(), {"XYZ": currency})
    origin = "the number format 0.0" if formatted else 'the header "AI budget"'
    budget_unit = Unit(Decimal(multiplier), None if currency is None else "XYZ", per_year,
                       origin=f"x from {origin}")
    size_unit = Unit(Decimal(multiplier), origin=f"x from {origin}")
    for name, unit in (("size", size_unit), ("budget", budget_unit)):
        if unit.is_plain:
            continue
        for option in classes(policy, name):
            for up in (True, False):
                if (up and option.ranges[0] == 0) or (not up and option.ranges[-1] ==
                                                      len(getattr(policy, f"{name}_scale")
                                                          .rules) - 1):
                    continue  # no edge on that side: not an example a change gives
                text, _ = example(policy, name, option, up, 1.0, unit)
                if text == option.words:
                    continue  # said in words: no number to misread
                number, _, words = text.partition(" in ")
                assert words.startswith("this cell's" if formatted else "this column's")
                reading = read(policy, name, float(number), ColumnContext(unit=unit))
                assert reading.rule in option.rules, (text, option.words)


def test_a_distance_too_large_for_percents_is_left_out_alike() -> None:
    # 500 employees from a size of 1.5e-305 is a distance whose percent overflows a float:
    # it was an OverflowError (a traceback); now recommend and the core leave it out alike.
    from decider.changes import changes_text
    from decider.core import score_cells

    size = 1.5171716412797732e-305
    text = changes_text(recommend(size, "POC"))
    assert "size over 500 employees (e.g. 501)" in text
    assert score_cells({"size": [size], "maturity": ["POC"]}, 1, changes=True)[
        "changes"] == [text]
