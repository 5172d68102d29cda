"""How long `decider template` takes, side by side in one run.

Builds each formula mode (default 200 rows, then 2,000 rows) and reads the Policy sheet
back, best of several runs, and prints each time with its ratio to the `none` mode (the
cost of the workbook without result formulas). The issue asks for the default template
(native, 200 rows) in under a second.

    python scripts/bench_templates.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from decider.policy_workbook import policy_data_from_workbook
from decider.template import FORMULA_MODES, build_template

REPEATS = 5


def process(arguments: list[str], folder: Path) -> Callable[[], object]:
    return lambda: subprocess.run(arguments, cwd=folder, check=True, capture_output=True)


def best_of(action: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for rows in (200, 2000):
            timings = {
                mode: best_of(lambda mode=mode, rows=rows: build_template(
                    out / f"{mode}.xlsx", formulas=mode, rows=rows))
                for mode in FORMULA_MODES
            }
            print(f"decider template, {rows} rows (best of {REPEATS}):")
            for mode, seconds in timings.items():
                size = (out / f"{mode}.xlsx").stat().st_size
                print(f"  {mode:<7} {seconds * 1000:8.1f} ms  {seconds / timings['none']:6.1f}x"
                      f" none   {size / 1024:8.0f} KiB")
        build_template(out / "default.xlsx")
        default = best_of(lambda: build_template(out / "default.xlsx"))
        read = best_of(lambda: policy_data_from_workbook(out / "default.xlsx"))
        verdict = "under" if default < 1 else "OVER"
        print(f"default template (native, 200 rows): {default * 1000:.1f} ms, {verdict} 1 s")
        print(f"Policy sheet read back (load_policy of the default template): "
              f"{read * 1000:.1f} ms, {read / default:.2f}x the build")
        # The command as a user runs it: a new process, most of it importing decider.
        command = [sys.executable, "-m", "decider", "template", "-o", "cli.xlsx", "--force"]
        whole = best_of(process(command, out))
        imports = best_of(process([sys.executable, "-c", "import decider.cli"], out))
        print(f"`decider template` as a new process: {whole * 1000:.0f} ms "
              f"(`import decider.cli` alone: {imports * 1000:.0f} ms, "
              f"{imports / whole:.2f}x the command; the build: {default * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
