"""Kept for imports written before the policy became a package: see
`decider.policy.workbook`."""

from decider.policy.workbook import policy_data_from_workbook

__all__ = ["policy_data_from_workbook"]
