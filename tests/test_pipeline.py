"""Forecast files planned in one library call (``staffing.plan_file`` and its kin).

The library call must write what the command line writes, byte for byte, read at once or
in chunks of whole queues, and a chunked call must keep its memory flat: the peak grows
with the chunk, not with the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import write_forecast

import staffing
from staffing.cli import main
from staffing.errors import InputError
from staffing.io import OutputSet
from staffing.io.pipeline import FileProgress


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _bytes(*paths: str | Path) -> list[bytes]:
    return [Path(p).read_bytes() for p in paths]


@pytest.mark.parametrize("order", ["queue", "time"])
def test_plan_file_writes_the_command_lines_files(runner: CliRunner, order: str) -> None:
    """``staffing.plan_file`` in chunks writes the interval table and summary the command
    line writes, and the one-shot call the same again (Erlang A, 80/20 + abandon<=5%,
    whole heads, daily summary), whether the queues come one after another or
    interleaved (sorted by time)."""
    rows = write_forecast(Path("f.csv"), queues=9, days=5, order=order)
    options = ("--target", "80/20", "--target", "abandon<=5%", "--whole-heads", "--period", "day")
    r = runner.invoke(
        main,
        ["plan", "f.csv", *options, "--chunk-queues", "4", "--out", "c.csv", "--summary", "cs.csv"],
    )
    assert r.exit_code == 0, r.output
    settings = {"targets": ["80/20", "abandon<=5%"], "whole_heads": True, "period": "day"}
    chunked = staffing.plan_file("f.csv", "p.csv", summary="ps.csv", chunk_queues=4, **settings)
    whole = staffing.plan_file("f.csv", "w.csv", summary="ws.csv", **settings)
    assert _bytes("p.csv", "ps.csv") == _bytes("c.csv", "cs.csv")
    assert _bytes("w.csv", "ws.csv") == _bytes("c.csv", "cs.csv")
    assert (chunked.chunked, chunked.chunks, chunked.rows) == (True, 3, rows)
    assert chunked.intervals is None and chunked.written == ("p.csv", "ps.csv")
    assert (whole.chunked, whole.chunks, len(whole.intervals)) == (False, 1, rows)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(chunked.summary, whole.summary)


def test_evaluate_and_compare_files_write_the_command_lines_files(runner: CliRunner) -> None:
    """``evaluate_file`` (a roster read whole, each chunk its queues' rows) and
    ``compare_file`` write what ``staffing evaluate`` and ``staffing compare`` write."""
    write_forecast(Path("f.csv"), queues=6, days=3, order="time")
    staffing.plan_file("f.csv", "plan.csv", targets="80/20")
    roster = pd.read_csv("plan.csv")[["interval_start", "queue", "agents"]]
    roster["agents"] = roster["agents"] * 0.9
    roster.to_csv("roster.csv", index=False)
    ev = ["evaluate", "f.csv", "--roster", "roster.csv", "--target", "90/10"]
    r = runner.invoke(main, [*ev, "--chunk-queues", "2", "--out", "e1.csv", "--summary", "e1s.csv"])
    assert r.exit_code == 0, r.output
    result = staffing.evaluate_file(
        "f.csv", "roster.csv", "e2.csv", targets="90/10", summary="e2s.csv", chunk_queues=2
    )
    assert _bytes("e1.csv", "e1s.csv") == _bytes("e2.csv", "e2s.csv")
    assert result.chunks == 3
    cmp = ["compare", "f.csv", "--scenario", "80/20", "--scenario", "90/10 @mol", "--erlang-c"]
    r = runner.invoke(main, [*cmp, "--chunk-queues", "4", "--out", "c1.csv"])
    assert r.exit_code == 0, r.output
    compared = staffing.compare_file(
        "f.csv",
        ["80/20", "90/10 @mol"],
        "c2.csv",
        model=staffing.QueueModel(abandonment=False),
        chunk_queues=4,
    )
    assert _bytes("c1.csv") == _bytes("c2.csv")
    assert compared.summary["scenario"].tolist() == ["80/20", "90/10 @mol"]


def test_progress_and_outputs_of_the_caller(tmp_path: Path) -> None:
    """The progress callback hears every phase of every chunk and the rows done over all
    of them; files staged in the caller's OutputSet appear only when it commits."""
    rows = write_forecast(tmp_path / "f.csv", queues=4, days=2, order="time")
    heard: list[FileProgress] = []
    with OutputSet() as files:
        staffing.plan_file(
            tmp_path / "f.csv",
            tmp_path / "p.csv",
            targets="80/20",
            chunk_queues=2,
            progress=heard.append,
            outputs=files,
        )
        assert not (tmp_path / "p.csv").exists()
    assert (tmp_path / "p.csv").exists()
    phases = list(dict.fromkeys(str(p) for p in heard))
    assert phases == [
        "chunk 1/2: reading",
        "chunk 1/2: solving",
        "chunk 1/2: writing",
        "chunk 2/2: reading",
        "chunk 2/2: solving",
        "chunk 2/2: writing",
        "writing in the file's row order",
        "summary",
    ]
    assert heard[-1].rows_done == heard[-1].rows == rows


def test_too_big_and_whole_tables_from_python(tmp_path: Path) -> None:
    """A queue bigger than ``memory_budget`` stops the call before anything is written,
    naming the queue and the parameter; ``keep_intervals`` reads a big forecast at once."""
    write_forecast(tmp_path / "f.csv", queues=3, days=2)
    with pytest.raises(InputError) as caught:
        staffing.plan_file(
            tmp_path / "f.csv", tmp_path / "p.csv", targets="80/20", memory_budget="100KB"
        )
    assert str(caught.value) == (
        "f.csv: queue 'q000' has 192 rows, which need about 150 KB to plan at once (a queue "
        "is planned whole), more than the `memory_budget` (100 KB): give a machine with "
        "more memory, or split the queue into several"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv"]
    kept = staffing.plan_file(
        tmp_path / "f.csv", targets="80/20", chunk_queues=1, keep_intervals=True
    )
    assert not kept.chunked and kept.intervals is not None and len(kept.intervals) == 576


_PEAK = """
import json, resource, sys, staffing
from staffing.io.pipeline import plan_file

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB

def now():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0

forecast, out, warm, per_chunk = sys.argv[1:5]
erlang_c = staffing.QueueModel(abandonment=False)
plan_file(warm, out, targets="80/20", chunk_queues=1, model=erlang_c)
base = peak()
seen = {}

def progress(step):
    if step.phase == "reading":
        seen[step.chunk] = now() - base

plan_file(forecast, out, targets="80/20", chunk_queues=int(per_chunk) or None,
          model=erlang_c, progress=progress)
print(json.dumps({"peak": peak() - base, "chunks": seen}))
"""


def _growth(forecast: Path, per_chunk: int) -> dict[str, Any]:
    """Peak resident memory [MiB] a plan adds (``per_chunk`` queues at a time, 0: at
    once), at the start of each chunk and at the end, in a process of its own with the
    libraries loaded and warmed on a small file."""
    warm = forecast.with_name("warm.csv")
    if not warm.exists():
        write_forecast(warm, queues=2, days=1)
    out = forecast.with_name("out.csv")
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(forecast), str(out), str(warm), str(per_chunk)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found: dict[str, Any] = json.loads(done.stdout)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status")
def test_chunked_plan_file_keeps_memory_flat(tmp_path: Path) -> None:
    """Planned 8 queues at a time, a forecast of 480 queues (230,400 rows, 60 chunks)
    holds as much memory at its last chunk as at its 15th: nothing of a chunk is kept
    (kept, the interval tables alone would add about 23 MiB over the last 45 chunks).
    Measured 2026-12, Erlang C: resident memory 37-40 MiB above the warmed process from
    the first chunk to the last, peak 57 MiB; 134 MiB for the same file planned at once.
    """
    write_forecast(tmp_path / "big.csv", queues=480, days=5)
    chunked = _growth(tmp_path / "big.csv", 8)
    resident = chunked["chunks"]
    assert len(resident) == 60
    assert resident["60"] - resident["15"] < 10.0, chunked


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=50))
def test_significant_digits_as_before(values: list[float]) -> None:
    """The CSV writer's rounding to 12 significant digits takes its powers of ten from a
    table; every value comes out the very double the direct formula gives (``10.0 ** k``
    for the scale), so the files written stay byte for byte what they were."""
    from staffing.io.fastcsv import round_significant

    x = np.array(values, dtype=float)
    finite = np.isfinite(x) & (x != 0)
    _, binary = np.frexp(np.where(finite, x, 1.0))
    decimals = 11 - np.floor((binary - 1) * 0.30102999566398120).astype(np.int64)
    scalable = finite & (decimals >= 0) & (decimals <= 22)
    scale = 10.0 ** np.where(scalable, decimals, 0)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.where(scalable, np.round(x * scale) / scale, x)
    got = round_significant(x)
    assert np.array_equal(got.view(np.int64), expected.view(np.int64))
