"""The `decider` command line: a thin layer over the library.

Each command lives in its own module, imported only when that command runs (or help
lists it): `decider recommend` does not pay for pandas and the workbook layer.
"""

from __future__ import annotations

import importlib

import click

from decider import __version__

# name -> "module:attribute" of each command.
_COMMANDS = {
    "recommend": "decider.cli.recommend:recommend_command",
    "score": "decider.cli.score_cmd:score_command",
    "template": "decider.cli.template_cmd:template_command",
    "policy": "decider.cli.policy_cmd:policy_group",
    "excel": "decider.cli.excel_cmd:excel_group",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="decider")
def cli() -> None:
    """Which AI-orchestration architecture fits each business unit:
    Centralized, Hybrid or Decentralized."""


def main() -> None:
    cli(prog_name="decider")
