"""The command class every ``staffing`` command uses: usage errors on one line."""

from __future__ import annotations

from typing import IO, Any

import click

__all__ = ["OneLineCommand"]


class _OneLineUsageError(click.UsageError):
    """A usage error printed as one ``Error: ...`` line (exit status 2, as click's)."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


class OneLineCommand(click.Command):
    """Bad options are reported on one line and exit with status 2.

    Click prints a usage error with the usage line and a hint above it; a planner reading
    a batch log wants the one line that says what to change.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if isinstance(exc, _OneLineUsageError):
                raise
            raise _OneLineUsageError(exc.format_message(), ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if isinstance(exc, _OneLineUsageError):
                raise
            raise _OneLineUsageError(exc.format_message(), ctx) from None
