"""Runs that fail late, are stopped, or lose their reader leave nothing half-written.

Chunked output to standard output is held back until the run has succeeded (a late
error leaves the pipe empty, as it leaves files untouched) and a reader that goes away
(``| head``) ends the run quietly; SIGTERM removes the temporary files and exits with
status 143; after SIGKILL, the next run removes what the killed one left, beside the
outputs and in the temporary directory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from synthetic import write_forecast

from staffing.cli import main

STAFFING = [sys.executable, "-m", "staffing"]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _bad_late_row(path: Path) -> int:
    """Negative calls in the file's last row (a queue planned in the last chunk); its
    file row number."""
    frame = pd.read_csv(path)
    frame.loc[len(frame) - 1, "calls"] = -5.0
    frame.to_csv(path, index=False)
    return len(frame) + 1


@pytest.mark.parametrize("order", ["queue", "time"])
def test_chunked_stdout_is_held_until_the_run_succeeds(runner: CliRunner, order: str) -> None:
    """``plan --out -`` in chunks: a bad row in the last chunk stops the run with one line
    and nothing on standard output (it used to print the first chunks' rows, then the
    error); a good run prints the very bytes ``--out FILE`` writes."""
    write_forecast(Path("f.csv"), queues=6, days=2, order=order)
    args = ["plan", "f.csv", "--target", "80/20", "--chunk-queues", "2"]
    to_file = runner.invoke(main, [*args, "--out", "p.csv"])
    to_stdout = runner.invoke(main, [*args, "--out", "-"])
    assert to_file.exit_code == to_stdout.exit_code == 0, to_stdout.output
    assert to_stdout.stdout_bytes == Path("p.csv").read_bytes()
    row = _bad_late_row(Path("f.csv"))
    failed = runner.invoke(main, [*args, "--out", "-"])
    assert failed.exit_code == 1
    assert failed.stdout == ""
    assert failed.stderr == (
        f"Error: f.csv: column 'calls': 1 row (row {row}) negative or missing\n"
    )


def test_late_bad_row_of_an_interleaved_file_is_caught(runner: CliRunner) -> None:
    """A bad row (negative calls) in a later chunk of a file sorted by time is named by
    its file row, as the one-shot run names it, and no file is written (issue 18)."""
    write_forecast(Path("f.csv"), queues=6, days=2, order="time")
    row = _bad_late_row(Path("f.csv"))
    one = runner.invoke(main, ["plan", "f.csv", "--target", "80/20", "--out", "a.csv"])
    chunked = runner.invoke(
        main, ["plan", "f.csv", "--target", "80/20", "--chunk-queues", "1", "--out", "b.csv"]
    )
    assert one.exit_code == chunked.exit_code == 1
    assert chunked.stderr == one.stderr
    assert f"(row {row})" in chunked.stderr
    assert sorted(p.name for p in Path().iterdir()) == ["f.csv"]


def test_chunked_stdout_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``plan --out - | head -1`` in chunks: the reader goes away after one line and the
    run ends with status 0 and nothing on stderr, as the one-shot run does (it used to
    say ``Error: -: cannot write the file (Broken pipe)`` and exit 1)."""
    write_forecast(tmp_path / "f.csv", queues=10, days=3)
    for chunking in (["--chunk-queues", "3"], []):
        with subprocess.Popen(
            [*STAFFING, "plan", str(tmp_path / "f.csv"), "--target", "80/20", *chunking,
             "--out", "-"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        ) as proc:  # fmt: skip
            assert proc.stdout is not None and proc.stderr is not None
            assert proc.stdout.readline().startswith(b"interval_start,queue,")
            proc.stdout.close()
            err = proc.stderr.read().decode()
            assert (proc.wait(timeout=60), err) == (0, ""), chunking


def _leftovers(*directories: Path) -> list[str]:
    """Temporary files and directories of ours in these directories."""
    return sorted(
        p.name for d in directories for p in d.iterdir() if p.name.startswith((".", "staffing-"))
    )


def _start_and_stop(tmp_path: Path, how: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Start a chunked plan of a file sorted by time (its chunks spilled to the temporary
    directory), and send it ``how`` once its output is being written."""
    out, scratch = tmp_path / "out", tmp_path / "scratch"
    out.mkdir(exist_ok=True)
    scratch.mkdir(exist_ok=True)
    if not (tmp_path / "f.csv").exists():
        write_forecast(tmp_path / "f.csv", queues=32, days=14, order="time")
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [*STAFFING, "plan", str(tmp_path / "f.csv"), "--target", "80/20", "--target",
         "abandon<=5%", "--chunk-queues", "1", "--out", str(out / "p.csv"), "--summary",
         str(out / "s.csv")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".p.csv.") for p in out.iterdir()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.2)  # a chunk or two into the work
    proc.send_signal(how)
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_removes_the_temporary_files(tmp_path: Path) -> None:
    """SIGTERM in the middle of a chunked plan: the run removes its temporary files
    (beside the outputs and in the temporary directory) and exits with status 143 and
    one line; no output appears (it used to die at once, leaving hidden files)."""
    done = _start_and_stop(tmp_path, signal.SIGTERM)
    assert done.returncode == 128 + signal.SIGTERM, done
    assert done.stderr.splitlines()[-1] == "Error: terminated (SIGTERM)"
    assert list((tmp_path / "out").iterdir()) == []
    assert _leftovers(tmp_path / "scratch") == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_after_sigkill_the_next_run_cleans_up(tmp_path: Path) -> None:
    """SIGKILL cannot be caught: the killed run leaves its temporary files, and the next
    run writing the same outputs removes them, with its own spills of the killed run in
    the temporary directory."""
    killed = _start_and_stop(tmp_path, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    assert _leftovers(tmp_path / "out", tmp_path / "scratch")  # what SIGKILL leaves
    env = {**os.environ, "TMPDIR": str(tmp_path / "scratch")}
    again = subprocess.run(
        [*STAFFING, "plan", str(tmp_path / "f.csv"), "--target", "80/20", "--erlang-c",
         "--chunk-queues", "4", "--out", str(tmp_path / "out" / "p.csv"), "--summary",
         str(tmp_path / "out" / "s.csv")],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert again.stderr.startswith("wrote ")
    assert _leftovers(tmp_path / "out", tmp_path / "scratch") == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p.csv", "s.csv"]
