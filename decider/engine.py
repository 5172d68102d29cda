"""The decision: readings -> votes -> index -> architecture, exactly, with its rationale.

The decision depends only on which rule each criterion fell under, so it is computed
once per combination of rules (in exact fractions) and memoised: the scalar `recommend`
and the vectorized `score_frame` share it and cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from decider.context import NO_CONTEXT, ColumnContext
from decider.errors import DeciderInputError
from decider.parsing import DISPLAY_NAMES, Reading, read, show
from decider.policy import CRITERIA, INPUTS, Policy, Rule, default_policy
from decider.reading.base import format_number

if TYPE_CHECKING:
    from decider.changes import Change, OverTime

RuleKey = tuple[int | None, int | None, int | None, int | None]


@dataclass(frozen=True, slots=True)
class Decision:
    """What a combination of rules decides, or why it cannot decide."""

    architecture: str | None
    index: float | None
    confidence: float | None
    mandatory: str | None
    missing: tuple[str, ...]
    explanation: str | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class CriterionVote:
    """One line of the rationale: a criterion, the value given, what it was read as, its vote."""

    criterion: str
    input: str
    value: Any
    read_as: str
    vote: float | None
    weight: float
    rule: str | None
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        value = self.value if isinstance(self.value, str | int | float | bool) else (
            None if self.value is None else show(self.value))
        return {
            "criterion": self.criterion,
            "input": self.input,
            "value": value,
            "read_as": self.read_as,
            "vote": self.vote,
            "weight": self.weight,
            "rule": self.rule,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Result:
    """The recommendation for one business unit."""

    architecture: str
    index: float
    confidence: float
    rationale: tuple[CriterionVote, ...]
    missing: tuple[str, ...]
    mandatory: str | None
    explanation: str
    # What would change the answer (decision policy, section 12; decider.changes).
    changes: tuple[Change, ...] = ()
    over_time: OverTime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "architecture": self.architecture,
            "index": self.index,
            "confidence": self.confidence,
            "rationale": [vote.to_dict() for vote in self.rationale],
            "missing": list(self.missing),
            "mandatory": self.mandatory,
            "explanation": self.explanation,
            "changes": [change.to_dict() for change in self.changes],
            "over_time": None if self.over_time is None else self.over_time.to_dict(),
        }


def recommend(
    size: Any = None,
    maturity: Any = None,
    regulation: Any = None,
    budget: Any = None,
    multi_country: Any = None,
    *,
    policy: Policy | None = None,
    as_of: date | None = None,
) -> Result:
    """Recommend an architecture for one business unit.

    Each input may be text as a user types it, a number, a boolean or blank (None, "",
    NaN): blank means unknown. A maturity given as a start date ("2024-03") counts its
    months to `as_of` (default: today). Raises `DeciderInputError` for a value that
    cannot be read, or when too little is known to decide.
    """
    policy = policy or default_policy()
    values = (size, maturity, regulation, budget, multi_country)
    dated = NO_CONTEXT if as_of is None else ColumnContext(as_of=as_of)
    readings = [read(policy, name, value, dated if name == "maturity" else NO_CONTEXT)
                for name, value in zip(INPUTS, values, strict=True)]
    problems = [r.error for r in readings if r.error]
    if problems:
        raise DeciderInputError(problems)
    decision = decide(policy, rule_key(readings))
    if decision.error:
        raise DeciderInputError(decision.error)
    assert decision.architecture is not None and decision.index is not None
    assert decision.confidence is not None and decision.explanation is not None
    explanation = _explained(policy, readings, decision)
    from decider.changes import unit_changes_of  # it imports this module

    changes, over_time = unit_changes_of(policy, readings)
    return Result(
        architecture=decision.architecture,
        index=decision.index,
        confidence=decision.confidence,
        rationale=_rationale(policy, readings, values),
        missing=decision.missing,
        mandatory=decision.mandatory,
        explanation=explanation,
        changes=changes,
        over_time=over_time,
    )


def rule_key(readings: Sequence[Reading]) -> RuleKey:
    """The rule of each criterion; multi-country, when yes, is the size criterion's vote."""
    size, maturity, regulation, budget, multi_country = readings
    size_rule = multi_country.rule if multi_country.flag else size.rule
    return (size_rule, maturity.rule, regulation.rule, budget.rule)


def _rationale(
    policy: Policy, readings: list[Reading], values: tuple[Any, ...]
) -> tuple[CriterionVote, ...]:
    lines = []
    for position, criterion in enumerate(CRITERIA):
        reading, value, input_name = readings[position], values[position], criterion
        if criterion == "size" and readings[4].flag:
            reading, value, input_name = readings[4], values[4], "multi_country"
            if readings[0].rule is not None:
                reading = Reading(reading.rule, f"{reading.read_as}; size "
                                  f"{readings[0].read_as} not used", flag=True)
        rule = None if reading.rule is None else policy.rules[criterion][reading.rule]
        lines.append(CriterionVote(
            criterion=criterion,
            input=input_name,
            value=None if reading.rule is None and reading.read_as == "unknown" else value,
            read_as=reading.read_as,
            vote=None if rule is None else float(rule.vote),
            weight=float(policy.weights[criterion]),
            rule=None if rule is None else rule.label,
            source=None if rule is None else rule.source,
        ))
    return tuple(lines)


def decide(policy: Policy, key: RuleKey) -> Decision:
    """The decision for one combination of rules (memoised per policy)."""
    memo_key = ("decide", key)
    found: Decision | None = policy.memo.get(memo_key)
    if found is None:
        found = policy.memo[memo_key] = _decide(policy, key)
    return found


@dataclass(frozen=True, slots=True)
class _Scaled:
    """Weights and votes as whole numbers over common denominators, so that the index is
    compared with its bounds exactly and fast (Fraction arithmetic is slow)."""

    weights: dict[str, int]
    votes: dict[str, tuple[int, ...]]
    vote_denominator: int


def _scaled(policy: Policy) -> _Scaled:
    found: _Scaled | None = policy.memo.get("scaled")
    if found is None:
        weight_lcm = math.lcm(*(w.denominator for w in policy.weights.values()))
        all_votes = [r.vote for rules in policy.rules.values() for r in rules]
        vote_lcm = math.lcm(*(v.denominator for v in all_votes))
        found = policy.memo["scaled"] = _Scaled(
            weights={c: int(w * weight_lcm) for c, w in policy.weights.items()},
            votes={c: tuple(int(r.vote * vote_lcm) for r in rules)
                   for c, rules in policy.rules.items()},
            vote_denominator=vote_lcm,
        )
    return found


def _decide(policy: Policy, key: RuleKey) -> Decision:
    scaled = _scaled(policy)
    weighted = [c for c in CRITERIA if scaled.weights[c] > 0]
    known = [(c, r) for c, r in zip(CRITERIA, key, strict=True)
             if r is not None and scaled.weights[c] > 0]
    known_names = {c for c, _ in known}
    missing = tuple(c for c in weighted if c not in known_names)
    regulation = None if key[2] is None else policy.rules["regulation"][key[2]]
    mandatory = regulation if regulation is not None and regulation.mandatory else None
    if len(known) < policy.min_known_criteria and mandatory is None:
        return Decision(None, None, None, None, missing, None, _not_enough(policy, missing))

    # index = votes_sum / (known_weight * E), E the votes' common denominator.
    votes = [(scaled.weights[c], scaled.votes[c][r]) for c, r in known]
    known_weight = sum(w for w, _ in votes)
    votes_sum = sum(w * v for w, v in votes)
    scale = known_weight * scaled.vote_denominator
    # No known weight: only a mandatory regulation whose weight is 0 spoke.
    index = Fraction(votes_sum, scale) if known_weight else Fraction(100)

    if mandatory is not None:
        architecture, confidence = "Centralized", 1.0
    else:
        if index < policy.decentralized_below:
            architecture = "Decentralized"
        elif index > policy.centralized_above:
            architecture = "Centralized"
        else:
            architecture = "Hybrid"
        # Confidence falls with unknown criteria (coverage = known weight / all weight) and
        # with disagreeing votes (mean distance of the votes from the index, 50 being the
        # widest split): coverage * (1 - spread / 50), in whole numbers until the end.
        total_weight = sum(scaled.weights[c] for c in weighted)
        spread = sum(w * abs(v * known_weight - votes_sum) for w, v in votes)
        confidence = (50 * known_weight * scale - spread) / (50 * total_weight * scale)

    mandatory_text = (
        None if mandatory is None
        else f"regulation {mandatory.label} ➜ Centralized, mandatory ({mandatory.source})"
    )
    return Decision(
        architecture=architecture,
        index=float(index),
        confidence=confidence,
        mandatory=mandatory_text,
        missing=missing,
        explanation=_explain(policy, architecture, index, key, mandatory),
    )


def _explain(
    policy: Policy, architecture: str, index: Fraction, key: RuleKey, mandatory: Rule | None
) -> str:
    """The rules' side of a decision, without the values read (`explain` shows those)."""
    parts = []
    for criterion, rule_index in zip(CRITERIA, key, strict=True):
        if policy.weights[criterion] == 0:
            continue
        if rule_index is None:
            parts.append(f"{criterion} unknown")
            continue
        rule = policy.rules[criterion][rule_index]
        parts.append(f"{criterion} {rule.label} ➜ {float(rule.vote):g} [{rule.source}]")
    return f"{_head(architecture, index, mandatory)}: " + "; ".join(parts)


# The words beside a mandatory answer's index (section 11): the index still shows how the
# criteria voted, but it does not decide.
MANDATORY_WORDS = "mandatory: Centralized whatever the index"


def _head(architecture: str, index: Fraction | float, mandatory: Rule | None) -> str:
    if mandatory is None:
        return f"{architecture} (index {float(index):.1f})"
    return (f"{architecture}, mandatory for regulation {mandatory.label} "
            f"(index {float(index):.1f}; {MANDATORY_WORDS})")


def explain(policy: Policy, readings: Sequence[Reading], decision: Decision | None = None,
            *, keep: bool = True) -> str | None:
    """The rationale of one unit (section 11): the decision, then one line per criterion
    with the value as typed, what it became (and where its unit came from), the rule, the
    vote and the rule's source. None where the readings decide nothing (a refusal).

    Every entry point's rationale is this text: `recommend`, the Excel functions,
    `score_frame` and a scored sheet. Lines are kept per reading, so a combination of
    readings costs a join."""
    if decision is None:
        decision = decide(policy, rule_key(readings))
    if decision.architecture is None:
        return None
    size = readings[4] if readings[4].flag else readings[0]
    weighted = _weighted(policy)
    lines = [_line(policy, criterion, reading) for criterion, reading in zip(
        CRITERIA, (size, *readings[1:4]), strict=True) if criterion in weighted]
    multi = readings[4]
    if not multi.flag and multi.note is not None:  # "Germany": one country, as read
        lines.append(multi.note)
    text = f"{_decision_head(policy, decision, readings[2])}: " + "; ".join(lines)
    if not keep:
        return text
    # Readings that answer alike may show alike (two sizes under one multi-country
    # answer): one string for them all, so that a large sheet holds each text once.
    texts: dict[str, str] = policy.memo.setdefault("rationale texts", {})
    if len(texts) > _TEXTS_LIMIT:  # a long Excel session stays small
        texts.clear()
    return texts.setdefault(text, text)


# Where the memos of rationale texts and lines are forgotten (as the readings' memo is).
_TEXTS_LIMIT = 250_000


class DeferredRationale:
    """A unit's rationale composed when asked for (`str`), for a writer that keeps each
    text once and needs none of them all at the same time: a scored sheet's shared
    strings. A large sheet's rationales are mostly distinct (they echo the values as
    typed): composed one at a time, they never all sit in memory together. The readings
    are the inputs' distinct readings (`columns`, shared) at the unit's `codes`."""

    __slots__ = ("codes", "columns", "decision", "note", "policy")

    def __init__(self, policy: Policy, columns: Sequence[Sequence[Reading]],
                 codes: tuple[int, ...], decision: Decision, note: str | None = None
                 ) -> None:
        self.policy, self.columns, self.codes = policy, columns, codes
        self.decision, self.note = decision, note

    def with_note(self, note: str) -> DeferredRationale:
        """The same rationale with a sheet's note after it ("the stricter of ...")."""
        noted = note if self.note is None else f"{self.note}; {note}"
        return DeferredRationale(self.policy, self.columns, self.codes, self.decision, noted)

    def __str__(self) -> str:
        readings = [column[code] for column, code in zip(self.columns, self.codes, strict=True)]
        text = explain(self.policy, readings, self.decision, keep=False)
        assert text is not None  # deferred only where the readings decide
        return text if self.note is None else f"{text}; {self.note}"

    def __repr__(self) -> str:
        return f"DeferredRationale({str(self)!r})"


def _explained(policy: Policy, readings: list[Reading], decision: Decision) -> str:
    """`explain` for one unit at a time (`recommend`, a single-cell Excel call): the text
    kept per combination of readings, by identity (the reader's readings are memoised),
    so that a call repeated on a recalculation costs one look-up."""
    texts: dict[tuple[int, ...], tuple[tuple[Reading, ...], str]] = policy.memo.setdefault(
        "rationale by readings", {})
    key = (id(readings[0]), id(readings[1]), id(readings[2]), id(readings[3]),
           id(readings[4]))
    found = texts.get(key)
    kept = tuple(readings)
    if found is None or found[0] != kept:  # equal readings: the same text
        text = explain(policy, readings, decision)
        assert text is not None
        if len(texts) > _TEXTS_LIMIT:
            texts.clear()
        found = texts[key] = (kept, text)
    return found[1]


def _weighted(policy: Policy) -> frozenset[str]:
    """The criteria that vote (a policy may weigh one 0: it has no line)."""
    found: frozenset[str] | None = policy.memo.get("weighted criteria")
    if found is None:
        found = policy.memo["weighted criteria"] = frozenset(
            c for c in CRITERIA if policy.weights[c] != 0)
    return found


def _decision_head(policy: Policy, decision: Decision, regulation: Reading) -> str:
    """"Hybrid (index 50.0)", per decision (they are memoised, so kept by identity)."""
    heads: dict[int, tuple[Decision, str]] = policy.memo.setdefault("rationale heads", {})
    found = heads.get(id(decision))
    if found is None or found[0] is not decision:
        assert decision.architecture is not None and decision.index is not None
        rule = (None if decision.mandatory is None or regulation.rule is None
                else policy.rules["regulation"][regulation.rule])
        found = heads[id(decision)] = (
            decision, _head(decision.architecture, decision.index, rule))
    return found[1]


def _line(policy: Policy, criterion: str, reading: Reading) -> str:
    """One criterion's line, memoised per reading (each carries the value as typed). The
    readings are the reader's memoised objects: looked up by identity, the reading kept
    with its line so that its id cannot be reused, since hashing a reading costs more
    than the rest of a rationale."""
    lines: dict[tuple[str, int], tuple[Reading, str]] = policy.memo.setdefault(
        "rationale lines", {})
    found = lines.get((criterion, id(reading)))
    if found is None or found[0] is not reading:
        if len(lines) > _TEXTS_LIMIT:
            lines.clear()
        found = lines[(criterion, id(reading))] = (
            reading, _compose_line(policy, criterion, reading))
    return found[1]


def _compose_line(policy: Policy, criterion: str, reading: Reading) -> str:
    if reading.rule is None:
        return f"{criterion} unknown"
    rule = policy.rules[criterion][reading.rule]
    vote = f"{float(rule.vote):g} [{rule.source}]"
    if reading.flag:  # multi-country speaks for size: its value, not the size's
        several = reading.note or f"multi-country {reading.typed} ➜ {reading.read_as}"
        return f"{several} ➜ {vote}"
    label = rule.label
    if reading.typed is None:  # read as it stands (`parsing`): the rule says it all
        return f"{criterion} {label} ➜ {vote}"
    if reading.note is not None:  # the reader's own account: unit, period, scale...
        said = reading.note
    else:
        said = f"{criterion} {reading.typed}"
        if not _plain(reading, label):
            said = f"{said} ➜ {reading.read_as}"
    if not (said.endswith(f"➜ {label}") or _same(reading.typed.strip("'"), label)):
        said = f"{said} ➜ {label}"
    return f"{said} ➜ {vote}"


def _plain(reading: Reading, label: str) -> bool:
    """Whether what a value became says nothing its rule's label does not: "Finance
    (Critical)" under that rule, "phase Mature" under Mature, 4,200 typed and "4,200
    employees" read."""
    read_as, typed = reading.read_as, (reading.typed or "").strip("'")
    if _same(read_as, label) or _same(read_as, f"phase {label}") or _same(read_as, typed):
        return True
    if reading.number is None:
        return False
    try:
        shown = format_number(Decimal(typed.replace(",", "")))
    except ArithmeticError:
        return False
    if typed not in (shown, shown.replace(",", "")):
        return False
    return read_as in (f"{shown} employees", f"€{shown} a year")


def _same(one: str, other: str) -> bool:
    return " ".join(one.casefold().split()) == " ".join(other.casefold().split())


def _not_enough(policy: Policy, missing: tuple[str, ...]) -> str:
    names = [DISPLAY_NAMES[m] for m in missing]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "is" if len(names) == 1 else "are"
    return (
        f"not enough information to decide: {listed} {verb} missing; give at least "
        f"{policy.min_known_criteria} of size, maturity, regulation and budget "
        "(or a mandatory regulation such as Finance, Healthcare, Public sector or Critical)"
    )
