"""``staffing outsource``: size an outsourcing partner's share, side by side with in-house."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.formatting import percent, pretty_attribution, pretty_outsource
from staffing.cli.options import (
    Source,
    TargetChoice,
    channel_options,
    column_mapping,
    forecast_input,
    fte_options,
    history_sl_option,
    model_options,
    on_inconsistent_option,
    period_option,
    targets_options,
)
from staffing.cli.output import Outputs, plot_option, warn
from staffing.cli.types import Percent

__all__ = ["outsource_command"]


def _capacity(values: Sequence[str]) -> float | dict[str, float] | None:
    if not values:
        return None
    per_queue: dict[str, float] = {}
    for item in values:
        queue, sep, number = item.rpartition("=")
        try:
            agents = float(number)
        except ValueError:
            raise click.UsageError(
                f"--capacity-agents {item!r}: give a number of agents, or QUEUE=AGENTS"
            ) from None
        if agents < 0:
            raise click.UsageError(f"--capacity-agents {item!r}: agents must be >= 0")
        if not sep:
            if len(values) > 1:
                raise click.UsageError(
                    "--capacity-agents: give one number for every queue, or QUEUE=AGENTS per queue"
                )
            return agents
        per_queue[queue.strip()] = agents
    return per_queue


@click.command("outsource", cls=OneLineCommand)
@forecast_input
@targets_options(
    "Target for every interval, held by both sides: 80/20, 90/10+99/300, "
    "'abandon<=5%' (repeatable)."
)
@model_options()
@fte_options()
@click.option(
    "--share",
    type=Percent(),
    metavar="PERCENT",
    default=None,
    help="Share of every interval's calls sent to the partner, e.g. 40%.",
)
@click.option(
    "--capacity-agents",
    "capacity",
    multiple=True,
    metavar="N|QUEUE=N",
    help="Instead of --share: in-house agents per interval (one number, or per queue, "
    "repeatable); calls they cannot serve at the target overflow to the partner.",
)
@click.option(
    "--contract",
    type=click.Choice(["per-fte", "per-call"]),
    default="per-fte",
    show_default=True,
    help="per-fte: the partner commits staffed agents and FTE; per-call: it takes its "
    "share at the same targets.",
)
@click.option(
    "--partner-shrinkage",
    type=Percent(allow_one=False),
    metavar="PERCENT",
    default=None,
    help="The partner's total shrinkage for its FTE (default: the same as in-house).",
)
@period_option()
@channel_options()
@click.option(
    "--actuals",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="The partner's interval report (offered, answered, answered_within, aht_s, "
    "agents ...): delivered vs what its staffing should have delivered.",
)
@column_mapping("--actuals-column", "actuals_columns", "an actuals column")
@on_inconsistent_option()
@history_sl_option()
@click.option(
    "--out",
    default=None,
    metavar="PATH",
    help="Side-by-side summary (.csv, .parquet, -); .xlsx holds every table.",
)
@click.option(
    "--commitment",
    "commitment_path",
    default=None,
    metavar="PATH",
    help="The partner's commitment per period and queue.",
)
@click.option(
    "--intervals",
    "intervals_path",
    default=None,
    metavar="PATH",
    help="Interval table: calls and agents of each side.",
)
@click.option(
    "--partner-plan",
    "partner_plan_path",
    default=None,
    metavar="PATH",
    help="The partner's plan intervals (input of `staffing credits --plan`).",
)
@click.option(
    "--attribution",
    "attribution_path",
    default=None,
    metavar="PATH",
    help="With --actuals: the attribution per period and queue.",
)
@plot_option()
def outsource_command(
    forecast: Source,
    goal: TargetChoice,
    model: Any,
    fte: Any,
    share: float | None,
    capacity: tuple[str, ...],
    contract: str,
    partner_shrinkage: float | None,
    period: str,
    channels: Any,
    actuals: str | None,
    actuals_columns: dict[str, str],
    on_inconsistent: str,
    history_sl: str,
    out: str | None,
    commitment_path: str | None,
    intervals_path: str | None,
    partner_plan_path: str | None,
    attribution_path: str | None,
    plot_path: str | None,
) -> None:
    """Size an outsourcing partner's share of FORECAST, side by side with in-house.

    The partner takes --share of every interval, or the overflow above
    --capacity-agents. Shows in-house, partner and one pooled queue, the cost of
    splitting (extra agents two queues need), the partner's commitment (agents per
    interval, FTE per period, and the service level it yields on the planned volume)
    and, with --actuals, whether each miss came from volume, staffing or elsewhere.

    \b
    Example:
      staffing outsource forecast.csv --target 80/20 --share 40% --contract per-fte \\
        --actuals actuals.csv --out outsource.xlsx --plot outsource.png
    """
    from staffing.contracts import outsource
    from staffing.planner import FteRules

    goal.require()
    capacity_agents = _capacity(capacity)
    if (share is None) == (capacity_agents is None):
        raise click.UsageError("give either --share (e.g. 40%) or --capacity-agents")
    if attribution_path is not None and actuals is None:
        raise click.UsageError("--attribution needs --actuals")
    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--commitment": (commitment_path, "table"),
            "--intervals": (intervals_path, "table"),
            "--partner-plan": (partner_plan_path, "table"),
            "--attribution": (attribution_path, "table"),
            "--plot": (plot_path, "figure"),
        }
    )
    frame = forecast.table()
    history = None
    if actuals is not None:
        from staffing.io import read_history
        from staffing.queueing.targets import TargetSet

        sl = TargetSet.parse(goal.default or "80/20").service_levels
        if not sl:
            raise click.UsageError("--actuals needs a service-level --target such as 80/20")
        history = read_history(
            actuals,
            options=forecast.options.with_columns(actuals_columns),
            threshold_s=sl[0].threshold_s,
            on_inconsistent=on_inconsistent,  # type: ignore[arg-type]
            history_sl=history_sl,  # type: ignore[arg-type]
        )
    partner_fte = None
    if partner_shrinkage is not None:
        partner_fte = FteRules(total=partner_shrinkage, hours_per_fte=fte.hours_per_fte)
    result = outsource(
        frame,
        goal.default,
        targets_table=goal.rules(),
        share=share,
        capacity_agents=capacity_agents,
        contract=contract,
        interval_s=forecast.interval_s,
        model=model,
        fte=fte,
        partner_fte=partner_fte,
        period=period,  # type: ignore[arg-type]
        actuals=history,
        channels=channels,
    )
    tables = result.tables()
    if result.attribution is not None:
        unmatched = result.attribution.summary.attrs.get("unmatched", 0)
        if unmatched:
            warn(
                f"{click.format_filename(str(actuals), shorten=True)}: {unmatched} intervals "
                "not in the forecast were left out"
            )
    fig = None
    if plot_path is not None:
        from staffing.plotting.contracts import outsource_figure

        fig = outsource_figure(result, title=f"Outsourcing {forecast.name}")
    with outputs:
        outputs.tables("--out", tables, "summary")
        outputs.tables("--commitment", tables, "commitment")
        outputs.tables("--intervals", tables, "intervals")
        outputs.table("--partner-plan", {"partner_plan": result.partner_plan})
        outputs.tables("--attribution", tables, "attribution")
        outputs.figure("--plot", fig)
    if not outputs.stdout_taken and out is None:
        cost = result.split_cost()
        partner = result.commitment.iloc[-1]
        click.echo(pretty_outsource(result.summary).to_string(index=False))
        click.echo(
            f"\nSplitting costs {cost['agent_hours']:,.1f} agent-hours "
            f"({cost['fte']:,.1f} FTE, {cost['peak_agents']:.3g} agents at the peak) "
            "over one pooled queue."
        )
        if not partner["calls"] > 0:
            click.echo("The partner takes no calls: nothing to commit.")
        elif contract == "per-fte":
            click.echo(
                f"Per-FTE commitment: {partner['fte']:,.1f} FTE ({partner['agent_hours']:,.1f} "
                f"agent-hours, peak {partner['peak_agents']:.3g} agents), yielding "
                f"{percent(partner['service_level'])} on the planned volume and "
                f"{percent(partner['service_level_10pct_more_calls'])} on 10% more calls."
            )
        else:
            click.echo(
                f"Per-call contract: the partner takes {partner['calls']:,.0f} calls at "
                f"{partner['target']}; it needs about {partner['fte']:,.1f} FTE to meet it."
            )
        if result.attribution is not None:
            click.echo(f"\nPartner actuals against {result.attribution.target}:")
            click.echo(pretty_attribution(result.attribution.summary).to_string(index=False))
