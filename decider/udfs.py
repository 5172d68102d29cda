"""Excel custom functions through xlwings: =ORCH_ARCH, =ORCH_INDEX, =ORCH_EXPLAIN and
=ORCH_CHANGES.

    =ORCH_ARCH(size, maturity, regulation, budget, [multi_country], [policy])

The same module serves every xlwings runtime: the classic Windows add-in (xlwings.conf
`UDF Modules: decider.udfs`, then Import Functions), xlwings Server and xlwings Lite
(Office.js: Excel on Windows, Mac and the web). Outside a runtime the functions are plain
Python callables.

One cell or a whole portfolio
    Each argument is one cell or a range. When some are ranges they must all have the same
    shape (a column of business units, say); a single cell next to them (one budget for
    all rows) applies to every row. A range call returns a range of answers that spills,
    computed in one pass of `decider.core.score_cells` (each distinct value read once,
    each distinct combination decided once): far faster than one call per row. Neither
    numpy nor pandas is imported: the module runs in a bare Pyodide (xlwings Lite).

Blanks
    A blank cell is unknown, as in the policy. The runtimes deliver one as None or "";
    numbers arrive as int or float (Office.js sends 300, the classic add-in 300.0);
    both read alike. A single call whose inputs are all blank, and a row of a range call
    that is blank in every range, answers "" (an empty cell): a range may run past the
    last business unit.

Bad values
    A value that cannot be read gives a one-line message, naming the input, the value and
    the accepted forms, in that cell only; the rest of a range still computes. A single
    call in xlwings Server or Lite raises `xlwings.XlwingsError`, which Excel shows as
    #VALUE! with the message; the classic add-in writes the message into the cell.

Policy
    The optional last argument `policy` is the path of a policy file (TOML, or a decider
    template workbook). Without it the environment variable DECIDER_POLICY names the
    file; without either the default policy (the article's) applies. A loaded policy is
    cached until its file changes (keyed by path and modification time).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import xlwings as xw

from decider.core import score_cells
from decider.errors import DeciderInputError
from decider.parsing import DISPLAY_NAMES, is_blank
from decider.policy import INPUTS, Policy, default_policy, load_policy

POLICY_ENV = "DECIDER_POLICY"

_ARGUMENT_DOCS = {
    "size": "Employees: 4200, 4.2k, 5k+, or a band <100, 100-500, 500-5k, 5k+. "
            "A cell or a column; blank: unknown.",
    "maturity": "AI maturity: POC, Scale-up, Mature, Enterprise, or months (9, 18m, "
                "2 years). A cell or a column; blank: unknown.",
    "regulation": "Light, Medium, Strong, Critical, or a sector (Finance, Healthcare, "
                  "Public sector, Pure tech). A cell or a column; blank: unknown.",
    "budget": "Yearly AI budget in euros: 2500000, 2.5M, 2,5 M€, 800k. "
              "A cell or a column; blank: unknown.",
    "multi_country": "Optional. Several countries? yes/no, TRUE/FALSE, or a number of "
                     "countries. A cell or a column.",
    "policy": "Optional. Path of a policy file (TOML or a decider template workbook). "
              "Default: the file in DECIDER_POLICY, else the article's policy.",
}

Grid = Sequence[Sequence[Any]]


def _office_js() -> bool:
    """xlwings Server or Lite: xlwings picked its Office.js decorators when imported."""
    return bool(getattr(xw, "on_server", False)) or sys.platform == "emscripten"


def _reading_options() -> dict[str, Any]:
    """How xlwings hands a range over. The classic add-in: rows of cells (ndim=2), cell
    errors as their text. Office.js: the cells as Excel sent them ("raw"), normalised by
    `_cells` below; xlwings' own cleaning costs about 65 µs a cell on CPython (its
    `utils.is_jsnull` retries a failing `import pyodide` for every cell), 3 s for
    10,000 rows of five inputs on xlwings Server."""
    if _office_js():
        return {"convert": "raw"}
    return {"ndim": 2, "err_to_str": True}


def _excel_function(function: Any) -> Any:
    """Register `function` with xlwings, every input read as a range (shapes matter)."""
    # Excel shows the docstring in the function wizard: one line, not Python's indentation.
    function.__doc__ = " ".join((function.__doc__ or "").split())
    options = _reading_options()
    for name in INPUTS:
        function = xw.arg(name, doc=_ARGUMENT_DOCS[name], **options)(function)
    function = xw.arg("policy", doc=_ARGUMENT_DOCS["policy"])(function)
    return xw.func(function)


@_excel_function
def ORCH_ARCH(  # Excel shows the Python name: upper case
    size: Any, maturity: Any, regulation: Any, budget: Any, multi_country: Any = None,
    policy: Any = None,
) -> Any:
    """AI-orchestration architecture for a business unit: Centralized, Hybrid or
    Decentralized. Give ranges of equal height for a whole portfolio: the answers spill.
    A bad value gives its message in that cell."""
    return _answer("architecture", (size, maturity, regulation, budget, multi_country), policy)


@_excel_function
def ORCH_INDEX(
    size: Any, maturity: Any, regulation: Any, budget: Any, multi_country: Any = None,
    policy: Any = None,
) -> Any:
    """Centralization index, 0 (Decentralized) to 100 (Centralized), of a business unit.
    Give ranges of equal height for a whole portfolio: the answers spill."""
    return _answer("index", (size, maturity, regulation, budget, multi_country), policy)


@_excel_function
def ORCH_EXPLAIN(
    size: Any, maturity: Any, regulation: Any, budget: Any, multi_country: Any = None,
    policy: Any = None,
) -> Any:
    """Why: the architecture, the index and each criterion's vote with its source in the
    article, on one line. Give ranges of equal height for a whole portfolio."""
    return _answer("rationale", (size, maturity, regulation, budget, multi_country), policy)


def _answer(field: str, arguments: tuple[Any, ...], policy_argument: Any) -> Any:
    try:
        policy = _policy(policy_argument)
        values = [_single(value) for value in arguments]
        if any(value is _RANGE for value in values):
            grids = [_as_grid(value) for value in arguments]
            shape = _common_shape(grids)
            if shape is not None:
                return _portfolio(field, grids, shape, policy)
            values = [_cell(grid[0][0]) for grid in grids]
        if all(is_blank(value) for value in values):
            return ""
        # One unit is a portfolio of one row: the core's memo makes a recalculation of
        # the same cell a few look-ups, and the answer is the range call's by construction.
        scored = score_cells({name: [value] for name, value in zip(INPUTS, values,
                                                                    strict=True)},
                             1, policy=policy, changes=field == "changes")
    except DeciderInputError as error:
        return _refuse(error.one_line)
    except Exception as error:  # a bug: still one line in the cell, never a traceback
        detail = " ".join(f"{type(error).__name__}: {error}".split())
        return _refuse(f"decider could not answer ({detail}); please report it")
    issue = scored["issues"][0]
    return scored[field][0] if issue is None else _refuse(issue)


_RANGE = object()  # what `_single` answers for a range of more than one cell


def _single(value: Any) -> Any:
    """The value of a single cell (also one wrapped as [[value]], as xlwings hands a cell
    over with ndim=2), or _RANGE. The fast path of the one-unit call."""
    if value is None or type(value) in _PLAIN:  # a bare cell: the commonest, first
        return value
    if isinstance(value, list | tuple):
        if len(value) != 1:
            return _RANGE
        inner = value[0]
        if isinstance(inner, list | tuple):
            return _cell(inner[0]) if len(inner) == 1 else _RANGE
        return _cell(inner)
    if _is_array(value):
        return _single(value.tolist())
    return _cell(value)


_PLAIN = frozenset({str, int, float, bool})


def _is_array(value: Any) -> bool:
    """A numpy array (from a Python caller), told without importing numpy."""
    return type(value).__module__ == "numpy" and hasattr(value, "tolist")


def _portfolio(field: str, grids: list[Grid], shape: tuple[int, int], policy: Policy
               ) -> list[list[Any]]:
    rows = shape[0] * shape[1]
    columns = {name: _flat(name, grid, rows) for name, grid in zip(INPUTS, grids, strict=True)}
    scored = score_cells(columns, rows, policy=policy, changes=field == "changes")
    answers = [answer if issue is None else issue
               for answer, issue in zip(scored[field], scored["issues"], strict=True)]
    # A row blank in every range is no business unit (a range may run past the last one),
    # whatever single cells apply to all rows. (A range with no value at all is None:
    # blank on every row.)
    ranged = [column for column, grid in zip(columns.values(), grids, strict=True)
              if len(grid) * len(grid[0]) > 1 and column is not None]
    for row in _blank_rows(ranged, rows):
        answers[row] = ""
    width = shape[1]
    return [answers[start:start + width] for start in range(0, rows, width)]


def _blank_rows(columns: list[list[Any]], rows: int) -> list[int]:
    """The rows where every column is blank; each column is looked at only on the rows
    where all before it were blank, and each distinct value is judged once."""
    candidates: Sequence[int] = range(rows)
    for cells in columns:
        if not candidates:
            break
        judged: dict[tuple[type, Any], bool] = {}
        still = []
        for row in candidates:
            value = cells[row]
            key = (type(value), value)
            try:
                blank = judged.get(key)
                if blank is None:
                    blank = judged[key] = is_blank(value)
            except TypeError:  # unhashable: judged every time
                blank = is_blank(value)
            if blank:
                still.append(row)
        candidates = still
    return list(candidates)


def _as_grid(value: Any) -> Grid:
    """A cell or a range as rows of cells: what xlwings' ndim=2 delivers, and also a
    plain value, a numpy array, or a 1-D list: a row, as xlwings reads it (Office.js
    sends a one-row range that way, once xlwings has unwrapped it)."""
    if _is_array(value):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return ((value,),)
    if not value:
        return ((None,),)
    if not isinstance(value[0], list | tuple):
        return (value,)
    return value


def _common_shape(grids: list[Grid]) -> tuple[int, int] | None:
    """The shape of the ranges (all alike), or None when every argument is one cell."""
    shapes = {name: (len(grid), len(grid[0])) for name, grid in zip(INPUTS, grids, strict=True)}
    ranges = {name: shape for name, shape in shapes.items() if shape != (1, 1)}
    distinct = set(ranges.values())
    if len(distinct) > 1:
        described = ", ".join(f"{name} {rows}×{cols}" for name, (rows, cols) in ranges.items())
        raise DeciderInputError(
            f"ranges of different sizes ({described}): give ranges of the same height "
            "(one row per business unit), or a single cell to apply to every row")
    return distinct.pop() if distinct else None


def _flat(name: str, grid: Grid, rows: int) -> list[Any] | None:
    """One column of cells, row-major; a single cell fills every row; None: blank."""
    if len(grid) * len(grid[0]) == 1:
        value = _cell(grid[0][0])
        return None if is_blank(value) else [value] * rows
    try:
        cells = list(chain.from_iterable(grid))  # rows of one cell, or row-major
    except (IndexError, TypeError):  # an empty row or a bare cell: only from Python callers
        cells = []
    if len(cells) != rows:
        raise DeciderInputError(f"{DISPLAY_NAMES[name]}: the rows of this range have different "
                                "lengths; give a rectangular range")
    return _cells(cells) if _office_js() else cells


def _refuse(message: str) -> str:
    """The message for the cell: Office.js runtimes show a raised XlwingsError as #VALUE!
    with the message; the classic add-in (and plain Python) gets it as the cell's text."""
    if _office_js():
        raise xw.XlwingsError(message)
    return message


def _js_null_type() -> type | None:
    """Pyodide's JsNull (xlwings Lite: an empty cell of a range), where there is one."""
    if sys.platform != "emscripten":
        return None
    try:
        found: type = importlib.import_module("pyodide.ffi").JsNull
    except (ImportError, AttributeError):
        return None
    return found


_JS_NULL = _js_null_type()


def _cells(values: list[Any]) -> list[Any]:
    """Cells as Office.js sends them, read: an error or a data type (a dict) by its
    text or basic value ("#N/A"), JsNull as blank. Others pass as they are."""
    kinds = set(map(type, values))
    if dict not in kinds and (_JS_NULL is None or _JS_NULL not in kinds):
        return values
    return [_cell(value) for value in values]


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("basicValue")
    if _JS_NULL is not None and isinstance(value, _JS_NULL):
        return None
    return value


# --- the policy in force ---------------------------------------------------------------

_loaded: dict[Path, tuple[int, Policy]] = {}


def _policy(argument: Any) -> Policy:
    chosen = _single(argument)
    if chosen is _RANGE:
        raise DeciderInputError("policy must be one cell holding the path of a policy file")
    if is_blank(chosen):
        chosen = os.environ.get(POLICY_ENV) or None
    if chosen is None:
        return default_policy()
    if not isinstance(chosen, str):
        raise DeciderInputError(f"policy '{chosen}' is not a path; accepted: the path of a "
                                "TOML policy file or of a decider template workbook")
    return _cached_policy(Path(chosen.strip()).expanduser())


def _cached_policy(path: Path) -> Policy:
    try:
        modified = path.stat().st_mtime_ns
    except OSError as error:
        raise DeciderInputError(f"policy file {path}: cannot be read "
                                f"({error.strerror or error})") from None
    key = path.resolve()
    found = _loaded.get(key)
    if found is None or found[0] != modified:
        found = _loaded[key] = (modified, load_policy(path))
    return found[1]


# --- what would change the answer (decision policy, section 12) ------------------------


@_excel_function
def ORCH_CHANGES(
    size: Any, maturity: Any, regulation: Any, budget: Any, multi_country: Any = None,
    policy: Any = None,
) -> Any:
    """What would change the answer: for each input, the nearest value that gives another
    architecture, with an example, and when growing practice changes it; or "robust".
    Give ranges of equal height for a whole portfolio: the answers spill."""
    return _answer("changes", (size, maturity, regulation, budget, multi_country), policy)


