"""Section 11, "Showing what was read": every rationale line shows the value as typed and
what it became (with where its unit came from), then the rule, the vote and its source;
and every entry point gives the same text for the same unit.

A value read as it stands (the rule's own words, a plain number of employees or euros) is
not echoed: the cell beside the rationale shows it (the shorter form the README explains).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from decider import recommend, score_frame
from decider.cli import cli
from decider.context import ColumnContext, Unit
from decider.core import score_cells
from decider.udfs import ORCH_EXPLAIN

K_EUR = Unit(multiplier=Decimal(1000), currency="EUR",
             origin='k€ from the header "AI budget (k€)"')


def line(text: str, criterion: str) -> str:
    """The line of `criterion` in a rationale (lines are joined with '; ', which a source
    may hold too: a line starts with a criterion's name)."""
    body = text.split("): ", 1)[1]
    parts = re.split(r"; (?=(?:size|maturity|regulation|budget|multi-country) )", body)
    found = [part for part in parts if part.startswith(f"{criterion} ")]
    assert len(found) == 1, (criterion, text)
    return found[0]


def test_the_policy_examples_read_as_the_policy_writes_them() -> None:
    scored = score_cells({"size": ["4,200"], "maturity": ["POC"], "regulation": ["banking"],
                          "budget": [6000]}, 1, contexts={"budget": ColumnContext(unit=K_EUR)})
    text = scored["rationale"][0]
    assert line(text, "size").startswith("size '4,200' ➜ over 500 employees ➜ 100 [")
    assert line(text, "regulation").startswith(
        "regulation 'banking' ➜ Finance (Critical) ➜ 100 [DORA")
    assert line(text, "budget").startswith(
        'budget 6000 (k€ from the header "AI budget (k€)") ➜ €6,000,000 a year ➜ over €5M '
        "➜ 100 [")
    unknown = recommend(300, "POC", "Medium").explanation
    assert line(unknown, "budget") == "budget unknown"


def test_each_line_ends_with_its_vote_and_the_rule_source_in_brackets() -> None:
    result = recommend("1.200", "18 months", "SaaS", "€800k")
    for vote in result.rationale[:4]:
        assert vote.source is not None and vote.vote is not None
        assert line(result.explanation, vote.criterion).endswith(
            f" ➜ {vote.vote:g} [{vote.source}]")


def test_what_a_value_became_is_shown_where_it_could_be_misread() -> None:
    text = recommend("1.200", 9, "SaaS", "€500k/month").explanation
    assert line(text, "size").startswith(
        "size '1.200' ➜ 1,200 employees ➜ over 500 employees ➜ 100")
    # A bare number for maturity is months: shown, since a 1-5 score would be misread.
    assert line(text, "maturity").startswith(
        "maturity 9 ➜ 9 months practising AI ➜ 6 to 18 months ➜ 50")
    assert line(text, "regulation").startswith("regulation 'SaaS' ➜ Pure tech (Light) ➜ 0")
    assert line(text, "budget").startswith(
        "budget '€500k/month' ➜ €6,000,000 a year ➜ over €5M ➜ 100")
    several = recommend(300, "POC", "Medium", None, "DE, FR, IT").explanation
    assert "multi-country 'DE, FR, IT' read as 3 countries (DE, FR, IT) ➜ 100 [" in several


def test_values_read_as_they_stand_show_the_rule_only() -> None:
    text = recommend(4200, "Mature", "medium", 900000).explanation
    assert line(text, "size").startswith("size over 500 employees ➜ 100 [")
    assert line(text, "maturity").startswith("maturity Mature ➜ 100 [")
    assert line(text, "regulation").startswith("regulation Medium ➜ 50 [")
    assert line(text, "budget").startswith("budget under €2M ➜ 50 [")
    finance = recommend(300, "POC", "Finance").explanation
    assert line(finance, "regulation").startswith("regulation Finance (Critical) ➜ 100 [")


def test_a_mandatory_answer_says_the_index_does_not_decide() -> None:
    text = recommend(40, "POC", "banking", "€150k").explanation
    assert text.startswith("Centralized, mandatory for regulation Finance (Critical) "
                           "(index 37.5; mandatory: Centralized whatever the index): ")
    assert "whatever the index" not in recommend(40, "POC", "Light").explanation


def test_a_header_unit_the_cell_overrides_is_said() -> None:
    scored = score_cells({"size": [300], "maturity": ["POC"], "budget": ["€6M"]}, 1,
                         contexts={"budget": ColumnContext(unit=K_EUR)})
    assert line(scored["rationale"][0], "budget").startswith(
        "budget '€6M' (the unit typed in the cell, not k€ from the header \"AI budget "
        "(k€)\") ➜ €6,000,000 a year ➜ over €5M ➜ 100")


# Forms that read alike but are typed differently (their texts differ), and values that
# hash alike but mean different things (TRUE and 1 countries).
SIZES = [4200, 4200.0, "4200", "4,200", "4 200", "2.4k", 38, "~450", "300-400", "<100", None]
MATURITIES = ["Mature", "mature", "POC", "pilot", 9, 9.0, "9", "Level 3", "18 months", None]
REGULATIONS = ["Finance", "banking", "Retail Banking", "Medium", "DORA", "SaaS", None]
BUDGETS = [900_000, "900000", "€900k", "2-3M", "€500k/month", 6_000_000, None]
COUNTRIES = [True, 1, 1.0, False, 0, "yes", "no", "DE, FR", "Germany", 3, None]

rows_strategy = st.lists(st.tuples(*(st.sampled_from(values) for values in (
    SIZES, MATURITIES, REGULATIONS, BUDGETS, COUNTRIES))), min_size=1, max_size=25)


def expected_text(row: tuple[Any, ...]) -> str | None:
    try:
        return recommend(*row).explanation
    except Exception:  # a refused unit: no rationale
        return None


@settings(max_examples=60, deadline=None)
@given(rows_strategy)
def test_every_entry_point_gives_the_same_text(rows: list[tuple[Any, ...]]) -> None:
    names = ("size", "maturity", "regulation", "budget", "multi_country")
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    expected = [expected_text(row) for row in rows]
    assert score_cells(columns, len(rows))["rationale"] == expected
    frame = score_frame(pd.DataFrame({name: pd.Series(values, dtype=object)
                                      for name, values in columns.items()}))
    assert [None if pd.isna(t) else t for t in frame["rationale"]] == expected
    grids = [[[value] for value in values] for values in columns.values()]
    answers = ORCH_EXPLAIN(*grids)  # one unit: one cell's answer, not a grid
    spilled = [answers] if isinstance(answers, str) else [cells[0] for cells in answers]
    assert [t for t, e in zip(spilled, expected, strict=True) if e is not None] == [
        e for e in expected if e is not None]


def test_a_number_and_its_text_are_two_texts_but_one_number_is_one() -> None:
    sizes = [4200, 4200.0, "4,200"]
    scored = score_cells({"size": sizes, "maturity": ["POC"] * 3}, 3)["rationale"]
    assert scored[0] == scored[1] != scored[2]
    frame = score_frame(pd.DataFrame({"size": pd.Series(sizes, dtype=object),
                                      "maturity": ["POC"] * 3}))
    assert frame["rationale"].tolist() == scored


def test_a_scored_sheet_shows_the_reading_and_keeps_the_index_a_number(tmp_path: Path
                                                                       ) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Units"
    for row in (["Business unit", "Headcount", "AI maturity", "Sector", "AI budget (k€)"],
                ["Bank", 3100, "Scale-up", "banking", 6000],
                ["Shop", "2.4k", "pilot", "Retail", 300]):
        sheet.append(row)
    source = tmp_path / "units.xlsx"
    book.save(source)
    out = tmp_path / "scored.xlsx"
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    scored = openpyxl.load_workbook(out)["Units"]
    header = [cell.value for cell in scored[1]]
    index, rationale = header.index("Centralization index"), header.index("Rationale")
    bank, shop = ([cell.value for cell in scored[r]] for r in (2, 3))
    assert isinstance(bank[index], float)  # users' formulas keep working on it
    assert "(index 87.5; mandatory: Centralized whatever the index)" in bank[rationale]
    assert ('budget 6000 (k€ from the header "AI budget (k€)") ➜ €6,000,000 a year ➜ '
            "over €5M ➜ 100 [") in bank[rationale]
    assert "regulation 'banking' ➜ Finance (Critical) ➜ 100 [" in bank[rationale]
    assert "size '2.4k' ➜ 2,400 employees ➜ over 500 employees ➜ 100 [" in shop[rationale]
    assert "maturity 'pilot' ➜ phase POC ➜ POC ➜ 0 [" not in shop[rationale]
    assert "maturity 'pilot' ➜ POC ➜ 0 [" in shop[rationale]
