"""``staffing plan`` and ``staffing evaluate``: a forecast in, staffing and its performance out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from staffing.cli.chunked import ForecastRun, Progress
from staffing.cli.command import OneLineCommand
from staffing.cli.formatting import percent, pretty_summary, readable
from staffing.cli.options import (
    Source,
    TargetChoice,
    band_edges_option,
    channel_options,
    chunk_options,
    column_mapping,
    forecast_input,
    fte_options,
    model_options,
    period_option,
    redial_options,
    simulation_options,
    stack,
    targets_options,
    threshold_option,
)
from staffing.cli.output import Outputs, out_option, plot_option, report_option

__all__ = ["evaluate_command", "plan_command"]


_inputs = stack(
    forecast_input,
    targets_options(
        "Target for every interval: 80/20, 90/10+99/300, asa<=30, abandon<=5%, "
        "occupancy<=85% (repeatable; all must hold)."
    ),
    model_options(),
    redial_options(),
    threshold_option(
        "Threshold of the reported service level when the targets have none (default 20 s)."
    ),
    fte_options(),
    period_option(),
    channel_options(),
    chunk_options(),
)

_outputs = stack(
    out_option(
        "--out",
        "out",
        "Interval table: .csv, .xlsx (with the summary as a second sheet), .parquet, or - "
        "for standard output.",
    ),
    out_option(
        "--summary", "summary_path", "Summary per period and queue: .csv, .xlsx, .parquet or -."
    ),
    plot_option("Figure per queue (.png, .pdf, .svg)."),
    report_option("One self-contained HTML report (tables and figure)."),
)


def _outputs_of(
    out: str | None, summary: str | None, plot: str | None, report: str | None
) -> Outputs:
    return Outputs(
        {
            "--out": (out, "table"),
            "--summary": (summary, "table"),
            "--plot": (plot, "figure"),
            "--report": (report, "report"),
        }
    )


def _settings_of(
    forecast: Source,
    goal: TargetChoice,
    model: Any,
    fte: Any,
    period: str,
    threshold_s: Any,
    channels: Any,
) -> dict[str, Any]:
    """The keyword arguments ``plan`` and ``evaluate_staffing`` share."""
    return {
        "targets_table": goal.rules(),
        "interval_s": forecast.interval_s,
        "model": model,
        "fte": fte,
        "period": period,
        "threshold_s": threshold_s,
        "channels": channels,
    }


def _headline(result: Any, *, given: bool = False) -> str:
    """The plan (or the evaluated staffing) in one paragraph, from the summary's total row:
    the service level with its threshold, and the abandon rate against any abandon target."""
    from staffing.queueing.targets import TargetSet
    from staffing.vocabulary import format_duration

    total = result.summary.iloc[-1]
    verb = "are met with" if given else "need"
    t = total["threshold_s"]
    within = f"within {format_duration(t)}" if t == t else "at each interval's own threshold"
    caps = sorted(
        {
            cap
            for key in result.intervals["target"].dropna().unique()
            if (cap := TargetSet.parse(key).abandon_cap) is not None
        }
    )
    abandon = f"abandon rate {percent(total['abandon_rate'])}"
    if caps:
        limits = " or ".join(percent(c, 0) for c in caps)
        abandon += f" against abandon targets of at most {limits}"
    return (
        f"Over {total['period_days']:g} days, {total['calls']:,.0f} calls {verb} "
        f"{total['agent_hours']:,.1f} agent-hours on the phones "
        f"({total['scheduled_hours']:,.1f} scheduled hours): an average of "
        f"{total['fte']:,.1f} FTE, with at most {total['peak_agents']:g} agents on the phones "
        f"at once. Predicted service level {percent(total['service_level'])} {within}, "
        f"{abandon}, occupancy {percent(total['occupancy'])}."
    )


def _settings(
    goal: TargetChoice,
    model: Any,
    fte: Any,
    frame: Any,
    method: str = "sipp",
    channels: Any = None,
) -> str:
    from staffing.prepared.channels import has_channels

    how = {
        "sipp": "each interval staffed alone in steady state (SIPP)",
        "mol": "modified offered load (calls of a peak still in service count after it)",
        "simulation": "simulation-based, interval by interval through the day",
    }[method]
    return (
        f"Targets: {goal.describe() or 'none'}. Method: {how}. "
        f"Staffing model: {model.describe(frame)}; "
        f"abandoned calls in the service level: {model.abandon_policy}.\n\n"
        f"{fte.describe()} Agent-hours are summed unrounded; service level and abandon rate "
        "are weighted by calls."
        + (
            f"\n\nChannels: {channels.describe()} A pool's agents are counted once: each "
            "queue's row holds the agents its own work needs."
            if channels is not None and has_channels(frame)
            else ""
        )
    )


def _whole(outputs: Outputs) -> list[str]:
    """The options given whose output needs the whole interval table at once (the library
    sees an .xlsx --out for itself)."""
    return [
        option
        for option, needs in (
            ("--plot", outputs.get("--plot") is not None),
            ("--report", outputs.get("--report") is not None),
        )
        if needs
    ]


def _chunked(
    run: ForecastRun,
    outputs: Outputs,
    label: str,
    solve: Callable[[Any, Any], Any],
    parts: Any,
    *,
    finish: Callable[[Any], Any] | None = None,
    check: bool = True,
) -> Any:
    """A forecast already looked at, worked through a chunk of whole queues at a time
    with this command's outputs and progress bar (the library's loop,
    :func:`staffing.io.pipeline.run_chunks`, for work the library does not name).
    Returns the summary. The commands themselves call :func:`staffing.plan_file`.
    """
    from staffing.io.pipeline import run_chunks

    with Progress(run.rows, label) as bar, outputs:
        sink = outputs.stream("--out", run.dates())
        summary = run_chunks(
            run, solve, parts=parts, sink=sink, finish=finish, check=check, progress=bar
        )
        outputs.table("--summary", summary)
    return summary


def _figure(intervals: Any, heading: str, agents_label: str) -> Any:
    from staffing.plotting.planner import plan_figure

    return plan_figure(intervals, heading=heading, agents_label=agents_label)


def _finish(
    outputs: Outputs,
    result: Any,
    title: str,
    blocks: list[tuple[str, object]],
    heading: str,
    agents_label: str,
    *,
    bands: bool,
) -> None:
    """Stage the figure and report of ``plan`` / ``evaluate`` (within ``outputs``)."""
    figure = None
    if outputs.get("--plot") or outputs.get("--report"):
        figure = _figure(result.intervals, heading, agents_label)
        blocks.insert(3, (heading, figure))
    if outputs.get("--report"):
        from staffing.plotting.planner import plot_heatmap

        blocks.insert(4, ("Agents by day and time", plot_heatmap(result.intervals).figure))
        if bands and result.intervals["required"].notna().any():
            short = plot_heatmap(result.intervals, "shortfall").figure
            blocks.insert(5, ("Where the staffing falls short", short))
    outputs.figure("--plot", figure)
    outputs.report("--report", title, blocks)


def _print_summary(outputs: Outputs, summary: Any, *, bands: bool) -> None:
    """The summary on standard output, unless a table goes there or to --out."""
    if outputs.get("--out") is None and outputs.get("--summary") != "-":
        click.echo(pretty_summary(summary, bands=bands).to_string(index=False))


def _files(outputs: Outputs) -> dict[str, Any]:
    """The library's arguments naming the files to write, and where to stage them."""
    return {
        "out": outputs.get("--out"),
        "summary": outputs.get("--summary"),
        "outputs": outputs.files,
    }


@click.command("plan", cls=OneLineCommand)
@_inputs
@click.option(
    "--whole-heads",
    is_flag=True,
    help="Round scheduled staff up to whole people per interval (for WFM tools that take "
    "integers); the summary still sums the unrounded figures.",
)
@click.option(
    "--method",
    type=click.Choice(["sipp", "mol", "simulation"]),
    default="sipp",
    show_default=True,
    help="Staffing method: sipp (each interval alone, steady state), mol (modified offered "
    "load: calls still in service after a peak count), simulation (simulation-based, "
    "interval by interval through the day).",
)
@simulation_options("Simulated days per queue-day of --method simulation's search")
@_outputs
def plan_command(
    forecast: Source,
    goal: TargetChoice,
    model: Any,
    threshold_s: float | None,
    fte: Any,
    period: str,
    channels: Any,
    chunking: Any,
    whole_heads: bool,
    method: str,
    simulation: Any,
    out: str | None,
    summary_path: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Agents per interval for FORECAST, scheduled staff, and FTE per period.

    FORECAST is a CSV (delimiter sniffed), Excel or Parquet file with interval_start,
    optional queue, calls, aht_s and optional patience_s (Erlang A where given).
    Optional channel (voice, chat, email, ...), concurrency, pool and priority columns
    plan chat, deferred work and priority pools from the same forecast.

    \b
    Example:
      staffing plan forecast.csv --target 80/20 --target 'abandon<=5%' \\
        --in-centre 15% --out-of-centre 20% --out out/plan.xlsx --plot out/plan.png
      staffing plan channels.csv --targets channel_targets.csv \\
        --open 'Mon-Fri 08:00-18:00' --deadline-clock business
    """
    from staffing.io.pipeline import plan_file

    goal.require()
    outputs = _outputs_of(out, summary_path, plot_path, report_path)
    with Progress(label="Planning") as bar, outputs:
        result = plan_file(
            forecast.path,
            targets=goal.default,
            read=forecast.options,
            method=method,
            simulation=simulation,
            whole_heads=whole_heads,
            keep_intervals=_whole(outputs),
            progress=bar,
            **_settings_of(forecast, goal, model, fte, period, threshold_s, channels),
            **chunking.options(),
            **_files(outputs),
        )
        outputs.wrote(result.written)
        if result.intervals is not None and (plot_path or report_path):
            _finish(
                outputs,
                result,
                f"Staffing plan: {forecast.name}",
                _plan_blocks(result, goal, model, fte, period, method, channels),
                "Required and scheduled agents per queue",
                "Required agents",
                bands=False,
            )
    _print_summary(outputs, result.summary, bands=False)


def _plan_blocks(
    result: Any, goal: TargetChoice, model: Any, fte: Any, period: str, method: str, channels: Any
) -> list[tuple[str, object]]:
    """The report's blocks of a plan: in short, settings, summary, peak intervals."""
    intervals = result.intervals
    mixed = "channel" in intervals.columns
    busiest = intervals.nlargest(12, "agents")[
        [
            "interval_start",
            "queue",
            *(["channel", "pool_agents"] if mixed else []),
            "calls",
            "aht_s",
            "agents",
            "scheduled",
            "service_level",
            "threshold_s",
            "abandon_rate",
            "occupancy",
            "target",
        ]
    ]
    return [
        ("In short", _headline(result)),
        ("Settings", _settings(goal, model, fte, result.forecast, method, channels)),
        (f"Summary per {period}", pretty_summary(result.summary)),
        ("Peak intervals", readable(busiest)),
    ]


@click.command("evaluate", cls=OneLineCommand)
@_inputs
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Agents per interval (interval_start, optional queue, agents); "
    "else the forecast's agents column.",
)
@column_mapping("--roster-column", "roster_columns", "a roster column")
@band_edges_option(
    "Escalation band edges in points below target: warning up to LOW, "
    "interrupt offline up to HIGH, all hands beyond."
)
@_outputs
def evaluate_command(
    forecast: Source,
    goal: TargetChoice,
    model: Any,
    threshold_s: float | None,
    fte: Any,
    period: str,
    channels: Any,
    chunking: Any,
    roster: str | None,
    roster_columns: dict[str, str],
    band_edges: tuple[float, float],
    out: str | None,
    summary_path: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Predicted SL, ASA, abandon rate and occupancy of a given staffing, flagged on bands.

    FORECAST as for `staffing plan`; the staffing comes from its agents column or from
    --roster. Each interval is flagged: met, warning (up to 5 points below target),
    interrupt offline (5 to 10), all hands (more than 10).

    \b
    Example:
      staffing evaluate forecast.csv --roster roster.csv --target 80/20 --out out/eval.csv
    """
    from staffing.io.pipeline import evaluate_file

    outputs = _outputs_of(out, summary_path, plot_path, report_path)
    with Progress(label="Evaluating") as bar, outputs:
        result = evaluate_file(
            forecast.path,
            roster,
            targets=goal.default,
            read=forecast.options,
            roster_read=forecast.options.with_columns(roster_columns),
            edges=band_edges,
            keep_intervals=_whole(outputs),
            progress=bar,
            **_settings_of(forecast, goal, model, fte, period, threshold_s, channels),
            **chunking.options(),
            **_files(outputs),
        )
        outputs.wrote(result.written)
        if result.intervals is not None and (plot_path or report_path):
            _finish(
                outputs,
                result,
                f"Staffing evaluation: {forecast.name}",
                _evaluate_blocks(result, goal, model, fte, period, channels, band_edges),
                "Staffing and predicted service level per queue",
                "Staffed agents",
                bands=True,
            )
    _print_summary(outputs, result.summary, bands=True)


def _evaluate_blocks(
    result: Any,
    goal: TargetChoice,
    model: Any,
    fte: Any,
    period: str,
    channels: Any,
    band_edges: tuple[float, float],
) -> list[tuple[str, object]]:
    """The report's blocks of an evaluation: in short, settings, summary, bands, worst."""
    iv = result.intervals
    flagged = iv[iv["band"].isin(["warning", "interrupt offline", "all hands"])]
    worst = flagged.nlargest(20, "shortfall_pts")[
        [
            "interval_start",
            "queue",
            "calls",
            "agents",
            "required",
            "service_level",
            "threshold_s",
            "abandon_rate",
            "target",
            "shortfall_pts",
            "band",
        ]
    ]
    counts = iv["band"].value_counts()
    story = ", ".join(
        f"{counts.get(b, 0)} {b}" for b in ("met", "warning", "interrupt offline", "all hands")
    )
    low, high = band_edges
    return [
        ("In short", _headline(result, given=True)),
        ("Settings", _settings(goal, model, fte, result.forecast, channels=channels)),
        (f"Summary per {period}", pretty_summary(result.summary, bands=True)),
        (
            "Escalation bands",
            f"Intervals: {story} (edges {low:g} and {high:g} points below target).",
        ),
        ("Intervals furthest below target", readable(worst)),
    ]
