"""Benchmark: ``staffing plan`` from the command line on big forecasts, CSV in and out.

Run from the repository root::

    .venv/bin/python benchmarks/bench_big_plan.py            # 3.5 M rows, Erlang C and A
    .venv/bin/python benchmarks/bench_big_plan.py --big      # and 35 M rows (1.6 GB of CSV)
    .venv/bin/python benchmarks/bench_big_plan.py --queues 10 --days 30   # a quick look

The forecast (``--queues`` queues x ``--days`` days x 96 fifteen-minute intervals, sorted by
queue, then time; ``--order time`` sorts it by time, queues interleaved) is generated into a
temporary directory, never committed. Each command runs in its own process; its wall time,
its CPU time (user + system, all threads) and peak resident memory (``ru_utime``,
``ru_stime`` and ``ru_maxrss`` of that process, from ``os.wait4``) are printed. On a
machine shared with other work the wall times follow the load; the CPU times, and their
ratio to the floor's CPU time, much less so.

The same plan is then made from Python, ``staffing.plan_file(...)`` in a process of its
own: its wall time, its peak resident memory (``resource.getrusage`` in that process), and
whether it wrote the very bytes the command line wrote.

**The I/O floor** is what pyarrow alone takes to read the same forecast
(``pyarrow.csv.read_csv``) and to write the interval table the plan wrote
(``pyarrow.csv.write_csv`` of that table, read back into memory beforehand and not timed),
measured in the same run. The aims (issue "Big plans end to end"): Erlang C at most 2x the
floor with peak memory at most 1 GiB, Erlang A within 3x, and 35 M rows within 2 GiB.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

GIB = 1 << 30
STAFFING = [sys.executable, "-m", "staffing"]


def write_forecast(path: Path, queues: int, days: int, order: str, seed: int = 7) -> int:
    """A synthetic forecast written queue by queue (memory stays flat for 1,000 queues):
    each queue its own size, peak hour and weekend dip; closed from 22:00 to 07:00."""
    rng = np.random.default_rng(seed)
    per_day = 96
    starts = np.datetime64("2025-01-06T00:00") + np.arange(days * per_day) * np.timedelta64(15, "m")
    minutes = (starts - starts.astype("datetime64[D]")).astype(np.int64)
    hour = minutes / 60.0
    weekday = ((starts.astype("datetime64[D]").astype(np.int64) + 3) % 7).astype(np.int64)
    text = pa.array(np.datetime_as_string(starts, unit="m")).cast(pa.string())
    text = pc.replace_substring(text, "T", " ")
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    rows = 0
    tmp = path.with_suffix(".by-queue.csv") if order == "time" else path
    with open(tmp, "wb") as out:
        out.write(b"interval_start,queue,calls,aht_s,patience_s\n")
        for q in range(queues):
            size = rng.lognormal(3.0, 0.8)
            peak = rng.uniform(9.5, 15.5)
            shape = np.exp(-0.5 * ((hour - peak) / rng.uniform(2.0, 4.0)) ** 2)
            weekend = np.where(weekday >= 5, rng.uniform(0.2, 0.6), 1.0)
            calls = size * shape * weekend * rng.lognormal(0.0, 0.08, hour.size)
            calls = np.round(np.where((hour < 7) | (hour >= 22), 0.0, calls), 1)
            aht = np.round(rng.uniform(180.0, 480.0) * (1 + 0.05 * rng.standard_normal(hour.size)))
            table = pa.table(
                {
                    "interval_start": text,
                    "queue": pa.array(np.full(hour.size, f"q{q:04d}")),
                    "calls": calls,
                    "aht_s": aht,
                    "patience_s": np.full(hour.size, round(rng.uniform(60.0, 400.0))),
                }
            )
            pacsv.write_csv(table, out, options)
            rows += table.num_rows
    if order == "time":
        table = pacsv.read_csv(tmp)
        index = np.lexsort((np.arange(table.num_rows), table.column("interval_start").to_numpy()))
        pacsv.write_csv(table.take(pa.array(index)), path)
        tmp.unlink()
    return rows


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident bytes of one command in its own
    process."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024.0  # Linux: KiB


_FLOOR = """
import sys, time, pyarrow.csv as c
forecast, written, out = sys.argv[1:4]
table = c.read_csv(written)
t, cpu = time.perf_counter(), time.process_time()
c.read_csv(forecast)
read = time.perf_counter() - t
t = time.perf_counter()
c.write_csv(table, out)
print(read, time.perf_counter() - t, time.process_time() - cpu)
"""


def floor(forecast: Path, written: Path, scratch: Path) -> tuple[float, float, float]:
    """Seconds pyarrow alone takes to read the forecast and to write the interval table,
    and the CPU seconds of both (all threads)."""
    out = subprocess.run(
        [sys.executable, "-c", _FLOOR, str(forecast), str(written), str(scratch)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


_PYTHON = """
import resource, sys, time
t = time.perf_counter()
import staffing
forecast, out, summary, model = sys.argv[1:5]
targets = ["80/20"] if model == "C" else ["80/20", "abandon<=5%"]
result = staffing.plan_file(
    forecast, out, targets=targets, summary=summary,
    model=staffing.QueueModel(abandonment=model != "C"),
)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
print(time.perf_counter() - t, peak, result.chunks if result.chunked else 0)
"""


def python_plan(forecast: Path, work: Path, model: str) -> tuple[float, float, int, bool]:
    """``staffing.plan_file`` in a process of its own: wall seconds (imports included),
    peak resident bytes, chunks (0: read at once), and whether its files are the command
    line's."""
    out, summary = work / f"python-{model}.csv", work / f"python-summary-{model}.csv"
    done = subprocess.run(
        [sys.executable, "-c", _PYTHON, str(forecast), str(out), str(summary), model],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    same = filecmp.cmp(out, work / f"plan-{model}.csv", shallow=False) and filecmp.cmp(
        summary, work / f"summary-{model}.csv", shallow=False
    )
    out.unlink()
    return float(done[0]), float(done[1]), int(done[2]), same


def plan(forecast: Path, work: Path, model: str) -> list[str]:
    targets = ["--target", "80/20"]
    if model == "A":
        targets += ["--target", "abandon<=5%"]
    else:
        targets += ["--erlang-c"]
    return [
        *STAFFING,
        "plan",
        str(forecast),
        *targets,
        "--out",
        str(work / f"plan-{model}.csv"),
        "--summary",
        str(work / f"summary-{model}.csv"),
    ]


def run(
    queues: int, days: int, order: str, models: list[str], work: Path, python: list[str]
) -> None:
    forecast = work / "forecast.csv"
    t = time.perf_counter()
    rows = write_forecast(forecast, queues, days, order)
    size = forecast.stat().st_size
    print(
        f"forecast: {rows:,} rows ({queues:,} queues x {days} days x 96, sorted by {order}), "
        f"{size / 1e6:,.0f} MB of CSV, generated in {time.perf_counter() - t:.1f} s"
    )
    for model in models:
        wall, cpu, peak = measure(plan(forecast, work, model))
        name = "Erlang C, 80/20" if model == "C" else "Erlang A, 80/20 + abandon<=5%"
        line = (
            f"plan, {name}: {wall:.1f} s = {rows / wall:,.0f} rows/s (CPU {cpu:.1f} s); "
            f"peak memory {peak / GIB:.2f} GiB"
        )
        written = work / f"plan-{model}.csv"
        if rows <= 5_000_000:
            read, write, floor_cpu = floor(forecast, written, work / "floor.csv")
            limit = 2.0 if model == "C" else 3.0
            ratio = wall / (read + write)
            line += (
                f"; I/O floor {read + write:.1f} s (pyarrow: read {read:.1f} s, write "
                f"{write:.1f} s); ratio {ratio:.2f} (aim <= {limit:g}: "
                f"{'met' if ratio <= limit else 'NOT met'}); in CPU time {cpu:.1f} s over "
                f"{floor_cpu:.1f} s, ratio {cpu / floor_cpu:.2f}"
            )
            if model == "C":
                line += f"; memory aim <= 1 GiB: {'met' if peak <= GIB else 'NOT met'}"
        else:
            line += f"; memory aim <= 2 GiB: {'met' if peak <= 2 * GIB else 'NOT met'}"
        print(line, flush=True)
        if model in python:
            wall, peak, chunks, same = python_plan(forecast, work, model)
            how = f"in {chunks} chunks" if chunks else "read at once"
            print(
                f"  the same from Python, staffing.plan_file: {wall:.1f} s {how}; "
                f"peak memory {peak / GIB:.2f} GiB (resource.getrusage); the command line's "
                f"bytes: {'identical' if same else 'DIFFERENT'}",
                flush=True,
            )
        written.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--order", choices=["queue", "time"], default="queue")
    parser.add_argument("--model", choices=["C", "A"], action="append")
    parser.add_argument("--big", action="store_true", help="also 1,000 queues (35 M rows)")
    parser.add_argument("--workdir", default=None, help="where the generated files go")
    parser.add_argument(
        "--python",
        choices=["C", "A", "none"],
        action="append",
        help="models also planned from Python with staffing.plan_file (default C)",
    )
    args = parser.parse_args()
    models = args.model or ["C", "A"]
    python = [m for m in args.python or ["C"] if m != "none"]
    with tempfile.TemporaryDirectory(prefix="bench-big-", dir=args.workdir) as d:
        run(args.queues, args.days, args.order, models, Path(d), python)
    if args.big:
        with tempfile.TemporaryDirectory(prefix="bench-big-", dir=args.workdir) as d:
            run(1000, args.days, args.order, ["C"], Path(d), python)


if __name__ == "__main__":
    main()
