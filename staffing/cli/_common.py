"""What the commands share: the command class, option groups, path checks and writers.

Every command module imports this one, so it imports click alone at the top; the
library, pandas and matplotlib are imported inside the functions that use them, which
keeps ``staffing --help`` fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
FIGURE_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg")
REPORT_SUFFIXES = (".html", ".htm")
ABANDON_POLICIES = ("fail", "exclude", "exclude_within", "count_within")

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class OneLineCommand(click.Command):
    """Bad options are reported on one line (``Error: ...``), like every other user error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise click.ClickException(exc.format_message()) from None


# --------------------------------------------------------------------------- options


def stack(*decorators: Decorator) -> Decorator:
    """One decorator applying ``decorators`` as if written one above the other, in order."""

    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


def column_option(flag: str, dest: str, help: str) -> Decorator:
    """A repeatable ``OURS=THEIRS`` column mapping, for ``parse_column_options``."""
    return click.option(flag, dest, multiple=True, metavar="OURS=THEIRS", help=help)


forecast_input = stack(
    click.argument("forecast", type=click.Path(exists=True, dir_okay=False)),
    column_option(
        "--column",
        "columns",
        help="Map a forecast column, e.g. calls=IncomingContactVolume (repeatable).",
    ),
    click.option(
        "--interval",
        default=None,
        metavar="LENGTH",
        help="Interval length (15min, 30min, 900s); inferred per queue when omitted.",
    ),
)
"""The FORECAST argument, its ``--column`` mapping and ``--interval``: see :func:`read_forecast`."""


def patience_s_option(
    help: str = "Mean customer patience [s] for every interval (Erlang A); "
    "overrides a patience_s column.",
) -> Decorator:
    return click.option(
        "--patience-s", type=click.FloatRange(0.0, min_open=True), default=None, help=help
    )


def abandon_policy_option(help: str = "How abandoned calls enter the service level.") -> Decorator:
    return click.option(
        "--abandon-policy",
        type=click.Choice(ABANDON_POLICIES),
        default="fail",
        show_default=True,
        help=help,
    )


patience_options = stack(
    patience_s_option(),
    click.option(
        "--calibration",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        help="calibration.json from `staffing calibrate`: patience per queue.",
    ),
    abandon_policy_option(),
)
"""``--patience-s``, ``--calibration`` and ``--abandon-policy``: the staffing model."""


def shrinkage_options(*, total: str, in_centre: str, out_of_centre: str) -> Decorator:
    """The shrinkage options, with the commands' own helps, and ``--hours-per-fte``."""
    rate = click.FloatRange(0.0, 1.0, max_open=True)
    return stack(
        click.option("--shrinkage", type=rate, default=None, help=total),
        click.option("--in-centre", type=rate, default=0.0, show_default=True, help=in_centre),
        click.option(
            "--out-of-centre", type=rate, default=0.0, show_default=True, help=out_of_centre
        ),
        click.option(
            "--hours-per-fte",
            type=click.FloatRange(0.0, 168.0, min_open=True),
            default=37.5,
            show_default=True,
            help="Paid hours of one FTE per week.",
        ),
    )


period_option = click.option(
    "--period",
    type=click.Choice(["day", "week", "month"]),
    default="week",
    show_default=True,
    help="Summary period (weeks start on Monday).",
)


def band_edges_option(help: str) -> Decorator:
    """``--band-edges LOW,HIGH``, read with :func:`parse_band_edges`."""
    return click.option(
        "--band-edges", default="5,10", show_default=True, metavar="LOW,HIGH", help=help
    )


def plot_option(help: str = "Figure (.png, .pdf, .svg).") -> Decorator:
    return click.option("--plot", "plot_path", default=None, metavar="PATH", help=help)


def report_option(help: str) -> Decorator:
    return click.option("--report", "report_path", default=None, metavar="PATH", help=help)


# --------------------------------------------------------------------------- checks


def check_suffix(option: str, path: str | None, allowed: Sequence[str], *, dash: bool) -> None:
    """``path`` ends in one of ``allowed`` (or is ``-`` for standard output, given ``dash``)."""
    if path is None or (dash and path == "-"):
        return
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        more = " or '-' for standard output" if dash else ""
        raise click.ClickException(
            f"{option} {path}: unknown file type {suffix or '(none)'!r}; "
            f"use {', '.join(allowed)}{more}"
        )
    # a directory in the way would only fail after the work, perhaps with outputs written
    if Path(path).is_dir():
        raise click.ClickException(f"{option} {path}: is a directory")
    for parent in Path(path).parents:
        if parent.exists():
            if not parent.is_dir():
                raise click.ClickException(f"{option} {path}: {parent} is not a directory")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise click.ClickException(f"{option} {path}: cannot write in {parent}")
            break


def check_paths(
    tables: Mapping[str, str | None], plot: str | None, report: str | None = None
) -> None:
    """The suffix of every table (option -> path, ``-`` allowed), figure and report path."""
    for option, path in tables.items():
        check_suffix(option, path, TABLE_SUFFIXES, dash=True)
    check_suffix("--plot", plot, FIGURE_SUFFIXES, dash=False)
    check_suffix("--report", report, REPORT_SUFFIXES, dash=False)


def require_targets(targets: Sequence[str], targets_file: str | None) -> None:
    if not targets and targets_file is None:
        raise click.ClickException("no target: give --target (e.g. 80/20) or --targets FILE")


def parse_band_edges(value: str) -> tuple[float, float]:
    """``5,10`` (or ``5;10``) as the two escalation band edges [points below target]."""
    parts = [p for p in value.replace(";", ",").split(",") if p.strip()]
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise click.ClickException(
            f"--band-edges {value!r}: give two numbers of points, e.g. 5,10"
        ) from None
    return low, high


# --------------------------------------------------------------------------- reading and writing


def read_forecast(forecast: str, columns: Sequence[str], interval: str | None) -> Any:
    """The forecast of :data:`forecast_input`'s options, validated by the planner's reader."""
    from staffing.io import parse_column_options
    from staffing.planner import read_forecast as read

    return read(forecast, columns=parse_column_options(columns), interval=interval)


def write_tables(tables: dict[str, Any], main: str, path: str | None) -> None:
    """All tables to an ``.xlsx`` (one sheet each); the ``main`` one to anything else."""
    from staffing.io import write_table

    if path is None:
        return
    write_table(tables if path.lower().endswith(".xlsx") else tables[main], path)


def write_figure(figure: Any, path: str) -> None:
    from staffing.io import atomic_write

    with atomic_write(path) as tmp:
        figure.savefig(tmp, dpi=150, bbox_inches="tight")


def warn(text: str) -> None:
    click.echo(f"Warning: {text}", err=True)


# --------------------------------------------------------------------------- text


def percent(x: float, decimals: int = 1) -> str:
    """``12.3%``; empty for NaN."""
    return "" if x != x else f"{100 * x:.{decimals}f}%"


def when(t: Any) -> str:
    """A period's start as ``Mon 2024-01-01``; ``all`` on the total row (NaT)."""
    import pandas as pd

    return "all" if pd.isna(t) else f"{t:%a %Y-%m-%d}"
