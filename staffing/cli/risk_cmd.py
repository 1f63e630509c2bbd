"""``staffing risk`` and ``staffing intraday``: will the period make its SLA, and the day?"""

from __future__ import annotations

from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.formatting import percent
from staffing.cli.options import (
    CREDIT_CLAUSE_OPTIONS,
    column_mapping,
    credit_terms_option_group,
    model_options,
    read_options,
    rostered_table,
    simulation_options,
)
from staffing.cli.output import Outputs, out_option, plot_option, report_option
from staffing.cli.types import BandEdges, Interval, Percent

__all__ = ["intraday_command", "risk_command"]


def _progress_bar(total: int, label: str) -> Any:
    from staffing.cli.progress import progress_bar

    return progress_bar(total, label)


def _service_level(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``--target``: one service-level target (80/20), checked before any work."""
    if value is None:
        return None
    from staffing.contracts import service_level_target
    from staffing.errors import StaffingError

    try:
        return str(service_level_target(value))
    except StaffingError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _given(ctx: click.Context, names: tuple[str, ...]) -> bool:
    """Whether any of these options was given on the command line (or the environment)."""
    from click.core import ParameterSource

    sources = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    return any(ctx.get_parameter_source(n) in sources for n in names)


def _with_policy(model: Any, terms: Any) -> Any:
    import dataclasses

    return dataclasses.replace(model, abandon_policy=terms.abandon_policy)


def _plan_table(
    plan_path: str,
    read: Any,
    interval_s: float | None,
    roster: str | None,
    roster_columns: dict[str, str],
    target: str | None,
    model: Any,
) -> Any:
    """PLAN as an interval table with agents: a plan, or a forecast with a roster."""
    from staffing.prepared.channels import check_simulable

    if roster is None:
        table = read.read(plan_path)
        check_simulable(table)
        return table
    if target is None:
        raise click.UsageError("--roster needs --target (the forecast has no targets)")
    return rostered_table(plan_path, read, interval_s, roster, roster_columns, [target], model)


def _pretty_risk(t: Any) -> Any:
    import pandas as pd

    out = pd.DataFrame(
        {
            "period": t["period_start"].dt.strftime("%Y-%m-%d"),
            "queue": t["queue"],
            "target": t["target"],
            "calls": t["calls"].map(lambda x: f"{x:,.0f}"),
            "agent h": t["agent_hours"].map(lambda x: f"{x:,.1f}"),
            "E[SL]": t["expected_service_level"].map(percent),
            "5-95%": [
                f"{percent(a)}-{percent(b)}" for a, b in zip(t["sl_p05"], t["sl_p95"], strict=True)
            ],
            "P(meet)": t["p_meet"].map(lambda x: percent(x, 1)),
            "abandon": t["expected_abandon_rate"].map(percent),
        }
    )
    if "expected_credit" in t.columns:
        out["E[credit]"] = t["expected_credit"].map(lambda x: f"{x:.2f}%")
        out["P(credit)"] = t["p_credit"].map(lambda x: percent(x, 0))
    return out


def _pretty_staff_to(s: Any) -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "period": s["period_start"].dt.strftime("%Y-%m-%d"),
            "queue": s["queue"],
            "P(meet) before": s["p_meet_before"].map(lambda x: percent(x, 1)),
            "agent h added": s["added_agent_hours"].map(lambda x: f"{x:,.1f}"),
            "P(meet) search": s["p_meet_search"].map(lambda x: percent(x, 1)),
            "P(meet) fresh seeds": s["p_meet"].map(lambda x: percent(x, 1)),
            "95% interval": [
                f"{percent(a)}-{percent(b)}"
                for a, b in zip(s["p_meet_lo"], s["p_meet_hi"], strict=True)
            ],
            "same hours evenly": s["even_p_meet"].map(lambda x: percent(x, 1)),
        }
    )


@click.command("risk", cls=OneLineCommand)
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
    help="Agents per interval (interval_start, optional queue, agents) or a schedule's "
    "coverage: PLAN is then a forecast (give --target).",
)
@column_mapping("--roster-column", "roster_columns", "a roster column")
@click.option(
    "--target",
    default=None,
    metavar="X/T",
    callback=_service_level,
    help="The service-level target every period is judged by, e.g. 80/20; default each "
    "queue's own from PLAN's target column.",
)
@click.option(
    "--volume-cv",
    type=Percent(),
    default="0%",
    show_default=True,
    metavar="PERCENT",
    help="Forecast error: coefficient of variation of a daily factor on each queue-day's "
    "calls (0-100%), on top of Poisson arrivals.",
)
@click.option(
    "--forecast",
    "forecast_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A forecast with calls_lo and calls_hi (staffing forecast): each interval's "
    "forecast error from its prediction interval, instead of --volume-cv.",
)
@column_mapping("--forecast-column", "forecast_columns", "a forecast column")
@click.option(
    "--coverage",
    type=Percent(allow_zero=False, allow_one=False),
    default="80%",
    show_default=True,
    metavar="PERCENT",
    help="Coverage of the forecast's calls_lo-calls_hi interval.",
)
@click.option(
    "--aht-cv",
    type=Percent(),
    default="0%",
    show_default=True,
    metavar="PERCENT",
    help="Handle-time forecast error: coefficient of variation of a daily factor on "
    "every handle time (0-100%).",
)
@model_options(abandon_policy=False)
@credit_terms_option_group(bands=False)
@simulation_options(
    "Simulated replications of every queue-day", replications=2000, seed=1, volume_cv=False
)
@out_option("--out", "out", "Risk per queue and period: .csv, .xlsx (all tables), .parquet, -.")
@out_option("--intervals", "intervals_path", "Risk per interval: .csv, .xlsx, .parquet or -.")
@click.option(
    "--staff-to",
    "staff_to",
    type=Percent(allow_zero=False, allow_one=False),
    default=None,
    metavar="PERCENT",
    help="Add the fewest agent-hours that lift P(period meets target) to this level in "
    "every period, verified on fresh seeds.",
)
@out_option("--new-plan", "new_plan", "The plan with the added staff (added_agents column).")
@plot_option("The service level distribution of every period with its target (.png, .pdf).")
@report_option("One self-contained HTML report (tables and figure).")
@click.pass_context
def risk_command(
    ctx: click.Context,
    plan_path: str,
    read: Any,
    interval_s: float | None,
    roster: str | None,
    roster_columns: dict[str, str],
    target: str | None,
    volume_cv: float,
    forecast_path: str | None,
    forecast_columns: dict[str, str],
    coverage: float,
    aht_cv: float,
    model: Any,
    terms: Any,
    simulation: Any,
    out: str | None,
    intervals_path: str | None,
    staff_to: float | None,
    new_plan: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Will each period of PLAN meet its SLA? The probability, by simulation.

    PLAN is a plan's interval table (staffing plan --out) with the agents on the phones,
    or a forecast with --roster. Every queue-day is simulated --replications times with
    the day simulator (queues carried over intervals; Poisson calls around the forecast
    times a daily factor of --volume-cv, or each interval's spread from --forecast's
    calls_lo/calls_hi); each replication's period is judged as the contract does
    (calls-weighted over the period, abandons by --abandon-policy). Per queue and period
    (and the total): the expected service level, its 5th, 50th and 95th percentiles,
    P(SL >= target) with its 95% interval, the abandon rate and, with a credit clause
    (--step, --credit-per-step, --cap, --fee, --earn-back-target), the expected credit.
    One line per period goes to standard error.

    --staff-to 90% adds agents where an agent-hour buys the most expected calls answered
    within the threshold, as few as make P(meet) reach 90% in every period (searched on
    the same replications), then judges that on fresh seeds and against the same hours
    spread evenly; --new-plan writes the plan with an added_agents column.

    \b
    Example:
      staffing plan forecast.csv --target 80/20 --out plan.csv
      staffing risk plan.csv --period week --volume-cv 5% --replications 2000 \\
        --jobs 2 --out risk.csv --plot risk.png
      staffing risk plan.csv --staff-to 90% --new-plan plan_p90.csv
    """
    from pathlib import Path

    from staffing.risk import period_risk, staff_to_probability

    if new_plan is not None and staff_to is None:
        raise click.UsageError("--new-plan needs --staff-to (e.g. --staff-to 90%)")
    if forecast_path is not None and volume_cv > 0:
        raise click.UsageError("give the forecast error by --volume-cv or --forecast, not both")
    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--intervals": (intervals_path, "table"),
            "--new-plan": (new_plan, "table"),
            "--plot": (plot_path, "figure"),
            "--report": (report_path, "report"),
        }
    )
    model = _with_policy(model, terms)
    clause = terms if _given(ctx, CREDIT_CLAUSE_OPTIONS) else None
    import dataclasses

    options = dataclasses.replace(simulation, volume_cv=volume_cv)
    table = _plan_table(plan_path, read, interval_s, roster, roster_columns, target, model)
    forecast = None
    if forecast_path is not None:
        forecast = read.with_columns(forecast_columns).read(forecast_path)
    common = {
        "period": terms.period,
        "forecast": forecast,
        "coverage": coverage,
        "aht_cv": aht_cv,
        "terms": clause,
        "model": model,
        "interval_s": interval_s,
        "options": options,
    }
    staffed = None
    if staff_to is None:
        with _progress_bar(len(table), "Simulating") as bar:
            risk = period_risk(
                table, target, progress=bar.update if bar is not None else None, **common
            )
    else:
        with _progress_bar(len(table) * 6, f"Staffing to {percent(staff_to, 0)}") as bar:
            staffed = staff_to_probability(
                table, staff_to, target, progress=bar.update if bar is not None else None, **common
            )
        risk = staffed.before
    for line in risk.lines():
        click.echo(line, err=True)
    name = Path(plan_path).name
    tables = {"risk": risk.periods, "intervals": risk.intervals}
    if staffed is not None:
        tables["staff_to"] = staffed.summary
    figure = None
    if plot_path is not None or report_path is not None:
        from staffing.plotting.risk import risk_figure

        figure = risk_figure(
            risk.periods,
            risk.replications,
            compare=staffed.after.replications if staffed is not None else None,
            heading=f"Will the {terms.period} make its SLA? {name}",
        )
    with outputs:
        outputs.tables("--out", tables, "risk")
        outputs.table("--intervals", risk.intervals)
        if staffed is not None:
            outputs.table("--new-plan", staffed.plan)
        outputs.figure("--plot", figure if plot_path is not None else None)
        if report_path is not None:
            blocks: list[tuple[str, object]] = [
                ("How it was simulated", risk.model_text + "."),
                ("Per queue and period", _pretty_risk(risk.periods)),
                ("Distribution of each period's service level", figure),
            ]
            if staffed is not None:
                blocks += [
                    (
                        f"Staffed to {percent(staff_to or 0, 0)}",
                        "\n\n".join(staffed.lines()),
                    ),
                    ("Staffing to the probability", _pretty_staff_to(staffed.summary)),
                ]
            outputs.report("--report", f"Will the {terms.period} make its SLA? {name}", blocks)
    if not outputs.stdout_taken:
        if out is None:
            click.echo(f"{name}: {risk.model_text}.")
            click.echo(_pretty_risk(risk.periods).to_string(index=False))
        if staffed is not None:
            click.echo(
                f"Staffed to {percent(staff_to or 0, 0)}: "
                f"+{staffed.added_agent_hours:,.1f} agent-hours in all."
            )
            for line in staffed.lines():
                click.echo(line)
            for queue, start in staffed.summary.attrs.get("unreachable", []):
                click.echo(
                    f"Warning: {queue} {start:%Y-%m-%d}: no added staffing reaches "
                    f"{percent(staff_to or 0, 0)} (the forecast error alone exceeds it)",
                    err=True,
                )


def _check_now(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--now``: a time of day (12:00) or a date and time, checked before any work."""
    import pandas as pd

    from staffing.errors import StaffingError
    from staffing.vocabulary import parse_time_of_day

    try:
        parse_time_of_day(value, what="")
        return value
    except StaffingError:
        pass
    try:
        pd.Timestamp(value)
    except (ValueError, TypeError):
        raise click.BadParameter(
            f"{value!r}: give a time of day (12:00) or a date and time (2025-03-05 12:00)",
            ctx,
            param,
        ) from None
    return value


@click.command("intraday", cls=OneLineCommand)
@click.argument("plan_path", metavar="PLAN", type=click.Path(exists=True, dir_okay=False))
@read_options("a plan column")
@click.option(
    "--interval",
    "interval_s",
    type=Interval(),
    default=None,
    metavar="DURATION",
    help="Interval length of PLAN (15min, 30min); default its interval_s, else inferred.",
)
@click.option(
    "--actuals",
    "actuals_path",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="Today's interval report so far: interval_start, queue, offered, answered, "
    "abandoned, answered_within (at the target's threshold), optional abandoned_within, "
    "aht_s, agents.",
)
@column_mapping("--actuals-column", "actuals_columns", "an actuals column")
@click.option(
    "--now",
    required=True,
    callback=_check_now,
    metavar="HH:MM",
    help="The time of the projection (on the actuals' date), or a date and time.",
)
@click.option(
    "--period",
    type=click.Choice(["day", "week", "month", "quarter"]),
    default=None,
    help="Also judge the period containing today (weeks start on Monday).",
)
@click.option(
    "--period-actuals",
    "period_actuals_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="The period's earlier days' interval report (same columns as --actuals).",
)
@click.option(
    "--target",
    default=None,
    metavar="X/T",
    callback=_service_level,
    help="The service-level target, e.g. 80/20; default each queue's own from PLAN.",
)
@click.option(
    "--bands",
    type=BandEdges(),
    default="5%,10%",
    show_default=True,
    help="Rules of engagement: points below target where a warning turns into "
    "interrupting offline work, and that into all hands.",
)
@click.option(
    "--history",
    "history_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An interval history: how much a day's calls stray from the usual, per queue "
    "(the reforecast's shrinkage), instead of --prior-cv.",
)
@click.option(
    "--prior-cv",
    type=Percent(),
    default="10%",
    show_default=True,
    metavar="PERCENT",
    help="How much a day's level strays from its forecast (coefficient of variation): "
    "how far the morning moves the rest of the day.",
)
@click.option(
    "--warn-below",
    type=Percent(),
    default="50%",
    show_default=True,
    metavar="PERCENT",
    help="Tell the client when P(period meets target) is below this.",
)
@model_options(abandon_policy=False)
@credit_terms_option_group(period=False, bands=False)
@simulation_options(
    "Simulated replications of every queue-day", replications=1000, seed=1, volume_cv=False
)
@out_option(
    "--out", "out", "Actions per remaining interval: .csv, .xlsx (all tables), .parquet, -."
)
@plot_option("The day: actuals, projection, target and bands, per queue (.png, .pdf).")
@report_option("One self-contained HTML report (the projection, tables and figure).")
@click.pass_context
def intraday_command(
    ctx: click.Context,
    plan_path: str,
    read: Any,
    interval_s: float | None,
    actuals_path: str,
    actuals_columns: dict[str, str],
    now: str,
    period: str | None,
    period_actuals_path: str | None,
    target: str | None,
    bands: tuple[float, float],
    history_path: str | None,
    prior_cv: float,
    warn_below: float,
    model: Any,
    terms: Any,
    simulation: Any,
    out: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Re-project today from its actuals: the band, the extra staff, the period.

    PLAN is the plan's interval table (staffing plan --out) with today in it; --actuals
    is today's interval report up to --now. The rest of the day is reforecast (the
    morning's ratio of actual to forecast calls, shrunk towards 1 by --prior-cv or
    --history) and simulated with the planned staff, the queue at --now as the morning
    left it; with the actuals so far that gives the day's projected service level and
    P(day >= target), in the rules of engagement's bands: on target, warning (up to
    5 points below), interrupt offline work (5-10), all hands (over 10). Per remaining
    interval: the extra agents that bring the day back to target at the least
    agent-hours, and the latest interval from which that is still possible. With
    --period (and --period-actuals for its earlier days): the period to date, P(period
    >= target) given the actuals and the plan for the rest, the expected credit (with a
    credit clause), and "tell the client now" when that is below --warn-below.

    \b
    Example:
      staffing intraday plan.csv --actuals today.csv --now 12:00 \\
        --period week --period-actuals week_to_date.csv --out actions.csv --plot day.png
    """
    from pathlib import Path

    from staffing.risk import intraday

    if period_actuals_path is not None and period is None:
        raise click.UsageError("--period-actuals needs --period (e.g. --period week)")
    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--plot": (plot_path, "figure"),
            "--report": (report_path, "report"),
        }
    )
    import dataclasses

    model = _with_policy(model, terms)
    clause = None
    if _given(ctx, CREDIT_CLAUSE_OPTIONS) and period is not None:
        clause = dataclasses.replace(terms, period=period, band_edges=bands)
    options = simulation
    plan = read.read(plan_path)
    actuals = read.with_columns(actuals_columns).read(actuals_path)
    period_actuals = None
    if period_actuals_path is not None:
        period_actuals = read.with_columns(actuals_columns).read(period_actuals_path)
    history = None
    if history_path is not None:
        from staffing.io import read_history

        history = read_history(history_path, options=read)
    with _progress_bar(len(plan), "Projecting") as bar:
        result = intraday(
            plan,
            actuals,
            now,
            target,
            period=period,
            period_actuals=period_actuals,
            bands=bands,
            prior_cv=prior_cv,
            history=history,
            warn_below=warn_below,
            terms=clause,
            model=model,
            interval_s=interval_s,
            options=options,
            progress=bar.update if bar is not None else None,
        )
    tables = {"actions": result.actions, "days": result.days, "intervals": result.intervals}
    if result.period is not None:
        tables["period"] = result.period
    figure = None
    name = Path(plan_path).name
    heading = f"The day at {result.now:%H:%M}: {name}"
    if plot_path is not None or report_path is not None:
        from staffing.plotting.risk import intraday_figure

        figure = intraday_figure(result.intervals, result.days, bands=bands, heading=heading)
    with outputs:
        outputs.tables("--out", tables, "actions")
        outputs.figure("--plot", figure if plot_path is not None else None)
        if report_path is not None:
            blocks: list[tuple[str, object]] = [
                ("The day", "\n\n".join(result.lines())),
                ("The day and its projection", figure),
                ("Per queue", result.days),
                ("Per remaining interval", result.actions),
            ]
            if result.period is not None:
                blocks.append(("The period", result.period))
            outputs.report("--report", heading, blocks)
    if not outputs.stdout_taken:
        for line in result.lines():
            click.echo(line)
