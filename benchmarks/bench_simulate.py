"""Simulated callers per second: the queue-day simulator against ciw on the same day.

Workload: the sales queue of the sample forecast on Wednesday 2025-03-05, 08:00-20:00 in
24 half-hour intervals (about 2,700 calls), staffed by the stationary plan for 80/20 and
abandon<=5% (Erlang A, peak 41 agents), exponential service with each interval's AHT and
exponential patience of 150 s; 1,000 replications.

Peer: ciw (``pip install ciw``), the same day event by event, with a node whose shift
changes follow the simulator's rule (agents leave only once enough calls in service have
ended); timed on fewer replications and reported per caller. Both run on one core. The
machine's load average is printed with the figures: on a shared machine the ratio is the
figure to compare.

With ``--week``, also the table level: :func:`staffing.simulation.simulate_plan` on the
stationary 80/20 plan of the whole sample week (19 queue-days, about 40 million callers at
1,000 replications), in this process and with ``--jobs`` local processes.

Run: ``.venv/bin/python benchmarks/bench_simulate.py [--replications N] [--ciw-replications M]
[--week] [--jobs J]``.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from typing import Any

import numpy as np

from staffing import required_agents
from staffing.simulation import interval_estimates, simulate_day

# sales, 2025-03-05, 08:00-19:30 (data/forecast.csv)
CALLS = [61.0, 89.3, 109.3, 156.6, 162.3, 201.8, 153.6, 144.7, 135.2, 122.4, 135.6, 134.3,
         144.7, 139.7, 131.6, 100.4, 82.5, 69.0, 61.2, 69.2, 87.7, 66.3, 55.5, 37.9]  # fmt: skip
AHT_S = [352, 355, 357, 352, 335, 340, 336, 329, 331, 337, 333, 334,
         337, 344, 324, 339, 330, 337, 328, 340, 369, 373, 372, 387]  # fmt: skip
PATIENCE_S = 150.0
INTERVAL_S = 1800.0
TARGETS = ["80/20", "abandon<=5%"]


def run_ciw(agents: list[int], replications: int, seed: int) -> tuple[int, float, np.ndarray]:
    """Callers simulated, seconds, and answered-within-20-s / offered per interval."""
    import ciw

    class LeaveWhenDone(ciw.Node):  # type: ignore[misc]
        """Staffing drops: idle agents leave first, then those whose calls end first."""

        def change_shift(self) -> None:
            self.schedule.get_next_shift()
            self.next_shift_change = self.schedule.next_shift_change_date
            self.c = self.schedule.c
            on = [s for s in self.servers if not s.offduty]
            off = sorted(
                (s for s in self.servers if s.offduty), key=lambda s: s.next_end_service_date
            )
            while len(on) < self.c and off:
                srv = off.pop()
                srv.offduty = False
                on.append(srv)
            if len(on) < self.c:
                self.add_new_servers(self.c - len(on))
            elif len(on) > self.c:
                surplus = len(on) - self.c
                for srv in [s for s in on if not s.busy][:surplus]:
                    self.kill_server(srv)
                    surplus -= 1
                busy = sorted((s for s in on if s.busy), key=lambda s: s.next_end_service_date)
                for srv in busy[:surplus]:
                    srv.offduty = True
            self.begin_service_if_possible_change_shift()

    k = len(CALLS)

    class ByArrival(ciw.dists.Distribution):  # type: ignore[misc]
        def sample(self, t: Any = None, ind: Any = None) -> float:
            i = min(int(ind.arrival_date // INTERVAL_S), k - 1)
            return random.expovariate(1.0 / AHT_S[i])

    ends = [INTERVAL_S * (i + 1) for i in range(k)]
    offered = np.zeros(k)
    within = np.zeros(k)
    callers = 0
    start = time.perf_counter()
    for r in range(replications):
        ciw.seed(seed + r)
        network = ciw.create_network(
            arrival_distributions=[
                ciw.dists.PoissonIntervals(
                    [c / INTERVAL_S for c in CALLS], ends, max_sample_date=ends[-1]
                )
            ],
            service_distributions=[ByArrival()],
            number_of_servers=[
                ciw.Schedule(
                    numbers_of_servers=[*agents, max(agents[-1], 1)],
                    shift_end_dates=[*ends, 1e9],
                    preemption=False,
                )
            ],
            reneging_time_distributions=[ciw.dists.Exponential(1.0 / PATIENCE_S)],
        )
        sim = ciw.Simulation(network, node_class=LeaveWhenDone)
        sim.simulate_until_max_time(ends[-1] + 20 * max(AHT_S))
        for rec in sim.get_all_records():
            i = min(int(rec.arrival_date // INTERVAL_S), k - 1)
            offered[i] += 1
            within[i] += rec.record_type == "service" and rec.waiting_time <= 20
            callers += 1
    return callers, time.perf_counter() - start, within / np.maximum(offered, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--ciw-replications", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many engine runs")
    parser.add_argument("--week", action="store_true", help="also simulate the sample week")
    parser.add_argument("--jobs", type=int, default=2, help="local processes for --week")
    args = parser.parse_args()
    if args.week:
        bench_week(args.replications, args.jobs)

    agents = required_agents(CALLS, AHT_S, TARGETS, patience_s=PATIENCE_S)
    print(f"day: {len(CALLS)} half-hours, {sum(CALLS):,.0f} calls, peak {agents.max()} agents")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    best = best_cpu = np.inf
    sim = None
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        sim = simulate_day(
            CALLS,
            AHT_S,
            agents,
            patience_s=PATIENCE_S,
            threshold_s=20,
            replications=args.replications,
            seed=0,
        )
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    assert sim is not None
    ours = sim.callers / best
    print(
        f"staffing.simulation: {args.replications} replications, {sim.callers:,} callers "
        f"in {best:.2f} s: {ours:,.0f} callers/s ({sim.callers / best_cpu:,.0f} per CPU second)"
    )

    try:
        import ciw
    except ImportError:
        print("ciw: not installed (pip install ciw)")
        return
    cpu = time.process_time()
    callers, seconds, sl_ciw = run_ciw(list(agents), args.ciw_replications, seed=1)
    cpu = time.process_time() - cpu
    theirs = callers / seconds
    print(
        f"ciw {ciw.__version__}: {args.ciw_replications} replications, {callers:,} callers "
        f"in {seconds:.2f} s: {theirs:,.0f} callers/s ({callers / cpu:,.0f} per CPU second)"
    )
    ratio_cpu = (sim.callers / best_cpu) / (callers / cpu)
    print(f"ratio: {ours / theirs:,.0f}x wall time, {ratio_cpu:,.0f}x CPU time")
    sl_ours = interval_estimates(sim, "80/20")["service_level"]
    print(
        "service level 80/20 per interval, ours vs ciw (few ciw days, so noisy): "
        f"mean abs. difference {np.mean(np.abs(sl_ours - sl_ciw)):.3f}"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def bench_week(replications: int, jobs: int) -> None:
    """The sample week's 80/20 plan simulated by simulate_plan, in one process and in
    ``jobs`` processes (the numbers are identical; the wall time is not)."""
    import staffing
    from staffing.data import sample_path
    from staffing.simulation import SimulationOptions, simulate_plan

    forecast = staffing.read_forecast(sample_path("forecast.csv"))
    intervals = staffing.plan(forecast, "80/20").intervals
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for n in sorted({1, jobs}):
        start = time.perf_counter()
        sim = simulate_plan(intervals, options=SimulationOptions(replications=replications, jobs=n))
        seconds = time.perf_counter() - start
        print(
            f"simulate_plan, sample week, {len(sim.days)} queue-days x {replications} "
            f"replications, jobs={n}: {sim.callers:,} callers in {seconds:.1f} s: "
            f"{sim.callers / seconds:,.0f} callers/s"
        )


if __name__ == "__main__":
    main()
