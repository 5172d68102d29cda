"""The decision policy as data: thresholds, votes, weights, words and the sector and regime
tables (decision policy, sections 5, 6 and 9).

- `model`: what a policy is (rules, ranges, word meanings, `Policy`);
- `vocabulary`: the one phrase matcher for sectors, regimes, level and maturity words;
- `build`, `ranges`, `words`: checking policy data and compiling it;
- `loading`: the default, a TOML file merged over it, `--rate`;
- `workbook`: a template workbook's Policy sheet read back as policy data.
"""

from decider.policy.build import build_policy
from decider.policy.loading import default_policy, load_policy, policy_from_mapping, with_rates
from decider.policy.model import (
    ARCHITECTURES,
    CRITERIA,
    INPUTS,
    Bound,
    Meaning,
    NumericScale,
    Policy,
    Rule,
    normalise_band,
    normalise_label,
    parse_rate,
)
from decider.policy.vocabulary import PhraseMatcher, closest_form, normalise_phrase

__all__ = [
    "ARCHITECTURES", "CRITERIA", "INPUTS", "Bound", "Meaning", "NumericScale",
    "PhraseMatcher", "Policy", "Rule", "build_policy", "closest_form", "default_policy",
    "load_policy", "normalise_band", "normalise_label", "normalise_phrase", "parse_rate",
    "policy_from_mapping", "with_rates",
]
