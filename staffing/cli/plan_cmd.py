"""``staffing plan`` and ``staffing evaluate``: a forecast in, staffing and its performance out."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import click

from staffing.cli._common import (
    OneLineCommand,
    band_edges_option,
    check_paths,
    column_option,
    forecast_input,
    parse_band_edges,
    patience_options,
    percent,
    period_option,
    plot_option,
    read_forecast,
    report_option,
    require_targets,
    shrinkage_options,
    stack,
    when,
    write_figure,
    write_tables,
)

__all__ = ["evaluate", "plan"]


def _progress(total: int, label: str) -> AbstractContextManager[Any]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return nullcontext(None)
    return click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True)


_shrinkage_options = stack(
    shrinkage_options(
        total="Total shrinkage, applied at the interval level (instead of the two below).",
        in_centre="In-centre shrinkage: breaks, coaching, meetings "
        "(scheduled = agents / (1 - this)).",
        out_of_centre="Out-of-centre shrinkage: holidays, sickness, training days "
        "(applied to FTE).",
    ),
    period_option,
)

_common_options = stack(
    forecast_input,
    click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="TARGET",
        help="Target for every interval: 80/20, 90/10+99/300, asa<=30, abandon<=5%, "
        "occupancy<=85% (repeatable; all must hold).",
    ),
    click.option(
        "--targets",
        "targets_file",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        help="Targets per queue and weekday/time window "
        "(columns queue, weekday, start, end, target; first matching row wins).",
    ),
    patience_options,
    click.option(
        "--threshold-s",
        type=click.FloatRange(0.0),
        default=None,
        help="Threshold [s] for the reported service level when the targets have "
        "none (default 20).",
    ),
)

_output_options = stack(
    click.option(
        "--out",
        default=None,
        metavar="PATH",
        help="Interval table: .csv, .xlsx (with the summary as a second sheet), "
        ".parquet, or - for standard output.",
    ),
    click.option(
        "--summary",
        "summary_path",
        default=None,
        metavar="PATH",
        help="Summary table per period and queue: .csv, .xlsx, .parquet or -.",
    ),
    plot_option("Figure per queue (.png, .pdf, .svg)."),
    report_option("One self-contained HTML report (tables and figure)."),
)


def _check_outputs(
    out: str | None, summary: str | None, plot: str | None, report: str | None
) -> None:
    check_paths({"--out": out, "--summary": summary}, plot, report)
    if out == "-" and summary == "-":
        raise click.ClickException("--out and --summary cannot both go to standard output")


def pretty_summary(summary: Any, *, bands: bool = False) -> Any:
    """The summary with units in the headers and rounded for reading (a DataFrame of text)."""
    import pandas as pd

    table = pd.DataFrame(
        {
            "period": summary["period_start"].map(when),
            "queue": summary["queue"],
            "calls": summary["calls"].map(lambda x: f"{x:,.0f}"),
            "agent h": summary["agent_hours"].map(lambda x: f"{x:,.1f}"),
            "scheduled h": summary["scheduled_hours"].map(lambda x: f"{x:,.1f}"),
            "FTE": summary["fte"].map(lambda x: f"{x:,.1f}"),
            "peak": summary["peak_agents"].map(lambda x: f"{x:g}"),
            "SL": summary["service_level"].map(percent),
            "abandon": summary["abandon_rate"].map(percent),
            "occupancy": summary["occupancy"].map(percent),
            "ASA s": summary["asa_s"].map(lambda x: "" if x != x else f"{x:.1f}"),
        }
    )
    if bands:
        for col, label in (
            ("intervals_warning", "warning"),
            ("intervals_interrupt_offline", "interrupt"),
            ("intervals_all_hands", "all hands"),
        ):
            table[label] = summary[col].map(str)
    return table


def _write_outputs(
    tables: dict[str, Any],
    figure: Any,
    report_blocks: list[tuple[str, object]],
    title: str,
    out: str | None,
    summary_path: str | None,
    plot_path: str | None,
    report_path: str | None,
    *,
    bands: bool,
) -> None:
    from staffing.io import write_table
    from staffing.io.report import write_html_report

    write_tables(tables, "intervals", out)
    if summary_path is not None:
        write_table(tables["summary"], summary_path)
    if plot_path is not None:
        write_figure(figure, plot_path)
    if report_path is not None:
        write_html_report(report_path, title, report_blocks)
    if out is None and summary_path != "-":
        text = pretty_summary(tables["summary"], bands=bands).to_string(index=False)
        click.echo(text)


def _settings_text(
    targets: Sequence[str],
    targets_file: str | None,
    shrinkage: float | None,
    in_centre: float,
    out_of_centre: float,
    hours_per_fte: float,
    abandon_policy: str,
    patience: str,
) -> str:
    target_text = " + ".join(targets) if targets else ""
    if targets_file:
        target_text = f"per queue and time window from {Path(targets_file).name}" + (
            f" (default {target_text})" if target_text else ""
        )
    if shrinkage is not None:
        shrink = f"total shrinkage {100 * shrinkage:g}%"
    else:
        shrink = f"in-centre shrinkage {100 * in_centre:g}%, out-of-centre {100 * out_of_centre:g}%"
    return (
        f"Targets: {target_text}. Staffing model: {patience}; abandoned calls in the service "
        f"level: {abandon_policy}.\n\n{shrink.capitalize()}; one FTE is paid {hours_per_fte:g} "
        "hours per week. Agent-hours are summed unrounded; service level and abandon rate are "
        "weighted by calls."
    )


def _headline(summary: Any, *, given: bool = False) -> str:
    """The plan (or the evaluated staffing) in one paragraph, from the summary's total row."""
    total = summary.iloc[-1]
    verb = "are met with" if given else "need"
    return (
        f"Over {total['period_days']:g} days, {total['calls']:,.0f} calls {verb} "
        f"{total['agent_hours']:,.1f} agent-hours on the phones "
        f"({total['scheduled_hours']:,.1f} scheduled hours): an average of "
        f"{total['fte']:,.1f} FTE, with at most {total['peak_agents']:g} agents on the phones "
        f"at once. Predicted service level {percent(total['service_level'])}, abandon rate "
        f"{percent(total['abandon_rate'])}, occupancy {percent(total['occupancy'])}."
    )


def _patience_text(forecast: Any, patience_s: float | None, calibration: str | None) -> str:
    if patience_s is not None:
        return f"Erlang A, mean patience {patience_s:g} s"
    if calibration is not None:
        return f"Erlang A, patience per queue from {Path(calibration).name}"
    if forecast["patience_s"].notna().any():
        return "Erlang A with the forecast's patience_s column (Erlang C where empty)"
    return "Erlang C (no abandonment)"


def _figure(intervals: Any, heading: str, agents_label: str) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from staffing.plotting.planner import plan_figure

    return plan_figure(intervals, heading=heading, agents_label=agents_label)


@click.command(cls=OneLineCommand)
@_common_options
@_shrinkage_options
@_output_options
def plan(
    forecast: str,
    columns: tuple[str, ...],
    interval: str | None,
    targets: tuple[str, ...],
    targets_file: str | None,
    patience_s: float | None,
    calibration: str | None,
    abandon_policy: str,
    threshold_s: float | None,
    shrinkage: float | None,
    in_centre: float,
    out_of_centre: float,
    hours_per_fte: float,
    period: str,
    out: str | None,
    summary_path: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Agents per interval for FORECAST, scheduled staff, and FTE per period.

    FORECAST is a CSV (delimiter sniffed), Excel or Parquet file with interval_start,
    optional queue, calls, aht_s and optional patience_s (Erlang A where given).

    \b
    Example:
      staffing plan forecast.csv --target 80/20 --target 'abandon<=5%' \\
        --in-centre 0.15 --out-of-centre 0.20 --out plan.xlsx --plot plan.png
    """
    from staffing.planner import plan as make_plan

    require_targets(targets, targets_file)
    _check_outputs(out, summary_path, plot_path, report_path)
    frame = read_forecast(forecast, columns, interval)
    with _progress(len(frame), "Planning") as bar:
        result = make_plan(
            frame,
            list(targets) or None,
            targets_table=targets_file,
            patience_s=patience_s,
            calibration=calibration,
            in_centre=in_centre,
            out_of_centre=out_of_centre,
            shrinkage=shrinkage,
            hours_per_fte=hours_per_fte,
            period=period,  # type: ignore[arg-type]
            abandon_policy=abandon_policy,
            threshold_s=threshold_s,
            progress=bar.update if bar is not None else None,
        )
    name = Path(forecast).name
    title = f"Staffing plan: {name}"
    figure = None
    if plot_path is not None or report_path is not None:
        figure = _figure(result.intervals, "Staffing plan", "Required agents")
    busiest = result.intervals.nlargest(12, "agents")[
        [
            "interval_start",
            "queue",
            "calls",
            "aht_s",
            "agents",
            "scheduled",
            "service_level",
            "abandon_rate",
            "occupancy",
            "target",
        ]
    ]
    blocks: list[tuple[str, object]] = [
        ("In short", _headline(result.summary)),
        (
            "Settings",
            _settings_text(
                targets,
                targets_file,
                shrinkage,
                in_centre,
                out_of_centre,
                hours_per_fte,
                abandon_policy,
                _patience_text(frame, patience_s, calibration),
            ),
        ),
        (f"Summary per {period}", pretty_summary(result.summary)),
    ]
    if figure is not None:
        blocks.append(("Required and scheduled agents per queue", figure))
    blocks.append(("Peak intervals", busiest))
    _write_outputs(
        result.tables(),
        figure,
        blocks,
        title,
        out,
        summary_path,
        plot_path,
        report_path,
        bands=False,
    )


@click.command(cls=OneLineCommand)
@_common_options
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Agents per interval (interval_start, optional queue, agents); "
    "else the forecast's agents column.",
)
@column_option(
    "--roster-column",
    "roster_columns",
    help="Map a roster column, e.g. agents=Staffed (repeatable).",
)
@band_edges_option(
    "Escalation band edges in points below target: warning up to LOW, "
    "interrupt offline up to HIGH, all hands beyond."
)
@_shrinkage_options
@_output_options
def evaluate(
    forecast: str,
    columns: tuple[str, ...],
    interval: str | None,
    targets: tuple[str, ...],
    targets_file: str | None,
    patience_s: float | None,
    calibration: str | None,
    abandon_policy: str,
    threshold_s: float | None,
    roster: str | None,
    roster_columns: tuple[str, ...],
    band_edges: str,
    shrinkage: float | None,
    in_centre: float,
    out_of_centre: float,
    hours_per_fte: float,
    period: str,
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
      staffing evaluate forecast.csv --roster roster.csv --target 80/20 --out eval.csv
    """
    from staffing.io import parse_column_options, read_table
    from staffing.planner import evaluate_staffing

    edges = parse_band_edges(band_edges)
    _check_outputs(out, summary_path, plot_path, report_path)
    frame = read_forecast(forecast, columns, interval)
    staffing = read_table(roster, columns=parse_column_options(roster_columns)) if roster else None
    result = evaluate_staffing(
        frame,
        staffing,
        list(targets) or None,
        targets_table=targets_file,
        patience_s=patience_s,
        calibration=calibration,
        abandon_policy=abandon_policy,
        threshold_s=threshold_s,
        edges=edges,
        period=period,  # type: ignore[arg-type]
        in_centre=in_centre,
        out_of_centre=out_of_centre,
        shrinkage=shrinkage,
        hours_per_fte=hours_per_fte,
    )
    name = Path(forecast).name
    figure = None
    if plot_path is not None or report_path is not None:
        figure = _figure(result.intervals, "Staffing evaluated", "Staffed agents")
    iv = result.intervals
    flagged = iv[iv["band"].isin(["warning", "interrupt offline", "all hands"])]
    worst = flagged.nlargest(20, "shortfall_pts")[
        [
            "interval_start",
            "queue",
            "calls",
            "agents",
            "service_level",
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
    blocks: list[tuple[str, object]] = [
        ("In short", _headline(result.summary, given=True)),
        (
            "Settings",
            _settings_text(
                targets,
                targets_file,
                shrinkage,
                in_centre,
                out_of_centre,
                hours_per_fte,
                abandon_policy,
                _patience_text(frame, patience_s, calibration),
            ),
        ),
        (
            "Escalation bands",
            f"Intervals: {story} (edges {edges[0]:g} and {edges[1]:g} points below target).",
        ),
        (f"Summary per {period}", pretty_summary(result.summary, bands=True)),
    ]
    if figure is not None:
        blocks.append(("Staffing and predicted service level per queue", figure))
    blocks.append(("Intervals furthest below target", worst))
    _write_outputs(
        result.tables(),
        figure,
        blocks,
        f"Staffing evaluation: {name}",
        out,
        summary_path,
        plot_path,
        report_path,
        bands=True,
    )
