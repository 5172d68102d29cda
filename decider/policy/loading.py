"""Loading a policy: the shipped default, a user's TOML file merged over it, a template
workbook's Policy sheet, and exchange rates added on the command line."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from decider.errors import DeciderInputError
from decider.policy.build import build_policy
from decider.policy.model import Policy


@cache
def default_policy() -> Policy:
    """The article's policy, shipped in the package."""
    text = resources.files("decider").joinpath("default_policy.toml").read_text("utf-8")
    return build_policy(tomllib.loads(text), origin="the default policy")


def _default_data() -> dict[str, Any]:
    return copy.deepcopy(dict(default_policy().data))


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in a TOML file (merged over the default), or the default for None.

    A template workbook's Policy sheet is read too (`.xlsx`/`.xlsm`), so edits made in
    Excel apply to batch runs.
    """
    if path is None:
        return default_policy()
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from decider.policy.workbook import policy_data_from_workbook

        return policy_from_mapping(policy_data_from_workbook(path), origin=path.name)
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise DeciderInputError(
            f"policy file {path}: cannot be read ({error.strerror or error})"
        ) from None
    except UnicodeDecodeError:
        raise DeciderInputError(
            f"policy file {path}: is not UTF-8 text; a policy file is TOML "
            "(or a decider template workbook)"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DeciderInputError(f"policy file {path}: is not valid TOML: {error}") from None
    return policy_from_mapping(data, origin=path.name)


def policy_from_mapping(data: Mapping[str, Any], origin: str) -> Policy:
    """A user's policy data merged over the default, then checked."""
    merged = _merge(_default_data(), data)
    if "name" not in data:
        merged["name"] = f"policy from {origin}"
    return build_policy(merged, origin=origin)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            base[key] = _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def with_rates(policy: Policy, rates: Mapping[str, Any]) -> Policy:
    """`policy` with exchange rates added or replaced (`--rate GBP=1.17` beats the file)."""
    if not rates:
        return policy
    data = copy.deepcopy(dict(policy.data))
    table = data.setdefault("budget", {}).setdefault("rates", {})
    table.update({code.upper(): str(rate) for code, rate in rates.items()})
    return build_policy(data, origin="--rate")
