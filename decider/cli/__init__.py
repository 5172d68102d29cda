"""The `decider` command line: a thin layer over the library.

Each command lives in its own module; this one only assembles the group.
"""

from __future__ import annotations

import click

from decider import __version__
from decider.cli.excel_cmd import excel_group
from decider.cli.policy_cmd import policy_group
from decider.cli.recommend import recommend_command
from decider.cli.score_cmd import score_command
from decider.cli.template_cmd import template_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="decider")
def cli() -> None:
    """Which AI-orchestration architecture fits each business unit:
    Centralized, Hybrid or Decentralized."""


cli.add_command(recommend_command)
cli.add_command(policy_group)
# Commands of the batch, template and Excel modules are added below, one line each.
cli.add_command(score_command)
cli.add_command(template_command)
cli.add_command(excel_group)


def main() -> None:
    cli(prog_name="decider")
