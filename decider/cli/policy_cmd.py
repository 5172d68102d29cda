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
@click.option("--words", is_flag=True,
              help="Only the words decider reads: maturity words and model levels, "
                   "regulation words and regimes, countries, multipliers and periods.")
def show_command(policy: Policy, as_json: bool, sectors: bool, words: bool) -> None:
    """Print the policy in force (the default, or --policy FILE merged over it)."""
    if words:
        vocabulary = word_table(policy)
        click.echo(json.dumps(vocabulary, indent=2, ensure_ascii=False) if as_json
                   else render_words(vocabulary))
        return
    if sectors:
        table = sector_table(policy)
        click.echo(json.dumps(table, indent=2, ensure_ascii=False) if as_json
                   else render_sectors(table))
        return
    click.echo(policy.to_json() if as_json
               else f"{render_policy(policy)}\n\n{render_words(word_table(policy))}")


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


def word_table(policy: Policy) -> dict[str, Any]:
    """The vocabulary of section 9, from the policy data, grouped as a reader looks for it."""
    data = policy.data
    maturity, regulation = data["maturity"], data["regulation"]
    by_phase: dict[str, list[str]] = {
        phase: list(entry.get("forms", [])) for phase, entry in maturity["phases"].items()}
    for word, phase in maturity.get("words", {}).items():
        by_phase.setdefault(phase, []).append(word)
    by_level: dict[str, list[str]] = {
        level: list(entry.get("forms", [])) for level, entry in regulation["levels"].items()}
    for word, level in regulation.get("words", {}).items():
        by_level.setdefault(level, []).append(word)
    return {
        "maturity words": by_phase,
        "maturity models": {name: {"levels": model.get("levels", {}),
                                   "source": model.get("source", "")}
                            for name, model in maturity.get("models", {}).items()},
        "maturity refused as ambiguous": dict(maturity.get("ambiguous", {})),
        "maturity scales": (f"Level n, Ln, Lvl n, n/N, n of N, Stage n of N, Tier n: phase "
                            f"1 + floor(4(n-1)/N); N = {maturity.get('default_levels', 5)} "
                            f"when not given; Phase n is the article's phase n; a score or "
                            f"n% below {maturity.get('score_bounds', [])} is phase 1, 2, 3, "
                            "else 4; a date is when practice started; a level number with "
                            "a model's level name (4 - Managed, 3 (Defined), Managed (4)) is "
                            "that level, read only where the two agree"),
        "regulation words": by_level,
        "regulation regimes": {name: {"reads as": regime.get("reads_as"),
                                      "forms": regime.get("forms", []),
                                      "source": regime.get("source", "")}
                               for name, regime in regulation.get("regimes", {}).items()},
        "regulation refused": dict(regulation.get("not_regulations", {})),
        "sectors": "decider policy show --sectors",
        "negations": {"before": data.get("reading", {}).get("negations", []),
                      "after": data.get("reading", {}).get("negations_after", [])},
        "multi-country yes": data["multi_country"]["yes"],
        "multi-country no": data["multi_country"]["no"],
        "countries": "ISO 3166 names and codes (pycountry), and: " + ", ".join(
            f"{name} = {code}" for name, code in data["multi_country"].get("aliases", {})
            .items()),
        "multipliers": data["numbers"]["multipliers"],
        "approximate": data["numbers"].get("approximate", []),
        "periods (how many in a year)": {**{w: 1 for w in data["budget"].get(
            "period_words", [])}, **data["budget"].get("periods", {})},
    }


def render_words(table: dict[str, Any]) -> str:
    lines = ["words decider reads (section 9 of the policy):"]
    for title, entry in table.items():
        lines.append("")
        lines.append(f"{title}:")
        if isinstance(entry, str):
            lines.append(f"  {entry}")
        elif isinstance(entry, list):
            lines.append(f"  {', '.join(map(str, entry))}")
        else:
            for key, value in entry.items():
                if isinstance(value, dict):
                    shown = "; ".join(f"{k}: {_flat(v)}" for k, v in value.items())
                else:
                    shown = _flat(value)
                lines.append(f"  {key}: {shown}")
    return "\n".join(lines)


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v}" for k, v in value.items())
    return str(value)
