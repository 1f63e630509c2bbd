"""``staffing credits``: SLA service credits from a performance history, and a plan's exposure."""

from __future__ import annotations

from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.formatting import pretty_credits, pretty_exposure
from staffing.cli.options import (
    column_mapping,
    credit_terms_options,
    history_sl_option,
    on_inconsistent_option,
    patience_option,
    read_options,
)
from staffing.cli.output import Outputs, out_option, plot_option, warn
from staffing.cli.types import FiniteFloat, TargetList

__all__ = ["credits_command"]


@click.command("credits", cls=OneLineCommand)
@click.argument("performance", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option(
    "--target",
    required=True,
    type=TargetList(),
    metavar="X/T",
    help="The contract's target, e.g. 80/20.",
)
@credit_terms_options
@click.option(
    "--queue",
    "queues",
    multiple=True,
    metavar="NAME",
    help="Queue the contract covers (repeatable; default all).",
)
@read_options("a history column")
@on_inconsistent_option()
@history_sl_option()
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A plan's interval table (`staffing plan --out`): expected credit exposure.",
)
@column_mapping("--plan-column", "plan_columns", "a plan column")
@patience_option("Patience for plan intervals without a patience_s value (Erlang A).")
@click.option(
    "--volume-cv",
    type=FiniteFloat(0.0),
    default=0.0,
    show_default=True,
    help="Daily forecast error (coefficient of variation) on top of Poisson arrivals.",
)
@click.option(
    "--simulations",
    type=click.IntRange(2),
    default=1000,
    show_default=True,
    help="Replications of the exposure simulation.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the simulation.")
@out_option("--out", "out", "Credit table (.csv, .parquet, -); .xlsx holds the exposure too.")
@out_option(
    "--exposure-out", "exposure_out", "Exposure table of --plan (.csv, .xlsx, .parquet, -)."
)
@plot_option()
def credits_command(
    performance: str | None,
    target: str,
    terms: Any,
    queues: tuple[str, ...],
    read: Any,
    on_inconsistent: str,
    history_sl: str,
    plan_path: str | None,
    plan_columns: dict[str, str],
    patience_s: float | None,
    volume_cv: float,
    simulations: int,
    seed: int,
    out: str | None,
    exposure_out: str | None,
    plot_path: str | None,
) -> None:
    """SLA service credits per period from a PERFORMANCE history, and a plan's exposure.

    PERFORMANCE is an interval (or daily) report: interval_start, optional queue,
    offered, answered, abandoned, answered_within (at the target's threshold) or
    service_level. Per period: the volume-weighted service level, the shortfall in
    points, the credit (--credit-per-step for each started --step below target, capped),
    its amount, whether it was earned back, and the escalation band; then a total of what
    is owed after earn-back. --plan simulates calls arriving at random (Poisson) around
    a plan's forecast: each period's service level distribution and the expected credit
    with its spread (voice lines only: a plan's chat, deferred work and priority pools
    are refused, naming their rows).

    \b
    Example:
      staffing credits performance.csv --target 80/20 --period week --step 0.5 \\
        --credit-per-step 1% --cap 10% --fee 100000 \\
        --earn-back-target 85% --earn-back-periods 2 --out credits.csv
    """
    from staffing.contracts import credit_exposure, service_credits, service_level_target
    from staffing.planner import QueueModel

    if performance is None and plan_path is None:
        raise click.UsageError("give a PERFORMANCE history, a --plan, or both")
    if exposure_out is not None and plan_path is None:
        raise click.UsageError("--exposure-out needs --plan")
    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--exposure-out": (exposure_out, "table"),
            "--plot": (plot_path, "figure"),
        }
    )
    goal = service_level_target(target)
    period = terms.period
    tables: dict[str, Any] = {}
    plan = None
    if plan_path is not None:
        from staffing.prepared.channels import check_simulable

        plan = read.with_columns(plan_columns).read(plan_path)
        check_simulable(plan, what="the credit exposure")  # before any work
    if performance is not None:
        from staffing.io import read_history

        history = read_history(
            performance,
            options=read,
            threshold_s=goal.threshold_s,
            on_inconsistent=on_inconsistent,  # type: ignore[arg-type]
            history_sl=history_sl,  # type: ignore[arg-type]
        )
        tables["credits"] = service_credits(history, goal, terms=terms, queues=list(queues) or None)
    if plan is not None:
        tables["exposure"] = credit_exposure(
            plan,
            goal,
            terms=terms,
            model=QueueModel(patience_s=patience_s, abandon_policy=terms.abandon_policy),
            volume_cv=volume_cv,
            n_sims=simulations,
            seed=seed,
        )
    main = "credits" if "credits" in tables else "exposure"
    fig = None
    if plot_path is not None:
        from staffing.plotting.contracts import credits_figure

        fig = credits_figure(
            tables.get("credits"), tables.get("exposure"), title=f"SLA service credits at {goal}"
        )
    with outputs:
        outputs.tables("--out", tables, main)
        if "exposure" in tables:
            outputs.tables("--exposure-out", tables, "exposure")
        outputs.figure("--plot", fig)
    stdout_free = not outputs.stdout_taken
    if "credits" in tables and out is None and stdout_free:
        t = tables["credits"]
        name = click.format_filename(str(performance), shorten=True)
        click.echo(f"Credits at {goal} per {period} ({name}):")
        click.echo(pretty_credits(t).to_string(index=False))
        click.echo(
            f"\n{t.attrs['periods_missed']} of {len(t) - 1} periods missed the target; "
            f"{t.attrs['periods_earned_back']} credit(s) earned back; owed "
            f"{t['credit_pct'].iloc[-1]:.2f}% of the fees"
            + (f" ({t['credit_amount'].iloc[-1]:,.2f})." if terms.fee is not None else ".")
        )
    written = outputs.holds("--out", "exposure", main) or exposure_out is not None
    if "exposure" in tables and not written:
        if stdout_free:
            e = tables["exposure"]
            name = click.format_filename(str(plan_path), shorten=True)
            click.echo(f"\nCredit exposure of {name} ({e.attrs['method']}):")
            click.echo(pretty_exposure(e).to_string(index=False))
        else:
            warn("the exposure table was not written: give --exposure-out PATH or an .xlsx --out")
