"""decider: which AI-orchestration architecture fits each business unit."""

from __future__ import annotations

__version__ = "0.1.0"
