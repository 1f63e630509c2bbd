"""``staffing calibrate``: an ACD history in; patience, the abandon/SL relation, effective
staffing and the models' out-of-sample error out."""

from __future__ import annotations

import sys
from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.options import history_options, on_inconsistent_option, read_options
from staffing.cli.output import Outputs, plot_option, report_option
from staffing.cli.progress import working
from staffing.cli.types import Duration, Interval, Percent, Span

__all__ = ["calibrate_command", "replication_options"]


def replication_options(f: Any) -> Any:
    """``--replications`` and ``--seed`` of the back-test's simulations."""
    f = click.option(
        "--seed",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Seed of the simulations (same seed, same figures).",
    )(f)
    return click.option(
        "--replications",
        type=click.IntRange(min=2, max=10_000),
        default=30,
        show_default=True,
        help="Simulated copies of every back-tested day (simulation model, noise floors).",
    )(f)


@click.command("calibrate", cls=OneLineCommand)
@click.argument("history", type=click.Path(exists=True))
@click.option(
    "--threshold-s",
    "--threshold",
    "threshold_s",
    type=Duration(allow_zero=True),
    default="20",
    show_default=True,
    metavar="DURATION",
    help="Service-level threshold of the history's answered_within / service_level.",
)
@read_options("a column")
@on_inconsistent_option()
@history_options()
@click.option(
    "--interval",
    type=Interval(),
    default="30min",
    show_default=True,
    metavar="DURATION",
    help="Interval to aggregate call records into (15min, 30min, 1h, 1d, or seconds).",
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
    type=Percent(allow_zero=False, allow_one=False),
    default=None,
    metavar="PERCENT",
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
    "--holdout",
    type=Span(),
    default=None,
    metavar="SPAN",
    help="Fit on all but the last calendar periods and back-test on those: 2m (two "
    "months; m is a month here), 8w, 30d, 1q. The models are judged on them only.",
)
@click.option(
    "--holdout-from",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]),
    default=None,
    metavar="DATE",
    help="Hold out the history from this date on (instead of --holdout).",
)
@replication_options
@click.option(
    "--redial",
    type=Percent(allow_one=False),
    default=None,
    metavar="PERCENT",
    help="Share of abandoned callers who call again, for a history without caller ids "
    "(records with a caller_id column have theirs measured): the fresh calls it implies.",
)
@click.option(
    "--out",
    required=True,
    metavar="PATH",
    help="calibration.json for `staffing plan --calibration` ('-' for standard output).",
)
@plot_option()
@report_option("One self-contained HTML report (summary, tables, figure).")
def calibrate_command(
    history: str,
    threshold_s: float,
    read: Any,
    interval: float,
    by: str,
    abandon_target: float | None,
    confidence: float,
    min_abandons: int,
    max_idle_s: float,
    on_inconsistent: str,
    history_sl: str,
    pools: tuple[str, ...],
    agents_estimate: str,
    holdout: str | None,
    holdout_from: Any,
    replications: int,
    seed: int,
    redial: float | None,
    out: str,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Learn patience, the abandon/service-level relation, effective staffing and model
    accuracy from HISTORY.

    HISTORY is an ACD interval report (interval_start, queue, offered, answered,
    abandoned, answered_within or service_level, optional wait totals, aht_s, agents)
    or per-call records (arrival, queue, wait_s, outcome, handle_s, agent, optional
    caller_id: redial shares and delays), as CSV, Excel or Parquet, or the public
    Anonymous Bank log (a monthly file or a directory of them). For example:

    \b
        staffing calibrate history.csv --abandon-target 5% --holdout 1m \\
            --out out/calibration.json --plot out/calibration.png
    """
    from staffing.calibration import calibrate
    from staffing.io import read_history_table

    if holdout is not None and holdout_from is not None:
        raise click.UsageError("give either --holdout or --holdout-from, not both")
    outputs = Outputs(
        {
            "--out": (out, "json"),
            "--plot": (plot_path, "figure"),
            "--report": (report_path, "report"),
        }
    )
    table = read_history_table(history, options=read)
    with working("calibrating"):
        cal = calibrate(
            table,
            threshold_s=threshold_s,
            interval=interval,
            by=None if by == "none" else by,
            abandon_target=abandon_target,
            confidence=confidence,
            min_abandons=min_abandons,
            max_idle_s=max_idle_s,
            on_inconsistent=on_inconsistent,  # type: ignore[arg-type]
            history_sl=history_sl,  # type: ignore[arg-type]
            agents_estimate=agents_estimate,
            pools=pools,
            holdout=holdout,
            holdout_from=holdout_from,
            replications=replications,
            seed=seed,
            redial=redial,
        )
    figure: Any = None
    if plot_path is not None or report_path is not None:
        from staffing.plotting.calibration import calibration_figure

        figure = calibration_figure(cal)
    blocks: list[tuple[str, object]] = []
    if report_path is not None:
        text = cal.report(with_warnings=False).replace("\n", "\n\n").replace("`", "")
        blocks = [("Summary", text), ("Figures", figure)]
        from staffing.cli.formatting import readable

        for name, frame in cal.tables().items():
            blocks.append((name.replace("_", " ").capitalize(), readable(frame, statistics=True)))
        if cal.warnings_:
            blocks.append(("Warnings", "\n\n".join(cal.warnings_)))

    from staffing.io.calibration import calibration_text

    with outputs:
        outputs.text("--out", calibration_text(cal))
        outputs.figure("--plot", figure)
        outputs.report("--report", f"Calibration of {click.format_filename(history)}", blocks)
    from staffing.cli import render

    stream = sys.stderr if out == "-" else sys.stdout
    text = render(cal.report(with_warnings=False), click.get_current_context().command)
    click.echo(text, file=stream)
