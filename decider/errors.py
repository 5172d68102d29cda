"""The one exception type for bad user input."""

from __future__ import annotations

from collections.abc import Iterable


class DeciderInputError(ValueError):
    """Input a user gave that decider cannot use.

    The message is written for a spreadsheet user: it names the input, repeats
    the value and says what is accepted. It never carries a traceback. When
    several inputs are wrong at once, each problem is one line.
    """

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        super().__init__("\n".join(self.problems))

    @property
    def one_line(self) -> str:
        """All problems on one line, for a cell or a summary column."""
        return "; ".join(self.problems)
