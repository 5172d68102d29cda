"""`decider recommend`'s "What would change it" block and its JSON, through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from decider import recommend
from decider.changes import changes_text
from decider.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def block(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index("  What would change it")
    return [line.strip() for line in lines[start + 1:]]


def test_the_block_lists_changes_and_the_answer_over_time() -> None:
    code, out, err = run("recommend", "--size", "600", "--maturity", "8 months",
                         "--regulation", "Medium", "--budget", "4.6M")
    assert code == 0, err
    assert out.splitlines()[0] == "Hybrid"
    assert block(out) == [
        "Centralized if maturity Mature, Enterprise or over 18 months (e.g. 19 months)",
        "Centralized if regulation Strong",
        "Centralized if budget over €5M (+9%, e.g. 5.1M)",
        "Centralized in 11 months, when practice passes 18 months",
    ]
    # Each example does what the block says.
    for flag, value in (("--maturity", "19 months"), ("--regulation", "Strong"),
                        ("--budget", "5.1M")):
        args = {"--size": "600", "--maturity": "8 months", "--regulation": "Medium",
                "--budget": "4.6M", flag: value}
        code, out, _ = run("recommend", *[x for pair in args.items() for x in pair])
        assert code == 0 and out.splitlines()[0] == "Centralized"


def test_a_robust_unit_says_so() -> None:
    code, out, _ = run("recommend", "--size", "8000", "--maturity", "Enterprise",
                       "--regulation", "Strong", "--budget", "9M")
    assert code == 0
    assert block(out) == ["robust: no single input changes the answer"]


def test_json_carries_changes_and_over_time() -> None:
    code, out, _ = run("recommend", "--size", "600", "--maturity", "8", "--regulation",
                       "Medium", "--budget", "4.6M", "--json")
    assert code == 0
    data = json.loads(out)
    budget = [c for c in data["changes"] if c["input"] == "budget"]
    assert budget == [{"input": "budget", "now": "up to €5M", "to": "over €5M",
                       "example": "5.1M", "architecture": "Centralized", "index": 75.0,
                       "distance": (5_000_000 - 4_600_000) / 4_600_000}]
    assert data["over_time"] == {"months": 11, "architecture": "Centralized",
                                 "index": 75.0, "when": "practice passes 18 months"}
    native = json.loads(json.dumps(recommend("600", "8", "Medium", "4.6M").to_dict()))
    assert data["changes"] == native["changes"] and len(data["changes"]) == 3


def test_json_robust_and_no_over_time() -> None:
    code, out, _ = run("recommend", "--size", "8000", "--maturity", "Enterprise",
                       "--regulation", "Strong", "--budget", "9M", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["changes"] == [] and data["over_time"] is None


def test_a_user_policy_gives_its_own_classes(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        "[[budget.ranges]]\nbelow = 1000000\nvote = 50\n\n"
        "[[budget.ranges]]\nup_to = 3000000\nvote = 50\n\n"
        "[[budget.ranges]]\nvote = 100\n", "utf-8")
    code, out, err = run("recommend", "--size", "600", "--maturity", "8",
                         "--regulation", "Medium", "--budget", "2.9M", "--policy", str(policy))
    assert code == 0, err
    assert "Centralized if budget over €3M (+3%, e.g. 3.1M)" in block(out)


def test_score_json_and_csv_carry_the_changes(tmp_path: Path) -> None:
    import csv
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Business unit", "Employees", "AI maturity", "Regulation", "AI budget"])
    sheet.append(["Paris", 600, "8 months", "Medium", "4.6M"])
    sheet.append(["Oslo", 8000, "Enterprise", "Strong", "9M"])
    path = tmp_path / "units.xlsx"
    book.save(path)
    before = path.read_bytes()
    code, out, err = run("score", str(path), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    paris = recommend(600, "8 months", "Medium", "4.6M")
    assert rows[0]["changes"] == changes_text(paris) and rows[0]["over_time_months"] == 11
    assert rows[1]["changes"] == "robust: no single input changes the answer"
    assert rows[1]["over_time_months"] is None
    code, out, err = run("score", str(path), "--format", "csv")
    assert code == 0, err
    table = list(csv.DictReader(io.StringIO(out)))
    assert table[0]["changes"] == rows[0]["changes"]
    assert float(table[0]["over_time_months"]) == 11
    assert path.read_bytes() == before  # the input is never changed

