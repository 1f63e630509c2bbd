"""``staffing capacity``: hiring classes over months against a weekly requirement."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.formatting import percent
from staffing.cli.options import read_options
from staffing.cli.output import Outputs, out_option, plot_option, report_option
from staffing.cli.types import Duration, FiniteFloat, Percent, PeriodRate, Weeks

__all__ = ["capacity_command", "pretty_totals"]


def _headcount(values: Sequence[str]) -> float | dict[str, float]:
    per_queue: dict[str, float] = {}
    for item in values:
        queue, sep, number = item.rpartition("=")
        try:
            fte = float(number)
        except ValueError:
            raise click.UsageError(
                f"--headcount {item!r}: give the FTE on staff, or QUEUE=FTE"
            ) from None
        if not math.isfinite(fte) or fte < 0:
            raise click.UsageError(f"--headcount {item!r}: FTE must be a number >= 0")
        if not sep:
            if len(values) > 1:
                raise click.UsageError(
                    "--headcount: give one number for the queues together, or QUEUE=FTE "
                    "per queue (with --by queue)"
                )
            return fte
        per_queue[queue.strip()] = fte
    return per_queue


def _many(column: Any) -> bool:
    """Whether a column holds more than one value."""
    return len(set(column)) > 1


def _week(w: Any) -> str:
    import pandas as pd

    return str(pd.Timestamp(w).date()) if isinstance(w, pd.Timestamp) else f"week {w}"


def pretty_totals(totals: Any) -> Any:
    """Both plans' totals rounded for reading (text)."""
    import pandas as pd

    def num(x: float) -> str:
        return "" if x != x else f"{x:,.1f}"

    out = pd.DataFrame(
        {
            "queue": totals["queue"],
            "plan": totals["plan"],
            "classes": totals["classes"].map(str),
            "hires": totals["hires"].map(str),
            "paid FTE-wk": totals["paid_fte_weeks"].map(num),
            "productive FTE-wk": totals["productive_fte_weeks"].map(num),
            "short FTE-wk": totals["shortage_fte_weeks"].map(num),
            "weeks short": totals["weeks_short"].map(str),
            "surplus FTE-wk": totals["surplus_fte_weeks"].map(num),
            "cost": totals["cost"].map(num),
        }
    )
    if totals["p_short_max"].notna().any():
        out["worst P(short)"] = totals["p_short_max"].map(percent)
    if not _many(totals["queue"]):
        out = out.drop(columns="queue")
    return out


def _pretty_commitment(table: Any, service: float | None) -> Any:
    import pandas as pd

    def num(x: float) -> str:
        return f"{x:,.1f}"

    period = table["period_start"].map(lambda t: f"{t:%Y-%m}")
    out = pd.DataFrame(
        {
            "period": period,
            "queue": table["queue"],
            "days": table["days"].map(str),
            "requirement": table["requirement"].map(num),
            "in-house": table["in_house"].map(num),
            "commit FTE": table["fte"].map(num),
            "mean FTE": table["fte_mean"].map(num),
            "FTE-weeks": table["fte_weeks"].map(num),
        }
    )
    if "fte_service" in table:
        out["commit at P10"] = table["fte_service"].map(num)
    if not _many(table["queue"]):
        out = out.drop(columns="queue")
    return out


def _solver_line(result: Any) -> str:
    parts = []
    for row in result.solver.itertuples():
        name = f"{row.queue}: " if len(result.solver) > 1 else ""
        rounds = f", {row.rounds} rounds to the service level" if row.rounds > 1 else ""
        parts.append(
            f"{name}{row.status}, gap to the best bound {100 * row.gap:.3f}%, "
            f"{row.time_s:.2f} s{rounds}; {row.variables:,} variables "
            f"({row.integer_variables:,} integer), {row.constraints:,} rows"
        )
    return "Solver (HiGHS): " + "; ".join(parts) + "."


def _comparison(result: Any) -> list[str]:
    lines = []
    for queue, t in result.totals.groupby("queue", sort=False):
        t = t.set_index("plan")
        o, g = t.loc["optimised"], t.loc["hire-to-gap"]
        name = f"{queue}: " if _many(result.totals["queue"]) else ""
        if g["shortage_fte_weeks"] > 0:
            short = f"{o['shortage_fte_weeks'] / g['shortage_fte_weeks']:.1%} of hire-to-gap's"
        else:
            short = f"{o['shortage_fte_weeks']:,.1f} (hire-to-gap 0)"
        paid = o["paid_fte_weeks"] / g["paid_fte_weeks"] - 1.0
        lines.append(
            f"{name}the optimised plan is short {short} FTE-weeks for {paid:+.1%} paid "
            f"FTE-weeks; its cost is {o['cost']:,.1f} against {g['cost']:,.1f}."
        )
    return lines


def _first_classes(result: Any, lead: int, show: int = 4) -> str:
    opt = result.classes[result.classes["plan"] == "optimised"]
    if opt.empty:
        return "The optimised plan hires nobody within the horizon."
    rows = [
        f"{int(r.size)} decided {_week(r.decided)} (classroom from {_week(r.starts)})"
        + (f" [{r.queue}]" if _many(result.classes["queue"]) else "")
        for r in opt.head(show).itertuples()
    ]
    rest = len(opt) - show
    more = f"; {rest} more class{'es' if rest > 1 else ''}" if rest > 0 else ""
    return "First classes: " + "; ".join(rows) + more + "."


def _simulation_lines(result: Any, n: int, seed: int) -> list[str]:
    if result.simulation is None:
        return []
    sim = result.simulation
    reach = {
        str(q): one["reachable"].to_numpy(dtype=bool)
        for q, one in result.weeks.groupby("queue", sort=False)
    }
    lines = [f"Random attrition, {n:,} simulations (seed {seed}):"]
    for (queue, plan), one in sim.groupby(["queue", "plan"], sort=False):
        risky = (one["p_short"] > 0.1).to_numpy()
        early = int((risky & ~reach[str(queue)]).sum())
        before = f" ({early} before any class can produce)" if early else ""
        worst = one.loc[one["p_short"].idxmax()]
        name = f"{queue}, " if _many(sim["queue"]) else ""
        lines.append(
            f"  {name}{plan}: short with probability above 10% in {int(risky.sum())} of "
            f"{len(one)} weeks{before}; worst {_week(worst['week'])}, "
            f"{percent(worst['p_short'])} (10th percentile {worst['productive_p10']:,.1f} for "
            f"{worst['requirement']:,.1f})"
        )
    if result.service is not None:
        lines.append(
            f"  Re-planned so that every week a class can reach is covered in at least "
            f"{percent(result.service, 0)} of the simulations."
        )
    return lines


def _settings(**values: Any) -> Any:
    from staffing.capacity import CapacityRules

    return CapacityRules(
        attrition_per_year=values["attrition"],
        hire_lead_weeks=values["hire_lead"],
        classroom_weeks=values["classroom"],
        ramp_weeks=values["ramp"],
        ramp_start=values["ramp_start"],
        early_attrition=values["early_attrition"],
        class_max=values["class_max"],
        class_every_weeks=values["class_every"],
        shortage_cost=values["shortage_cost"],
        surplus_cost=values["surplus_cost"],
    )


@click.command("capacity", cls=OneLineCommand)
@click.argument(
    "requirement_path", metavar="REQUIREMENT", type=click.Path(exists=True, dir_okay=False)
)
@click.option(
    "--headcount",
    multiple=True,
    required=True,
    metavar="FTE|QUEUE=FTE",
    help="Tenured FTE on staff at the start (one number, or per queue with --by queue; "
    "repeatable).",
)
@click.option(
    "--horizon",
    "horizon_weeks",
    type=Weeks(allow_zero=False),
    default=None,
    metavar="WEEKS",
    help="Weeks to plan from the requirement's first (26w); default all its weeks.",
)
@click.option(
    "--attrition",
    "attrition_per_year",
    type=PeriodRate(per="year"),
    default="34%/year",
    show_default=True,
    metavar="RATE/PERIOD",
    help="Tenured staff leaving: 34%/year, 3%/month, 0.8%/week (the period is needed).",
)
@click.option(
    "--hire-lead",
    "hire_lead_weeks",
    type=Weeks(),
    default="5w",
    show_default=True,
    metavar="WEEKS",
    help="Weeks from deciding a class to its first classroom day.",
)
@click.option(
    "--classroom",
    "classroom_weeks",
    type=Weeks(),
    default="4w",
    show_default=True,
    metavar="WEEKS",
    help="Weeks in the classroom: paid, producing nothing.",
)
@click.option(
    "--ramp",
    "ramp_weeks",
    type=Weeks(),
    default="12w",
    show_default=True,
    metavar="WEEKS",
    help="Weeks of rising productivity after the classroom.",
)
@click.option(
    "--ramp-start",
    type=Percent(),
    default="53%",
    show_default=True,
    metavar="PERCENT",
    help="Share of a tenured FTE produced in the first ramp week.",
)
@click.option(
    "--early-attrition",
    type=Percent(allow_one=False),
    default="20%",
    show_default=True,
    metavar="PERCENT",
    help="Share of a class leaving during classroom and ramp.",
)
@click.option(
    "--class-max",
    type=click.IntRange(0),
    default=40,
    show_default=True,
    help="Largest class [people].",
)
@click.option(
    "--class-every",
    "class_every_weeks",
    type=Weeks(allow_zero=False),
    default="1w",
    show_default=True,
    metavar="WEEKS",
    help="At most one class starts in any this many weeks.",
)
@click.option(
    "--shortage-cost",
    type=click.FloatRange(0.0),
    default=3.0,
    show_default=True,
    help="Cost of one productive FTE short for a week, in paid FTE-weeks; inf: every week "
    "a class can reach covered.",
)
@click.option(
    "--surplus-cost",
    type=FiniteFloat(0.0),
    default=0.0,
    show_default=True,
    help="Cost of one productive FTE over for a week, on top of its pay.",
)
@click.option(
    "--by",
    "by_queue",
    type=click.Choice(["total", "queue"]),
    default="total",
    show_default=True,
    help="total: the queues' FTE summed; queue: each queue its own classes.",
)
@click.option(
    "--simulate",
    "simulations",
    type=click.IntRange(0, 1_000_000),
    default=0,
    show_default=True,
    metavar="N",
    help="Simulate random attrition N times: P(short) and the 10th percentile "
    "of productive FTE per week.",
)
@click.option(
    "--seed", type=click.IntRange(0), default=1, show_default=True, help="Seed of the simulation."
)
@click.option(
    "--service",
    type=Percent(allow_zero=False, allow_one=False),
    default=None,
    metavar="PERCENT",
    help="Re-plan so every week a class can reach is covered with this probability (90%); "
    "simulates 1000 times unless --simulate says otherwise.",
)
@click.option(
    "--commit",
    type=click.Choice(["week", "month", "quarter"]),
    default=None,
    help="FTE to commit to a partner per period: the requirement the optimised plan "
    "leaves uncovered.",
)
@click.option(
    "--time-limit",
    "time_limit_s",
    type=Duration(),
    default="60s",
    show_default=True,
    metavar="DURATION",
    help="Time HiGHS may take per solve.",
)
@click.option(
    "--gap",
    type=Percent(allow_one=False),
    default="0.01%",
    show_default=True,
    metavar="PERCENT",
    help="Relative gap to the best bound at which HiGHS stops.",
)
@read_options("a requirement column")
@out_option(
    "--out",
    "out",
    "Week by week, both plans side by side with a total row: .csv, .xlsx (with totals, "
    "classes, solver, simulation and commitment as more sheets), .parquet, or -.",
)
@out_option("--classes", "classes_path", "One row per class of either plan.")
@out_option("--simulation", "simulation_path", "With --simulate: per week and plan.")
@out_option("--commitment", "commitment_path", "With --commit: FTE per period for a partner.")
@plot_option("Requirement, productive and paid FTE, classes as bars (.png, .pdf, .svg).")
@report_option("One self-contained HTML report (totals, figure, solver, weeks).")
def capacity_command(
    requirement_path: str,
    headcount: tuple[str, ...],
    horizon_weeks: int | None,
    attrition_per_year: float,
    hire_lead_weeks: int,
    classroom_weeks: int,
    ramp_weeks: int,
    ramp_start: float,
    early_attrition: float,
    class_max: int,
    class_every_weeks: int,
    shortage_cost: float,
    surplus_cost: float,
    by_queue: str,
    simulations: int,
    seed: int,
    service: float | None,
    commit: str | None,
    time_limit_s: float,
    gap: float,
    read: Any,
    out: str | None,
    classes_path: str | None,
    simulation_path: str | None,
    commitment_path: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Hiring classes over months for REQUIREMENT: how many to hire and when.

    REQUIREMENT is productive FTE per week: a table week, queue (optional), fte (week:
    each week's first day, or week numbers), or a plan's summary by week (staffing plan
    ... --period week --summary). Queues are summed unless --by queue.

    A class decided in a week starts the classroom --hire-lead later, is paid and
    produces nothing for --classroom, then ramps from --ramp-start to a tenured FTE over
    --ramp, losing --early-attrition of its members along the way; afterwards it leaves
    like tenured staff (--attrition). The plan is the least paid FTE-weeks plus
    --shortage-cost per FTE-week short (HiGHS), shown beside the spreadsheet's hire-to-gap
    roll-forward, which counts new hires as productive at once.

    \b
    Example:
      staffing capacity requirement.csv --headcount 195 --horizon 52w \\
        --attrition 34%/year --hire-lead 5w --classroom 4w --ramp 12w --ramp-start 53% \\
        --simulate 1000 --seed 1 --commit month --out capacity.csv --plot capacity.png
    """
    from pathlib import Path

    from staffing.capacity import capacity_plan
    from staffing.io import read_requirement

    if simulation_path is not None and not simulations and service is None:
        raise click.UsageError("--simulation needs --simulate N (or --service)")
    if commitment_path is not None and commit is None:
        raise click.UsageError("--commitment needs --commit (e.g. --commit month)")
    counts = _headcount(headcount)
    rules = _settings(
        attrition=attrition_per_year,
        hire_lead=hire_lead_weeks,
        classroom=classroom_weeks,
        ramp=ramp_weeks,
        ramp_start=ramp_start,
        early_attrition=early_attrition,
        class_max=class_max,
        class_every=class_every_weeks,
        shortage_cost=shortage_cost,
        surplus_cost=surplus_cost,
    )
    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--classes": (classes_path, "table"),
            "--simulation": (simulation_path, "table"),
            "--commitment": (commitment_path, "table"),
            "--plot": (plot_path, "figure"),
            "--report": (report_path, "report"),
        }
    )
    name = Path(requirement_path).name
    requirement = read_requirement(requirement_path, options=read, by_queue=by_queue == "queue")
    result = capacity_plan(
        requirement,
        counts,
        rules,
        horizon_weeks=horizon_weeks,
        by_queue=by_queue == "queue",
        simulations=simulations,
        seed=seed,
        service=service,
        commit=commit,  # type: ignore[arg-type]
        time_limit_s=time_limit_s,
        gap=gap,
    )
    weeks = result.weeks
    first, last = weeks["week"].iloc[0], weeks["week"].iloc[-1]
    n_weeks = int(weeks["week"].nunique())
    start = (
        f"{counts:,.1f} FTE on staff"
        if isinstance(counts, float)
        else ", ".join(f"{q} {v:,.1f}" for q, v in counts.items()) + " FTE on staff"
    )
    headline = (
        f"{name}: {n_weeks} weeks ({_week(first)} to {_week(last)}), "
        f"{', '.join(map(str, weeks['queue'].unique()))}, {weeks['requirement'].sum():,.1f} "
        f"productive FTE-weeks needed; {start} at the start."
    )
    settings = "Rules: " + rules.describe() + "."
    comparison = _comparison(result)
    solver = _solver_line(result)
    first_classes = _first_classes(result, rules.hire_lead_weeks)
    sim_lines = _simulation_lines(result, simulations or 1000, seed)
    totals_text = pretty_totals(result.totals)
    commitment_text = (
        None if result.commitment is None else _pretty_commitment(result.commitment, result.service)
    )
    figure = None
    if plot_path is not None or report_path is not None:
        from staffing.plotting.capacity import capacity_figure

        figure = capacity_figure(result, title=f"Capacity plan: {name}")
    blocks: list[tuple[str, object]] = [
        ("In short", "\n\n".join([headline, *comparison, first_classes])),
        ("Rules", settings),
        ("Totals over the horizon", totals_text),
    ]
    if figure is not None:
        blocks.append(("Requirement, productive and paid FTE; classes", figure))
    blocks.append(("Solver", solver))
    if sim_lines:
        blocks.append(("Random attrition", "\n\n".join(s.strip() for s in sim_lines)))
    if commitment_text is not None:
        blocks.append((f"FTE to commit to a partner per {commit}", commitment_text))
    blocks.append(("Week by week", _readable_weeks(result.table())))
    tables = result.tables()
    with outputs:
        outputs.tables("--out", tables, "weeks")
        outputs.table("--classes", result.classes)
        if result.simulation is not None:
            outputs.table("--simulation", result.simulation)
        if result.commitment is not None:
            outputs.table("--commitment", result.commitment)
        outputs.figure("--plot", figure)
        outputs.report("--report", f"Capacity plan: {name}", blocks)
    echo = (lambda s: click.echo(s, err=True)) if outputs.stdout_taken else click.echo
    echo(headline)
    echo(settings)
    if outputs.stdout_taken:
        for line in comparison:
            echo(line)
        echo(solver)
        return
    echo("")
    echo(totals_text.to_string(index=False))
    echo("")
    for line in comparison:
        echo(line[0].upper() + line[1:])
    echo(first_classes)
    echo(solver)
    for line in sim_lines:
        echo(line)
    if commitment_text is not None:
        echo(
            f"\nFTE to commit to a partner per {commit} (commit FTE covers every week of "
            "the period; mean FTE and FTE-weeks are what a per-FTE-week contract bills):"
        )
        echo(commitment_text.to_string(index=False))


def _readable_weeks(table: Any) -> Any:
    """The week-by-week table rounded for the report (text)."""
    import pandas as pd

    out = {}
    for name in table.columns:
        col = table[name]
        if name == "week":
            out[name] = col.map(lambda w: "total" if pd.isna(w) else _week(w))
        elif name == "p_short":
            out[name] = col.map(percent)
        elif name == "reachable":
            out[name] = col.map(lambda x: "yes" if x is True or x == 1 else "")
        elif col.dtype.kind in "iu":
            out[name] = col.map(lambda x: f"{x:,}")
        elif col.dtype.kind == "f":
            out[name] = col.map(lambda x: "" if x != x else f"{x:,.1f}")
        else:
            out[name] = col.astype(str)
    return pd.DataFrame(out)
