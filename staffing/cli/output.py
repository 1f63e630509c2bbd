"""Where a command's results go: checked before any work, written all or none.

:class:`Outputs` holds the paths a command was asked to write. It checks them before the
work starts (a known extension, a writable directory, not an input file, not another
output of the same run) and writes them through :class:`staffing.io.OutputSet`, so a run
that fails late leaves every file as it was. Each file written is named on standard error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

__all__ = [
    "FIGURE_SUFFIXES",
    "JSON_SUFFIXES",
    "REPORT_SUFFIXES",
    "TABLE_SUFFIXES",
    "Outputs",
    "input_files",
    "out_option",
    "plot_option",
    "report_option",
    "warn",
]

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
FIGURE_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg")
REPORT_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".json",)
_KINDS = {
    "table": TABLE_SUFFIXES,
    "figure": FIGURE_SUFFIXES,
    "report": REPORT_SUFFIXES,
    "json": JSON_SUFFIXES,
}


def warn(text: str) -> None:
    """``Warning: text`` on standard error."""
    click.echo(f"Warning: {text}", err=True)


def out_option(flag: str, dest: str, help: str) -> Any:
    return click.option(flag, dest, default=None, metavar="PATH", help=help)


def plot_option(help: str = "Figure (.png, .pdf, .svg).") -> Any:
    return click.option("--plot", "plot_path", default=None, metavar="PATH", help=help)


def report_option(help: str) -> Any:
    return click.option("--report", "report_path", default=None, metavar="PATH", help=help)


def input_files() -> list[str]:
    """The files the running command reads: the values of its ``click.Path`` parameters."""
    ctx = click.get_current_context()
    found: list[str] = []
    for param in ctx.command.params:
        if isinstance(param.type, click.Path):
            value = ctx.params.get(param.name or "")
            values = value if isinstance(value, tuple | list) else [value]
            found.extend(str(v) for v in values if v)
    return found


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


class Outputs:
    """The outputs of one command: ``{option: (path, kind)}``, checked at once.

    Parameters
    ----------
    paths : mapping
        Option (``"--out"``) -> ``(path or None, kind)``, kind one of ``table``,
        ``figure``, ``report``, ``json``; ``-`` (standard output) is allowed for tables
        and JSON.
    inputs : sequence of str, optional
        Files the command reads: no output may overwrite one (default: every file
        parameter of the running command, :func:`input_files`).
    """

    def __init__(
        self,
        paths: Mapping[str, tuple[str | None, str]],
        inputs: Sequence[str | None] | None = None,
    ) -> None:
        if inputs is None:
            inputs = input_files()
        self.paths = {opt: p for opt, (p, _) in paths.items() if p is not None}
        self.kinds = {opt: k for opt, (_, k) in paths.items()}
        given = [(opt, p) for opt, p in self.paths.items() if p != "-"]
        for option, path in self.paths.items():
            self._check_suffix(option, path, self.kinds[option])
        dashes = [opt for opt, p in self.paths.items() if p == "-"]
        if len(dashes) > 1:
            raise click.UsageError(f"{' and '.join(dashes)} cannot all go to standard output")
        for i, (option, path) in enumerate(given):
            for source in inputs:
                if source is not None and _same_file(Path(path), Path(source)):
                    raise click.UsageError(
                        f"{option} {path}: is an input of this run; write the output elsewhere"
                    )
            for other, other_path in given[:i]:
                if _same_file(Path(path), Path(other_path)):
                    raise click.UsageError(f"{option} and {other} both name {path}")
        self._set: Any = None
        self._sinks: list[Any] = []
        self.written: list[str] = []

    @staticmethod
    def _check_suffix(option: str, path: str, kind: str) -> None:
        allowed = _KINDS[kind]
        dash = kind in ("table", "json")
        if dash and path == "-":
            return
        suffix = Path(path).suffix.lower()
        if suffix not in allowed:
            more = " or '-' for standard output" if dash else ""
            raise click.UsageError(
                f"{option} {path}: unknown file type {suffix or '(none)'!r}; "
                f"use {', '.join(allowed)}{more}"
            )
        if Path(path).is_dir():
            raise click.UsageError(f"{option} {path}: is a directory")
        for parent in Path(path).parents:
            if parent.exists():
                if not parent.is_dir():
                    raise click.UsageError(f"{option} {path}: {parent} is not a directory")
                if not os.access(parent, os.W_OK | os.X_OK):
                    raise click.UsageError(f"{option} {path}: cannot write in {parent}")
                break

    def get(self, option: str) -> str | None:
        return self.paths.get(option)

    @property
    def stdout_taken(self) -> bool:
        """Whether a table goes to standard output (then nothing else may be printed)."""
        return "-" in self.paths.values()

    def __enter__(self) -> Outputs:
        from staffing.io import OutputSet

        self._set = OutputSet()
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        for sink in self._sinks:
            sink.close()
        self._sinks.clear()
        self._set.__exit__(kind, value, traceback)
        if kind is None and self.written:
            click.echo(f"wrote {', '.join(self.written)}", err=True)

    def _note(self, path: str) -> None:
        if path != "-":
            self.written.append(path)

    @property
    def files(self) -> Any:
        """The :class:`staffing.io.OutputSet` the files are staged in (within the block):
        hand it to a library call that writes files of its own."""
        return self._set

    def wrote(self, paths: Sequence[str]) -> None:
        """Files a library call staged in :attr:`files`, named with the others at the end."""
        self.written.extend(paths)

    def table(self, option: str, table: Any) -> None:
        """Stage a table (or a mapping of named tables for an .xlsx) for ``option``."""
        path = self.paths.get(option)
        if path is None:
            return
        self._set.table(table, path)
        self._note(path)

    def tables(self, option: str, tables: Mapping[str, Any], main: str) -> None:
        """All ``tables`` into an .xlsx (one sheet each); the ``main`` one elsewhere."""
        path = self.paths.get(option)
        if path is None:
            return
        self.table(option, tables if path.lower().endswith(".xlsx") else tables[main])

    def stream(self, option: str, dates: Mapping[str, bool] | None = None) -> Any:
        """A sink writing ``option``'s table chunk by chunk (:class:`staffing.io.TableSink`),
        closed and moved into place with the others; None when the option is not given."""
        path = self.paths.get(option)
        if path is None:
            return None
        sink = self._set.stream(path, dates)
        self._sinks.append(sink)
        self._note(path)
        return sink

    def figure(self, option: str, figure: Any) -> None:
        path = self.paths.get(option)
        if path is None or figure is None:
            return
        self._set.figure(figure, path)
        self._note(path)

    def text(self, option: str, text: str) -> None:
        path = self.paths.get(option)
        if path is None:
            return
        self._set.text(text, path)
        self._note(path)

    def report(self, option: str, title: str, blocks: Sequence[tuple[str, object]]) -> None:
        path = self.paths.get(option)
        if path is None:
            return
        from staffing.io.report import render_html_report

        self.text(option, render_html_report(title, blocks))

    def holds(self, option: str, table: str, main: str) -> bool:
        """Whether ``table`` is written by ``option`` (as the main table or an .xlsx sheet)."""
        path = self.paths.get(option)
        return path is not None and (table == main or path.lower().endswith(".xlsx"))
