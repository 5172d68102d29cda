"""`decider recommend` through click's runner: exit codes, text, JSON, errors."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from decider import recommend
from decider.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_recommend_prints_the_architecture_and_rationale() -> None:
    code, out, err = run("recommend", "--size", "300", "--maturity", "Scale-up",
                         "--regulation", "Medium", "--budget", "2,5 M€")
    assert code == 0, err
    assert out.splitlines()[0] == "Hybrid"
    assert "centralization index 50.0 / 100" in out
    assert 'source: matrix row "100-500 ➜ Hybrid"' in out
    assert "€2,500,000 a year" in out
    assert err == ""


def test_recommend_json_shape() -> None:
    code, out, _ = run("recommend", "--size", "8000", "--maturity", "Enterprise",
                       "--regulation", "banking", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["architecture"] == "Centralized"
    assert 0 <= data["index"] <= 100 and 0 <= data["confidence"] <= 1
    assert data["missing"] == ["budget"]
    assert "Finance" in data["mandatory"]
    assert [entry["criterion"] for entry in data["rationale"]] == [
        "size", "maturity", "regulation", "budget"]
    size = data["rationale"][0]
    assert size == {"criterion": "size", "input": "size", "value": "8000",
                    "read_as": "8,000 employees", "vote": 100.0, "weight": 1.0,
                    "rule": "over 500 employees", "source": size["source"]}
    assert size["source"].startswith("Criterion 3")
    assert data["rationale"][3]["vote"] is None


def test_cli_and_api_agree() -> None:
    args = {"size": "4 200", "maturity": "9 months", "regulation": "Medium",
            "budget": "EUR 3M", "multi-country": "3"}
    argv = ["recommend", "--json"]
    for name, value in args.items():
        argv += [f"--{name}", value]
    code, out, _ = run(*argv)
    assert code == 0
    api = recommend("4 200", "9 months", "Medium", "EUR 3M", "3").to_dict()
    assert json.loads(out) == api


def test_a_bad_value_is_one_line_and_exit_1() -> None:
    code, out, err = run("recommend", "--size", "$3M", "--maturity", "POC")
    assert code == 1
    assert out == ""
    assert err.strip().splitlines() == [
        "Error: size '$3M' is not recognised; accepted: a positive number of employees "
        "(4200, 4 200, 4,200, 4.2k, ~450) or a band (<100, 100-500, 500-5k, 5k+); "
        "all forms: decider policy show"]


def test_too_little_information_names_what_is_missing() -> None:
    code, _, err = run("recommend", "--maturity", "POC")
    assert code == 1
    assert "size, regulation and budget are missing" in err
    assert "Traceback" not in err


def test_python_dash_m_runs_the_cli() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "decider", "recommend", "--size", "40", "--maturity", "POC",
         "--regulation", "Light", "--json"],
        capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["architecture"] == "Decentralized"
