"""`decider score` on the bundled sample, end to end, this checkout against another git
revision, side by side in one run.

    python scripts/bench_startup.py                    # against b937a70 (before issue 15)
    python scripts/bench_startup.py --against main --runs 15

Each side is a fresh `python -m decider score xlsx_templates/sample_portfolio.xlsx -o ...`
process (interpreter start, imports, read, score, write; each side's bytecode cached by
a warm-up run, as an installed package has it), the two sides taking turns so
that a busy machine slows both alike; the other revision is exported with `git archive`
into a temporary folder (nothing in the repository changes). Printed: the median wall
and CPU time of each side, their ratio (the goal: this checkout at least 2x faster), and
from one `python -X importtime` run of each, whether numpy and pandas were imported and
what their imports cost.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "xlsx_templates" / "sample_portfolio.xlsx"
BEFORE = "b937a70"  # the commit issue 15 started from
TARGET_RATIO = 2.0


def export(revision: str, into: Path) -> Path:
    """The revision's files (not a worktree: git's metadata is left alone)."""
    archive = into / "revision.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive),
                    revision], check=True)
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def command(output: Path, importtime: bool = False) -> list[str]:
    flags = ["-X", "importtime"] if importtime else []
    return [sys.executable, *flags, "-m", "decider", "score", str(SAMPLE), "-o", str(output),
            "--quiet"]


# Where each side's bytecode is cached (set by main): the warm-up run compiles it, as an
# installed package has it compiled by pip, even where PYTHONDONTWRITEBYTECODE is set.
BYTECODE: dict[Path, Path] = {}


def environment(tree: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("DECIDER_POLICY", None)
    if tree in BYTECODE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE[tree])
    return env


def run_once(tree: Path, output: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `decider score` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command(output), env=environment(tree), capture_output=True,
                               text=True, cwd=tree)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0, 1):  # 1: rows with issues, still written
        raise SystemExit(f"decider score failed in {tree}:\n{completed.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def heavy_imports(tree: Path, output: Path) -> dict[str, float]:
    """numpy's and pandas' cumulative import time (ms) in one run, where imported."""
    completed = subprocess.run(command(output, importtime=True), env=environment(tree),
                               capture_output=True, text=True, cwd=tree)
    found: dict[str, float] = {}
    for line in completed.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)$", line)
        if match and match[3] in ("numpy", "pandas"):
            found[match[3]] = max(found.get(match[3], 0.0), int(match[1]) / 1000)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--against", default=BEFORE, help=f"git revision ({BEFORE})")
    parser.add_argument("--runs", type=int, default=11, help="runs of each side (11)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="decider-startup-") as folder:
        work = Path(folder)
        sides = {"this checkout": ROOT, options.against: export(options.against, work)}
        outputs = {name: work / f"out-{i}.xlsx" for i, name in enumerate(sides)}
        BYTECODE.update({tree: work / f"bytecode-{i}" for i, tree in enumerate(sides.values())})
        for name, tree in sides.items():  # warm-up: bytecode compiled, files cached
            run_once(tree, outputs[name])
        walls: dict[str, list[float]] = {name: [] for name in sides}
        cpus: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(options.runs):
            for name, tree in sides.items():
                wall, cpu = run_once(tree, outputs[name])
                walls[name].append(wall)
                cpus[name].append(cpu)
        imports = {name: heavy_imports(tree, outputs[name]) for name, tree in sides.items()}
    print(f"decider score {SAMPLE.relative_to(ROOT)} end to end, {options.runs} runs each, "
          f"taking turns; Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs")
    for name in sides:
        heavy = ", ".join(f"{module} {ms:.0f} ms" for module, ms in imports[name].items())
        print(f"  {name:>15}: {statistics.median(walls[name]):.3f} s wall "
              f"(min {min(walls[name]):.3f}), {statistics.median(cpus[name]):.3f} s CPU; "
              f"imports {heavy or 'neither numpy nor pandas'}")
    ours, theirs = (statistics.median(walls[name]) for name in sides)
    ours_cpu, theirs_cpu = (statistics.median(cpus[name]) for name in sides)
    ratio = theirs / ours
    print(f"  ratio: {ratio:.2f}x faster in wall time, {theirs_cpu / ours_cpu:.2f}x in CPU "
          f"time (goal >= {TARGET_RATIO:g}x): {'met' if ratio >= TARGET_RATIO else 'MISSED'}")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
