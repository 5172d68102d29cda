"""`decider policy show`: the policy in force, as text or JSON."""

from __future__ import annotations

import click

from decider.cli.options import json_option, policy_option
from decider.policy import CRITERIA, Policy


@click.group("policy")
def policy_group() -> None:
    """Inspect the decision policy (thresholds, votes, weights, synonyms, sectors)."""


@policy_group.command("show")
@policy_option
@json_option
def show_command(policy: Policy, as_json: bool) -> None:
    """Print the policy in force (the default, or --policy FILE merged over it)."""
    click.echo(policy.to_json() if as_json else render_policy(policy))


def render_policy(policy: Policy) -> str:
    lines = [policy.name, f"source: {policy.data.get('article', '')}", ""]
    lines.append(
        f"index < {float(policy.decentralized_below):.4g} Decentralized; "
        f"> {float(policy.centralized_above):.4g} Centralized; between, bounds included, Hybrid"
    )
    lines.append(f"at least {policy.min_known_criteria} known criteria, or a mandatory rule")
    weights = ", ".join(f"{c} {float(policy.weights[c]):g}" for c in CRITERIA)
    lines.append(f"weights: {weights}")
    for criterion in CRITERIA:
        lines.append("")
        lines.append(f"{criterion}:")
        for rule in policy.rules[criterion]:
            flag = " (mandatory: Centralized)" if rule.mandatory else ""
            lines.append(f"  {rule.label:<34} vote {float(rule.vote):>5g}{flag}   {rule.source}")
    return "\n".join(lines)
