"""``staffing backtest``: a saved calibration against a history it may never have seen."""

from __future__ import annotations

from typing import Any

import click

from staffing.cli.calibrate_cmd import replication_options
from staffing.cli.command import OneLineCommand
from staffing.cli.options import history_options, on_inconsistent_option, read_options
from staffing.cli.output import Outputs, plot_option, report_option
from staffing.cli.types import Duration, FiniteFloat, Interval

__all__ = ["backtest_command"]

_DATES = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]


@click.command("backtest", cls=OneLineCommand)
@click.argument("history", type=click.Path(exists=True))
@click.option(
    "--calibration",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="calibration.json from `staffing calibrate`: patience, Kaplan-Meier curves, the "
    "effective-staffing factor and how its history was read.",
)
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=_DATES),
    default=None,
    metavar="DATE",
    help="Back-test the history from this date on (e.g. the months after the calibration).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(formats=_DATES),
    default=None,
    metavar="DATE",
    help="... and before this date.",
)
@click.option(
    "--calibration-period",
    default="latest",
    show_default=True,
    metavar="latest|pooled|PERIOD",
    help="Which of the calibration's estimates (patience and factor): the latest period, "
    "the pooled history or one period (1999-04).",
)
@click.option(
    "--staffing-factor",
    type=FiniteFloat(0.0, 100.0, min_open=True),
    default=None,
    metavar="FACTOR",
    help="Effective agents per staffed agent for every queue instead of the calibration's "
    "(1: the staffed agents as reported).",
)
@click.option(
    "--model",
    type=click.Choice(["erlang_c", "erlang_a", "simulation"]),
    default="erlang_a",
    show_default=True,
    help="Whose predictions fill --out (the summary has every model).",
)
@click.option(
    "--threshold-s",
    "--threshold",
    "threshold_s",
    type=Duration(allow_zero=True),
    default=None,
    metavar="DURATION",
    help="Service-level threshold of the history (default the calibration's).",
)
@read_options("a column")
@on_inconsistent_option()
@history_options(defaults=False)
@click.option(
    "--interval",
    type=Interval(),
    default=None,
    metavar="DURATION",
    help="Interval to aggregate call records into (default the calibration's).",
)
@replication_options
@click.option(
    "--out",
    required=True,
    metavar="PATH",
    help="One row per interval: offered, agents, effective_agents, realised and predicted "
    "service level, abandon rate and ASA ('-' for standard output).",
)
@click.option(
    "--summary",
    "summary_path",
    default=None,
    metavar="PATH",
    help="Per queue, month and model: the error per interval, hour and day beside the noise floor.",
)
@plot_option("Figure: service level per day, and the error by hour of day against the noise floor.")
@report_option("One self-contained HTML report (summary, tables, figure).")
def backtest_command(
    history: str,
    calibration: str,
    start: Any,
    end: Any,
    calibration_period: str,
    staffing_factor: float | None,
    model: str,
    threshold_s: float | None,
    read: Any,
    on_inconsistent: str,
    history_sl: str | None,
    pools: tuple[str, ...],
    agents_estimate: str | None,
    max_idle_s: float | None,
    interval: float | None,
    replications: int,
    seed: int,
    out: str,
    summary_path: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """How well a calibration predicts HISTORY: Erlang C, Erlang A and a simulation with
    the Kaplan-Meier patience, each beside its noise floor.

    HISTORY is read as `staffing calibrate` reads it (an interval report, call records,
    or the Anonymous Bank log), with the settings the calibration records unless given.
    For example, a calibration fitted on January-April tested on May-June:

    \b
        staffing calibrate bank/ --pool all --holdout-from 1999-05-01 --out cal.json
        staffing backtest bank/ --calibration cal.json --from 1999-05-01 \\
            --out intervals.csv --summary summary.csv --plot backtest.png
    """
    from staffing.calibration import backtest
    from staffing.calibration.report import backtest_lines
    from staffing.io import load_calibration, read_history_table

    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--summary": (summary_path, "table"),
            "--plot": (plot_path, "figure"),
            "--report": (report_path, "report"),
        }
    )
    loaded = load_calibration(calibration)
    table = read_history_table(history, options=read)
    bt = backtest(
        table,
        loaded,
        start=start,
        end=end,
        calibration_period=calibration_period,
        staffing_factor=staffing_factor,
        threshold_s=threshold_s,
        history_sl=history_sl,
        interval=interval,
        max_idle_s=max_idle_s,
        agents_estimate=agents_estimate,
        pools=pools or None,
        on_inconsistent=on_inconsistent,
        replications=replications,
        seed=seed,
    )
    staffing = (
        f"agents x {staffing_factor:g}"
        if staffing_factor is not None
        else "effective agents (staffed x the calibration's factor)"
    )
    fair = bool(bt.out_of_sample_ and bt.effective_)
    lines = backtest_lines(bt, scope=f"of {click.format_filename(calibration)}", verdict=fair)
    if not fair:
        why = (
            "the back-test overlaps the calibration's own history"
            if not bt.out_of_sample_
            else "it is not run with the calibration's effective staffing"
        )
        lines.append(f"  no verdict between the models: {why}")
    text = "\n".join(lines).replace("effective agents (staffed x factor)", staffing)
    figure: Any = None
    if plot_path is not None or report_path is not None:
        from staffing.plotting.calibration import backtest_figure

        figure = backtest_figure(
            bt, title=f"Back-test of {click.format_filename(calibration, shorten=True)}"
        )
    with outputs:
        outputs.table("--out", bt.intervals(model))
        outputs.table("--summary", bt.summary)
        outputs.figure("--plot", figure)
        outputs.report(
            "--report",
            f"Back-test of {click.format_filename(calibration)}",
            [("Summary", text.replace("\n", "\n\n")), ("Figures", figure), ("Errors", bt.summary)],
        )
    click.echo(text, err=out == "-" or summary_path == "-")
