"""Benchmark: a year's hiring plan, 52 weeks with a class possible every week (HiGHS).

Run from the repository root::

    .venv/bin/python benchmarks/bench_capacity.py

Aims (issue 24): the model of :mod:`staffing.capacity.model` solves a 52-week horizon
with weekly classes in under 10 s, and on a seasonal requirement the optimised plan has
less than half the shortage FTE-weeks of the spreadsheet's hire-to-gap at no more than
2% more paid FTE-weeks.

The requirement is the sample ``data/requirement.csv`` (``data/make_capacity.py``): 52
weeks from Monday 6 July 2026, two queues summed (service about 128 FTE with a January
peak, sales about 72 with a Black-Friday-to-Christmas peak of +50%, summer troughs, 4%
growth over the year), 175 to 251 productive FTE a week; 195 FTE on staff at the start;
the command's default rules (attrition 34%/year, lead 5w, classroom 4w, ramp 12w from
53%, early attrition 20%, classes of 0-40 any week, a week short costs 3 paid
FTE-weeks), solved to the default 0.01% gap. The same requirement is also solved started
at other weeks of the year (the series rolled) and from other headcounts, to show the
time is not a lucky case: each line prints the wall and CPU time of the solve, HiGHS's
status and gap, and both plans' totals.

Each case is solved ``--repeat`` times (default 3); the best wall time is printed, with
its ratio to the 10 s aim (below 1 meets it). The machine is shared, so the CPU time of
this process is printed next to the wall time.

Measured on the shared 2-core machine (scipy 1.17.1, HiGHS through ``scipy.optimize.milp``;
``make bench`` runs it), best of 3; every solve optimal within 0.003%:

========================  ======  ===================  ===================  ======  ======
case                      wall s  optimised paid /     hire-to-gap paid /   short   paid
                                  short / hires        short / hires
========================  ======  ===================  ===================  ======  ======
sample, from July         0.12    11,427.2 / 122.7/94  11,271.6 / 290.6/94  42.2%   +1.38%
rolled, from October      0.05    10,924.5 / 440.7/76  11,085.9 / 407.3/88  108.2%  -1.46%
rolled, from January      2.03    11,464.8 / 95.6/112  11,345.9 / 270.2/102 35.4%   +1.05%
rolled, from April        0.60    11,308.0 / 154.0/88  11,288.5 / 286.0/96  53.9%   +0.17%
sample, 215 FTE at start  0.40    11,448.3 / 127.3/72  11,444.2 / 196.2/75  64.9%   +0.04%
========================  ======  ===================  ===================  ======  ======

Every solve is far inside the 10 s aim. The shortage aim holds on the sample (42% of
hire-to-gap's shortage for 1.4% more pay) but not on every start or headcount: the model
minimises paid FTE-weeks plus 3 per FTE-week short, and where the spreadsheet's shortage
is cheaper to leave than to hire for (a plan started in October, with the peak inside
the nine weeks before any class can produce) the optimised plan leaves as much or more
shortage and pays less; its cost is lower in every case.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

AIM_S = 10.0


def _case(requirement: pd.DataFrame, headcount: float, repeat: int) -> dict[str, float | str]:
    from staffing.capacity import CapacityWarning, capacity_plan

    best = (np.inf, np.inf, np.inf)
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CapacityWarning)
            run = capacity_plan(requirement, headcount)
        took = (time.perf_counter() - wall, time.process_time() - cpu)
        if took[0] < best[0]:
            best = (*took, float(run.solver["time_s"].iloc[0]))
            result = run
    assert result is not None
    t = result.totals.set_index("plan")
    o, g = t.loc["optimised"], t.loc["hire-to-gap"]
    solver = result.solver.iloc[0]
    return {
        "wall": best[0],
        "cpu": best[1],
        "solve": best[2],
        "status": str(solver["status"]),
        "gap": float(solver["gap"]),
        "opt_paid": float(o["paid_fte_weeks"]),
        "opt_short": float(o["shortage_fte_weeks"]),
        "opt_hires": float(o["hires"]),
        "gap_paid": float(g["paid_fte_weeks"]),
        "gap_short": float(g["shortage_fte_weeks"]),
        "gap_hires": float(g["hires"]),
    }


def main() -> None:
    from staffing.data import sample_frame

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = sample_frame("requirement.csv")
    total = frame.groupby("week", sort=True)["fte"].sum()
    cases: list[tuple[str, pd.DataFrame, float]] = [("sample, from July", frame, 195.0)]
    for shift, label in ((13, "from October"), (26, "from January"), (39, "from April")):
        rolled = np.roll(total.to_numpy(), -shift)
        cases.append(
            (
                f"rolled, {label}",
                pd.DataFrame({"week": np.arange(1, 53), "fte": rolled}),
                float(round(rolled[0])),
            )
        )
    cases.append(("sample, 215 FTE at start", frame, 215.0))
    print(f"52 weeks, a class possible every week; aim: under {AIM_S:g} s per solve")
    print(
        f"{'case':26s} {'wall s':>7s} {'CPU s':>6s} {'HiGHS s':>7s} {'ratio':>6s} "
        f"{'status':>8s} {'gap':>7s} | {'opt paid':>9s} {'short':>6s} {'hires':>5s} | "
        f"{'h2g paid':>9s} {'short':>6s} {'hires':>5s} | {'short':>6s} {'paid':>7s}"
    )
    worst = 0.0
    for name, requirement, headcount in cases:
        r = _case(requirement, headcount, args.repeat)
        worst = max(worst, float(r["wall"]))
        short = float(r["opt_short"]) / float(r["gap_short"])
        paid = float(r["opt_paid"]) / float(r["gap_paid"]) - 1.0
        print(
            f"{name:26s} {r['wall']:7.2f} {r['cpu']:6.2f} {r['solve']:7.2f} "
            f"{float(r['wall']) / AIM_S:6.3f} {r['status']:>8s} {100 * float(r['gap']):6.3f}% | "
            f"{r['opt_paid']:9,.1f} {r['opt_short']:6.1f} {r['opt_hires']:5.0f} | "
            f"{r['gap_paid']:9,.1f} {r['gap_short']:6.1f} {r['gap_hires']:5.0f} | "
            f"{short:6.1%} {paid:+7.2%}"
        )
    print(
        f"slowest case: {worst:.2f} s, {worst / AIM_S:.3f} of the {AIM_S:g} s aim "
        f"({'met' if worst < AIM_S else 'NOT met'}). Last two columns: the optimised plan's "
        "shortage as a share of hire-to-gap's (aim < 50% on the seasonal sample) and its "
        "extra paid FTE-weeks (aim <= +2%)."
    )


if __name__ == "__main__":
    main()
