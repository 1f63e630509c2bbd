"""``staffing simulate``: a plan simulated through the whole day, interval by interval."""

from __future__ import annotations

from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.formatting import percent
from staffing.cli.options import (
    TargetChoice,
    column_mapping,
    model_options,
    read_options,
    redial_options,
    rostered_table,
    simulation_options,
    targets_options,
    threshold_option,
)
from staffing.cli.output import Outputs, out_option, plot_option
from staffing.cli.types import Interval

__all__ = ["simulate_command"]


def _progress_bar(total: int) -> Any:
    from staffing.cli.progress import progress_bar

    return progress_bar(total, "Simulating")


def _headline(result: Any, name: str) -> str:
    from staffing.vocabulary import format_duration

    busy = result.intervals_with_calls
    below = result.significant_misses
    share = below / busy if busy else float("nan")
    text = (
        f"{name}: {len(result.days)} queue-days simulated {result.options.replications:,} "
        f"times ({result.callers:,} callers in {format_duration(round(result.elapsed_s))}). "
        f"{result.agent_hours:,.1f} agent-hours; {below} of {busy} intervals with calls "
        f"significantly below target ({percent(share)})."
    )
    if busy:
        w = result.worst()
        text += (
            f" Worst: {w['queue']} {w['interval_start']:%a %Y-%m-%d %H:%M}, "
            f"{percent(w['service_level'])} simulated against "
            f"{percent(w['predicted_service_level'])} predicted."
        )
    return text


def _pretty_days(days: Any) -> Any:
    import pandas as pd

    def num(x: float) -> str:
        return "" if x != x else f"{x:,.1f}"

    table = pd.DataFrame(
        {
            "date": days["date"].dt.strftime("%a %Y-%m-%d"),
            "queue": days["queue"],
            "calls": days["calls"].map(lambda x: f"{x:,.0f}"),
            "agent h": days["agent_hours"].map(num),
            "target": days["target"],
            "SL pred": days["predicted_service_level"].map(percent),
            "SL sim": days["service_level"].map(percent),
            "95% interval": [
                f"{percent(lo)}-{percent(hi)}"
                for lo, hi in zip(days["service_level_lo"], days["service_level_hi"], strict=True)
            ],
            "ASA s": days["asa_s"].map(num),
            "abandon": days["abandon_rate"].map(percent),
            "P(day miss)": days["p_day_miss"].map(percent),
            "below": [
                f"{b}/{n}"
                for b, n in zip(days["intervals_below_target"], days["intervals"], strict=True)
            ],
        }
    )
    if "customer_abandon_rate" in days.columns:  # callers who call again
        at = list(table.columns).index("abandon") + 1
        table.insert(at, "cust. ab.", days["customer_abandon_rate"].map(percent))
        table.insert(3, "redials", days["redial_calls"].map(lambda x: f"{x:,.0f}"))
    return table


@click.command("simulate", cls=OneLineCommand)
@click.argument("plan_path", metavar="PLAN", type=click.Path(exists=True, dir_okay=False))
@read_options("a plan column")
@click.option(
    "--interval",
    "interval_s",
    type=Interval(),
    default=None,
    metavar="DURATION",
    help="Interval length (15min, 30min); default PLAN's interval_s, else inferred.",
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Agents per interval (interval_start, optional queue, agents), or a schedule's "
    "coverage (a pool's agents shared among its queues by requirement): PLAN is then a "
    "forecast.",
)
@column_mapping("--roster-column", "roster_columns", "a roster column")
@targets_options(
    "Target of every interval (repeatable); default PLAN's target column: 80/20, "
    "'abandon<=5%', asa<=30."
)
@model_options()
@redial_options()
@threshold_option(
    "Threshold of the reported service level where the targets have none (default 20 s)."
)
@simulation_options()
@out_option(
    "--out",
    "out",
    "Simulated intervals: .csv, .xlsx (with the days as a second sheet), .parquet, or -.",
)
@out_option("--summary", "summary_path", "Simulated days per queue: .csv, .xlsx, .parquet or -.")
@plot_option("Predicted vs simulated service level per queue (.png, .pdf, .svg).")
def simulate_command(
    plan_path: str,
    read: Any,
    interval_s: float | None,
    roster: str | None,
    roster_columns: dict[str, str],
    goal: TargetChoice,
    model: Any,
    threshold_s: float | None,
    simulation: Any,
    out: str | None,
    summary_path: str | None,
    plot_path: str | None,
) -> None:
    """Simulate PLAN through the whole day: queue carried over, every interval measured.

    PLAN is a plan's interval table (staffing plan --out, outsource --partner-plan) with
    agents per interval, or a forecast with --roster. Each queue-day is one continuous
    simulation, many times over: Poisson arrivals at each interval's rate, first come
    first served, the queue carried over between intervals, agents changing at interval
    boundaries (a call in service is finished), patience exponential from patience_s or
    the --calibration's Kaplan-Meier curve. A plan made with redials (--redial, or its
    calibration) is simulated with callers calling again after hanging up. Voice lines
    only: chat, deferred work and the voice classes of a priority pool are refused, naming
    their rows (the one voice queue of a pool is simulated with its own agents). Per
    interval: simulated service level, ASA, abandon rate and occupancy with 95%
    intervals, against the stationary prediction, and the chance the interval misses its
    target; per day and queue the same, and the
    chance the day misses.

    \b
    Example:
      staffing plan forecast.csv --target 80/20 --out plan.csv
      staffing simulate plan.csv --replications 1000 --seed 1 --jobs 2 \\
        --out sim.csv --summary days.csv --plot sim.png
    """
    from pathlib import Path

    from staffing.prepared.channels import check_simulable
    from staffing.simulation import simulate_plan

    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--summary": (summary_path, "table"),
            "--plot": (plot_path, "figure"),
        }
    )
    rules = goal.rules()
    if roster is not None:
        table = rostered_table(
            plan_path,
            read,
            interval_s,
            roster,
            roster_columns,
            goal.default,
            model,
            targets_table=rules,
            threshold_s=threshold_s,
        )
        targets, table_rules = None, None
    else:
        table = read.read(plan_path)
        check_simulable(table)  # voice lines only, refused before any work
        targets, table_rules = goal.default, rules
    with _progress_bar(len(table)) as bar:
        result = simulate_plan(
            table,
            targets,
            targets_table=table_rules,
            interval_s=interval_s,
            model=model,
            threshold_s=threshold_s,
            options=simulation,
            progress=bar.update if bar is not None else None,
        )
    figure = None
    if plot_path is not None:
        from staffing.plotting.simulation import simulation_figure

        figure = simulation_figure(
            result.intervals, heading=f"Through the day: {Path(plan_path).name}"
        )
    with outputs:
        outputs.tables("--out", result.tables(), "intervals")
        outputs.table("--summary", result.days)
        outputs.figure("--plot", figure)
    if not outputs.stdout_taken:
        click.echo(_headline(result, Path(plan_path).name))
        if summary_path is None:
            click.echo(_pretty_days(result.days).to_string(index=False))
