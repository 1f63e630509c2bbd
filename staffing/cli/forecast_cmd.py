"""``staffing forecast`` and ``staffing reforecast``: history in, a forecast with its
back-test out; the rest of a day reforecast from its actuals."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.options import read_options
from staffing.cli.output import Outputs, out_option, plot_option, report_option
from staffing.cli.progress import working
from staffing.cli.types import Duration, Percent

__all__ = ["forecast_command", "reforecast_command"]

_METHODS = ("auto", "average", "median", "naive", "ets")
_TWO_YEARS_S = 731 * 86400.0


def _horizon(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if value > _TWO_YEARS_S:
        raise click.BadParameter(
            f"{value / 86400:,.0f} days is more than two years: give at most 104w", ctx, param
        )
    return value


def _aht(value: str | None) -> Any:
    """``--aht``: seconds (any duration) for every queue, or a table of queue and aht_s."""
    if value is None:
        return None
    from staffing.errors import StaffingError
    from staffing.vocabulary import parse_duration

    try:
        return parse_duration(value, what="--aht", allow_zero=False)
    except StaffingError:
        if not Path(value).is_file():
            raise click.BadParameter(
                f"{value!r} is neither a duration (294, 4:54) nor a table file (queue, aht_s)",
                param_hint="--aht",
            ) from None
    from staffing.io import read_aht_table

    return read_aht_table(value)


def _time(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    from staffing.errors import StaffingError
    from staffing.vocabulary import parse_time_of_day

    values = value if isinstance(value, tuple) else (value,)
    for v in values:
        if v is None:
            continue
        try:
            parse_time_of_day(v)
        except StaffingError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
    return value


@click.command("forecast", cls=OneLineCommand)
@click.argument("history", type=click.Path(exists=True))
@read_options("a history column")
@click.option(
    "--horizon",
    type=Duration(),
    default="6w",
    show_default=True,
    callback=_horizon,
    metavar="DURATION",
    help="How far to forecast: 6w, 42d (at most two years).",
)
@click.option(
    "--interval",
    type=Duration(),
    default="30min",
    show_default=True,
    metavar="DURATION",
    help="Forecast interval; finer history (5-minute counts) is summed into it.",
)
@click.option(
    "--method",
    type=click.Choice(_METHODS),
    default="auto",
    show_default=True,
    help="auto: per queue the method with the lowest back-test WAPE; average / median of "
    "the last --weeks same weekdays; naive: the same interval a week before; ets: "
    "exponential smoothing of daily volume (pip install 'staffing[forecast]').",
)
@click.option(
    "--weeks",
    type=click.IntRange(1, 52),
    default=4,
    show_default=True,
    help="Same weekdays averaged, and the weeks opening hours and handle times come from.",
)
@click.option(
    "--holidays",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Days left out of the fit, forecast closed or scaled: columns date, optional "
    "factor (empty = closed).",
)
@click.option(
    "--coverage",
    type=Percent(allow_zero=False, allow_one=False),
    default="80%",
    show_default=True,
    metavar="PERCENT",
    help="Central coverage of calls_lo - calls_hi, from the back-test's errors.",
)
@click.option(
    "--start",
    default=None,
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]),
    metavar="DATE",
    help="First interval of the forecast [default: the one after the history]; history "
    "from it on is not used.",
)
@click.option(
    "--aht",
    default=None,
    metavar="SECONDS|FILE",
    help="Handle time for every queue (294, 4:54) or a table of queue, aht_s; needed when "
    "the history has none, used instead of it when given.",
)
@click.option(
    "--queue",
    "queues",
    multiple=True,
    metavar="QUEUE[+QUEUE...]",
    help="Forecast only this queue; A+B pools queues into one (repeatable).",
)
@click.option(
    "--backtest-weeks",
    type=click.IntRange(1, 52),
    default=8,
    show_default=True,
    help="Weeks of daily origins in the back-test.",
)
@click.option(
    "--intraday",
    multiple=True,
    callback=_time,
    metavar="HH:MM",
    help="Also back-test the reforecast of the rest of the day at this time (repeatable).",
)
@click.option(
    "--out",
    required=True,
    metavar="PATH",
    help="Forecast table: .csv, .xlsx, .parquet or - for standard output.",
)
@out_option(
    "--backtest",
    "backtest_path",
    "Rolling-origin errors (origin, lead, queue, method, calls, forecast, wape, bias).",
)
@plot_option("History, forecast and band; the back-test's error by lead (.png, .pdf, .svg).")
@report_option("One self-contained HTML report (back-test table and figure).")
def forecast_command(
    history: str,
    read: Any,
    horizon: float,
    interval: float,
    method: str,
    weeks: int,
    holidays: str | None,
    coverage: float,
    start: Any,
    aht: str | None,
    queues: tuple[str, ...],
    backtest_weeks: int,
    intraday: tuple[str, ...],
    out: str,
    backtest_path: str | None,
    plot_path: str | None,
    report_path: str | None,
) -> None:
    """Forecast calls and handle time per interval from HISTORY, with its back-test.

    HISTORY is an ACD interval report (offered is the volume), per-call records, a count
    table (interval_start, optional queue, calls, optional aht_s) at any interval, or an
    Anonymous Bank log (.txt or a directory). For example:

    \b
        staffing forecast history.csv --horizon 6w --out forecast.csv
        staffing plan forecast.csv --target 80/20 --out plan.csv
    """
    from staffing.forecasting import forecast
    from staffing.io import read_call_history, read_holidays

    outputs = Outputs(
        {
            "--out": (out, "table"),
            "--backtest": (backtest_path, "table"),
            "--plot": (plot_path, "figure"),
            "--report": (report_path, "report"),
        }
    )
    aht_value = _aht(aht)
    table = read_call_history(history, options=read)
    holiday_table = read_holidays(holidays) if holidays is not None else None
    with working("forecasting (back-test of each method)"):
        result = forecast(
            table,
            horizon,
            method=method,
            weeks=weeks,
            interval=interval,
            holidays=holiday_table,
            coverage=coverage,
            start=start,
            aht=aht_value,
            queues=list(queues) or None,
            backtest_weeks=backtest_weeks,
            intraday=intraday,
        )
    figure = None
    if plot_path is not None or report_path is not None:
        from staffing.plotting.forecast import forecast_figure

        figure = forecast_figure(result)
    text = result.summary(notes=False)
    if result.intraday is not None and not result.intraday.empty:
        text += "\n" + format_intraday(result.intraday)
    blocks: list[tuple[str, object]] = []
    if report_path is not None:
        blocks = [
            ("Summary", text.split("\n")[0] + "\n\n" + text.split("\n")[-1]),
            ("Back-test: WAPE by lead", _shown(result.accuracy)),
            ("History, forecast and back-test", figure),
        ]
        if result.intraday is not None and not result.intraday.empty:
            blocks.append(("Reforecast of the rest of the day: WAPE", result.intraday))
        if result.notes:
            blocks.append(("Notes", "\n\n".join(result.notes)))
    with outputs:
        outputs.table("--out", result.table)
        outputs.table("--backtest", result.backtest)
        outputs.figure("--plot", figure)
        outputs.report("--report", f"Forecast from {click.format_filename(history)}", blocks)
    stream = sys.stderr if outputs.stdout_taken else sys.stdout
    click.echo(text, file=stream)


def _shown(accuracy: Any) -> Any:
    out = accuracy.copy()
    for col in ("wape_1", "wape_2_7", "wape_8_14", "wape", "bias"):
        out[col] = out[col].map(lambda v: "" if v != v else f"{v:.1%}")
    return out.rename(
        columns={
            "wape_1": "lead 1",
            "wape_2_7": "lead 2-7",
            "wape_8_14": "lead 8-14",
            "wape": "leads 1-14",
        }
    )


def format_intraday(table: Any) -> str:
    """The rest-of-day back-test as text."""
    shown = table.assign(
        **{
            c: table[c].map(lambda v: f"{v:.1%}")
            for c in ("wape_none", "wape_ratio", "wape_shrunk")
        },
        weight=table["weight"].map(lambda v: f"{v:.2f}"),
    ).rename(
        columns={
            "wape_none": "no update",
            "wape_ratio": "ratio",
            "wape_shrunk": "shrunk",
            "weight": "mean weight",
        }
    )
    return (
        "Reforecast back-test: rest-of-day WAPE on the back-test's days (lead-1 forecast "
        "updated at each time):\n" + shown.to_string(index=False)
    )


@click.command("reforecast", cls=OneLineCommand)
@click.argument("forecast", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--actuals",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="The day's calls so far: an interval report or a count table (interval_start, "
    "optional queue, calls) at any interval.",
)
@read_options("a column of --actuals and --history")
@click.option(
    "--at",
    default=None,
    callback=_time,
    metavar="HH:MM",
    help="Clock time the actuals count up to [default: the end of the last actual interval].",
)
@click.option(
    "--history",
    type=click.Path(exists=True),
    default=None,
    help="History to learn the shrunk weight from (how far mornings have predicted "
    "afternoons); without it a credibility default is used.",
)
@click.option(
    "--method",
    type=click.Choice(["shrunk", "ratio", "none"]),
    default="shrunk",
    show_default=True,
    help="shrunk: the morning's deviation times the learned weight; ratio: all of it; "
    "none: the forecast as it is.",
)
@click.option(
    "--weeks",
    type=click.IntRange(1, 52),
    default=4,
    show_default=True,
    help="Same weekdays behind each past day's forecast when learning the weight.",
)
@click.option(
    "--coverage",
    type=Percent(allow_zero=False, allow_one=False),
    default="80%",
    show_default=True,
    metavar="PERCENT",
    help="Central coverage of calls_lo - calls_hi.",
)
@click.option(
    "--out",
    required=True,
    metavar="PATH",
    help="The rest of the day: .csv, .xlsx, .parquet or - for standard output.",
)
def reforecast_command(
    forecast: str,
    actuals: str,
    read: Any,
    at: str | None,
    history: str | None,
    method: str,
    weeks: int,
    coverage: float,
    out: str,
) -> None:
    """Reforecast the rest of the day in FORECAST from the day's actual calls so far.

    FORECAST is a forecast table (staffing forecast's, or any with interval_start,
    queue, calls, aht_s), read as it is; --column maps the columns of --actuals and
    --history. Prints one line per queue on stderr, e.g. "so far 4,212 calls, +8.2% on
    forecast (z = 3.1); rest of day reforecast +6.0%".

    \b
        staffing reforecast forecast.csv --actuals today.csv --at 12:00 \\
            --history history.csv --out rest_of_day.csv
    """
    from staffing.forecasting import reforecast
    from staffing.io import read_call_history, read_table

    outputs = Outputs({"--out": (out, "table")})
    fc = read_table(forecast)
    actual_table = read_call_history(actuals, options=read)
    history_table = read_call_history(history, options=read) if history is not None else None
    result = reforecast(
        fc,
        actual_table,
        at=at,
        method=method,
        history=history_table,
        weeks=weeks,
        coverage=coverage,
    )
    with outputs:
        outputs.table("--out", result.table)
    click.echo(result.message(), err=True)
