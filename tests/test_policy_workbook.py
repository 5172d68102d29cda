"""A template workbook's Policy sheet as a policy: `load_policy(template.xlsx)`,
`decider recommend --policy template.xlsx`, and clear refusals of other workbooks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from decider import DeciderInputError, default_policy, load_policy, recommend
from decider.cli import cli
from decider.policy import with_rates
from decider.policy_workbook import policy_data_from_workbook
from decider.template import build_template
from decider.template.names import RESULT_HEADERS


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return build_template(tmp_path / "template.xlsx", rows=5)


def edit(path: Path, change: Callable[[openpyxl.Workbook, Callable[[str], list[Any]]], None]
         ) -> None:
    """Change Policy cells by name, as a user would in a spreadsheet program."""
    workbook = openpyxl.load_workbook(path)

    def cells(name: str) -> list[Any]:
        sheet_name, ref = next(iter(workbook.defined_names[name].destinations))
        found = workbook[sheet_name][ref.replace("$", "")]
        return [row[0] for row in found] if isinstance(found, tuple) else [found]

    change(workbook, cells)
    workbook.save(path)


def rules(policy: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {c: [(r.label, r.vote, r.mandatory, r.source) for r in policy.rules[c]]
            for c in policy.rules}


def test_the_default_template_reads_back_as_the_default_policy(template: Path) -> None:
    policy = load_policy(template)
    default = default_policy()
    assert rules(policy) == rules(default)
    assert policy.weights == default.weights
    assert (policy.decentralized_below, policy.centralized_above) == (
        default.decentralized_below, default.centralized_above)
    assert policy.min_known_criteria == default.min_known_criteria
    assert policy.name == default.name


def test_the_data_has_the_shape_of_the_policy_file(template: Path) -> None:
    data = policy_data_from_workbook(template)
    assert set(data) == {"name", "decision", "weights", "size", "multi_country", "maturity",
                         "regulation", "budget"}
    # 100/3 is the formula =100/3 in its cell: read back exactly, not as a rounded double.
    assert data["decision"]["decentralized_below"] == "100/3"
    assert data["size"]["ranges"][2] == {
        "up_to": 500, "vote": 50, "source": 'matrix row "100-500 ➜ Hybrid"'}
    assert data["regulation"]["sectors"]["Finance"]["level"] == "Critical"
    assert "banking" in data["regulation"]["sectors"]["Finance"]["forms"]
    assert data["regulation"]["levels"]["Critical"]["mandatory"] is True


def test_edits_change_the_answers(template: Path) -> None:
    before = recommend(4000, "Scale-up", "Medium", "4M", policy=load_policy(template))

    def change(workbook: openpyxl.Workbook, cells: Callable[[str], list[Any]]) -> None:
        cells("BudgetLimits")[1].value = 3_000_000  # Centralized from €3M
        cells("CentralizedAbove")[0].value = 60
        levels = [c.value for c in cells("LevelLabels")]
        cells("LevelMandatory")[levels.index("Strong")].value = True

    edit(template, change)
    policy = load_policy(template)
    after = recommend(4000, "Scale-up", "Medium", "4M", policy=policy)
    assert (before.architecture, before.index) == ("Hybrid", 62.5)
    assert (after.architecture, after.index) == ("Centralized", 75.0)
    assert recommend(40, "POC", "Strong", policy=policy).mandatory is not None
    assert policy.centralized_above == 60


def test_recommend_cli_accepts_a_template_policy(template: Path) -> None:
    arguments = ["recommend", "--size", "4000", "--maturity", "Scale-up", "--regulation",
                 "Medium", "--budget", "4M"]
    assert CliRunner().invoke(cli, arguments).output.startswith("Hybrid")
    edit(template, lambda _, cells: setattr(cells("BudgetLimits")[1], "value", 3_000_000))
    outcome = CliRunner().invoke(cli, [*arguments, "--policy", str(template)])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.startswith("Centralized")


@pytest.mark.parametrize(("name", "value", "words"), [
    ("DecentralizedBelow", "lots", "Policy cell DecentralizedBelow must be a number, not 'lots'"),
    ("WeightSize", None, "Policy cell WeightSize must be a number, not empty"),
    ("SizeBounds", "under", "'under' must be one of: below, up to"),
    ("LevelMandatory", "perhaps", "must be TRUE or FALSE, not 'perhaps'"),
    ("LevelVotes", 250, "regulation.levels.Light.vote' must be from 0 to 100, not 250"),
    ("SectorLevels", "Extreme", "must name a regulation level"),
])
def test_a_bad_cell_is_named_in_one_line(template: Path, name: str, value: Any,
                                          words: str) -> None:
    edit(template, lambda _, cells: setattr(cells(name)[0], "value", value))
    with pytest.raises(DeciderInputError) as caught:
        load_policy(template)
    assert words in caught.value.one_line
    assert "template.xlsx" in caught.value.one_line
    assert len(caught.value.problems) == 1


def test_a_workbook_without_a_policy_sheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Policy").write("A1", "not decider's")
    workbook.close()
    with pytest.raises(DeciderInputError, match="has no decider Policy sheet"):
        load_policy(path)
    outcome = CliRunner().invoke(cli, ["recommend", "--size", "40", "--maturity", "POC",
                                       "--policy", str(path)])
    assert outcome.exit_code == 2
    assert "has no decider Policy sheet" in outcome.output
    assert "Traceback" not in outcome.output


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.xlsx"
    path.write_text("decentralized_below = 40\n", "utf-8")
    with pytest.raises(DeciderInputError, match=r"is not an \.xlsx workbook"):
        load_policy(path)


@pytest.mark.corpus
def test_real_workbooks_of_the_corpus_are_refused_in_one_line(corpus: Path) -> None:
    files = sorted((corpus / "hostile").glob("*.xlsx")) + sorted(
        (corpus / "excel").glob("defined_name*.xlsx"))
    assert len(files) > 10
    for path in files:
        with pytest.raises(DeciderInputError) as caught:
            load_policy(path)
        assert path.name in caught.value.one_line
        assert "\n" not in caught.value.one_line


def test_a_zip_bomb_template_is_refused_before_openpyxl_inflates_it(template: Path,
                                                                    tmp_path: Path) -> None:
    # 256 MiB of shared strings deflated to a few hundred KiB: openpyxl would inflate and
    # parse the part whole; the batch layer's limits refuse it from the zip directory.
    from test_hostile import MAIN, replace_member

    def bomb(stream: Any) -> None:
        stream.write(b'<sst xmlns="' + MAIN.encode() + b'" count="1" uniqueCount="1">')
        blank = b" " * (1 << 20)
        for _ in range(256):
            stream.write(blank)
        stream.write(b"<si><t>x</t></si></sst>")

    hostile = tmp_path / "hostile.xlsx"
    replace_member(template, hostile, "xl/sharedStrings.xml", bomb)
    with pytest.raises(DeciderInputError) as error:
        load_policy(hostile)
    assert error.value.one_line.startswith("policy workbook hostile.xlsx")
    assert "zip bomb" in error.value.one_line


def test_a_fraction_with_decimals_typed_as_a_formula_stays_exact(template: Path) -> None:
    def change(workbook: openpyxl.Workbook, cells: Callable[[str], list[Any]]) -> None:
        cells("CentralizedAbove")[0].value = "=200.0/3"
        cells("DecentralizedBelow")[0].value = "=33.5/1"

    edit(template, change)
    policy = load_policy(template)
    assert policy.centralized_above == Fraction(200, 3)
    assert policy.decentralized_below == Fraction(67, 2)


# --- the exchange-rate table -----------------------------------------------------------


def type_rates(path: Path, rates: list[tuple[Any, Any]]) -> list[str]:
    """Type currency codes and rates into the Policy sheet's table, top rows first, as a
    user would in Excel; returns the A1 addresses of the rate cells typed."""
    typed: list[str] = []

    def change(_: openpyxl.Workbook, cells: Callable[[str], list[Any]]) -> None:
        for (code, rate), code_cell, rate_cell in zip(rates, cells("RateCodes"),
                                                      cells("RateValues"), strict=False):
            code_cell.value, rate_cell.value = code, rate
            typed.append(rate_cell.coordinate)

    edit(path, change)
    return typed


def test_the_default_template_has_no_rate(template: Path) -> None:
    assert "rates" not in policy_data_from_workbook(template)["budget"]
    assert load_policy(template).rates == {}


def test_a_rate_typed_in_the_policy_sheet_is_read_back(template: Path) -> None:
    # A number, a code in lower case with spaces, a rate typed as text with a decimal comma.
    type_rates(template, [("GBP", 1.17), (" usd ", 0.92), ("CHF", "1,05"), (None, None)])
    assert policy_data_from_workbook(template)["budget"]["rates"] == {
        "GBP": "1.17", "USD": "0.92", "CHF": "1.05"}
    policy = load_policy(template)
    assert policy.rates == {"GBP": Decimal("1.17"), "USD": Decimal("0.92"),
                            "CHF": Decimal("1.05")}
    converted = recommend(300, "Scale-up", "Medium", "£500k", policy=policy)
    assert converted.index == recommend(300, "Scale-up", "Medium", 585_000).index
    assert "585,000" in " ".join(str(line) for line in converted.rationale)
    with pytest.raises(DeciderInputError, match="--rate"):
        recommend(300, "Scale-up", "Medium", "£500k")  # the default policy has no rate
    outcome = CliRunner().invoke(cli, ["recommend", "--size", "300", "--maturity", "Scale-up",
                                       "--regulation", "Medium", "--budget", "£500k",
                                       "--policy", str(template)])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.startswith("Hybrid") and "585,000" in outcome.output


def test_a_template_of_a_policy_with_rates_shows_them(tmp_path: Path) -> None:
    path = build_template(tmp_path / "rates.xlsx",
                          policy=with_rates(default_policy(), {"GBP": "1.17"}))
    assert load_policy(path).rates == {"GBP": Decimal("1.17")}


PORTFOLIO = (
    (300, "Scale-up", "Medium", "£500k", None),
    (300, "Scale-up", "Medium", "£5M", None),
    (300, "Scale-up", "Medium", 2_500_000, None),
)


def scored_rows(path: Path, headers: tuple[str, ...] = RESULT_HEADERS
                ) -> list[tuple[Any, ...]]:
    """The scored rows' cells under `headers` (Recommendation, index, Rationale)."""
    sheet = openpyxl.load_workbook(path, read_only=True)["Portfolio"]
    rows = list(sheet.iter_rows(max_row=len(PORTFOLIO) + 1, values_only=True))
    columns = [rows[0].index(header) for header in headers]
    return [tuple(row[col] for col in columns) for row in rows[1:]]


def test_score_with_a_template_policy_converts_at_the_sheets_rate(template: Path,
                                                                  tmp_path: Path) -> None:
    from test_template_formulas import fill_portfolio

    portfolio = build_template(tmp_path / "portfolio.xlsx", formulas="none", rows=5)
    fill_portfolio(portfolio, PORTFOLIO)
    without = tmp_path / "without.xlsx"
    assert CliRunner().invoke(cli, ["score", str(portfolio), "-o", str(without)]).exit_code == 0
    issues = [row[0] for row in scored_rows(without, ("Decider issues",))]
    assert all("--rate" in issues[i] for i in (0, 1)), issues  # no rate, no answer

    type_rates(template, [("GBP", 1.17)])
    out = tmp_path / "scored.xlsx"
    outcome = CliRunner().invoke(
        cli, ["score", str(portfolio), "-o", str(out), "--policy", str(template)])
    assert outcome.exit_code == 0, outcome.output
    rows = scored_rows(out)
    for (architecture, index, _), euros in zip(rows, (585_000, 5_850_000, 2_500_000),
                                                      strict=True):
        engine = recommend(300, "Scale-up", "Medium", euros)
        assert (architecture, index) == (engine.architecture, engine.index)
    assert "585,000" in rows[0][2] and "1.17" in rows[0][2]
    assert rows[1][1] == 62.5, "£5M at 1.17 is over €5M: the budget votes Centralized"

    type_rates(template, [("GBP", 0.9)])  # the sheet's rate is the one used
    again = tmp_path / "again.xlsx"
    outcome = CliRunner().invoke(
        cli, ["score", str(portfolio), "-o", str(again), "--policy", str(template)])
    assert outcome.exit_code == 0, outcome.output
    assert scored_rows(again)[1][1] == 50, "£5M at 0.9 is €4.5M: Hybrid's budget vote"
    # --rate on the command line beats the sheet.
    outcome = CliRunner().invoke(cli, ["score", str(portfolio), "-o", str(tmp_path / "3.xlsx"),
                                       "--policy", str(template), "--rate", "GBP=1.17"])
    assert outcome.exit_code == 0, outcome.output
    assert scored_rows(tmp_path / "3.xlsx")[1][1] == 62.5


@pytest.mark.parametrize(("rates", "words"), [
    ([("GBP", "abc")], "the euros for one GBP, must be a number of euros for one unit, "
                       "like 1.17, not 'abc'"),
    ([("GBP", 0)], "the euros for one GBP, must be a number above 0, not '0'"),
    ([("GBP", -1.17)], "the euros for one GBP, must be a number above 0, not '-1.17'"),
    ([("GBP", None)], "the euros for one GBP, must be a number above 0, not empty"),
    ([("EUR", 1)], "the euros for one EUR, is the euro itself"),
    ([(None, 1.17)], "holds a rate, '1.17', but no currency code beside it"),
    ([("POUND", 1.17)], "must be a three-letter currency code such as GBP, not 'POUND'"),
    ([("GBP", 1.17), ("gbp", 1.18)], "repeats the currency GBP"),
])
def test_a_bad_rate_cell_is_refused_naming_the_cell(template: Path, rates: list[Any],
                                                    words: str) -> None:
    typed = type_rates(template, rates)
    with pytest.raises(DeciderInputError) as caught:
        load_policy(template)
    message = caught.value.one_line
    assert words in message
    assert message.startswith("policy workbook template.xlsx: Policy cell ")
    last_row = typed[-1][1:]
    assert f"Policy cell B{last_row}" in message or f"Policy cell A{last_row}" in message
    outcome = CliRunner().invoke(cli, ["recommend", "--size", "40", "--maturity", "POC",
                                       "--policy", str(template)])
    assert outcome.exit_code == 2 and words in outcome.output
    assert "Traceback" not in outcome.output
