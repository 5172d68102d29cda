"""The decision policy's data model: rules, numeric ranges, word meanings and `Policy`.

A `Policy` is built from checked data by `decider.policy.build` and loaded by
`decider.policy.loading`; this module holds only what they build and the small text
helpers that several readers share.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from decider.errors import DeciderInputError
from decider.policy.vocabulary import PhraseMatcher

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
class Meaning:
    """What a phrase of the vocabulary means: a rule, or a refusal (an ambiguous maturity
    word, a standard that is no regulation)."""

    rule: int | None
    # How the phrase was read, for the rationale: "Gartner AI Maturity Model: Systemic",
    # "DORA"; empty for a phase's or a level's own words.
    reading: str = ""
    refusal: str | None = None
    kind: str = "word"  # "level", "sector", "regime", "word"


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
    country_aliases: Mapping[str, str]  # normalised name -> ISO 3166 alpha-2 code
    phases: Mapping[str, int]  # normalised label -> rule index in rules["maturity"]
    phase_order: tuple[int, ...]  # the phases' rules, POC first: phase k is [k - 1]
    maturity_matcher: PhraseMatcher
    maturity_meanings: tuple[Meaning, ...]
    default_levels: int  # a level with no scale is on 1..this (section 9.1: 5)
    score_bounds: tuple[Fraction, ...]  # a 0-100 score below bound k is phase k + 1
    month_scale: NumericScale
    regulation_labels: Mapping[str, int]  # normalised label -> rule index
    # A level's or a sector's name or form (normalise_phrase) -> rule index: a whole cell.
    regulation_phrases: Mapping[str, int]
    regulation_matcher: PhraseMatcher  # sectors and regimes, found inside a text
    level_matcher: PhraseMatcher  # level words, found inside a text naming no sector
    regulation_meanings: tuple[Meaning, ...]
    level_meanings: tuple[Meaning, ...]
    budget_scale: NumericScale
    multipliers: Mapping[str, int]
    approximate_words: tuple[str, ...]
    size_unit_words: tuple[str, ...]
    month_words: tuple[str, ...]
    year_words: tuple[str, ...]
    currency_words: tuple[str, ...]
    currency_codes: frozenset[str]  # lower case, the rates' codes included
    currency_symbols: Mapping[str, str]  # casefolded symbol -> code (upper case)
    ambiguous_symbols: Mapping[str, str]  # casefolded symbol -> the currencies it may be
    rates: Mapping[str, Decimal]  # code (upper case) -> euros for one unit
    periods: Mapping[str, int]  # casefolded period word -> how many in a year
    # Per-policy memo tables (parsed values, decisions); not part of the policy's identity.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def period_words(self) -> tuple[str, ...]:
        return tuple(self.periods)

    def accepted_forms(self, input_name: str) -> str:
        """The accepted forms of one input, short, as a user reads them in an error."""
        return accepted_forms(self, input_name)

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False, default=str)


def normalise_label(text: str) -> str:
    """Fold case, accents, spaces and punctuation: "Scale-up", "scale up" -> "scaleup"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "−": "-", "‒": "-"})


def normalise_band(text: str) -> str:
    """Fold case, spaces and dash variants: "100 – 500" -> "100-500", "5K+" -> "5k+"."""
    return "".join(text.translate(_DASHES).casefold().split())


def kind(value: Any) -> str:
    """A value's kind in a message about policy data."""
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} '{value}'"


def parse_rate(value: Any, fail: Callable[[str], DeciderInputError]) -> Decimal:
    """A rate (euros for one unit) from TOML, a cell or the command line, kept exact."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise fail(f"must be a number of euros for one unit, like 1.17, not {kind(value)}")
    try:
        rate = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise fail(f"must be a number of euros for one unit, like 1.17, not '{value}'") from None
    if not rate.is_finite() or rate <= 0:
        raise fail(f"must be a number above 0, not '{value}'")
    return rate


FULL_LIST = "all forms: decider policy show"


def accepted_forms(policy: Policy, input_name: str) -> str:
    """Short: the main forms, and where the full list is (section 9: errors stay short)."""
    data = policy.data
    if input_name == "size":
        bands = ", ".join(data["size"]["bands"])
        return (f"a positive number of employees (4200, 4 200, 4,200, 4.2k, ~450) "
                f"or a band ({bands}); {FULL_LIST}")
    if input_name == "maturity":
        phases = ", ".join(data["maturity"]["phases"])
        return (f"a phase ({phases}; also pilot, production, BAU, Level 3, 3/5, 85%), "
                f"months practising AI (9, 18m, 2 years) or a start date (2024-03); "
                f"{FULL_LIST}")
    if input_name == "regulation":
        levels = ", ".join(data["regulation"]["levels"])
        return (f"a level ({levels}), a sector (Finance, Retail...) or a regulation "
                f"(DORA, HIPAA, NIS2, GDPR...); {FULL_LIST} --words")
    if input_name == "budget":
        rates = ", ".join(sorted(policy.rates))
        return ("a positive yearly budget in euros (2500000, 2.5M, 2,5 M€, 800k, "
                "€500k/month), or in another currency whose rate is given with --rate "
                f"(GBP=1.17){f'; rates given: {rates}' if rates else ''}; {FULL_LIST} --words")
    if input_name == "multi_country":
        return ("yes or no, a number of countries, a list of countries (DE, FR, IT) or a "
                f"region (Global, EMEA, Nordics); {FULL_LIST} --words")
    raise KeyError(input_name)
