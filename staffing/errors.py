"""Errors a user can cause, each carrying one readable line.

The command line turns every :class:`StaffingError` into a single line on stderr and a
non-zero exit; nothing else is caught, so a bug still shows its traceback.

A message names the library parameter that settles a problem in backticks
(``give `interval_s` (e.g. 30min)``); the command line shows its own option there
instead (``give --interval (e.g. 30min)``), so each face speaks its own language.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["InputError", "StaffingError", "StaffingWarning", "TargetError", "describe_rows"]


class StaffingError(ValueError):
    """Base class for problems in what the user asked for or handed in."""


class StaffingWarning(UserWarning):
    """Something was repaired or assumed on the user's behalf: one readable line.

    The command line prints each as ``Warning: ...`` on stderr; subclasses say where it
    arose (reading a file, calibrating, resolving patience).
    """


class TargetError(StaffingError):
    """A target that cannot be parsed or that no staffing can meet."""


class InputError(StaffingError):
    """A bad input table: names the file, the column and the rows at fault.

    Parameters
    ----------
    problem : str
        What is wrong, e.g. ``"negative or missing values"``.
    source : str, optional
        File name (or a description such as ``"forecast"``) the table came from.
    column : str, optional
        Offending column.
    rows : sequence of int, optional
        Offending rows, numbered as a spreadsheet user sees them (header is row 1, so the
        first data row is row 2).
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str | None = None,
        column: str | None = None,
        rows: Sequence[int] | None = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.column = column
        self.rows = list(rows) if rows is not None else None
        super().__init__(self._message())

    def _message(self) -> str:
        parts = []
        if self.source:
            parts.append(str(self.source))
        if self.column:
            parts.append(f"column '{self.column}'")
        where = ": ".join(parts)
        text = self.problem
        if self.rows:
            text = f"{describe_rows(self.rows)} {text}"
        return f"{where}: {text}" if where else text


def describe_rows(rows: Sequence[int], show: int = 5, total: int | None = None) -> str:
    """Describe offending rows as ``"3 rows (rows 2, 5, 9)"``.

    ``total``: how many there are, when ``rows`` holds only the first of them.
    """
    rows = list(rows)
    n = len(rows) if total is None else int(total)
    head = ", ".join(str(r) for r in rows[:show])
    more = f", ... (+{n - show} more)" if n > show else ""
    noun = "row" if n == 1 else "rows"
    return f"{n} {noun} ({noun} {head}{more})"
