"""Numbers and files at the edges: one clear line and a non-zero exit, nothing lost,
nothing changed silently (the cases a bad-input matrix of the command line found)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

import staffing
from staffing.cli import main
from staffing.data import sample_path

FORECAST = pd.DataFrame(
    {
        "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 10:00"],
        "queue": ["sales", "sales", "sales"],
        "calls": [100.0, 120.0, 90.0],
        "aht_s": [180.0, 190.0, 170.0],
    }
)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    FORECAST.to_csv("f.csv", index=False)
    yield tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line(result: Result, code: int, needle: str) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert needle in lines[0], lines[0]
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.usefixtures("here")
@pytest.mark.parametrize("command", ["plan", "compare", "evaluate"])
def test_calls_beyond_the_supported_range(command: str) -> None:
    """1e308 calls: the row named, not a traceback nor a silently wrong table."""
    FORECAST.assign(calls=[100.0, 1e308, 90.0], agents=[14, 14, 14]).to_csv("big.csv")
    extra = {"plan": ["--target", "80/20"], "compare": ["--scenario", "80/20"]}
    result = run(command, "big.csv", *extra.get(command, ["--target", "80/20"]))
    line = one_line(result, 1, "column 'calls': 1 row (row 3) workload")
    assert "1,000,000 Erlangs" in line


def test_python_refuses_beyond_the_range_quickly() -> None:
    with pytest.raises(staffing.StaffingError, match="beyond the supported range"):
        staffing.required_agents(1e20, 180, "80/20")
    with pytest.raises(staffing.StaffingError, match="beyond the supported range"):
        staffing.required_agents(1e14, 180, ["80/20", "abandon<=5%"], patience_s=60)


@pytest.mark.usefixtures("here")
def test_credits_plan_header_only_and_duplicates() -> None:
    Path("empty.csv").write_text("interval_start,calls,aht_s,agents\n")
    one_line(run("credits", "--plan", "empty.csv", "--target", "80/20"), 1, "no intervals")
    FORECAST.assign(agents=14).pipe(lambda f: pd.concat([f, f.iloc[[1]]])).to_csv(
        "dup.csv", index=False
    )
    line = one_line(run("credits", "--plan", "dup.csv", "--target", "80/20"), 1, "duplicate")
    assert "rows 3, 5" in line


@pytest.mark.usefixtures("here")
def test_outputs_never_overwrite_inputs_or_each_other() -> None:
    before = Path("f.csv").read_bytes()
    one_line(
        run("plan", "f.csv", "--target", "80/20", "--out", "f.csv"), 2, "is an input of this run"
    )
    assert Path("f.csv").read_bytes() == before
    one_line(
        run("plan", "f.csv", "--target", "80/20", "--out", "a.csv", "--summary", "./a.csv"),
        2,
        "--summary and --out both name",
    )
    assert not Path("a.csv").exists()


@pytest.mark.usefixtures("here")
def test_a_late_failure_leaves_every_output_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """The figure fails to write after the tables were staged: the old tables stay, no
    new file appears, no temporary file is left behind."""
    from staffing.io.tables import OutputSet

    Path("plan.csv").write_text("old plan\n")

    def broken(self: OutputSet, figure: object, path: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(OutputSet, "figure", broken)
    result = run(
        "plan", "f.csv", "--target", "80/20", "--out", "plan.csv", "--summary", "s.csv",
        "--plot", "p.png",
    )  # fmt: skip
    assert result.exit_code == 1
    assert Path("plan.csv").read_text() == "old plan\n"
    assert sorted(p.name for p in Path().iterdir()) == ["f.csv", "plan.csv"]


@pytest.mark.usefixtures("here")
def test_temporary_files_of_a_killed_run_are_cleared() -> None:
    stale = Path(".plan.csv.staffing-999999999-abc.csv")  # no such process
    stale.write_text("half a table")
    run("plan", "f.csv", "--target", "80/20", "--out", "plan.csv")
    assert Path("plan.csv").exists() and not stale.exists()


@pytest.mark.usefixtures("here")
def test_queue_ids_keep_their_zeros() -> None:
    """007 and 7 are different queues, and 007 stays 007 in the output."""
    f = pd.concat([FORECAST.assign(queue="007"), FORECAST.assign(queue="7")])
    f.to_csv("ids.csv", index=False)
    out = run("plan", "ids.csv", "--target", "80/20", "--out", "-")
    assert out.exit_code == 0, out.output
    queues = pd.read_csv(pd.io.common.StringIO(out.stdout), dtype={"queue": str})["queue"]
    assert sorted(set(queues)) == ["007", "7"]


@pytest.mark.usefixtures("here")
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["plan", "f.csv", "--target", "80/20", "--patience-s", "nan"], "--patience-s"),
        (["plan", "f.csv", "--target", "80/20plus"], "80/20plus"),
        (["calibrate", "f.csv", "--max-idle-s", "nan", "--out", "-"], "--max-idle-s"),
    ],
)
def test_nan_and_trailing_text_are_refused(args: list[str], needle: str) -> None:
    one_line(run(*args), 2, needle)


@pytest.mark.usefixtures("here")
def test_utf16_with_and_without_a_byte_order_mark() -> None:
    text = FORECAST.to_csv(index=False)
    Path("u16.csv").write_bytes(text.encode("utf-16"))  # with a BOM
    assert run("plan", "u16.csv", "--target", "80/20").exit_code == 0
    Path("raw16.csv").write_bytes(text.encode("utf-16-le"))  # without
    one_line(run("plan", "raw16.csv", "--target", "80/20"), 1, "UTF-16")


@pytest.mark.usefixtures("here")
def test_a_year_far_off_is_named_at_its_row() -> None:
    FORECAST.assign(
        interval_start=["2025-03-03 09:00", "2300-03-03 09:30", "2025-03-03 10:00"]
    ).to_csv("y.csv", index=False)
    line = one_line(run("plan", "y.csv", "--target", "80/20"), 1, "row 3")
    assert "2300" in line


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``staffing plan ... --out - | head -1``: no traceback, no error line, status 0."""
    shutil.copy(sample_path("forecast.csv"), tmp_path / "f.csv")
    program = "from staffing.cli import main; main()"
    command = f'"{sys.executable}" -c "{program}" plan f.csv --target 80/20 --out - | head -1'
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert done.stdout.startswith("interval_start,queue,calls")
    assert done.stderr == "" and done.returncode == 0, done.stderr


def test_the_readme_calibrate_then_plan_example(tmp_path: Path) -> None:
    """The calibration has no patience for queue premium: the plan falls back to the
    forecast's patience_s for it, says so once, and uses each queue's latest quarter."""
    hist, fc = str(sample_path("history.csv")), str(sample_path("forecast.csv"))
    cal, out = str(tmp_path / "calibration.json"), str(tmp_path / "plan.csv")
    done = run("calibrate", hist, "--abandon-target", "5%", "--out", cal)
    assert done.exit_code == 0, done.output
    result = run("plan", fc, "--target", "80/20", "--calibration", cal, "--out", out)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "queue 'premium'" in warnings[0]
    assert "latest period: sales" in result.stderr and "2024Q2" in result.stderr
    plan = pd.read_csv(out)
    assert (plan.loc[plan["queue"] == "premium", "patience_s"] == 300.0).all()
