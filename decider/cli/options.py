"""Options shared by several commands, as decorators."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from decider.errors import DeciderInputError
from decider.policy import Policy, load_policy, parse_rate, with_rates

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


def _parse_rates(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
                 ) -> dict[str, Decimal]:
    rates: dict[str, Decimal] = {}
    for option in values:
        code, equals, rate = option.partition("=")
        code = code.strip()
        if not equals or not re.fullmatch(r"[A-Za-z]{3}", code) or code.upper() == "EUR":
            raise click.BadParameter(
                f"'{option}': give a currency code and the euros one unit is worth, "
                "e.g. --rate GBP=1.17 or --rate USD=0.92", ctx=ctx, param=param)

        def refuse(problem: str, option: str = option) -> DeciderInputError:
            return DeciderInputError(f"'{option}': the rate {problem}")

        try:
            rates[code.upper()] = parse_rate(rate, refuse)
        except DeciderInputError as error:
            raise click.BadParameter(error.one_line, ctx=ctx, param=param) from None
    return rates


def rate_option(function: F) -> F:
    """`--rate CUR=EUR_PER_UNIT`, repeatable: exchange rates added to the policy in force
    (they beat the policy file's). Put it below `policy_option`."""

    @functools.wraps(function)
    def with_rates_applied(*args: Any, rates: dict[str, Decimal], **kwargs: Any) -> Any:
        try:
            kwargs["policy"] = with_rates(kwargs["policy"], rates)
        except DeciderInputError as error:
            raise click.BadParameter(error.one_line, param_hint="--rate") from None
        return function(*args, **kwargs)

    return cast(F, click.option(
        "--rate", "rates", multiple=True, metavar="CUR=EUR_PER_UNIT", callback=_parse_rates,
        help="Exchange rate for budgets in another currency: euros for one unit, e.g. "
             "--rate GBP=1.17 (repeatable; beats the policy file's [budget.rates]). "
             "decider builds in no rate.",
    )(with_rates_applied))
