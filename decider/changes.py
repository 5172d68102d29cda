"""What would change the answer (decision policy, section 12): per unit, the nearest
class of each input, up and down, whose answer differs, and the answer over time.

Classes. An input's classes are its policy rules grouped by what they vote: rules with
the same vote (and the same mandatory flag) always give the same decision, so they are one
class. Classes are ordered by vote, a mandatory class after a plain one of the same vote;
"up" is towards Centralized. With the default policy this is section 12's table (size:
under 50, 50 to under 100, 100 to 500, over 500; maturity: POC, under 6 months, Scale-up
or 6 to 18 months, Mature, Enterprise or over 18 months; regulation: Light, Medium,
Strong, Critical), except that budget's two ranges voting 50 (under €2M, €2M to €5M)
are one class, "up to €5M": no unit can move between them and change its answer. The
multi-country rule is not a size class (no size value reaches it); multi-country has the
classes no and yes.

Examples and distances. A change's example is the value of the class nearest today's:
its lower edge going up (501 employees, "19 months", 5.1M just past an exclusive bound;
6 months at an inclusive one), its upper edge going down (500, 49, 1.9M); a level by
its name, and a phase by its name unless maturity is given in months. Where a bare
number typed in the unit's size or budget cell is read in a unit (a header "Headcount
('000)", a number format `0.0"M€"`: `Reading.unit`, kept in the state), the example is
a bare number in that unit, with the unit in words ("0.501 in this column's thousands of
employees"): a bare 501 there would be 501,000 employees. The
distance of a size or budget change is (edge - today) / today: +0.087 from €4.6M to €5M.

Over time. Months are whole months counted from today: after t months a unit practising
AI for m months (m may be fractional) practises m + t. `OverTime.months` is the first
whole t >= 1 at which the answer differs from today's, all else kept.

Pure: no I/O, no numpy. `decider.frame_changes` groups a frame's rows and fills each
group's text from its state's `template`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from decider.change_classes import InputClass, classes, example, number_text
from decider.context import Unit
from decider.engine import Decision, decide
from decider.parsing import DISPLAY_NAMES, Reading
from decider.policy import INPUTS, Policy

if TYPE_CHECKING:
    from decider.engine import Result

# The units a bare number typed in the size and the budget cell is read in (`Reading.unit`;
# None: plain): the examples speak in them, so that typing one gives the class it names.
Units = tuple[Unit | None, Unit | None]
PLAIN: Units = (None, None)
# (size rule, maturity rule, regulation rule, budget rule, multi-country, units): the size
# rule is the size reading's own (not the multi-country one); multi-country None is
# unknown. The units change only the examples' words, never a decision.
State = tuple[int | None, int | None, int | None, int | None, bool | None, Units]
# The quantities read (Reading.number) as floats: employees, months, euros; None if none.
Numbers = tuple[float | None, float | None, float | None]

ROBUST = "robust: no single input changes the answer"


@dataclass(frozen=True, slots=True)
class Change:
    """One input moved to another class, everything else kept."""

    input: str  # "size", "maturity", "regulation", "budget", "multi_country"
    now: str | None  # the class today, in words; None when the input is unknown
    to: str  # the class it moves to, in words
    example: str  # a value as a user types it, in that class
    architecture: str
    index: float
    distance: float | None  # size, budget: (threshold - today) / today; else None

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "now": self.now, "to": self.to, "example": self.example,
                "architecture": self.architecture, "index": self.index,
                "distance": self.distance}


@dataclass(frozen=True, slots=True)
class OverTime:
    """The first whole month from now at which growing practice changes the answer."""

    months: int
    architecture: str
    index: float
    threshold: float  # the months of practice the unit then passes or reaches
    passes: bool  # True: "passes 18 months" (18 is still below); False: "reaches 6 months"

    @property
    def when(self) -> str:
        verb = "passes" if self.passes else "reaches"
        return f"{verb} {number_text(self.threshold)} months"

    def to_dict(self) -> dict[str, Any]:
        return {"months": self.months, "architecture": self.architecture,
                "index": self.index, "when": f"practice {self.when}"}


# --- one unit --------------------------------------------------------------------------


def state_of(readings: Sequence[Reading]) -> State:
    """The state of a unit from its five readings (as `recommend` reads them)."""
    size, maturity, regulation, budget, multi = readings
    multi_known: bool | None = None
    if multi.flag:
        multi_known = True
    elif multi.read_as != "unknown":
        multi_known = False
    units = PLAIN if size.unit is None and budget.unit is None else (size.unit, budget.unit)
    return (size.rule, maturity.rule, regulation.rule, budget.rule, multi_known, units)


def numbers_of(readings: Sequence[Reading]) -> Numbers:
    def number(reading: Reading) -> float | None:
        return None if reading.number is None or reading.rule is None else float(reading.number)

    return (number(readings[0]), number(readings[1]), number(readings[3]))


def effective_key(policy: Policy, state: State) -> tuple[int | None, ...]:
    size, maturity, regulation, budget, multi, _units = state
    return (policy.multi_country_rule if multi else size, maturity, regulation, budget)


def canonical(policy: Policy, state: State) -> State:
    """The state with each rule replaced by its class's representative: rules of one class
    decide alike, so the memo tables stay as small as the classes ("banking", "Finance"
    and "Critical" are one state)."""
    table: list[dict[int, int]] | None = policy.memo.get("changes.canonical")
    if table is None:
        table = policy.memo["changes.canonical"] = [
            {rule: option.representative for option in classes(policy, name)
             for rule in option.rules} for name in INPUTS[:4]]
    size, maturity, regulation, budget, multi, units = state
    return (None if size is None else table[0][size],
            None if maturity is None else table[1][maturity],
            None if regulation is None else table[2][regulation],
            None if budget is None else table[3][budget], multi, units)


def unit_changes(policy: Policy, state: State, numbers: Numbers
                 ) -> tuple[tuple[Change, ...], OverTime | None]:
    """The changes and the answer over time of a decided unit (memoised per policy)."""
    state = canonical(policy, state)
    memo_key = ("changes.unit", state, numbers)
    done: tuple[tuple[Change, ...], OverTime | None] | None = policy.memo.get(memo_key)
    if done is not None:
        return done
    base = decide(policy, effective_key(policy, state))  # type: ignore[arg-type]
    if base.architecture is None:
        return (), None
    found = []
    for position, input_name, target, decision in _moves(policy, state):
        found.append(_change(policy, state, numbers, position, input_name, target, decision))
    done = policy.memo[memo_key] = (tuple(found), _over_time(policy, state, numbers, base))
    return done


def over_time(policy: Policy, state: State, months: float) -> OverTime | None:
    """The answer over time of a decided unit practising AI for `months`."""
    state = canonical(policy, state)
    base = decide(policy, effective_key(policy, state))  # type: ignore[arg-type]
    if base.architecture is None:
        return None
    return _over_time(policy, state, (None, months, None), base)


def _moves(policy: Policy, state: State) -> list[tuple[int | None, str, int, Decision]]:
    """(class now, input, class it moves to, decision) of every change: what does not
    depend on the numbers nor on the units, memoised per state."""
    memo_key = ("changes.moves", state[:5])
    found: list[tuple[int | None, str, int, Decision]] | None = policy.memo.get(memo_key)
    if found is not None:
        return found
    base = decide(policy, effective_key(policy, state))  # type: ignore[arg-type]
    found = []
    for slot, input_name in enumerate(INPUTS):
        options = classes(policy, input_name)
        now = _class_now(policy, state, slot, options)
        decisions = [decide(policy, _moved(policy, state, slot, option))  # type: ignore[arg-type]
                     for option in options]

        def differs(decision: Decision) -> bool:
            return decision.architecture not in (None, base.architecture)

        if now is None:
            targets = [i for i, d in enumerate(decisions) if differs(d)]
        else:
            down = next((i for i in range(now - 1, -1, -1) if differs(decisions[i])), None)
            up = next((i for i in range(now + 1, len(options)) if differs(decisions[i])), None)
            targets = [i for i in (down, up) if i is not None]
        found.extend((now, input_name, i, decisions[i]) for i in targets)
    policy.memo[memo_key] = found
    return found


def _class_now(policy: Policy, state: State, slot: int, options: tuple[InputClass, ...]
               ) -> int | None:
    if slot == 4:
        multi = state[4]
        return None if multi is None else int(multi)
    rule = state[slot]
    if rule is None:
        return None
    return next(i for i, option in enumerate(options) if rule in option.rules)


def _moved(policy: Policy, state: State, slot: int, option: InputClass) -> tuple[int | None, ...]:
    values = list(state)
    values[slot] = bool(option.representative) if slot == 4 else option.representative
    return effective_key(policy, tuple(values))  # type: ignore[arg-type]


def _change(policy: Policy, state: State, numbers: Numbers, now: int | None,
            input_name: str, target: int, decision: Decision) -> Change:
    options = classes(policy, input_name)
    option = options[target]
    up = now is None or target > now
    number = {"size": numbers[0], "maturity": numbers[1], "budget": numbers[2]}.get(input_name)
    unit = {"size": state[5][0], "budget": state[5][1]}.get(input_name)
    value, threshold = example(policy, input_name, option, up, number, unit)
    distance = None
    if input_name in ("size", "budget") and number is not None and threshold is not None \
            and now is not None:
        distance = (threshold - number) / number
        if not math.isfinite(distance * 100):
            distance = None  # too large to show in percents (the frame shows none either)
    assert decision.architecture is not None and decision.index is not None
    return Change(input_name, None if now is None else options[now].words, option.words,
                  value, decision.architecture, decision.index, distance)


def _over_time(policy: Policy, state: State, numbers: Numbers, base: Decision
               ) -> OverTime | None:
    # Months are known only for a maturity read as time practising AI (Reading.number).
    months = numbers[1]
    scale = policy.month_scale
    if months is None or state[1] is None:
        return None
    here = scale.rules.index(scale.rule_for(months))
    for position in range(here + 1, len(scale.rules)):
        bound = scale.bounds[position - 1]
        assert bound.limit is not None
        gap = bound.limit - months
        # A range after an inclusive bound starts above it (months > 18); else at it (>= 6).
        t = max(1, math.floor(gap) + 1 if bound.inclusive else math.ceil(gap))
        reached = scale.rule_for(months + t)
        moved = list(state)
        moved[1] = reached
        decision = decide(policy, effective_key(policy, tuple(moved)))  # type: ignore[arg-type]
        if decision.architecture not in (None, base.architecture):
            assert decision.architecture is not None and decision.index is not None
            crossed = scale.bounds[scale.rules.index(reached) - 1]
            assert crossed.limit is not None
            return OverTime(t, decision.architecture, decision.index, float(crossed.limit),
                            crossed.inclusive)
    return None


# --- words -----------------------------------------------------------------------------


def describe(changes: Sequence[Change], over_time: OverTime | None) -> list[str]:
    """One line per change, then the answer over time; ROBUST alone when nothing moves."""
    lines = [change_text(change) for change in changes]
    if over_time is not None:
        lines.append(over_time_text(over_time))
    return lines or [ROBUST]


def over_time_text(over_time: OverTime) -> str:
    """"Centralized in 7 months, when practice passes 18 months"."""
    months = over_time.months
    return (f"{over_time.architecture} in {months} month{'s' if months != 1 else ''}, "
            f"when practice {over_time.when}")


def change_text(change: Change, shown_distance: str | None = None) -> str:
    """"Centralized if budget over €5M (+9%, e.g. 5.1M)". `shown_distance` stands in for
    the distance's text (the frame fills it in per group of rows)."""
    details = []
    if shown_distance is not None:
        details.append(shown_distance)
    elif change.distance is not None:
        details.append(distance_text(change.distance))
    if change.example.casefold() != change.to.casefold():
        details.append(f"e.g. {change.example}")
    tail = f" ({', '.join(details)})" if details else ""
    return f"{change.architecture} if {DISPLAY_NAMES[change.input]} {change.to}{tail}"


def distance_text(distance: float) -> str:
    """+9%, -16%; "+<1%" for a change too small to show in whole percents."""
    percent = round(distance * 100)
    if percent == 0 and distance != 0:
        return "+<1%" if distance > 0 else "-<1%"
    return f"{percent:+d}%"


def distance_thresholds(policy: Policy, state: State
                        ) -> tuple[float | None, float | None, float | None, float | None]:
    """The thresholds a known size or budget would cross, for the distances: size down,
    size up, budget down, budget up (None: no such change). For the frame's grouping."""
    state = canonical(policy, state)
    found: list[float | None] = [None] * 4
    for now, input_name, target, _ in _moves(policy, state):
        if input_name not in ("size", "budget") or now is None:
            continue
        up = target > now
        _, threshold = example(policy, input_name, classes(policy, input_name)[target], up, 1.0)
        found[(0 if input_name == "size" else 2) + int(up)] = threshold
    return found[0], found[1], found[2], found[3]


# A line of a state's template: the slot of its distance (size down, size up, budget down,
# budget up; None: no distance), the line without a distance, and the two halves around it.
TemplateLine = tuple[int | None, str, str, str]


def template(policy: Policy, state: State, months_known: bool) -> tuple[TemplateLine, ...]:
    """The lines of a state's changes with a hole for each distance (memoised per policy):
    the frame fills the holes per group of rows. `months_known`: maturity is in months."""
    state = canonical(policy, state)
    memo_key = ("changes.template", state, months_known)
    found: tuple[TemplateLine, ...] | None = policy.memo.get(memo_key)
    if found is not None:
        return found
    probe: Numbers = (1.0, 1.0 if months_known else None, 1.0)
    lines = []
    changes = unit_changes(policy, state, probe)[0]
    for (now, _, target, _), change in zip(_moves(policy, state), changes, strict=True):
        plain = change_text(Change(change.input, change.now, change.to, change.example,
                                   change.architecture, change.index, None))
        slot = None
        if change.distance is not None:
            assert now is not None
            slot = (0 if change.input == "size" else 2) + int(target > now)
        head, _, tail = change_text(change, "\x00").partition("\x00")
        lines.append((slot, plain, head, tail))
    found = policy.memo[memo_key] = tuple(lines)
    return found


def changes_text(result: Result) -> str:
    """What would change one unit's answer, on one line (=ORCH_CHANGES, a frame's row)."""
    return "; ".join(describe(result.changes, result.over_time))


def unit_changes_of(policy: Policy, readings: Sequence[Reading]
                    ) -> tuple[tuple[Change, ...], OverTime | None]:
    """`unit_changes` of a unit given by its five readings (what `recommend` calls)."""
    return unit_changes(policy, state_of(readings), numbers_of(readings))
