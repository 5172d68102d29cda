"""The decision policy as data: thresholds, votes, weights, synonyms and the sector table.

The shipped default is `default_policy.toml` (the article's reconciled rules). A user's
policy file is merged over it key by key, then checked as a whole, so a bad file is
refused with a message naming the key and what is wrong.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from decider.errors import DeciderInputError

CRITERIA: tuple[str, ...] = ("size", "maturity", "regulation", "budget")
INPUTS: tuple[str, ...] = (*CRITERIA, "multi_country")
ARCHITECTURES: tuple[str, ...] = ("Decentralized", "Hybrid", "Centralized")


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of the vote table: what a value is read as, its vote and its source."""

    criterion: str
    label: str
    vote: Fraction
    source: str
    mandatory: bool = False


@dataclass(frozen=True, slots=True)
class Bound:
    """A numeric range's upper end: `value < limit`, or `value <= limit` when inclusive.

    The limit stays the int or float written in the policy, so comparing it with a
    float from a cell or a Decimal read from text is exact either way.
    """

    limit: int | float | None
    inclusive: bool

    def admits(self, value: Any) -> bool:
        if self.limit is None:
            return True
        return bool(value <= self.limit) if self.inclusive else bool(value < self.limit)


@dataclass(frozen=True, slots=True)
class NumericScale:
    """Ordered ranges of one number (employees, months, euros), each with its rule."""

    bounds: tuple[Bound, ...]
    rules: tuple[int, ...]  # index of each range's rule in the criterion's rule list

    def rule_for(self, value: Any) -> int:
        for bound, rule in zip(self.bounds, self.rules, strict=True):
            if bound.admits(value):
                return rule
        raise AssertionError("the last range has no bound")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class SectorForm:
    """One accepted form of a sector, for reading free text (decision policy, section 6)."""

    phrase: str  # normalised by `normalise_phrase`
    words: int
    rank: int  # the level's rank: a tie between phrases of equal length goes higher
    order: int  # the sector's row in the table: a further tie goes to the earlier row
    rule: int  # index in rules["regulation"]


@dataclass(frozen=True, eq=False)
class Policy:
    """The rules in force. Built by `load_policy`; never mutated."""

    name: str
    data: Mapping[str, Any]  # the merged, checked policy, as `decider policy show` prints it
    weights: Mapping[str, Fraction]
    decentralized_below: Fraction
    centralized_above: Fraction
    min_known_criteria: int
    hybrid_source: str
    rules: Mapping[str, tuple[Rule, ...]]  # per criterion, every rule a vote can come from
    size_scale: NumericScale
    size_bands: Mapping[str, int]  # normalised band form -> rule index
    multi_country_rule: int  # rule index in rules["size"]
    multi_country_yes: frozenset[str]
    multi_country_no: frozenset[str]
    countries_above: int
    phases: Mapping[str, int]  # normalised label -> rule index in rules["maturity"]
    month_scale: NumericScale
    regulation_labels: Mapping[str, int]  # normalised label -> rule index
    # A level's or a sector's name or form (normalise_phrase) -> rule index: a whole cell.
    regulation_phrases: Mapping[str, int]
    sector_forms: tuple[SectorForm, ...]  # every sector form, for finding one inside a text
    budget_scale: NumericScale
    multipliers: Mapping[str, int]
    size_unit_words: tuple[str, ...]
    month_words: tuple[str, ...]
    year_words: tuple[str, ...]
    currency_words: tuple[str, ...]
    currency_codes: frozenset[str]  # lower case, the rates' codes included
    currency_symbols: Mapping[str, str]  # casefolded symbol -> code (upper case)
    ambiguous_symbols: Mapping[str, str]  # casefolded symbol -> the currencies it may be
    rates: Mapping[str, Decimal]  # code (upper case) -> euros for one unit
    period_words: tuple[str, ...]
    # Per-policy memo tables (parsed values, decisions); not part of the policy's identity.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def accepted_forms(self, input_name: str) -> str:
        """The accepted forms of one input, as a user reads them in an error message."""
        return _accepted_forms(self, input_name)

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False, default=str)


def normalise_label(text: str) -> str:
    """Fold case, accents, spaces and punctuation: "Scale-up", "scale up" -> "scaleup"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "−": "-", "‒": "-"})


_SINGLE_LETTER_AMPERSAND = re.compile(r"(?<![^\W\d_])([^\W\d_])\s*&\s*([^\W\d_])(?![^\W\d_])")
_NOT_WORD = re.compile(r"[^\w\x00]|_")


def normalise_phrase(text: str) -> str:
    """An industry as words (decision policy, section 6): lower case; `&` kept only between
    two single letters ("o&g", "r&d"), any other `&` read as "and"; every other character
    that is not a letter or digit a space; spaces collapsed. "Oil & Gas" -> "oil and gas"."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\x00", " ")
    folded = _SINGLE_LETTER_AMPERSAND.sub(lambda m: f"{m[1]}\x00{m[2]}", folded)
    words = _NOT_WORD.sub(" ", folded.replace("&", " and ")).split()
    return " ".join(words).replace("\x00", "&")


def closest_form(text: str, forms: list[str]) -> str | None:
    """The accepted form closest to a misspelt value, when one is close ("finanse")."""
    found = difflib.get_close_matches(text, forms, n=1, cutoff=0.8)
    return found[0] if found else None


def normalise_band(text: str) -> str:
    """Fold case, spaces and dash variants: "100 – 500" -> "100-500", "5K+" -> "5k+"."""
    return "".join(text.translate(_DASHES).casefold().split())


# --- loading ---------------------------------------------------------------------------


@cache
def default_policy() -> Policy:
    """The article's policy, shipped in the package."""
    text = resources.files("decider").joinpath("default_policy.toml").read_text("utf-8")
    return build_policy(tomllib.loads(text), origin="the default policy")


def _default_data() -> dict[str, Any]:
    return copy.deepcopy(dict(default_policy().data))


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in a TOML file (merged over the default), or the default for None.

    A template workbook's Policy sheet is read too (`.xlsx`/`.xlsm`), so edits made in
    Excel apply to batch runs.
    """
    if path is None:
        return default_policy()
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from decider.policy_workbook import policy_data_from_workbook

        return policy_from_mapping(policy_data_from_workbook(path), origin=path.name)
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise DeciderInputError(
            f"policy file {path}: cannot be read ({error.strerror or error})"
        ) from None
    except UnicodeDecodeError:
        raise DeciderInputError(
            f"policy file {path}: is not UTF-8 text; a policy file is TOML "
            "(or a decider template workbook)"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DeciderInputError(f"policy file {path}: is not valid TOML: {error}") from None
    return policy_from_mapping(data, origin=path.name)


def policy_from_mapping(data: Mapping[str, Any], origin: str) -> Policy:
    """A user's policy data merged over the default, then checked."""
    merged = _merge(_default_data(), data)
    if "name" not in data:
        merged["name"] = f"policy from {origin}"
    return build_policy(merged, origin=origin)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            base[key] = _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


# --- checking --------------------------------------------------------------------------


class _Checker:
    """Reads the policy tables, naming the key of anything wrong."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, key: str, problem: str) -> DeciderInputError:
        return DeciderInputError(f"policy {self.origin}: key '{key}' {problem}")

    def table(self, data: Mapping[str, Any], key: str, allowed: set[str]) -> Mapping[str, Any]:
        value = self.get(data, key)
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a table, not {_kind(value)}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                f"{key}.{unknown[0]}",
                f"is not a policy key; expected one of: {', '.join(sorted(allowed))}",
            )
        return value

    def get(self, data: Mapping[str, Any], key: str) -> Any:
        node: Any = data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise self.fail(key, "is missing")
            node = node[part]
        return node

    def text(self, data: Mapping[str, Any], key: str) -> str:
        value = data.get(key.rsplit(".", 1)[-1])
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty text, not {_kind(value)}")
        return value

    def number(self, value: Any, key: str, low: float, high: float | None = None) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(key, f"must be a number, not {_kind(value)}")
        try:
            number = Fraction(value)
        except (ValueError, ZeroDivisionError, OverflowError):
            raise self.fail(
                key, f"must be a number or a fraction like \"100/3\", not '{value}'"
            ) from None
        if number < low or (high is not None and number > high):
            span = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
            raise self.fail(key, f"must be {span}, not {value}")
        return number

    def forms(self, value: Any, key: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
            raise self.fail(key, f"must be a list of texts, not {_kind(value)}")
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} '{value}'"


def build_policy(data: Mapping[str, Any], origin: str) -> Policy:
    """Check complete policy data and compile it into a `Policy`."""
    check = _Checker(origin)
    top = check.table(
        {"policy": data},
        "policy",
        {"name", "article", "decision", "weights", "numbers", "size", "multi_country",
         "maturity", "regulation", "budget"},
    )
    name = check.text(top, "name")
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
    hybrid_source = check.text(decision, "decision.hybrid_source")

    weights_table = check.table(data, "weights", set(CRITERIA))
    weights = {
        c: check.number(weights_table.get(c), f"weights.{c}", 0) for c in CRITERIA
    }
    if sum(1 for w in weights.values() if w > 0) < min_known:
        raise check.fail(
            "weights", f"must give at least {min_known} criteria a weight above 0"
        )

    numbers = check.table(data, "numbers", {"multipliers"})
    multipliers_table = check.table(
        data, "numbers.multipliers", set(numbers.get("multipliers") or {})
    )
    multipliers: dict[str, int] = {}
    for word, factor in multipliers_table.items():
        if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
            raise check.fail(f"numbers.multipliers.{word}", "must be a whole number above 0")
        multipliers[word.casefold()] = factor

    rules: dict[str, list[Rule]] = {c: [] for c in CRITERIA}

    def add_rule(criterion: str, rule: Rule) -> int:
        rules[criterion].append(rule)
        return len(rules[criterion]) - 1

    size = check.table(data, "size", {"unit", "unit_words", "ranges", "bands"})
    size_unit = check.text(size, "size.unit")
    size_scale = _scale(check, size, "size", size_unit, _plain_number, add_rule)
    size_bands: dict[str, int] = {}
    bands = check.table(data, "size.bands", set(size.get("bands") or {}))
    for label, band in bands.items():
        key = f"size.bands.{label}"
        check.table(data, key, {"vote", "forms", "source"})
        index = add_rule("size", Rule(
            "size", f"band {label}", check.number(band.get("vote"), f"{key}.vote", 0, 100),
            str(band.get("source") or f"{origin}: band {label}"),
        ))
        for form in [label, *check.forms(band.get("forms", []), f"{key}.forms")]:
            size_bands[normalise_band(form)] = index

    multi = check.table(
        data, "multi_country", {"vote", "source", "yes", "no", "countries_above"}
    )
    multi_rule = add_rule("size", Rule(
        "size", "operates in several countries",
        check.number(multi.get("vote"), "multi_country.vote", 0, 100),
        check.text(multi, "multi_country.source"),
    ))
    countries_above = multi.get("countries_above")
    if isinstance(countries_above, bool) or not isinstance(countries_above, int) or (
        countries_above < 0
    ):
        raise check.fail("multi_country.countries_above", "must be a whole number, 0 or more")
    yes = {normalise_label(f) for f in check.forms(multi.get("yes"), "multi_country.yes")}
    no = {normalise_label(f) for f in check.forms(multi.get("no"), "multi_country.no")}
    if yes & no:
        raise check.fail("multi_country.yes", f"and multi_country.no share '{sorted(yes & no)[0]}'")

    maturity = check.table(data, "maturity", {"month_words", "year_words", "phases", "months"})
    phases: dict[str, int] = {}
    phase_table = check.table(data, "maturity.phases", set(maturity.get("phases") or {}))
    for label, phase in phase_table.items():
        key = f"maturity.phases.{label}"
        check.table(data, key, {"vote", "forms", "source"})
        index = add_rule("maturity", Rule(
            "maturity", label, check.number(phase.get("vote"), f"{key}.vote", 0, 100),
            str(phase.get("source") or f"{origin}: {label}"),
        ))
        _add_forms(check, phases, [label, *check.forms(phase.get("forms", []), f"{key}.forms")],
                   index, key)
    month_scale = _scale(check, maturity, "maturity", "months", _plain_number, add_rule,
                         ranges_key="months")

    regulation = check.table(data, "regulation", {"levels", "sectors"})
    labels: dict[str, int] = {}
    phrases: dict[str, int] = {}
    level_rules: dict[str, Rule] = {}
    level_table = check.table(data, "regulation.levels", set(regulation.get("levels") or {}))
    for label, level in level_table.items():
        key = f"regulation.levels.{label}"
        check.table(data, key, {"vote", "forms", "source", "mandatory"})
        mandatory = level.get("mandatory", False)
        if not isinstance(mandatory, bool):
            raise check.fail(f"{key}.mandatory", "must be true or false")
        rule = Rule(
            "regulation", label, check.number(level.get("vote"), f"{key}.vote", 0, 100),
            str(level.get("source") or f"{origin}: {label}"), mandatory,
        )
        level_rules[normalise_label(label)] = rule
        index = add_rule("regulation", rule)
        forms = [label, *check.forms(level.get("forms", []), f"{key}.forms")]
        _add_forms(check, labels, forms, index, key)
        phrases.update((normalise_phrase(form), index) for form in forms)
    # A level ranks by its vote, and a mandatory level above any other (section 6's ties).
    ordered = sorted(level_rules.values(), key=lambda r: (r.mandatory, r.vote))
    level_ranks = {normalise_label(r.label): rank for rank, r in enumerate(ordered)}
    sector_forms: list[SectorForm] = []
    sector_table = check.table(data, "regulation.sectors", set(regulation.get("sectors") or {}))
    for order, (label, sector) in enumerate(sector_table.items()):
        key = f"regulation.sectors.{label}"
        check.table(data, key, {"level", "forms", "source"})
        level_name = sector.get("level")
        level_rule = level_rules.get(normalise_label(str(level_name)))
        if not isinstance(level_name, str) or level_rule is None:
            raise check.fail(
                f"{key}.level",
                f"must name a regulation level ({', '.join(level_table)}), not '{level_name}'",
            )
        index = add_rule("regulation", Rule(
            "regulation", f"{label} ({level_rule.label})", level_rule.vote,
            str(sector.get("source") or f"{origin}: {label} ➜ {level_rule.label}"),
            level_rule.mandatory,
        ))
        forms = [label, *check.forms(sector.get("forms", []), f"{key}.forms")]
        _add_forms(check, labels, forms, index, key)
        rank = level_ranks[normalise_label(level_rule.label)]
        for form in forms:
            phrase = normalise_phrase(form)
            phrases.setdefault(phrase, index)
            sector_forms.append(SectorForm(phrase, len(phrase.split()), rank, order, index))

    budget = check.table(
        data, "budget",
        {"currency_words", "currency_codes", "currency_symbols", "ambiguous_symbols",
         "other_currencies", "rates", "period_words", "ranges"},
    )
    budget_scale = _scale(check, budget, "budget", "€", _euros, add_rule)
    rates = _rates(check, budget.get("rates", {}))
    codes = {c.casefold() for c in check.forms(budget.get("currency_codes", []),
                                                "budget.currency_codes")}
    codes |= {code.casefold() for code in rates}
    symbols = _symbol_table(check, budget.get("currency_symbols", {}),
                            "budget.currency_symbols")
    ambiguous = _symbol_table(check, budget.get("ambiguous_symbols", {}),
                              "budget.ambiguous_symbols")
    for word in check.forms(budget.get("other_currencies", []), "budget.other_currencies"):
        # An older policy's list of currencies to refuse: each asks for its code.
        folded = word.casefold()
        if folded not in symbols and folded not in codes:
            ambiguous.setdefault(folded, "its ISO code")

    return Policy(
        name=name,
        data=json.loads(json.dumps(data, default=str)),
        weights=weights,
        decentralized_below=low,
        centralized_above=high,
        min_known_criteria=min_known,
        hybrid_source=hybrid_source,
        rules={c: tuple(r) for c, r in rules.items()},
        size_scale=size_scale,
        size_bands=size_bands,
        multi_country_rule=multi_rule,
        multi_country_yes=frozenset(yes),
        multi_country_no=frozenset(no),
        countries_above=countries_above,
        phases=phases,
        month_scale=month_scale,
        regulation_labels=labels,
        regulation_phrases=phrases,
        sector_forms=tuple(sector_forms),
        budget_scale=budget_scale,
        multipliers=multipliers,
        size_unit_words=tuple(check.forms(size.get("unit_words", []), "size.unit_words")),
        month_words=tuple(check.forms(maturity.get("month_words"), "maturity.month_words")),
        year_words=tuple(check.forms(maturity.get("year_words"), "maturity.year_words")),
        currency_words=tuple(check.forms(budget.get("currency_words"), "budget.currency_words")),
        currency_codes=frozenset(codes),
        currency_symbols=symbols,
        ambiguous_symbols=ambiguous,
        rates=rates,
        period_words=tuple(check.forms(budget.get("period_words", []), "budget.period_words")),
    )


def _rates(check: _Checker, table: Any) -> dict[str, Decimal]:
    """`[budget.rates]`: euros for one unit of each currency, exact as written."""
    if not isinstance(table, Mapping):
        raise check.fail("budget.rates", f"must be a table like GBP = 1.17, not {_kind(table)}")
    rates: dict[str, Decimal] = {}
    for code, value in table.items():
        key = f"budget.rates.{code}"
        if not re.fullmatch(r"[A-Za-z]{3}", code):
            raise check.fail(key, "must be a three-letter currency code such as GBP or USD")
        if code.upper() == "EUR":
            raise check.fail(key, "is the euro itself: budgets are in euros already")
        rates[code.upper()] = parse_rate(value, _failing(check, key))
    return rates


def _failing(check: _Checker, key: str) -> Callable[[str], DeciderInputError]:
    return lambda problem: check.fail(key, problem)


def parse_rate(value: Any, fail: Callable[[str], DeciderInputError]) -> Decimal:
    """A rate (euros for one unit) from TOML, a cell or the command line, kept exact."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise fail(f"must be a number of euros for one unit, like 1.17, not {_kind(value)}")
    try:
        rate = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise fail(f"must be a number of euros for one unit, like 1.17, not '{value}'") from None
    if not rate.is_finite() or rate <= 0:
        raise fail(f"must be a number above 0, not '{value}'")
    return rate


def _symbol_table(check: _Checker, table: Any, key: str) -> dict[str, str]:
    if not isinstance(table, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise check.fail(key, "must be a table of texts, like \"£\" = \"GBP\"")
    return {symbol.casefold(): currency for symbol, currency in table.items()}


def with_rates(policy: Policy, rates: Mapping[str, Any]) -> Policy:
    """`policy` with exchange rates added or replaced (`--rate GBP=1.17` beats the file)."""
    if not rates:
        return policy
    data = copy.deepcopy(dict(policy.data))
    table = data.setdefault("budget", {}).setdefault("rates", {})
    table.update({code.upper(): str(rate) for code, rate in rates.items()})
    return build_policy(data, origin="--rate")


def _add_forms(
    check: _Checker, table: dict[str, int], forms: list[str], index: int, key: str
) -> None:
    for form in forms:
        folded = normalise_label(form)
        if not folded:
            raise check.fail(f"{key}.forms", f"has a form with no letters or digits: '{form}'")
        if table.get(folded, index) != index:
            raise check.fail(f"{key}.forms", f"repeats '{form}', already used by another label")
        table[folded] = index


def _plain_number(value: Fraction) -> str:
    return f"{float(value):,.10g}".replace(",", " ")


def _euros(value: Fraction) -> str:
    if value >= 1_000_000:
        return f"€{float(value) / 1e6:g}M"
    if value >= 1_000:
        return f"€{float(value) / 1e3:g}k"
    return f"€{float(value):g}"


def _scale(
    check: _Checker,
    table: Mapping[str, Any],
    criterion: str,
    unit: str,
    show: Callable[[Fraction], str],
    add_rule: Callable[[str, Rule], int],
    ranges_key: str = "ranges",
) -> NumericScale:
    key = f"{criterion}.{ranges_key}"
    ranges = table.get(ranges_key)
    if not isinstance(ranges, list) or not ranges:
        raise check.fail(key, "must be a list of ranges ([[...]] tables)")
    bounds: list[Bound] = []
    indices: list[int] = []
    previous: Bound | None = None
    for position, entry in enumerate(ranges, start=1):
        where = f"{key}[{position}]"
        if not isinstance(entry, Mapping):
            raise check.fail(where, "must be a table with a vote and `below` or `up_to`")
        unknown = sorted(set(entry) - {"below", "up_to", "vote", "source", "label"})
        if unknown:
            raise check.fail(f"{where}.{unknown[0]}",
                             "is not a policy key; expected below, up_to, vote, source, label")
        if "below" in entry and "up_to" in entry:
            raise check.fail(where, "has both `below` and `up_to`: give one")
        last = position == len(ranges)
        limit_key = "below" if "below" in entry else "up_to" if "up_to" in entry else None
        if last and limit_key is not None:
            raise check.fail(where, "is the last range and must have no bound")
        if not last and limit_key is None:
            raise check.fail(where, "must have `below` or `up_to` (only the last range has none)")
        limit: int | float | None = None
        if limit_key is not None:
            raw = entry[limit_key]
            if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
                raise check.fail(f"{where}.{limit_key}", f"must be a number above 0, not {raw!r}")
            limit = raw
            if previous is not None and previous.limit is not None and (
                raw < previous.limit or (raw == previous.limit and not (
                    limit_key == "up_to" and not previous.inclusive))
            ):
                raise check.fail(f"{where}.{limit_key}",
                                 f"({raw}) must be above the range before it ({previous.limit})")
        bound = Bound(limit, limit_key == "up_to")
        label = entry.get("label") or _range_label(previous, bound, unit, show)
        indices.append(add_rule(criterion, Rule(
            criterion, str(label), check.number(entry.get("vote"), f"{where}.vote", 0, 100),
            str(entry.get("source") or f"{check.origin}: {label}"),
        )))
        bounds.append(bound)
        previous = bound
    return NumericScale(tuple(bounds), tuple(indices))


def _range_label(
    previous: Bound | None, bound: Bound, unit: str, show: Callable[[Fraction], str]
) -> str:
    """'under 50', '50 to under 100', '100 to 500', 'over 500', with the unit."""

    def fmt(limit: int | float) -> str:
        text = show(Fraction(limit))
        return text if unit == "€" else f"{text} {unit}"

    def strip(text: str) -> str:
        return text if unit == "€" else text.removesuffix(f" {unit}")

    if previous is None or previous.limit is None:
        assert bound.limit is not None
        return f"under {fmt(bound.limit)}" if not bound.inclusive else f"up to {fmt(bound.limit)}"
    start = (f"over {strip(fmt(previous.limit))}" if previous.inclusive
             else strip(fmt(previous.limit)))
    if bound.limit is None:
        return f"over {fmt(previous.limit)}" if previous.inclusive else (
            f"{fmt(previous.limit)} or more")
    if bound.inclusive:
        joiner = " up to " if previous.inclusive else " to "
        return f"{start}{joiner}{fmt(bound.limit)}"
    return f"{start}{',' if previous.inclusive else ''} to under {fmt(bound.limit)}"


# --- messages --------------------------------------------------------------------------


def _accepted_forms(policy: Policy, input_name: str) -> str:
    data = policy.data
    if input_name == "size":
        bands = ", ".join(data["size"]["bands"])
        return (f"a positive number of employees (4200, 4 200, 4,200, 4.2k) "
                f"or a band ({bands})")
    if input_name == "maturity":
        phases = ", ".join(data["maturity"]["phases"])
        return (f"a phase ({phases}; also pilot, scaling, phase 1-3) or a positive time "
                "practising AI (9, 9 months, 18m, 2 years)")
    if input_name == "regulation":
        levels = ", ".join(data["regulation"]["levels"])
        sectors = ", ".join(data["regulation"]["sectors"])
        return f"a level ({levels}) or a sector ({sectors}), or an industry naming one"
    if input_name == "budget":
        rates = ", ".join(sorted(policy.rates))
        return ("a positive yearly budget in euros (2500000, 2.5M, 2,5 M€, €2.5m, 800k, "
                "EUR 3M), or in another currency whose rate is given with --rate "
                f"(GBP=1.17){f'; rates given: {rates}' if rates else ''}")
    if input_name == "multi_country":
        return "yes or no, TRUE or FALSE, or a number of countries (0, 1, 2, ...)"
    raise KeyError(input_name)

