"""What would change the answer (decision policy, section 12), checked by brute force.

The expected changes are computed here independently of decider.changes: every input is
given candidate values of every kind (numbers on both sides of each bound, bands, phases,
levels, sectors, yes/no), each candidate is run through `recommend`, candidates are
grouped into classes by the vote (and mandatory flag) of the rule they read as, and the
definition is applied to the answers: the nearest class up and down whose answer differs,
or for an unknown input every class whose answer differs.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from decider import DeciderInputError, Policy, default_policy, recommend
from decider.changes import ROBUST, describe
from decider.engine import Result
from decider.parsing import read
from decider.policy import INPUTS, policy_from_mapping

SLOTS = {name: position for position, name in enumerate(INPUTS)}


def user_policy() -> Policy:
    """Other thresholds and votes: classes must follow them."""
    return policy_from_mapping({
        "size": {"ranges": [{"below": 200, "vote": 25}, {"up_to": 1000, "vote": 50},
                            {"vote": 100}]},
        "maturity": {"months": [{"below": 3, "vote": 0}, {"up_to": 12, "vote": 50},
                                {"below": 30, "vote": 75}, {"vote": 100}]},
        "budget": {"ranges": [{"below": 1_000_000, "vote": 0}, {"up_to": 3_000_000, "vote": 50},
                              {"vote": 100}]},
        "decision": {"decentralized_below": 30, "centralized_above": 60},
    }, origin="test")


def odd_policy() -> Policy:
    """Other unit words (no "months") and a size range narrower than one employee."""
    return policy_from_mapping({
        "maturity": {"month_words": ["mois"]},
        "size": {"ranges": [{"below": 10, "vote": 0}, {"below": 10.5, "vote": 25},
                            {"up_to": 500, "vote": 50}, {"vote": 100}]},
    }, origin="odd")


POLICIES = {"default": default_policy, "user": user_policy, "odd": odd_policy}


def _limits(scale: Any) -> list[float]:
    return [float(b.limit) for b in scale.bounds if b.limit is not None]


def candidates(policy: Policy, name: str) -> list[str]:
    """Values of every class of one input, as a user types them."""
    if name == "size":
        values = [str(v) for limit in _limits(policy.size_scale)
                  for v in (limit - 1, limit, limit + 1, limit / 2, limit * 3)]
        return values + list(policy.data["size"]["bands"])
    if name == "maturity":
        values = [str(v) for limit in _limits(policy.month_scale)
                  for v in (limit - 0.5, limit, limit + 0.5, limit * 3)]
        return values + list(policy.data["maturity"]["phases"])
    if name == "regulation":
        return [*policy.data["regulation"]["levels"], "Finance", "Pure tech", "Energy", "Retail"]
    if name == "budget":
        return [str(v) for limit in _limits(policy.budget_scale)
                for v in (limit - 1000, limit, limit + 1000, limit / 2, limit * 3)]
    return ["yes", "no"]


def class_of(policy: Policy, name: str, value: str) -> tuple[Any, ...]:
    reading = read(policy, name, value)
    assert reading.error is None, reading.error
    if name == "multi_country":
        return (reading.flag,)
    assert reading.rule is not None
    rule = policy.rules[name][reading.rule]
    return (rule.vote, rule.mandatory)


def answer(policy: Policy, values: list[Any]) -> str | None:
    try:
        return recommend(*values, policy=policy).architecture
    except DeciderInputError:
        return None


def expected_changes(policy: Policy, values: list[Any], base: str) -> set[tuple[str, Any, str]]:
    """(input, class, architecture) of every change the definition gives."""
    expected = set()
    for name in INPUTS:
        by_class: dict[tuple[Any, ...], set[str | None]] = {}
        for candidate in candidates(policy, name):
            moved = list(values)
            moved[SLOTS[name]] = candidate
            by_class.setdefault(class_of(policy, name, candidate), set()).add(
                answer(policy, moved))
        for answers in by_class.values():
            assert len(answers) == 1, "values of one class answered differently"
        order = sorted(by_class)
        answers_in_order = [next(iter(by_class[c])) for c in order]

        def differs(position: int, answers: list[str | None] = answers_in_order) -> bool:
            return answers[position] not in (None, base)

        given = values[SLOTS[name]]
        if given is None:
            targets = [i for i in range(len(order)) if differs(i)]
        else:
            now = order.index(class_of(policy, name, given))
            down = next((i for i in range(now - 1, -1, -1) if differs(i)), None)
            up = next((i for i in range(now + 1, len(order)) if differs(i)), None)
            targets = [i for i in (down, up) if i is not None]
        expected |= {(name, order[i], answers_in_order[i] or "") for i in targets}
    return expected


def random_unit(policy: Policy, rng: random.Random) -> list[Any]:
    values: list[Any] = []
    for name in INPUTS:
        if rng.random() < 0.2:
            values.append(None)
        elif name in ("size", "budget", "maturity") and rng.random() < 0.5:
            scale = {"size": policy.size_scale, "budget": policy.budget_scale,
                     "maturity": policy.month_scale}[name]
            limit = rng.choice(_limits(scale))
            value = round(limit * rng.uniform(0.5, 1.5), 1)
            if name == "maturity":  # months near the bounds, fractional or not
                value = rng.choice([limit - 0.5, limit, limit + 0.5, round(value)])
            values.append(str(max(value, 0.5)))
        else:
            values.append(rng.choice(candidates(policy, name)))
    return values


def check_unit(policy: Policy, values: list[Any]) -> Result | None:
    try:
        result = recommend(*values, policy=policy)
    except DeciderInputError:
        return None
    got = set()
    for change in result.changes:
        assert change.architecture != result.architecture
        # The example lies in the class and gives the change's answer.
        moved = list(values)
        moved[SLOTS[change.input]] = change.example
        example_result = recommend(*moved, policy=policy)
        assert example_result.architecture == change.architecture, (values, change)
        assert example_result.index == change.index
        got.add((change.input, class_of(policy, change.input, change.example),
                 change.architecture))
        assert (change.now is None) == (values[SLOTS[change.input]] is None)
        check_distance(policy, values, change)
    assert got == expected_changes(policy, values, result.architecture), values
    check_over_time(policy, values, result)
    return result


def check_distance(policy: Policy, values: list[Any], change: Any) -> None:
    today = read(policy, change.input, values[SLOTS[change.input]]) if (
        values[SLOTS[change.input]] is not None) else None
    numeric = today is not None and today.number is not None and change.input in (
        "size", "budget")
    assert (change.distance is not None) == numeric, change
    if not numeric:
        return
    assert today is not None and today.number is not None
    threshold = float(today.number) * (1 + change.distance)
    up = change.distance > 0 or (change.distance == 0 and change.example != values[
        SLOTS[change.input]])
    # Just past the threshold lies the change; just short of it, today's answer.
    beyond = threshold * (1 + 1e-9) if up else threshold * (1 - 1e-9)
    short = threshold * (1 - 1e-9) if up else threshold * (1 + 1e-9)
    far, near = list(values), list(values)
    far[SLOTS[change.input]] = repr(beyond)
    near[SLOTS[change.input]] = repr(short)
    if change.distance != 0:
        assert recommend(*far, policy=policy).architecture == change.architecture
        assert recommend(*near, policy=policy).architecture != change.architecture


def check_over_time(policy: Policy, values: list[Any], result: Result) -> None:
    given = values[SLOTS["maturity"]]
    reading = read(policy, "maturity", given) if given is not None else None
    if reading is None or reading.number is None:
        assert result.over_time is None
        return
    months = reading.number
    first = None
    for t in range(1, 200):
        moved = list(values)
        moved[SLOTS["maturity"]] = str(months + Decimal(t))
        later = recommend(*moved, policy=policy)
        if later.architecture != result.architecture:
            first = (t, later.architecture)
            break
    if first is None:
        assert result.over_time is None
    else:
        assert result.over_time is not None
        assert (result.over_time.months, result.over_time.architecture) == first


@pytest.mark.parametrize("which", list(POLICIES))
@pytest.mark.parametrize("seed", range(4))
def test_changes_are_exactly_the_definition(which: str, seed: int) -> None:
    policy = POLICIES[which]()
    rng = random.Random(seed * 7919 + len(which))
    decided, changes, over_time = 0, 0, 0
    for _ in range(120):
        result = check_unit(policy, random_unit(policy, rng))
        if result is not None:
            decided += 1
            changes += len(result.changes)
            over_time += result.over_time is not None
    # The random units exercise the definition, not only robust units.
    assert decided > 50 and changes > 60 and over_time > 3, (decided, changes, over_time)


@pytest.mark.parametrize("which", list(POLICIES))
def test_every_class_of_every_input_on_matrix_units(which: str) -> None:
    # Random combinations of one candidate per input.
    policy = POLICIES[which]()
    rng = random.Random(11)
    for _ in range(150):
        values = [rng.choice([*candidates(policy, name), None]) for name in INPUTS]
        check_unit(policy, values)


# --- cases the definition settles, spelled out ---------------------------------------


def test_budget_close_to_five_million() -> None:
    result = recommend(600, "8 months", "Medium", "4.6M")
    assert result.architecture == "Hybrid"
    budget = [c for c in result.changes if c.input == "budget"]
    assert len(budget) == 1
    assert budget[0].architecture == "Centralized" and budget[0].example == "5.1M"
    assert budget[0].to == "over €5M"
    assert round(budget[0].distance or 0, 3) == round((5.0 - 4.6) / 4.6, 3)
    assert "Centralized if budget over €5M (+9%, e.g. 5.1M)" in describe(
        result.changes, result.over_time)


@pytest.mark.parametrize(("months", "expected"), [
    ("8", 11), ("17.5", 1), ("18", 1), ("12", 7), ("18 months", 1), ("1 year", 7)])
def test_over_time_passes_18_months(months: str, expected: int) -> None:
    # 18 months is still Scale-up: the answer changes when practice passes 18.
    result = recommend(600, months, "Medium", "4.6M")
    assert result.over_time is not None
    assert result.over_time.months == expected
    assert result.over_time.architecture == "Centralized"
    assert result.over_time.when == "passes 18 months"
    line = describe(result.changes, result.over_time)[-1]
    assert line == (f"Centralized in {expected} month{'s' if expected > 1 else ''}, "
                    "when practice passes 18 months")


def test_over_time_reaches_six_months() -> None:
    # 6 months is Scale-up already: the answer changes when practice reaches 6.
    result = recommend(300, "4.5", "Light", None)
    assert result.architecture == "Decentralized"
    assert result.over_time is not None
    assert (result.over_time.months, result.over_time.when) == (2, "reaches 6 months")
    assert recommend(300, "6", "Light", None).architecture == "Hybrid"
    assert recommend(300, "5.5", "Light", None).architecture == "Decentralized"


def test_no_over_time_for_a_phase_or_when_nothing_moves() -> None:
    assert recommend(600, "Scale-up", "Medium", "4.6M").over_time is None
    assert recommend(8000, "30", "Strong", "9M").over_time is None


def test_mandatory_regulation_only_regulation_moves_it() -> None:
    result = recommend(20, "POC", "Finance", "100k")
    assert result.architecture == "Centralized"
    assert {c.input for c in result.changes} == {"regulation"}
    (change,) = result.changes
    # The nearest class down whose answer differs: Strong is no longer mandatory.
    assert change.now == "Critical" and change.to == "Strong"
    assert change.architecture == "Hybrid"


def test_multi_country_yes_makes_size_irrelevant() -> None:
    result = recommend(40, "POC", "Light", None, "yes")
    assert all(c.input != "size" for c in result.changes)
    multi = [c for c in result.changes if c.input == "multi_country"]
    assert [(c.now, c.to, c.example) for c in multi] == [("yes", "no", "no")]
    assert recommend(40, "POC", "Light", None, multi[0].example).architecture == \
        multi[0].architecture


def test_an_unknown_input_lists_every_class_that_differs() -> None:
    # 300 / ? / Light: index 25, Decentralized; Scale-up (33⅓, a bound) and Mature are Hybrid.
    result = recommend(300, None, "Light", None)
    assert result.architecture == "Decentralized"
    maturity = [c for c in result.changes if c.input == "maturity"]
    assert [(c.to, c.example) for c in maturity] == [
        ("Scale-up or 6 to 18 months", "Scale-up"),
        ("Mature, Enterprise or over 18 months", "Mature")]
    assert all(c.now is None and c.distance is None for c in maturity)


def test_robust_unit() -> None:
    result = recommend(8000, "Enterprise", "Strong", "9M")
    assert result.changes == ()
    assert describe(result.changes, result.over_time) == [ROBUST]


def test_classes_follow_the_policy_in_force() -> None:
    policy = user_policy()
    result = recommend(900, "Scale-up", "Medium", "2.9M", policy=policy)
    texts = describe(result.changes, result.over_time)
    assert any("over 3M" in t or "over €3M" in t for t in texts), texts
    budget = [c for c in result.changes if c.input == "budget"]
    assert budget and budget[0].example == "3.1M"


def test_to_dict_carries_changes_and_over_time() -> None:
    data = recommend(600, "8", "Medium", "4.6M").to_dict()
    assert data["over_time"] == {"months": 11, "architecture": "Centralized", "index": 75.0,
                                 "when": "practice passes 18 months"}
    assert {c["input"] for c in data["changes"]} == {"maturity", "regulation", "budget"}
    assert set(data["changes"][0]) == {"input", "now", "to", "example", "architecture",
                                       "index", "distance"}


def test_examples_follow_a_policy_with_other_words() -> None:
    # "19 months" does not read under this policy: the example is the bare number.
    result = recommend(600, "8", "Medium", "4.6M", policy=odd_policy())
    maturity = [c for c in result.changes if c.input == "maturity"]
    assert [c.example for c in maturity] == ["19"]
    narrow = recommend(9, "POC", "Light", None, "no", policy=odd_policy())
    assert narrow.architecture == "Decentralized"
    for change in narrow.changes:
        values: list[Any] = [9, "POC", "Light", None, "no"]
        values[SLOTS[change.input]] = change.example
        assert recommend(*values, policy=odd_policy()).architecture == change.architecture
