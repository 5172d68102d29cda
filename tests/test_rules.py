"""The decision policy, row by row: every vote with its bounds, the matrix, the mandatory
rule, every accepted form of every input and a list of refused ones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from decider import DeciderInputError, Result, recommend


def vote_of(criterion: str, **inputs: Any) -> float | None:
    """The vote one criterion casts (other inputs padded so the engine decides)."""
    padding: dict[str, Any] = {"maturity": "Scale-up", "regulation": "Medium"}
    if criterion in padding:
        padding = {"size": 300, "budget": "3M"}
    result = recommend(**{**padding, **inputs})
    return next(v.vote for v in result.rationale if v.criterion == criterion)


# --- votes and bounds (decision-policy §2) ---------------------------------------------


@pytest.mark.parametrize(
    ("size", "vote"),
    [
        (1, 0), (49, 0), (49.99, 0),
        (50, 25), (99, 25), (99.5, 25),
        (100, 50), (300, 50), (500, 50),
        (500.0001, 100), (501, 100), (4200, 100),
    ],
)
def test_size_votes_and_bounds(size: float, vote: float) -> None:
    assert vote_of("size", size=size) == vote
    assert vote_of("size", size=str(size)) == vote


@pytest.mark.parametrize(
    ("band", "vote"), [("<100", 25), ("100-500", 50), ("500-5k", 100), ("5k+", 100)]
)
def test_size_bands(band: str, vote: float) -> None:
    assert vote_of("size", size=band) == vote


@pytest.mark.parametrize("multi", ["yes", "Yes", "TRUE", True, 2, "3", 12.0])
def test_multi_country_makes_size_vote_centralized(multi: Any) -> None:
    assert vote_of("size", size=40, multi_country=multi) == 100


@pytest.mark.parametrize("multi", ["no", "No", "FALSE", False, 0, 1, "1", 1.0, None, ""])
def test_single_country_leaves_the_size_vote(multi: Any) -> None:
    assert vote_of("size", size=40, multi_country=multi) == 0


@pytest.mark.parametrize(
    ("maturity", "vote"),
    [
        ("POC", 0), ("pilot", 0), ("phase 1", 0),
        (1, 25), (5, 25), (5.9, 25), ("5 months", 25),
        (6, 50), ("6", 50), (12, 50), (18, 50), ("18m", 50), ("1.5 years", 50),
        (18.0001, 100), (19, 100), ("2 years", 100),
        ("Scale-up", 50), ("scale", 50), ("scaling", 50), ("phase 2", 50),
        ("Mature", 100), ("phase 3", 100), ("Enterprise", 100),
    ],
)
def test_maturity_votes_and_bounds(maturity: Any, vote: float) -> None:
    assert vote_of("maturity", maturity=maturity) == vote


@pytest.mark.parametrize(
    ("regulation", "vote", "mandatory"),
    [
        ("Light", 0, False), ("Pure tech", 0, False), ("software", 0, False),
        ("SaaS", 0, False), ("tech", 0, False),
        ("Medium", 50, False), ("Strong", 100, False),
        ("Critical", 100, True),
        ("Finance", 100, True), ("banking", 100, True), ("insurance", 100, True),
        ("fintech", 100, True), ("payments", 100, True),
        ("Healthcare", 100, True), ("health", 100, True), ("pharma", 100, True),
        ("hospital", 100, True), ("medtech", 100, True),
        ("Public sector", 100, True), ("government", 100, True),
        ("public administration", 100, True), ("defence", 100, True),
    ],
)
def test_regulation_votes_and_mandatory_sectors(
    regulation: str, vote: float, mandatory: bool
) -> None:
    assert vote_of("regulation", regulation=regulation) == vote
    # A mandatory rule wins over everything else, even an all-Decentralized unit.
    result = recommend(size=10, maturity="POC", regulation=regulation, budget="100k")
    assert (result.mandatory is not None) is mandatory
    if mandatory:
        assert result.architecture == "Centralized"
        assert result.index < 50  # the votes alone say otherwise


@pytest.mark.parametrize(
    ("budget", "vote"),
    [
        (100_000, 50), (1_999_999, 50), (2_000_000, 50), ("2M", 50), ("2,5 M€", 50),
        (5_000_000, 50), ("5M", 50), ("5,000,000", 50), (5_000_000.0, 50),
        (5_000_000.01, 100), ("5.01M", 100), ("€6m", 100), ("EUR 12M", 100),
    ],
)
def test_budget_votes_and_bounds(budget: Any, vote: float) -> None:
    assert vote_of("budget", budget=budget) == vote


# --- the decision (§3) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "maturity", "regulation", "architecture"),
    [
        (40, "POC", "Light", "Decentralized"),
        (300, "Scale-up", "Medium", "Hybrid"),
        (2000, "Mature", "Strong", "Centralized"),
        (8000, "Enterprise", "Critical", "Centralized"),
    ],
)
def test_the_four_matrix_rows(size: int, maturity: str, regulation: str, architecture: str
                              ) -> None:
    assert recommend(size, maturity, regulation).architecture == architecture


def test_an_index_of_exactly_two_thirds_is_hybrid() -> None:
    # Votes 100, 100 and 0 average to exactly 200/3: the bound itself, so Hybrid.
    result = recommend(size=1000, maturity="Mature", regulation="Light")
    assert result.index == pytest.approx(200 / 3)
    assert result.architecture == "Hybrid"


def test_an_index_of_exactly_one_third_is_hybrid() -> None:
    result = recommend(size=10, maturity="POC", regulation="Strong")
    assert result.index == pytest.approx(100 / 3)
    assert result.architecture == "Hybrid"


def test_just_past_the_bounds() -> None:
    # 0, 25, 50 -> 25: Decentralized; 100, 100, 50, 25 -> 68.75: Centralized.
    assert recommend(size=10, maturity=3, regulation="Medium").architecture == "Decentralized"
    assert recommend(2000, "Mature", "Medium", None).architecture == "Centralized"
    assert recommend(2000, "Mature", "Medium", "1M", ).index == 75
    assert recommend(2000, "Mature", "Light", "1M").architecture == "Hybrid"  # 62.5


def test_index_is_the_weighted_mean_of_known_votes() -> None:
    result = recommend(size=70, maturity=24, regulation="Medium", budget="1M")
    assert result.index == (25 + 100 + 50 + 50) / 4


def test_one_known_criterion_is_not_enough() -> None:
    with pytest.raises(DeciderInputError) as error:
        recommend(size=300)
    message = str(error.value)
    assert "not enough information" in message
    assert "maturity, regulation and budget are missing" in message


def test_a_mandatory_regulation_alone_decides() -> None:
    result = recommend(regulation="Public sector")
    assert result.architecture == "Centralized"
    assert result.mandatory is not None and "Public sector" in result.mandatory
    assert result.missing == ("size", "maturity", "budget")


def test_blank_inputs_are_unknown() -> None:
    for blank in (None, "", "   ", float("nan")):
        result = recommend(blank, "Scale-up", "Medium", blank)
        assert result.missing == ("size", "budget")
        assert result.architecture == "Hybrid"


# --- what a result carries (§4) ----------------------------------------------------------


def test_confidence_falls_with_unknowns_and_disagreement() -> None:
    full = recommend(300, "Scale-up", "Medium", "3M")
    partial = recommend(300, "Scale-up", "Medium")
    split = recommend(20, "Mature", "Medium", "3M")
    assert full.confidence == 1
    assert partial.confidence == 0.75
    assert 0 <= split.confidence < full.confidence
    assert all(0 <= r.confidence <= 1 for r in (full, partial, split))


def test_rationale_names_input_value_reading_vote_and_source() -> None:
    result: Result = recommend("4,2k", "18m", "banking", "€2.5m")
    size, maturity, regulation, budget = result.rationale
    assert (size.input, size.value, size.read_as, size.vote) == (
        "size", "4,2k", "4,200 employees", 100)
    assert "Criterion 3" in (size.source or "")
    assert maturity.read_as == "18 months practising AI" and maturity.vote == 50
    assert regulation.rule == "Finance (Critical)"
    assert "Finance/Healthcare" in (regulation.source or "")
    assert budget.read_as == "€2,500,000 a year" and budget.vote == 50
    assert result.mandatory is not None and "mandatory" in result.mandatory
    assert result.explanation.startswith("Centralized, mandatory for regulation Finance")


def test_result_to_dict_is_json_ready() -> None:
    data = recommend(300, "Scale-up", "Medium", "2,5 M€").to_dict()
    assert set(data) >= {"architecture", "index", "confidence", "rationale", "missing",
                         "mandatory"}
    assert data["rationale"][3] == {
        "criterion": "budget", "input": "budget", "value": "2,5 M€",
        "read_as": "€2,500,000 a year", "vote": 50.0, "weight": 1.0, "rule": "€2M to €5M",
        "source": data["rationale"][3]["source"],
    }


def test_inputs_by_position_and_keyword_agree() -> None:
    assert recommend(300, "Scale-up", "Medium", "2.5M", "no") == recommend(
        size=300, maturity="Scale-up", regulation="Medium", budget="2.5M", multi_country="no")


# --- accepted forms (§1) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "employees"),
    [
        ("4200", "4,200"), ("4 200", "4,200"), ("4\u00a0200", "4,200"), ("4,200", "4,200"),
        ("4.2k", "4,200"), ("4,2k", "4,200"), ("4.2K", "4,200"), ("1,250,000", "1,250,000"),
        ("300 employees", "300"), ("  300  ", "300"), ("12.5", "12.5"), ("2,5", "2.5"),
    ],
)
def test_size_numbers(text: str, employees: str) -> None:
    result = recommend(size=text, maturity="POC")
    assert result.rationale[0].read_as == f"{employees} employees"


@pytest.mark.parametrize(
    ("text", "euros"),
    [
        ("2500000", "2,500,000"), ("2.5M", "2,500,000"), ("2,5 M€", "2,500,000"),
        ("€2.5m", "2,500,000"), ("800k", "800,000"), ("EUR 3M", "3,000,000"),
        ("3 Mio", "3,000,000"), ("2 500 000 €", "2,500,000"), ("€2M/year", "2,000,000"),
        ("1,2345M", "1,234,500"),
    ],
)
def test_budget_forms(text: str, euros: str) -> None:
    result = recommend(size=300, budget=text)
    assert result.rationale[3].read_as == f"€{euros} a year"


@pytest.mark.parametrize(
    ("value", "input_name", "problem"),
    [
        ("$3M", "budget", "is in USD and no rate is given: add --rate USD="),
        ("£2M", "budget", "is in GBP and no rate is given: add --rate GBP="),
        ("3M USD", "budget", "is in USD and no rate"), ("USD 3000000", "budget", "is in USD"),
        ("¥3M", "budget", "uses '¥', which stands for JPY or CNY: write the currency's code"),
        ("500k kr", "budget", "uses 'kr', which stands for SEK, NOK, DKK or ISK"),
        ("£5M €", "budget", "names two currencies (EUR, GBP)"),
        ("-5", "size", "must be above 0"), ("0", "size", "must be above 0"),
        (0, "size", "must be above 0"), (-3.5, "size", "must be above 0"),
        ("0", "budget", "must be above 0"), (-1, "budget", "must be above 0"),
        ("0 months", "maturity", "must be above 0"), (-6, "maturity", "must be above 0"),
        ("lots", "size", "not recognised"), ("1.234.5", "size", "not recognised"),
        ("4 20", "size", "not recognised"), (True, "size", "is not a size"),
        ("Galactic", "regulation", "not recognised"), (42, "regulation", "not recognised"),
        ("Phase 5", "maturity", "phase the article does not have"),
        ("soon", "maturity", "not recognised"),
        ("maybe", "multi_country", "not recognised"), (-2, "multi_country", "not a number"),
        (1.5, "multi_country", "not a number"), (float("inf"), "size", "not recognised"),
        ("3 bananas", "budget", "not recognised"),
    ],
)
def test_refused_values_name_the_input_the_value_and_the_accepted_forms(
    value: Any, input_name: str, problem: str
) -> None:
    inputs: dict[str, Any] = {"size": 300, "maturity": "POC", "regulation": "Medium"}
    inputs[input_name] = value
    with pytest.raises(DeciderInputError) as error:
        recommend(**inputs)
    message = error.value.one_line
    assert message.startswith(f"{input_name.replace('_', '-')} '")
    assert problem in message
    assert "accepted:" in message
    assert "\n" not in message


def test_several_bad_values_are_all_reported() -> None:
    with pytest.raises(DeciderInputError) as error:
        recommend(size="lots", maturity="soon", regulation="Medium")
    assert len(error.value.problems) == 2
    assert error.value.problems[0].startswith("size 'lots'")
    assert error.value.problems[1].startswith("maturity 'soon'")


def test_decimal_and_numpy_numbers_are_numbers() -> None:
    numpy = pytest.importorskip("numpy")
    assert recommend(Decimal("500"), numpy.int64(7), "Medium").rationale[0].vote == 50
    assert recommend(numpy.float64(501), numpy.float32(19), "Medium").architecture == (
        "Centralized")
    with pytest.raises(DeciderInputError):
        recommend(numpy.bool_(True), "POC", "Medium")
