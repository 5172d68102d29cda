"""Build the workbooks shipped in xlsx_templates/ (the wheel carries them as
decider/xlsx_templates):

- orchestration_matrix.xlsx: `decider template` with native formulas and the default
  policy;
- sample_portfolio.xlsx: the batch issue's sample, by scripts/sample_portfolio.py.

Run from anywhere:  python scripts/build_templates.py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from decider.template import build_template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "xlsx_templates"
MATRIX = TEMPLATES / "orchestration_matrix.xlsx"
SAMPLE = TEMPLATES / "sample_portfolio.xlsx"


def build_matrix(path: Path = MATRIX) -> Path:
    """The shipped matrix template: native formulas, default rows and policy."""
    return build_template(path, formulas="native")


def _sample_module() -> ModuleType | None:
    # Imported lazily by path: the sample's module is another part of the project and may
    # be absent from a partial checkout; the matrix is built either way.
    source = Path(__file__).resolve().parent / "sample_portfolio.py"
    if not source.is_file():
        return None
    spec = importlib.util.spec_from_file_location("sample_portfolio", source)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    TEMPLATES.mkdir(exist_ok=True)
    print(f"built {build_matrix().relative_to(ROOT)}")
    sample = _sample_module()
    if sample is None or not hasattr(sample, "build_sample_portfolio"):
        print("scripts/sample_portfolio.py is not here: sample_portfolio.xlsx not built",
              file=sys.stderr)
        return 0
    sample.build_sample_portfolio(SAMPLE)
    print(f"built {SAMPLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
