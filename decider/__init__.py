"""decider: which AI-orchestration architecture fits each business unit.

    >>> from decider import recommend
    >>> recommend(300, "Scale-up", "Medium", "2,5 M€").architecture
    'Hybrid'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from decider.engine import CriterionVote, Result, recommend
from decider.errors import DeciderInputError
from decider.policy import Policy, default_policy, load_policy, with_rates

if TYPE_CHECKING:
    from decider.batch import ScoreSummary, score_rows, score_workbook
    from decider.frame import score_columns, score_frame

# Imported on first use: they need pandas, which `decider recommend` and a single
# Excel cell do not (it doubles the start-up time of the command line).
_LAZY = {
    "score_frame": "decider.frame",
    "score_columns": "decider.frame",
    "ScoreSummary": "decider.batch",
    "score_rows": "decider.batch",
    "score_workbook": "decider.batch",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'decider' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "CriterionVote",
    "DeciderInputError",
    "Policy",
    "Result",
    "ScoreSummary",
    "__version__",
    "default_policy",
    "load_policy",
    "recommend",
    "score_columns",
    "score_frame",
    "score_rows",
    "score_workbook",
    "with_rates",
]
