"""Benchmark: schedule a week of 15-minute intervals with HiGHS (staffing.scheduling).

Run from the repository root::

    .venv/bin/python benchmarks/bench_schedule.py              # all cases below
    .venv/bin/python benchmarks/bench_schedule.py --case daily # one case

The requirement is a synthetic week (Monday to Sunday) of 15-minute intervals for one
queue, open 07:00-22:00 on weekdays and 08:00-20:00 at weekends, with a morning and an
afternoon peak (about 4,000 calls a weekday, 300 s handle time, 180 s patience), planned
at 80/20 with :func:`staffing.planner.plan`. The shift families have three lengths (7h30,
8h30, 9h), start every 15 minutes from 06:00 to 14:00 on every day, and carry a paid
15-minute break, an unpaid 30-minute lunch and a second paid 15-minute break, each in a
window of 1 to 1.5 hours.

Cases (each solved to a 1% relative gap; printed: model size, wall and CPU time of the
solve, status, gap reached against the best proven bound, paid hours, FTE at 37.5 h a
week, shifts, people, scheduling efficiency, intervals under, the week's service level).
The machine is shared, so the CPU time of this process is printed next to the wall time:
on an idle core the two agree.

* ``daily``: ``cover``, every day scheduled freely;
* ``tours``: ``cover`` with weekly tours, two days off (any two);
* ``tours-consecutive``: the same with the two days off consecutive and the week cyclic;
* ``rotation``: tours (any two days off) in a 4-week rotation with at least 2 weekends
  off each;
* ``service``: ``service`` at 80/20 over the week (Koole and van der Sluis), next to
  ``daily``'s paid hours;
* ``sample``: the sample week (``data/forecast.csv`` planned at 80/20, ``data/shifts.csv``)
  in weekly tours with two days off: the schedule the README shows;
* ``people``: the sample week's tours given to 200 named people (a seeded mix of
  unavailable days, start bands and weekend wishes); the time printed is the assignment's.

Every line ends with the machine's load average over the last minute (``os.getloadavg``):
the machine is shared, and the aims are stated for a quiet one.

Measured on the shared 2-core machine (HiGHS 1.16 through highspy, scipy 1.17.1), with a
core free (load 1.0 to 2.3), each case alone:

==================================================  ======================================
case                                                result
==================================================  ======================================
tours --time-limit 30 --gap 0.01                    2,132.5 paid h, gap 0.23%, 18.6 and
                                                    19.8 s wall (18.4, 19.6 s CPU); 0.47%
                                                    (2,137.5 h) in 22.9 to 23.7 s in
                                                    three other runs
tours --time-limit 120 --gap 0.005                  2,132.5 paid h, gap 0.23%, 33.5 s
tours-consecutive --time-limit 60 --gap 0.01        2,172.5 paid h, gap 0.46%, 26.4 s
rotation --time-limit 120 --gap 0.02                2,210.0 paid h, gap 1.13%, 31.1 s
sample --time-limit 60                              4,740.0 paid h, gap 0.17%, 1.9 s
people                                              200 people on 143 tours in 0.05 s
==================================================  ======================================

The figures at other loads, and before the tour solver's steps, are in
``docs/guide/schedule.md`` (Speed).

The week's requirement: 396 open intervals, 1,909.5 agent-hours, peak 42 agents.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

FAMILIES = pd.DataFrame(
    {
        "shift": ["7h30", "8h30", "9h"],
        "start": ["06:00-14:00/15min"] * 3,
        "length": ["7h30", "8h30", "9h"],
        "days": ["all"] * 3,
        "breaks": [
            "15min@1h15-2h15; 30min@3h-4h30 unpaid; 15min@5h-6h15",
            "15min@1h30-2h30; 30min@3h30-5h unpaid; 15min@5h45-7h",
            "15min@1h30-2h30; 30min@3h45-5h15 unpaid; 15min@6h-7h30",
        ],
    }
)


def make_forecast(seed: int = 11) -> pd.DataFrame:
    """A week of 15-minute intervals: two daily peaks, quieter weekends, 5% noise."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2025-03-03", periods=7 * 96, freq="15min")
    hour = (starts.hour + starts.minute / 60.0).to_numpy()
    weekday = starts.day_of_week.to_numpy()
    shape = 0.55 * np.exp(-0.5 * ((hour - 10.5) / 1.6) ** 2) + 0.45 * np.exp(
        -0.5 * ((hour - 15.0) / 2.2) ** 2
    )
    day_factor = np.array([1.15, 1.05, 1.0, 0.97, 0.9, 0.55, 0.35])[weekday]
    open_ = np.where(weekday < 5, (hour >= 7) & (hour < 22), (hour >= 8) & (hour < 20))
    calls = 150.0 * shape * day_factor * rng.lognormal(0.0, 0.05, hour.size) + 8.0
    calls = np.where(open_, np.round(calls, 1), 0.0)
    keep = calls > 0
    return pd.DataFrame(
        {
            "interval_start": starts[keep],
            "calls": calls[keep],
            "aht_s": 300.0,
            "patience_s": 180.0,
        }
    )


def requirement() -> pd.DataFrame:
    from staffing.planner import plan

    return plan(make_forecast(), "80/20").intervals


def sample_requirement() -> pd.DataFrame:
    from staffing.data import sample_path
    from staffing.planner import plan

    return plan(pd.read_csv(sample_path("forecast.csv")), "80/20").intervals


def sample_shifts() -> pd.DataFrame:
    from staffing.data import sample_path

    return pd.read_csv(sample_path("shifts.csv"), dtype=str, keep_default_na=False)


def people(n: int = 200, seed: int = 1) -> pd.DataFrame:
    """``n`` named people with a seeded mix of unavailable days, start bands and wishes."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "name": [f"person {i + 1:03d}" for i in range(n)],
            "unavailable": rng.choice(["", "", "", "Sat; Sun", "Mon 18:00-24:00", "Wed"], n),
            "prefer_start": rng.choice(["", "06:00-09:00", "09:30-12:00", "12:00-14:00"], n),
            "weekends_off": rng.choice(["", "", "yes", "1"], n),
        }
    )


def run_people(time_limit: float) -> None:
    from staffing.scheduling import schedule, shift_families
    from staffing.scheduling.people import assign_people, people_table

    shifts = sample_shifts()
    result = schedule(sample_requirement(), shifts, days_off=2, time_limit_s=time_limit)
    team = people_table(people())
    t0, c0 = time.perf_counter(), time.process_time()
    given = assign_people(result.agents, team, shift_families(shifts))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    tours = result.agents["agent"].nunique()
    print(
        f"people: {tours} tours given to {len(team)} named people in {wall:.2f} s wall "
        f"({cpu:.2f} s CPU; aim < 10 s), {len(given.idle)} without a tour; "
        f"load {os.getloadavg()[0]:.1f}"
    )


def run(case: str, req: pd.DataFrame, time_limit: float, gap: float = 0.01) -> float:
    from staffing.scheduling import schedule

    options: dict[str, object] = {}
    families: pd.DataFrame = FAMILIES
    if case == "sample":
        req, families = sample_requirement(), sample_shifts()
        options["days_off"] = 2
    if case.startswith("tours"):
        options["days_off"] = 2
    if case == "tours-consecutive":
        options.update(consecutive_days_off=True, cyclic=True)
    if case == "rotation":
        options.update(days_off=2, weeks=4, weekends_off=2)
    if case == "service":
        options.update(objective="service", service_target="80/20")
    t0, c0 = time.perf_counter(), time.process_time()
    result = schedule(req, families, gap=gap, time_limit_s=time_limit, **options)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    s = result.solver
    total = result.summary.iloc[-1]
    print(
        f"{case}: {s.variables:,} variables ({s.integer_variables:,} integer), "
        f"{s.constraints:,} rows, {s.nonzeros:,} nonzeros; solved in {s.time_s:.1f} s "
        f"(all {wall:.1f} s wall, {cpu:.1f} s CPU), {s.status}, gap {100 * s.gap:.2f}%"
        f"{' (proven optimal)' if s.proven_optimal else ''}; "
        f"{result.paid_hours:,.1f} paid hours = {total['fte']:.1f} FTE, "
        f"{int(result.shifts['count'].sum())} shifts, "
        f"{result.agents['agent'].nunique()} agents, efficiency {total['efficiency']:.3f}, "
        f"{int(total['intervals_under'])} intervals under, "
        f"week service level {100 * total['service_level']:.1f}%; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    return result.paid_hours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--case",
        choices=[
            "daily",
            "tours",
            "tours-consecutive",
            "rotation",
            "service",
            "sample",
            "people",
            "all",
        ],
        default="all",
    )
    parser.add_argument("--time-limit", type=float, default=120.0, help="time limit [s]")
    parser.add_argument("--gap", type=float, default=0.01, help="relative gap sought")
    args = parser.parse_args()
    t0 = time.perf_counter()
    req = requirement()
    agents = req["agents"].to_numpy(dtype=float)
    print(
        f"requirement: {len(req)} open 15-minute intervals of a week, "
        f"{agents.sum() / 4:,.1f} agent-hours, peak {agents.max():.0f} agents "
        f"(planned in {time.perf_counter() - t0:.1f} s)"
    )
    cases = (
        ["daily", "tours", "tours-consecutive", "rotation", "service", "sample", "people"]
        if args.case == "all"
        else [args.case]
    )
    for case in cases:
        if case == "people":
            run_people(args.time_limit)
        else:
            run(case, req, args.time_limit, args.gap)


if __name__ == "__main__":
    main()
