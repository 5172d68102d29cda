"""`decider template`: the matrix sheet and a portfolio workbook that answers with or
without Python (native formulas, the add-in's functions, LAMBDA names, or empty)."""

from __future__ import annotations

from decider.template.shipped import shipped_template
from decider.template.workbook import (
    FORMULA_MODES,
    FormulaMode,
    build_template,
    lambda_definitions,
    native_formulas,
)

__all__ = [
    "FORMULA_MODES",
    "FormulaMode",
    "build_template",
    "lambda_definitions",
    "native_formulas",
    "shipped_template",
]
