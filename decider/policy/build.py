"""Checking policy data and compiling it into a `Policy`: each table by its own function,
each problem named by its key ("policy my.toml: key 'size.ranges[2].vote' must be ...")."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from decider.errors import DeciderInputError
from decider.policy.checker import Checker, Rules, add_forms
from decider.policy.model import (
    CRITERIA,
    Policy,
    Rule,
    kind,
    normalise_band,
    normalise_label,
    parse_rate,
)
from decider.policy.ranges import euros, plain_number, scale_of
from decider.policy.words import maturity_vocabulary, regulation_vocabulary

TOP_KEYS = {"name", "article", "decision", "weights", "numbers", "size", "multi_country",
            "maturity", "regulation", "budget", "reading"}


def build_policy(data: Mapping[str, Any], origin: str) -> Policy:
    """Check complete policy data and compile it into a `Policy`."""
    check = Checker(origin)
    top = check.table({"policy": data}, "policy", TOP_KEYS)
    if "reading" in data:
        check.table(data, "reading", {"negations", "negation_prefixes", "negations_after"})
    rules = Rules()
    decision = _decision(check, data)
    weights = _weights(check, data, decision["min_known_criteria"])
    numbers = _numbers(check, data)
    size = _size(check, data, rules)
    multi = _multi_country(check, data, rules)
    maturity = _maturity(check, data, rules)
    regulation = _regulation(check, data, rules)
    budget = _budget(check, data, rules)
    return Policy(
        name=check.text(top, "name"),
        data=json.loads(json.dumps(data, default=str)),
        weights=weights,
        rules={c: tuple(r) for c, r in rules.by_criterion.items()},
        **decision, **numbers, **size, **multi, **maturity, **regulation, **budget,
    )


def _decision(check: Checker, data: Mapping[str, Any]) -> dict[str, Any]:
    decision = check.table(
        data, "decision",
        {"decentralized_below", "centralized_above", "min_known_criteria", "hybrid_source"},
    )
    low = check.number(decision.get("decentralized_below"), "decision.decentralized_below", 0, 100)
    high = check.number(decision.get("centralized_above"), "decision.centralized_above", 0, 100)
    if low > high:
        raise check.fail(
            "decision.decentralized_below",
            f"({float(low):g}) must not be above decision.centralized_above ({float(high):g})",
        )
    min_known = decision.get("min_known_criteria")
    if isinstance(min_known, bool) or not isinstance(min_known, int) or not 1 <= min_known <= 4:
        raise check.fail("decision.min_known_criteria", "must be a whole number from 1 to 4")
    return {"decentralized_below": low, "centralized_above": high,
            "min_known_criteria": min_known,
            "hybrid_source": check.text(decision, "decision.hybrid_source")}


def _weights(check: Checker, data: Mapping[str, Any], min_known: int) -> dict[str, Fraction]:
    table = check.table(data, "weights", set(CRITERIA))
    weights = {c: check.number(table.get(c), f"weights.{c}", 0) for c in CRITERIA}
    if sum(1 for w in weights.values() if w > 0) < min_known:
        raise check.fail("weights", f"must give at least {min_known} criteria a weight above 0")
    return weights


def _numbers(check: Checker, data: Mapping[str, Any]) -> dict[str, Any]:
    numbers = check.table(data, "numbers", {"multipliers", "approximate"})
    table = check.table(data, "numbers.multipliers", set(numbers.get("multipliers") or {}))
    multipliers: dict[str, int] = {}
    for word, factor in table.items():
        if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
            raise check.fail(f"numbers.multipliers.{word}", "must be a whole number above 0")
        multipliers[word.casefold()] = factor
    approximate = check.forms(numbers.get("approximate", []), "numbers.approximate")
    return {"multipliers": multipliers,
            "approximate_words": tuple(w.casefold() for w in approximate)}


def _size(check: Checker, data: Mapping[str, Any], rules: Rules) -> dict[str, Any]:
    size = check.table(data, "size", {"unit", "unit_words", "ranges", "bands"})
    unit = check.text(size, "size.unit")
    scale = scale_of(check, size, "size", unit, plain_number, rules.add)
    bands: dict[str, int] = {}
    table = check.table(data, "size.bands", set(size.get("bands") or {}))
    for label, band in table.items():
        key = f"size.bands.{label}"
        check.table(data, key, {"vote", "forms", "source"})
        index = rules.add("size", Rule(
            "size", f"band {label}", check.number(band.get("vote"), f"{key}.vote", 0, 100),
            str(band.get("source") or f"{check.origin}: band {label}"),
        ))
        for form in [label, *check.forms(band.get("forms", []), f"{key}.forms")]:
            bands[normalise_band(form)] = index
    return {"size_scale": scale, "size_bands": bands,
            "size_unit_words": tuple(check.forms(size.get("unit_words", []),
                                                 "size.unit_words"))}


def _multi_country(check: Checker, data: Mapping[str, Any], rules: Rules) -> dict[str, Any]:
    multi = check.table(data, "multi_country",
                        {"vote", "source", "yes", "no", "countries_above", "aliases"})
    rule = rules.add("size", Rule(
        "size", "operates in several countries",
        check.number(multi.get("vote"), "multi_country.vote", 0, 100),
        check.text(multi, "multi_country.source"),
    ))
    above = check.whole(multi.get("countries_above"), "multi_country.countries_above", 0)
    yes = {normalise_label(f) for f in check.forms(multi.get("yes"), "multi_country.yes")}
    no = {normalise_label(f) for f in check.forms(multi.get("no"), "multi_country.no")}
    if yes & no:
        raise check.fail("multi_country.yes", f"and multi_country.no share '{sorted(yes & no)[0]}'")
    aliases: dict[str, str] = {}
    for name, code in check.optional_table(data, "multi_country.aliases").items():
        if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z]{2}", code):
            raise check.fail(f"multi_country.aliases.{name}",
                             "must be a two-letter ISO 3166 code such as GB")
        aliases[normalise_label(name)] = code.upper()
    return {"multi_country_rule": rule, "multi_country_yes": frozenset(yes),
            "multi_country_no": frozenset(no), "countries_above": above,
            "country_aliases": aliases}


def _maturity(check: Checker, data: Mapping[str, Any], rules: Rules) -> dict[str, Any]:
    maturity = check.table(data, "maturity", {
        "month_words", "year_words", "phases", "months", "words", "models", "ambiguous",
        "default_levels", "score_bounds"})
    phases: dict[str, int] = {}
    order: list[int] = []
    table = check.table(data, "maturity.phases", set(maturity.get("phases") or {}))
    for label, phase in table.items():
        key = f"maturity.phases.{label}"
        check.table(data, key, {"vote", "forms", "source"})
        index = rules.add("maturity", Rule(
            "maturity", label, check.number(phase.get("vote"), f"{key}.vote", 0, 100),
            str(phase.get("source") or f"{check.origin}: {label}"),
        ))
        order.append(index)
        add_forms(check, phases, [label, *check.forms(phase.get("forms", []), f"{key}.forms")],
                  index, key)
    months = scale_of(check, maturity, "maturity", "months", plain_number, rules.add,
                      ranges_key="months")
    bounds = [check.number(b, f"maturity.score_bounds[{i}]", 0, 100)
              for i, b in enumerate(maturity.get("score_bounds", [25, 50, 75]), start=1)]
    if bounds != sorted(bounds):
        raise check.fail("maturity.score_bounds", "must rise, like [25, 50, 75]")
    matcher, meanings = maturity_vocabulary(check, data, phases, order)
    return {"phases": phases, "phase_order": tuple(order), "month_scale": months,
            "maturity_matcher": matcher, "maturity_meanings": meanings,
            "default_levels": check.whole(maturity.get("default_levels", 5),
                                          "maturity.default_levels", 2),
            "score_bounds": tuple(bounds),
            "month_words": tuple(check.forms(maturity.get("month_words"),
                                             "maturity.month_words")),
            "year_words": tuple(check.forms(maturity.get("year_words"),
                                            "maturity.year_words"))}


def _regulation(check: Checker, data: Mapping[str, Any], rules: Rules) -> dict[str, Any]:
    regulation = check.table(data, "regulation",
                             {"levels", "sectors", "words", "regimes", "not_regulations"})
    labels: dict[str, int] = {}
    phrases: dict[str, int] = {}
    levels: dict[str, int] = {}
    table = check.table(data, "regulation.levels", set(regulation.get("levels") or {}))
    for label, level in table.items():
        key = f"regulation.levels.{label}"
        check.table(data, key, {"vote", "forms", "source", "mandatory"})
        mandatory = level.get("mandatory", False)
        if not isinstance(mandatory, bool):
            raise check.fail(f"{key}.mandatory", "must be true or false")
        index = rules.add("regulation", Rule(
            "regulation", label, check.number(level.get("vote"), f"{key}.vote", 0, 100),
            str(level.get("source") or f"{check.origin}: {label}"), mandatory,
        ))
        levels[normalise_label(label)] = index
        forms = [label, *check.forms(level.get("forms", []), f"{key}.forms")]
        add_forms(check, labels, forms, index, key)
    vocabulary = regulation_vocabulary(check, data, rules, levels, labels)
    phrases.update(vocabulary.pop("whole_phrases"))
    return {"regulation_labels": labels, "regulation_phrases": phrases, **vocabulary}


def _budget(check: Checker, data: Mapping[str, Any], rules: Rules) -> dict[str, Any]:
    budget = check.table(
        data, "budget",
        {"currency_words", "currency_codes", "currency_symbols", "ambiguous_symbols",
         "other_currencies", "rates", "period_words", "periods", "ranges"},
    )
    scale = scale_of(check, budget, "budget", "€", euros, rules.add)
    rates = _rates(check, budget.get("rates", {}))
    codes = {c.casefold() for c in check.forms(budget.get("currency_codes", []),
                                                "budget.currency_codes")}
    codes |= {code.casefold() for code in rates}
    symbols = _symbol_table(check, budget.get("currency_symbols", {}), "budget.currency_symbols")
    ambiguous = _symbol_table(check, budget.get("ambiguous_symbols", {}),
                              "budget.ambiguous_symbols")
    for word in check.forms(budget.get("other_currencies", []), "budget.other_currencies"):
        # An older policy's list of currencies to refuse: each asks for its code.
        folded = word.casefold()
        if folded not in symbols and folded not in codes:
            ambiguous.setdefault(folded, "its ISO code")
    periods = {w.casefold(): 1 for w in check.forms(budget.get("period_words", []),
                                                    "budget.period_words")}
    for word, count in check.optional_table(data, "budget.periods").items():
        periods[word.casefold()] = check.whole(count, f"budget.periods.{word}", 1)
    return {"budget_scale": scale, "rates": rates, "currency_codes": frozenset(codes),
            "currency_symbols": symbols, "ambiguous_symbols": ambiguous, "periods": periods,
            "currency_words": tuple(check.forms(budget.get("currency_words"),
                                                "budget.currency_words"))}


def _rates(check: Checker, table: Any) -> dict[str, Decimal]:
    """`[budget.rates]`: euros for one unit of each currency, exact as written."""
    if not isinstance(table, Mapping):
        raise check.fail("budget.rates", f"must be a table like GBP = 1.17, not {kind(table)}")
    rates: dict[str, Decimal] = {}
    for code, value in table.items():
        key = f"budget.rates.{code}"
        if not re.fullmatch(r"[A-Za-z]{3}", code):
            raise check.fail(key, "must be a three-letter currency code such as GBP or USD")
        if code.upper() == "EUR":
            raise check.fail(key, "is the euro itself: budgets are in euros already")
        rates[code.upper()] = parse_rate(value, _failing(check, key))
    return rates


def _failing(check: Checker, key: str) -> Callable[[str], DeciderInputError]:
    return lambda problem: check.fail(key, problem)


def _symbol_table(check: Checker, table: Any, key: str) -> dict[str, str]:
    if not isinstance(table, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise check.fail(key, "must be a table of texts, like \"£\" = \"GBP\"")
    return {symbol.casefold(): currency for symbol, currency in table.items()}
