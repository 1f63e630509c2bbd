"""The ``staffing`` command line.

Each command lives in its own module and is imported only when it is run, so
``staffing --help`` and quick calculations start fast. A command parses its options,
builds the library's parameter objects, calls the library once and writes.

Every :class:`staffing.errors.StaffingError` becomes one line on stderr and exit status
1, with the library's parameter names (in backticks) shown as this command's options;
a bad option value is one line and exit status 2 (click's usage error); every
:class:`staffing.errors.StaffingWarning` is printed once as ``Warning: ...``; output
into a closed pipe (``| head``) ends quietly; SIGTERM removes the run's temporary files
and exits with status 143.
"""

from __future__ import annotations

import importlib
import re
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

__all__ = ["main"]

# Library parameter -> option, where the option's own name differs.
_ALIASES: dict[str, str] = {
    "columns": "--column",
    "interval": "--interval",
    "interval_s": "--interval",
    "targets": "--target",
    "targets_table": "--targets",
    "total": "--shrinkage",
    "queues": "--queue",
    "scenarios": "--scenario",
    "n_sims": "--simulations",
    "calibration_period": "--calibration-period",
    "summary": "--summary",
    "sweep": "--sweep",
}
_PARAMETER = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")

# command name -> (module, attribute, one-line help shown in `staffing --help`)
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "erlang": (
        "staffing.cli.erlang_cmd",
        "erlang_command",
        "Erlang C / A calculator table for one interval.",
    ),
    "plan": (
        "staffing.cli.plan_cmd",
        "plan_command",
        "Forecast -> agents per interval -> scheduled staff -> FTE.",
    ),
    "evaluate": (
        "staffing.cli.plan_cmd",
        "evaluate_command",
        "Predicted performance of a given staffing, flagged on escalation bands.",
    ),
    "calibrate": (
        "staffing.cli.calibrate_cmd",
        "calibrate_command",
        "Learn patience, the abandon/SL relation and effective staffing from history.",
    ),
    "backtest": (
        "staffing.cli.backtest_cmd",
        "backtest_command",
        "A calibration's predictions against a history, beside the noise floor.",
    ),
    "compare": (
        "staffing.cli.compare_cmd",
        "compare_command",
        "What-if comparison of SLA targets (and sweeps).",
    ),
    "outsource": (
        "staffing.cli.outsource_cmd",
        "outsource_command",
        "Size an outsourcer's share: per-call or per-FTE commitments.",
    ),
    "credits": (
        "staffing.cli.credits_cmd",
        "credits_command",
        "SLA service credits, earn-backs and escalation bands per period.",
    ),
    "simulate": (
        "staffing.cli.simulate_cmd",
        "simulate_command",
        "Simulate a plan through the whole day: every interval, with confidence intervals.",
    ),
    "profile": (
        "staffing.cli.profile_cmd",
        "profile_command",
        "How an export is read, and an import profile to save for it.",
    ),
    "risk": (
        "staffing.cli.risk_cmd",
        "risk_command",
        "Will the period make its SLA? P(meet), expected credit, staffing to a probability.",
    ),
    "intraday": (
        "staffing.cli.risk_cmd",
        "intraday_command",
        "The day re-projected from its actuals: band, extra staff, tell the client.",
    ),
    "capacity": (
        "staffing.cli.capacity_cmd",
        "capacity_command",
        "Hiring classes over months: training, ramp and attrition (HiGHS).",
    ),
    "forecast": (
        "staffing.cli.forecast_cmd",
        "forecast_command",
        "Forecast calls per interval from history, with its own back-test.",
    ),
    "reforecast": (
        "staffing.cli.forecast_cmd",
        "reforecast_command",
        "Reforecast the rest of the day from the morning's actual calls.",
    ),
    "schedule": (
        "staffing.cli.schedule_cmd",
        "schedule_command",
        "Shifts, breaks and people covering a plan's requirement (HiGHS).",
    ),
}


def _flags(command: click.Command | None) -> dict[str, str]:
    """Library parameter name -> this command's option (its long spelling)."""
    flags = dict(_ALIASES)
    for param in command.params if command is not None else ():
        if isinstance(param, click.Option) and param.name:
            longs = [o for o in param.opts if o.startswith("--")]
            flags[param.name] = (longs or param.opts)[0]
            if param.secondary_opts:  # a flag with its opposite: --dayfirst/--monthfirst
                flags[param.name] += "/" + param.secondary_opts[0]
    return flags


def render(message: str, command: click.Command | None) -> str:
    """A library message with `parameter` names shown as the command's options."""
    flags = _flags(command)
    return _PARAMETER.sub(lambda m: flags.get(m.group(1), m.group(1)), message)


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Print each StaffingWarning once as ``Warning: ...`` on stderr, as it happens."""
    from staffing.errors import StaffingWarning

    seen: set[str] = set()
    previous = warnings.showwarning

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(category, type) and issubclass(category, StaffingWarning):
            text = render(str(message), _CURRENT.get("command"))
            if text not in seen:
                seen.add(text)
                click.echo(f"Warning: {text}", err=True)
            return
        previous(message, category, *args, **kwargs)

    with warnings.catch_warnings():
        warnings.simplefilter("always", StaffingWarning)
        warnings.showwarning = show
        try:
            yield
        finally:
            warnings.showwarning = previous


_CURRENT: dict[str, click.Command | None] = {}


class _LazyGroup(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        import signal

        # Ctrl-C is click's again: "Aborted!" and exit status 1 (see staffing/__init__.py)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        return super().main(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = _COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module = importlib.import_module(spec[0])
        command: click.Command = getattr(module, spec[1])
        _CURRENT["command"] = command  # the command being run: its options name parameters
        return command

    def invoke(self, ctx: click.Context) -> Any:
        import os

        from staffing.errors import StaffingError

        # figures are drawn for files only: no window, whatever display the machine has
        # (before the plotting layer first imports matplotlib; a chosen backend is kept)
        os.environ.setdefault("MPLBACKEND", "Agg")
        try:
            with _terminated_cleanly(), _warnings_as_lines():
                return super().invoke(ctx)
        except _Terminated:
            click.echo("Error: terminated (SIGTERM)", err=True)
            sys.exit(128 + 15)
        except StaffingError as exc:
            raise click.ClickException(render(str(exc), _CURRENT.get("command"))) from None
        except BrokenPipeError:
            _quiet_pipe()
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class _Terminated(BaseException):
    """SIGTERM arrived: unwind (every output's temporary file removed on the way)."""


@contextmanager
def _terminated_cleanly() -> Iterator[None]:
    """SIGTERM stops the command as an error would: the ``with`` blocks that stage its
    outputs remove their temporary files, then the command exits with status 143.

    A second SIGTERM during that clean-up is ignored (SIGKILL still stops it; the next run
    writing the same files removes what it leaves). Outside the main thread, or in a
    process forked from this one, the signal keeps its default action.
    """
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a forked child: die as it would have
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _quiet_pipe() -> None:
    """The reader of standard output went away (``| head``): stop without a word."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(0)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="staffing")
def main() -> None:
    """Turn contact-centre service-level agreements into staffing.

    Targets use one syntax everywhere: 80/20 (80% answered within 20 s), 99/300,
    asa<=30, abandon<=5%, occupancy<=85%; several targets combine and the requirement
    is the fewest agents meeting all of them.
    """
