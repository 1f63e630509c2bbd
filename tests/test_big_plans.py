"""Big forecasts planned a chunk of whole queues at a time (issue "Big plans end to end").

The chunked run must give the one-shot run's files byte for byte, whatever the chunks and
whichever way the file is sorted; a job too big for memory stops with one line before it
starts; errors name the file's rows, not a chunk's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.cli import main
from staffing.data import sample_path
from staffing.planner import evaluate_staffing, plan, summarise
from staffing.planner.summary import SummaryParts


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def _forecast(order: str, name: str = "f.csv", queues: int = 5) -> str:
    """The sample week repeated over ``queues`` queues (each its own size), sorted by queue
    (each queue's rows together) or by time (queues interleaved)."""
    base = pd.read_csv(sample_path("forecast.csv"))
    parts = []
    for k in range(queues):
        part = base.copy()
        part["queue"] = part["queue"] + f"-{k}"
        part["calls"] = (part["calls"] * (0.5 + 0.25 * k)).round(1)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    keys = ["queue", "interval_start"] if order == "queue" else ["interval_start", "queue"]
    frame.sort_values(keys, kind="stable").to_csv(name, index=False)
    return name


def _same_files(a: list[str], b: list[str]) -> None:
    for x, y in zip(a, b, strict=True):
        assert Path(x).read_bytes() == Path(y).read_bytes(), (x, y)


@pytest.mark.parametrize("order", ["queue", "time"])
@pytest.mark.parametrize(
    "options",
    [
        ("--target", "80/20", "--erlang-c"),
        ("--target", "80/20", "--target", "abandon<=5%", "--whole-heads", "--period", "day"),
        ("--target", "asa<=20", "--period", "month", "--in-centre", "12%"),
    ],
    ids=["erlang-c", "erlang-a-whole-heads", "asa-month"],
)
def test_chunked_plan_is_the_one_shot_plan_byte_for_byte(
    runner: CliRunner, order: str, options: tuple[str, ...]
) -> None:
    """``--chunk-queues 1``, ``2`` and ``4`` write the same interval table and summary as
    the whole forecast planned at once, whether each queue's rows are together (streamed
    chunk by chunk) or interleaved (chunks merged back in file order)."""
    f = _forecast(order)
    one = _run(runner, "plan", f, *options, "--out", "a.csv", "--summary", "as.csv")
    assert one.exit_code == 0, one.output
    for n in ("1", "2", "4"):
        r = _run(
            runner, "plan", f, *options, "--chunk-queues", n,
            "--out", f"b{n}.csv", "--summary", f"bs{n}.csv",
        )  # fmt: skip
        assert r.exit_code == 0, r.output
        _same_files(["a.csv", "as.csv"], [f"b{n}.csv", f"bs{n}.csv"])
    assert len(pd.read_csv("a.csv")) == 15 * 454 // 3


def test_chunked_mixed_channels_plan(runner: CliRunner) -> None:
    """Chat, a priority pool and blended e-mail: a pool's queues stay in one chunk, and
    the summary's pool, channel and total rows are those of the whole plan."""
    shutil.copy(sample_path("channels.csv"), "c.csv")
    shutil.copy(sample_path("channel_targets.csv"), "t.csv")
    shared = ("--targets", "t.csv", "--open", "Mon-Fri 08:00-18:00", "--deadline-clock", "business")
    one = _run(runner, "plan", "c.csv", *shared, "--out", "a.csv", "--summary", "as.csv")
    assert one.exit_code == 0, one.output
    frame = pd.read_csv("c.csv").sort_values(["interval_start", "queue"], kind="stable")
    frame.to_csv("ct.csv", index=False)
    for source in ("c.csv", "ct.csv"):
        r = _run(
            runner, "plan", source, *shared, "--chunk-queues", "1",
            "--out", "b.csv", "--summary", "bs.csv",
        )  # fmt: skip
        assert r.exit_code == 0, r.output
        if source == "c.csv":
            _same_files(["a.csv", "as.csv"], ["b.csv", "bs.csv"])
        else:  # another row order: the same rows, and the very same summary
            _same_files(["as.csv"], ["bs.csv"])
    summary = pd.read_csv("as.csv")
    assert {"pool", "channel", "total"} <= set(summary["level"])


def test_chunked_evaluate_and_compare(runner: CliRunner) -> None:
    """``evaluate`` (a roster read whole, each chunk its queues' rows) and ``compare``
    (several scenarios, one of them through the day) give the one-shot tables."""
    f = _forecast("time")
    assert _run(runner, "plan", f, "--target", "80/20", "--out", "plan.csv").exit_code == 0
    roster = pd.read_csv("plan.csv")[["interval_start", "queue", "agents"]]
    roster["agents"] = roster["agents"] * 0.9  # fractional staffing: sums are not exact
    roster.to_csv("roster.csv", index=False)
    ev = ("evaluate", f, "--roster", "roster.csv", "--target", "90/10")
    assert _run(runner, *ev, "--out", "e1.csv", "--summary", "e1s.csv").exit_code == 0
    r = _run(runner, *ev, "--chunk-queues", "2", "--out", "e2.csv", "--summary", "e2s.csv")
    assert r.exit_code == 0, r.output
    _same_files(["e1.csv", "e1s.csv"], ["e2.csv", "e2s.csv"])
    cmp = ("compare", f, "--scenario", "80/20", "--scenario", "90/10 @mol", "--erlang-c")
    assert _run(runner, *cmp, "--out", "c1.csv").exit_code == 0
    r = _run(runner, *cmp, "--chunk-queues", "3", "--out", "c2.csv")
    assert r.exit_code == 0, r.output
    _same_files(["c1.csv"], ["c2.csv"])


def test_too_many_rows_for_a_spreadsheet_stop_before_reading(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An .xlsx interval table longer than a spreadsheet holds is refused after the first
    look at the forecast, in one line, before anything is planned (the limit lowered here to
    the size of the sample: the real one is 1,048,576 rows)."""
    from staffing.io import tables

    f = _forecast("queue", queues=2)
    monkeypatch.setattr(tables, "EXCEL_MAX_ROWS", 900)
    r = runner.invoke(main, ["plan", f, "--target", "80/20", "--chunk-queues", "1",
                             "--out", "p.xlsx"])  # fmt: skip
    assert r.exit_code == 1
    assert r.output.strip() == (
        "Error: f.csv: --out .xlsx: the interval table would have 908 rows, more than a "
        "spreadsheet holds; use .csv or .parquet"
    )
    assert sorted(p.name for p in Path().iterdir()) == ["f.csv"]


def test_a_pooled_roster_reads_the_forecast_whole(runner: CliRunner) -> None:
    """A schedule's coverage names a pool of queues (``a+b``), whose agents are shared
    among its queues: with --chunk-queues the forecast is read whole after all (the same
    files as without), and when it does not fit, one line says so and nothing is written."""
    f = _forecast("queue", queues=2)
    frame = pd.read_csv(f)
    pooled = frame.groupby("interval_start", as_index=False)["calls"].sum()
    pooled["queue"] = "+".join(sorted(frame["queue"].unique()))
    pooled["agents"] = np.ceil(pooled["calls"] / 4.0)
    pooled[["interval_start", "queue", "agents"]].to_csv("cov.csv", index=False)
    ev = ("evaluate", f, "--roster", "cov.csv", "--target", "80/20", "--erlang-c")
    assert _run(runner, *ev, "--out", "e1.csv").exit_code == 0
    r = _run(runner, *ev, "--chunk-queues", "1", "--out", "e2.csv")
    assert r.exit_code == 0, r.output
    _same_files(["e1.csv"], ["e2.csv"])
    r = runner.invoke(main, [*ev, "--memory-budget", "512KB", "--out", "e3.csv"])
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "Error: f.csv: --roster with pooled queues (a schedule's coverage) needs the whole "
        "interval table at once: 908 rows need about"
    ), r.output
    assert not Path("e3.csv").exists()


def test_chunked_parquet_holds_the_same_table(runner: CliRunner) -> None:
    """Parquet written chunk by chunk (a row group each) reads back as the one-shot table."""
    f = _forecast("queue")
    assert _run(runner, "plan", f, "--target", "80/20", "--out", "a.parquet").exit_code == 0
    r = _run(runner, "plan", f, "--target", "80/20", "--chunk-queues", "2", "--out", "b.parquet")
    assert r.exit_code == 0, r.output
    pd.testing.assert_frame_equal(pd.read_parquet("a.parquet"), pd.read_parquet("b.parquet"))


def test_too_big_stops_in_one_line_before_reading(runner: CliRunner) -> None:
    """A queue needing more memory than the budget stops the run: one line naming the
    queue, its rows and the memory needed; exit 1; no file written."""
    f = _forecast("queue", queues=2)
    r = runner.invoke(
        main,
        ["plan", f, "--target", "80/20", "--memory-budget", "100KB", "--out", "o.csv"],
    )
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1, r.output
    assert lines[0] == (
        "Error: f.csv: queue 'service-0' has 190 rows, which need about 148 KB to plan at "
        "once (a queue is planned whole), more than the --memory-budget (100 KB): give a "
        "machine with more memory, or split the queue into several"
    )
    assert sorted(p.name for p in Path().iterdir()) == ["f.csv"]
    r = runner.invoke(
        main, ["plan", f, "--target", "80/20", "--memory-budget", "512KB", "--plot", "p.png"]
    )
    assert r.exit_code == 1
    assert "--plot needs the whole interval table at once: 908 rows need about" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_chunk_errors_name_the_files_rows(runner: CliRunner) -> None:
    """A bad value in a queue planned in a later chunk names the file's row, as the
    one-shot run does."""
    f = _forecast("time", queues=3)
    frame = pd.read_csv(f)
    frame.loc[1000, "calls"] = -5
    frame.to_csv(f, index=False)
    one = runner.invoke(main, ["plan", f, "--target", "80/20"])
    chunked = runner.invoke(main, ["plan", f, "--target", "80/20", "--chunk-queues", "1"])
    assert one.exit_code == chunked.exit_code == 1
    assert "row 1002" in one.output
    assert chunked.output == one.output


def test_progress_shows_the_phases() -> None:
    """The progress label says which chunk and which phase (reading, solving, writing)."""
    import tempfile

    from staffing.cli.chunked import Chunking, ForecastRun, Progress
    from staffing.cli.options import Source
    from staffing.cli.output import Outputs
    from staffing.cli.plan_cmd import _chunked
    from staffing.io import ReadOptions
    from staffing.planner.requirement import plan_intervals

    with tempfile.TemporaryDirectory() as d:
        f = str(Path(d) / "f.csv")
        shutil.copy(_forecast_at(d), f)
        run = ForecastRun(Source(f, ReadOptions()), Chunking(per_chunk=1))
        seen: list[Progress] = []
        real = Progress.__init__

        def spy(self: Progress, total: int, label: str) -> None:
            real(self, total, label)
            seen.append(self)

        outputs = Outputs({"--out": (str(Path(d) / "o.csv"), "table")}, inputs=[f])
        Progress.__init__ = spy  # type: ignore[method-assign]
        try:
            _chunked(
                run, outputs, "Planning",
                lambda frame, progress: plan_intervals(frame, "80/20", progress=progress),
                SummaryParts(),
            )  # fmt: skip
        finally:
            Progress.__init__ = real  # type: ignore[method-assign]
    assert seen[0].phases[:3] == ["chunk 1/3: reading", "chunk 1/3: solving", "chunk 1/3: writing"]
    assert seen[0].phases[-2:] == ["writing in the file's row order", "summary"]


def _forecast_at(directory: str) -> str:
    path = str(Path(directory) / "sample.csv")
    shutil.copy(sample_path("forecast.csv"), path)
    return path


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=8, max_size=8), st.sampled_from(["day", "week"]))
def test_summary_parts_do_not_depend_on_the_chunks(cuts: list[bool], period: str) -> None:
    """Any cut of the queues (in the order they first appear, as the file's census gives
    them) into chunks gives the one-shot summary to the last bit, with fractional agents
    (an evaluated roster) where float sums depend on their order."""
    frame = _nine_queues()
    whole = summarise(frame, period=period)  # type: ignore[arg-type]
    parts = SummaryParts(period=period)  # type: ignore[arg-type]
    chunk: list[str] = []
    for k, q in enumerate(pd.unique(frame["queue"])):
        chunk.append(str(q))
        if k == 8 or cuts[k]:
            parts.add(frame[frame["queue"].isin(chunk)])
            chunk = []
    pd.testing.assert_frame_equal(parts.summary(), whole, check_exact=True)


_NINE: list[pd.DataFrame] = []


def _nine_queues() -> pd.DataFrame:
    """An evaluated staffing of nine queues with fractional agents (cached)."""
    if not _NINE:
        base = pd.read_csv(sample_path("forecast.csv"))
        parts = []
        for k in range(3):
            part = base.copy()
            part["queue"] = part["queue"] + f"{k}"
            part["calls"] = part["calls"] * (0.7 + 0.3 * k)
            parts.append(part)
        f = pd.concat(parts, ignore_index=True)
        p = plan(f, "80/20")
        f["agents"] = p.intervals["agents"].to_numpy() * np.linspace(0.83, 1.17, len(f))
        _NINE.append(evaluate_staffing(f, targets="80/20").intervals)
    return _NINE[0]
