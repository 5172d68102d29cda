"""Other currencies (decision policy, section 7): converted only at a rate the user gives,
from the command line, a policy file or a template's Policy sheet; the command line beats
the policy; a missing rate and an ambiguous symbol are refused, naming what to do."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from decider import DeciderInputError, recommend, score_frame
from decider.cli import cli
from decider.policy import default_policy, load_policy, with_rates
from decider.udfs import ORCH_ARCH, ORCH_EXPLAIN, POLICY_ENV


def test_no_rate_is_built_in() -> None:
    assert dict(default_policy().rates) == {}
    for budget in ("£500k", "500k GBP", "GBP 500k", "$1.2M", "US$ 3M", "₹40M", "3M usd"):
        with pytest.raises(DeciderInputError, match="no rate is given: add --rate"):
            recommend(300, "POC", budget=budget)


@pytest.mark.parametrize(("budget", "euros", "vote"), [
    ("£500k", "€585,000", 50), ("500k GBP", "€585,000", 50), ("GBP 5M", "€5,850,000", 100),
    ("gbp 4,2m", "€4,914,000", 50),
])
def test_a_rate_converts_and_the_rationale_shows_it(budget: str, euros: str, vote: int
                                                    ) -> None:
    policy = with_rates(default_policy(), {"GBP": "1.17"})
    line = recommend(300, "POC", budget=budget, policy=policy).rationale[3]
    assert line.read_as.startswith(f"{budget} at 1.17 ➜ {euros} a year")
    assert line.vote == vote


def test_usd_symbols_and_codes_share_one_rate() -> None:
    policy = with_rates(default_policy(), {"USD": "0.92"})
    for budget in ("$6M", "US$ 6M", "6M USD", "usd 6000000"):
        assert recommend(300, "POC", budget=budget, policy=policy).rationale[3].vote == 100


@pytest.mark.parametrize(("budget", "problem"), [
    ("¥500M", "uses '¥', which stands for JPY or CNY: write the currency's code instead "
              "(e.g. 'JPY 500k') and give its rate with --rate JPY="),
    ("500k kr", "uses 'kr', which stands for SEK, NOK, DKK or ISK: write the currency's code "
                "instead (e.g. 'SEK 500k')"),
    ("£5M €", "names two currencies (EUR, GBP)"),
])
def test_ambiguous_or_double_currencies_are_refused(budget: str, problem: str) -> None:
    policy = with_rates(default_policy(), {"GBP": "1.17", "JPY": "0.0061"})
    with pytest.raises(DeciderInputError) as error:
        recommend(300, "POC", budget=budget, policy=policy)
    assert error.value.one_line.startswith(f"budget '{budget}' {problem}")


def test_a_rate_from_a_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "rates.toml"
    path.write_text("[budget.rates]\nGBP = 1.17\nchf = 1.05\n", "utf-8")
    policy = load_policy(path)
    assert dict(policy.rates) == {"GBP": Decimal("1.17"), "CHF": Decimal("1.05")}
    assert recommend(300, "POC", budget="£5M", policy=policy).rationale[3].vote == 100
    assert recommend(300, "POC", budget="CHF 4M", policy=policy).rationale[3].vote == 50


@pytest.mark.parametrize(("toml", "message"), [
    ('[budget.rates]\nGBP = "abc"\n', "key 'budget.rates.GBP' must be a number of euros"),
    ("[budget.rates]\nGBP = 0\n", "key 'budget.rates.GBP' must be a number above 0"),
    ("[budget.rates]\nPOUND = 1.2\n", "key 'budget.rates.POUND' must be a three-letter"),
    ("[budget.rates]\nEUR = 1\n", "key 'budget.rates.EUR' is the euro itself"),
    ("[budget]\nrates = 5\n", "key 'budget.rates' must be a table like GBP = 1.17"),
])
def test_a_bad_rate_in_a_policy_file_is_refused(tmp_path: Path, toml: str, message: str
                                                ) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, "utf-8")
    with pytest.raises(DeciderInputError, match=message.replace("(", r"\(")):
        load_policy(path)


def run(*args: object) -> object:
    return CliRunner().invoke(cli, [*map(str, args)])


def test_recommend_takes_rate_and_it_beats_the_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "rates.toml"
    path.write_text("[budget.rates]\nGBP = 2\n", "utf-8")
    base = ["recommend", "--size", "300", "--maturity", "POC", "--budget", "£3M", "--json"]
    from_file = CliRunner().invoke(cli, [*base, "--policy", str(path)])
    assert from_file.exit_code == 0, from_file.output
    assert json.loads(from_file.stdout)["rationale"][3]["vote"] == 100  # €6M
    both = CliRunner().invoke(cli, [*base, "--policy", str(path), "--rate", "GBP=1.17"])
    assert both.exit_code == 0, both.output
    budget = json.loads(both.stdout)["rationale"][3]
    assert (budget["vote"], budget["read_as"]) == (50, "£3M at 1.17 ➜ €3,510,000 a year "
                                                       "(GBP at the rate given)")


def test_recommend_without_a_rate_names_the_option() -> None:
    result = CliRunner().invoke(cli, ["recommend", "--size", "300", "--budget", "£500k"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: budget '£500k' is in GBP and no rate is given: "
                                    "add --rate GBP=")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("option", ["GBP", "GBP=", "GBP=abc", "GBP=-1", "POUND=1.2",
                                    "EUR=1"])
def test_a_bad_rate_option_is_refused_in_one_line(option: str) -> None:
    result = CliRunner().invoke(cli, ["recommend", "--size", "300", "--rate", option])
    assert result.exit_code == 2
    assert f"Invalid value for '--rate': '{option}'" in result.stderr
    assert "Traceback" not in result.output


def portfolio(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Units")
    sheet.write_row(0, 0, ["Unit", "Employees", "Maturity", "Sector", "Budget"])
    sheet.write_row(1, 0, ["UK retail", 300, "Scale-up", "Retail", "£5M"])
    sheet.write_row(2, 0, ["US tech", 40, "POC", "SaaS", "$800k"])
    sheet.write_row(3, 0, ["EU ops", 2000, "Mature", "Logistics", "€6M"])
    book.close()
    return path


def test_score_converts_at_the_rates_given(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    refused = CliRunner().invoke(cli, ["score", str(source), "-o", str(tmp_path / "a.xlsx")])
    assert refused.exit_code == 0, refused.output
    assert ", 2 with issues" in refused.stdout
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(tmp_path / "b.xlsx"),
                                      "--rate", "GBP=1.17", "--rate", "usd=0.92"])
    assert result.exit_code == 0, result.output
    assert ", 0 with issues" in result.stdout
    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx")["Units"]
    header = [c.value for c in sheet[1]]
    rationale = header.index("Rationale") + 1
    # Section 11: the budget's line shows the value as typed, the conversion and the rule.
    assert "budget £5M at 1.17 ➜ €5,850,000 ➜ over €5M ➜ 100 [" in sheet.cell(
        2, rationale).value
    assert "budget $800k at 0.92 ➜ €736,000 ➜ under €2M ➜ 50 [" in sheet.cell(
        3, rationale).value
    assert " at " not in sheet.cell(4, rationale).value


def test_score_frame_with_rates() -> None:
    frame = pd.DataFrame({"size": [300, 300], "maturity": ["POC", "POC"],
                          "budget": ["£5M", "£1M"]})
    scored = score_frame(frame, policy=with_rates(default_policy(), {"GBP": 1.17}))
    assert scored["issues"].isna().all()
    assert [recommend(300, "POC", budget=b, policy=with_rates(default_policy(), {"GBP": 1.17})
                      ).index for b in ("£5M", "£1M")] == scored["index"].tolist()


def test_the_excel_functions_read_rates_from_their_policy_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rates.toml"
    path.write_text("[budget.rates]\nGBP = 1.17\n", "utf-8")
    monkeypatch.delenv(POLICY_ENV, raising=False)
    refused = ORCH_ARCH(300, "POC", "Light", "£6M")
    assert refused.startswith("budget '£6M' is in GBP and no rate is given")
    assert ORCH_ARCH(300, "POC", "Light", "£6M", None, str(path)) == recommend(
        300, "POC", "Light", "€7.02M").architecture
    assert "£6M at 1.17 ➜ €7,020,000" in ORCH_EXPLAIN(300, "POC", "Light", "£6M", None,
                                                      str(path))
    monkeypatch.setenv(POLICY_ENV, str(path))
    assert ORCH_ARCH([[300], [40]], [["POC"], ["POC"]], [["Light"]], [["£6M"], ["£1M"]]) == [
        [recommend(300, "POC", "Light", 7_020_000).architecture],
        [recommend(40, "POC", "Light", 1_170_000).architecture]]
