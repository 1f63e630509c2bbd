"""``staffing risk`` on the sample week: 2,000 replications with ``--jobs 2`` against the 60 s aim.

Workload: the plan ``staffing plan data/forecast.csv --target 80/20`` makes for the sample
week (454 half-hours with calls, three queues, Erlang A with the forecast's patience),
judged by ``staffing risk PLAN --period week --replications 2000 --seed 1 --jobs 2``: 19
queue-days simulated 2,000 times each, about 80 million callers. The command is run as a
user runs it (a fresh process: start-up, reading, writing ``risk.csv`` included).

Printed: the wall time and its ratio to the aim, the CPU time of the command and of its
worker processes, callers per CPU-second, and the machine's load average before and
after. On a shared machine the wall time depends on what else runs; the CPU time does
not, and CPU time over two is what two idle cores would take.

Run: ``.venv/bin/python benchmarks/bench_risk.py [--replications N] [--jobs J] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AIM_S = 60.0
ROOT = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    staffing = str(Path(sys.executable).with_name("staffing"))
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.csv"
        subprocess.run(
            [staffing, "plan", str(ROOT / "data" / "forecast.csv"), "--target", "80/20",
             "--out", str(plan)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        command = [
            staffing, "risk", str(plan), "--period", "week",
            "--replications", str(args.replications), "--seed", "1", "--jobs", str(args.jobs),
            "--out", str(Path(tmp) / "risk.csv"),
        ]  # fmt: skip
        print(" ".join(["staffing", *command[1:2], "PLAN", *command[3:-2]]))
        best = None
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            cpu0, wall0 = _children_cpu(), time.perf_counter()
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            wall, cpu = time.perf_counter() - wall0, _children_cpu() - cpu0
            if best is None or wall < best[0]:
                best = (wall, cpu, load, os.getloadavg()[0], done.stderr)
        assert best is not None
        wall, cpu, before, after, stderr = best
        import pandas as pd

        table = pd.read_csv(Path(tmp) / "risk.csv")
    callers = 40e6 * args.replications / 1000  # the week is about 40 million callers per 1,000
    for line in stderr.splitlines():
        if line.startswith("week"):
            print("  " + line)
    print(
        f"wall {wall:.1f} s: {wall / AIM_S:.2f} of the {AIM_S:g} s aim "
        f"({'met' if wall < AIM_S else 'NOT met'}); CPU {cpu:.1f} s in all "
        f"(about {callers / cpu / 1e6:.1f} million callers per CPU-second; two idle cores: "
        f"about {cpu / 2:.1f} s, {cpu / 2 / AIM_S:.2f} of the aim); load average "
        f"{before:.1f} before, {after:.1f} after on {os.cpu_count()} cores; "
        f"{len(table)} rows of risk.csv"
    )


if __name__ == "__main__":
    main()
