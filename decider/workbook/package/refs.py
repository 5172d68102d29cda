"""A1-style cell references: column letters to numbers and back (1-based)."""

from __future__ import annotations

import re
from functools import lru_cache

MAX_ROW = 1_048_576
MAX_COLUMN = 16_384  # XFD

_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


@lru_cache(maxsize=20_000)
def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + (ord(letter) - 64)
    return number


@lru_cache(maxsize=20_000)
def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def is_column_letters(text: str) -> bool:
    """True for a column letter pair like 'F' or 'AB' that Excel has (A..XFD)."""
    return bool(re.fullmatch(r"[A-Za-z]{1,3}", text)) and column_number(text) <= MAX_COLUMN


def parse_ref(ref: str) -> tuple[int, int] | None:
    """'B7' -> (row 7, column 2); None for anything else."""
    match = _REF.fullmatch(ref.strip())
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """'A1:C9' (or one cell 'B2') -> (first row, first column, last row, last column)."""
    first, _, last = ref.partition(":")
    start = parse_ref(first)
    end = parse_ref(last) if last else start
    if start is None or end is None:
        return None
    return (min(start[0], end[0]), min(start[1], end[1]),
            max(start[0], end[0]), max(start[1], end[1]))


def cell_name(row: int, column: int) -> str:
    return f"{column_letters(column)}{row}"


def range_name(first_row: int, first_column: int, last_row: int, last_column: int) -> str:
    start = cell_name(first_row, first_column)
    end = cell_name(last_row, last_column)
    return start if start == end else f"{start}:{end}"
