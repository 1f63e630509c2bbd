"""The ``staffing`` command line.

Each command lives in its own module and is imported only when it is run, so
``staffing --help`` and quick calculations start fast. A command parses its options,
calls the library once and writes; every :class:`staffing.errors.StaffingError` becomes a
one-line message on stderr and exit status 1.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

__all__ = ["main"]

# command name -> (module, attribute, one-line help shown in `staffing --help`)
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "erlang": (
        "staffing.cli.erlang_cmd",
        "erlang",
        "Erlang C / A calculator table for one interval.",
    ),
    "plan": (
        "staffing.cli.plan_cmd",
        "plan",
        "Forecast -> agents per interval -> scheduled staff -> FTE.",
    ),
    "evaluate": (
        "staffing.cli.plan_cmd",
        "evaluate",
        "Predicted performance of a given staffing, flagged on escalation bands.",
    ),
    "calibrate": (
        "staffing.cli.calibrate_cmd",
        "calibrate",
        "Learn patience and the abandon/service-level relation from history.",
    ),
    "compare": (
        "staffing.cli.contracts_cmd",
        "compare",
        "What-if comparison of SLA targets (and sweeps).",
    ),
    "outsource": (
        "staffing.cli.contracts_cmd",
        "outsource",
        "Size an outsourcer's share: per-call or per-FTE commitments.",
    ),
    "credits": (
        "staffing.cli.contracts_cmd",
        "credits",
        "SLA service credits, earn-backs and escalation bands per period.",
    ),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = _COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module = importlib.import_module(spec[0])
        command: click.Command = getattr(module, spec[1])
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from staffing.errors import StaffingError

        try:
            return super().invoke(ctx)
        except StaffingError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="staffing")
def main() -> None:
    """Turn contact-centre service-level agreements into staffing.

    Targets use one syntax everywhere: 80/20 (80% answered within 20 s), 99/300,
    asa<=30, abandon<=5%, occupancy<=85%; several targets combine and the requirement
    is the fewest agents meeting all of them.
    """
