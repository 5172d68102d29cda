"""The error for a file decider cannot use as a workbook (exit code 2 in the CLI)."""

from __future__ import annotations

from decider.errors import DeciderInputError


class WorkbookError(DeciderInputError):
    """A file that is not a usable workbook, or options that do not fit it.

    The message is one line: what the file is and what to do about it.
    """
