"""The classes of each input (decision policy, section 12) and a value of each as a user
types it. See `decider.changes` for how classes are built and ordered.

A size or budget example is typed into a cell whose column (or number format) may give a
bare number a unit: under "Headcount ('000)" a 501 is 501,000 employees. There the
example is a bare number in that unit ("0.501 in this column's thousands of employees"),
checked by reading it as that cell would, never a number that means something else."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from decider.context import ColumnContext, Unit
from decider.parsing import read
from decider.policy import Bound, NumericScale, Policy


@dataclass(frozen=True, slots=True)
class InputClass:
    """Rules of one input that vote alike."""

    rules: frozenset[int]
    representative: int  # any of them: the decision is the same
    words: str
    ranges: tuple[int, ...]  # positions in the input's numeric scale, in order
    label: str | None  # a phase, level or band to show as the example, if any


_SCALES = {"size": "size_scale", "maturity": "month_scale", "budget": "budget_scale"}


def classes(policy: Policy, input_name: str) -> tuple[InputClass, ...]:
    """The input's classes in order (memoised per policy). Multi-country: no, yes."""
    memo_key = ("changes.classes", input_name)
    found: tuple[InputClass, ...] | None = policy.memo.get(memo_key)
    if found is None:
        found = policy.memo[memo_key] = _build_classes(policy, input_name)
    return found


def _build_classes(policy: Policy, input_name: str) -> tuple[InputClass, ...]:
    if input_name == "multi_country":
        # Multi-country moves the state, not a rule: the representative is 0 (no), 1 (yes).
        return (InputClass(frozenset(), 0, "no", (), "no"),
                InputClass(frozenset(), 1, "yes", (), "yes"))
    rules = policy.rules[input_name]
    scale: NumericScale | None = getattr(policy, _SCALES[input_name], None) if (
        input_name in _SCALES) else None
    groups: dict[tuple[Fraction, bool], list[int]] = {}
    for index, rule in enumerate(rules):
        if input_name == "size" and index == policy.multi_country_rule:
            continue
        groups.setdefault((rule.vote, rule.mandatory), []).append(index)
    named = _named_rules(policy, input_name)
    built = []
    for _, members in sorted(groups.items()):
        ranges = tuple(p for p, r in enumerate(scale.rules) if r in members) if scale else ()
        labels = [rules[i].label for i in members if i in named]
        words = _class_words(policy, input_name, labels, ranges, scale)
        built.append(InputClass(frozenset(members), members[0], words, ranges,
                                labels[0] if labels else None))
    return tuple(built)


def _named_rules(policy: Policy, input_name: str) -> set[int]:
    """Rules whose label a user types as a value: phases, levels (not sectors), bands."""
    rules = policy.rules[input_name]
    if input_name == "maturity":
        return {i for i, r in enumerate(rules) if r.label in policy.data["maturity"]["phases"]}
    if input_name == "regulation":
        levels = policy.data["regulation"]["levels"]
        return {i for i, r in enumerate(rules) if r.label in levels}
    if input_name == "size":
        return set(policy.size_bands.values())
    return set()


def _class_words(policy: Policy, input_name: str, labels: list[str], ranges: tuple[int, ...],
                 scale: NumericScale | None) -> str:
    if input_name == "size" and ranges:
        labels = []  # the bands are other forms of the same ranges
    if input_name == "size" and not ranges:
        labels = [label.removeprefix("band ") for label in labels]
    parts = list(labels)
    if scale is not None and ranges:
        parts.append(_range_words(policy, input_name, scale, ranges))
    if len(parts) <= 1:
        return parts[0] if parts else "?"
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _range_words(policy: Policy, input_name: str, scale: NumericScale,
                 ranges: tuple[int, ...]) -> str:
    """One range's own label; several ranges (voting alike) from the first's lower edge to
    the last's upper edge."""
    if len(ranges) == 1:
        return policy.rules[input_name][scale.rules[ranges[0]]].label
    unit = {"size": " " + str(policy.data["size"]["unit"]), "maturity": " months"}.get(
        input_name, "")
    first, last = ranges[0], ranges[-1]
    low = scale.bounds[first - 1] if first > 0 else None
    high = scale.bounds[last]

    def show(limit: int | float | None) -> str:
        assert limit is not None
        return euros(limit) if input_name == "budget" else number_text(limit)

    if low is None:
        return f"{'up to' if high.inclusive else 'under'} {show(high.limit)}{unit}"
    if high.limit is None:
        return f"{'over' if low.inclusive else 'at least'} {show(low.limit)}{unit}"
    return f"{'over ' if low.inclusive else ''}{show(low.limit)} to " \
           f"{'' if high.inclusive else 'under '}{show(high.limit)}{unit}"



def example(policy: Policy, input_name: str, option: InputClass, up: bool,
            number: float | None, unit: Unit | None = None) -> tuple[str, float | None]:
    """A value in the class, as a user types it, nearest today's side; and the class's
    edge crossed (the threshold), for a numeric class (memoised per policy). `unit`: the
    unit a bare number typed in the cell is read in (`Reading.unit`; None: plain)."""
    # The representative names the class (hashing the class itself costs more).
    memo_key = ("changes.example", input_name, option.representative, up, number is None,
                unit)
    found: tuple[str, float | None] | None = policy.memo.get(memo_key)
    if found is None:
        found = policy.memo[memo_key] = _new_example(policy, input_name, option, up, number,
                                                     unit)
    return found


def _new_example(policy: Policy, input_name: str, option: InputClass, up: bool,
                 number: float | None, unit: Unit | None) -> tuple[str, float | None]:
    scale: NumericScale | None = getattr(policy, _SCALES.get(input_name, ""), None)
    numeric_first = input_name in ("size", "budget") or number is not None
    if option.label is not None and not (numeric_first and option.ranges):
        return option.label, None
    assert scale is not None and option.ranges
    first, last = option.ranges[0], option.ranges[-1]
    low = scale.bounds[first - 1] if first > 0 else None
    high = scale.bounds[last]
    if (up and low is not None) or high.limit is None:
        assert low is not None and low.limit is not None
        edge, value = low.limit, _above(input_name, low)
    else:
        edge, value = high.limit, _below(input_name, high)
    if unit is not None and input_name in ("size", "budget"):
        return _in_unit(policy, input_name, option, (value, _inside(scale, option)), up,
                        unit), float(edge)
    # The round value as people write it ("19 months", "5.1M"), else as a bare number
    # (a user policy may have other unit words), else a value in the middle of the class
    # (a user policy with ranges narrower than the rounding).
    candidates = [text for v in (value, _inside(scale, option))
                  for text in (_typed(input_name, v), _bare(v))]
    text = next((t for t in candidates if _in_class(policy, input_name, t, option)),
                option.label or candidates[-1])
    return text, float(edge)


def _in_unit(policy: Policy, input_name: str, option: InputClass,
             values: tuple[Fraction, ...], up: bool, unit: Unit) -> str:
    """The example as a bare number in the cell's own unit, with that unit in words
    ("5100 in this column's thousands of euros"): the first round form of the policy's
    value (or of the middle of the class) that reads into the class as that cell reads a
    bare number. Else the class in words, never a number that means something else."""
    factor = Fraction(unit.multiplier) * unit.per_year
    if unit.currency is not None:
        rate = policy.rates.get(unit.currency)
        if rate is None:  # no rate given: the reader refuses the column's numbers anyway
            return option.words
        factor *= Fraction(rate)
    context = ColumnContext(unit=unit)
    for value in values:
        for form in _round_forms(value / factor, up):
            if read(policy, input_name, float(form), context).rule in option.rules:
                return f"{decimal_text(form)} in {unit_words(policy, input_name, unit)}"
    return option.words


def _round_forms(exact: Fraction, up: bool) -> list[Fraction]:
    """`exact` itself when it is a short decimal, then rounded to 2, 3... significant
    digits, away from the edge first (up: rounded up, which stays past a lower edge)."""
    forms: list[Fraction] = []
    if exact <= 0:
        return forms
    text = decimal_text(exact) if _terminates(exact) else ""
    if text and len(text.replace(".", "").strip("0")) <= 7:
        forms.append(exact)
    top = (Decimal(exact.numerator) / Decimal(exact.denominator)).adjusted()
    for digits in range(2, 8):
        step = Fraction(10) ** (top + 1 - digits)
        for rounded in ((math.ceil, math.floor) if up else (math.floor, math.ceil)):
            form = rounded(exact / step) * step
            if form > 0 and form not in forms:
                forms.append(form)
    return forms


def _terminates(number: Fraction) -> bool:
    denominator = number.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def decimal_text(number: Fraction) -> str:
    """A terminating fraction as a user types it: 0.501, 5100 (no grouping marks)."""
    text = format(Decimal(number.numerator) / Decimal(number.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_SCALE_WORDS = {Decimal(1000): "thousands", Decimal(10) ** 6: "millions",
                Decimal(10) ** 9: "billions"}
_PERIOD_WORDS = {12: "a month", 4: "a quarter", 2: "a half-year", 52: "a week"}


def unit_words(policy: Policy, input_name: str, unit: Unit) -> str:
    """The unit a bare number is read in, in words: "this column's thousands of
    employees", "this cell's millions of euros", "this column's USD a month". A number
    format's unit is the cell's (it stays when a user types over the cell)."""
    whose = "this cell's" if "number format" in unit.origin else "this column's"
    what = (str(policy.data["size"]["unit"]) if input_name == "size"
            else unit.currency or "euros")
    if unit.multiplier != 1:
        scale = _SCALE_WORDS.get(unit.multiplier.normalize(),
                                 f"units of {number_text(unit.multiplier)}")
        what = f"{scale} of {what}"
    if unit.per_year != 1:
        what += " " + _PERIOD_WORDS.get(unit.per_year, f"(×{unit.per_year} a year)")
    return f"{whose} {what}"


def _above(input_name: str, bound: Bound) -> Fraction:
    """The least round value in the range starting at `bound`'s limit."""
    limit = Fraction(bound.limit or 0)
    if not bound.inclusive:
        return limit
    return limit + _step(input_name, limit)


def _below(input_name: str, bound: Bound) -> Fraction:
    limit = Fraction(bound.limit or 0)
    if bound.inclusive:
        return limit
    return limit - _step(input_name, limit)


def _step(input_name: str, limit: Fraction) -> Fraction:
    """Size and months move by one; a budget by its second digit (5M -> 5.1M)."""
    if input_name != "budget" or limit < 100:
        return Fraction(1)
    return Fraction(10) ** (len(str(math.floor(limit))) - 2)


def _inside(scale: NumericScale, option: InputClass) -> Fraction:
    """A value surely inside the class when the round one is not (an odd user policy)."""
    first, last = option.ranges[0], option.ranges[-1]
    low = scale.bounds[first - 1].limit if first > 0 else 0
    high = scale.bounds[last].limit
    if high is None:
        return Fraction(low or 0) * 2 + 1
    return (Fraction(low or 0) + Fraction(high)) / 2


def _bare(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else repr(float(value))


def _typed(input_name: str, value: Fraction) -> str:
    if input_name == "budget":
        return euros(value, symbol=False)
    text = number_text(value)
    return f"{text} months" if input_name == "maturity" else text


def _in_class(policy: Policy, input_name: str, text: str, option: InputClass) -> bool:
    reading = read(policy, input_name, text)
    return reading.rule in option.rules


def number_text(value: int | float | Fraction | Decimal) -> str:
    number = Fraction(value)
    if number.denominator == 1:
        return str(number.numerator)
    return f"{float(number):g}"


def euros(value: int | float | Fraction, symbol: bool = True) -> str:
    """€5M, €800k; without the symbol as a user types it in a cell: 5.1M, 800k."""
    number = Fraction(value)
    sign = "€" if symbol else ""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if number >= size:
            scaled = number / size
            if scaled.denominator == 1 or (scaled * 1000).denominator == 1:
                return f"{sign}{float(scaled):g}{suffix}"
    return f"{sign}{number_text(number)}"
