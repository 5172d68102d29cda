"""decider: which AI-orchestration architecture fits each business unit.

    >>> from decider import recommend
    >>> recommend(300, "Scale-up", "Medium", "2,5 M€").architecture
    'Hybrid'
"""

from __future__ import annotations

__version__ = "0.1.0"

from decider.batch import ScoreSummary, score_rows, score_workbook
from decider.engine import CriterionVote, Result, recommend
from decider.errors import DeciderInputError
from decider.frame import score_frame
from decider.policy import Policy, default_policy, load_policy

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
    "score_frame",
    "score_rows",
    "score_workbook",
]
