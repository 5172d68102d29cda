"""`decider score --scheduler` and `--format parquet` on a real Dask cluster: two worker
processes on 127.0.0.1, started and stopped here. The scheduler's task stream proves where
each task ran; the answers are checked against the local run and `score_frame`."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from test_batch import UNITS, cells, portfolio

pytest.importorskip("distributed", reason='the dask extra is not installed: '
                                          'pip install "decider[dask]" (scripts/test.sh does)')
pytest.importorskip("dask.dataframe", reason='the dask extra is not installed: '
                                             'pip install "decider[dask]"')

from distributed import Client, LocalCluster, get_task_stream

from decider import load_policy, score_frame
from decider.cli import cli
from decider.distributed import FILE_TASK, score_dask_frame, shippable
from decider.frame import RESULT_COLUMNS

# A €3M budget threshold: "1M" votes 0 (Decentralized) instead of the default 50.
POLICY = """
[[budget.ranges]]
below = 3000000
vote = 0
[[budget.ranges]]
vote = 100
"""


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two single-threaded worker processes and a scheduler on random free local ports."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      scheduler_port=0, dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster) as connected:
        yield connected


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, ["score", *map(str, args)])


def tasks(stream: Any, prefix: str) -> list[dict[str, Any]]:
    return [t for t in stream.data if str(t["key"][0] if isinstance(t["key"], tuple)
                                          else t["key"]).startswith(prefix)]


def workers(client: Client) -> set[str]:
    return set(client.scheduler_info()["workers"])


def units(rows: int, seed: int) -> pd.DataFrame:
    """Business units in every form a column holds: numbers, text, blanks, typos."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "Unit": [f"unit {seed}-{n}" for n in range(rows)],
        "Headcount": rng.choice([40.0, 300.0, 2_000.0, 8_000.0, np.nan], rows),
        "AI maturity": rng.choice(["POC", "Scale-up", "Mature", "18 months", "Scael-up",
                                   None], rows),
        "Sector": rng.choice(["banking", "Light", "Medium", "Strong", "Critical", None],
                             rows),
        "AI budget": rng.choice(["1M", "2,5 M€", "800k", "7M", "lots", None], rows),
    })


def dataset(folder: Path, parts: int, rows: int) -> list[pd.DataFrame]:
    folder.mkdir()
    frames = [units(rows, seed) for seed in range(parts)]
    for number, frame in enumerate(frames):
        frame.to_parquet(folder / f"part-{number}.parquet", index=False)
    return frames


def same(a: pd.Series, b: pd.Series) -> bool:
    """Equal row for row, a missing value equal to a missing value of any kind."""
    left, right = a.astype(object), b.astype(object)
    blank_left, blank_right = left.isna().to_numpy(), right.isna().to_numpy()
    return bool((blank_left == blank_right).all()
                and (left[~blank_left].to_numpy() == right[~blank_right].to_numpy()).all())


def test_a_folder_of_workbooks_scores_on_the_cluster_as_it_does_locally(
        client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(3):
        portfolio(folder / f"unit{number}.xlsx", UNITS[number:] + UNITS[:number])
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.chdir(tmp_path)  # relative paths: workers get them absolute

    local = run("in", "-o", "local")
    with get_task_stream(client) as stream:
        remote = run("in", "-o", "remote", "--scheduler", client.scheduler.address)

    assert (local.exit_code, remote.exit_code) == (2, 2)
    assert remote.stdout == local.stdout.replace("local/", "remote/")
    assert remote.stdout.count("5 rows: 3 answered") == 3
    assert remote.stderr == local.stderr
    assert "broken.xlsx" in remote.stderr and remote.stderr.count("\n") == 1
    written = sorted(p.name for p in (tmp_path / "remote").iterdir())
    assert written == ["unit0.xlsx", "unit1.xlsx", "unit2.xlsx"]
    for name in written:
        assert cells(tmp_path / "remote" / name) == cells(tmp_path / "local" / name)
    ran = tasks(stream, FILE_TASK)
    assert len(ran) == 4, "one task a file, the broken one included"
    assert {t["worker"] for t in ran} <= workers(client)


def test_json_rows_come_back_from_the_workers(client: Client, tmp_path: Path) -> None:
    source = portfolio(tmp_path / "p.xlsx")
    local = run(source, "--format", "csv")
    remote = run(source, "--format", "csv", "--scheduler", client.scheduler.address)
    assert (remote.exit_code, remote.stdout, remote.stderr) == (0, local.stdout, local.stderr)


def test_a_dataset_scored_on_the_cluster_is_score_frame_row_for_row(
        client: Client, tmp_path: Path) -> None:
    frames = dataset(tmp_path / "units", parts=4, rows=50_000)
    out = tmp_path / "scored"
    with get_task_stream(client) as stream:
        result = run(tmp_path / "units", "--format", "parquet", "-o", out,
                     "--scheduler", client.scheduler.address)
    assert result.exit_code == 0, result.output
    assert "200000 rows: " in result.stdout

    parts = sorted(out.iterdir())
    assert len(parts) == 4, "one part a partition"
    for part, frame in zip(parts, frames, strict=True):  # part.0 ... part.3, in order
        scored = pd.read_parquet(part)
        assert list(scored.columns) == [*frame.columns, *RESULT_COLUMNS]
        expected = score_frame(frame, size="Headcount", maturity="AI maturity",
                               regulation="Sector", budget="AI budget", multi_country=None)
        for name in frame.columns:
            assert same(scored[name], frame[name]), name
        for name in RESULT_COLUMNS:
            assert same(scored[name], expected[name]), name
        assert scored["architecture"].notna().sum() > 10_000
    scoring = tasks(stream, "_scored")
    assert len(scoring) == 4 and {t["worker"] for t in scoring} <= workers(client)


def test_a_policy_given_on_the_client_decides_on_the_workers(
        client: Client, tmp_path: Path) -> None:
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(POLICY, "utf-8")
    rows = [("Lab", 300, "Scale-up", "Medium", "1M")]
    source = portfolio(tmp_path / "p.xlsx", rows)
    address = client.scheduler.address
    plain = run(source, "-o", tmp_path / "plain.xlsx", "--scheduler", address)
    chosen = run(source, "-o", tmp_path / "chosen.xlsx", "--policy", policy_file,
                 "--scheduler", address)
    assert (plain.exit_code, chosen.exit_code) == (0, 0), chosen.output
    index = {name: cells(tmp_path / f"{name}.xlsx")[3][6] for name in ("plain", "chosen")}
    assert index["plain"] == 50 and index["chosen"] != 50
    expected = score_frame(pd.DataFrame([rows[0][1:]], columns=["size", "maturity",
                                                                "regulation", "budget"]),
                           policy=load_policy(policy_file))
    assert index["chosen"] == expected["index"][0]


def test_a_rate_given_on_the_client_reaches_the_workers(client: Client, tmp_path: Path
                                                       ) -> None:
    source = portfolio(tmp_path / "p.xlsx", [("Lab", 300, "Scale-up", "Medium", "£1M")])
    address = client.scheduler.address
    local = run(source, "--format", "csv", "--rate", "GBP=1.17")
    remote = run(source, "--format", "csv", "--rate", "GBP=1.17", "--scheduler", address)
    without = run(source, "--format", "csv", "--scheduler", address)
    assert (remote.exit_code, remote.stdout) == (0, local.stdout)
    assert "1.17" in remote.stdout and "Hybrid" in remote.stdout
    assert "--rate" in without.stdout, "no rate on the client: none on the workers"


def test_the_policy_travels_in_the_graph_not_as_a_path(client: Client, tmp_path: Path
                                                        ) -> None:
    import dask.dataframe as dd

    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(POLICY, "utf-8")
    policy = load_policy(policy_file)
    policy_file.unlink()  # no worker could read it now
    frame = units(1_000, seed=7)
    lazy = score_dask_frame(dd.from_pandas(frame, npartitions=2), policy=policy)
    scored = client.compute(lazy).result()
    expected = score_frame(frame, size="Headcount", maturity="AI maturity",
                           regulation="Sector", budget="AI budget", multi_country=None,
                           policy=policy)
    for name in RESULT_COLUMNS:
        assert same(scored[name], expected[name]), name
    default = score_frame(frame, size="Headcount", maturity="AI maturity",
                          regulation="Sector", budget="AI budget", multi_country=None)
    assert not same(scored["index"], default["index"]), "the policy changed answers"


def test_the_policy_pickles_without_its_memo() -> None:
    policy = load_policy(None)
    frame = units(5_000, seed=3)
    before = score_frame(frame, size="Headcount", maturity="AI maturity",
                         regulation="Sector", budget="AI budget", multi_country=None,
                         policy=policy)
    assert policy.memo, "scoring filled the memo"
    copy = pickle.loads(pickle.dumps(shippable(policy)))
    assert copy.memo == {} and policy.memo, "the original keeps its memo"
    assert len(pickle.dumps(shippable(policy))) < len(pickle.dumps(policy))
    after = score_frame(frame, size="Headcount", maturity="AI maturity",
                        regulation="Sector", budget="AI budget", multi_country=None,
                        policy=copy)
    for name in RESULT_COLUMNS:
        assert same(after[name], before[name]), name


def test_the_python_function_is_lazy_and_finds_columns_by_their_words() -> None:
    import dask.dataframe as dd

    frame = units(100, seed=1)
    lazy = score_dask_frame(dd.from_pandas(frame, npartitions=3))
    assert isinstance(lazy, dd.DataFrame) and lazy.npartitions == 3
    assert list(lazy.columns) == [*frame.columns, *RESULT_COLUMNS]
    with pytest.raises(Exception, match="no maturity column"):
        score_dask_frame(dd.from_pandas(frame.drop(columns="AI maturity"), npartitions=1))
    again = score_dask_frame(lazy)  # a scored frame is re-scored, its results replaced
    assert list(again.columns) == list(lazy.columns)
    with pytest.raises(Exception, match="already has a column 'index'"):
        score_dask_frame(dd.from_pandas(frame.assign(index=1), npartitions=1))


def test_the_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset(tmp_path / "units", parts=2, rows=500)
    monkeypatch.chdir(tmp_path)
    import dask.dataframe as dd  # the three lines of the README, on dask's local threads

    score_dask_frame(dd.read_parquet("units/")).to_parquet("scored/")
    scored = pd.read_parquet(tmp_path / "scored")
    assert len(scored) == 1_000 and scored["architecture"].notna().sum() > 100


def test_a_csv_glob_runs_on_a_local_scheduler_without_an_address(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    frames = [units(500, seed) for seed in range(2)]
    for number, frame in enumerate(frames):
        frame.to_csv(folder / f"units-{number}.csv", index=False)
    monkeypatch.chdir(tmp_path)
    result = run("csv/*.csv", "--format", "parquet", "-o", "out",
                 "--column", "budget=AI budget")
    assert result.exit_code == 0, result.output
    assert "1000 rows: " in result.stdout
    scored = pd.read_parquet(tmp_path / "out")
    expected = score_frame(pd.concat(frames, ignore_index=True).astype(object)
                           .map(lambda v: None if v is None or v != v else str(v)),
                           size="Headcount", maturity="AI maturity", regulation="Sector",
                           budget="AI budget", multi_country=None)
    assert len(list((tmp_path / "out").iterdir())) == 2
    for name in RESULT_COLUMNS:
        assert same(scored[name].reset_index(drop=True), expected[name]), name


def test_refusals_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    dataset(tmp_path / "units", parts=1, rows=10)
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine", "utf-8")
    for args, words in [
        (("-o", full), "not an empty folder"),
        (("-o", tmp_path / "o", "--column", "size=Staff"), "no column 'Staff'"),
        (("-o", tmp_path / "o", "--in-place"), "--in-place is for workbooks"),
        ((), "give it with -o"),
    ]:
        result = run(tmp_path / "units", "--format", "parquet", *args)
        assert result.exit_code == 2 and words in result.output, result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
    assert [p.name for p in full.iterdir()] == ["keep.txt"]


def test_a_scheduler_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a free port: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = portfolio(tmp_path / "p.xlsx")
    result = run(source, "--scheduler", f"tcp://127.0.0.1:{port}")
    assert result.exit_code == 2
    assert "no Dask scheduler answered" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "p.scored.xlsx").exists()


def test_a_damaged_part_fails_the_run_in_one_line_and_writes_no_folder(
        client: Client, tmp_path: Path) -> None:
    dataset(tmp_path / "units", parts=3, rows=1_000)
    (tmp_path / "units" / "part-1.parquet").write_bytes(b"PAR1 not really parquet PAR1")
    result = run(tmp_path / "units", "--format", "parquet", "-o", tmp_path / "out",
                 "--scheduler", client.scheduler.address)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output
    assert "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["units"], "no folder, no partial parts"


def test_the_core_and_a_local_score_never_import_dask(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = portfolio(tmp_path / "p.xlsx")
    code = ("import sys; from click.testing import CliRunner; from decider.cli import cli; "
            f"r = CliRunner().invoke(cli, ['score', {str(source)!r}, '-q']); "
            "assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'dask', 'distributed'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("options", [("--scheduler", "tcp://127.0.0.1:1"),
                                     ("--format", "parquet", "-o", "out")])
def test_without_the_extra_the_options_say_what_to_install(tmp_path: Path,
                                                           options: tuple[str, ...]) -> None:
    import subprocess
    import sys

    source = portfolio(tmp_path / "p.xlsx")
    code = ("import sys; sys.modules.update(dask=None, distributed=None); "  # as if absent
            "from decider.cli import main; sys.argv = ['decider', 'score', *sys.argv[1:]]; "
            "main()")
    done = subprocess.run([sys.executable, "-c", code, str(source), *options],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().endswith('pip install "decider[dask]"')
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
