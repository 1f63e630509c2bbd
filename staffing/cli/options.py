"""Option groups the commands share, each built into the library's own parameter object.

A group is a stack of click options plus a step that turns their values into one object
(:class:`~staffing.io.ReadOptions`, :class:`~staffing.planner.QueueModel`,
:class:`~staffing.planner.FteRules`, :class:`~staffing.contracts.CreditTerms`), so a
command receives ``model`` or ``fte`` rather than eight loose values, and the objects
validate themselves once. This module imports click alone at the top; the library is
imported inside the builders, which keeps ``staffing --help`` fast.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from staffing.cli.types import (
    BandEdges,
    ColumnMapping,
    Duration,
    FiniteFloat,
    Interval,
    OpenHours,
    Percent,
    Size,
    TargetList,
    WeekStart,
)

__all__ = [
    "CREDIT_CLAUSE_OPTIONS",
    "Source",
    "TargetChoice",
    "band_edges_option",
    "channel_options",
    "chat_efficiency_option",
    "chunk_options",
    "collect",
    "column_mapping",
    "credit_terms_option_group",
    "credit_terms_options",
    "forecast_input",
    "fte_options",
    "model_options",
    "on_inconsistent_option",
    "patience_option",
    "period_option",
    "read_options",
    "redial_options",
    "simulation_options",
    "stack",
    "targets_options",
    "threshold_option",
]

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

#: How abandoned calls enter the service level (see :mod:`staffing.vocabulary`).
ABANDON_POLICIES = ("fail", "exclude", "exclude_within", "count_within")


def stack(*decorators: Decorator) -> Decorator:
    """One decorator applying ``decorators`` as if written one above the other, in order."""

    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


def collect(dest: str, names: Sequence[str], build: Callable[..., Any]) -> Decorator:
    """Pass the values of the options ``names`` to the command as ``dest = build(**values)``."""

    def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in names}
            kwargs[dest] = build(**values)
            return f(*args, **kwargs)

        return wrapper

    return decorator


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class Source:
    """A table file named on the command line, with how to read it."""

    path: str
    options: Any  # staffing.io.ReadOptions
    interval_s: float | None = None

    @property
    def name(self) -> str:
        from pathlib import Path

        return Path(self.path).name

    def table(self) -> Any:
        """The file as a table with our column names; the library validates it, once."""
        return self.options.read(self.path)


def _mapping(flag: str, columns: tuple[tuple[str, str], ...]) -> dict[str, str]:
    from staffing.errors import InputError

    mapping: dict[str, str] = {}
    for ours, theirs in columns:
        if ours in mapping:
            raise InputError(f"{flag}: '{ours}' is mapped twice")
        mapping[ours] = theirs
    return mapping


def _read_options(
    read_columns: tuple[tuple[str, str], ...],
    dayfirst: bool | None,
    date_format: str | None,
    sheet: str | None,
) -> Any:
    from staffing.io import ReadOptions

    if date_format is not None and not re.search(r"%[dmbBYyjU]", date_format):
        raise click.BadParameter(
            f"{date_format!r} names no day, month or year (e.g. '%d/%m/%Y %H:%M')",
            param_hint="--date-format",
        )
    if date_format is not None and dayfirst is not None:
        day, month = date_format.find("%d"), date_format.find("%m")
        if day >= 0 and month >= 0 and (day < month) != dayfirst:
            way = "--dayfirst" if dayfirst else "--monthfirst"
            raise click.UsageError(
                f"{way} contradicts --date-format {date_format!r}: give one of them"
            )

    return ReadOptions(
        columns=_mapping("--column", read_columns),
        dayfirst=dayfirst,
        date_format=date_format,
        sheet=sheet,
    )


def _apply_profile(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """Load the import profile (given, or ``staffing.toml`` found in the working
    directory) into the command's defaults, before its other options are read."""
    from staffing.errors import InputError
    from staffing.io.profile import find_profile, load_profile

    path = value
    if path is None:
        found = find_profile()
        if found is None:
            return None
        path = str(found)
        click.echo(f"profile: {found.name}", err=True)
    try:
        profile = load_profile(path)
    except InputError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
    command = ctx.info_name or ""
    settings = profile.settings_for(command)
    own = profile.commands.get(command, {})
    names: dict[str, str] = {}
    for p in ctx.command.params:
        for opt in (*p.opts, *p.secondary_opts):
            if opt.startswith("--"):
                names.setdefault(opt[2:], str(p.name))
    defaults: dict[str, Any] = {}
    for key, setting in settings.items():
        name = names.get(key) or names.get(key.replace("_", "-"))
        if name is None:
            if key in own:
                raise click.BadParameter(
                    f"{Path(path).name}: [{command}] has no option --{key}", ctx, param
                )
            continue  # a setting for other commands
        defaults[name] = setting
    ctx.default_map = {**defaults, **(ctx.default_map or {})}
    return path


def profile_option() -> Decorator:
    """``--profile FILE``: an import profile (column mapping, date convention, defaults)."""
    return click.option(
        "--profile",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        is_eager=True,
        expose_value=False,
        callback=_apply_profile,
        help="Import profile (TOML): column mapping, date convention and option defaults "
        "for this export; default ./staffing.toml when there is one (see `staffing "
        "profile`).",
    )


def read_options(what: str = "a column") -> Decorator:
    """How the command's files are read, built into a ``ReadOptions`` named ``read``.

    ``--column OURS=THEIRS`` (repeatable; ``date=`` and ``time=`` build interval_start from
    two columns), ``--dayfirst/--monthfirst`` and ``--date-format`` (only needed when no
    date settles the convention), ``--sheet`` (Excel), and ``--profile`` (all of these and
    any option's default from an import profile).
    """
    return stack(
        profile_option(),
        click.option(
            "--column",
            "read_columns",
            type=ColumnMapping(),
            multiple=True,
            help=f"Map {what} of the file to ours, e.g. calls=IncomingContactVolume; "
            "date=Date and time=Interval build interval_start (repeatable).",
        ),
        click.option(
            "--dayfirst/--monthfirst",
            "dayfirst",
            default=None,
            help="How dates such as 04/03/2025 are written, when no date in the file "
            "settles it (4 March or 3 April).",
        ),
        click.option(
            "--date-format",
            default=None,
            metavar="FORMAT",
            help="strftime format of the dates, e.g. '%d/%m/%Y %H:%M'.",
        ),
        click.option(
            "--sheet",
            default=None,
            metavar="NAME",
            help="Excel: the sheet to read (default the first).",
        ),
        collect("read", ["read_columns", "dayfirst", "date_format", "sheet"], _read_options),
    )


def column_mapping(flag: str, dest: str, what: str) -> Decorator:
    """Another file's ``OURS=THEIRS`` mapping (repeatable), as a dict named ``dest``; the
    command reads that file with the main ``read`` options ``.with_columns(...)``."""
    name = f"{dest}_pairs"
    return stack(
        click.option(
            flag,
            name,
            type=ColumnMapping(),
            multiple=True,
            help=f"Map {what}, e.g. agents=Staffed (repeatable).",
        ),
        collect(dest, [name], lambda **v: _mapping(flag, v[name])),
    )


def on_inconsistent_option() -> Decorator:
    """``--on-inconsistent repair|drop|fail``: history rows whose counts do not add up."""
    return click.option(
        "--on-inconsistent",
        type=click.Choice(["repair", "drop", "fail"]),
        default="repair",
        show_default=True,
        help="History rows where answered + abandoned exceeds offered (calls counted "
        "where they start and end): raise offered, drop the rows, or stop.",
    )


def history_sl_option(*, default: str | None = "fail") -> Decorator:
    """``--history-sl``: what a history's ``service_level`` column divides."""
    return click.option(
        "--history-sl",
        type=click.Choice(ABANDON_POLICIES),
        default=default,
        show_default=default is not None,
        help="What the history's service_level divides: fail = answered within t / "
        "offered, exclude = / answered, exclude_within = / (offered - abandoned within "
        "t), count_within = (answered + abandoned within t) / offered.",
    )


def history_options(*, defaults: bool = True) -> Decorator:
    """How a history is read beyond its columns: ``--history-sl`` (what its service level
    divides), ``--pool`` (queues served by one pool of agents, repeatable),
    ``--agents-estimate`` and ``--max-idle-s`` (staffed agents from call records).

    With ``defaults=False`` the options default to ``None`` (a command that takes them
    from a calibration otherwise).
    """
    return stack(
        history_sl_option(default="fail" if defaults else None),
        click.option(
            "--pool",
            "pools",
            multiple=True,
            metavar="QUEUES",
            help="Queues served by one pool of agents, calibrated as one queue: all, or "
            "names joined by + (PS+PE+NE); repeatable.",
        ),
        click.option(
            "--agents-estimate",
            type=click.Choice(["idle_gap", "work_conserving"]),
            default="idle_gap" if defaults else None,
            show_default=defaults,
            help="Call records: staffed agents from each agent's presence between calls "
            "(idle_gap), or, where callers waited, from the agents busy meanwhile "
            "(work_conserving).",
        ),
        click.option(
            "--max-idle-s",
            type=Duration(allow_zero=True),
            default="900" if defaults else None,
            show_default=defaults,
            metavar="DURATION",
            help="Call records: longest idle gap between an agent's calls still counted as "
            "staffed.",
        ),
    )


def _forecast_source(forecast: str, read: Any, interval_s: float | None) -> Source:
    return Source(forecast, read, interval_s)


forecast_input = stack(
    click.argument("forecast", type=click.Path(exists=True, dir_okay=False)),
    read_options("a forecast column"),
    click.option(
        "--interval",
        "interval_s",
        type=Interval(),
        default=None,
        metavar="DURATION",
        help="Interval length (15min, 30min, 900); inferred per queue when omitted.",
    ),
    collect("forecast", ["forecast", "read", "interval_s"], _forecast_source),
)
"""FORECAST, its ``--column`` mapping and ``--interval``: a :class:`Source` named ``forecast``."""


# --------------------------------------------------------------------------- the queue model


def _queue_model(
    patience_s: float | None,
    calibration: str | None,
    calibration_period: str | None,
    erlang_c: bool,
    abandon_policy: str = "fail",
) -> Any:
    from staffing.io import load_calibration
    from staffing.planner import QueueModel

    if calibration_period is not None and calibration is None:
        raise click.UsageError(
            "--calibration-period chooses among the periods of a calibration: give "
            "--calibration calibration.json too"
        )
    calibration_period = calibration_period or "latest"

    loaded = load_calibration(calibration) if calibration is not None else None
    model = QueueModel(
        patience_s=patience_s,
        calibration=loaded,
        abandon_policy=abandon_policy,  # type: ignore[arg-type]
        calibration_period=calibration_period,
        abandonment=not erlang_c,
    )
    if calibration is not None and not erlang_c:
        name = click.format_filename(calibration, shorten=True)
        click.echo(f"Patience from {name}, {model.calibration_choice()}.", err=True)
    if calibration is not None and model.staffing_choice():
        name = click.format_filename(calibration, shorten=True)
        click.echo(
            f"Effective agents = factor x staffed agents from {name}: {model.staffing_choice()}.",
            err=True,
        )
    return model


def patience_option(
    help: str = "Mean customer patience (Erlang A) for intervals no calibration or "
    "patience_s column covers: seconds (120) or a duration (2min); inf = Erlang C.",
) -> Decorator:
    """``--patience-s`` (or ``--patience``): a duration, ``inf`` for Erlang C."""
    return click.option(
        "--patience-s",
        "--patience",
        "patience_s",
        type=Duration(allow_inf=True),
        default=None,
        metavar="DURATION",
        help=help,
    )


def threshold_option(help: str) -> Decorator:
    """``--threshold-s`` (or ``--threshold``): a duration, 0 allowed."""
    return click.option(
        "--threshold-s",
        "--threshold",
        "threshold_s",
        type=Duration(allow_zero=True),
        default=None,
        metavar="DURATION",
        help=help,
    )


def model_options(abandon_policy: bool = True) -> Decorator:
    """``--patience-s``, ``--calibration``, ``--calibration-period``, ``--abandon-policy``
    (left out with ``abandon_policy=False``, for a command whose credit clause options
    give it: the model then counts abandons as failures until the command sets it)."""
    names = ["patience_s", "calibration", "calibration_period", "abandon_policy", "erlang_c"]
    policy = [abandon_policy_option()] if abandon_policy else []
    if not abandon_policy:
        names.remove("abandon_policy")
    return stack(
        patience_option(),
        click.option(
            "--calibration",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="calibration.json from `staffing calibrate`: patience per queue "
            "(ahead of the patience_s column and --patience-s), the effective-staffing "
            "factor and redial shares where it has them.",
        ),
        click.option(
            "--calibration-period",
            default=None,
            metavar="latest|pooled|PERIOD",
            help="Which estimates of the calibration: the latest period (default), the "
            "pooled history or one period (2024Q3, 2024-07).",
        ),
        *policy,
        click.option(
            "--erlang-c",
            is_flag=True,
            help="Plan every interval with Erlang C: leave out every patience (calibration, "
            "patience_s column, --patience-s).",
        ),
        collect("model", names, _queue_model),
    )


def _with_redials(
    model: Any,
    patience_model: str,
    redial: float | None,
    redial_delay_s: float | None,
    reconnect: float | None,
) -> Any:
    from dataclasses import replace

    from staffing.prepared.calibration import calibrated_redials

    out = replace(
        model,
        patience_model=patience_model,
        redial=redial,
        redial_delay_s=redial_delay_s,
        reconnect=reconnect,
    )
    table = calibrated_redials(out.calibration)
    if table:
        shares = ", ".join(
            f"{q} {100 * v['share']:.0f}%"
            + (f" (mean delay {v['delay'].mean_s / 60:.0f} min)" if v["delay"] else "")
            for q, v in table.items()
        )
        click.echo(f"Redials from the calibration: {shares} of abandoned callers.", err=True)
    return out


def redial_options() -> Decorator:
    """``--patience-model``, ``--redial``, ``--redial-delay``, ``--reconnect``: added to
    the ``model`` of :func:`model_options` (which must come first)."""
    share = Percent(allow_one=False)
    return stack(
        click.option(
            "--patience-model",
            type=click.Choice(["exponential", "km"]),
            default="exponential",
            show_default=True,
            help="exponential: Erlang A with the mean patience; km: M/M/n+G with the "
            "Kaplan-Meier patience curve of --calibration (from call records).",
        ),
        click.option(
            "--redial",
            type=share,
            default=None,
            metavar="PERCENT",
            help="Share of abandoned callers who call again (forecast calls are then fresh "
            "calls); a redial column or the calibration's caller ids say it per queue.",
        ),
        click.option(
            "--redial-delay",
            "redial_delay_s",
            type=Duration(),
            default=None,
            metavar="DURATION",
            help="Mean delay before calling again (exponential; 10min); the calibration's "
            "delay curve where it has one.",
        ),
        click.option(
            "--reconnect",
            type=share,
            default=None,
            metavar="PERCENT",
            help="Share of answered callers who call again (after the same delay).",
        ),
        collect(
            "model",
            ["model", "patience_model", "redial", "redial_delay_s", "reconnect"],
            _with_redials,
        ),
    )


def abandon_policy_option(help: str = "How abandoned calls enter the service level.") -> Decorator:
    return click.option(
        "--abandon-policy",
        type=click.Choice(ABANDON_POLICIES),
        default="fail",
        show_default=True,
        help=help,
    )


# --------------------------------------------------------------------------- shrinkage and FTE


def week_start_option() -> Decorator:
    """``--week-start``: the weekday the centre's weeks start on."""
    return click.option(
        "--week-start",
        "week_start",
        type=WeekStart(),
        default="mon",
        show_default=True,
        help="Weekday the centre's weeks start on (mon, sun, sat, ...): weekly figures are "
        "counted over these weeks.",
    )


def _fte_rules(
    shrinkage: float | None,
    in_centre: float,
    out_of_centre: float,
    hours_per_fte: float,
    week_start: int,
) -> Any:
    from staffing.planner import FteRules

    return FteRules(
        in_centre=in_centre,
        out_of_centre=out_of_centre,
        total=shrinkage,
        hours_per_fte=hours_per_fte,
        week_start=week_start,
    )


def fte_options() -> Decorator:
    """The shrinkage options (percentages) and ``--hours-per-fte``: ``FteRules`` as ``fte``."""
    rate = Percent(allow_one=False)
    return stack(
        click.option(
            "--shrinkage",
            type=rate,
            default=None,
            metavar="PERCENT",
            help="Total shrinkage, applied at the interval level (instead of the two below).",
        ),
        click.option(
            "--in-centre",
            type=rate,
            default="0%",
            show_default=True,
            metavar="PERCENT",
            help="In-centre shrinkage: breaks, coaching, meetings "
            "(scheduled = agents / (1 - this)).",
        ),
        click.option(
            "--out-of-centre",
            type=rate,
            default="0%",
            show_default=True,
            metavar="PERCENT",
            help="Out-of-centre shrinkage: holidays, sickness, training days (applied to FTE).",
        ),
        click.option(
            "--hours-per-fte",
            type=FiniteFloat(0.0, 168.0, min_open=True),
            default=37.5,
            show_default=True,
            help="Paid hours of one FTE per week.",
        ),
        week_start_option(),
        collect(
            "fte",
            ["shrinkage", "in_centre", "out_of_centre", "hours_per_fte", "week_start"],
            _fte_rules,
        ),
    )


def period_option(periods: Sequence[str] = ("day", "week", "month", "quarter")) -> Decorator:
    return click.option(
        "--period",
        type=click.Choice(list(periods)),
        default="week",
        show_default=True,
        help="Summary period (weeks start on --week-start).",
    )


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetChoice:
    """``--target`` values (canonical text) and the ``--targets`` file, as given."""

    targets: tuple[str, ...]
    table: str | None

    def require(self) -> None:
        """Refuse a command that needs targets and was given none."""
        if not self.targets and self.table is None:
            raise click.UsageError("no target: give --target (e.g. 80/20) or --targets FILE")

    @property
    def default(self) -> list[str] | None:
        return list(self.targets) or None

    def rules(self) -> Any:
        """The targets file read into rules (None without one)."""
        from staffing.io import read_targets

        return read_targets(self.table) if self.table is not None else None

    def describe(self) -> str:
        from pathlib import Path

        text = " + ".join(self.targets)
        if self.table:
            text = f"per queue and time window from {Path(self.table).name}" + (
                f" (default {text})" if text else ""
            )
        return text


def targets_options(help: str) -> Decorator:
    """``--target`` (repeatable) and ``--targets FILE``: a :class:`TargetChoice` as ``goal``."""
    return stack(
        click.option(
            "--target", "targets", type=TargetList(), multiple=True, metavar="TARGET", help=help
        ),
        click.option(
            "--targets",
            "targets_file",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="Targets per queue and weekday/time window "
            "(columns queue, weekday, start, end, target; first matching row wins).",
        ),
        collect(
            "goal",
            ["targets", "targets_file"],
            lambda targets, targets_file: TargetChoice(tuple(targets), targets_file),
        ),
    )


# --------------------------------------------------------------------------- credit terms


def band_edges_option(help: str) -> Decorator:
    return click.option(
        "--band-edges",
        type=BandEdges(),
        default="5,10",
        show_default=True,
        help=help,
    )


def _credit_terms(**values: Any) -> Any:
    from staffing.contracts import CreditTerms

    return CreditTerms(**values)


def credit_terms_option_group(*, period: bool = True, bands: bool = True) -> Decorator:
    """The credit clause's options, built into a ``CreditTerms`` named ``terms``; without
    ``--period`` or ``--band-edges`` for a command that has its own (the clause then has
    the defaults, for the command to replace)."""
    names = [
        "period",
        "step",
        "credit_per_step",
        "cap",
        "fee",
        "earn_back_target",
        "earn_back_periods",
        "abandon_policy",
        "band_edges",
        "week_start",
    ]
    if not period:
        names.remove("period")
        names.remove("week_start")
    if not bands:
        names.remove("band_edges")
    return stack(
        *([period_option(), week_start_option()] if period else []),
        click.option(
            "--step",
            type=FiniteFloat(0.0, min_open=True),
            default=0.5,
            show_default=True,
            help="Points below target per credit step (each started step counts).",
        ),
        click.option(
            "--credit-per-step",
            type=Percent(allow_zero=False),
            default="1%",
            show_default=True,
            metavar="PERCENT",
            help="Price reduction per started step, as a share of the period's fee.",
        ),
        click.option(
            "--cap",
            type=Percent(allow_zero=False),
            default=None,
            metavar="PERCENT",
            help="Largest credit per period, e.g. 10%.",
        ),
        click.option(
            "--fee", type=FiniteFloat(0.0), default=None, help="Fee per period: gives amounts."
        ),
        click.option(
            "--earn-back-target",
            type=Percent(allow_zero=False, allow_one=False),
            default=None,
            metavar="PERCENT",
            help="Service level to hold afterwards to have a credit forgiven, e.g. 85%.",
        ),
        click.option(
            "--earn-back-periods",
            type=click.IntRange(1),
            default=1,
            show_default=True,
            help="Following periods that must all reach the earn-back target.",
        ),
        abandon_policy_option(),
        *([band_edges_option("Escalation band edges in points below target.")] if bands else []),
        collect("terms", names, _credit_terms),
    )


#: Names of the clause's own options (those that say a clause was given).
CREDIT_CLAUSE_OPTIONS: tuple[str, ...] = (
    "step",
    "credit_per_step",
    "cap",
    "fee",
    "earn_back_target",
    "earn_back_periods",
)

credit_terms_options = credit_terms_option_group()
"""The credit clause's options, built into a ``CreditTerms`` named ``terms``."""


# --------------------------------------------------------------------------- simulation


def rostered_table(
    forecast_path: str,
    read: Any,
    interval_s: float | None,
    roster: str,
    roster_columns: dict[str, str],
    targets: Any,
    model: Any,
    **evaluation: Any,
) -> Any:
    """The interval table of a forecast staffed by a roster: what simulate and risk check.

    The forecast is refused before the roster is read if it holds what the simulator
    cannot run (:func:`staffing.prepared.channels.check_simulable`); ``evaluation`` goes
    to :func:`staffing.planner.evaluate_staffing` (``targets_table``, ``threshold_s``).
    """
    from staffing.io import read_forecast, read_roster
    from staffing.planner import evaluate_staffing
    from staffing.prepared.channels import check_simulable

    forecast = read_forecast(forecast_path, options=read, interval_s=interval_s)
    check_simulable(forecast)  # before the roster is read and evaluated
    staffing = read_roster(roster, options=read.with_columns(roster_columns))
    return evaluate_staffing(forecast, staffing, targets, model=model, **evaluation).intervals


def _simulation_options(
    replications: int,
    seed: int,
    service_cv: float | None,
    jobs: int,
    scheduler: str | None,
    volume_cv: float = 0.0,
) -> Any:
    from staffing.simulation import SimulationOptions

    return SimulationOptions(
        replications=replications,
        seed=seed,
        volume_cv=volume_cv,
        service_cv=service_cv,
        jobs=jobs,
        scheduler=scheduler,
    )


def simulation_options(
    what: str = "Simulated days per queue-day",
    *,
    replications: int = 1000,
    seed: int = 0,
    volume_cv: bool = True,
) -> Any:
    """``--replications``, ``--seed``, ``--volume-cv``, ``--service-cv``, ``--jobs``,
    ``--scheduler``: a ``SimulationOptions`` named ``simulation``.

    ``volume_cv=False`` leaves ``--volume-cv`` to the command (its options hold 0), as
    ``risk`` takes it as a percentage of its own.
    """
    volume = [
        click.option(
            "--volume-cv",
            type=FiniteFloat(0.0),
            default=0.0,
            show_default=True,
            help="Daily forecast error (coefficient of variation) on top of Poisson arrivals.",
        )
    ]
    return stack(
        click.option(
            "--replications",
            type=click.IntRange(2),
            default=replications,
            show_default=True,
            help=f"{what}.",
        ),
        click.option(
            "--seed",
            type=click.IntRange(0),
            default=seed,
            show_default=True,
            help="Seed: the same seed gives the same numbers, however the work is spread.",
        ),
        *(volume if volume_cv else []),
        click.option(
            "--service-cv",
            type=FiniteFloat(0.0),
            default=None,
            help="Handle-time coefficient of variation (lognormal); default exponential.",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(1),
            default=1,
            show_default=True,
            help="Local processes to spread the queue-days over.",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="Dask distributed scheduler (tcp://host:8786) to run the queue-days on "
            "(pip install 'staffing[dask]').",
        ),
        collect(
            "simulation",
            [
                "replications",
                "seed",
                *(["volume_cv"] if volume_cv else []),
                "service_cv",
                "jobs",
                "scheduler",
            ],
            _simulation_options,
        ),
    )


# --------------------------------------------------------------------------- channels


def _efficiency(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``1,1.7,2.5,2.9,3.5``: throughput with 1, 2, ... chats, checked by the chat core."""
    if value is None:
        return None
    import numpy as np

    from staffing.errors import StaffingError
    from staffing.queueing.chat import efficiency_table

    try:
        numbers = tuple(float(v) for v in value.split(",") if v.strip())
        efficiency_table(numbers, np.ones(1))
    except ValueError as exc:
        text = str(exc) if isinstance(exc, StaffingError) else "give numbers, e.g. 1,1.7,2.5"
        raise click.BadParameter(f"{value!r}: {text}", ctx, param) from None
    return numbers


def chat_efficiency_option() -> Decorator:
    """``--chat-efficiency 1,1.7,2.5,2.9,3.5`` (a tuple, or None for the default)."""
    return click.option(
        "--chat-efficiency",
        "chat_efficiency",
        default=None,
        metavar="E1,E2,...",
        callback=_efficiency,
        help="Throughput of a chat agent holding 1, 2, ... chats relative to one chat  "
        "[default: 1,1.7,2.5,2.9,3.5].",
    )


def _channel_rules(
    channel_models: tuple[str, ...],
    chat_efficiency: tuple[float, ...] | None,
    open_hours: tuple[str, ...],
    deadline_clock: str,
    max_occupancy: float,
) -> Any:
    from staffing.planner import ChannelRules
    from staffing.queueing.chat import DEFAULT_EFFICIENCY

    models: dict[str, str] = {}
    for pair in channel_models:
        name, sep, model = pair.partition("=")
        if not sep or not name.strip() or not model.strip():
            raise click.BadParameter(
                f"{pair!r}: use CHANNEL=MODEL, e.g. whatsapp=concurrent",
                param_hint="--channel-model",
            )
        if model.strip().lower() not in ("immediate", "concurrent", "deferred"):
            raise click.BadParameter(
                f"{pair!r}: the model must be one of immediate, concurrent, deferred",
                param_hint="--channel-model",
            )
        models[name.strip()] = model.strip()
    return ChannelRules(
        channel_models=models,
        chat_efficiency=chat_efficiency or DEFAULT_EFFICIENCY,
        open_hours=list(open_hours) or None,
        deadline_clock=deadline_clock,  # type: ignore[arg-type]
        max_occupancy=max_occupancy,
    )


def channel_options() -> Decorator:
    """Chat and deferred-work options, built into a ``ChannelRules`` named ``channels``:
    ``--channel-model``, ``--chat-efficiency``, ``--open``, ``--deadline-clock``,
    ``--max-occupancy``."""
    return stack(
        click.option(
            "--channel-model",
            "channel_models",
            multiple=True,
            metavar="CHANNEL=MODEL",
            help="Staff a channel name of the forecast by a model: immediate (voice), "
            "concurrent (chat) or deferred (e-mail), e.g. whatsapp=concurrent (repeatable; "
            "voice, phone, chat, messaging, social, email, ticket, case, backoffice are known).",
        ),
        chat_efficiency_option(),
        click.option(
            "--open",
            "open_hours",
            multiple=True,
            type=OpenHours(text=True),
            metavar="'DAYS HH:MM-HH:MM'",
            help="Hours agents work deferred items, e.g. 'Mon-Fri 08:00-18:00' (repeatable; "
            "days not named are closed)  [default: always].",
        ),
        click.option(
            "--deadline-clock",
            "deadline_clock",
            type=click.Choice(["calendar", "business"]),
            default="calendar",
            show_default=True,
            help="Deferred deadlines count on the calendar or in --open hours only.",
        ),
        click.option(
            "--max-occupancy",
            "max_occupancy",
            type=Percent(allow_zero=False),
            default="90%",
            show_default=True,
            metavar="PERCENT",
            help="Busy share cap of agents on deferred work: blended agents take e-mail in "
            "the voice idle time up to it; added agents work at it.",
        ),
        collect(
            "channels",
            ["channel_models", "chat_efficiency", "open_hours", "deadline_clock", "max_occupancy"],
            _channel_rules,
        ),
    )


# --------------------------------------------------------------------------- big forecasts


def _chunking(chunk_queues: int | None, memory_budget: int | None) -> Any:
    from staffing.cli.chunked import Chunking

    return Chunking(per_chunk=chunk_queues, budget=memory_budget)


def chunk_options() -> Decorator:
    """``--chunk-queues`` and ``--memory-budget``, built into a ``Chunking`` named
    ``chunking`` (see :mod:`staffing.cli.chunked`)."""
    return stack(
        click.option(
            "--chunk-queues",
            "chunk_queues",
            type=click.IntRange(min=1),
            default=None,
            metavar="N",
            help="Plan N queues (pools) at a time, streaming the interval table to --out "
            "[default: chosen from the memory available for forecasts over 32 MB].",
        ),
        click.option(
            "--memory-budget",
            "memory_budget",
            type=Size(),
            default=None,
            metavar="SIZE",
            help="Memory the forecast's rows may take, e.g. 2GB [default: what is "
            "available]; a queue needing more stops the run before it starts.",
        ),
        collect("chunking", ["chunk_queues", "memory_budget"], _chunking),
    )
