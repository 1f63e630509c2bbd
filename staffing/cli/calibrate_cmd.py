"""``staffing calibrate``: an ACD history in, patience and the abandon/SL relation out."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from staffing.cli._common import (
    OneLineCommand,
    check_paths,
    column_option,
    plot_option,
    report_option,
    warn,
    write_figure,
)

__all__ = ["calibrate"]


class _Rate(click.ParamType):
    """A rate written ``5%``, ``5`` (a percentage, being above 1) or ``0.05``."""

    name = "rate"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            number = float(text.rstrip("%").strip())
        except ValueError:
            self.fail(f"{value!r} is not a rate such as 5% or 0.05", param, ctx)
        rate = number / 100.0 if text.endswith("%") or number > 1.0 else number
        if not 0.0 < rate < 1.0:
            self.fail(f"{value!r} must lie strictly between 0% and 100%", param, ctx)
        return rate


@click.command(
    cls=OneLineCommand,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument("history", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--threshold-s",
    type=click.FloatRange(min=0.0),
    default=20.0,
    show_default=True,
    help="Service-level threshold [s] of the history's answered_within / service_level.",
)
@column_option(
    "--column",
    "columns",
    help="Map a column of the file to ours, e.g. --column offered=CallsOffered (repeatable).",
)
@click.option(
    "--interval",
    default="30min",
    show_default=True,
    help="Interval to aggregate call records into (15min, 30min, 1h, 1D).",
)
@click.option(
    "--by",
    type=click.Choice(["quarter", "month", "none"]),
    default="quarter",
    show_default=True,
    help="Periods for the drift analysis (refits per period and tests for change).",
)
@click.option(
    "--abandon-target",
    type=_Rate(),
    default=None,
    help="Abandon-rate goal (5% or 0.05): the service level that keeps abandons at it.",
)
@click.option(
    "--confidence",
    type=click.FloatRange(0.5, 1.0, max_open=True),
    default=0.95,
    show_default=True,
    help="Confidence level of every interval.",
)
@click.option(
    "--min-abandons",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Warn when a queue (or period) has fewer abandons than this.",
)
@click.option(
    "--max-idle-s",
    type=click.FloatRange(min=0.0),
    default=900.0,
    show_default=True,
    help="Call records: longest idle gap between an agent's calls still counted as staffed [s].",
)
@click.option(
    "--out",
    required=True,
    metavar="PATH",
    help="calibration.json for `staffing plan --calibration` ('-' for standard output).",
)
@plot_option()
@report_option("One self-contained HTML report (summary, tables, figure).")
def calibrate(
    history: str,
    threshold_s: float,
    columns: Sequence[str],
    interval: str,
    by: str,
    abandon_target: float | None,
    confidence: float,
    min_abandons: int,
    max_idle_s: float,
    out: str,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Learn patience, the abandon/service-level relation and model accuracy from HISTORY.

    HISTORY is an ACD interval report (interval_start, queue, offered, answered,
    abandoned, answered_within or service_level, optional wait totals, aht_s, agents)
    or per-call records (arrival, queue, wait_s, outcome, handle_s, agent), as CSV,
    Excel or Parquet. For example:

    \b
        staffing calibrate history.csv --abandon-target 5% \\
            --out calibration.json --plot calibration.png
    """
    if not out.lower().endswith(".json") and out != "-":
        raise click.ClickException(f"--out {out}: write the calibration to a .json file or '-'")
    check_paths({}, plot=plot_path, report=report_path)

    from staffing.calibration import CalibrationWarning
    from staffing.calibration import calibrate as fit
    from staffing.io import parse_column_options

    mapping = parse_column_options(columns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalibrationWarning)
        cal = fit(
            history,
            columns=mapping,
            threshold_s=threshold_s,
            interval=interval,
            by=None if by == "none" else by,
            abandon_target=abandon_target,
            confidence=confidence,
            min_abandons=min_abandons,
            max_idle_s=max_idle_s,
        )
    for w in caught:
        if not issubclass(w.category, CalibrationWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    cal.to_json(out)
    figure: Any = None
    if plot_path is not None or report_path is not None:
        import matplotlib

        matplotlib.use("Agg")
        from staffing.plotting.calibration import calibration_figure

        figure = calibration_figure(cal)
    if plot_path is not None:
        write_figure(figure, plot_path)
    if report_path is not None:
        from staffing.io.report import write_html_report

        text = cal.report(with_warnings=False).replace("\n", "\n\n")
        blocks: list[tuple[str, object]] = [("Summary", text)]
        blocks.append(("Figures", figure))
        for name, table in cal.tables().items():
            blocks.append((name.replace("_", " ").capitalize(), table))
        if cal.warnings_:
            blocks.append(("Warnings", "\n\n".join(cal.warnings_)))
        write_html_report(report_path, f"Calibration of {Path(history).name}", blocks)

    stream = sys.stderr if out == "-" else sys.stdout
    click.echo(cal.report(with_warnings=False), file=stream)
    written = [p for p in (out, plot_path, report_path) if p is not None and p != "-"]
    if written:
        click.echo(f"\nwrote {', '.join(written)}", file=stream)
    for text in cal.warnings_:
        warn(text)
