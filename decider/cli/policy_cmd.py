"""`decider policy show`: the policy in force, as text or JSON."""

from __future__ import annotations

import json
from typing import Any

import click

from decider.cli.options import json_option, policy_option, rate_option
from decider.policy import CRITERIA, Policy


@click.group("policy")
def policy_group() -> None:
    """Inspect the decision policy (thresholds, votes, weights, synonyms, sectors)."""


@policy_group.command("show")
@policy_option
@rate_option
@json_option
@click.option("--sectors", is_flag=True,
              help="Only the sector table: each sector's level, forms and source.")
def show_command(policy: Policy, as_json: bool, sectors: bool) -> None:
    """Print the policy in force (the default, or --policy FILE merged over it)."""
    if sectors:
        table = sector_table(policy)
        click.echo(json.dumps(table, indent=2, ensure_ascii=False) if as_json
                   else render_sectors(table))
        return
    click.echo(policy.to_json() if as_json else render_policy(policy))


def sector_table(policy: Policy) -> list[dict[str, Any]]:
    """The sectors in table order, each with its level, mandatory flag, forms and source."""
    levels = policy.data["regulation"]["levels"]
    return [
        {"sector": name, "level": sector["level"],
         "mandatory": bool(levels.get(sector["level"], {}).get("mandatory", False)),
         "forms": list(sector.get("forms", [])), "source": sector.get("source", "")}
        for name, sector in policy.data["regulation"]["sectors"].items()
    ]


def render_sectors(table: list[dict[str, Any]]) -> str:
    lines = []
    for row in table:
        flag = ", mandatory: Centralized" if row["mandatory"] else ""
        lines.append(f"{row['sector']} ({row['level']}{flag})")
        lines.append(f"  forms:  {', '.join(row['forms'])}")
        lines.append(f"  source: {row['source']}")
    return "\n".join(lines)


def render_policy(policy: Policy) -> str:
    lines = [policy.name, f"source: {policy.data.get('article', '')}", ""]
    lines.append(
        f"index < {float(policy.decentralized_below):.4g} Decentralized; "
        f"> {float(policy.centralized_above):.4g} Centralized; between, bounds included, Hybrid"
    )
    lines.append(f"at least {policy.min_known_criteria} known criteria, or a mandatory rule")
    weights = ", ".join(f"{c} {float(policy.weights[c]):g}" for c in CRITERIA)
    lines.append(f"weights: {weights}")
    rates = ", ".join(f"{code} = €{rate}" for code, rate in sorted(policy.rates.items()))
    lines.append(f"exchange rates (euros for one unit): {rates or 'none given'}")
    for criterion in CRITERIA:
        lines.append("")
        lines.append(f"{criterion}:")
        for rule in policy.rules[criterion]:
            flag = " (mandatory: Centralized)" if rule.mandatory else ""
            lines.append(f"  {rule.label:<34} vote {float(rule.vote):>5g}{flag}   {rule.source}")
    return "\n".join(lines)
