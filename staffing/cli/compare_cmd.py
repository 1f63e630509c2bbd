"""``staffing compare``: staffing and performance of a forecast under several target scenarios."""

from __future__ import annotations

from typing import Any

import click

from staffing.cli.chunked import Progress
from staffing.cli.command import OneLineCommand
from staffing.cli.formatting import pretty_compare, pretty_sweep
from staffing.cli.options import (
    Source,
    channel_options,
    chunk_options,
    forecast_input,
    fte_options,
    model_options,
    simulation_options,
    threshold_option,
)
from staffing.cli.output import Outputs, out_option, plot_option, warn
from staffing.cli.types import FiniteFloat, ScenarioText, TargetList
from staffing.vocabulary import format_duration

__all__ = ["compare_command"]


def _numbers(option: str, text: str | None, *, percent: bool) -> list[float] | None:
    """``70,80,90`` or ``60:95:2.5`` (start:stop:step, stop included), read by the vocabulary.

    Two colons and no comma make a range (of percentage points, or of seconds).

    Percentages follow the one rule (``80``, ``80%`` and ``0.8`` are all 80%); thresholds
    are durations (``20``, ``1min``).
    """
    from staffing.errors import StaffingError
    from staffing.vocabulary import parse_duration, parse_rate

    if text is None:
        return None
    example = "70,80,90 or 60:95:2.5" if percent else "5,10,20,60 or 10:60:10"
    try:
        if text.count(":") == 2 and "," not in text:
            start, stop, step = (float(p.strip().rstrip("%")) for p in text.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            count = round((stop - start) / step) + 1
            items: list[object] = [start + k * step for k in range(count)]
        else:
            items = [p.strip() for p in text.split(",") if p.strip()]
    except ValueError:
        raise click.UsageError(f"{option} {text!r}: give e.g. {example}") from None
    if not items:
        raise click.UsageError(f"{option} {text!r}: no values")
    try:
        if percent:
            return [parse_rate(v, what=option, allow_zero=False, allow_one=False) for v in items]
        return [parse_duration(v, what=option) for v in items]
    except StaffingError as exc:
        raise click.UsageError(str(exc)) from None


@click.command("compare", cls=OneLineCommand)
@forecast_input
@model_options()
@fte_options()
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    type=ScenarioText(),
    metavar="TARGETS",
    help="Target scenario, e.g. 80/20, 90/10+99/300, 'abandon<=5%', "
    "name=premium:90/10+99/300, or with a staffing method after @: '80/20 @mol' "
    "(repeatable; the first is the baseline).",
)
@click.option(
    "--targets",
    "targets_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Forecasts with channels: targets of the deferred work (e-mail, tickets), which "
    "the scenarios leave as they are (the scenarios set voice and chat targets).",
)
@channel_options()
@click.option(
    "--method",
    type=click.Choice(["sipp", "mol", "simulation"]),
    default="sipp",
    show_default=True,
    help="Staffing method of the scenarios that name none after @ (see staffing plan).",
)
@simulation_options("Simulated days per queue-day of the simulation method's search")
@click.option(
    "--cost-per-fte",
    type=FiniteFloat(0.0),
    default=None,
    help="Yearly cost of one FTE: adds cost = FTE x this.",
)
@threshold_option(
    "Report every scenario's service level at this threshold (default: the first scenario's)."
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
    type=TargetList(),
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
@chunk_options()
@out_option("--out", "out", "Comparison table (.csv, .parquet, -); .xlsx holds the sweep too.")
@out_option("--sweep-out", "sweep_out", "Sweep table (.csv, .xlsx, .parquet, -).")
@plot_option()
def compare_command(
    forecast: Source,
    model: Any,
    fte: Any,
    scenarios: tuple[str, ...],
    targets_file: str | None,
    channels: Any,
    method: str,
    simulation: Any,
    cost_per_fte: float | None,
    threshold_s: float | None,
    do_sweep: bool,
    at: str | None,
    percents: str | None,
    thresholds: str | None,
    chunking: Any,
    out: str | None,
    sweep_out: str | None,
    plot_path: str | None,
) -> None:
    """What-if: staffing and achieved performance of FORECAST under each target scenario.

    One row per scenario (agent-hours, FTE, peak agents, volume-weighted service level,
    ASA, abandon rate, occupancy, cost) and the difference to the first scenario. A
    scenario may name its staffing method after @ ('80/20 @mol', '80/20 @simulation') to
    put the stationary plan and plans that hold through the day side by side. With
    --sweep, the curves planners argue budgets with: FTE against the service-level
    percentage at a fixed threshold, and against the threshold at a fixed percentage.

    \b
    Example:
      staffing compare forecast.csv --scenario 80/20 --scenario 90/10+99/300 \\
        --scenario 'abandon<=5%' --shrinkage 0.3 --cost-per-fte 52000 \\
        --sweep --out compare.xlsx --plot compare.png
    """
    from staffing.io import read_targets
    from staffing.io.pipeline import compare_file

    if not scenarios and not do_sweep:
        raise click.UsageError("no scenario: give --scenario (e.g. 80/20) or --sweep")
    if sweep_out is not None and not do_sweep:
        raise click.UsageError("--sweep-out needs --sweep")
    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--sweep-out": (sweep_out, "table"),
            "--plot": (plot_path, "figure"),
        }
    )
    fractions = _numbers("--percents", percents, percent=True)
    seconds = _numbers("--thresholds", thresholds, percent=False)
    with Progress(label="compare") as bar, outputs:
        result = compare_file(
            forecast.path,
            list(scenarios),
            out,
            read=forecast.options,
            interval_s=forecast.interval_s,
            model=model,
            fte=fte,
            cost_per_fte=cost_per_fte,
            threshold_s=threshold_s,
            method=method,
            simulation=simulation,
            targets_table=read_targets(targets_file) if targets_file else None,
            channels=channels,
            sweep=do_sweep,
            at=at,
            fractions=fractions,
            thresholds_s=seconds,
            sweep_out=sweep_out,
            progress=bar,
            outputs=outputs.files,
            **chunking.options(),
        )
        outputs.wrote(result.written)
        tables = dict(result.tables)
        if "sweep" in tables and set(tables["sweep"]["model"]) == {"Erlang C"}:
            warn(
                "no patience known (patience_s column, --patience-s or --calibration): "
                "the sweep shows Erlang C only"
            )
        if plot_path is not None:
            outputs.figure("--plot", _figure(tables, forecast.name))
    main = "compare" if "compare" in tables else "sweep"
    stdout_free = not outputs.stdout_taken
    if "compare" in tables and out is None and stdout_free:
        at_s = tables["compare"].attrs["threshold_s"]
        where = f"at {format_duration(at_s)}" if at_s == at_s else "at each queue's own thresholds"
        click.echo(f"Scenarios for {forecast.name} (service level {where}):")
        click.echo(pretty_compare(tables["compare"]).to_string(index=False))
    written = outputs.holds("--out", "sweep", main) or outputs.get("--sweep-out") is not None
    if "sweep" in tables and not written:
        if stdout_free:
            click.echo(f"\nSweep around {tables['sweep'].attrs['at']}:")
            click.echo(pretty_sweep(tables["sweep"]).to_string(index=False))
        else:
            warn("the sweep table was not written: give --sweep-out PATH or an .xlsx --out")


def _figure(tables: dict[str, Any], name: str) -> Any:
    """The comparison's bars (and the sweep's curves), or the sweep alone."""
    from staffing.plotting.contracts import compare_figure, sweep_figure

    if "compare" not in tables:
        return sweep_figure(tables["sweep"])
    shown = tables["compare"]
    if "channel" in shown.columns:  # one bar per scenario: its total
        shown = shown[shown["channel"] == "total"].reset_index(drop=True)
        shown.attrs = dict(tables["compare"].attrs)
    return compare_figure(
        shown, tables.get("sweep"), title=f"What-if: staffing by SLA target ({name})"
    )
