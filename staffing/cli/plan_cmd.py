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
from staffing.cli.progress import progress_bar

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
    """The options given whose output needs the whole interval table at once."""
    out = outputs.get("--out")
    return [
        option
        for option, needs in (
            ("--plot", outputs.get("--plot") is not None),
            ("--report", outputs.get("--report") is not None),
            ("--out .xlsx", out is not None and out.lower().endswith(".xlsx")),
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
    """Plan (or evaluate) a forecast a chunk of whole queues at a time.

    ``solve(frame, progress)`` gives a chunk's interval table; ``finish(table)`` gives it
    ready for writing (whole heads); ``parts`` (:class:`~staffing.planner.SummaryParts`) gathers
    the summary; ``check``: the plan's sanity warnings. The interval table streams to
    ``--out`` in the file's row order; the summary is written last. Returns the summary.
    """
    from staffing.io.chunks import InOrder
    from staffing.planner import SanityCheck

    sanity = SanityCheck(run.census.source)
    seen: set[str] = set()
    with Progress(run.rows, label) as bar, outputs:
        sink = outputs.stream("--out", run.dates())
        merge = InOrder() if sink is not None and not run.in_file_order else None
        each = run.each(bar)
        try:
            for name, chunk in each:
                with chunk.file_rows(seen):
                    table = solve(chunk.frame, bar.update)
                    if check:
                        sanity.add(table, chunk.rows)
                parts.add(table)
                if finish is not None:
                    table = finish(table)
                if sink is not None:
                    bar.phase(f"{name}: writing")
                    if merge is not None:
                        merge.add(sink.arrow(table), chunk.rows)
                    else:
                        sink.write(table)
                del table, chunk
            if merge is not None:
                bar.phase("writing in the file's row order")
                merge.write(sink)
        finally:
            each.close()
            if merge is not None:
                merge.close()
        sanity.warn()
        bar.phase("summary")
        summary = parts.summary()
        outputs.table("--summary", summary)
    return summary


def _whole_heads(table: Any) -> Any:
    from staffing.planner import round_heads

    round_heads(table)
    return table


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
    """Write the tables, figure and report of ``plan`` / ``evaluate``; print the summary."""
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
    with outputs:
        outputs.tables("--out", result.tables(), "intervals")
        outputs.table("--summary", result.summary)
        outputs.figure("--plot", figure)
        outputs.report("--report", title, blocks)
    _print_summary(outputs, result.summary, bands=bands)


def _print_summary(outputs: Outputs, summary: Any, *, bands: bool) -> None:
    """The summary on standard output, unless a table goes there or to --out."""
    if outputs.get("--out") is None and outputs.get("--summary") != "-":
        click.echo(pretty_summary(summary, bands=bands).to_string(index=False))


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
    from staffing.planner import SummaryParts, plan, plan_intervals

    goal.require()
    outputs = _outputs_of(out, summary_path, plot_path, report_path)
    settings = _settings_of(forecast, goal, model, fte, period, threshold_s, channels)
    run = ForecastRun(forecast, chunking, _whole(outputs))
    if run.chunked:
        chunk_settings = {k: v for k, v in settings.items() if k != "period"}
        summary = _chunked(
            run,
            outputs,
            "Planning",
            lambda frame, progress: plan_intervals(
                frame,
                goal.default,
                method=method,  # type: ignore[arg-type]
                simulation=simulation,
                progress=progress,
                **chunk_settings,
            ),
            SummaryParts(period=period, fte=settings["fte"]),  # type: ignore[arg-type]
            finish=_whole_heads if whole_heads else None,
        )
        _print_summary(outputs, summary, bands=False)
        return
    frame = forecast.table()
    with progress_bar(len(frame), "Planning") as bar:
        result = plan(
            frame,
            goal.default,
            method=method,  # type: ignore[arg-type]
            simulation=simulation,
            progress=bar.update if bar is not None else None,
            whole_heads=whole_heads,
            **settings,
        )
    mixed = "channel" in result.intervals.columns
    busiest = result.intervals.nlargest(12, "agents")[
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
    blocks: list[tuple[str, object]] = [
        ("In short", _headline(result)),
        ("Settings", _settings(goal, model, fte, frame, method, channels)),
        (f"Summary per {period}", pretty_summary(result.summary)),
        ("Peak intervals", readable(busiest)),
    ]
    _finish(
        outputs,
        result,
        f"Staffing plan: {forecast.name}",
        blocks,
        "Required and scheduled agents per queue",
        "Required agents",
        bands=False,
    )


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
    from staffing.io import read_roster
    from staffing.planner import evaluate_staffing

    outputs = _outputs_of(out, summary_path, plot_path, report_path)
    settings = _settings_of(forecast, goal, model, fte, period, threshold_s, channels)
    run = ForecastRun(forecast, chunking, _whole(outputs))
    roster_read = forecast.options.with_columns(roster_columns)
    staffing = read_roster(roster, options=roster_read) if roster else None
    if run.chunked and staffing is not None and "queue" in staffing.columns:
        named = set(staffing["queue"].astype(str).unique())
        if not named <= run.census.queue_names():  # a schedule's pool: its queues together
            run.read_whole(
                ["--roster with pooled queues (a schedule's coverage)"],
                "give a roster with one row per queue and interval, or more memory",
            )
    if run.chunked:
        _evaluate_chunked(run, outputs, goal, settings, staffing, band_edges)
        return
    frame = forecast.table()
    result = evaluate_staffing(frame, staffing, goal.default, edges=band_edges, **settings)
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
    blocks: list[tuple[str, object]] = [
        ("In short", _headline(result, given=True)),
        ("Settings", _settings(goal, model, fte, frame, channels=channels)),
        (f"Summary per {period}", pretty_summary(result.summary, bands=True)),
        (
            "Escalation bands",
            f"Intervals: {story} (edges {low:g} and {high:g} points below target).",
        ),
        ("Intervals furthest below target", readable(worst)),
    ]
    _finish(
        outputs,
        result,
        f"Staffing evaluation: {forecast.name}",
        blocks,
        "Staffing and predicted service level per queue",
        "Staffed agents",
        bands=True,
    )


def _evaluate_chunked(
    run: ForecastRun,
    outputs: Outputs,
    goal: TargetChoice,
    settings: dict[str, Any],
    staffing: Any,
    band_edges: tuple[float, float],
) -> None:
    """``evaluate`` of a big forecast, a chunk of whole queues at a time; a roster is read
    at once and each chunk takes its queues' rows."""
    from staffing.planner import EvaluationParts, evaluate_intervals

    chunk_settings = {k: v for k, v in settings.items() if k != "period"}

    def solve(frame: Any, progress: Any) -> Any:
        mine = staffing
        if staffing is not None and "queue" in staffing.columns and "queue" in frame.columns:
            queues = set(frame["queue"].astype(str).unique())
            mine = staffing[staffing["queue"].astype(str).isin(queues)].reset_index(drop=True)
            mine.attrs = dict(staffing.attrs)
        table = evaluate_intervals(frame, mine, goal.default, edges=band_edges, **chunk_settings)
        if progress is not None:
            progress(len(table))
        return table

    summary = _chunked(
        run,
        outputs,
        "Evaluating",
        solve,
        EvaluationParts(period=settings["period"], fte=settings["fte"]),
        check=False,
    )
    _print_summary(outputs, summary, bands=True)
