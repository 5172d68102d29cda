"""Options shared by several commands, as decorators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from decider.errors import DeciderInputError
from decider.policy import Policy, load_policy

F = TypeVar("F", bound=Callable[..., Any])


def _load_policy_option(ctx: click.Context, param: click.Parameter, value: Path | None) -> Policy:
    try:
        return load_policy(value)
    except DeciderInputError as error:
        raise click.BadParameter(error.one_line, ctx=ctx, param=param) from None


def policy_option(function: F) -> F:
    """`--policy FILE`: a user's own thresholds, votes, weights and synonyms."""
    return click.option(
        "--policy",
        "policy",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        callback=_load_policy_option,
        help="Policy file (TOML, or a template workbook's Policy sheet). "
        "Default: the article's policy shipped with decider.",
    )(function)


def json_option(function: F) -> F:
    """`--json`: machine-readable output on stdout; everything else goes to stderr."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(function)
