"""Section 10 of the decision policy, the pure part: what a header cell and a number
format say about a column's numbers (`decider.headers`, `numformats.format_meaning`).
The value reader (issue 13) applies these objects; here we check that the right ones
are produced, decided once per column."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decider.context import NO_CONTEXT, ColumnContext, Unit
from decider.errors import DeciderInputError
from decider.headers import column_context, fields_of, header_unit, maturity_context
from decider.workbook.portfolio.numformats import format_meaning

K, M, BN = Decimal(1000), Decimal(1_000_000), Decimal(1_000_000_000)


@pytest.mark.parametrize("header,multiplier,seen", [
    ("AI budget (k€)", K, "k€"), ("AI budget €k", K, "€k"), ("kEUR AI budget", K, "kEUR"),
    ("AI budget TEUR", K, "TEUR"), ("AI budget T€", K, "T€"),
    ("AI budget EUR '000", K, "EUR '000"), ("AI budget €'000", K, "€'000"),
    ("AI budget (000s)", K, "000s"), ("AI budget in thousands", K, "thousands"),
    ("2026 AI spend, €m", M, "€m"), ("AI budget m€", M, "m€"), ("AI budget €M", M, "€M"),
    ("AI budget MEUR", M, "MEUR"), ("AI budget € mn", M, "€ mn"),
    ("AI budget (€ millions)", M, "€ millions"), ("AI budget in millions", M, "millions"),
    ("AI budget Mio. €", M, "Mio. €"), ("AI budget €bn", BN, "€bn"),
])
def test_a_budget_header_scales_its_column(header: str, multiplier: Decimal, seen: str
                                           ) -> None:
    unit = header_unit("budget", header)
    assert unit == Unit(multiplier, None, 1, origin=f'{seen} from the header "{header}"')


@pytest.mark.parametrize("header,currency", [
    ("AI budget (USD)", "USD"), ("AI budget ($)", "USD"), ("AI budget GBP", "GBP"),
    ("AI budget (£)", "GBP"), ("AI budget CHF", "CHF"), ("AI budget (kUSD)", "USD")])
def test_a_currency_in_the_header_is_the_columns_currency(header: str, currency: str
                                                          ) -> None:
    unit = header_unit("budget", header)
    assert unit is not None and unit.currency == currency
    assert unit.origin.endswith(f'from the header "{header}"')


@pytest.mark.parametrize("header,per_year", [
    ("AI spend per month (€)", 12), ("Monthly AI spend", 12), ("AI budget p.m.", 12),
    ("AI spend per quarter", 4), ("Quarterly AI spend (k€)", 4)])
def test_a_period_in_the_header_scales_to_a_year(header: str, per_year: int) -> None:
    unit = header_unit("budget", header)
    assert unit is not None and unit.per_year == per_year


@pytest.mark.parametrize("header", ["AI budget", "AI spend (EUR/yr)", "Budget 2026 (€)",
                                    "AI budget (approved)", "AI budget (EUR, est.)",
                                    "Annual AI spend"])
def test_a_header_that_says_euros_a_year_is_no_context(header: str) -> None:
    assert header_unit("budget", header) is None
    assert column_context("budget", header) == NO_CONTEXT


@pytest.mark.parametrize("header,multiplier", [
    ("Headcount ('000)", K), ("Employees (k)", K), ("Staff (thousands)", K),
    ("Headcount in thousands", K)])
def test_a_size_header_scales_its_column(header: str, multiplier: Decimal) -> None:
    unit = header_unit("size", header)
    assert unit is not None and unit.multiplier == multiplier and unit.currency is None


def test_a_header_wrapped_on_two_lines_is_read_as_one() -> None:
    unit = header_unit("budget", "AI budget\n(k€)")
    assert unit is not None and unit.origin == 'k€ from the header "AI budget (k€)"'
    with pytest.raises(DeciderInputError, match=r"^column 'AI budget \(bitcoin\)'"):
        header_unit("budget", "AI budget\r\n(bitcoin)")


@pytest.mark.parametrize("header", ["Headcount (FTE)", "Employees 2026", "Staff (approx.)"])
def test_a_size_header_without_a_scale_is_no_context(header: str) -> None:
    assert header_unit("size", header) is None


def test_an_unknown_unit_in_a_budget_header_is_refused_naming_the_column() -> None:
    with pytest.raises(DeciderInputError, match=r"column 'AI budget \(bitcoin\)': 'bitcoin' "
                                                r"is no unit decider knows"):
        header_unit("budget", "AI budget (bitcoin)")
    with pytest.raises(DeciderInputError, match="kr may be SEK, NOK, DKK or ISK"):
        header_unit("budget", "AI budget (kr)")
    with pytest.raises(DeciderInputError, match="two scales"):
        header_unit("budget", "AI budget (k€) in millions")


@pytest.mark.parametrize("header,values,levels,score", [
    ("AI maturity (1-5)", [], 5, False), ("AI maturity level /4", [], 4, False),
    ("AI maturity, 1-4 scale", [], 4, False), ("AI maturity level", [1, 2, 7], 7, False),
    ("AI maturity tier", [1, 2], 5, False), ("AI maturity", [1, 2, 3, 5], 5, False),
    ("AI maturity score", [35, 80], None, True), ("AI maturity score", [1, 3, 4], 5, False),
    ("AI maturity (%)", [], None, True), ("AI maturity index (0-100)", [], None, True),
    ("AI phase", [1, 2], 4, False),
])
def test_maturity_levels_and_scores_from_the_header_or_the_values(
        header: str, values: list[int], levels: int | None, score: bool) -> None:
    context = maturity_context(header, values)
    assert (context.levels, context.score) == (levels, score)
    assert context.origin  # the rationale can say where it came from


@pytest.mark.parametrize("header,values", [
    ("AI maturity", [3, 12, 24]), ("Months of AI", [1, 2, 3]), ("AI since", [2023.0]),
    ("AI maturity", [1.5, 2]), ("AI maturity", ["Mature", "POC"]), ("Go-live", [])])
def test_months_and_dates_stay_as_they_are(header: str, values: list[object]) -> None:
    assert maturity_context(header, values) == NO_CONTEXT


def test_as_of_travels_with_the_maturity_context() -> None:
    from datetime import date

    day = date(2026, 6, 30)
    assert maturity_context("AI since", [], day) == ColumnContext(as_of=day)
    assert maturity_context("AI maturity (1-5)", [], day).as_of == day


@pytest.mark.parametrize("header,fields", [
    ("People partner", set()), ("Headcount", {"size"}), ("AI budget share", set()),
    ("AI budget (€)", {"budget"}), ("IT budget 2026 (€)", set()),
    ("Digital budget", set()), ("Total budget", set()), ("AI & IT budget", {"budget"}),
    ("Marketing spend", set()), ("R&D budget", set()), ("Capex budget", set()),
    ("Budget owner", set()), ("Headcount %", set()), ("AI maturity (%)", {"maturity"}),
    ("AI readiness", {"maturity"}), ("AI adoption", {"maturity"}),
    ("AI since", {"maturity"}), ("Go-live", {"maturity"}), ("Started AI", {"maturity"}),
    ("Regulatory exposure", {"regulation"}), ("Compliance regime", {"regulation"}),
    ("Mitarbeiter", {"size"}), ("Beschäftigte", {"size"}), ("Effectif", {"size"}),
    ("Empleados", {"size"}), ("Dipendenti", {"size"}), ("Medewerkers", {"size"}),
    ("KI-Reifegrad", {"maturity"}), ("Maturité IA", {"maturity"}),
    ("Madurez IA", {"maturity"}), ("Maturità IA", {"maturity"}),
    ("AI-volwassenheid", {"maturity"}), ("Branche", {"regulation"}),
    ("Secteur", {"regulation"}), ("Settore", {"regulation"}),
    ("Regulierung", {"regulation"}), ("Réglementation", {"regulation"}),
    ("Regulación", {"regulation"}), ("Regolamentazione", {"regulation"}),
    ("Regelgeving", {"regulation"}), ("KI-Budget", {"budget"}), ("Budget IA", {"budget"}),
    ("Presupuesto IA", {"budget"}), ("Länder", {"multi_country"}),
    ("Pays", {"multi_country"}), ("Países", {"multi_country"}),
    ("Paesi", {"multi_country"}), ("Landen", {"multi_country"}),
])
def test_which_input_a_header_names(header: str, fields: set[str]) -> None:
    assert fields_of(header) == fields


# -- number formats ----------------------------------------------------------------------


@pytest.mark.parametrize("code,multiplier,currency", [
    ('0.0"M€"', M, None), ('#,##0"k€"', K, None), ('0.0" Mio. €"', M, None),
    ('[$$-409]#,##0', Decimal(1), "USD"), ('"$"#,##0', Decimal(1), "USD"),
    ("£#,##0", Decimal(1), "GBP"), ('$#,##0.0,,"M"', Decimal(1), "USD"),
    ('[Red]#,##0"k€";-0', K, None), ('0.0"k"', K, None)])
def test_a_number_format_with_a_unit_says_what_the_stored_number_is(
        code: str, multiplier: Decimal, currency: str | None) -> None:
    meaning = format_meaning(code)
    assert meaning is not None and meaning.unit is not None
    assert (meaning.unit.multiplier, meaning.unit.currency) == (multiplier, currency)
    assert meaning.unit.origin.endswith(f"from the number format {code}")
    wrapped = meaning.wrap(6.0)
    assert (wrapped.value, wrapped.format_code, wrapped.unit) == (6.0, code, meaning.unit)


@pytest.mark.parametrize("code", ["0.00", "#,##0", "General", '#,##0 €', '0" employees"',
                                  "@"])
def test_a_format_that_says_nothing_more_leaves_a_bare_number(code: str) -> None:
    assert format_meaning(code) is None


@pytest.mark.parametrize("code", ['€#,##0.0,,"M"', '#,##0.0,"k"', "#,##0,", '0.0,,"M€"'])
def test_scaling_commas_say_the_stored_number_is_whole(code: str) -> None:
    """Scaling commas scale only the display: the stored number is whole (euros here), so
    a header's scale does not apply to it (it used to: 1,500,000 shown as 1,500 under
    "AI budget (k€)" was read as €1.5bn)."""
    meaning = format_meaning(code)
    assert meaning is not None and meaning.unit is not None
    assert (meaning.unit.whole, meaning.unit.multiplier, meaning.unit.currency) == (
        True, Decimal(1), None)
    from decider.context import ColumnContext
    from decider.headers import header_unit
    from decider.parsing import read
    from decider.policy import default_policy
    context = ColumnContext(unit=header_unit("budget", "AI budget (k€)"))
    reading = read(default_policy(), "budget", meaning.wrap(1_500_000.0), context)
    assert reading.number == Decimal(1_500_000)
    assert "not k€ from the header" in (reading.note or reading.read_as)


@pytest.mark.parametrize("code,symbol", [('#,##0 "kr"', "kr"), ("#,##0 [$¥-804]", "¥"),
                                         ('#,##0" dollars"', "dollars")])
def test_a_symbol_several_currencies_share_is_shown_never_read_as_euros(code: str,
                                                                        symbol: str) -> None:
    meaning = format_meaning(code)
    assert meaning is not None and meaning.ambiguous == symbol
    assert meaning.wrap(6000.0) == f"6000 {symbol}"  # the reader refuses it, asking the code


@pytest.mark.parametrize("code,percent,date", [
    ("0%", True, False), ("0.00%", True, False), ("yyyy-mm-dd", False, True),
    ("d-mmm-yy", False, True), ("[$-409]mmmm d, yyyy", False, True), ("h:mm", False, True)])
def test_percent_and_date_formats(code: str, percent: bool, date: bool) -> None:
    meaning = format_meaning(code)
    assert meaning is not None and (meaning.percent, meaning.date) == (percent, date)


@given(st.text(max_size=40))
def test_any_format_code_is_read_or_left_alone_never_a_crash(code: str) -> None:
    meaning = format_meaning(code)
    assert (meaning is None or meaning.unit is not None or meaning.percent or meaning.date
            or meaning.ambiguous is not None)


@given(st.text(max_size=40))
def test_any_header_gives_a_context_or_a_one_line_refusal(header: str) -> None:
    for field in ("size", "budget", "maturity"):
        try:
            context = column_context(field, header)
        except DeciderInputError as error:
            assert "\n" not in error.one_line and " ".join(header.split()) in error.one_line
        else:
            assert isinstance(context, ColumnContext)


def test_a_datasets_column_names_give_the_contexts_once_on_the_client() -> None:
    """`--format parquet` (Dask): the column names are the headers; maturity is judged by
    its name only, a partition's values not being the column's."""
    from decider.distributed import header_contexts

    contexts = header_contexts({"size": "Headcount ('000)", "budget": "AI budget (k€)",
                                "maturity": "AI maturity (1-5)", "regulation": "Sector",
                                "multi_country": None})
    assert set(contexts) == {"size", "budget", "maturity"}
    assert contexts["budget"].unit is not None and contexts["budget"].unit.multiplier == K
    assert contexts["maturity"].levels == 5
    with pytest.raises(DeciderInputError, match="bitcoin"):
        header_contexts({"budget": "AI budget (bitcoin)"})
