"""`decider recommend`: one business unit, answered in the terminal."""

from __future__ import annotations

import json
from datetime import datetime

import click

from decider.changes import describe
from decider.cli.options import json_option, policy_option, rate_option
from decider.engine import Result, recommend
from decider.errors import DeciderInputError
from decider.policy import Policy

_INPUT_HELP = {
    "size": "Employees: 4200, 4 200, 4,200, 4.2k, or a band <100, 100-500, 500-5k, 5k+.",
    "maturity": "AI maturity: POC, Scale-up, Mature, Enterprise (also pilot, production, "
                "BAU, Level 3, 3/5, 85%), months (9, 18m, 2 years) or a start date (2024-03).",
    "regulation": "Light, Medium, Strong, Critical, a sector (Finance, Healthcare, ...) or a "
                  "regulation (DORA, HIPAA, NIS2, GDPR, ...).",
    "budget": 'Yearly AI budget in euros: 2500000, 2.5M, "2,5 M€", 800k, "€500k/month".',
    "multi-country": "yes/no, a number of countries, a list (DE, FR, IT) or a region (EMEA).",
}


@click.command("recommend")
@click.option("--size", help=_INPUT_HELP["size"])
@click.option("--maturity", help=_INPUT_HELP["maturity"])
@click.option("--regulation", help=_INPUT_HELP["regulation"])
@click.option("--budget", help=_INPUT_HELP["budget"])
@click.option("--multi-country", "multi_country", help=_INPUT_HELP["multi-country"])
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DATE",
              help="The day a maturity start date is counted to (YYYY-MM-DD). Default: today.")
@policy_option
@rate_option
@json_option
def recommend_command(
    size: str | None,
    maturity: str | None,
    regulation: str | None,
    budget: str | None,
    multi_country: str | None,
    as_of: datetime | None,
    policy: Policy,
    as_json: bool,
) -> None:
    """Recommend an architecture for one business unit.

    An option left out is unknown. Example:

        decider recommend --size 300 --maturity Scale-up --regulation Medium --budget "2,5 M€"
    """
    try:
        result = recommend(size, maturity, regulation, budget, multi_country, policy=policy,
                           as_of=None if as_of is None else as_of.date())
    except DeciderInputError as error:
        raise click.ClickException(error.one_line) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(result))


def render_text(result: Result) -> str:
    lines = [
        f"{result.architecture}",
        f"  centralization index {result.index:.1f} / 100, confidence {result.confidence:.2f}",
    ]
    if result.mandatory:
        lines.append(f"  mandatory: {result.mandatory}")
    lines.append("")
    for vote in result.rationale:
        if vote.vote is None:
            lines.append(f"  {vote.criterion:<11} unknown")
            continue
        given = vote.value if vote.input == vote.criterion else f"{vote.input}={vote.value}"
        lines.append(
            f"  {vote.criterion:<11} {given!s:<14} read as {vote.read_as}: "
            f"{vote.rule} ➜ vote {vote.vote:g}"
        )
        lines.append(f"  {'':<11} source: {vote.source}")
    if result.missing:
        lines.append("")
        lines.append(f"  not given: {', '.join(result.missing)} (confidence is lower)")
    lines.append("")
    lines.append("  What would change it")
    lines.extend(f"    {line}" for line in describe(result.changes, result.over_time))
    return "\n".join(lines)
