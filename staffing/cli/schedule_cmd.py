"""``staffing schedule``: a plan's requirement turned into shifts, breaks and people.

The schedule's own options (objective, tours, open hours, solver limits) are one option
group defined here, built into the keyword arguments of
:func:`staffing.scheduling.schedule`; the file options (``--column``, dates) are the
shared ones of :mod:`staffing.cli.options`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.formatting import percent, readable
from staffing.cli.options import abandon_policy_option, collect, read_options, stack
from staffing.cli.output import Outputs, out_option, plot_option, report_option
from staffing.cli.types import ColumnMapping, Duration, FiniteFloat, OpenHours, Percent, TargetList

__all__ = ["schedule_command", "solver_line"]


def _settings(**values: Any) -> dict[str, Any]:
    """The schedule options as the keyword arguments of ``staffing.scheduling.schedule``;
    options that belong to another objective (or to tours) are refused."""
    objective = values["objective"]
    misplaced = {
        "--under-cost": (values["under_cost"], "soft"),
        "--over-cost": (values["over_cost"], "soft"),
        "--service-period": (values["service_period"], "service"),
        "--interval-floor": (values["interval_floor"], "service"),
    }
    for flag, (given, wanted) in misplaced.items():
        if given is not None and objective != wanted:
            raise click.UsageError(f"{flag} applies to --objective {wanted}")
    if values["consecutive_days_off"] and values["days_off"] is None:
        raise click.UsageError("--consecutive-days-off needs --days-off (e.g. --days-off 2)")
    for flag, given in (
        ("--weeks", values["weeks"] > 1),
        ("--weekends-off", values["weekends_off"]),
    ):
        if given and values["days_off"] is None:
            raise click.UsageError(f"{flag} needs --days-off (e.g. --days-off 2)")
    if values["weekends_off"] > values["weeks"]:
        raise click.UsageError(
            f"--weekends-off {values['weekends_off']} is more than the --weeks "
            f"{values['weeks']} of the rotation"
        )
    return {
        "objective": objective,
        "service_target": values["service_target"],
        "service_period": values["service_period"] or "week",
        "interval_floor": values["interval_floor"],
        "under_cost": 1.0 if values["under_cost"] is None else values["under_cost"],
        "over_cost": 0.0 if values["over_cost"] is None else values["over_cost"],
        "start_step": values["start_step"],
        "days_off": values["days_off"],
        "consecutive_days_off": values["consecutive_days_off"],
        "weeks": values["weeks"],
        "weekends_off": values["weekends_off"],
        "cyclic": values["cyclic"],
        "open_hours": values["open_hours"],
        "queue": values["queue"],
        "hours_per_fte": values["hours_per_fte"],
        "time_limit_s": values["time_limit_s"],
        "gap": values["gap"],
        "abandon_policy": values["abandon_policy"],
    }


_SETTINGS = (
    "objective",
    "service_target",
    "service_period",
    "interval_floor",
    "under_cost",
    "over_cost",
    "start_step",
    "days_off",
    "consecutive_days_off",
    "weeks",
    "weekends_off",
    "cyclic",
    "open_hours",
    "queue",
    "hours_per_fte",
    "time_limit_s",
    "gap",
    "abandon_policy",
)

schedule_options = stack(
    click.option(
        "--objective",
        type=click.Choice(["cover", "soft", "service"]),
        default="cover",
        show_default=True,
        help="cover: least paid hours with the requirement on the phones in every interval; "
        "soft: paid hours plus a price per agent-interval short (--under-cost) and over "
        "(--over-cost), always feasible; service: least paid hours meeting --target over "
        "each --service-period (intervals may fall below where others make up for it).",
    ),
    click.option(
        "--target",
        "service_target",
        type=TargetList(),
        default=None,
        metavar="TARGET",
        help="Service level of --objective service (80/20); also the threshold of the "
        "service level reported. Default the plan's target column.",
    ),
    click.option(
        "--service-period",
        type=click.Choice(["day", "week"]),
        default=None,
        help="--objective service: the target holds for each day or each week (default week).",
    ),
    click.option(
        "--interval-floor",
        type=Percent(allow_one=False),
        default=None,
        metavar="PERCENT",
        help="--objective service: lowest service level allowed in any interval (60%).",
    ),
    click.option(
        "--under-cost",
        type=FiniteFloat(0.0, min_open=True),
        default=None,
        help="--objective soft: cost of one agent short for one interval, in paid hours "
        "(or the shifts' cost unit); default 1.",
    ),
    click.option(
        "--over-cost",
        type=FiniteFloat(0.0),
        default=None,
        help="--objective soft: cost of one agent over for one interval; default 0.",
    ),
    click.option(
        "--start-step",
        type=Duration(),
        default=None,
        metavar="DURATION",
        help="Keep only shift starts on this step from midnight (30min): a smaller model.",
    ),
    click.option(
        "--days-off",
        type=click.IntRange(0, 6),
        default=None,
        help="Weekly tours (a plan of 7 days): each person works 7 minus this many days "
        "on one shift family.",
    ),
    click.option(
        "--consecutive-days-off",
        is_flag=True,
        help="With --days-off: the days off follow each other (Sun-Mon only with --cyclic).",
    ),
    click.option(
        "--weeks",
        type=click.IntRange(1, 52),
        default=1,
        show_default=True,
        help="With --days-off: a rotation of this many weeks (the week's shifts repeat, "
        "people rotate through its lines); --agents lists every week.",
    ),
    click.option(
        "--weekends-off",
        type=click.IntRange(0, 52),
        default=0,
        show_default=True,
        help="With --days-off: whole weekends (Sat and Sun) off each person has in the "
        "--weeks of the rotation, shared as evenly as the lines allow.",
    ),
    click.option(
        "--cyclic",
        is_flag=True,
        help="The horizon repeats: a shift running past its end covers its start.",
    ),
    click.option(
        "--open",
        "open_hours",
        type=OpenHours(),
        default=None,
        metavar="HOURS",
        help="Opening hours, no shift outside them: 'Mon-Fri 07:00-22:00; Sat 08:00-20:00' "
        "(a day not named is closed).",
    ),
    click.option(
        "--queue",
        default=None,
        metavar="NAME",
        help="Schedule this queue of the plan alone (default: its queues pooled, their "
        "requirements summed).",
    ),
    click.option(
        "--hours-per-fte",
        type=FiniteFloat(0.0, 168.0, min_open=True),
        default=37.5,
        show_default=True,
        help="Paid hours of one FTE per week, for the summary.",
    ),
    click.option(
        "--time-limit",
        "time_limit_s",
        type=Duration(),
        default="60s",
        show_default=True,
        metavar="DURATION",
        help="Time the command may take once started (reading, building, every solve, "
        "rounding, writing; Python's start-up, about a second, comes before); the best "
        "schedule found by then is written, with its gap.",
    ),
    click.option(
        "--gap",
        type=Percent(allow_one=False),
        default="1%",
        show_default=True,
        metavar="PERCENT",
        help="Relative gap to the best bound at which HiGHS stops.",
    ),
    abandon_policy_option("How abandoned calls enter the reported service level."),
    collect("settings", list(_SETTINGS), _settings),
)
"""The schedule's options, built into ``settings``: keyword arguments of ``schedule``."""


@contextmanager
def _solver_output_elsewhere() -> Iterator[None]:
    """Send what the solver prints at C level to file descriptor 1 to /dev/null.

    HiGHS, inside scipy, may print a line of its own to the process's standard output;
    with ``--out -`` that line would land in the CSV. Python's own output is flushed
    first, and the C library's buffers before the descriptor is put back.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _flush_c_stdio() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # no C library to ask (Windows)
        pass


def solver_line(report: Any, gap: float, time_limit_s: float) -> str:
    """The solver's result in one line: what was found, the gap reached, time, size.

    Examples
    --------
    >>> from staffing.scheduling import SolverReport
    >>> r = SolverReport("optimal", "", 101.0, 100.2, 0.008, False, 3.2, 10, 8, 5, 20)
    >>> solver_line(r, 0.01, 60.0)[:62]
    'Solver (HiGHS): best found, gap 0.80% (within the 1.00% asked)'
    """
    from staffing.vocabulary import format_duration

    gap_text = f"gap {100 * report.gap:.2f}%"
    if report.proven_optimal:
        what = "optimal (proven: no schedule costs less)"
    elif report.status == "optimal":
        what = f"best found, {gap_text} (within the {percent(gap, 2)} asked)"
    elif report.status == "time limit":
        what = (
            f"best found at the time limit of {format_duration(time_limit_s)}, {gap_text} "
            f"(asked {percent(gap, 2)})"
        )
    else:
        what = (
            f"best found, {gap_text}: every part solved, but further than the "
            f"{percent(gap, 2)} asked from the bound (the bound may be weak)"
        )
    line = (
        f"Solver (HiGHS): {what}; {report.time_s:.1f} s; "
        f"{report.variables:,} variables ({report.integer_variables:,} integer), "
        f"{report.constraints:,} rows."
    )
    if report.status not in ("optimal",):
        line += " For a closer schedule give more --time-limit or a coarser --start-step."
    return line


def _reconcile(table: Any, result: Any, hours_per_fte: float) -> str:
    """Plan and schedule side by side: scheduled hours and FTE against paid hours and FTE."""
    import pandas as pd

    total = result.summary.iloc[-1]
    days = max(len(result.summary) - 2, 1)
    line = (
        f"Schedule: {total['paid_hours']:,.1f} paid hours = {total['fte']:,.1f} FTE at "
        f"{hours_per_fte:g} h a week"
    )
    if "scheduled" in table and "interval_s" in table:
        hours = float(
            (
                pd.to_numeric(table["scheduled"], errors="coerce")
                * pd.to_numeric(table["interval_s"], errors="coerce")
            ).sum()
            / 3600.0
        )
        if hours > 0:
            fte = hours / hours_per_fte * 7.0 / days if days < 7 else hours / hours_per_fte
            line += (
                f"; the plan's scheduled hours {hours:,.1f} = {fte:,.1f} FTE (the difference "
                "is the schedule's cover beyond the requirement: shift lengths, start times, "
                "breaks and tours)"
            )
    return line + "."


def _output_reserve(time_limit_s: float, plot_path: str | None, report_path: str | None) -> float:
    """Seconds of the time limit kept for writing: 5% of it, 15% more with figures.

    Examples
    --------
    >>> _output_reserve(60.0, "s.png", None), _output_reserve(10.0, None, None)
    (12.0, 0.5)
    """
    figures = plot_path is not None or report_path is not None
    return time_limit_s * (0.05 + (0.15 if figures else 0.0))


@contextmanager
def _spinner() -> Iterator[Any]:
    """Elapsed time on standard error while the solver runs, on a terminal only, after a
    few seconds; yields the callable the solver may call (it does nothing)."""
    import threading
    import time

    if not sys.stderr.isatty():
        yield None
        return
    stop = threading.Event()
    start = time.perf_counter()

    def run() -> None:
        frames = "|/-\\"
        i = 0
        while not stop.wait(0.5):
            elapsed = time.perf_counter() - start
            if elapsed >= 3.0:
                sys.stderr.write(f"\rsolving (HiGHS) {frames[i % 4]} {elapsed:5.0f} s")
                sys.stderr.flush()
                i += 1
        if time.perf_counter() - start >= 3.0:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield None
    finally:
        stop.set()
        thread.join()


def _threshold(settings: dict[str, Any], table: Any) -> float | None:
    """The threshold [s] the coverage's service level is reported at (as the library picks
    it: the target given, else the plan's one target, else its one threshold_s, else 20 s);
    None when the plan mixes thresholds."""
    from staffing.queueing.targets import TargetSet

    texts = [settings["service_target"]]
    if "target" in table:
        common = table["target"].dropna().astype(str).unique()
        if len(common) == 1:
            texts.append(str(common[0]))
    for text in texts:
        thresholds = TargetSet.parse(text).thresholds
        if thresholds:
            return float(thresholds[0])
    if "threshold_s" in table:
        values = table["threshold_s"].dropna().unique()
        if len(values) > 1:
            return None
        if len(values) == 1:
            return float(values[0])
    return 20.0


def _sl_label(threshold_s: float | None) -> str:
    from staffing.vocabulary import format_duration

    return "SL" if threshold_s is None else f"SL {format_duration(threshold_s)}"


def pretty_schedule_summary(summary: Any, threshold_s: float | None = None) -> Any:
    """The schedule summary rounded for reading, units in the headers (text)."""
    import pandas as pd

    def num(x: float) -> str:
        return "" if x != x else f"{x:,.1f}"

    def period(kind: str, start: Any) -> str:
        if kind == "day":
            return f"{start:%a %Y-%m-%d}"
        if kind == "week":
            return f"week {start:%Y-%m-%d}"
        return "total"

    return pd.DataFrame(
        {
            "period": [
                period(k, s)
                for k, s in zip(summary["period"], summary["period_start"], strict=True)
            ],
            "shifts": summary["shifts"].map(lambda x: f"{x:,}"),
            "paid h": summary["paid_hours"].map(num),
            "FTE": summary["fte"].map(num),
            "required h": summary["required_hours"].map(num),
            "on-phone h": summary["on_phone_hours"].map(num),
            "efficiency": summary["efficiency"].map(percent),
            "intervals under": summary["intervals_under"].map(str),
            "under h": summary["under_hours"].map(num),
            _sl_label(threshold_s): summary["service_level"].map(percent),
        }
    )


def _headline(result: Any, name: str, threshold_s: float | None, hours_per_fte: float) -> str:
    from staffing.vocabulary import format_duration

    total = result.summary.iloc[-1]
    cov = result.coverage
    people = int(result.agents["agent"].nunique()) if len(result.agents) else 0
    first, last = cov["interval_start"].iloc[0], cov["interval_start"].iloc[-1]
    within = "" if threshold_s is None else f" within {format_duration(threshold_s)}"
    sl = total["service_level"]
    service = (
        f", predicted service level {percent(sl)}{within}" if sl == sl else ""
    )  # NaN: no calls in the plan
    eff = total["efficiency"]
    efficiency = f"efficiency {percent(eff)}" if eff == eff else "no efficiency (no paid hours)"
    return (
        f"{name}, {cov['queue'].iloc[0]}, {first:%a %d %b} to {last:%a %d %b %Y} "
        f"({result.objective}): {int(total['shifts']):,} shifts for {people:,} people, "
        f"{total['paid_hours']:,.1f} paid hours ({total['fte']:,.1f} FTE at "
        f"{hours_per_fte:g} h a week) for {total['required_hours']:,.1f} required "
        f"agent-hours: {efficiency}, "
        f"{int(total['intervals_under'])} intervals under ({total['under_hours']:,.1f} "
        f"agent-hours short){service}."
    )


def _settings_text(settings: dict[str, Any], families: Any, shifts_name: str) -> str:
    from staffing.vocabulary import format_duration

    objective = settings["objective"]
    goal = {
        "cover": "least paid hours with at least the requirement on the phones in every interval",
        "soft": f"least paid hours plus {settings['under_cost']:g} per agent-interval short "
        f"and {settings['over_cost']:g} per agent-interval over",
        "service": f"least paid hours with the calls-weighted service level of each "
        f"{settings['service_period']} at {settings['service_target'] or 'the plan target'}"
        + (
            f", no interval below {percent(settings['interval_floor'])}"
            if settings["interval_floor"] is not None
            else ""
        ),
    }[objective]
    names = ", ".join(f.name for f in families)
    parts = [
        f"Objective {objective}: {goal}.",
        f"Shift families from {shifts_name}: {names}.",
    ]
    if settings["days_off"] is not None:
        kind = "consecutive " if settings["consecutive_days_off"] else ""
        parts.append(
            f"Weekly tours: {settings['days_off']} {kind}days off, one family a week each."
        )
    if settings["start_step"]:
        parts.append(f"Starts every {format_duration(settings['start_step'])} from midnight.")
    if settings["open_hours"]:
        hours = str(settings["open_hours"])
        parts.append(f"Open {hours}.")
    if settings["cyclic"]:
        parts.append("The horizon wraps (a shift past its end covers its start).")
    parts.append(
        f"HiGHS within {format_duration(settings['time_limit_s'])} to a "
        f"{percent(settings['gap'], 2)} gap."
    )
    return " ".join(parts)


def _readable_schedule(table: Any) -> Any:
    """The schedule rows with days and clock times as text, for the report."""
    out = table.copy()
    out["day"] = out["day"].map(lambda t: f"{t:%a %d %b}")
    for name in ("start", "end"):
        out[name] = out[name].map(lambda t: f"{t:%H:%M}")
    return readable(out)


@click.command("schedule", cls=OneLineCommand)
@click.argument("plan_path", metavar="PLAN", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--shifts",
    "shifts_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Shift families, one row each: shift, start (07:00 or 06:00-10:00/15min), length "
    "(8h30), optional paid, days (Mon-Fri), breaks (15min@1h30-2h30; 30min@3h-5h unpaid), "
    "min, max, cost.",
)
@click.option(
    "--shifts-column",
    "shifts_columns",
    type=ColumnMapping(),
    multiple=True,
    help="Map a column of the shifts file to ours, e.g. shift=Name (repeatable).",
)
@click.option(
    "--people",
    "people_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="With --days-off: named people, one row each: name, optional contract (a "
    "contract or shift family), unavailable ('Sat; Mon 16:00-24:00'), prefer_start "
    "(06:00-09:00), weekends_off (2, yes). The tours are given to them by a min-cost "
    "matching; --agents gets their names.",
)
@click.option(
    "--people-column",
    "people_columns",
    type=ColumnMapping(),
    multiple=True,
    help="Map a column of the people file to ours, e.g. name=Agent (repeatable).",
)
@read_options("a plan column")
@schedule_options
@out_option(
    "--out",
    "out",
    "Shifts (day, shift, start, end, breaks, count, paid_hours): .csv, .xlsx (with agents, "
    "coverage and summary as more sheets), .parquet, or - for standard output.",
)
@out_option("--agents", "agents_path", "One row per person and working day: .csv, .xlsx, ...")
@out_option(
    "--coverage",
    "coverage_path",
    "Per interval: required, scheduled, on_phones, over, under, service_level "
    "(a roster for staffing evaluate --roster).",
)
@out_option("--summary", "summary_path", "Paid hours, FTE, efficiency per day and week.")
@plot_option(
    "Required vs on-phone agents, one panel per day (.png, .pdf, .svg); with --days-off "
    "also a week strip per person (the published schedule)."
)
@report_option("One self-contained HTML report (summary, solver, figures, shifts).")
def schedule_command(
    plan_path: str,
    shifts_path: str,
    shifts_columns: tuple[tuple[str, str], ...],
    people_path: str | None,
    people_columns: tuple[tuple[str, str], ...],
    read: Any,
    settings: dict[str, Any],
    out: str | None,
    agents_path: str | None,
    coverage_path: str | None,
    summary_path: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Shifts, breaks and people covering PLAN's agents per interval (HiGHS).

    PLAN is a plan's interval table (staffing plan --out): agents per interval and queue,
    with calls and handle times for the service levels. Its queues are pooled (their
    agents summed) unless --queue picks one. Breaks are placed by the model within their
    windows; coverage is counted minute by minute from the shift rows.

    \b
    Example:
      staffing plan forecast.csv --target 80/20 --out plan.csv
      staffing schedule plan.csv --shifts shifts.csv --out schedule.csv \\
        --agents agents.csv --coverage coverage.csv --plot schedule.png
      staffing schedule plan.csv --shifts shifts.csv --objective service --target 80/20
    """
    from pathlib import Path

    from staffing.errors import StaffingError
    from staffing.io import ReadOptions, read_people, read_shifts
    from staffing.scheduling import schedule

    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--agents": (agents_path, "table"),
            "--coverage": (coverage_path, "table"),
            "--summary": (summary_path, "table"),
            "--plot": (plot_path, "figure"),
            "--report": (report_path, "report"),
        }
    )
    import time

    started = time.perf_counter()
    name = Path(plan_path).name
    table = read.read(plan_path)
    families = read_shifts(shifts_path, options=ReadOptions(columns=dict(shifts_columns)))
    if people_path is not None and settings["days_off"] is None:
        raise click.UsageError("--people needs --days-off (e.g. --days-off 2)")
    people = (
        None
        if people_path is None
        else read_people(people_path, options=ReadOptions(columns=dict(people_columns)))
    )
    try:
        with _solver_output_elsewhere(), _spinner() as tick:
            result = schedule(
                table,
                families,
                people=people,
                reserve_s=_output_reserve(settings["time_limit_s"], plot_path, report_path),
                source=name,
                started=started,
                progress=tick,
                **settings,
            )
    except StaffingError as exc:
        if "objective='soft'" not in str(exc):
            raise
        raise StaffingError(str(exc).replace("objective='soft'", "--objective soft")) from None
    threshold = _threshold(settings, table)
    headline = _headline(result, name, threshold, settings["hours_per_fte"])
    solver = solver_line(result.solver, settings["gap"], settings["time_limit_s"])
    summary_text = pretty_schedule_summary(result.summary, threshold)

    figure = gantt = None
    if plot_path is not None or report_path is not None:
        from staffing.plotting.schedule import plot_shifts, schedule_figure

        figure = schedule_figure(
            result.coverage,
            heading=f"Schedule of {name}",
            agents=result.agents if settings["days_off"] is not None else None,
        )
        if report_path is not None and len(result.shifts):
            gantt = plot_shifts(result.shifts).figure
    notes = " ".join([*result.notes, _reconcile(table, result, settings["hours_per_fte"])])
    blocks: list[tuple[str, object]] = [
        ("In short", headline),
        ("Shrinkage and rules", notes),
        ("Settings", _settings_text(settings, families, Path(shifts_path).name)),
        ("Solver", solver),
        ("Summary per day and week", summary_text),
    ]
    if figure is not None:
        blocks.append(("Required and on-phone agents per interval", figure))
    if gantt is not None:
        blocks.append(("Shifts of the busiest day", gantt))
    blocks.append(("Shifts", _readable_schedule(result.shifts)))
    with outputs:
        outputs.tables("--out", result.tables(), "schedule")
        outputs.table("--agents", result.agents)
        outputs.table("--coverage", result.coverage)
        outputs.table("--summary", result.summary)
        outputs.figure("--plot", figure)
        outputs.report("--report", f"Schedule: {name}", blocks)
    if outputs.stdout_taken:
        click.echo(headline, err=True)
        click.echo(notes, err=True)
        click.echo(solver, err=True)
    else:
        click.echo(headline)
        click.echo(notes)
        click.echo(solver)
        click.echo(summary_text.to_string(index=False))
