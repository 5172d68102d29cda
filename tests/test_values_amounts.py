"""Sizes and budgets as people type them (decision policy, sections 9.3, 9.4 and 10):
approximations, ranges, unit words, the dot, multipliers, periods, and the unit a header
or a number format gives a bare number."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from values_agree import assert_entry_points_agree

from decider import DeciderInputError, recommend
from decider.context import ColumnContext, Formatted, Unit
from decider.parsing import read
from decider.policy import default_policy


def size_line(value: Any) -> Any:
    return recommend(value, "POC", "Medium").rationale[0]


def budget_of(value: Any) -> str:
    return recommend(300, "POC", "Medium", value).rationale[3].read_as


def refusal(**inputs: Any) -> str:
    with pytest.raises(DeciderInputError) as error:
        recommend(**{"size": 300, "maturity": "POC", "regulation": "Medium", **inputs})
    return error.value.one_line


@pytest.mark.parametrize(("text", "employees"), [
    ("~450", "450"), ("≈450", "450"), ("approx. 300", "300"), ("about 300", "300"),
    ("around 300", "300"), ("circa 300", "300"), ("c. 1,200", "1,200"), ("ca. 1200", "1,200"),
    ("+/- 300", "300"),
])
def test_approximate_sizes_are_that_number_noted(text: str, employees: str) -> None:
    line = size_line(text)
    assert line.read_as == f"about {employees} employees"
    assert f"size '{text}' read as about {employees} employees" in recommend(
        text, "POC", "Medium").explanation


@pytest.mark.parametrize(("text", "middle", "ends"), [
    ("300-400", "350", "300 to 400"), ("300 to 400", "350", "300 to 400"),
    ("2k-3k", "2,500", "2,000 to 3,000"), ("300 – 400", "350", "300 to 400"),
    ("50-60", "55", "50 to 60"),
])
def test_a_range_that_is_no_band_is_its_midpoint_noted(text: str, middle: str,
                                                       ends: str) -> None:
    assert size_line(text).read_as == f"{middle} employees, the middle of {ends}"


def test_the_matrix_bands_stay_bands() -> None:
    assert size_line("100-500").rule == "band 100-500"
    assert size_line("500-5k").rule == "band 500-5k"


@pytest.mark.parametrize("text", ["450 FTE", "450 employees", "450 staff", "450 people",
                                  "450 heads", "450 (incl. contractors)", "450 FTE (2024)"])
def test_unit_words_and_a_trailing_parenthesis_are_ignored(text: str) -> None:
    assert size_line(text).read_as == "450 employees"


@pytest.mark.parametrize(("text", "employees"), [("1.200", "1,200"), ("12.500", "12,500"),
                                                  ("1.200.000", "1,200,000"),
                                                  ("12.5", "12.5"), ("0.250", "0.25")])
def test_a_dot_before_exactly_three_digits_groups_thousands(text: str, employees: str) -> None:
    assert size_line(text).read_as == f"{employees} employees"


def test_a_dot_before_three_digits_with_a_multiplier_is_refused_naming_both() -> None:
    message = refusal(budget="1.250M")
    assert "could be 1.25 or 1250 before its multiplier" in message


def test_a_range_running_backwards_is_refused() -> None:
    assert "range" in refusal(size="400-300")


# --- budget ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "euros"), [
    ("500k", "500,000"), ("500K", "500,000"), ("500 thousand", "500,000"),
    ("500'000", "500,000"), ("500 T€", "500,000"), ("500 TEUR", "500,000"),
    ("500 Tsd. €", "500,000"), ("500 kEUR", "500,000"),
    ("2m", "2,000,000"), ("2 M", "2,000,000"), ("2 mn", "2,000,000"), ("2 mln", "2,000,000"),
    ("2 million", "2,000,000"), ("2 Mio. €", "2,000,000"), ("2 MEUR", "2,000,000"),
    ("2 M€", "2,000,000"), ("2 MM", "2,000,000"),
    ("1 bn", "1,000,000,000"), ("1 bln", "1,000,000,000"), ("1 billion", "1,000,000,000"),
    ("1 Mrd. €", "1,000,000,000"), ("1.200.000 €", "1,200,000"),
])
def test_budget_multipliers(text: str, euros: str) -> None:
    assert budget_of(text).startswith(f"€{euros} a year")


@pytest.mark.parametrize(("text", "euros"), [
    ("€500k/month", "6,000,000"), ("€500k per month", "6,000,000"),
    ("€500k monthly", "6,000,000"), ("€500k p.m.", "6,000,000"), ("€500k / month", "6,000,000"),
    ("€1M/quarter", "4,000,000"), ("€1M per quarter", "4,000,000"),
    ("€1M quarterly", "4,000,000"),
    ("€3M/year", "3,000,000"), ("€3M p.a.", "3,000,000"), ("€3M per year", "3,000,000"),
    ("€3M annual", "3,000,000"),
])
def test_budget_periods_scale_to_a_year(text: str, euros: str) -> None:
    assert budget_of(text).startswith(f"€{euros} a year")


def test_the_page_example_of_a_monthly_budget() -> None:
    result = recommend(300, "POC", "Medium", "€500k/month")
    assert "budget '€500k/month' ➜ €6,000,000 a year" in result.explanation
    assert result.rationale[3].rule == "over €5M"


def test_a_budget_in_another_currency_still_needs_a_rate() -> None:
    assert "no rate is given" in refusal(budget="$500k/month")


# --- the unit of a header or a number format (section 10) -------------------------------

K_EUR = Unit(Decimal(1000), origin='k€ from the header "AI budget (k€)"')
M_EUR_FORMAT = Unit(Decimal(1_000_000), origin='M€ from the number format 0.0"M€"')
POLICY = default_policy()


def test_a_header_unit_scales_a_bare_number_and_says_so() -> None:
    reading = read(POLICY, "budget", 6000, ColumnContext(unit=K_EUR))
    assert reading.number == 6_000_000
    assert reading.note == ("budget 6000 (k€ from the header \"AI budget (k€)\") "
                            "➜ €6,000,000 a year")
    assert POLICY.rules["budget"][reading.rule or 0].label == "over €5M"
    assert read(POLICY, "budget", "6000", ColumnContext(unit=K_EUR)).number == 6_000_000


def test_a_unit_typed_in_the_cell_wins_over_the_header_and_says_so() -> None:
    reading = read(POLICY, "budget", "€2M", ColumnContext(unit=K_EUR))
    assert reading.number == 2_000_000
    assert reading.note is not None and "typed in the cell" in reading.note


def test_the_number_format_wins_over_the_header() -> None:
    cell = Formatted(6.0, '0.0"M€"', unit=M_EUR_FORMAT)
    reading = read(POLICY, "budget", cell, ColumnContext(unit=K_EUR))
    assert reading.number == 6_000_000
    assert reading.note is not None and "number format" in reading.note


def test_a_period_and_a_currency_in_the_header() -> None:
    monthly = Unit(Decimal(1000), per_year=12, origin='k€ a month from the header')
    assert read(POLICY, "budget", 500, ColumnContext(unit=monthly)).number == 6_000_000
    dollars = Unit(Decimal(1000), currency="USD", origin='k$ from the header')
    assert "no rate" in (read(POLICY, "budget", 500, ColumnContext(unit=dollars)).error or "")


def test_a_size_header_in_thousands() -> None:
    thousands = Unit(Decimal(1000), origin="('000) from the header")
    reading = read(POLICY, "size", 4.5, ColumnContext(unit=thousands))
    assert reading.number == 4500
    assert reading.read_as == "4,500 employees (('000) from the header)"
    typed = read(POLICY, "size", "4.5k", ColumnContext(unit=thousands))
    assert typed.number == 4500 and "typed in the cell" in (typed.note or "")


def test_the_format_and_the_header_each_give_what_the_other_does_not() -> None:
    # The format says millions; the header says "per month": €2M a month, €24M a year.
    monthly = Unit(per_year=12, origin='"per month" from the header')
    cell = Formatted(2.0, '0.0"M€"', unit=M_EUR_FORMAT)
    reading = read(POLICY, "budget", cell, ColumnContext(unit=monthly))
    assert reading.number == 24_000_000
    assert reading.note is not None and "number format" in reading.note
    assert "per month" in reading.note


def test_a_budget_range_is_its_midpoint() -> None:
    assert budget_of("€2-3M").startswith("€2,500,000 a year, the middle of")


def test_every_form_reads_alike_in_score_frame_and_orch_arch() -> None:
    sizes = ["~450", "approx. 300", "c. 1,200", "+/- 300", "300-400", "2k-3k", "450 FTE",
             "450 (incl. contractors)", "1.200", "12.500", "400-300"]
    budgets = ["500 T€", "500 TEUR", "2 Mio. €", "2 MM", "1 Mrd. €", "1.200.000 €",
               "€500k/month", "€1M per quarter", "€3M p.a.", "1.250M", "$500k/month"]
    assert_entry_points_agree([(s, "POC", "Medium", None, None) for s in sizes]
                              + [(300, "POC", "Medium", b, None) for b in budgets])
