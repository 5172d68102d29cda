"""The templates shipped with decider: in the installed package (`decider/xlsx_templates`,
force-included by the wheel build) or, in an editable install, the repository's
`xlsx_templates/`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from decider.errors import DeciderInputError

_REPOSITORY = Path(__file__).resolve().parents[2] / "xlsx_templates"


def shipped_template(name: str = "orchestration_matrix.xlsx") -> Path:
    """The path of a shipped template workbook."""
    installed = resources.files("decider").joinpath("xlsx_templates", name)
    if installed.is_file():
        return Path(str(installed))
    found = _REPOSITORY / name
    if found.is_file():
        return found
    raise DeciderInputError(f"shipped template '{name}' is not installed with decider")
