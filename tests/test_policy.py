"""The policy as data: a user's TOML merged over the default, bad files refused by key,
`decider policy show`, and `--policy` on `recommend`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from decider import DeciderInputError, default_policy, load_policy, recommend, score_frame
from decider.cli import cli


def write(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_budget_threshold_of_three_million(tmp_path: Path) -> None:
    path = write(tmp_path, """
[[budget.ranges]]
below = 3000000
vote = 50
[[budget.ranges]]
vote = 100
""")
    policy = load_policy(path)
    # €4M votes Centralized under this policy, Hybrid under the default (over €5M only).
    assert recommend(300, budget="4M", policy=policy).rationale[3].vote == 100
    assert recommend(300, budget="4M").rationale[3].vote == 50
    assert recommend(300, budget="3M", policy=policy).rationale[3].vote == 100
    assert recommend(300, budget="2.99M", policy=policy).rationale[3].vote == 50


def test_a_sector_level_changed_and_a_form_added(tmp_path: Path) -> None:
    # Energy is Strong by default (NIS2 Annex I); this CTO office reads it as Medium and
    # adds its own word for it.
    path = write(tmp_path, """
[regulation.sectors.Energy]
level = "Medium"
forms = ["energy", "utilities", "grid operator"]
source = "our CTO office, 2026"
""")
    policy = load_policy(path)
    result = recommend(300, "Scale-up", "grid operator", policy=policy)
    assert result.rationale[2].rule == "Energy (Medium)"
    assert result.rationale[2].vote == 50
    assert result.rationale[2].source == "our CTO office, 2026"
    assert recommend(300, "Scale-up", "utilities").rationale[2].rule == "Energy (Strong)"
    # The default sectors are still there: the user's table merged over the default.
    assert recommend(300, "Scale-up", "banking", policy=policy).mandatory is not None
    with pytest.raises(DeciderInputError, match="regulation 'grid operator'"):
        recommend(300, "Scale-up", "grid operator")


def test_a_new_sector_added(tmp_path: Path) -> None:
    path = write(tmp_path, """
[regulation.sectors."Quantum computing"]
level = "Strong"
forms = ["quantum"]
source = "our CTO office, 2026"
""")
    policy = load_policy(path)
    # A phrase inside free text finds the new sector too, and the default table still reads.
    assert recommend(300, "Scale-up", "Quantum sensing lab", policy=policy
                     ).rationale[2].rule == "Quantum computing (Strong)"
    assert recommend(300, "Scale-up", "Retail", policy=policy).rationale[2].rule == (
        "Retail (Light)")


def test_weights_change_the_index(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "[weights]\nsize = \"1/2\"\n"))
    # size 100 (weight 1/2), maturity 0, regulation 0: index 50 / 2.5 = 20 -> Decentralized;
    # with equal weights the index is 33.3..., a bound, so Hybrid.
    result = recommend(4200, "POC", "Light", policy=policy)
    assert result.index == 20
    assert result.architecture == "Decentralized"
    assert recommend(4200, "POC", "Light").architecture == "Hybrid"


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[decision]\ncentralized_above = 120\n", "decision.centralized_above",
         "must be from 0 to 100"),
        ("[decision]\ndecentralized_below = 80\ncentralized_above = 70\n",
         "decision.decentralized_below", "must not be above"),
        ("[decision]\nmin_known_criteria = 9\n", "decision.min_known_criteria",
         "whole number from 1 to 4"),
        ("[weights]\nsize = -1\n", "weights.size", "0 or more"),
        ("[weights]\nsize = \"heavy\"\n", "weights.size", "fraction"),
        ("[weights]\nteam = 1\n", "weights.team", "is not a policy key"),
        ("colour = 'blue'\n", "policy.colour", "is not a policy key"),
        ("[regulation.sectors.Energy]\nlevel = \"Extreme\"\n",
         "regulation.sectors.Energy.level", "must name a regulation level"),
        ("[[budget.ranges]]\nbelow = 5000000\nvote = 50\n[[budget.ranges]]\nbelow = 2000000\n"
         "vote = 60\n[[budget.ranges]]\nvote = 100\n", "budget.ranges[2].below",
         "must be above the range before it"),
        ("[[size.ranges]]\nbelow = 50\nvote = 0\n", "size.ranges[1]",
         "is the last range and must have no bound"),
        ("[maturity.phases.POC]\nvote = 150\n", "maturity.phases.POC.vote",
         "must be from 0 to 100"),
        ("[multi_country]\nyes = [\"maybe\"]\nno = [\"maybe\"]\n", "multi_country.yes",
         "share 'maybe'"),
    ],
)
def test_a_bad_policy_file_names_the_key(tmp_path: Path, text: str, key: str, problem: str
                                         ) -> None:
    with pytest.raises(DeciderInputError) as error:
        load_policy(write(tmp_path, text))
    message = error.value.one_line
    assert f"key '{key}'" in message
    assert problem in message
    assert "policy.toml" in message


def test_not_toml_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(DeciderInputError, match="is not valid TOML"):
        load_policy(write(tmp_path, "this is = = not toml"))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(DeciderInputError, match="is not UTF-8 text"):
        load_policy(binary)


def test_policy_show_text_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["policy", "show"])
    assert text.exit_code == 0
    assert "index < 33.33 Decentralized; > 66.67 Centralized" in text.stdout
    assert "Finance (Critical)" in text.stdout and "(mandatory: Centralized)" in text.stdout
    as_json = runner.invoke(cli, ["policy", "show", "--json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.stdout)
    assert data == json.loads(default_policy().to_json())
    assert data["decision"]["centralized_above"] == "200/3"
    assert data["regulation"]["sectors"]["Finance"]["level"] == "Critical"


def test_policy_option_on_show_and_recommend(tmp_path: Path) -> None:
    path = write(tmp_path, "[weights]\nbudget = 0\n")
    runner = CliRunner()
    shown = runner.invoke(cli, ["policy", "show", "--json", "--policy", str(path)])
    assert json.loads(shown.stdout)["weights"]["budget"] == 0
    answered = runner.invoke(cli, ["recommend", "--size", "300", "--maturity", "POC",
                                   "--budget", "9M", "--json", "--policy", str(path)])
    assert answered.exit_code == 0, answered.stderr
    assert json.loads(answered.stdout)["index"] == 25  # budget weighs nothing now


def test_a_bad_policy_file_on_the_command_line_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[weights]\nsize = -1\n")
    result = CliRunner().invoke(cli, ["recommend", "--size", "300", "--policy", str(path)])
    assert result.exit_code == 2
    assert "key 'weights.size'" in result.stderr
    assert "Traceback" not in result.stderr
    missing = CliRunner().invoke(cli, ["policy", "show", "--policy", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_score_frame_column_choice() -> None:
    frame = pd.DataFrame({"Employees": [40, 300], "Phase": ["POC", "Scale-up"],
                          "regulation": ["Light", "Medium"]})
    scored = score_frame(frame, size="Employees", maturity="Phase")
    assert list(scored["architecture"]) == ["Decentralized", "Hybrid"]
    unknown_regulation = score_frame(frame, size="Employees", maturity="Phase", regulation=None)
    assert list(unknown_regulation["missing"]) == ["regulation, budget"] * 2
    with pytest.raises(DeciderInputError, match="size column 'Headcount' is not in the table"):
        score_frame(frame, size="Headcount")
