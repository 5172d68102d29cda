"""The template's native formulas give the engine's answers: a portfolio of every
combination of the dropdown labels and of numbers at and around every bound, filled in by
openpyxl, recalculated by headless LibreOffice and compared with `recommend` row by row.
Then a user edits the Policy sheet: the formulas, `load_policy` of the workbook and
`decider score --policy` still agree."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from decider import DeciderInputError, Policy, default_policy, load_policy, recommend
from decider.cli import cli
from decider.template import build_template
from decider.template.names import INPUT_HEADERS, RESULT_HEADERS

pytestmark = pytest.mark.libreoffice

Row = tuple[Any, Any, Any, Any, Any]  # employees, maturity, regulation, budget, multi-country

SIZES: tuple[Any, ...] = (None, 1, 49, 49.99, 50, 99, 99.5, 100, 300, 500, 500.0001, 501, 5000)
MONTHS: tuple[Any, ...] = (0.5, 5, 5.99, 6, 6.01, 12, 18, 18.01, 19, 36)
PHASES: tuple[Any, ...] = (None, "POC", "Scale-up", "Mature", "Enterprise")
REGULATIONS: tuple[Any, ...] = (None, "Light", "Medium", "Strong", "Critical", "Finance",
                                "Healthcare", "Public sector", "Pure tech")
BUDGETS: tuple[Any, ...] = (None, 1000, 1_999_999, 2_000_000, 2_000_001, 4_999_999,
                            5_000_000, 5_000_000.01, 5_000_001, 10_000_000)
COUNTRIES: tuple[Any, ...] = (None, "yes", "no", 0, 1, 2, 12, True, False)

EDGES: tuple[Row, ...] = (
    (600, "Mature", "Light", None, None),  # 100, 100, 0: exactly 200/3, Hybrid
    (40, "Mature", "Light", None, None),  # 0, 100, 0: exactly 100/3, Hybrid
    (40, "POC", "Medium", 10_000_000, None),  # 0, 0, 50, 100: 37.5
    (None, None, "Critical", None, None),  # mandatory alone decides
    (None, None, "Finance", None, "yes"),
    (300, None, None, None, None),  # one criterion: not enough
    (None, None, None, None, "yes"),  # multi-country alone: one criterion
    (None, None, None, None, "no"),  # nothing known
    (None, None, None, None, None),  # blank row
    ("lots", "POC", "Light", None, None),  # unreadable inputs: the engine refuses
    (-5, "POC", "Light", None, None),
    (40, "xyz", "Light", None, None),
    (40, 0, "Light", None, None),
    (40, "POC", "Nuclear", None, None),
    (40, "POC", "Light", -1, None),
    (40, "POC", "Light", None, "maybe"),
    (40, "POC", "Light", None, 1.5),
    (40, "M*", "Light", None, None),  # MATCH's wildcards are text here: the engine refuses
    (40, "S?ale-up", "Medium", None, None),
    (40, "POC", "Fin*", None, None),
    (300, "Scale-up", "Energy", None, None),  # a sector the edited policy changes
    (None, None, "Energy", 8_000_000, "yes"),
    (300, None, "Retail Banking", None, None),  # free text: decider reads it, not formulas
    (300, None, "banking", None, None),  # an accepted form, not a label
)

# Every label of the Regulation dropdown, with one other input that votes 50: the index is
# then the mean of 50 and the level's vote, so each level gives another answer (Light 25:
# Decentralized, Medium 50: Hybrid, Strong 75: Centralized, Critical: mandatory).
REGULATION_LABELS: tuple[str, ...] = (*default_policy().data["regulation"]["levels"],
                                      *default_policy().data["regulation"]["sectors"])
SECTOR_ROWS: tuple[Row, ...] = tuple((300, None, label, None, None)
                                     for label in REGULATION_LABELS)


def portfolio_cases() -> list[Row]:
    """Every label combination, every number bound crossed with the others, and edges."""
    sizes, budgets = itertools.cycle(SIZES), itertools.cycle(BUDGETS)
    months, phases = itertools.cycle(MONTHS), itertools.cycle(PHASES)
    regulations, countries = itertools.cycle(REGULATIONS), itertools.cycle(COUNTRIES)
    rows: list[Row] = []
    for phase, regulation, country in itertools.product(PHASES, REGULATIONS,
                                                        (None, "yes", "no")):
        rows.append((next(sizes), phase, regulation, next(budgets), country))
    for size, month in itertools.product(SIZES, MONTHS):
        rows.append((size, month, next(regulations), next(budgets), next(countries)))
    for budget, size in itertools.product(BUDGETS, SIZES):
        rows.append((size, next(phases), None, budget, None))
    for country, size in itertools.product(COUNTRIES, SIZES):
        rows.append((size, next(months), next(regulations), None, country))
    rows.extend(EDGES)
    rows.extend(SECTOR_ROWS)
    return rows


CASES = portfolio_cases()


def fill_portfolio(path: Path, rows: Sequence[Row]) -> None:
    """Type the rows into the Portfolio table as a user (here openpyxl) would."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Portfolio"]
    assert [c.value for c in sheet[1]][:len(INPUT_HEADERS)] == list(INPUT_HEADERS)
    for number, row in enumerate(rows, start=2):
        sheet.cell(number, 1, f"Unit {number - 1}")
        for column, value in enumerate(row, start=2):
            sheet.cell(number, column, value)
    workbook.save(path)


def regulation_not_a_label(row: Row, policy: Policy) -> bool:
    """The formulas MATCH labels (ignoring case, as MATCH does); any other text, even one
    decider reads ("Retail Banking", "banking"), is "Check inputs" there."""
    labels = {label.casefold() for table in ("levels", "sectors")
              for label in policy.data["regulation"][table]}
    return isinstance(row[2], str) and row[2].strip().casefold() not in labels


def engine_architecture(row: Row, policy: Policy) -> str | None:
    try:
        return recommend(*row, policy=policy).architecture
    except DeciderInputError:
        return None


def expected(row: Row, policy: Policy) -> tuple[str | None, float | None]:
    """What a native row must show: the engine's answer, or how it refuses."""
    if all(v is None for v in row):
        return None, None
    if regulation_not_a_label(row, policy):
        return "Check inputs", None
    try:
        result = recommend(*row, policy=policy)
    except DeciderInputError as error:
        if "not enough information" in str(error):
            return "Not enough information", None
        return "Check inputs", None
    return result.architecture, result.index


def implausible_in_a_sheet(row: Row) -> bool:
    size, budget = row[0], row[3]
    fraction = isinstance(size, float) and not size.is_integer() and size > 0
    small = (isinstance(budget, int | float) and not isinstance(budget, bool)
             and 0 < budget < 1000)
    return fraction or small


def computed(path: Path, count: int) -> Iterator[tuple[Any, Any, Any]]:
    """Recommendation, index and rationale of each row, as the recalculated file holds them."""
    workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
    sheet = workbook["Portfolio"]
    first = len(INPUT_HEADERS)
    for cells in sheet.iter_rows(min_row=2, max_row=count + 1, values_only=True):
        architecture, index, rationale = cells[first:first + len(RESULT_HEADERS)]
        yield architecture or None, None if index in (None, "") else index, rationale
    workbook.close()


def assert_agrees(path: Path, rows: Sequence[Row], policy: Policy) -> None:
    mismatches = []
    for number, (row, (architecture, index, rationale)) in enumerate(
            zip(rows, computed(path, len(rows)), strict=True), start=2):
        want_architecture, want_index = expected(row, policy)
        same_index = (index is None and want_index is None) or (
            index is not None and want_index is not None
            and math.isclose(index, want_index, abs_tol=1e-9))
        if architecture != want_architecture or not same_index:
            mismatches.append(f"row {number} {row}: workbook {architecture!r} {index!r}, "
                              f"engine {want_architecture!r} {want_index!r} ({rationale})")
    assert not mismatches, f"{len(mismatches)} rows disagree:\n" + "\n".join(mismatches[:15])


@pytest.fixture(scope="module")
def filled_native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("native") / "portfolio.xlsx"
    build_template(path, formulas="native", rows=len(CASES) + 5)
    fill_portfolio(path, CASES)
    return path


@pytest.fixture(scope="module")
def recalculated(filled_native: Path, lo_convert: Callable[..., Path]) -> Path:
    return lo_convert(filled_native)


def test_the_cases_cover_every_label_and_bound() -> None:
    assert len(CASES) >= 500
    columns = list(zip(*CASES, strict=True))
    for values, column in ((SIZES, 0), (PHASES + MONTHS, 1), (REGULATIONS, 2), (BUDGETS, 3),
                           (COUNTRIES, 4)):
        assert set(values) <= set(columns[column])
    labels = {(r[1], r[2], r[4]) for r in CASES}
    assert set(itertools.product(PHASES, REGULATIONS, (None, "yes", "no"))) <= labels


def test_native_formulas_give_the_engines_answers(recalculated: Path) -> None:
    assert_agrees(recalculated, CASES, default_policy())


def test_bounds_of_the_index_are_hybrid(recalculated: Path) -> None:
    results = list(computed(recalculated, len(CASES)))
    for edge in EDGES[:2]:
        architecture, index, _ = results[CASES.index(edge)]
        assert architecture == "Hybrid", (edge, index)
    assert math.isclose(results[CASES.index(EDGES[0])][1], 200 / 3)


def test_every_sector_label_gives_the_engines_answer(recalculated: Path) -> None:
    """The native formulas on each label of the dropdown (levels and every sector) agree
    with `recommend`, and the level makes the answer: all four outcomes appear."""
    policy = default_policy()
    assert len(REGULATION_LABELS) == len(set(REGULATION_LABELS)) >= 40
    results = list(computed(recalculated, len(CASES)))
    start = CASES.index(SECTOR_ROWS[0])
    seen: set[str] = set()
    for offset, row in enumerate(SECTOR_ROWS):
        architecture, index, rationale = results[start + offset]
        engine = recommend(*row, policy=policy)
        assert architecture == engine.architecture, (row, rationale)
        assert math.isclose(index, engine.index, abs_tol=1e-9), row
        assert (engine.mandatory is not None) == ("(mandatory: Centralized)" in rationale), row
        assert rationale.startswith(f"size: 300 employees ➜ 50; maturity: unknown; "
                                    f"regulation: {row[2]} ➜ ")
        seen.add(architecture + (" mandatory" if engine.mandatory else ""))
    assert seen == {"Decentralized", "Hybrid", "Centralized", "Centralized mandatory"}


def test_free_text_shows_check_inputs_and_says_decider_reads_it(recalculated: Path) -> None:
    results = list(computed(recalculated, len(CASES)))
    for text in ("Retail Banking", "banking"):
        architecture, index, rationale = results[CASES.index((300, None, text, None, None))]
        assert recommend(300, regulation=text).mandatory is not None  # decider: Finance
        assert (architecture, index) == ("Check inputs", None)
        assert rationale.startswith("Cannot read Regulation: ")
        assert "decider score also reads free text (Retail Banking is Finance)" in rationale


def test_recalculated_workbook_has_no_error_values(recalculated: Path) -> None:
    workbook = openpyxl.load_workbook(recalculated, data_only=True)
    errors = [f"{sheet.title}!{cell.coordinate}={cell.value}"
              for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
              if isinstance(cell.value, str) and cell.value.startswith("#")
              and cell.value.rstrip("!?/0").upper() in {"#NAME", "#VALUE", "#REF", "#N/A",
                                                       "#DIV", "#NUM", "#NULL"}]
    assert not errors, errors[:10]


def test_rationale_names_each_vote(recalculated: Path) -> None:
    results = list(computed(recalculated, len(CASES)))
    row = CASES.index((40, "POC", "Medium", 10_000_000, None))
    assert results[row][2] == ("size: 40 employees ➜ 0; maturity: POC ➜ 0; "
                               "regulation: Medium ➜ 50; budget: €10000000 ➜ 100")
    mandatory = results[CASES.index((None, None, "Critical", None, None))][2]
    assert "Critical ➜ 100 (mandatory: Centralized)" in mandatory
    assert "Cannot read AI maturity" in results[CASES.index((40, "xyz", "Light", None, None))][2]


# --- a user edits the Policy sheet -----------------------------------------------------

def edit_policy(path: Path) -> None:
    """What a user may do on the Policy sheet: thresholds, bounds, votes, weights, sectors."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Policy"]

    def cells(name: str) -> list[Any]:
        destination = next(iter(workbook.defined_names[name].destinations))[1]
        found = sheet[destination.replace("$", "")]
        return [row[0] for row in found] if isinstance(found, tuple) else [found]

    cells("DecentralizedBelow")[0].value = 40
    cells("WeightBudget")[0].value = 2
    size_bounds, size_limits = cells("SizeBounds"), cells("SizeLimits")
    size_bounds[2].value, size_limits[2].value = "below", 1000  # was: up to 500
    cells("MonthLimits")[1].value = 24  # was: up to 18
    cells("BudgetLimits")[1].value = 3_000_000  # was: up to 5,000,000
    levels = [c.value for c in cells("LevelLabels")]
    cells("LevelVotes")[levels.index("Strong")].value = 75
    sectors = [c.value for c in cells("SectorLabels")]
    cells("SectorLevels")[sectors.index("Pure tech")].value = "Medium"
    workbook.save(path)


# A CTO office's own policy file, from which the edited template was built.
OWN_POLICY = """
name = "CTO office policy"
[regulation.sectors.Energy]
level = "Strong"
forms = ["energy", "utilities"]
source = "CTO office: energy is regulated"
"""


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edited")
    own = folder / "own.toml"
    own.write_text(OWN_POLICY, "utf-8")
    path = folder / "edited.xlsx"
    build_template(path, formulas="native", rows=len(CASES) + 5, policy=load_policy(own))
    fill_portfolio(path, CASES)
    edit_policy(path)
    return path


@pytest.fixture(scope="module")
def edited_recalculated(edited: Path, lo_convert: Callable[..., Path]) -> Path:
    return lo_convert(edited)


def test_edited_policy_is_read_back(edited: Path, edited_recalculated: Path) -> None:
    for path in (edited, edited_recalculated):
        policy = load_policy(path)
        assert policy.decentralized_below == 40
        assert policy.centralized_above * 3 == 200  # still the formula =200/3, exactly
        assert policy.weights["budget"] == 2
        assert recommend(999, "Scale-up", policy=policy).rationale[0].vote == 50
        assert recommend(1000, "Scale-up", policy=policy).rationale[0].vote == 100
        assert recommend(300, 24, "Light", policy=policy).rationale[1].vote == 50
        assert recommend(300, regulation="Pure tech", policy=policy).rationale[2].vote == 50
        assert recommend(300, regulation="utilities", policy=policy).rationale[2].vote == 75
        assert policy.name == "CTO office policy"


def test_native_formulas_follow_the_edited_policy(edited: Path,
                                                  edited_recalculated: Path) -> None:
    policy = load_policy(edited)
    changed = [row for row in CASES if expected(row, policy) != expected(row, default_policy())]
    assert len(changed) > 50, "the edits must change many answers, or this proves little"
    assert_agrees(edited_recalculated, CASES, policy)


def test_score_with_the_edited_policy_agrees_with_the_formulas(
        edited: Path, edited_recalculated: Path, tmp_path: Path) -> None:
    """`decider score --policy template.xlsx` on a `none` portfolio of the same rows."""
    empty = tmp_path / "none.xlsx"
    build_template(empty, formulas="none", rows=len(CASES) + 5)
    fill_portfolio(empty, CASES)
    scored = tmp_path / "scored.xlsx"
    outcome = CliRunner().invoke(
        cli, ["score", str(empty), "-o", str(scored), "--policy", str(edited)])
    assert outcome.exit_code == 0, outcome.output
    policy = load_policy(edited)
    by_score = list(computed(scored, len(CASES)))
    by_formulas = list(computed(edited_recalculated, len(CASES)))
    compared = free_text = 0
    for number, (row, score, formula) in enumerate(
            zip(CASES, by_score, by_formulas, strict=True), start=2):
        if implausible_in_a_sheet(row):
            # Section 10: decider score flags a fraction of an employee or a budget under
            # €1,000 with no unit anywhere (the cell formulas answer them as typed).
            assert score[0] is None, (number, row, score)
            continue
        if formula[0] in {"Decentralized", "Hybrid", "Centralized"}:
            assert score[0] == formula[0], (number, row, score, formula)
            assert math.isclose(score[1], formula[1], abs_tol=1e-9), (number, row)
            compared += 1
        elif regulation_not_a_label(row, policy) and formula[0] == "Check inputs":
            # Free text: decider's reading, which the formulas leave to decider score
            # (an answer where decider reads the text, none where it cannot).
            assert score[0] == engine_architecture(row, policy), (number, row, score)
            free_text += score[0] is not None
        else:  # the formulas explain, score leaves Recommendation empty and says why
            assert score[0] is None, (number, row, score, formula)
    assert compared > 400
    assert free_text == 2, "Retail Banking and banking: answered by decider score"
