"""Any value in, with any column context: a reading or one clear refusal, never another
exception (decision policy, section 9; Hypothesis)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider import DeciderInputError, recommend
from decider.context import ColumnContext, Formatted, Unit
from decider.parsing import Reading, read
from decider.policy import INPUTS, default_policy

POLICY = default_policy()
# Pieces of what people type, so that the generated texts reach deep into the readers.
PIECES = ["level", "L", "lvl", "stage", "tier", "phase", "of", "/", "%", "-", "to", "~",
          "approx.", "c.", "k", "M", "Mio.", "Mrd.", "bn", "T€", "TEUR", "€", "$", "£", "kr",
          "/month", "per quarter", "p.a.", "(", ")", ",", ".", "'000", "no", "non", "excl.",
          "-free", "only", "and", "&", "+", ";", "managed", "pilot", "production", "BAU",
          "Systemic", "DORA", "NIS2", "important", "AI Act", "high-risk", "ISO 27001",
          "retail", "health", "banking", "GDPR", "EMEA", "DE", "FR", "NO", "UK", "Nordics",
          "Mar", "2024", "2024-03", "13", "0", "1.200", "4,200", "1.234,5", "9", "months",
          "years", "employees", "FTE", "very high", "none", "n/a", "#N/A", " ", "\u00a0",
          # European amounts, levels with their names, country lists with remarks.
          "6.000.000,00", "1.250.000,50", ",-", ",–", "EUR", "/Jahr", "pro Monat", "4 -",
          "Managed (4)", "(Defined)", "Optimized", "Level 4 –", "multiple", "several",
          "one", "multi-national", "Germany", "(HQ)", "(incl. Austria)", "(from 2025)",
          "(2)", "(not yet)", "Poland", "Nordics (4)"]
texts = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=7).map(" ".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.integers(0, 10_000).map(str)),
             max_size=6).map("".join),
)
numbers = st.one_of(st.floats(), st.integers(-10**12, 10**12),
                    st.decimals(allow_nan=True, allow_infinity=True), st.booleans())
units = st.one_of(st.none(), st.builds(
    Unit, multiplier=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**12),
                                 allow_nan=False),
    currency=st.sampled_from([None, "EUR", "USD", "GBP"]), per_year=st.integers(1, 12),
    origin=st.text(max_size=20)))
formatted = st.builds(Formatted, value=st.floats(), format_code=st.text(max_size=10),
                      unit=units, percent=st.booleans(), date=st.booleans())
values = st.one_of(st.none(), texts, numbers, formatted, st.dates(), st.datetimes())
contexts = st.builds(ColumnContext, unit=units, levels=st.one_of(st.none(), st.integers(0, 20)),
                     score=st.booleans(), origin=st.text(max_size=20),
                     as_of=st.one_of(st.none(), st.dates()))


def _check(reading: Any) -> None:
    assert isinstance(reading, Reading)
    if reading.error is not None:
        assert reading.error and "\n" not in reading.error and reading.rule is None
    else:
        assert reading.rule is None or reading.rule >= 0


@given(st.sampled_from(INPUTS), values, contexts)
@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
def test_any_value_in_any_context_is_a_reading(name: str, value: Any,
                                               context: ColumnContext) -> None:
    _check(read(POLICY, name, value, context))


@given(st.sampled_from(INPUTS), values, st.one_of(st.none(), st.dates()))
@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow])
def test_any_value_through_recommend_is_a_result_or_our_error(
        name: str, value: Any, as_of: date | None) -> None:
    padding: dict[str, Any] = {"size": 300, "maturity": "Scale-up", "regulation": "Medium"}
    try:
        result = recommend(**{**padding, name: value}, as_of=as_of)
    except DeciderInputError as error:
        assert error.one_line and "\n" not in error.one_line
    else:
        assert result.architecture in {"Centralized", "Hybrid", "Decentralized"}
        assert 0 <= result.index <= 100


@given(texts)
@settings(max_examples=600)
def test_the_same_text_reads_the_same_in_every_input_twice(text: str) -> None:
    for name in INPUTS:
        first = read(POLICY, name, text)
        POLICY.memo.clear()
        assert read(POLICY, name, text) == first


def test_dates_and_datetimes_are_maturity_only() -> None:
    assert read(POLICY, "maturity", date(2020, 1, 1)).rule is not None
    assert read(POLICY, "size", datetime(2020, 1, 1)).error is not None


def test_a_cell_of_thousands_of_words_is_read() -> None:
    text = "bank retail no health data, " * 1200
    assert read(POLICY, "regulation", text).rule is not None
    for name in ("size", "maturity", "budget", "multi_country"):
        reading = read(POLICY, name, text)
        assert reading.error is not None and len(reading.error) < 600
