"""`decider recommend`: one business unit, answered in the terminal."""

from __future__ import annotations

import json

import click

from decider.changes import describe
from decider.cli.options import json_option, policy_option, rate_option
from decider.engine import Result, recommend
from decider.errors import DeciderInputError
from decider.policy import Policy

_INPUT_HELP = {
    "size": "Employees: 4200, 4 200, 4,200, 4.2k, or a band <100, 100-500, 500-5k, 5k+.",
    "maturity": "AI maturity: POC, Scale-up, Mature, Enterprise, or months (9, 18m, 2 years).",
    "regulation": "Light, Medium, Strong, Critical, or a sector (Finance, Healthcare, ...).",
    "budget": 'Yearly AI budget in euros: 2500000, 2.5M, "2,5 M€", 800k, "EUR 3M".',
    "multi-country": "yes/no, TRUE/FALSE, or a number of countries.",
}


@click.command("recommend")
@click.option("--size", help=_INPUT_HELP["size"])
@click.option("--maturity", help=_INPUT_HELP["maturity"])
@click.option("--regulation", help=_INPUT_HELP["regulation"])
@click.option("--budget", help=_INPUT_HELP["budget"])
@click.option("--multi-country", "multi_country", help=_INPUT_HELP["multi-country"])
@policy_option
@rate_option
@json_option
def recommend_command(
    size: str | None,
    maturity: str | None,
    regulation: str | None,
    budget: str | None,
    multi_country: str | None,
    policy: Policy,
    as_json: bool,
) -> None:
    """Recommend an architecture for one business unit.

    An option left out is unknown. Example:

        decider recommend --size 300 --maturity Scale-up --regulation Medium --budget "2,5 M€"
    """
    try:
        result = recommend(size, maturity, regulation, budget, multi_country, policy=policy)
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
