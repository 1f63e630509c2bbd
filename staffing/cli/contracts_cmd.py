"""``staffing compare``, ``staffing outsource`` and ``staffing credits``: contract work."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from staffing.cli._common import (
    OneLineCommand,
    abandon_policy_option,
    band_edges_option,
    check_paths,
    column_option,
    forecast_input,
    parse_band_edges,
    patience_options,
    patience_s_option,
    percent,
    period_option,
    plot_option,
    read_forecast,
    require_targets,
    shrinkage_options,
    stack,
    warn,
    when,
    write_figure,
    write_tables,
)

__all__ = ["compare", "credits", "outsource"]


class Percent(click.ParamType):
    """``40%``, ``0.4`` or ``40``: a fraction (a bare number of 1 or more is a percentage)."""

    name = "percent"

    def __init__(self, *, zero_ok: bool = False, one_ok: bool = True) -> None:
        self.zero_ok = zero_ok
        self.one_ok = one_ok

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            number = float(text.rstrip("%").strip())
        except ValueError:
            self.fail(f"{value!r} is not a percentage (e.g. 40% or 0.4)", param, ctx)
        fraction = number / 100.0 if text.endswith("%") or number >= 1.0 else number
        low_ok = fraction >= 0.0 if self.zero_ok else fraction > 0.0
        high_ok = fraction <= 1.0 if self.one_ok else fraction < 1.0
        if not (low_ok and high_ok):
            self.fail(f"{value!r} is outside the range a percentage can take here", param, ctx)
        return fraction


def _check_outputs(tables: dict[str, str | None], plot: str | None) -> None:
    check_paths(tables, plot)
    dashes = [o for o, p in tables.items() if p == "-"]
    if len(dashes) > 1:
        raise click.ClickException(f"{' and '.join(dashes)} cannot all go to standard output")


def _written(name: str, main: str, out: str | None, own: str | None) -> bool:
    """Whether table ``name`` goes to a file or stdout: its own option, or ``--out`` (as
    the main table, or as a sheet of an ``.xlsx``)."""
    if own is not None:
        return True
    return out is not None and (name == main or out.lower().endswith(".xlsx"))


def _num(x: float, decimals: int = 1) -> str:
    return "" if x != x else f"{x:,.{decimals}f}"


def _share(x: float) -> str:
    """A percentage of the fee: ``3%``, ``0.85%``."""
    return "" if x != x else f"{x:.2f}".rstrip("0").rstrip(".") + "%"


_forecast_options = stack(
    forecast_input,
    patience_options,
    shrinkage_options(
        total="Total shrinkage (instead of --in-centre and --out-of-centre).",
        in_centre="In-centre shrinkage: breaks, coaching, meetings.",
        out_of_centre="Out-of-centre shrinkage: holidays, sickness, training days.",
    ),
)


# --------------------------------------------------------------------------- compare


def _numbers(option: str, text: str | None, *, percent: bool) -> list[float] | None:
    """``70,80,90`` or ``60:95:2.5`` (start:stop:step, stop included)."""
    if text is None:
        return None
    try:
        if ":" in text:
            start, stop, step = (float(p.strip().rstrip("%")) for p in text.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            count = round((stop - start) / step) + 1
            values = [start + k * step for k in range(count)]
        else:
            values = [float(p.strip().rstrip("%")) for p in text.split(",") if p.strip()]
    except ValueError:
        example = "70,80,90 or 60:95:2.5" if percent else "5,10,20,60 or 10:60:10"
        raise click.ClickException(f"{option} {text!r}: give e.g. {example}") from None
    if percent:
        values = [v / 100.0 if v >= 1.0 else v for v in values]
        if any(not 0.0 < v < 1.0 for v in values):
            raise click.ClickException(f"{option} {text!r}: percentages must be in (0, 100)")
    elif any(v < 0 for v in values):
        raise click.ClickException(f"{option} {text!r}: thresholds must be >= 0 seconds")
    if not values:
        raise click.ClickException(f"{option} {text!r}: no values")
    return values


def pretty_compare(table: Any) -> Any:
    """The comparison rounded for reading, units in the headers (a DataFrame of text)."""
    import pandas as pd

    out = pd.DataFrame(
        {
            "scenario": table["scenario"],
            "targets": table["targets"],
            "agent h": table["agent_hours"].map(_num),
            "FTE": table["fte"].map(_num),
            "peak": table["peak_agents"].map(str),
            "SL": table["service_level"].map(percent),
            "ASA s": table["asa_s"].map(_num),
            "abandon": table["abandon_rate"].map(percent),
            "occupancy": table["occupancy"].map(percent),
            "+FTE": table["delta_fte"].map(lambda x: f"{x:+,.1f}"),
        }
    )
    if table["cost"].notna().any():
        out["cost/yr"] = table["cost"].map(lambda x: _num(x, 0))
        out["+cost/yr"] = table["delta_cost"].map(lambda x: f"{x:+,.0f}")
    return out


def pretty_sweep(table: Any) -> Any:
    """The sweep rounded for reading (a DataFrame of text)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "sweep": table["sweep"],
            "model": table["model"],
            "target": table["target"],
            "FTE": table["fte"].map(_num),
            "agent h": table["agent_hours"].map(_num),
            "SL": table["service_level"].map(percent),
            "abandon": table["abandon_rate"].map(percent),
            "marginal FTE": table["marginal_fte"].map(lambda x: _num(x, 2)),
        }
    )


@click.command(cls=OneLineCommand)
@_forecast_options
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="TARGETS",
    help="Target scenario, e.g. 80/20, 90/10+99/300, 'abandon<=5%', or "
    "name=premium:90/10+99/300 (repeatable; the first is the baseline).",
)
@click.option(
    "--cost-per-fte",
    type=click.FloatRange(0.0),
    default=None,
    help="Yearly cost of one FTE: adds cost = FTE x this.",
)
@click.option(
    "--threshold-s",
    type=click.FloatRange(0.0),
    default=None,
    help="Report every scenario's service level at this threshold [s] "
    "(default: the first scenario's).",
)
@click.option(
    "--sweep",
    "do_sweep",
    is_flag=True,
    help="Also sweep FTE against the SL percentage and against the threshold "
    "(Erlang C and, with patience, Erlang A).",
)
@click.option(
    "--at",
    default=None,
    metavar="X/T",
    help="Fixed point of the sweep (default: the first scenario's service-level target, "
    "else 80/20).",
)
@click.option(
    "--percents",
    default=None,
    metavar="LIST",
    help="Percentages to sweep: 70,80,90 or 60:95:2.5 [default 60:95:2.5].",
)
@click.option(
    "--thresholds",
    default=None,
    metavar="LIST",
    help="Thresholds [s] to sweep: 5,10,20,60 or 10:120:10 [default 5 s to 300 s].",
)
@click.option(
    "--out",
    default=None,
    metavar="PATH",
    help="Comparison table (.csv, .parquet, -); .xlsx holds the sweep too.",
)
@click.option(
    "--sweep-out", default=None, metavar="PATH", help="Sweep table (.csv, .xlsx, .parquet, -)."
)
@plot_option()
def compare(
    forecast: str,
    columns: tuple[str, ...],
    interval: str | None,
    patience_s: float | None,
    calibration: str | None,
    abandon_policy: str,
    shrinkage: float | None,
    in_centre: float,
    out_of_centre: float,
    hours_per_fte: float,
    scenarios: tuple[str, ...],
    cost_per_fte: float | None,
    threshold_s: float | None,
    do_sweep: bool,
    at: str | None,
    percents: str | None,
    thresholds: str | None,
    out: str | None,
    sweep_out: str | None,
    plot_path: str | None,
) -> None:
    """What-if: staffing and achieved performance of FORECAST under each target scenario.

    One row per scenario (agent-hours, FTE, peak agents, volume-weighted service level,
    ASA, abandon rate, occupancy, cost) and the difference to the first scenario. With
    --sweep, the curves planners argue budgets with: FTE against the service-level
    percentage at a fixed threshold, and against the threshold at a fixed percentage.

    \b
    Example:
      staffing compare forecast.csv --scenario 80/20 --scenario 90/10+99/300 \\
        --scenario 'abandon<=5%' --shrinkage 0.3 --cost-per-fte 52000 \\
        --sweep --out compare.xlsx --plot compare.png
    """
    from staffing.contracts import compare as run_compare
    from staffing.contracts import parse_scenario
    from staffing.contracts import sweep as run_sweep

    if not scenarios and not do_sweep:
        raise click.ClickException("no scenario: give --scenario (e.g. 80/20) or --sweep")
    if sweep_out is not None and not do_sweep:
        raise click.ClickException("--sweep-out needs --sweep")
    _check_outputs({"--out": out, "--sweep-out": sweep_out}, plot_path)
    fractions = _numbers("--percents", percents, percent=True)
    seconds = _numbers("--thresholds", thresholds, percent=False)
    frame = read_forecast(forecast, columns, interval)
    common: dict[str, Any] = {
        "patience_s": patience_s,
        "calibration": calibration,
        "in_centre": in_centre,
        "out_of_centre": out_of_centre,
        "shrinkage": shrinkage,
        "hours_per_fte": hours_per_fte,
        "abandon_policy": abandon_policy,
        "cost_per_fte": cost_per_fte,
    }
    tables: dict[str, Any] = {}
    if scenarios:
        tables["compare"] = run_compare(frame, list(scenarios), threshold_s=threshold_s, **common)
    if do_sweep:
        if at is None:
            from staffing.queueing.targets import ServiceLevel

            firsts = [
                t
                for s in scenarios
                for t in parse_scenario(s).targets
                if isinstance(t, ServiceLevel)
            ]
            at = str(firsts[0]) if firsts else "80/20"
        tables["sweep"] = run_sweep(
            frame, at=at, fractions=fractions, thresholds_s=seconds, **common
        )
        if set(tables["sweep"]["model"]) == {"Erlang C"}:
            warn(
                "no patience known (patience_s column, --patience-s or --calibration): "
                "the sweep shows Erlang C only"
            )
    main = "compare" if "compare" in tables else "sweep"
    write_tables(tables, main, out)
    if sweep_out is not None:
        write_tables(tables, "sweep", sweep_out)
    if plot_path is not None:
        from staffing.plotting.contracts import compare_figure, sweep_figure

        if "compare" in tables:
            fig = compare_figure(
                tables["compare"],
                tables.get("sweep"),
                title=f"What-if: staffing by SLA target ({Path(forecast).name})",
            )
        else:
            fig = sweep_figure(tables["sweep"])
        write_figure(fig, plot_path)
    stdout_free = "-" not in (out, sweep_out)
    if "compare" in tables and out is None and stdout_free:
        at_s = tables["compare"].attrs["threshold_s"]
        click.echo(f"Scenarios for {Path(forecast).name} (service level at {at_s:g} s):")
        click.echo(pretty_compare(tables["compare"]).to_string(index=False))
    if "sweep" in tables and not _written("sweep", main, out, sweep_out):
        if stdout_free:
            click.echo(f"\nSweep around {tables['sweep'].attrs['at']}:")
            click.echo(pretty_sweep(tables["sweep"]).to_string(index=False))
        else:
            warn("the sweep table was not written: give --sweep-out PATH or an .xlsx --out")


# --------------------------------------------------------------------------- outsource


def _capacity(values: Sequence[str]) -> float | dict[str, float] | None:
    if not values:
        return None
    per_queue: dict[str, float] = {}
    for item in values:
        queue, sep, number = item.rpartition("=")
        try:
            agents = float(number)
        except ValueError:
            raise click.ClickException(
                f"--capacity-agents {item!r}: give a number of agents, or QUEUE=AGENTS"
            ) from None
        if agents < 0:
            raise click.ClickException(f"--capacity-agents {item!r}: agents must be >= 0")
        if not sep:
            if len(values) > 1:
                raise click.ClickException(
                    "--capacity-agents: give one number for every queue, or QUEUE=AGENTS per queue"
                )
            return agents
        per_queue[queue.strip()] = agents
    return per_queue


def pretty_outsource(summary: Any) -> Any:
    """The side-by-side summary rounded for reading (a DataFrame of text)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "period": summary["period_start"].map(when),
            "queue": summary["queue"],
            "party": summary["party"],
            "calls": summary["calls"].map(lambda x: _num(x, 0)),
            "agent h": summary["agent_hours"].map(_num),
            "FTE": summary["fte"].map(_num),
            "peak": summary["peak_agents"].map(lambda x: f"{x:g}"),
            "SL": summary["service_level"].map(percent),
            "abandon": summary["abandon_rate"].map(percent),
            "occupancy": summary["occupancy"].map(percent),
        }
    )


def pretty_attribution(summary: Any) -> Any:
    """The attribution summary rounded for reading (a DataFrame of text)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "period": summary["period_start"].map(when),
            "queue": summary["queue"],
            "calls plan": summary["planned_calls"].map(lambda x: _num(x, 0)),
            "calls": summary["calls"].map(lambda x: _num(x, 0)),
            "SL plan": summary["planned_service_level"].map(percent),
            "SL expected": summary["expected_service_level"].map(percent),
            "SL delivered": summary["service_level"].map(percent),
            "volume pts": summary["volume_effect_pts"].map(lambda x: f"{x:+.1f}"),
            "staffing pts": summary["staffing_effect_pts"].map(lambda x: f"{x:+.1f}"),
            "other pts": summary["other_effect_pts"].map(lambda x: f"{x:+.1f}"),
            "cause": summary["cause"],
        }
    )


@click.command(cls=OneLineCommand)
@_forecast_options
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="TARGET",
    help="Target for every interval, held by both sides: 80/20, 90/10+99/300, "
    "'abandon<=5%' (repeatable).",
)
@click.option(
    "--targets",
    "targets_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Targets per queue and weekday/time window (as for `staffing plan`).",
)
@click.option(
    "--share",
    type=Percent(zero_ok=True),
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
    type=click.FloatRange(0.0, 1.0, max_open=True),
    default=None,
    help="The partner's total shrinkage for its FTE (default: the same as in-house).",
)
@period_option
@click.option(
    "--actuals",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="The partner's interval report (offered, answered, answered_within, aht_s, "
    "agents ...): delivered vs what its staffing should have delivered.",
)
@column_option(
    "--actuals-column",
    "actuals_columns",
    help="Map an actuals column, e.g. offered=CallsOffered (repeatable).",
)
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
def outsource(
    forecast: str,
    columns: tuple[str, ...],
    interval: str | None,
    patience_s: float | None,
    calibration: str | None,
    abandon_policy: str,
    shrinkage: float | None,
    in_centre: float,
    out_of_centre: float,
    hours_per_fte: float,
    targets: tuple[str, ...],
    targets_file: str | None,
    share: float | None,
    capacity: tuple[str, ...],
    contract: str,
    partner_shrinkage: float | None,
    period: str,
    actuals: str | None,
    actuals_columns: tuple[str, ...],
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
    from staffing.contracts import outsource as run_outsource

    require_targets(targets, targets_file)
    capacity_agents = _capacity(capacity)
    if (share is None) == (capacity_agents is None):
        raise click.ClickException("give either --share (e.g. 40%) or --capacity-agents")
    if attribution_path is not None and actuals is None:
        raise click.ClickException("--attribution needs --actuals")
    paths = {
        "--out": out,
        "--commitment": commitment_path,
        "--intervals": intervals_path,
        "--partner-plan": partner_plan_path,
        "--attribution": attribution_path,
    }
    _check_outputs(paths, plot_path)
    frame = read_forecast(forecast, columns, interval)
    history = None
    if actuals is not None:
        from staffing.calibration import read_history
        from staffing.io import parse_column_options
        from staffing.queueing import parse_targets
        from staffing.queueing.targets import ServiceLevel

        sl = [t for t in parse_targets(list(targets) or "80/20") if isinstance(t, ServiceLevel)]
        if not sl:
            raise click.ClickException("--actuals needs a service-level --target such as 80/20")
        history = read_history(
            actuals, columns=parse_column_options(actuals_columns), threshold_s=sl[0].threshold_s
        )
    result = run_outsource(
        frame,
        list(targets) or None,
        targets_table=targets_file,
        share=share,
        capacity_agents=capacity_agents,
        contract=contract,
        patience_s=patience_s,
        calibration=calibration,
        in_centre=in_centre,
        out_of_centre=out_of_centre,
        shrinkage=shrinkage,
        partner_shrinkage=partner_shrinkage,
        hours_per_fte=hours_per_fte,
        period=period,
        abandon_policy=abandon_policy,
        actuals=history,
    )
    tables = result.tables()
    if result.attribution is not None:
        unmatched = result.attribution.summary.attrs.get("unmatched", 0)
        if unmatched:
            warn(
                f"{Path(str(actuals)).name}: {unmatched} intervals not in the forecast were "
                "left out"
            )
    write_tables(tables, "summary", out)
    write_tables(tables, "commitment", commitment_path)
    write_tables(tables, "intervals", intervals_path)
    if partner_plan_path is not None:
        write_tables({"partner_plan": result.partner_plan}, "partner_plan", partner_plan_path)
    if attribution_path is not None:
        write_tables(tables, "attribution", attribution_path)
    if plot_path is not None:
        from staffing.plotting.contracts import outsource_figure

        write_figure(
            outsource_figure(result, title=f"Outsourcing {Path(forecast).name}"), plot_path
        )
    if "-" not in paths.values() and out is None:
        cost = result.split_cost()
        partner = result.commitment.iloc[-1]
        click.echo(pretty_outsource(result.summary).to_string(index=False))
        click.echo(
            f"\nSplitting costs {cost['agent_hours']:,.1f} agent-hours "
            f"({cost['fte']:,.1f} FTE, {cost['peak_agents']:g} agents at the peak) "
            "over one pooled queue."
        )
        if not partner["calls"] > 0:
            click.echo("The partner takes no calls: nothing to commit.")
        elif contract == "per-fte":
            click.echo(
                f"Per-FTE commitment: {partner['fte']:,.1f} FTE ({partner['agent_hours']:,.1f} "
                f"agent-hours, peak {partner['peak_agents']:g} agents), yielding "
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


# --------------------------------------------------------------------------- credits


def pretty_credits(table: Any) -> Any:
    """The credit table rounded for reading (a DataFrame of text)."""
    import pandas as pd

    def back(x: Any) -> str:
        return "" if pd.isna(x) else ("yes" if bool(x) else "no")

    return pd.DataFrame(
        {
            "period": table["period_start"].map(when),
            "SL": table["service_level"].map(lambda x: percent(x, 2)),
            "short pts": table["shortfall_pts"].map(lambda x: _num(x, 2)),
            "credit": table["credit_pct"].map(_share),
            "amount": table["credit_amount"].map(lambda x: _num(x, 2)),
            "earned back": table["earned_back"].map(back),
            "band": table["band"],
        }
    )


def pretty_exposure(table: Any) -> Any:
    """The exposure table rounded for reading (a DataFrame of text)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "period": table["period_start"].map(when),
            "calls": table["calls"].map(lambda x: _num(x, 0)),
            "SL plan": table["planned_service_level"].map(percent),
            "SL mean": table["service_level_mean"].map(percent),
            "SL 5%-95%": [
                f"{percent(a)}-{percent(b)}"
                for a, b in zip(table["service_level_p05"], table["service_level_p95"], strict=True)
            ],
            "P(miss)": table["p_miss"].map(lambda x: percent(x, 0)),
            "credit": [
                f"{m:.2f}% ± {s:.2f}%"
                for m, s in zip(table["credit_pct_mean"], table["credit_pct_sd"], strict=True)
            ],
            "amount": [
                "" if m != m else f"{m:,.0f} ± {s:,.0f}"
                for m, s in zip(table["credit_amount_mean"], table["credit_amount_sd"], strict=True)
            ],
        }
    )


@click.command(cls=OneLineCommand)
@click.argument("performance", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option("--target", required=True, metavar="X/T", help="The contract's target, e.g. 80/20.")
@click.option(
    "--period",
    type=click.Choice(["day", "week", "month", "quarter"]),
    default="week",
    show_default=True,
    help="Contract period (weeks start on Monday).",
)
@click.option(
    "--step",
    type=click.FloatRange(0.0, min_open=True),
    default=0.5,
    show_default=True,
    help="Points below target per credit step (each started step counts).",
)
@click.option(
    "--credit-per-step",
    type=Percent(),
    default="1%",
    show_default=True,
    help="Price reduction per started step, as a share of the period's fee.",
)
@click.option("--cap", type=Percent(), default=None, help="Largest credit per period, e.g. 10%.")
@click.option(
    "--fee", type=click.FloatRange(0.0), default=None, help="Fee per period: gives amounts."
)
@click.option(
    "--earn-back-target",
    type=Percent(one_ok=False),
    default=None,
    help="Service level to hold afterwards to have a credit forgiven, e.g. 85%.",
)
@click.option(
    "--earn-back-periods",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Following periods that must all reach the earn-back target.",
)
@abandon_policy_option()
@band_edges_option("Escalation band edges in points below target.")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    metavar="NAME",
    help="Queue the contract covers (repeatable; default all).",
)
@column_option(
    "--column",
    "columns",
    help="Map a history column, e.g. offered=CallsOffered (repeatable).",
)
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A plan's interval table (`staffing plan --out`): expected credit exposure.",
)
@column_option(
    "--plan-column",
    "plan_columns",
    help="Map a plan column, e.g. agents=Staffed (repeatable).",
)
@patience_s_option("Patience [s] for plan intervals without a patience_s column (Erlang A).")
@click.option(
    "--volume-cv",
    type=click.FloatRange(0.0),
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
@click.option(
    "--out",
    default=None,
    metavar="PATH",
    help="Credit table (.csv, .parquet, -); .xlsx holds the exposure too.",
)
@click.option(
    "--exposure-out",
    default=None,
    metavar="PATH",
    help="Exposure table of --plan (.csv, .xlsx, .parquet, -).",
)
@plot_option()
def credits(
    performance: str | None,
    target: str,
    period: str,
    step: float,
    credit_per_step: float,
    cap: float | None,
    fee: float | None,
    earn_back_target: float | None,
    earn_back_periods: int,
    abandon_policy: str,
    band_edges: str,
    queues: tuple[str, ...],
    columns: tuple[str, ...],
    plan_path: str | None,
    plan_columns: tuple[str, ...],
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
    with its spread.

    \b
    Example:
      staffing credits performance.csv --target 80/20 --period week --step 0.5 \\
        --credit-per-step 1% --cap 10% --fee 100000 \\
        --earn-back-target 85% --earn-back-periods 2 --out credits.csv
    """
    from staffing.contracts import credit_exposure, read_plan, service_credits
    from staffing.contracts.credits import service_level_target
    from staffing.io import parse_column_options

    if performance is None and plan_path is None:
        raise click.ClickException("give a PERFORMANCE history, a --plan, or both")
    if exposure_out is not None and plan_path is None:
        raise click.ClickException("--exposure-out needs --plan")
    edges = parse_band_edges(band_edges)
    _check_outputs({"--out": out, "--exposure-out": exposure_out}, plot_path)
    goal = service_level_target(target)
    terms: dict[str, Any] = {
        "period": period,
        "step": step,
        "credit_per_step": credit_per_step,
        "cap": cap,
        "fee": fee,
        "earn_back_target": earn_back_target,
        "earn_back_periods": earn_back_periods,
        "abandon_policy": abandon_policy,
    }
    tables: dict[str, Any] = {}
    if performance is not None:
        from staffing.calibration import read_history

        history = read_history(
            performance, columns=parse_column_options(columns), threshold_s=goal.threshold_s
        )
        tables["credits"] = service_credits(
            history, goal, band_edges=edges, queues=list(queues) or None, **terms
        )
    if plan_path is not None:
        plan_table = read_plan(plan_path, columns=parse_column_options(plan_columns))
        tables["exposure"] = credit_exposure(
            plan_table,
            goal,
            patience_s=patience_s,
            volume_cv=volume_cv,
            n_sims=simulations,
            seed=seed,
            **terms,
        )
    main = "credits" if "credits" in tables else "exposure"
    write_tables(tables, main, out)
    if exposure_out is not None:
        write_tables(tables, "exposure", exposure_out)
    if plot_path is not None:
        from staffing.plotting.contracts import credits_figure

        write_figure(
            credits_figure(
                tables.get("credits"),
                tables.get("exposure"),
                title=f"SLA service credits at {goal}",
            ),
            plot_path,
        )
    stdout_free = "-" not in (out, exposure_out)
    if "credits" in tables and out is None and stdout_free:
        t = tables["credits"]
        click.echo(f"Credits at {goal} per {period} ({Path(str(performance)).name}):")
        click.echo(pretty_credits(t).to_string(index=False))
        click.echo(
            f"\n{t.attrs['periods_missed']} of {len(t) - 1} periods missed the target; "
            f"{t.attrs['periods_earned_back']} credit(s) earned back; owed "
            f"{t['credit_pct'].iloc[-1]:.2f}% of the fees"
            + (f" ({t['credit_amount'].iloc[-1]:,.2f})." if fee is not None else ".")
        )
    if "exposure" in tables and not _written("exposure", main, out, exposure_out):
        if stdout_free:
            e = tables["exposure"]
            click.echo(f"\nCredit exposure of {Path(str(plan_path)).name} ({e.attrs['method']}):")
            click.echo(pretty_exposure(e).to_string(index=False))
        else:
            warn("the exposure table was not written: give --exposure-out PATH or an .xlsx --out")
